//! A connection's protocol state: prepared statements and portals of the
//! extended protocol, and SQL cursors.
//!
//! hostgres keeps these itself rather than in pgwire's portal store, so a
//! `Bind` is one map insert with its parameters decoded once, an `Execute`
//! without a row limit streams its rows without storing them, and a suspended
//! portal keeps only the rows it has not sent yet.

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::BytesMut;
use foldhash::HashMap;
use hostgres_catalog::Value;
use pgwire::api::ClientInfo;
use pgwire::api::portal::Format;
use pgwire::error::PgWireResult;

use crate::pg::cursor::Cursors;
use crate::pg::encode::ResultColumn;
use crate::pg::execute::RowsTag;
use crate::pg::handler::session_of;
use crate::pg::session::Session;
use crate::pg::session::lock;
use crate::pg::statement::Plan;
use crate::pg::statement::Prepared;

/// A bound statement, ready to execute.
#[derive(Debug)]
pub struct Portal {
    pub statement: Arc<Prepared>,
    /// Parameters, decoded at `Bind`.
    pub params: Vec<Value>,
    /// Result column formats.
    pub formats: Format,
    pub state: PortalState,
}

/// Where a portal is in its execution.
#[derive(Debug, Default)]
pub enum PortalState {
    #[default]
    Ready,
    /// An `Execute` with a row limit stopped early: the rows still to send.
    Suspended {
        columns: Vec<ResultColumn>,
        rows: std::vec::IntoIter<BytesMut>,
        tag: RowsTag,
    },
    /// Every row was sent.
    Done,
}

/// How many planned statement texts a connection remembers.
const MAX_PLANS: usize = 256;

/// Statements, portals and cursors of one connection. The maps hash with
/// foldhash: they are looked up several times per statement, and SipHash
/// showed in every profile of a prepared statement.
#[derive(Debug, Default)]
pub struct WireState {
    pub statements: HashMap<String, Arc<Prepared>>,
    pub portals: HashMap<String, Portal>,
    pub cursors: Cursors,
    /// Plans by statement text: a client that sends the same text again
    /// (every simple query of a dashboard, every unnamed `Parse`) skips translation.
    plans: HashMap<String, Arc<Plan>>,
}

impl WireState {
    /// The remembered plan of `text`.
    pub fn plan(&self, text: &str) -> Option<Arc<Plan>> {
        self.plans.get(text).cloned()
    }

    /// Remembers the plan of `text`.
    pub fn remember_plan(&mut self, text: &str, plan: &Arc<Plan>) {
        if self.plans.len() >= MAX_PLANS {
            self.plans.clear();
        }
        self.plans.insert(text.to_owned(), Arc::clone(plan));
    }

    /// Ends a transaction: portals close, and cursors without `WITH HOLD`.
    pub fn end_transaction(&mut self, committed: bool) {
        self.portals.clear();
        self.cursors.end_transaction(committed);
    }
}

/// A connection's session and protocol state, kept in pgwire's session
/// extensions: one lookup per message finds both.
#[derive(Debug)]
pub struct Wire {
    pub session: Arc<Session>,
    state: Mutex<WireState>,
}

impl Wire {
    /// The state of `client`'s connection (an authenticated one).
    pub fn of<C: ClientInfo + ?Sized>(client: &C) -> PgWireResult<Arc<Wire>> {
        let extensions = client.session_extensions();
        if let Some(wire) = extensions.get::<Wire>() {
            return Ok(wire);
        }
        let session = session_of(client)?;
        Ok(extensions.get_or_insert_with(|| Wire {
            session,
            state: Mutex::new(WireState::default()),
        }))
    }

    pub fn lock(&self) -> MutexGuard<'_, WireState> {
        lock(&self.state)
    }
}
