//! Connection startup: the pg_hba rule decides the method (peer, SCRAM,
//! password inside TLS, client certificate, or refusal), the role's slot is
//! taken, and the session opens with the role's policy and limits.
//!
//! This file adapts pgwire's startup machinery to `hostgres_auth`; the auth
//! crate itself knows nothing of the protocol. One [`Startup`] serves one
//! connection (it knows how the client came in); [`StartupShared`] is
//! everything the connections share.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use futures::Sink;
use hostgres_auth::{Access, Method, Request, Role, RoleSlot, ScramVerifier, Transport};
use hostgres_catalog::settings::{SERVER_VERSION, Settings};
use hostgres_catalog::{Engine, EngineOptions, QueryLimits, Registry};
use hostgres_collectors::HostRoot;
use pgwire::api::auth::mechanism::{AuthMechanism, AuthMechanismFactory, AuthState};
use pgwire::api::auth::sasl::scram::{ScramAuth, ScramSecret};
use pgwire::api::auth::{
    AuthDriver, AuthOutcome, AuthSource, LoginInfo, Password, ServerParameterProvider,
    StartupHandler, protocol_negotiation, save_startup_parameters_to_metadata,
};
use pgwire::api::{ClientInfo, METADATA_DATABASE, METADATA_USER};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::startup::{Authentication, PasswordMessageFamily};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};

use crate::audit::{Audit, ConnIdentity, SessionAudit};
use crate::pg::error::{
    INTERNAL_ERROR, INVALID_AUTHORIZATION, INVALID_PASSWORD, TOO_MANY_CONNECTIONS,
};
use crate::pg::handler::Attached;
use crate::pg::session::{Session, Sessions, lock};
use crate::policy::RolePolicy;

/// What every new session is configured with.
#[derive(Debug, Clone)]
pub struct SessionDefaults {
    pub root: HostRoot,
    pub registry: Registry,
}

/// How a connection reached the server.
#[derive(Debug, Clone)]
pub enum Peer {
    Tcp(SocketAddr),
    /// The Unix socket, with the peer's credentials from the kernel.
    Unix {
        uid: u32,
        pid: Option<i32>,
        /// The OS user name of `uid`, when it has one.
        user: Option<String>,
    },
}

impl Peer {
    /// The source as the logs and the audit trail show it.
    pub fn describe(&self) -> String {
        match self {
            Peer::Tcp(addr) => addr.to_string(),
            Peer::Unix { uid, user, .. } => match user {
                Some(u) => format!("[local] uid={uid} ({u})"),
                None => format!("[local] uid={uid}"),
            },
        }
    }
}

/// Hands pgwire's SCRAM exchange the stored verifier, never a password.
#[derive(Debug)]
struct VerifierSource {
    access: Arc<Access>,
}

#[async_trait]
impl AuthSource for VerifierSource {
    async fn get_password(&self, _login: &LoginInfo) -> PgWireResult<Password> {
        // Only SCRAM uses this source, through `get_scram_secret`.
        Err(PgWireError::InvalidPassword(String::new()))
    }

    async fn get_scram_secret(&self, login: &LoginInfo) -> PgWireResult<(ScramSecret, Option<()>)> {
        let user = login.user().unwrap_or_default();
        let v = self.access.users.scram_verifier(user);
        Ok((
            ScramSecret::Verifier {
                salt: v.salt,
                iterations: v.iterations as usize,
                stored_key: v.stored_key,
                server_key: v.server_key,
            },
            None,
        ))
    }
}

/// A cleartext password checked against the SCRAM verifier (only offered inside TLS).
struct VerifierPassword {
    verifier: ScramVerifier,
}

#[async_trait]
impl AuthMechanism for VerifierPassword {
    async fn begin(&mut self, _client: &(dyn ClientInfo + Send + Sync)) -> PgWireResult<AuthState> {
        Ok(AuthState::InProgress(Authentication::CleartextPassword))
    }

    async fn next(
        &mut self,
        _client: &(dyn ClientInfo + Send + Sync),
        message: PasswordMessageFamily,
    ) -> PgWireResult<AuthState> {
        let password = message.into_password()?.password;
        if self.verifier.matches(&password) {
            Ok(AuthState::Ok {
                final_message: None,
                identity: None,
            })
        } else {
            Ok(AuthState::Failed(PgWireError::InvalidPassword(
                String::new(),
            )))
        }
    }
}

/// The `ParameterStatus` values sent after authentication.
#[derive(Debug)]
struct Parameters;

impl ServerParameterProvider for Parameters {
    fn server_parameters<C>(&self, client: &C) -> Option<HashMap<String, String>>
    where
        C: ClientInfo,
    {
        let user = client
            .metadata()
            .get(METADATA_USER)
            .cloned()
            .unwrap_or_default();
        let app = client
            .metadata()
            .get("application_name")
            .cloned()
            .unwrap_or_default();
        let mut p = HashMap::new();
        for (k, v) in [
            ("server_version", SERVER_VERSION),
            ("server_encoding", "UTF8"),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"),
            ("IntervalStyle", "postgres"),
            ("TimeZone", "UTC"),
            ("integer_datetimes", "on"),
            ("standard_conforming_strings", "on"),
            ("is_superuser", "off"),
            ("in_hot_standby", "off"),
            ("default_transaction_read_only", "on"),
            ("search_path", "\"$user\", public"),
        ] {
            p.insert(k.to_owned(), v.to_owned());
        }
        p.insert("session_authorization".to_owned(), user);
        p.insert("application_name".to_owned(), app);
        Some(p)
    }
}

/// What every connection's startup shares.
pub struct StartupShared {
    driver: AuthDriver<Parameters>,
    scram: ScramAuth,
    access: Arc<Access>,
    sessions: Arc<Sessions>,
    defaults: SessionDefaults,
    audit: Arc<Audit>,
}

impl StartupShared {
    pub fn new(
        access: Arc<Access>,
        sessions: Arc<Sessions>,
        defaults: SessionDefaults,
        audit: Arc<Audit>,
    ) -> Self {
        let mut scram = ScramAuth::new(Arc::new(VerifierSource {
            access: Arc::clone(&access),
        }));
        scram.set_iterations(hostgres_auth::DEFAULT_ITERATIONS as usize);
        StartupShared {
            driver: AuthDriver::new(Parameters),
            scram,
            access,
            sessions,
            defaults,
            audit,
        }
    }
}

/// Where one connection's authentication stands.
#[derive(Default)]
struct Progress {
    /// The method and role decided at the startup message.
    method: Option<Method>,
    /// Set once the session is open, for the disconnect record.
    identity: Option<ConnIdentity>,
    _slot: Option<RoleSlot>,
}

/// Authenticates one connection and opens its session.
pub struct Startup {
    shared: Arc<StartupShared>,
    id: u64,
    peer: Peer,
    started: Instant,
    progress: Mutex<Progress>,
}

impl Startup {
    pub fn new(shared: Arc<StartupShared>, id: u64, peer: Peer) -> Startup {
        Startup {
            shared,
            id,
            peer,
            started: Instant::now(),
            progress: Mutex::new(Progress::default()),
        }
    }

    fn transport<C: ClientInfo>(&self, client: &C) -> Transport {
        match self.peer {
            Peer::Tcp(addr) => Transport::Tcp {
                addr: addr.ip(),
                tls: client.is_secure(),
            },
            Peer::Unix { .. } => Transport::Local,
        }
    }

    fn host_for_messages(&self) -> String {
        match &self.peer {
            Peer::Tcp(addr) => addr.ip().to_string(),
            Peer::Unix { .. } => "[local]".to_owned(),
        }
    }

    /// Refuses the connection: an audit record, a log line and a FATAL error.
    fn refuse<C: ClientInfo>(
        &self,
        client: &C,
        user: &str,
        code: &str,
        message: String,
    ) -> PgWireError {
        tracing::warn!(user, peer = %self.peer.describe(), code, reason = %message, "connection refused");
        self.shared.audit.refused(
            self.id,
            &self.peer.describe(),
            client.is_secure(),
            user,
            code,
            &message,
        );
        PgWireError::UserError(Box::new(fatal(code, &message)))
    }

    /// A failed password or SCRAM exchange: counted per address and answered late when repeated.
    async fn bad_credentials<C: ClientInfo>(&self, client: &C, user: &str) -> PgWireError {
        if let Peer::Tcp(addr) = self.peer {
            let failure = self
                .shared
                .access
                .failures
                .failed(addr.ip(), Instant::now());
            if !failure.delay.is_zero() {
                tracing::warn!(
                    peer = %addr.ip(),
                    failures = failure.count,
                    delay_ms = failure.delay.as_millis() as u64,
                    "repeated authentication failures: slowing this address down"
                );
                tokio::time::sleep(failure.delay).await;
            }
        }
        // Wrong user and wrong password look the same to the client.
        self.refuse(
            client,
            user,
            INVALID_PASSWORD,
            format!("password authentication failed for user \"{user}\""),
        )
    }

    /// Decides the method from the pg_hba rules and starts it.
    async fn begin<C>(&self, client: &mut C, user: &str, database: &str) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let transport = self.transport(client);
        let encryption = if transport.is_tls() {
            "SSL encryption"
        } else {
            "no encryption"
        };
        let host = self.host_for_messages();
        let access = &self.shared.access;
        let rule = access.rule_for(Request {
            transport,
            database,
            user,
            role: None,
        });
        let Some(rule) = rule else {
            return Err(self.refuse(
                client,
                user,
                INVALID_AUTHORIZATION,
                format!(
                    "no pg_hba.conf entry for host \"{host}\", user \"{user}\", database \"{database}\", {encryption}"
                ),
            ));
        };
        let method = rule.method;
        lock(&self.progress).method = Some(method);
        match method {
            Method::Reject => Err(self.refuse(
                client,
                user,
                INVALID_AUTHORIZATION,
                format!(
                    "pg_hba.conf rejects connection for host \"{host}\", user \"{user}\", database \"{database}\", {encryption}"
                ),
            )),
            Method::ScramSha256 => {
                let outcome = self
                    .shared
                    .driver
                    .begin_authentication(client, self.shared.scram.create())
                    .await?;
                self.on_outcome(client, user, outcome).await
            }
            Method::Password => {
                if !(transport.is_tls() || transport == Transport::Local) {
                    // Rules are validated so this cannot happen; refuse all the same.
                    return Err(self.refuse(
                        client,
                        user,
                        INVALID_AUTHORIZATION,
                        "cleartext passwords are only accepted inside TLS".to_owned(),
                    ));
                }
                let verifier = access.users.scram_verifier(user);
                let outcome = self
                    .shared
                    .driver
                    .begin_authentication(client, Box::new(VerifierPassword { verifier }))
                    .await?;
                self.on_outcome(client, user, outcome).await
            }
            Method::Peer => {
                let Peer::Unix { uid, user: os_user, .. } = &self.peer else {
                    return Err(self.refuse(
                        client,
                        user,
                        INVALID_AUTHORIZATION,
                        format!("Peer authentication failed for user \"{user}\""),
                    ));
                };
                let role = access
                    .peer
                    .role_for(os_user.as_deref(), *uid)
                    .and_then(|r| access.role(r));
                match role {
                    Some(role) if os_user.as_deref() == Some(user) => {
                        self.authenticated(client, user, role, None).await
                    }
                    _ => Err(self.refuse(
                        client,
                        user,
                        INVALID_AUTHORIZATION,
                        format!("Peer authentication failed for user \"{user}\""),
                    )),
                }
            }
            Method::Cert => {
                let cn = client
                    .client_certificates()
                    .and_then(|certs| certs.first())
                    .and_then(|c| crate::tls::common_name(c));
                match (cn, access.role_of(user)) {
                    (Some(cn), Some(role)) if cn == user => {
                        self.authenticated(client, user, role, None).await
                    }
                    _ => Err(self.refuse(
                        client,
                        user,
                        INVALID_AUTHORIZATION,
                        format!("certificate authentication failed for user \"{user}\""),
                    )),
                }
            }
        }
    }

    async fn on_outcome<C>(
        &self,
        client: &mut C,
        user: &str,
        outcome: AuthOutcome,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match outcome {
            AuthOutcome::InProgress => Ok(()),
            AuthOutcome::Authenticated { final_message, .. } => {
                let Some(role) = self.shared.access.role_of(user) else {
                    // A mock verifier never succeeds, so an unknown user cannot get here.
                    return Err(self.bad_credentials(client, user).await);
                };
                if let Peer::Tcp(addr) = self.peer {
                    self.shared.access.failures.succeeded(addr.ip());
                }
                self.authenticated(client, user, role, final_message).await
            }
        }
    }

    /// The client proved who it is: take a slot of its role, open the session, finish startup.
    async fn authenticated<C>(
        &self,
        client: &mut C,
        user: &str,
        role: Arc<Role>,
        final_message: Option<Authentication>,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let Some(slot) = self.shared.access.take_slot(&role) else {
            return Err(self.refuse(
                client,
                user,
                TOO_MANY_CONNECTIONS,
                format!("too many connections for role \"{}\"", role.name),
            ));
        };
        let who = ConnIdentity {
            connection: self.id,
            source: self.peer.describe(),
            tls: client.is_secure(),
            user: user.to_owned(),
            role: role.name.clone(),
        };
        let session = Arc::new(self.open_session(client, &role, &who)?);
        self.shared
            .driver
            .complete_authentication(client, final_message)
            .await?;
        let (pid, key) = client.pid_and_secret_key();
        let guard = self
            .shared
            .sessions
            .register(pid, &key, Arc::clone(&session));
        let method = lock(&self.progress).method.map_or("", Method::as_str);
        tracing::info!(session = session.id, user, role = %role.name, method, peer = %self.peer.describe(), tls = who.tls, "authenticated");
        self.shared.audit.connected(&who, method);
        {
            let mut progress = lock(&self.progress);
            progress.identity = Some(who);
            progress._slot = Some(slot);
        }
        client.session_extensions().insert(Attached {
            session,
            _guard: guard,
        });
        Ok(())
    }

    fn open_session<C: ClientInfo>(
        &self,
        client: &C,
        role: &Arc<Role>,
        who: &ConnIdentity,
    ) -> PgWireResult<Session> {
        let user = who.user.clone();
        let database = client
            .metadata()
            .get(METADATA_DATABASE)
            .cloned()
            .unwrap_or_else(|| user.clone());
        let startup: BTreeMap<String, String> = client
            .metadata()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let limits = &role.limits;
        let settings = Settings::new(&user, startup, limits.statement_timeout);
        settings.set_statement_timeout_ceiling(limits.max_statement_timeout);
        let registry = self.shared.defaults.registry.clone();
        let mut engine = Engine::open(EngineOptions {
            root: self.shared.defaults.root.clone(),
            registry: registry.clone(),
            user: user.clone(),
            database: database.clone(),
            settings: settings.clone(),
            policy: Arc::new(RolePolicy::new(Arc::clone(role), registry)),
            backend_pid: Arc::default(),
            directory: Arc::new(hostgres_catalog::SingleSession),
        })
        .map_err(|e| {
            PgWireError::UserError(Box::new(fatal(
                INTERNAL_ERROR,
                &format!("cannot open a session: {e}"),
            )))
        })?;
        engine.set_limits(QueryLimits {
            max_rows: limits.max_result_rows,
            max_bytes: limits.max_result_bytes,
            max_scan_bytes: limits.max_query_memory_bytes,
        });
        let audit = Arc::new(SessionAudit::new(Arc::clone(&self.shared.audit), who));
        engine.set_observer(Arc::clone(&audit) as Arc<dyn hostgres_catalog::StatementObserver>);
        Ok(Session::new(
            user,
            database,
            client.socket_addr(),
            engine,
            settings,
            audit,
        ))
    }
}

impl Drop for Startup {
    fn drop(&mut self) {
        let progress = self.progress.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(who) = &progress.identity {
            self.shared.audit.disconnected(who, self.started.elapsed());
        }
    }
}

fn fatal(code: &str, message: &str) -> ErrorInfo {
    ErrorInfo::new("FATAL".to_owned(), code.to_owned(), message.to_owned())
}

#[async_trait]
impl StartupHandler for Startup {
    async fn on_startup<C>(
        &self,
        client: &mut C,
        message: PgWireFrontendMessage,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match message {
            PgWireFrontendMessage::Startup(ref startup) => {
                protocol_negotiation(client, startup).await?;
                save_startup_parameters_to_metadata(client, startup);
                let user = client
                    .metadata()
                    .get(METADATA_USER)
                    .cloned()
                    .unwrap_or_default();
                if user.is_empty() {
                    return Err(PgWireError::UserError(Box::new(fatal(
                        INVALID_AUTHORIZATION,
                        "no PostgreSQL user name specified in startup packet",
                    ))));
                }
                let database = client
                    .metadata()
                    .get(METADATA_DATABASE)
                    .cloned()
                    .unwrap_or_else(|| user.clone());
                self.begin(client, &user, &database).await
            }
            PgWireFrontendMessage::PasswordMessageFamily(msg) => {
                let user = client
                    .metadata()
                    .get(METADATA_USER)
                    .cloned()
                    .unwrap_or_default();
                match self.shared.driver.advance_authentication(client, msg).await {
                    Ok(outcome) => self.on_outcome(client, &user, outcome).await,
                    Err(e) => {
                        tracing::debug!(user = %user, reason = %e, "authentication exchange failed");
                        Err(self.bad_credentials(client, &user).await)
                    }
                }
            }
            _ => Ok(()),
        }
    }
}
