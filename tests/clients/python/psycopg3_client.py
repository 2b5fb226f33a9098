"""psycopg 3 against hostgres (server reading the fixture host): server-side
prepared statements, binary parameters and results, `conn.execute` with
parameters, COPY ... TO STDOUT in text, csv and binary, and SQLSTATEs."""

import datetime

import psycopg
import psycopg.errors

from common import check, conninfo


def prepared(conn):
    query = "SELECT pid, name FROM processes WHERE pid = %s"
    for pid, name in [(733, "redis-server"), (2045, "nginx"), (1, "systemd")]:
        rows = conn.execute(query, [pid], prepare=True).fetchall()
        check(f"prepared_{pid}", rows, [(pid, name)])
    # prepare_threshold=0: every statement with parameters is prepared on first use.
    rows = conn.execute(
        "SELECT count(*) FROM processes WHERE parent = %s", [0]
    ).fetchall()
    check("threshold_zero", rows, [(2,)])
    # A result far larger than one write: it leaves in several, in order.
    rows = conn.execute(
        "SELECT n, 'row ' || n || ' ' || repeat('x', 150) FROM generate_series(1, %s) AS g(n)",
        [5000],
        prepare=True,
    ).fetchall()
    check("large_count", len(rows), 5000)
    check("large_order", [r[0] for r in rows] == list(range(1, 5001)), True)
    check("large_last", rows[-1][1] == "row 5000 " + "x" * 150, True)


def binary(conn):
    cur = conn.cursor(binary=True)
    cur.execute(
        "SELECT %b::int8, %b::float8, %b::text, %b::bool, %b::int4, %s::int8[]",
        [2**40, 0.25, "héllo", False, -7, [3, 1, 2]],
    )
    check("binary_scalars", cur.fetchone(), (2**40, 0.25, "héllo", False, -7, [3, 1, 2]))
    cur.execute(
        "SELECT %b::timestamptz, %b::date, %b::bytea",
        [
            datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
            datetime.date(2000, 2, 29),
            b"\x00\xffab",
        ],
    )
    ts, day, blob = cur.fetchone()
    check("binary_timestamptz", ts.astimezone(datetime.timezone.utc).isoformat(), "2024-01-02T03:04:05+00:00")
    check("binary_date", day, datetime.date(2000, 2, 29))
    check("binary_bytea", bytes(blob), b"\x00\xffab")
    cur.execute("SELECT pid, name, parent FROM processes WHERE pid = %b", [2045])
    check("binary_table", cur.fetchall(), [(2045, "nginx", 2020)])
    check("binary_format", cur.pgresult.fformat(0), 1)


def execute(conn):
    row = conn.execute(
        "SELECT name FROM processes WHERE pid = %(pid)s AND name = %(name)s",
        {"pid": 733, "name": "redis-server"},
    ).fetchone()
    check("execute_named", row, ("redis-server",))
    row = conn.execute("SELECT %s::text || %s::text", ["host", "gres"]).fetchone()
    check("execute_concat", row, ("hostgres",))


def copy(conn):
    cur = conn.cursor()
    with cur.copy(
        "COPY (SELECT pid, name FROM processes WHERE pid < 1000 ORDER BY pid) TO STDOUT"
    ) as c:
        data = b"".join(bytes(b) for b in c)
    check("copy_text", data.decode(), "1\tsystemd\n2\tkthreadd\n733\tredis-server\n")
    with cur.copy(
        "COPY (SELECT pid, name FROM processes WHERE pid > 1000 ORDER BY pid)"
        " TO STDOUT WITH (FORMAT csv, HEADER)"
    ) as c:
        data = b"".join(bytes(b) for b in c)
    check("copy_csv", data.decode(), "pid,name\n1207,python3\n2045,nginx\n")
    with cur.copy(
        "COPY (SELECT pid, name FROM processes ORDER BY pid) TO STDOUT (FORMAT binary)"
    ) as c:
        c.set_types(["int8", "text"])
        rows = list(c.rows())
    check("copy_binary", rows[:2], [(1, "systemd"), (2, "kthreadd")])
    check("copy_binary_count", len(rows), 5)


def errors(conn):
    try:
        conn.execute("SELECT * FROM no_such_table WHERE a = %s", [1])
        raise AssertionError("a missing table must fail")
    except psycopg.errors.UndefinedTable as e:
        check("missing_table", e.sqlstate, "42P01")
    try:
        conn.execute("DELETE FROM processes")
        raise AssertionError("a write must fail")
    except psycopg.errors.ReadOnlySqlTransaction as e:
        check("write", e.sqlstate, "25006")
    # A prepared statement that fails while it runs, then runs again.
    bad = "SELECT %s::text::int4"
    try:
        conn.execute(bad, ["abc"], prepare=True)
        raise AssertionError("a bad integer must fail")
    except psycopg.errors.DataException as e:
        check("runtime_error", e.sqlstate, "22000")
    check("after_runtime_error", conn.execute(bad, ["12"], prepare=True).fetchone(), (12,))
    check("usable", conn.execute("SELECT 1::int4").fetchone(), (1,))


def main():
    with psycopg.connect(conninfo(), autocommit=True, prepare_threshold=0) as conn:
        prepared(conn)
        binary(conn)
        execute(conn)
        copy(conn)
        errors(conn)


main()
