//! The simple and extended query protocols on pgwire: each message is
//! planned (`statement`), run (`execute`) and answered.
//!
//! Like PostgreSQL, nothing is flushed before `ReadyForQuery` (or a
//! `Flush`): ParseComplete, BindComplete, descriptions, rows and
//! CommandComplete are buffered, so a pipelined batch of extended messages
//! costs one write. Statements and portals live in the connection's
//! [`Wire`] state, not in pgwire's store.

use std::fmt::Debug;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{Sink, SinkExt};
use hostgres_catalog::Registry;
use hostgres_catalog::translate::split_statements;
use pgwire::api::portal::Format;
use pgwire::api::query::{ExtendedQueryHandler, SimpleQueryHandler};
use pgwire::api::results::Response;
use pgwire::api::stmt::NoopQueryParser;
use pgwire::api::store::PortalStore;
use pgwire::api::{ClientInfo, ClientPortalStore};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::PgWireBackendMessage;
use pgwire::messages::data::ParameterDescription;
use pgwire::messages::extendedquery::{
    Bind, BindComplete, Close, CloseComplete, Describe, Execute, Parse, ParseComplete,
    PortalSuspended, Sync as PgSync, TARGET_TYPE_BYTE_PORTAL, TARGET_TYPE_BYTE_STATEMENT,
};
use pgwire::messages::response::TransactionStatus;
use pgwire::messages::response::{EmptyQueryResponse, ReadyForQuery};
use pgwire::messages::simplequery::Query;
use tracing::Instrument;

use crate::pg::error::{
    DUPLICATE_CURSOR, DUPLICATE_PREPARED_STATEMENT, INVALID_CURSOR_NAME,
    INVALID_SQL_STATEMENT_NAME, PROTOCOL_VIOLATION, catalog_error_info, error_info, pg_error,
};
use crate::pg::execute::{self, Context, Executed, Output, RowsTag};
use crate::pg::params;
use crate::pg::portal::{Portal, PortalState, Wire};
use crate::pg::session::{Session, Txn};
use crate::pg::statement::{Plan, Prepared, cached_plan, plan, plan_one, prepare};

/// The session attached to a connection once it has authenticated.
pub struct Attached {
    pub session: Arc<Session>,
    pub _guard: crate::pg::session::SessionGuard,
}

/// The session of an authenticated client.
pub fn session_of<C: ClientInfo + ?Sized>(client: &C) -> PgWireResult<Arc<Session>> {
    client
        .session_extensions()
        .get::<Attached>()
        .map(|a| Arc::clone(&a.session))
        .ok_or_else(|| {
            user_error(error_info(
                PROTOCOL_VIOLATION,
                "no session: the connection has not authenticated",
                None,
            ))
        })
}

fn user_error(info: ErrorInfo) -> PgWireError {
    PgWireError::UserError(Box::new(info))
}

/// The format list of a `Bind` message's codes.
fn format_of(codes: &[i16]) -> Format {
    match codes {
        [] => Format::UnifiedText,
        [1] => Format::UnifiedBinary,
        [_] => Format::UnifiedText,
        many => Format::Individual(many.to_vec()),
    }
}

/// Serves simple and extended queries; each connection has its own, which
/// keeps the connection's [`Wire`] at hand once it is known (looking it up in
/// pgwire's session extensions took a lock and a map lookup per message).
pub struct QueryHandler {
    registry: Registry,
    parser: Arc<NoopQueryParser>,
    wire: OnceLock<Arc<Wire>>,
}

impl QueryHandler {
    pub fn new(registry: Registry) -> Self {
        QueryHandler {
            registry,
            parser: Arc::new(NoopQueryParser::new()),
            wire: OnceLock::new(),
        }
    }

    /// A handler for a new connection.
    pub fn for_connection(&self) -> Self {
        QueryHandler::new(self.registry.clone())
    }

    /// The connection's protocol state (it has authenticated).
    fn wire<C: ClientInfo + ?Sized>(&self, client: &C) -> PgWireResult<&Arc<Wire>> {
        if let Some(wire) = self.wire.get() {
            return Ok(wire);
        }
        let wire = Wire::of(client)?;
        Ok(self.wire.get_or_init(|| wire))
    }
}

/// The protocol's messages, one method each. The connection loop calls
/// these directly; pgwire's handler traits delegate to them. Called
/// directly, a message's future is not boxed and copied as the traits'
/// futures are.
impl QueryHandler {
    pub async fn handle_query<C>(&self, client: &mut C, query: Query) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let wire = self.wire(client)?;
        let session = Arc::clone(&wire.session);
        let span = query_span(&session);
        let statements = split_statements(&query.query);
        if statements.is_empty() {
            client
                .feed(PgWireBackendMessage::EmptyQueryResponse(
                    EmptyQueryResponse::new(),
                ))
                .await?;
        }
        let cx = Context {
            session: &session,
            wire,
            implicit_block: statements.len() > 1,
            simple: true,
        };
        let mut failed = false;
        for text in statements {
            let result = async {
                let plan = cached_plan(wire, text, |t| plan(t, &self.registry)).map_err(|e| {
                    session.report_plan_failure(text, &e);
                    catalog_error_info(&e)
                })?;
                execute::execute(&cx, &plan, text, Vec::new(), Format::UnifiedText, None).await
            }
            .instrument(span.clone())
            .await;
            match result {
                Ok(executed) => execute::feed_executed(client, executed, true).await?,
                Err(info) => {
                    client
                        .feed(PgWireBackendMessage::ErrorResponse((*info).into()))
                        .await?;
                    session.mark_failed();
                    failed = true;
                    break;
                }
            }
        }
        if session.txn() == Txn::Idle {
            // The implicit transaction of the query string ends here.
            wire.lock().end_transaction(!failed);
        }
        let status = session.txn().status();
        client.set_transaction_status(status);
        client
            .send(PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(
                status,
            )))
            .await?;
        Ok(())
    }

    pub async fn handle_parse<C>(&self, client: &mut C, message: Parse) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let wire = self.wire(client)?;
        let session = Arc::clone(&wire.session);
        let name = message.name.unwrap_or_default();
        let plan =
            cached_plan(wire, &message.query, |t| plan_one(t, &self.registry)).map_err(|e| {
                session.report_plan_failure(&message.query, &e);
                pg_error(e)
            })?;
        if session.txn() == Txn::Failed && !plan.allowed_when_failed() {
            let refused = crate::pg::compat::refuse_in_failed_transaction(&session, &message.query);
            return Err(user_error(refused));
        }
        if !name.is_empty() && wire.lock().statements.contains_key(&name) {
            return Err(user_error(error_info(
                DUPLICATE_PREPARED_STATEMENT,
                format!("prepared statement \"{name}\" already exists"),
                None,
            )));
        }
        let prepared = prepare(&session, plan, &message.query, &message.type_oids)
            .instrument(query_span(&session))
            .await
            .map_err(pg_error)?;
        wire.lock().statements.insert(name, Arc::new(prepared));
        client
            .feed(PgWireBackendMessage::ParseComplete(ParseComplete::new()))
            .await?;
        Ok(())
    }

    pub async fn handle_bind<C>(&self, client: &mut C, message: Bind) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        self.bind_portal(client, message)?;
        client
            .feed(PgWireBackendMessage::BindComplete(BindComplete::new()))
            .await?;
        Ok(())
    }

    /// What a `Bind` does before `BindComplete`: the portal is made.
    pub fn bind_portal<C: ClientInfo>(&self, client: &C, message: Bind) -> PgWireResult<()> {
        let wire = self.wire(client)?;
        let session = Arc::clone(&wire.session);
        let statement_name = message.statement_name.unwrap_or_default();
        let portal_name = message.portal_name.unwrap_or_default();
        let statement = wire
            .lock()
            .statements
            .get(&statement_name)
            .cloned()
            .ok_or_else(|| no_statement(&statement_name))?;
        if session.txn() == Txn::Failed && !statement.plan.allowed_when_failed() {
            let refused =
                crate::pg::compat::refuse_in_failed_transaction(&session, &statement.source);
            return Err(user_error(refused));
        }
        let values = params::decode_all(
            &message.parameters,
            &format_of(&message.parameter_format_codes),
            &statement.params,
        )
        .map_err(user_error)?;
        let formats = format_of(&message.result_column_format_codes);
        let codes = message.result_column_format_codes.len();
        if let Some(columns) = &statement.columns
            && codes > 1
            && codes != columns.len()
        {
            return Err(user_error(error_info(
                PROTOCOL_VIOLATION,
                format!(
                    "bind message has {codes} result formats but query has {} columns",
                    columns.len()
                ),
                None,
            )));
        }
        {
            let mut state = wire.lock();
            if !portal_name.is_empty() && state.portals.contains_key(&portal_name) {
                return Err(user_error(error_info(
                    DUPLICATE_CURSOR,
                    format!("portal \"{portal_name}\" already exists"),
                    None,
                )));
            }
            state.portals.insert(
                portal_name,
                Portal {
                    statement,
                    params: values,
                    formats,
                    state: PortalState::Ready,
                },
            );
        }
        Ok(())
    }

    pub async fn handle_describe<C>(&self, client: &mut C, message: Describe) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let wire = self.wire(client)?;
        let name = message.name.unwrap_or_default();
        let (statement, formats): (Arc<Prepared>, Option<Format>) = match message.target_type {
            TARGET_TYPE_BYTE_STATEMENT => {
                let s = wire.lock().statements.get(&name).cloned();
                (s.ok_or_else(|| no_statement(&name))?, None)
            }
            TARGET_TYPE_BYTE_PORTAL => {
                let state = wire.lock();
                let p = state.portals.get(&name).ok_or_else(|| no_portal(&name))?;
                (Arc::clone(&p.statement), Some(p.formats.clone()))
            }
            other => {
                return Err(user_error(error_info(
                    PROTOCOL_VIOLATION,
                    format!("invalid DESCRIBE message subtype {other}"),
                    None,
                )));
            }
        };
        if formats.is_none() {
            client
                .feed(PgWireBackendMessage::ParameterDescription(
                    ParameterDescription::new(statement.params.iter().map(|t| t.oid()).collect()),
                ))
                .await?;
        }
        let formats = formats.unwrap_or_default();
        if describe_fetch(client, wire, &statement.plan, &formats).await? {
            return Ok(());
        }
        match statement.description(&formats) {
            Some(d) => client.feed(PgWireBackendMessage::RowDescription(d)).await?,
            None => execute::feed_no_data(client).await?,
        }
        Ok(())
    }

    pub async fn handle_execute<C>(&self, client: &mut C, message: Execute) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let name = message.name.unwrap_or_default();
        let max_rows = usize::try_from(message.max_rows).unwrap_or(0);
        match self.execute_portal(client, &name, max_rows).await? {
            Some(executed) => execute::feed_executed(client, executed, false).await,
            None => Ok(()),
        }
    }

    /// Runs or continues the portal `name`. Batches of a suspended portal
    /// are fed here; a finished statement's result is returned for the
    /// caller to send.
    pub async fn execute_portal<C>(
        &self,
        client: &mut C,
        name: &str,
        max_rows: usize,
    ) -> PgWireResult<Option<Executed>>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let wire = self.wire(client)?;
        let session = Arc::clone(&wire.session);
        let (statement, params, formats) = match take_portal_work(wire, name, max_rows)? {
            PortalWork::Batch {
                width,
                batch,
                more,
                tag,
            } => {
                send_batch(client, width, batch, more, tag).await?;
                return Ok(None);
            }
            PortalWork::Finished => {
                execute::feed_complete(client, RowsTag::Select.tag(0)).await?;
                return Ok(None);
            }
            PortalWork::Run {
                statement,
                params,
                formats,
            } => (statement, params, formats),
        };
        let cx = Context {
            session: &session,
            wire,
            implicit_block: false,
            simple: false,
        };
        let executed = execute::execute(
            &cx,
            &statement.plan,
            &statement.source,
            params,
            formats,
            statement.columns.as_deref(),
        )
        .instrument(query_span(&session))
        .await
        .map_err(PgWireError::UserError)?;
        match executed {
            Executed {
                output: Output::Rows {
                    columns, rows, tag, ..
                },
                notices,
            } if max_rows > 0 && rows.len() > max_rows => {
                for n in notices {
                    client.feed(execute::notice(n)).await?;
                }
                let mut rows = rows.into_iter();
                let batch: Vec<_> = rows.by_ref().take(max_rows).collect();
                let width = columns.len();
                if let Some(portal) = wire.lock().portals.get_mut(name) {
                    portal.state = PortalState::Suspended { columns, rows, tag };
                }
                send_batch(client, width, batch, true, tag).await?;
                Ok(None)
            }
            executed => {
                client.set_transaction_status(session.txn().status());
                Ok(Some(executed))
            }
        }
    }

    pub async fn handle_sync<C>(&self, client: &mut C) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let status = self.settle_sync(client);
        client
            .send(PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(
                status,
            )))
            .await?;
        Ok(())
    }

    /// What a `Sync` does before `ReadyForQuery`: the implicit transaction
    /// ends, and its portals with it. Returns the status to report.
    pub fn settle_sync<C: ClientInfo>(&self, client: &mut C) -> TransactionStatus {
        let status = match self.wire(client) {
            Ok(wire) => {
                if wire.session.txn() == Txn::Idle {
                    wire.lock().end_transaction(true);
                }
                wire.session.txn().status()
            }
            Err(_) => client.transaction_status(),
        };
        client.set_transaction_status(status);
        status
    }

    /// The encoded `RowDescription` of the unnamed portal, when it is a
    /// query's with text results (the common case, which is described
    /// from the statement's cache).
    pub fn unnamed_portal_text_description<C: ClientInfo>(&self, client: &C) -> Option<Bytes> {
        let wire = self.wire(client).ok()?;
        let state = wire.lock();
        let portal = state.portals.get("")?;
        if !matches!(portal.formats, Format::UnifiedText) {
            return None;
        }
        portal.statement.text_description().cloned()
    }

    pub async fn handle_close<C>(&self, client: &mut C, message: Close) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let name = message.name.unwrap_or_default();
        {
            let wire = self.wire(client)?;
            let mut state = wire.lock();
            match message.target_type {
                TARGET_TYPE_BYTE_STATEMENT => {
                    state.statements.remove(&name);
                }
                TARGET_TYPE_BYTE_PORTAL => {
                    state.portals.remove(&name);
                }
                other => {
                    return Err(user_error(error_info(
                        PROTOCOL_VIOLATION,
                        format!("invalid CLOSE message subtype {other}"),
                        None,
                    )));
                }
            }
        }
        client
            .feed(PgWireBackendMessage::CloseComplete(CloseComplete::new()))
            .await?;
        Ok(())
    }
}

/// The span of one statement. It is a debug span: at the default `info`
/// level, creating and formatting it per statement cost about a third of a
/// `SELECT 1`, while the connection's span and its `authenticated` event
/// already name the session, user and peer of every event.
fn query_span(session: &Session) -> tracing::Span {
    tracing::debug_span!("query", session = session.id, user = %session.user)
}

/// pgwire's traits, for its `process_message`: in the states hostgres hands
/// to it (startup, COPY, waiting for `Sync`) only `on_sync` is reached; the
/// others delegate too, so no path could reach pgwire's own defaults.
#[async_trait]
impl SimpleQueryHandler for QueryHandler {
    async fn on_query<C>(&self, client: &mut C, query: Query) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        self.handle_query(client, query).await
    }

    async fn do_query<C>(&self, _client: &mut C, _query: &str) -> PgWireResult<Vec<Response>>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        // `on_query` is overridden and never calls this.
        Ok(Vec::new())
    }
}

/// The error for a statement name that is not prepared.
fn no_statement(name: &str) -> PgWireError {
    let message = if name.is_empty() {
        "unnamed prepared statement does not exist".to_owned()
    } else {
        format!("prepared statement \"{name}\" does not exist")
    };
    user_error(error_info(INVALID_SQL_STATEMENT_NAME, message, None))
}

fn no_portal(name: &str) -> PgWireError {
    user_error(error_info(
        INVALID_CURSOR_NAME,
        format!("portal \"{name}\" does not exist"),
        None,
    ))
}

/// Feeds the `RowDescription` of a FETCH's cursor (in the portal's
/// `formats`, text for a statement), or `NoData`.
async fn describe_fetch<C>(
    client: &mut C,
    wire: &Wire,
    plan: &Plan,
    formats: &Format,
) -> PgWireResult<bool>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
{
    let Plan::Fetch(f) = plan else {
        return Ok(false);
    };
    let description = if f.move_only {
        None
    } else {
        wire.lock()
            .cursors
            .get(&f.name)
            .map(|c| crate::pg::encode::row_description(&c.columns, formats))
    };
    match description {
        Some(d) => client.feed(PgWireBackendMessage::RowDescription(d)).await?,
        None => execute::feed_no_data(client).await?,
    }
    Ok(true)
}

#[async_trait]
impl ExtendedQueryHandler for QueryHandler {
    type Statement = String;
    type QueryParser = NoopQueryParser;

    fn query_parser(&self) -> Arc<Self::QueryParser> {
        Arc::clone(&self.parser)
    }

    async fn on_parse<C>(&self, client: &mut C, message: Parse) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        self.handle_parse(client, message).await
    }

    async fn on_bind<C>(&self, client: &mut C, message: Bind) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        self.handle_bind(client, message).await
    }

    async fn on_describe<C>(&self, client: &mut C, message: Describe) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        self.handle_describe(client, message).await
    }

    async fn on_execute<C>(&self, client: &mut C, message: Execute) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        self.handle_execute(client, message).await
    }

    async fn on_sync<C>(&self, client: &mut C, _message: PgSync) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        self.handle_sync(client).await
    }

    async fn on_close<C>(&self, client: &mut C, message: Close) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        self.handle_close(client, message).await
    }

    async fn do_query<C>(
        &self,
        _client: &mut C,
        _portal: &pgwire::api::portal::Portal<Self::Statement>,
        _max_rows: usize,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        // `on_execute` is overridden and never calls this.
        Ok(Response::EmptyQuery)
    }
}

/// What an `Execute` has to do with its portal.
enum PortalWork {
    /// Send the next rows of a suspended portal.
    Batch {
        width: usize,
        batch: Vec<bytes::BytesMut>,
        more: bool,
        tag: RowsTag,
    },
    /// The portal's rows were all sent.
    Finished,
    /// Run the portal's statement.
    Run {
        statement: Arc<Prepared>,
        params: Vec<hostgres_catalog::Value>,
        formats: Format,
    },
}

/// Looks up a portal and takes what its execution needs.
fn take_portal_work(wire: &Wire, name: &str, max_rows: usize) -> PgWireResult<PortalWork> {
    let mut state = wire.lock();
    let portal = state.portals.get_mut(name).ok_or_else(|| no_portal(name))?;
    match std::mem::take(&mut portal.state) {
        PortalState::Suspended {
            columns,
            mut rows,
            tag,
        } => {
            let take = if max_rows == 0 { usize::MAX } else { max_rows };
            let batch: Vec<_> = rows.by_ref().take(take).collect();
            let more = rows.len() > 0;
            let width = columns.len();
            portal.state = if more {
                PortalState::Suspended { columns, rows, tag }
            } else {
                PortalState::Done
            };
            Ok(PortalWork::Batch {
                width,
                batch,
                more,
                tag,
            })
        }
        PortalState::Done if portal.statement.plan.query().is_some() => {
            portal.state = PortalState::Done;
            Ok(PortalWork::Finished)
        }
        PortalState::Ready | PortalState::Done => {
            portal.state = PortalState::Done;
            Ok(PortalWork::Run {
                statement: Arc::clone(&portal.statement),
                params: std::mem::take(&mut portal.params),
                formats: portal.formats.clone(),
            })
        }
    }
}

/// Feeds a batch of a portal's rows, then `PortalSuspended` when rows remain
/// or `CommandComplete` when they are all sent.
async fn send_batch<C>(
    client: &mut C,
    width: usize,
    batch: Vec<bytes::BytesMut>,
    more: bool,
    tag: RowsTag,
) -> PgWireResult<()>
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
    PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
{
    let count = batch.len();
    for row in batch {
        execute::feed_row(client, width, row).await?;
    }
    if more {
        client
            .feed(PgWireBackendMessage::PortalSuspended(PortalSuspended::new()))
            .await?;
    } else {
        execute::feed_complete(client, tag.tag(count)).await?;
    }
    Ok(())
}
