"""SQLAlchemy 2 against hostgres (server reading the fixture host), through
the dialect named on the command line: reflection of tables, columns and
schemas, a Core select() with a bound parameter, and a text() query.

Usage: sqlalchemy_client.py psycopg2|psycopg
"""

import sys

from sqlalchemy import (
    Column,
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

    # The table is built from the reflected columns: full reflection
    # (autoload_with) also reads primary keys with a query that calls
    # unnest() in its select list, which hostgres does not translate yet.
    processes = Table(
        "processes", MetaData(), *[Column(c["name"], c["type"]) for c in columns]
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
        count = conn.scalar(select(processes.c.pid).where(processes.c.name == "systemd"))
        check("scalar", count, 1)
    engine.dispose()


main()
