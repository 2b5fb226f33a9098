//! Running a planned statement, for both protocols, and writing its result.
//!
//! Engine work runs in a blocking thread under the session's
//! `statement_timeout`; cursors, COPY and session commands are answered
//! here. Results are fed to the connection's buffer, never flushed: the
//! connection flushes at `ReadyForQuery` (or on `Flush`), as PostgreSQL does.

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use bytes::BytesMut;
use futures::future::BoxFuture;
use futures::{Sink, SinkExt};
use hostgres_catalog::translate::SessionCommand;
use hostgres_catalog::{CatalogError, Value};
use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::PgWireBackendMessage;
use pgwire::messages::copy::{CopyData, CopyDone, CopyOutResponse};
use pgwire::messages::data::{DataRow, NoData};
use pgwire::messages::response::{CommandComplete, EmptyQueryResponse, NoticeResponse};
use pgwire::messages::startup::ParameterStatus;

use crate::pg::compat::{self, Outcome};
use crate::pg::copy::CopyFramer;
use crate::pg::cursor::Cursor;
use crate::pg::encode::{EncodingSink, ResultColumn, encode_rows, row_description};
use crate::pg::error::{
    INVALID_SQL_STATEMENT_NAME, NO_ACTIVE_TRANSACTION, QUERY_CANCELED, catalog_error_info,
    error_info,
};
use crate::pg::portal::Wire;
use crate::pg::session::{Session, Txn};
use crate::pg::statement::{Plan, QueryPlan};

/// The kind of rows a result holds, for its `CommandComplete` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsTag {
    Select,
    Fetch,
    Show,
}

impl RowsTag {
    pub fn tag(self, rows: usize) -> String {
        let verb = match self {
            RowsTag::Select => "SELECT ",
            RowsTag::Fetch => "FETCH ",
            RowsTag::Show => return "SHOW".to_owned(),
        };
        let mut number = itoa::Buffer::new();
        let count = number.format(rows);
        let mut tag = String::with_capacity(verb.len() + count.len());
        tag.push_str(verb);
        tag.push_str(count);
        tag
    }
}

/// What a statement produced.
#[derive(Debug)]
pub enum Output {
    /// An empty statement.
    Empty,
    Rows {
        columns: Vec<ResultColumn>,
        formats: Format,
        rows: Vec<BytesMut>,
        tag: RowsTag,
    },
    Command {
        tag: String,
        /// Changed parameters to report with `ParameterStatus`.
        reports: Vec<(String, String)>,
    },
    Copy {
        binary: bool,
        columns: usize,
        /// The data, a chunk per row (and header and trailer).
        chunks: Vec<BytesMut>,
        rows: u64,
    },
}

/// A result and the warnings that go before it.
#[derive(Debug)]
pub struct Executed {
    pub output: Output,
    pub notices: Vec<String>,
}

impl Executed {
    fn of(output: Output) -> Executed {
        Executed {
            output,
            notices: Vec::new(),
        }
    }
}

/// A statement's engine run: its encoded rows and warnings.
struct Completed {
    sink: EncodingSink,
    rows: u64,
    notices: Vec<String>,
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Why a statement failed, as the client will read it. Boxed: the error is
/// large, and a statement's result moves through several calls.
pub type StatementError = Box<ErrorInfo>;

/// A statement offered to run inline.
enum Inline {
    Done(Completed),
    /// It reads a table: it runs on a blocking thread, with what it was given back.
    Declined {
        params: Vec<Value>,
        sink: EncodingSink,
    },
}

/// Runs an engine statement here if it reads no table: it then finishes in
/// microseconds, and a blocking thread would cost two thread switches.
fn try_inline(
    session: &Session,
    query: &QueryPlan,
    params: Vec<Value>,
    mut sink: EncodingSink,
) -> Result<Inline, StatementError> {
    tracing::debug!(sql = %truncate(&query.sql, 200), "run");
    let inline = session.try_inline(|engine| {
        engine
            .query_inline(&query.sql, &query.source, &params, &mut sink)
            .map(|done| done.map(|rows| (rows, engine.take_notices())))
    });
    match inline {
        Some(Ok(Some((rows, notices)))) => {
            sink.finish().map_err(|e| catalog_error_info(&e))?;
            tracing::debug!(rows, "query done inline");
            Ok(Inline::Done(Completed {
                sink,
                rows,
                notices,
            }))
        }
        Some(Err(e)) => {
            tracing::info!(error = %e, "query failed");
            Err(catalog_error_info(&e).into())
        }
        Some(Ok(None)) | None => {
            sink.reset();
            Ok(Inline::Declined { params, sink })
        }
    }
}

/// Runs one engine statement, inline or on a blocking thread.
async fn run_on_engine(
    session: &Arc<Session>,
    query: &QueryPlan,
    params: Vec<Value>,
    sink: EncodingSink,
) -> Result<Completed, StatementError> {
    match try_inline(session, query, params, sink)? {
        Inline::Done(done) => Ok(done),
        Inline::Declined { params, sink } => run_blocking(session, query, params, sink).await,
    }
}

/// Runs one engine statement on a blocking thread with the session's
/// timeout, mapping an interruption by the timeout to PostgreSQL's timeout
/// message.
async fn run_blocking(
    session: &Arc<Session>,
    query: &QueryPlan,
    params: Vec<Value>,
    sink: EncodingSink,
) -> Result<Completed, StatementError> {
    let started = Instant::now();
    let (sql, source) = (query.sql.clone(), query.source.clone());
    let timeout = session.settings.statement_timeout();
    // If this future is dropped (the connection was cancelled at shutdown)
    // the statement still runs on its blocking thread: interrupt it then.
    let abandoned = Arc::new(AtomicBool::new(false));
    let mut running = InterruptOnDrop {
        session,
        abandoned: Arc::clone(&abandoned),
        armed: true,
    };
    let work = session.with_engine(move |engine| {
        if abandoned.load(Ordering::Relaxed) {
            return Err(CatalogError::Cancelled);
        }
        let mut sink = sink;
        let rows = engine.query_as(&sql, &source, &params, &mut sink)?;
        sink.finish()?;
        Ok(Completed {
            sink,
            rows,
            notices: engine.take_notices(),
        })
    });
    let result = if timeout.is_zero() {
        work.await
    } else {
        tokio::pin!(work);
        tokio::select! {
            r = &mut work => r,
            () = tokio::time::sleep(timeout) => {
                session.interrupt();
                let finished = work.await;
                running.armed = false;
                match finished {
                    Err(CatalogError::Cancelled) => {
                        return Err(error_info(
                            QUERY_CANCELED,
                            "canceling statement due to statement timeout",
                            Some(format!("statement_timeout is {} ms; raise it with SET statement_timeout.", timeout.as_millis())),
                        ).into());
                    }
                    other => other,
                }
            }
        }
    };
    running.armed = false;
    let elapsed_us = started.elapsed().as_micros() as u64;
    match &result {
        Ok(c) => tracing::debug!(rows = c.rows, elapsed_us, "query done"),
        Err(e) => tracing::info!(error = %e, elapsed_us, "query failed"),
    }
    result.map_err(|e| catalog_error_info(&e).into())
}

/// Interrupts a session's statement when dropped armed: a statement whose
/// caller went away must not run on unobserved, and one that has not
/// started yet must not start.
struct InterruptOnDrop<'a> {
    session: &'a Session,
    abandoned: Arc<AtomicBool>,
    armed: bool,
}

impl Drop for InterruptOnDrop<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.abandoned.store(true, Ordering::Relaxed);
            self.session.interrupt();
        }
    }
}

/// The types a query's result columns are known to have before it runs.
fn known_types(query: &QueryPlan, described: Option<&[ResultColumn]>) -> Vec<Option<Type>> {
    match described {
        Some(columns) => columns.iter().map(|c| Some(c.ty.clone())).collect(),
        None => query
            .column_hints
            .iter()
            .map(|h| h.map(crate::pg::encode::pg_type))
            .collect(),
    }
}

/// Everything a statement runs with.
pub struct Context<'a> {
    pub session: &'a Arc<Session>,
    pub wire: &'a Wire,
    /// The statement is part of a multi-statement simple query, an implicit
    /// transaction block in which cursors may be declared.
    pub implicit_block: bool,
    /// The statement came in a simple `Query`.
    pub simple: bool,
}

/// Runs a planned statement. `source` is its text as the client sent it;
/// `described` are the result columns known from `Parse`, whose types the
/// result keeps.
///
/// Statements the session answers itself (SET, SHOW, BEGIN, FETCH...) and
/// statements refused in a failed transaction are audited here; the engine
/// audits the statements it runs.
pub async fn execute(
    cx: &Context<'_>,
    plan: &Plan,
    source: &str,
    params: Vec<Value>,
    formats: Format,
    described: Option<&[ResultColumn]>,
) -> Result<Executed, StatementError> {
    let session = cx.session;
    if session.txn() == Txn::Failed && !plan.allowed_when_failed() {
        return Err(compat::refuse_in_failed_transaction(session, source).into());
    }
    // The other plans' futures are boxed: they are larger and rarer, and
    // this future, started for every statement, stays small.
    match plan {
        Plan::Query(q) => {
            // Bound before awaiting, so that only the boxed future is kept
            // across the await.
            let running = match start_query(session, q, params, formats, described)? {
                Started::Done(executed) => return Ok(executed),
                Started::Blocking(running) => running,
            };
            running.await
        }
        Plan::Session(_) | Plan::Fetch(_) | Plan::Close(_) => {
            Box::pin(run_audited(cx, plan, source, params, formats)).await
        }
        _ => Box::pin(run_plan(cx, plan, params, formats, described)).await,
    }
}

/// Runs a plan the session answers itself, and audits it (the engine
/// audits the statements it runs).
async fn run_audited(
    cx: &Context<'_>,
    plan: &Plan,
    source: &str,
    params: Vec<Value>,
    formats: Format,
) -> Result<Executed, StatementError> {
    let started = Instant::now();
    let result = run_plan(cx, plan, params, formats, None).await;
    let rows = match &result {
        Ok(Executed {
            output: Output::Rows { rows, .. },
            ..
        }) => rows.len() as u64,
        _ => 0,
    };
    cx.session.audit_command(
        source,
        rows,
        started.elapsed(),
        result.as_ref().err().map(|e| &**e),
    );
    result
}

/// A query started on the engine.
///
/// The blocking run is boxed so that the futures of `execute` and of the
/// protocol handlers stay small: an async call's whole state is copied when
/// it starts, and the common statement never needs the blocking run.
enum Started<'a> {
    Done(Executed),
    Blocking(BoxFuture<'a, Result<Executed, StatementError>>),
}

/// Starts a query: one that reads no table finishes here.
fn start_query<'a>(
    session: &'a Arc<Session>,
    query: &'a QueryPlan,
    params: Vec<Value>,
    formats: Format,
    described: Option<&[ResultColumn]>,
) -> Result<Started<'a>, StatementError> {
    let sink = EncodingSink::new(
        known_types(query, described),
        formats.clone(),
        Some(session.settings.clone()),
    );
    Ok(match try_inline(session, query, params, sink)? {
        Inline::Done(done) => Started::Done(query_output(done, formats)),
        Inline::Declined { params, sink } => Started::Blocking(Box::pin(async move {
            let done = run_blocking(session, query, params, sink).await?;
            Ok(query_output(done, formats))
        })),
    })
}

/// A query's rows, ready to send.
fn query_output(mut done: Completed, formats: Format) -> Executed {
    Executed {
        output: Output::Rows {
            columns: done.sink.take_columns(),
            formats,
            rows: done.sink.rows,
            tag: RowsTag::Select,
        },
        notices: done.notices,
    }
}

async fn run_plan(
    cx: &Context<'_>,
    plan: &Plan,
    params: Vec<Value>,
    formats: Format,
    described: Option<&[ResultColumn]>,
) -> Result<Executed, StatementError> {
    let session = cx.session;
    match plan {
        Plan::Empty => Ok(Executed::of(Output::Empty)),
        Plan::Query(q) => match start_query(session, q, params, formats, described)? {
            Started::Done(executed) => Ok(executed),
            Started::Blocking(running) => running.await,
        },
        Plan::Session(cmd) => Box::pin(run_session(cx, cmd.clone())).await,
        Plan::Declare { declare, query } => {
            let in_block = session.txn() != Txn::Idle || cx.implicit_block;
            if !declare.hold && !in_block {
                return Err(error_info(
                    NO_ACTIVE_TRANSACTION,
                    "DECLARE CURSOR can only be used in transaction blocks",
                    None,
                )
                .into());
            }
            if cx.wire.lock().cursors.contains(&declare.name) {
                return Err(error_info(
                    crate::pg::error::DUPLICATE_CURSOR,
                    format!("cursor \"{}\" already exists", declare.name),
                    None,
                )
                .into());
            }
            let sink =
                EncodingSink::values(known_types(query, None), Some(session.settings.clone()));
            let done = run_on_engine(session, query, params, sink).await?;
            let cursor = Cursor::new(
                done.sink.columns().to_vec(),
                done.sink.values,
                declare.binary,
                declare.no_scroll,
                declare.hold,
                in_block,
            );
            cx.wire.lock().cursors.declare(&declare.name, cursor)?;
            Ok(Executed {
                output: command("DECLARE CURSOR"),
                notices: done.notices,
            })
        }
        Plan::Fetch(f) => {
            let mut wire = cx.wire.lock();
            let fetched = wire.cursors.fetch(f)?;
            if f.move_only {
                return Ok(Executed::of(command(&format!("MOVE {}", fetched.count))));
            }
            let cursor = wire.cursors.get(&f.name).ok_or_else(|| {
                error_info(
                    crate::pg::error::INVALID_CURSOR_NAME,
                    "cursor vanished",
                    None,
                )
            })?;
            // The simple protocol sends a BINARY cursor's rows in binary;
            // the extended one sends what `Bind` asked for.
            let formats = if cx.simple && cursor.binary {
                Format::UnifiedBinary
            } else {
                formats
            };
            let columns = cursor.columns.clone();
            drop(wire);
            let rows = encode_rows(
                &columns,
                fetched.rows.iter().map(Vec::as_slice),
                &formats,
                Some(&session.settings),
            )
            .map_err(|e| catalog_error_info(&e))?;
            Ok(Executed::of(Output::Rows {
                columns,
                formats,
                rows,
                tag: RowsTag::Fetch,
            }))
        }
        Plan::Close(name) => {
            cx.wire.lock().cursors.close(name.as_deref())?;
            Ok(Executed::of(command(if name.is_some() {
                "CLOSE CURSOR"
            } else {
                "CLOSE CURSOR ALL"
            })))
        }
        Plan::Copy { copy, query } => {
            let sink = EncodingSink::copy(
                CopyFramer::new(copy),
                known_types(query, None),
                Some(session.settings.clone()),
            );
            let done = run_on_engine(session, query, params, sink).await?;
            Ok(Executed {
                output: Output::Copy {
                    binary: done.sink.copy_is_binary(),
                    columns: done.sink.columns().len(),
                    chunks: done.sink.rows,
                    rows: done.rows,
                },
                notices: done.notices,
            })
        }
    }
}

fn command(tag: &str) -> Output {
    Output::Command {
        tag: tag.to_owned(),
        reports: Vec::new(),
    }
}

/// Runs a statement the session answers, and what it implies for the
/// connection: a snapshot starts or ends, a transaction's portals and
/// cursors close, DEALLOCATE and DISCARD drop prepared statements.
async fn run_session(cx: &Context<'_>, cmd: SessionCommand) -> Result<Executed, StatementError> {
    let session = cx.session;
    if let SessionCommand::Deallocate(Some(name)) = &cmd
        && !cx.wire.lock().statements.contains_key(name)
    {
        return Err(error_info(
            INVALID_SQL_STATEMENT_NAME,
            format!("prepared statement \"{name}\" does not exist"),
            None,
        )
        .into());
    }
    let before = session.txn();
    let outcome: Outcome = compat::run(session, cmd.clone())?;
    if let Some(on) = outcome.snapshot {
        session
            .with_engine(move |e| {
                e.set_snapshot(on);
                Ok(())
            })
            .await
            .map_err(|e| catalog_error_info(&e))?;
    }
    {
        let mut wire = cx.wire.lock();
        if before != Txn::Idle && session.txn() == Txn::Idle {
            wire.end_transaction(outcome.tag == "COMMIT");
        }
        match &cmd {
            SessionCommand::Deallocate(Some(name)) => {
                wire.statements.remove(name);
            }
            SessionCommand::Deallocate(None) => wire.statements.retain(|name, _| name.is_empty()),
            SessionCommand::Discard => {
                wire.statements.clear();
                wire.portals.clear();
                wire.cursors.clear();
            }
            _ => {}
        }
    }
    let output = match outcome.rows {
        Some((names, rows)) => Output::Rows {
            columns: names.into_iter().map(ResultColumn::text).collect(),
            formats: Format::UnifiedText,
            rows: rows.iter().map(|r| text_row(r)).collect(),
            tag: RowsTag::Show,
        },
        None => Output::Command {
            tag: outcome.tag,
            reports: outcome.reports,
        },
    };
    Ok(Executed {
        output,
        notices: outcome.notices,
    })
}

/// A `DataRow` body of text values.
fn text_row(values: &[String]) -> BytesMut {
    use bytes::BufMut;
    let mut out = BytesMut::with_capacity(values.iter().map(|v| v.len() + 4).sum());
    for v in values {
        out.put_i32(i32::try_from(v.len()).unwrap_or(i32::MAX));
        out.put_slice(v.as_bytes());
    }
    out
}

/// A warning for the client.
pub fn notice(message: String) -> PgWireBackendMessage {
    PgWireBackendMessage::NoticeResponse(NoticeResponse::from(ErrorInfo::new(
        "WARNING".to_owned(),
        crate::pg::error::WARNING.to_owned(),
        message,
    )))
}

/// Feeds a `DataRow`.
pub async fn feed_row<C>(client: &mut C, columns: usize, row: BytesMut) -> PgWireResult<()>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
{
    client
        .feed(PgWireBackendMessage::DataRow(DataRow::new(
            row,
            i16::try_from(columns).unwrap_or(i16::MAX),
        )))
        .await?;
    Ok(())
}

/// Feeds a `CommandComplete`.
pub async fn feed_complete<C>(client: &mut C, tag: String) -> PgWireResult<()>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
{
    client
        .feed(PgWireBackendMessage::CommandComplete(CommandComplete::new(
            tag,
        )))
        .await?;
    Ok(())
}

/// Feeds a statement's notices and whole result; `describe` adds the
/// `RowDescription` (the simple protocol) before rows.
pub async fn feed_executed<C>(
    client: &mut C,
    executed: Executed,
    describe: bool,
) -> PgWireResult<()>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    C::Error: Debug,
    PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
{
    for n in executed.notices {
        client.feed(notice(n)).await?;
    }
    match executed.output {
        Output::Empty => {
            client
                .feed(PgWireBackendMessage::EmptyQueryResponse(
                    EmptyQueryResponse::new(),
                ))
                .await?;
        }
        Output::Rows {
            columns,
            formats,
            rows,
            tag,
        } => {
            if describe {
                client
                    .feed(PgWireBackendMessage::RowDescription(row_description(
                        &columns, &formats,
                    )))
                    .await?;
            }
            let count = rows.len();
            for row in rows {
                feed_row(client, columns.len(), row).await?;
            }
            feed_complete(client, tag.tag(count)).await?;
        }
        Output::Command { tag, reports } => {
            for (k, v) in reports {
                client
                    .feed(PgWireBackendMessage::ParameterStatus(ParameterStatus::new(
                        k, v,
                    )))
                    .await?;
            }
            feed_complete(client, tag).await?;
        }
        Output::Copy {
            binary,
            columns,
            chunks,
            rows,
        } => {
            let code = i16::from(binary);
            client
                .feed(PgWireBackendMessage::CopyOutResponse(CopyOutResponse::new(
                    i8::from(binary),
                    i16::try_from(columns).unwrap_or(i16::MAX),
                    vec![code; columns],
                )))
                .await?;
            for chunk in chunks {
                client
                    .feed(PgWireBackendMessage::CopyData(CopyData::new(
                        chunk.freeze(),
                    )))
                    .await?;
            }
            client
                .feed(PgWireBackendMessage::CopyDone(CopyDone::new()))
                .await?;
            feed_complete(client, format!("COPY {rows}")).await?;
        }
    }
    Ok(())
}

/// Feeds `NoData`.
pub async fn feed_no_data<C>(client: &mut C) -> PgWireResult<()>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
{
    client
        .feed(PgWireBackendMessage::NoData(NoData::new()))
        .await?;
    Ok(())
}
