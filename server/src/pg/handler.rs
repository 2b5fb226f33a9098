//! Simple and extended query handling: statements are split, translated,
//! answered by the session (SET, BEGIN, ...) or run on the engine in a
//! blocking thread, and their results encoded for the wire.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use futures::{Sink, SinkExt, stream};
use hostgres_catalog::translate::{SessionCommand, Statement, split_statements, translate};
use hostgres_catalog::{CatalogError, Registry, Value};
use pgwire::api::portal::{Format, Portal, PortalExecutionState};
use pgwire::api::query::{ExtendedQueryHandler, SimpleQueryHandler};
use pgwire::api::results::{
    DescribePortalResponse, DescribeStatementResponse, FieldInfo, QueryResponse, Response, Tag,
};
use pgwire::api::stmt::{QueryParser, StoredStatement};
use pgwire::api::store::{Entry, PortalStore};
use pgwire::api::{ClientInfo, ClientPortalStore, DEFAULT_NAME, PgWireConnectionState, Type};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::PgWireBackendMessage;
use pgwire::messages::data::RowDescription;
use pgwire::messages::extendedquery::{Execute, PortalSuspended, Sync as PgSync};
use pgwire::messages::response::{EmptyQueryResponse, NoticeResponse, ReadyForQuery};
use pgwire::messages::simplequery::Query;
use pgwire::messages::startup::ParameterStatus;
use tracing::Instrument;

use crate::pg::compat::{self, Outcome};
use crate::pg::encode::{EncodingSink, known_types};
use crate::pg::error::{QUERY_CANCELED, SYNTAX_ERROR, catalog_error_info, error_info, pg_error};
use crate::pg::params;
use crate::pg::session::{Session, Txn};

/// What `Parse` produced: a translated statement and its described shape.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: PreparedKind,
    /// Result column names and types (empty for statements without rows).
    pub columns: Vec<(String, Type)>,
    /// Parameter types, as inferred or as the client declared them.
    pub params: Vec<Type>,
}

#[derive(Debug, Clone)]
pub enum PreparedKind {
    Query { sql: String },
    Session(SessionCommand),
}

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
            PgWireError::UserError(Box::new(error_info(
                crate::pg::error::PROTOCOL_VIOLATION,
                "no session: the connection has not authenticated",
                None,
            )))
        })
}

/// A statement's result, held until it is written to the client.
struct Completed {
    sink: EncodingSink,
    rows: u64,
    notices: Vec<String>,
}

/// Runs one engine statement with the session's timeout, mapping an
/// interruption by the timeout to PostgreSQL's timeout message.
async fn run_on_engine(
    session: &Arc<Session>,
    sql: String,
    params: Vec<Value>,
    sink: EncodingSink,
) -> Result<Completed, ErrorInfo> {
    let timeout = session.settings.statement_timeout();
    let started = Instant::now();
    tracing::debug!(sql = %truncate(&sql, 200), "run");
    let work = session.with_engine(move |engine| {
        let mut sink = sink;
        let rows = engine.query(&sql, &params, &mut sink)?;
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
                match work.await {
                    Err(CatalogError::Cancelled) => {
                        return Err(error_info(
                            QUERY_CANCELED,
                            "canceling statement due to statement timeout",
                            Some(format!("statement_timeout is {} ms; raise it with SET statement_timeout.", timeout.as_millis())),
                        ));
                    }
                    other => other,
                }
            }
        }
    };
    match &result {
        Ok(c) => tracing::info!(
            rows = c.rows,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "query done"
        ),
        Err(e) => {
            tracing::info!(error = %e, elapsed_ms = started.elapsed().as_millis() as u64, "query failed")
        }
    }
    result.map_err(|e| catalog_error_info(&e))
}

fn row_description(fields: &[FieldInfo]) -> RowDescription {
    RowDescription::new(fields.iter().map(Into::into).collect())
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn notice(message: String) -> PgWireBackendMessage {
    PgWireBackendMessage::NoticeResponse(NoticeResponse::from(ErrorInfo::new(
        "WARNING".to_owned(),
        crate::pg::error::WARNING.to_owned(),
        message,
    )))
}

/// Serves simple and extended queries for every connection.
pub struct QueryHandler {
    registry: Registry,
    parser: Arc<Parser>,
}

impl QueryHandler {
    pub fn new(registry: Registry) -> Self {
        QueryHandler {
            parser: Arc::new(Parser {
                registry: registry.clone(),
            }),
            registry,
        }
    }

    /// Writes a session command's notices, reported parameters, rows and
    /// `CommandComplete`; the extended protocol describes rows separately.
    async fn send_outcome<C>(
        client: &mut C,
        session: &Arc<Session>,
        outcome: Outcome,
        with_description: bool,
    ) -> PgWireResult<()>
    where
        C: Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        if let Some(on) = outcome.snapshot {
            session
                .with_engine(move |e| {
                    e.set_snapshot(on);
                    Ok(())
                })
                .await
                .map_err(pg_error)?;
        }
        for n in outcome.notices {
            client.feed(notice(n)).await?;
        }
        for (k, v) in outcome.reports {
            client
                .feed(PgWireBackendMessage::ParameterStatus(ParameterStatus::new(
                    k, v,
                )))
                .await?;
        }
        let mut tag = Tag::new(&outcome.tag);
        if let Some((columns, rows)) = outcome.rows {
            tag = tag.with_rows(rows.len());
            let types = vec![Type::TEXT; columns.len()];
            let fields = crate::pg::encode::fields(&columns, &types, &Format::UnifiedText);
            if with_description {
                client
                    .feed(PgWireBackendMessage::RowDescription(row_description(
                        &fields,
                    )))
                    .await?;
            }
            for row in rows {
                let mut data = bytes::BytesMut::new();
                for v in &row {
                    crate::pg::encode::encode_cell(
                        &mut data,
                        hostgres_catalog::Cell::Text(v.as_bytes()),
                        &Type::TEXT,
                        pgwire::api::results::FieldFormat::Text,
                        "",
                    )
                    .map_err(pg_error)?;
                }
                client
                    .feed(PgWireBackendMessage::DataRow(
                        pgwire::messages::data::DataRow::new(
                            data,
                            i16::try_from(row.len()).unwrap_or(i16::MAX),
                        ),
                    ))
                    .await?;
            }
        }
        client
            .feed(PgWireBackendMessage::CommandComplete(tag.into()))
            .await?;
        Ok(())
    }

    /// Runs one statement of a simple query; the inner error is the
    /// statement's failure, the outer one a broken connection.
    async fn simple_statement<C>(
        &self,
        client: &mut C,
        session: &Arc<Session>,
        text: &str,
    ) -> PgWireResult<Result<(), ErrorInfo>>
    where
        C: Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let statement = match translate(text, &self.registry) {
            Ok(s) => s,
            Err(e) => return Ok(Err(catalog_error_info(&e))),
        };
        if session.txn() == Txn::Failed
            && !matches!(&statement, Statement::Session(c) if compat::allowed_when_failed(c))
        {
            return Ok(Err(compat::failed_transaction_error()));
        }
        match statement {
            Statement::Session(cmd) => match compat::run(session, cmd) {
                Ok(outcome) => {
                    Self::send_outcome(client, session, outcome, true).await?;
                    Ok(Ok(()))
                }
                Err(info) => Ok(Err(info)),
            },
            Statement::Query(q) => {
                let known = q
                    .column_hints
                    .iter()
                    .map(|h| h.map(crate::pg::encode::pg_type))
                    .collect();
                let sink = EncodingSink::new(known, Format::UnifiedText);
                let done = match run_on_engine(session, q.sql, Vec::new(), sink).await {
                    Ok(done) => done,
                    Err(info) => return Ok(Err(info)),
                };
                for n in done.notices {
                    client.feed(notice(n)).await?;
                }
                if done.sink.column_count() > 0 {
                    let fields = done.sink.fields();
                    client
                        .feed(PgWireBackendMessage::RowDescription(row_description(
                            &fields,
                        )))
                        .await?;
                }
                for row in done.sink.rows {
                    client.feed(PgWireBackendMessage::DataRow(row)).await?;
                }
                client
                    .feed(PgWireBackendMessage::CommandComplete(
                        Tag::new("SELECT").with_rows(done.rows as usize).into(),
                    ))
                    .await?;
                Ok(Ok(()))
            }
        }
    }

    /// Runs a bound portal's statement; rows come back as a response for the portal to hold.
    async fn execute_portal(
        &self,
        session: &Arc<Session>,
        portal: &Portal<Arc<Prepared>>,
    ) -> Result<Executed, ErrorInfo> {
        let prepared = &portal.statement.statement;
        if session.txn() == Txn::Failed
            && !matches!(&prepared.kind, PreparedKind::Session(c) if compat::allowed_when_failed(c))
        {
            return Err(compat::failed_transaction_error());
        }
        match &prepared.kind {
            PreparedKind::Session(cmd) => {
                let outcome = compat::run(session, cmd.clone())?;
                Ok(Executed::Session(outcome))
            }
            PreparedKind::Query { sql } => {
                let values = params::decode_all(
                    &portal.parameters,
                    &portal.parameter_format,
                    &prepared.params,
                )?;
                let known = prepared
                    .columns
                    .iter()
                    .map(|(_, t)| Some(t.clone()))
                    .collect();
                let sink = EncodingSink::new(known, portal.result_column_format.clone());
                let done = run_on_engine(session, sql.clone(), values, sink).await?;
                Ok(Executed::Rows(done))
            }
        }
    }
}

enum Executed {
    Rows(Completed),
    Session(Outcome),
}

#[async_trait]
impl SimpleQueryHandler for QueryHandler {
    async fn on_query<C>(&self, client: &mut C, query: Query) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        if !matches!(client.state(), PgWireConnectionState::ReadyForQuery) {
            return Err(PgWireError::NotReadyForQuery);
        }
        let session = session_of(client)?;
        client.set_state(PgWireConnectionState::QueryInProgress);
        let span = tracing::info_span!("query", session = session.id, user = %session.user);
        let statements = split_statements(&query.query);
        if statements.is_empty() {
            client
                .feed(PgWireBackendMessage::EmptyQueryResponse(
                    EmptyQueryResponse::new(),
                ))
                .await?;
        }
        for text in statements {
            let result = self
                .simple_statement(client, &session, text)
                .instrument(span.clone())
                .await?;
            if let Err(info) = result {
                client
                    .feed(PgWireBackendMessage::ErrorResponse(info.into()))
                    .await?;
                session.mark_failed();
                break;
            }
        }
        let status = session.txn().status();
        client.set_state(PgWireConnectionState::ReadyForQuery);
        client.set_transaction_status(status);
        client
            .send(PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(
                status,
            )))
            .await?;
        Ok(())
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

/// Turns `Parse` messages into [`Prepared`] statements.
pub struct Parser {
    registry: Registry,
}

#[async_trait]
impl QueryParser for Parser {
    type Statement = Arc<Prepared>;

    async fn parse_sql<C>(
        &self,
        client: &C,
        sql: &str,
        types: &[Option<Type>],
    ) -> PgWireResult<Option<Self::Statement>>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        let session = session_of(client)?;
        let statements = split_statements(sql);
        let text = match statements.as_slice() {
            [] => return Ok(None),
            [one] => *one,
            _ => {
                return Err(PgWireError::UserError(Box::new(error_info(
                    SYNTAX_ERROR,
                    "cannot insert multiple commands into a prepared statement",
                    None,
                ))));
            }
        };
        let prepared = match translate(text, &self.registry).map_err(pg_error)? {
            Statement::Session(cmd) => {
                let columns = match &cmd {
                    SessionCommand::Show { name: Some(n) } => vec![(n.clone(), Type::TEXT)],
                    SessionCommand::Show { name: None } => ["name", "setting", "description"]
                        .iter()
                        .map(|c| ((*c).to_owned(), Type::TEXT))
                        .collect(),
                    _ => Vec::new(),
                };
                Prepared {
                    kind: PreparedKind::Session(cmd),
                    columns,
                    params: Vec::new(),
                }
            }
            Statement::Query(q) => {
                let sql = q.sql.clone();
                let described = session
                    .with_engine(move |e| e.describe(&sql))
                    .await
                    .map_err(pg_error)?;
                let known = known_types(&described.columns, &q.column_hints);
                let columns = described
                    .columns
                    .iter()
                    .zip(known)
                    .map(|(c, t)| (c.name.clone(), t.unwrap_or(Type::TEXT)))
                    .collect();
                let params = (0..described.param_count)
                    .map(|i| {
                        types
                            .get(i)
                            .cloned()
                            .flatten()
                            .filter(|t| *t != Type::UNKNOWN)
                            .or_else(|| {
                                q.param_types
                                    .get(i)
                                    .copied()
                                    .flatten()
                                    .map(crate::pg::encode::pg_type)
                            })
                            .unwrap_or(Type::TEXT)
                    })
                    .collect();
                Prepared {
                    kind: PreparedKind::Query { sql: q.sql },
                    columns,
                    params,
                }
            }
        };
        Ok(Some(Arc::new(prepared)))
    }

    fn get_parameter_types(&self, stmt: &Self::Statement) -> PgWireResult<Vec<Type>> {
        Ok(stmt.params.clone())
    }

    fn get_result_schema(
        &self,
        stmt: &Self::Statement,
        column_format: Option<&Format>,
    ) -> PgWireResult<Vec<FieldInfo>> {
        let (names, types): (Vec<String>, Vec<Type>) = stmt.columns.iter().cloned().unzip();
        let format = column_format.cloned().unwrap_or_default();
        if let Format::Individual(codes) = &format
            && codes.len() != names.len()
        {
            return Err(PgWireError::UserError(Box::new(error_info(
                crate::pg::error::PROTOCOL_VIOLATION,
                format!(
                    "bind message has {} result formats but query has {} columns",
                    codes.len(),
                    names.len()
                ),
                None,
            ))));
        }
        Ok(crate::pg::encode::fields(&names, &types, &format))
    }
}

#[async_trait]
impl ExtendedQueryHandler for QueryHandler {
    type Statement = Arc<Prepared>;
    type QueryParser = Parser;

    fn query_parser(&self) -> Arc<Self::QueryParser> {
        Arc::clone(&self.parser)
    }

    async fn do_describe_statement<C>(
        &self,
        _client: &mut C,
        target: &StoredStatement<Self::Statement>,
    ) -> PgWireResult<DescribeStatementResponse>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let prepared = &target.statement;
        let fields = self.parser.get_result_schema(prepared, None)?;
        Ok(DescribeStatementResponse::new(
            prepared.params.clone(),
            fields,
        ))
    }

    async fn do_describe_portal<C>(
        &self,
        _client: &mut C,
        target: &Portal<Self::Statement>,
    ) -> PgWireResult<DescribePortalResponse>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let fields = self.parser.get_result_schema(
            &target.statement.statement,
            Some(&target.result_column_format),
        )?;
        Ok(DescribePortalResponse::new(fields))
    }

    async fn on_execute<C>(&self, client: &mut C, message: Execute) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        if !matches!(client.state(), PgWireConnectionState::ReadyForQuery) {
            return Err(PgWireError::NotReadyForQuery);
        }
        let portal_name = message.name.as_deref().unwrap_or(DEFAULT_NAME);
        let max_rows = usize::try_from(message.max_rows).unwrap_or(0);
        let portal = match client.portal_store().get_portal(portal_name) {
            Some(Entry::Value(p)) => p,
            Some(Entry::Empty) => {
                client
                    .feed(PgWireBackendMessage::EmptyQueryResponse(
                        EmptyQueryResponse::new(),
                    ))
                    .await?;
                return Ok(());
            }
            None => return Err(PgWireError::PortalNotFound(portal_name.to_owned())),
        };
        let session = session_of(client)?;
        let initial = matches!(*portal.state().lock().await, PortalExecutionState::Initial);
        if initial {
            client.set_state(PgWireConnectionState::QueryInProgress);
            let span = tracing::info_span!("query", session = session.id, user = %session.user);
            let executed = self
                .execute_portal(&session, &portal)
                .instrument(span)
                .await;
            client.set_state(PgWireConnectionState::ReadyForQuery);
            match executed {
                Err(info) => return Err(PgWireError::UserError(Box::new(info))),
                Ok(Executed::Session(outcome)) => {
                    Self::send_outcome(client, &session, outcome, false).await?;
                    client.set_transaction_status(session.txn().status());
                    *portal.state().lock().await = PortalExecutionState::Finished;
                    return Ok(());
                }
                Ok(Executed::Rows(done)) => {
                    for n in done.notices {
                        client.feed(notice(n)).await?;
                    }
                    let fields = done.sink.fields();
                    let rows = stream::iter(done.sink.rows.into_iter().map(Ok));
                    portal.start(QueryResponse::new(fields, rows)).await;
                }
            }
        }
        let fetched = portal.fetch(max_rows).await?;
        let mut response = fetched.response;
        let mut count = 0usize;
        {
            use futures::StreamExt;
            let rows = response.data_rows();
            while let Some(row) = rows.next().await {
                client.feed(PgWireBackendMessage::DataRow(row?)).await?;
                count += 1;
            }
        }
        if fetched.suspended {
            client
                .feed(PgWireBackendMessage::PortalSuspended(PortalSuspended::new()))
                .await?;
        } else {
            client
                .feed(PgWireBackendMessage::CommandComplete(
                    Tag::new("SELECT").with_rows(count).into(),
                ))
                .await?;
        }
        Ok(())
    }

    async fn on_sync<C>(&self, client: &mut C, _message: PgSync) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        client.portal_store().rm_portal(DEFAULT_NAME);
        let status = match session_of(client) {
            Ok(s) => s.txn().status(),
            Err(_) => client.transaction_status(),
        };
        client.set_transaction_status(status);
        client
            .send(PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(
                status,
            )))
            .await?;
        Ok(())
    }

    async fn do_query<C>(
        &self,
        _client: &mut C,
        _portal: &Portal<Self::Statement>,
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
