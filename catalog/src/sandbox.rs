//! Tests that the engine's read-only sandbox holds against SQLite's known escapes.
//!
//! Each statement below has been used to read or write files, load code or
//! change the schema through an SQLite connection; every one must fail as a
//! write (`ReadOnly`) or a refusal (`Denied`), or because the function does
//! not exist at all, and none may leave a trace.

#[cfg(test)]
mod tests {
    use crate::{CatalogError, Engine, EngineOptions};

    const ESCAPES: &[&str] = &[
        "ATTACH DATABASE '/tmp/hostgres-sandbox-probe.db' AS probe",
        "ATTACH 'file:/etc/passwd?mode=ro' AS p",
        "DETACH DATABASE main",
        "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')",
        "SELECT fts3_tokenizer('simple')",
        "SELECT fts3_tokenizer('simple', x'0000000000000000')",
        "SELECT readfile('/etc/shadow')",
        "SELECT writefile('/tmp/hostgres-sandbox-probe', 'x')",
        "SELECT edit('x', 'vi')",
        "PRAGMA writable_schema = ON",
        "PRAGMA writable_schema",
        "PRAGMA journal_mode = WAL",
        "PRAGMA temp_store_directory = '/tmp'",
        "PRAGMA trusted_schema = ON",
        "PRAGMA foreign_keys = OFF",
        "PRAGMA user_version = 7",
        "PRAGMA cache_size = 100000000",
        "PRAGMA mmap_size = 1000000000",
        "PRAGMA database_list",
        "PRAGMA compile_options",
        "CREATE TABLE t(x)",
        "CREATE TEMP TABLE t(x)",
        "CREATE TEMP VIEW v AS SELECT 1",
        "CREATE VIEW v AS SELECT 1",
        "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
        "CREATE VIRTUAL TABLE f USING fts5(x)",
        "CREATE VIRTUAL TABLE temp.f USING fts4(x)",
        "CREATE INDEX i ON processes(pid)",
        "INSERT INTO processes(pid) VALUES (1)",
        "UPDATE users SET shell = '/bin/sh'",
        "DELETE FROM users",
        "DROP TABLE processes",
        "ALTER TABLE users RENAME TO u",
        "VACUUM INTO '/tmp/hostgres-sandbox-probe.db'",
        "ANALYZE processes",
        "SELECT * FROM sqlite_dbpage",
        "SELECT * FROM dbstat",
        "CREATE VIRTUAL TABLE temp.tok USING fts3tokenize(simple)",
    ];

    #[test]
    fn known_sqlite_escapes_are_refused() {
        let e = Engine::open(EngineOptions::default()).expect("engine");
        for sql in ESCAPES {
            match e.query_all(sql, &[]) {
                Err(
                    CatalogError::ReadOnly(_)
                    | CatalogError::Denied(_)
                    | CatalogError::UndefinedFunction(_)
                    | CatalogError::UndefinedTable { .. },
                ) => {}
                other => panic!("{sql} must be refused: {other:?}"),
            }
        }
        assert!(!std::path::Path::new("/tmp/hostgres-sandbox-probe.db").exists());
        assert!(!std::path::Path::new("/tmp/hostgres-sandbox-probe").exists());
        // The engine still answers after every refusal.
        assert_eq!(e.query_all("SELECT 1", &[]).expect("alive").rows.len(), 1);
    }
}
