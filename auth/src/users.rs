//! The users hostgres knows and the verifier each one authenticates with.

use std::collections::BTreeMap;

use ring::hmac;

use crate::error::AuthError;
use crate::scram::{DEFAULT_ITERATIONS, ScramVerifier};

/// A user who may connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    /// `None` for a user who only logs in with a client certificate.
    pub verifier: Option<ScramVerifier>,
    /// The role whose privileges and limits the user's sessions get.
    pub role: String,
}

impl User {
    /// A user from a configured name, verifier text and role.
    pub fn from_config(name: &str, verifier: Option<&str>, role: &str) -> Result<User, AuthError> {
        check_user_name(name)?;
        Ok(User {
            name: name.to_owned(),
            verifier: verifier
                .map(|v| ScramVerifier::parse(v, name))
                .transpose()?,
            role: role.to_owned(),
        })
    }
}

/// User names are identifiers in config files, logs and `pg_roles`: keep them plain.
pub fn check_user_name(name: &str) -> Result<(), AuthError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::BadUserName(name.to_owned()))
    }
}

/// All users, with a mock verifier for names that do not exist.
#[derive(Debug)]
pub struct UserStore {
    users: BTreeMap<String, User>,
    /// Per-process secret that shapes mock verifiers, so an unknown user's
    /// SCRAM exchange looks like a real one and fails the same way.
    mock_key: hmac::Key,
}

impl UserStore {
    pub fn new(users: impl IntoIterator<Item = User>) -> UserStore {
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        UserStore {
            users: users.into_iter().map(|u| (u.name.clone(), u)).collect(),
            mock_key: hmac::Key::new(hmac::HMAC_SHA256, &secret),
        }
    }

    pub fn get(&self, name: &str) -> Option<&User> {
        self.users.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.users.keys().map(String::as_str)
    }

    /// The verifier to run SCRAM against. For an unknown user (or one with
    /// no password) it is a mock that no password matches, stable per name
    /// within this process, so the exchange does not reveal whether the user exists.
    pub fn scram_verifier(&self, name: &str) -> ScramVerifier {
        if let Some(v) = self.users.get(name).and_then(|u| u.verifier.as_ref()) {
            return v.clone();
        }
        let tag = |label: &str| {
            hmac::sign(&self.mock_key, format!("{label}\0{name}").as_bytes())
                .as_ref()
                .to_vec()
        };
        let mut salt = tag("salt");
        salt.truncate(16);
        ScramVerifier {
            iterations: DEFAULT_ITERATIONS,
            salt,
            stored_key: tag("stored"),
            server_key: tag("server"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_users_get_a_stable_mock_verifier() {
        let store = UserStore::new([
            User {
                name: "alice".into(),
                verifier: Some(ScramVerifier::generate("pw")),
                role: "monitor".into(),
            },
            User {
                name: "certonly".into(),
                verifier: None,
                role: "monitor".into(),
            },
        ]);
        assert!(!store.scram_verifier("certonly").matches(""));
        let a = store.scram_verifier("mallory");
        let b = store.scram_verifier("mallory");
        assert_eq!(a, b);
        assert_eq!(a.salt.len(), 16);
        assert!(!a.matches(""));
        assert!(store.scram_verifier("alice").matches("pw"));
    }

    #[test]
    fn user_names_are_plain() {
        assert!(check_user_name("hostgres").is_ok());
        assert!(check_user_name("ops-team.1").is_ok());
        assert!(check_user_name("").is_err());
        assert!(check_user_name("bob\"; drop").is_err());
    }
}
