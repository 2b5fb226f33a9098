//! The PostgreSQL sink: every line becomes a row of a table on a central
//! PostgreSQL server, the line itself as `jsonb` beside the fields fleets
//! filter on. The fleet-aggregation path: many hosts, one table.
//!
//! Rows are keyed by (store_id, seq), the store's identity and the line's
//! sequence number, and inserted with `ON CONFLICT DO NOTHING`, so a batch
//! retried after a crash or an outage never duplicates a line. The table is
//! created if missing. The connection uses tokio-postgres on a small
//! runtime owned by the sink's thread, without TLS (`sslmode=disable`).

use std::time::Duration;

use super::Sink;
use crate::config::PostgresSinkConfig;
use crate::error::ScheduleError;
use crate::store::{Entry, Kind};

pub struct PostgresSink {
    config: PostgresSinkConfig,
    store_id: String,
    runtime: Option<tokio::runtime::Runtime>,
    client: Option<tokio_postgres::Client>,
    created: bool,
}

impl PostgresSink {
    pub fn new(config: PostgresSinkConfig, store_id: String) -> PostgresSink {
        PostgresSink {
            config,
            store_id,
            runtime: None,
            client: None,
            created: false,
        }
    }

    fn fail(&self, e: impl std::fmt::Display) -> ScheduleError {
        ScheduleError::sink("postgres", e)
    }

    fn insert(&mut self, entries: &[Entry]) -> Result<(), ScheduleError> {
        if self.runtime.is_none() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| self.fail(e))?;
            self.runtime = Some(rt);
        }
        let Some(rt) = self.runtime.as_ref() else {
            return Err(self.fail("no runtime"));
        };
        let table = self.config.table.clone();
        let connection = self.config.connection.clone();
        let store_id = self.store_id.clone();
        let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
        let types: Vec<String> = entries
            .iter()
            .map(|e| {
                if e.kind == Kind::Status {
                    "status"
                } else {
                    "result"
                }
                .to_owned()
            })
            .collect();
        let lines: Vec<String> = entries.iter().map(|e| e.line.clone()).collect();
        let mut client = self.client.take();
        let create = !self.created;
        let result = rt.block_on(async {
            let c = match client.take() {
                Some(c) if !c.is_closed() => c,
                _ => {
                    let (c, conn) = tokio::time::timeout(
                        Duration::from_secs(30),
                        tokio_postgres::connect(&connection, tokio_postgres::NoTls),
                    )
                    .await
                    .map_err(|_| "connecting timed out".to_owned())?
                    .map_err(|e| format!("connecting: {e}"))?;
                    tokio::spawn(async move {
                        let _ = conn.await;
                    });
                    c
                }
            };
            if create {
                c.batch_execute(&format!(
                    "CREATE TABLE IF NOT EXISTS {table} (
                        store_id text NOT NULL,
                        seq bigint NOT NULL,
                        log_type text NOT NULL,
                        name text,
                        host_identifier text,
                        unix_time bigint,
                        action text,
                        line jsonb NOT NULL,
                        received_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (store_id, seq))"
                ))
                .await
                .map_err(|e| format!("creating {table}: {e}"))?;
            }
            let sql = format!(
                "INSERT INTO {table} (store_id, seq, log_type, name, host_identifier, unix_time, action, line)
                 SELECT $1, s, t, j->>'name', j->>'hostIdentifier', (j->>'unixTime')::bigint, j->>'action', j
                 FROM (SELECT s, t, l::jsonb AS j FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u(s, t, l)) AS rows
                 ON CONFLICT (store_id, seq) DO NOTHING"
            );
            match c.execute(&sql, &[&store_id, &seqs, &types, &lines]).await {
                Ok(_) => Ok(c),
                Err(e) => Err(format!("inserting into {table}: {e}")),
            }
        });
        match result {
            Ok(c) => {
                self.client = Some(c);
                self.created = true;
                Ok(())
            }
            Err(e) => Err(self.fail(e)),
        }
    }
}

impl Sink for PostgresSink {
    fn id(&self) -> String {
        "postgres".to_owned()
    }

    fn kinds(&self) -> &[Kind] {
        &[Kind::Result, Kind::Snapshot, Kind::Status]
    }

    fn deliver(&mut self, entries: &[Entry]) -> Result<Option<String>, ScheduleError> {
        if entries.is_empty() {
            return Ok(None);
        }
        self.insert(entries)?;
        Ok(None)
    }

    fn batch(&self) -> usize {
        self.config.batch_lines
    }

    fn period(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn wakes_on_append(&self) -> bool {
        false
    }

    fn max_backoff(&self) -> Duration {
        self.config.max_backoff
    }
}
