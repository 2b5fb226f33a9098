"""Helpers shared by the client scripts that tests/it/clients_python.rs runs.

Each script connects with the libpq environment variables (PGHOST, PGPORT,
PGUSER, PGPASSWORD, PGDATABASE), checks what the client library returns and
prints one line per check, which the Rust test compares with the exact
expected output. A failed check raises, so the script exits non-zero.
"""

import os


def conninfo():
    """A libpq connection string built from the PG* environment variables."""
    keys = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
    }
    return " ".join(f"{k}={os.environ[v]}" for k, v in keys.items() if v in os.environ)


def url(driver):
    """An SQLAlchemy URL for `driver` (psycopg2, psycopg) from the PG* variables."""
    from urllib.parse import quote

    return "postgresql+{}://{}:{}@{}:{}/{}".format(
        driver,
        quote(os.environ["PGUSER"], safe=""),
        quote(os.environ["PGPASSWORD"], safe=""),
        os.environ["PGHOST"],
        os.environ["PGPORT"],
        quote(os.environ["PGDATABASE"], safe=""),
    )


def same(got, want):
    """Equal values of the same types, element by element for sequences."""
    if isinstance(want, (list, tuple)):
        return (
            type(got) is type(want)
            and len(got) == len(want)
            and all(same(g, w) for g, w in zip(got, want))
        )
    return type(got) is type(want) and got == want


def check(label, got, want):
    """Asserts `got` equals `want` with the same Python types, then prints it."""
    if not same(got, want):
        raise AssertionError(f"{label}: got {got!r}, want {want!r}")
    print(f"{label}: {got!r}", flush=True)
