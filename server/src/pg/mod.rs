//! The PostgreSQL wire protocol side of hostgres, on pgwire.
//!
//! Layout:
//! - `startup`: authentication and session creation.
//! - `handler`: the simple and extended protocols on pgwire.
//! - `statement`: planning a statement, and its prepared form.
//! - `execute`: running a statement and writing its result.
//! - `fast_path`: Describe, Execute and Sync of the unnamed portal, encoded directly.
//! - `portal`: a connection's prepared statements, portals and cursors.
//! - `cursor`: DECLARE/FETCH/MOVE/CLOSE.
//! - `copy`: COPY ... TO STDOUT in text, CSV and binary.
//! - `compat`: statements the session answers itself (SET, SHOW, BEGIN...).
//! - `session`: per-connection state and the registry of sessions.
//! - `encode`, `codec`, `params`: values to and from the wire.
//! - `error`: every SQLSTATE.

pub mod codec;
pub mod compat;
pub mod copy;
pub mod cursor;
pub mod encode;
pub mod error;
pub mod execute;
pub mod fast_path;
pub mod handler;
pub mod params;
pub mod portal;
pub mod session;
pub mod startup;
pub mod statement;

use std::sync::Arc;

use async_trait::async_trait;
use pgwire::api::cancel::CancelHandler;
use pgwire::api::{ClientInfo, ErrorHandler, PgWireServerHandlers};
use pgwire::error::PgWireError;
use pgwire::messages::cancel::CancelRequest;

use crate::pg::handler::{QueryHandler, session_of};
use crate::pg::session::Sessions;
use crate::pg::startup::Startup;

/// Routes cancel requests to the session they name.
pub struct Cancel {
    sessions: Arc<Sessions>,
}

#[async_trait]
impl CancelHandler for Cancel {
    async fn on_cancel_request(&self, request: CancelRequest) {
        self.sessions.cancel(request.pid, &request.secret_key);
    }
}

/// Marks the session's transaction failed when an extended-protocol message fails.
pub struct Errors;

impl ErrorHandler for Errors {
    fn on_error<C>(&self, client: &C, error: &mut PgWireError)
    where
        C: ClientInfo,
    {
        if let Ok(session) = session_of(client) {
            session.mark_failed();
        }
        tracing::debug!(%error, "request failed");
    }
}

/// Everything pgwire needs to serve a connection; each connection gets a
/// copy with its own `startup`.
#[derive(Clone)]
pub struct Handlers {
    pub startup: Arc<Startup>,
    pub query: Arc<QueryHandler>,
    pub cancel: Arc<Cancel>,
    pub errors: Arc<Errors>,
}

impl Handlers {
    pub fn new(startup: Startup, query: QueryHandler, sessions: Arc<Sessions>) -> Self {
        Handlers {
            startup: Arc::new(startup),
            query: Arc::new(query),
            cancel: Arc::new(Cancel { sessions }),
            errors: Arc::new(Errors),
        }
    }
}

impl PgWireServerHandlers for Handlers {
    fn simple_query_handler(&self) -> Arc<impl pgwire::api::query::SimpleQueryHandler> {
        Arc::clone(&self.query)
    }

    fn extended_query_handler(&self) -> Arc<impl pgwire::api::query::ExtendedQueryHandler> {
        Arc::clone(&self.query)
    }

    fn startup_handler(&self) -> Arc<impl pgwire::api::auth::StartupHandler> {
        Arc::clone(&self.startup)
    }

    fn cancel_handler(&self) -> Arc<impl CancelHandler> {
        Arc::clone(&self.cancel)
    }

    fn error_handler(&self) -> Arc<impl ErrorHandler> {
        Arc::clone(&self.errors)
    }
}
