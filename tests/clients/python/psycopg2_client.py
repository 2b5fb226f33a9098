"""psycopg2 against hostgres: parameters of several types, server-side named
cursors, a REPEATABLE READ transaction, and errors with their SQLSTATE.

Usage: psycopg2_client.py fixture|snapshot
- fixture: the server reads the fixture host tests/fixtures/hosts/basic.
- snapshot: the server reads the live host; a REPEATABLE READ transaction
  must not see a process started after its first read.
"""

import datetime
import os
import subprocess
import sys

import psycopg2
import psycopg2.errors
import psycopg2.extensions as ext

from common import check, conninfo


def parameters(conn):
    cur = conn.cursor()
    cur.execute(
        "SELECT %s::int8, %s::float8, %s::text, %s::bool, %s::text",
        (42, 2.5, "it's", True, None),
    )
    check("scalars", cur.fetchone(), (42, 2.5, "it's", True, None))
    cur.execute(
        "SELECT %s::timestamp, %s::date",
        (datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.date(2024, 2, 29)),
    )
    check(
        "datetime",
        cur.fetchone(),
        (datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.date(2024, 2, 29)),
    )
    cur.execute("SELECT %s::int8[]", ([1, 2, 3],))
    check("list", cur.fetchone()[0], [1, 2, 3])
    cur.execute(
        "SELECT pid, name FROM processes WHERE pid = ANY(%s) ORDER BY pid", ([733, 1],)
    )
    check("any", cur.fetchall(), [(1, "systemd"), (733, "redis-server")])
    cur.execute(
        "SELECT name FROM processes WHERE pid = %(pid)s AND name LIKE %(pattern)s",
        {"pid": 733, "pattern": "redis%"},
    )
    check("named", cur.fetchall(), [("redis-server",)])
    conn.commit()


def named_cursor(conn):
    with conn.cursor(name="hostgres_procs") as cur:
        cur.itersize = 2
        cur.execute("SELECT pid, name FROM processes ORDER BY pid")
        check("fetchmany", cur.fetchmany(2), [(1, "systemd"), (2, "kthreadd")])
        check("columns", [d.name for d in cur.description], ["pid", "name"])
        check("iterate", [pid for pid, _ in cur], [733, 1207, 2045])
    conn.commit()
    with conn.cursor(name="hostgres_count") as cur:
        cur.execute("SELECT count(*) FROM processes WHERE pid > %s", (100,))
        check("cursor_param", cur.fetchone(), (3,))
    conn.commit()


def repeatable_read(conn):
    conn.set_session(isolation_level="REPEATABLE READ")
    cur = conn.cursor()
    cur.execute("SHOW transaction_isolation")
    check("isolation", cur.fetchone(), ("repeatable read",))
    check(
        "in_transaction",
        conn.get_transaction_status() == ext.TRANSACTION_STATUS_INTRANS,
        True,
    )
    cur.execute("SELECT count(*) FROM processes")
    check("count", cur.fetchone(), (5,))
    conn.commit()
    check(
        "idle_after_commit",
        conn.get_transaction_status() == ext.TRANSACTION_STATUS_IDLE,
        True,
    )
    conn.set_session(isolation_level="DEFAULT")


def errors(conn):
    cur = conn.cursor()
    try:
        cur.execute("SELECT * FROM no_such_table")
        raise AssertionError("a missing table must fail")
    except psycopg2.errors.UndefinedTable as e:
        check("missing_table", e.pgcode, "42P01")
    check(
        "aborted",
        conn.get_transaction_status() == ext.TRANSACTION_STATUS_INERROR,
        True,
    )
    conn.rollback()
    try:
        cur.execute("CREATE TABLE t (a int)")
        raise AssertionError("a write must fail")
    except psycopg2.errors.ReadOnlySqlTransaction as e:
        check("write", e.pgcode, "25006")
    conn.rollback()
    cur.execute("SELECT name FROM processes WHERE pid = %s", (2045,))
    check("usable", cur.fetchone(), ("nginx",))
    conn.commit()


def snapshot(conn):
    """Within REPEATABLE READ a table reads the same rows again; after the
    transaction a new read sees the process started in between."""
    conn.set_session(isolation_level="REPEATABLE READ")
    cur = conn.cursor()
    query = "SELECT count(*) FROM processes WHERE parent = %s"
    cur.execute(query, (os.getpid(),))
    check("before", cur.fetchone(), (0,))
    child = subprocess.Popen(["sleep", "60"])
    try:
        cur.execute(query, (os.getpid(),))
        check("same_transaction", cur.fetchone(), (0,))
        conn.commit()
        cur.execute(query, (os.getpid(),))
        check("next_transaction", cur.fetchone(), (1,))
        conn.commit()
    finally:
        child.kill()
        child.wait()


def main():
    conn = psycopg2.connect(conninfo())
    if sys.argv[1:] == ["fixture"]:
        parameters(conn)
        named_cursor(conn)
        repeatable_read(conn)
        errors(conn)
    elif sys.argv[1:] == ["snapshot"]:
        snapshot(conn)
    else:
        sys.exit(f"usage: {sys.argv[0]} fixture|snapshot")
    conn.close()


main()
