"""SQLAlchemy 2 against hostgres (server reading the fixture host), through
the dialect named on the command line: reflection of tables, columns,
schemas, keys, indexes and constraints, full Table reflection, a Core
select() with a bound parameter, and text() queries.

Usage: sqlalchemy_client.py psycopg2|psycopg
"""

import sys

from sqlalchemy import (
    MetaData,
    Table,
    bindparam,
    create_engine,
    inspect,
    select,
    text,
)

from common import check, url


def main():
    if sys.argv[1:] not in (["psycopg2"], ["psycopg"]):
        sys.exit(f"usage: {sys.argv[0]} psycopg2|psycopg")
    engine = create_engine(url(sys.argv[1]))
    insp = inspect(engine)
    tables = insp.get_table_names()
    check(
        "tables",
        [t for t in ["processes", "users", "listening_ports", "mounts"] if t in tables],
        ["processes", "users", "listening_ports", "mounts"],
    )
    columns = insp.get_columns("processes")
    check(
        "columns",
        [(c["name"], str(c["type"])) for c in columns[:4]],
        [("pid", "BIGINT"), ("name", "TEXT"), ("path", "TEXT"), ("cmdline", "TEXT")],
    )
    schemas = insp.get_schema_names()
    check("schemas", [s for s in ["public", "information_schema"] if s in schemas], ["public", "information_schema"])
    check("default_schema", insp.default_schema_name, "public")

    # Keys, indexes and constraints: SQLAlchemy reads them with unnest() and
    # generate_subscripts() in the select list; hostgres' tables have none.
    pk = insp.get_pk_constraint("processes")
    check("pk_constraint", (pk["name"], pk["constrained_columns"]), (None, []))
    check("indexes", insp.get_indexes("processes"), [])
    check("unique_constraints", insp.get_unique_constraints("processes"), [])
    check("foreign_keys", insp.get_foreign_keys("processes"), [])

    # Full reflection runs all of the above and the table options.
    processes = Table("processes", MetaData(), autoload_with=engine)
    check(
        "reflected",
        (
            [str(c.name) for c in processes.columns][:4],
            list(processes.primary_key.columns),
            len(processes.indexes),
        ),
        (["pid", "name", "path", "cmdline"], [], 0),
    )
    query = (
        select(processes.c.pid, processes.c.name)
        .where(processes.c.parent == bindparam("parent"))
        .order_by(processes.c.pid)
    )
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query, {"parent": 1})]
        check("core_select", rows, [(733, "redis-server"), (1207, "python3")])
        rows = conn.execute(
            text("SELECT name FROM processes WHERE pid = :pid"), {"pid": 2045}
        ).all()
        check("text", [tuple(r) for r in rows], [("nginx",)])
        rows = conn.execute(
            text(
                "SELECT name, unnest(ARRAY[pid, parent]) AS id, "
                "generate_subscripts(ARRAY[pid, parent], 1) AS i "
                "FROM processes WHERE pid = :pid ORDER BY i"
            ),
            {"pid": 733},
        ).all()
        check("srf", [tuple(r) for r in rows], [("redis-server", 733, 1), ("redis-server", 1, 2)])
        count = conn.scalar(select(processes.c.pid).where(processes.c.name == "systemd"))
        check("scalar", count, 1)
    engine.dispose()


main()
