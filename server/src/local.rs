//! In-process queries for `hostgres query` and `hostgres shell`: the same
//! translation and engine as the server, without a socket or a password.

use hostgres_catalog::settings::Settings;
use hostgres_catalog::translate::{SessionCommand, Statement, split_statements, translate};
use hostgres_catalog::{CatalogError, Engine, EngineOptions, QueryResult, Registry};
use hostgres_collectors::HostRoot;

/// What one statement produced in the console.
#[derive(Debug)]
pub enum Output {
    Rows(QueryResult),
    /// A command without rows, with what to tell the user.
    Done(String),
}

/// A console session: one engine, reading `root`.
pub struct LocalSession {
    engine: Engine,
    registry: Registry,
}

impl LocalSession {
    pub fn open(root: HostRoot) -> Result<LocalSession, CatalogError> {
        let registry = Registry::builtin();
        let user = std::env::var("USER").unwrap_or_else(|_| "hostgres".to_owned());
        let engine = Engine::open(EngineOptions {
            root,
            registry: registry.clone(),
            settings: Settings::new(&user, Default::default(), Default::default()),
            user,
            database: "hostgres".to_owned(),
            policy: std::sync::Arc::new(hostgres_catalog::AllowAll),
            ..EngineOptions::default()
        })?;
        Ok(LocalSession { engine, registry })
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Runs every statement of `sql` in order, stopping at the first error.
    pub fn run(&mut self, sql: &str) -> Result<Vec<Output>, CatalogError> {
        let mut outputs = Vec::new();
        for text in split_statements(sql) {
            outputs.push(self.run_one(text)?);
        }
        Ok(outputs)
    }

    fn run_one(&mut self, text: &str) -> Result<Output, CatalogError> {
        match translate(text, &self.registry)? {
            Statement::Query(q) => Ok(Output::Rows(self.engine.query_all(&q.sql, &[])?)),
            Statement::Session(SessionCommand::Begin { .. }) => {
                self.engine.set_snapshot(true);
                Ok(Output::Done("BEGIN".to_owned()))
            }
            Statement::Session(SessionCommand::Commit | SessionCommand::Rollback) => {
                self.engine.set_snapshot(false);
                Ok(Output::Done("COMMIT".to_owned()))
            }
            Statement::Session(other) => Err(CatalogError::Unsupported(format!(
                "{other:?} is a server session command; connect with psql to use it"
            ))),
        }
    }
}
