//! Connection startup: SCRAM-SHA-256 authentication against the user store,
//! the parameters a PostgreSQL 15 client expects, and the session.
//!
//! This file adapts pgwire's startup machinery to `hostgres_auth`; the auth
//! crate itself knows nothing of the protocol.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use futures::Sink;
use hostgres_auth::UserStore;
use hostgres_catalog::settings::{SERVER_VERSION, Settings};
use hostgres_catalog::{Engine, EngineOptions, Registry};
use hostgres_collectors::HostRoot;
use pgwire::api::auth::mechanism::AuthMechanismFactory;
use pgwire::api::auth::sasl::scram::{ScramAuth, ScramSecret};
use pgwire::api::auth::{
    AuthDriver, AuthOutcome, AuthSource, LoginInfo, Password, ServerParameterProvider,
    StartupHandler, protocol_negotiation, save_startup_parameters_to_metadata,
};
use pgwire::api::{ClientInfo, METADATA_DATABASE, METADATA_USER};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};

use crate::pg::error::{INTERNAL_ERROR, INVALID_AUTHORIZATION, INVALID_PASSWORD};
use crate::pg::handler::Attached;
use crate::pg::session::{Session, Sessions};

/// What every new session is configured with.
#[derive(Debug, Clone)]
pub struct SessionDefaults {
    pub root: HostRoot,
    pub registry: Registry,
    pub statement_timeout: std::time::Duration,
}

/// Hands pgwire's SCRAM exchange the stored verifier, never a password.
#[derive(Debug)]
struct VerifierSource {
    users: Arc<UserStore>,
}

#[async_trait]
impl AuthSource for VerifierSource {
    async fn get_password(&self, _login: &LoginInfo) -> PgWireResult<Password> {
        // Only SCRAM is offered, and it uses `get_scram_secret`.
        Err(PgWireError::InvalidPassword(String::new()))
    }

    async fn get_scram_secret(&self, login: &LoginInfo) -> PgWireResult<(ScramSecret, Option<()>)> {
        let user = login.user().unwrap_or_default();
        let v = self.users.scram_verifier(user);
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

/// Authenticates each connection with SCRAM-SHA-256 and opens its session.
pub struct Startup {
    driver: AuthDriver<Parameters>,
    scram: ScramAuth,
    sessions: Arc<Sessions>,
    defaults: SessionDefaults,
}

impl Startup {
    pub fn new(users: Arc<UserStore>, sessions: Arc<Sessions>, defaults: SessionDefaults) -> Self {
        let mut scram = ScramAuth::new(Arc::new(VerifierSource { users }));
        scram.set_iterations(hostgres_auth::DEFAULT_ITERATIONS as usize);
        Startup {
            driver: AuthDriver::new(Parameters),
            scram,
            sessions,
            defaults,
        }
    }

    fn open_session<C: ClientInfo>(&self, client: &C) -> PgWireResult<Session> {
        let user = client
            .metadata()
            .get(METADATA_USER)
            .cloned()
            .unwrap_or_default();
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
        let settings = Settings::new(&user, startup, self.defaults.statement_timeout);
        let engine = Engine::open(EngineOptions {
            root: self.defaults.root.clone(),
            registry: self.defaults.registry.clone(),
            user: user.clone(),
            database: database.clone(),
            settings: settings.clone(),
            policy: Arc::new(hostgres_catalog::AllowAll),
            backend_pid: Arc::default(),
            directory: Arc::new(hostgres_catalog::SingleSession),
        })
        .map_err(|e| {
            PgWireError::UserError(Box::new(fatal(
                INTERNAL_ERROR,
                &format!("cannot open a session: {e}"),
            )))
        })?;
        Ok(Session::new(
            user,
            database,
            client.socket_addr(),
            engine,
            settings,
        ))
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
                if client
                    .metadata()
                    .get(METADATA_USER)
                    .is_none_or(String::is_empty)
                {
                    return Err(PgWireError::UserError(Box::new(fatal(
                        INVALID_AUTHORIZATION,
                        "no PostgreSQL user name specified in startup packet",
                    ))));
                }
                self.driver
                    .begin_authentication(client, self.scram.create())
                    .await?;
                Ok(())
            }
            PgWireFrontendMessage::PasswordMessageFamily(msg) => {
                let user = client
                    .metadata()
                    .get(METADATA_USER)
                    .cloned()
                    .unwrap_or_default();
                match self.driver.advance_authentication(client, msg).await {
                    Ok(AuthOutcome::InProgress) => Ok(()),
                    Ok(AuthOutcome::Authenticated { final_message, .. }) => {
                        let session = Arc::new(self.open_session(client)?);
                        self.driver
                            .complete_authentication(client, final_message)
                            .await?;
                        let (pid, key) = client.pid_and_secret_key();
                        let guard = self.sessions.register(pid, &key, Arc::clone(&session));
                        tracing::info!(session = session.id, user = %user, peer = %client.socket_addr(), "authenticated");
                        client.session_extensions().insert(Attached {
                            session,
                            _guard: guard,
                        });
                        Ok(())
                    }
                    Err(e) => {
                        tracing::warn!(user = %user, peer = %client.socket_addr(), reason = %e, "authentication failed");
                        // Wrong user and wrong password look the same to the client.
                        Err(PgWireError::UserError(Box::new(fatal(
                            INVALID_PASSWORD,
                            &format!("password authentication failed for user \"{user}\""),
                        ))))
                    }
                }
            }
            _ => Ok(()),
        }
    }
}
