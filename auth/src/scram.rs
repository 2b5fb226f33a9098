//! SCRAM-SHA-256 verifiers in PostgreSQL's format:
//! `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
//!
//! A verifier lets the server check a client's proof without ever holding the
//! password, and it is what PostgreSQL itself stores in `pg_authid`, so
//! verifiers can be copied between the two.

use std::fmt;
use std::num::NonZeroU32;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::{digest, hmac, pbkdf2};

use crate::error::AuthError;

/// PostgreSQL's default iteration count.
pub const DEFAULT_ITERATIONS: u32 = 4096;
const SALT_LEN: usize = 16;
const PREFIX: &str = "SCRAM-SHA-256$";

/// What the server stores for a user: enough to verify a SCRAM proof, not enough to log in.
#[derive(Clone, PartialEq, Eq)]
pub struct ScramVerifier {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub stored_key: Vec<u8>,
    pub server_key: Vec<u8>,
}

impl fmt::Debug for ScramVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The keys are password-equivalent for offline guessing: never print them.
        f.debug_struct("ScramVerifier")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

/// `Hi(password, salt, i)` of RFC 5802: PBKDF2 with HMAC-SHA-256.
fn salted_password(password: &str, salt: &[u8], iterations: NonZeroU32) -> [u8; 32] {
    // SASLprep as PostgreSQL does: a password that cannot be normalised is used as is.
    let normalized = stringprep::saslprep(password)
        .map(|p| p.into_owned())
        .unwrap_or_else(|_| password.to_owned());
    let mut out = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        salt,
        normalized.as_bytes(),
        &mut out,
    );
    out
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::sign(&key, msg).as_ref().to_vec()
}

impl ScramVerifier {
    /// Derives a verifier for `password` with a fresh random salt.
    pub fn generate(password: &str) -> ScramVerifier {
        let mut salt = vec![0u8; SALT_LEN];
        rand::fill(&mut salt[..]);
        ScramVerifier::derive(password, salt, DEFAULT_ITERATIONS)
    }

    /// Derives the verifier of `password` for a given salt and iteration count.
    pub fn derive(password: &str, salt: Vec<u8>, iterations: u32) -> ScramVerifier {
        let iters = NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN);
        let salted = salted_password(password, &salt, iters);
        let client_key = hmac_sha256(&salted, b"Client Key");
        let stored_key = digest::digest(&digest::SHA256, &client_key)
            .as_ref()
            .to_vec();
        let server_key = hmac_sha256(&salted, b"Server Key");
        ScramVerifier {
            iterations: iters.get(),
            salt,
            stored_key,
            server_key,
        }
    }

    /// True when `password` is the one this verifier was made from.
    pub fn matches(&self, password: &str) -> bool {
        let other = ScramVerifier::derive(password, self.salt.clone(), self.iterations);
        constant_time_eq(&other.stored_key, &self.stored_key)
    }

    /// Parses PostgreSQL's text form; `user` only names the culprit in errors.
    pub fn parse(text: &str, user: &str) -> Result<ScramVerifier, AuthError> {
        let bad = |reason: &str| AuthError::BadVerifier {
            user: user.to_owned(),
            reason: reason.to_owned(),
        };
        let rest = text
            .trim()
            .strip_prefix(PREFIX)
            .ok_or_else(|| bad("it must start with SCRAM-SHA-256$ (md5 and plain passwords are refused); `hostgres passwd` prints one"))?;
        let (params, keys) = rest
            .split_once('$')
            .ok_or_else(|| bad("expected <iterations>:<salt>$<StoredKey>:<ServerKey>"))?;
        let (iterations, salt) = params
            .split_once(':')
            .ok_or_else(|| bad("expected <iterations>:<salt>"))?;
        let (stored, server) = keys
            .split_once(':')
            .ok_or_else(|| bad("expected <StoredKey>:<ServerKey>"))?;
        let iterations: u32 = iterations
            .parse()
            .ok()
            .filter(|i| *i > 0)
            .ok_or_else(|| bad("the iteration count must be a positive integer"))?;
        let decode = |s: &str, what: &str| {
            STANDARD
                .decode(s)
                .map_err(|_| bad(&format!("the {what} is not valid base64")))
        };
        let salt = decode(salt, "salt")?;
        let stored_key = decode(stored, "StoredKey")?;
        let server_key = decode(server, "ServerKey")?;
        if stored_key.len() != 32 || server_key.len() != 32 {
            return Err(bad("StoredKey and ServerKey must be 32 bytes each"));
        }
        Ok(ScramVerifier {
            iterations,
            salt,
            stored_key,
            server_key,
        })
    }
}

/// Compares secrets without an early exit, so timing does not reveal a prefix.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl fmt::Display for ScramVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{}:{}${}:{}",
            self.iterations,
            STANDARD.encode(&self.salt),
            STANDARD.encode(&self.stored_key),
            STANDARD.encode(&self.server_key)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        let v = ScramVerifier::generate("correct horse");
        let text = v.to_string();
        assert!(text.starts_with("SCRAM-SHA-256$4096:"));
        assert_eq!(ScramVerifier::parse(&text, "u").expect("parse"), v);
        assert!(v.matches("correct horse"));
        assert!(!v.matches("battery staple"));
    }

    #[test]
    fn matches_postgresql_for_a_known_salt() {
        // `rolpassword` of a role created by PostgreSQL 15 with password "pencil".
        let pg = "SCRAM-SHA-256$4096:/BW7wniZwYz/V1B+ftN/+g==$VMBS/iyzriJpzpfKqqwaUHVnSAzXScbr6BDudxONOWI=:1kxlkQ/b6RpfhoqgwduYY38BgyZdo1iSRoUFwcrkHz0=";
        let parsed = ScramVerifier::parse(pg, "x").expect("parse");
        let v = ScramVerifier::derive("pencil", parsed.salt.clone(), 4096);
        assert_eq!(v.to_string(), pg);
        assert!(parsed.matches("pencil"));
    }

    #[test]
    fn rejects_malformed_verifiers_with_a_reason() {
        for bad in [
            "md5abcdef",
            "SCRAM-SHA-256$x:abc$a:b",
            "SCRAM-SHA-256$4096:!!!$a:b",
            "SCRAM-SHA-256$4096:YWJj$YWJj:YWJj",
        ] {
            let err = ScramVerifier::parse(bad, "alice").expect_err(bad);
            assert!(err.to_string().contains("alice"), "{err}");
        }
    }

    #[test]
    fn debug_never_shows_keys() {
        let v = ScramVerifier::generate("x");
        assert!(!format!("{v:?}").contains(&STANDARD.encode(&v.stored_key)));
    }
}
