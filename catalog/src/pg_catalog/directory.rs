//! `Directory`: what the catalog needs to know beyond one session, the
//! other sessions (`pg_stat_activity`) and the roles (`pg_roles`), which
//! only the server knows. The default knows the current session alone.

use std::fmt::Debug;
use std::time::SystemTime;

use crate::session::SessionInfo;

/// One session as `pg_stat_activity` shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Activity {
    pub pid: i32,
    pub user: String,
    pub database: String,
    pub application_name: String,
    /// The client's IP address; `None` for an in-process session.
    pub client_addr: Option<String>,
    pub client_port: Option<u16>,
    pub backend_start: Option<SystemTime>,
    pub xact_start: Option<SystemTime>,
    pub query_start: Option<SystemTime>,
    /// `active`, `idle`, `idle in transaction`, ... as PostgreSQL spells them.
    pub state: Option<String>,
    /// The statement running, or the last one when idle.
    pub query: Option<String>,
}

impl Activity {
    /// The current session as far as the engine knows it: it is running the
    /// statement that reads `pg_stat_activity`.
    pub fn current(session: &SessionInfo) -> Activity {
        Activity {
            pid: session.backend_pid(),
            user: session.user.clone(),
            database: session.database.clone(),
            application_name: session.settings.get("application_name").unwrap_or_default(),
            state: Some("active".to_owned()),
            ..Activity::default()
        }
    }
}

/// Every session and role a server knows of. The server implements it over
/// its session registry and user store; the default knows only the
/// current session and its user.
pub trait Directory: Send + Sync + Debug {
    /// The sessions to list in `pg_stat_activity`, the current one included.
    fn sessions(&self, current: &SessionInfo) -> Vec<Activity> {
        vec![Activity::current(current)]
    }

    /// The names of the roles that may log in, besides the session's own
    /// user and hostgres' owner role (both always listed).
    fn roles(&self, _current: &SessionInfo) -> Vec<String> {
        Vec::new()
    }
}

/// A directory that knows only the current session: for the console and tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct SingleSession;

impl Directory for SingleSession {}
