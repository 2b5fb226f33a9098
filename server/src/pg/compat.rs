//! Answers the statements a session handles itself: SET, SHOW, RESET,
//! transaction control, savepoints, DISCARD and DEALLOCATE.
//!
//! Transactions are real in the way that matters to a read-only database:
//! inside one, repeated reads of a table return the same snapshot
//! (REPEATABLE READ), an error aborts the block until ROLLBACK, and the
//! transaction status byte in `ReadyForQuery` follows PostgreSQL.

use hostgres_catalog::translate::SessionCommand;
use pgwire::error::ErrorInfo;

use hostgres_catalog::settings::Settings;

use crate::pg::error::{
    IN_FAILED_TRANSACTION, INVALID_SAVEPOINT, NO_ACTIVE_TRANSACTION, catalog_error_info, error_info,
};
use crate::pg::session::{Session, Txn};

/// What a session command produced.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    /// The `CommandComplete` tag.
    pub tag: String,
    /// A result set (SHOW): column names and text rows.
    pub rows: Option<(Vec<String>, Vec<Vec<String>>)>,
    /// Warnings to send as `NoticeResponse`.
    pub notices: Vec<String>,
    /// Changed parameters to report with `ParameterStatus`.
    pub reports: Vec<(String, String)>,
    /// Whether the engine's snapshot starts (`Some(true)`) or ends (`Some(false)`).
    pub snapshot: Option<bool>,
}

fn tag(t: &str) -> Outcome {
    Outcome {
        tag: t.to_owned(),
        ..Outcome::default()
    }
}

/// The error PostgreSQL gives for any command but ROLLBACK in a failed block.
fn failed_transaction_error() -> ErrorInfo {
    error_info(
        IN_FAILED_TRANSACTION,
        "current transaction is aborted, commands ignored until end of transaction block",
        Some("Send ROLLBACK to end the failed transaction.".to_owned()),
    )
}

/// Refuses `source` because the session's transaction failed, recording the
/// refusal in the audit log like any statement's outcome.
pub fn refuse_in_failed_transaction(session: &Session, source: &str) -> ErrorInfo {
    let refused = failed_transaction_error();
    session.audit_command(source, 0, std::time::Duration::ZERO, Some(&refused));
    refused
}

/// True for commands allowed in a failed transaction block.
pub fn allowed_when_failed(cmd: &SessionCommand) -> bool {
    matches!(
        cmd,
        SessionCommand::Rollback | SessionCommand::Commit | SessionCommand::RollbackTo(_)
    )
}

/// Runs `cmd` against the session's state.
pub fn run(session: &Session, cmd: SessionCommand) -> Result<Outcome, ErrorInfo> {
    let mut st = session.state();
    match cmd {
        SessionCommand::Begin { isolation } => {
            if st.txn == Txn::Idle {
                st.txn = Txn::Open;
                let level = match isolation {
                    Some(level) => level,
                    None => session
                        .settings
                        .get("default_transaction_isolation")
                        .unwrap_or_else(|_| "read committed".to_owned()),
                };
                set_isolation(session, "transaction_isolation", &level)?;
                Ok(Outcome {
                    snapshot: Some(true),
                    ..tag("BEGIN")
                })
            } else {
                Ok(Outcome {
                    notices: vec!["there is already a transaction in progress".to_owned()],
                    ..tag("BEGIN")
                })
            }
        }
        SessionCommand::Commit => {
            end_isolation(session);
            let previous = st.txn;
            st.txn = Txn::Idle;
            st.savepoints.clear();
            match previous {
                Txn::Idle => Ok(Outcome {
                    notices: vec!["there is no transaction in progress".to_owned()],
                    ..tag("COMMIT")
                }),
                Txn::Open => Ok(Outcome {
                    snapshot: Some(false),
                    ..tag("COMMIT")
                }),
                // COMMIT of a failed block rolls it back, and says so.
                Txn::Failed => Ok(Outcome {
                    snapshot: Some(false),
                    ..tag("ROLLBACK")
                }),
            }
        }
        SessionCommand::Rollback => {
            end_isolation(session);
            let previous = st.txn;
            st.txn = Txn::Idle;
            st.savepoints.clear();
            if previous == Txn::Idle {
                Ok(Outcome {
                    notices: vec!["there is no transaction in progress".to_owned()],
                    ..tag("ROLLBACK")
                })
            } else {
                Ok(Outcome {
                    snapshot: Some(false),
                    ..tag("ROLLBACK")
                })
            }
        }
        SessionCommand::Savepoint(name) => {
            if st.txn == Txn::Idle {
                return Err(error_info(
                    NO_ACTIVE_TRANSACTION,
                    "SAVEPOINT can only be used in transaction blocks",
                    None,
                ));
            }
            st.savepoints.push(name);
            Ok(tag("SAVEPOINT"))
        }
        SessionCommand::Release(name) | SessionCommand::RollbackTo(name) if st.txn == Txn::Idle => {
            let _ = name;
            Err(error_info(
                NO_ACTIVE_TRANSACTION,
                "savepoints can only be used in transaction blocks",
                None,
            ))
        }
        SessionCommand::Release(name) => {
            let pos = savepoint_position(&st.savepoints, &name)?;
            st.savepoints.truncate(pos);
            Ok(tag("RELEASE"))
        }
        SessionCommand::RollbackTo(name) => {
            let pos = savepoint_position(&st.savepoints, &name)?;
            st.savepoints.truncate(pos + 1);
            st.txn = Txn::Open;
            Ok(tag("ROLLBACK"))
        }
        SessionCommand::TransactionMode {
            session: true,
            isolation,
        } => {
            if let Some(level) = isolation {
                set_isolation(session, "default_transaction_isolation", &level)?;
                if st.txn == Txn::Idle {
                    set_isolation(session, "transaction_isolation", &level)?;
                }
            }
            Ok(tag("SET"))
        }
        SessionCommand::TransactionMode {
            session: false,
            isolation,
        } => {
            if st.txn == Txn::Idle {
                return Ok(Outcome {
                    notices: vec![
                        "SET TRANSACTION can only be used in transaction blocks".to_owned(),
                    ],
                    ..tag("SET")
                });
            }
            if let Some(level) = isolation {
                set_isolation(session, "transaction_isolation", &level)?;
            }
            Ok(tag("SET"))
        }
        SessionCommand::Discard => {
            session.settings.reset_all();
            Ok(tag("DISCARD ALL"))
        }
        SessionCommand::Deallocate(_) => Ok(tag("DEALLOCATE")),
        SessionCommand::Show { name: None } => {
            let rows = session
                .settings
                .show_all()
                .into_iter()
                .map(|(n, v, d)| vec![n, v, d])
                .collect();
            Ok(Outcome {
                rows: Some((
                    vec![
                        "name".to_owned(),
                        "setting".to_owned(),
                        "description".to_owned(),
                    ],
                    rows,
                )),
                ..tag("SHOW")
            })
        }
        SessionCommand::Show { name: Some(name) } => {
            let value = session
                .settings
                .get(&name)
                .map_err(|e| catalog_error_info(&e))?;
            let column = Settings::display_name(&name);
            let value = if column == "statement_timeout" {
                display_ms(&value)
            } else {
                value
            };
            Ok(Outcome {
                rows: Some((vec![column], vec![vec![value]])),
                ..tag("SHOW")
            })
        }
        SessionCommand::Set { name, value, .. } => {
            let report = session
                .settings
                .set(&name, value.as_deref())
                .map_err(|e| catalog_error_info(&e))?;
            Ok(Outcome {
                reports: report.into_iter().collect(),
                ..tag("SET")
            })
        }
        SessionCommand::Reset { name: Some(name) } => {
            let report = session
                .settings
                .set(&name, None)
                .map_err(|e| catalog_error_info(&e))?;
            Ok(Outcome {
                reports: report.into_iter().collect(),
                ..tag("RESET")
            })
        }
        SessionCommand::Reset { name: None } => {
            session.settings.reset_all();
            Ok(tag("RESET"))
        }
        // Cursors and COPY are the connection's business (`pg::execute`).
        SessionCommand::Declare(_)
        | SessionCommand::Fetch(_)
        | SessionCommand::Close(_)
        | SessionCommand::Copy(_) => Err(error_info(
            crate::pg::error::INTERNAL_ERROR,
            "cursor and COPY statements run on the connection",
            None,
        )),
    }
}

/// Sets an isolation parameter (`transaction_isolation` or its default).
fn set_isolation(session: &Session, name: &str, level: &str) -> Result<(), ErrorInfo> {
    session
        .settings
        .set(name, Some(level))
        .map(drop)
        .map_err(|e| catalog_error_info(&e))
}

/// At the end of a transaction its isolation level falls back to the
/// session's default, as `SHOW transaction_isolation` then reports.
fn end_isolation(session: &Session) {
    if let Ok(default) = session.settings.get("default_transaction_isolation") {
        let _ = session
            .settings
            .set("transaction_isolation", Some(&default));
    }
}

/// `statement_timeout` as SHOW prints it: `0`, `1500ms`, `30s`, `5min`.
fn display_ms(ms: &str) -> String {
    match ms.parse::<u64>() {
        Ok(0) | Err(_) => ms.to_owned(),
        Ok(v) if v % 60_000 == 0 => format!("{}min", v / 60_000),
        Ok(v) if v % 1000 == 0 => format!("{}s", v / 1000),
        Ok(v) => format!("{v}ms"),
    }
}

fn savepoint_position(savepoints: &[String], name: &str) -> Result<usize, ErrorInfo> {
    savepoints.iter().rposition(|s| s == name).ok_or_else(|| {
        error_info(
            INVALID_SAVEPOINT,
            format!("savepoint \"{name}\" does not exist"),
            None,
        )
    })
}
