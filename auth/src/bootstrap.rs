//! First start: the `hostgres` user and its password in the state directory.
//!
//! Like the official PostgreSQL container image, `HOSTGRES_PASSWORD` sets the
//! initial password; without it a random one is generated and written to a
//! `pgpass` file (mode 0600) so the operator can read it and `psql` can use it
//! (`PGPASSFILE`). Either way only the SCRAM verifier is kept for
//! authentication. An existing state directory keeps its password.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::error::AuthError;
use crate::role::ADMIN_ROLE;
use crate::scram::ScramVerifier;
use crate::users::User;

/// The user created on first start.
pub const DEFAULT_USER: &str = "hostgres";
const VERIFIER_FILE: &str = "hostgres.verifier";
const PGPASS_FILE: &str = "pgpass";

/// What the first start decided, for the banner the daemon prints.
#[derive(Debug)]
pub struct Bootstrap {
    pub user: User,
    /// Where a generated password was written (a pgpass file), if one was generated.
    pub pgpass: Option<PathBuf>,
    /// True when this start created the user.
    pub created: bool,
    /// A warning for the operator, such as an ignored `HOSTGRES_PASSWORD`.
    pub warning: Option<String>,
}

/// Creates the state directory (mode 0700) if needed.
pub fn ensure_state_dir(dir: &Path) -> Result<(), AuthError> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| AuthError::io(dir, e))
}

/// Writes `contents` to `path` with mode 0600, atomically (temporary file, then rename).
fn write_private(path: &Path, contents: &str) -> Result<(), AuthError> {
    let tmp = path.with_extension("tmp");
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| AuthError::io(&tmp, e))?;
    f.write_all(contents.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| AuthError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| AuthError::io(path, e))
}

/// A random password of 24 characters from an unambiguous alphabet (~140 bits).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 24];
    rand::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// Loads the `hostgres` user from `state_dir`, creating it on first start.
pub fn bootstrap_default_user(
    state_dir: &Path,
    env_password: Option<&str>,
) -> Result<Bootstrap, AuthError> {
    ensure_state_dir(state_dir)?;
    let verifier_path = state_dir.join(VERIFIER_FILE);
    let env_password = env_password.filter(|p| !p.is_empty());
    match fs::read_to_string(&verifier_path) {
        Ok(text) => {
            let verifier = ScramVerifier::parse(&text, DEFAULT_USER)?;
            let warning = env_password
                .filter(|p| !verifier.matches(p))
                .map(|_| {
                    format!(
                        "HOSTGRES_PASSWORD is ignored: {} already holds the password of user {DEFAULT_USER}; remove that file to set a new one",
                        verifier_path.display()
                    )
                });
            let pgpass = state_dir.join(PGPASS_FILE);
            Ok(Bootstrap {
                user: User {
                    name: DEFAULT_USER.to_owned(),
                    verifier: Some(verifier),
                    role: ADMIN_ROLE.to_owned(),
                },
                pgpass: pgpass.exists().then_some(pgpass),
                created: false,
                warning,
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (password, pgpass) = match env_password {
                Some(p) => (p.to_owned(), None),
                None => {
                    let p = random_password();
                    let path = state_dir.join(PGPASS_FILE);
                    write_private(&path, &format!("*:*:*:{DEFAULT_USER}:{p}\n"))?;
                    (p, Some(path))
                }
            };
            let verifier = ScramVerifier::generate(&password);
            write_private(&verifier_path, &format!("{verifier}\n"))?;
            Ok(Bootstrap {
                user: User {
                    name: DEFAULT_USER.to_owned(),
                    verifier: Some(verifier),
                    role: ADMIN_ROLE.to_owned(),
                },
                pgpass,
                created: true,
                warning: None,
            })
        }
        Err(e) => Err(AuthError::io(verifier_path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).expect("stat").permissions().mode() & 0o777
    }

    #[test]
    fn first_start_generates_a_password_in_a_private_pgpass() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = dir.path().join("state");
        let b = bootstrap_default_user(&state, None).expect("bootstrap");
        assert!(b.created);
        let pgpass = b.pgpass.expect("pgpass written");
        assert_eq!(mode(&pgpass), 0o600);
        assert_eq!(mode(&state), 0o700);
        assert_eq!(mode(&state.join(VERIFIER_FILE)), 0o600);
        let line = fs::read_to_string(&pgpass).expect("read");
        let password = line.trim().rsplit(':').next().expect("password");
        assert_eq!(password.len(), 24);
        assert!(
            b.user
                .verifier
                .as_ref()
                .expect("verifier")
                .matches(password)
        );
        // The verifier file never holds the password.
        assert!(
            !fs::read_to_string(state.join(VERIFIER_FILE))
                .expect("read")
                .contains(password)
        );

        // A second start keeps it.
        let again = bootstrap_default_user(&state, None).expect("again");
        assert!(!again.created);
        assert_eq!(again.user.verifier, b.user.verifier);
    }

    #[test]
    fn environment_password_sets_the_first_password_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let b = bootstrap_default_user(dir.path(), Some("s3cret")).expect("bootstrap");
        assert!(b.created && b.pgpass.is_none());
        assert!(
            b.user
                .verifier
                .as_ref()
                .expect("verifier")
                .matches("s3cret")
        );
        let again = bootstrap_default_user(dir.path(), Some("other")).expect("again");
        assert!(
            again
                .user
                .verifier
                .as_ref()
                .expect("verifier")
                .matches("s3cret")
        );
        assert!(
            again
                .warning
                .expect("warning")
                .contains("HOSTGRES_PASSWORD is ignored")
        );
    }
}
