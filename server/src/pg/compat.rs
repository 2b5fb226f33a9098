//! Answers the statements a session handles itself: SET, SHOW, RESET,
//! transaction control, savepoints, DISCARD and DEALLOCATE.
//!
//! Transactions are real in the way that matters to a read-only database:
//! inside one, repeated reads of a table return the same snapshot
//! (REPEATABLE READ), an error aborts the block until ROLLBACK, and the
//! transaction status byte in `ReadyForQuery` follows PostgreSQL.

use hostgres_catalog::translate::SessionCommand;
use pgwire::error::ErrorInfo;

use crate::pg::error::{
    IN_FAILED_TRANSACTION, INVALID_PARAMETER_VALUE, INVALID_SAVEPOINT, NO_ACTIVE_TRANSACTION,
    UNDEFINED_PARAMETER, error_info,
};
use crate::pg::session::{Session, Txn};
use crate::pg::settings;

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
pub fn failed_transaction_error() -> ErrorInfo {
    error_info(
        IN_FAILED_TRANSACTION,
        "current transaction is aborted, commands ignored until end of transaction block",
        Some("Send ROLLBACK to end the failed transaction.".to_owned()),
    )
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
        SessionCommand::Begin => {
            if st.txn == Txn::Idle {
                st.txn = Txn::Open;
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
        SessionCommand::TransactionMode => Ok(tag("SET")),
        SessionCommand::Discard => {
            let user = session.user.clone();
            st.settings = settings::defaults(&user, &Default::default(), st.statement_timeout);
            Ok(tag("DISCARD ALL"))
        }
        SessionCommand::Deallocate(_) => Ok(tag("DEALLOCATE")),
        SessionCommand::Show { name: None } => {
            let rows = settings::show_all(&st.settings)
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
            let (column, value) = match settings::canonical(&name) {
                Some(c) => (
                    c.to_owned(),
                    st.settings.get(c).cloned().unwrap_or_default(),
                ),
                None => match st.settings.get(&name) {
                    Some(v) => (name.clone(), v.clone()),
                    None => return Err(unrecognized(&name)),
                },
            };
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
            let canonical = match settings::canonical(&name) {
                Some(c) => c.to_owned(),
                None if settings::is_custom(&name) => name.clone(),
                None => return Err(unrecognized(&name)),
            };
            if settings::is_read_only(&canonical) {
                return Err(error_info(
                    crate::pg::error::CANT_CHANGE_RUNTIME_PARAM,
                    format!("parameter \"{canonical}\" cannot be changed"),
                    None,
                ));
            }
            let value = match value {
                Some(v) => settings::normalize(&canonical, &v)
                    .map_err(|m| error_info(INVALID_PARAMETER_VALUE, m, None))?,
                None => {
                    settings::defaults(&session.user, &Default::default(), st.statement_timeout)
                        .get(&canonical)
                        .cloned()
                        .unwrap_or_default()
                }
            };
            apply(&mut st, canonical, value)
        }
        SessionCommand::Reset { name: Some(name) } => {
            let canonical = settings::canonical(&name).ok_or_else(|| unrecognized(&name))?;
            let value =
                settings::defaults(&session.user, &Default::default(), st.statement_timeout)
                    .get(canonical)
                    .cloned()
                    .unwrap_or_default();
            let mut out = apply(&mut st, canonical.to_owned(), value)?;
            out.tag = "RESET".to_owned();
            Ok(out)
        }
        SessionCommand::Reset { name: None } => {
            let user = session.user.clone();
            st.settings = settings::defaults(&user, &Default::default(), st.statement_timeout);
            Ok(tag("RESET"))
        }
    }
}

fn apply(
    st: &mut crate::pg::session::SessionState,
    name: String,
    value: String,
) -> Result<Outcome, ErrorInfo> {
    if name == "statement_timeout" {
        st.statement_timeout = std::time::Duration::from_millis(value.parse().unwrap_or(0));
    }
    let reports = if settings::is_reported(&name) {
        vec![(name.clone(), value.clone())]
    } else {
        Vec::new()
    };
    st.settings.insert(name, value);
    Ok(Outcome {
        reports,
        ..tag("SET")
    })
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

fn unrecognized(name: &str) -> ErrorInfo {
    error_info(
        UNDEFINED_PARAMETER,
        format!("unrecognized configuration parameter \"{name}\""),
        Some("SHOW ALL lists the parameters hostgres knows.".to_owned()),
    )
}
