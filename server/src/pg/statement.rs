//! What a statement is before it runs: its [`Plan`] (translated SQL, or a
//! command the session answers), and for the extended protocol its
//! [`Prepared`] form with parameter types and result columns described once.

use std::sync::{Arc, OnceLock};

use bytes::{Bytes, BytesMut};
use hostgres_catalog::translate::{
    Copy, CopySource, Declare, Fetch, SessionCommand, Statement, split_statements, translate,
};
use hostgres_catalog::{CatalogError, ColumnType, Registry};
use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::messages::PgWireBackendMessage;
use pgwire::messages::data::RowDescription;

use crate::pg::encode::{ResultColumn, describe_columns, pg_type, row_description};
use crate::pg::portal::Wire;
use crate::pg::session::Session;

/// A statement for SQLite, with what translation inferred about its types.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    /// The statement in SQLite's dialect.
    pub sql: String,
    /// The statement as the client wrote it, for the audit log.
    pub source: String,
    pub param_types: Vec<Option<ColumnType>>,
    pub column_hints: Vec<Option<ColumnType>>,
}

/// What running a statement means.
#[derive(Debug, Clone)]
pub enum Plan {
    /// An empty or comment-only statement.
    Empty,
    Query(QueryPlan),
    /// SET, SHOW, BEGIN and the other statements `compat` answers.
    Session(SessionCommand),
    Declare {
        declare: Declare,
        query: QueryPlan,
    },
    Fetch(Fetch),
    Close(Option<String>),
    Copy {
        copy: Copy,
        query: QueryPlan,
    },
}

impl Plan {
    /// Whether the statement may run in a transaction that failed.
    pub fn allowed_when_failed(&self) -> bool {
        matches!(self, Plan::Session(c) if crate::pg::compat::allowed_when_failed(c))
            || matches!(self, Plan::Empty)
    }

    /// The SQLite query the statement runs, if any.
    pub fn query(&self) -> Option<&QueryPlan> {
        match self {
            Plan::Query(q) | Plan::Declare { query: q, .. } | Plan::Copy { query: q, .. } => {
                Some(q)
            }
            _ => None,
        }
    }
}

fn query_of(text: &str, registry: &Registry, what: &str) -> Result<QueryPlan, CatalogError> {
    match translate(text, registry)? {
        Statement::Query(q) => Ok(QueryPlan {
            sql: q.sql,
            source: text.to_owned(),
            param_types: q.param_types,
            column_hints: q.column_hints,
        }),
        Statement::Session(_) => Err(CatalogError::Syntax(format!(
            "{what} needs a query, not a command: {text}"
        ))),
    }
}

/// Plans one statement (see [`split_statements`]).
pub fn plan(text: &str, registry: &Registry) -> Result<Plan, CatalogError> {
    Ok(match translate(text, registry)? {
        Statement::Query(q) => Plan::Query(QueryPlan {
            sql: q.sql,
            source: text.to_owned(),
            param_types: q.param_types,
            column_hints: q.column_hints,
        }),
        Statement::Session(SessionCommand::Declare(declare)) => {
            let query = query_of(&declare.query, registry, "DECLARE CURSOR")?;
            Plan::Declare { declare, query }
        }
        Statement::Session(SessionCommand::Fetch(f)) => Plan::Fetch(f),
        Statement::Session(SessionCommand::Close(name)) => Plan::Close(name),
        Statement::Session(SessionCommand::Copy(copy)) => {
            let text = match &copy.source {
                CopySource::Query(q) => q.clone(),
                CopySource::Table { name, columns } if columns.is_empty() => {
                    format!("SELECT * FROM {name}")
                }
                CopySource::Table { name, columns } => {
                    format!("SELECT {} FROM {name}", columns.join(", "))
                }
            };
            let query = query_of(&text, registry, "COPY")?;
            Plan::Copy { copy, query }
        }
        Statement::Session(cmd) => Plan::Session(cmd),
    })
}

/// Plans the statement of a `Parse` message, which may hold at most one.
pub fn plan_one(sql: &str, registry: &Registry) -> Result<Plan, CatalogError> {
    match split_statements(sql).as_slice() {
        [] => Ok(Plan::Empty),
        [one] => plan(one, registry),
        _ => Err(CatalogError::Syntax(
            "cannot insert multiple commands into a prepared statement".to_owned(),
        )),
    }
}

/// Plans `text` with `planner`, or takes the plan the connection made of
/// the same text before. A plan depends only on the text and the tables,
/// which do not change while the server runs.
pub fn cached_plan(
    wire: &Wire,
    text: &str,
    planner: impl FnOnce(&str) -> Result<Plan, CatalogError>,
) -> Result<Arc<Plan>, CatalogError> {
    if let Some(plan) = wire.lock().plan(text) {
        return Ok(plan);
    }
    let plan = Arc::new(planner(text)?);
    wire.lock().remember_plan(text, &plan);
    Ok(plan)
}

/// A parsed statement of the extended protocol, described once.
#[derive(Debug)]
pub struct Prepared {
    pub plan: Arc<Plan>,
    /// The statement as the client sent it, for the audit log.
    pub source: Arc<str>,
    /// Parameter types: as the client declared them, else inferred, else text.
    pub params: Vec<Type>,
    /// Result columns, for statements with a fixed result (`None`: no rows,
    /// or a FETCH, whose columns are its cursor's).
    pub columns: Option<Vec<ResultColumn>>,
    /// The `RowDescription` message for text results, encoded on first use:
    /// a prepared statement is described again at every execution.
    text_description: OnceLock<Option<Bytes>>,
}

impl Prepared {
    pub fn new(
        plan: Arc<Plan>,
        source: &str,
        params: Vec<Type>,
        columns: Option<Vec<ResultColumn>>,
    ) -> Prepared {
        Prepared {
            plan,
            source: Arc::from(source),
            params,
            columns,
            text_description: OnceLock::new(),
        }
    }

    /// The encoded `RowDescription` message of a query's text results
    /// (`None` for a statement without a fixed result, or a FETCH, whose
    /// columns are its cursor's).
    pub fn text_description(&self) -> Option<&Bytes> {
        self.text_description
            .get_or_init(|| {
                if !matches!(*self.plan, Plan::Query(_)) {
                    return None;
                }
                let message =
                    PgWireBackendMessage::RowDescription(self.description(&Format::UnifiedText)?);
                let mut out = BytesMut::new();
                message.encode(&mut out).ok()?;
                Some(out.freeze())
            })
            .as_ref()
    }

    /// The `RowDescription` for results in `formats`.
    pub fn description(&self, formats: &Format) -> Option<RowDescription> {
        self.columns.as_ref().map(|c| row_description(c, formats))
    }
}

/// Prepares a planned statement: describes its query on the engine and
/// settles its parameter types (`declared` are the types `Parse` named);
/// `source` is the statement's text.
pub async fn prepare(
    session: &Session,
    plan: Arc<Plan>,
    source: &str,
    declared: &[u32],
) -> Result<Prepared, CatalogError> {
    let Some(query) = plan.query() else {
        let columns = match &*plan {
            Plan::Session(SessionCommand::Show { name: Some(n) }) => {
                Some(vec![ResultColumn::text(
                    hostgres_catalog::settings::Settings::display_name(n),
                )])
            }
            Plan::Session(SessionCommand::Show { name: None }) => Some(
                ["name", "setting", "description"]
                    .into_iter()
                    .map(ResultColumn::text)
                    .collect(),
            ),
            _ => None,
        };
        return Ok(Prepared::new(plan, source, Vec::new(), columns));
    };
    let described = session.describe(&query.sql).await?;
    let params = (0..described.param_count)
        .map(|i| {
            declared
                .get(i)
                .filter(|oid| **oid != 0 && **oid != Type::UNKNOWN.oid())
                .and_then(|oid| Type::from_oid(*oid))
                .or_else(|| query.param_types.get(i).copied().flatten().map(pg_type))
                .unwrap_or(Type::TEXT)
        })
        .collect();
    let columns = match &*plan {
        Plan::Query(q) if !described.columns.is_empty() => {
            Some(describe_columns(&described.columns, &q.column_hints))
        }
        _ => None,
    };
    Ok(Prepared::new(plan, source, params, columns))
}

/// The parameters of a `Bind`, still encoded.
pub type RawParams = Vec<Option<Bytes>>;
