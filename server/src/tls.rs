//! TLS: the server certificate, client certificates and reloading.
//!
//! The certificate and key come from PEM files in the configuration, or, when
//! none are configured, from a self-signed pair made in the state directory on
//! first start (its SHA-256 fingerprint is printed so clients can pin it), so
//! TLS is on by default and `sslmode=require` just works. A configured CA
//! file makes the server ask for client certificates (the `cert` method);
//! certificates are optional at the TLS layer and required by the pg_hba rule.
//! ALPN `postgresql` lets direct-TLS clients (`sslnegotiation=direct`) in.
//! [`Tls::reload`] re-reads the files (on SIGHUP); a failed reload keeps the
//! previous certificate.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use pgwire::tokio::TlsAcceptor;
use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;

use crate::config::TlsFiles;

/// What can go wrong loading TLS material; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} holds no PEM certificate", path.display())]
    NoCertificate { path: PathBuf },
    #[error("{} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)", path.display())]
    NoKey { path: PathBuf },
    #[error("{}: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error("cannot make a self-signed certificate in {}: {reason}", dir.display())]
    Generate { dir: PathBuf, reason: String },
}

/// The live TLS configuration: an acceptor per connection, swapped on reload.
pub struct Tls {
    files: TlsFiles,
    current: RwLock<Loaded>,
}

#[derive(Clone)]
struct Loaded {
    acceptor: TlsAcceptor,
    fingerprint: String,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("cert", &self.files.cert)
            .field("client_ca", &self.files.ca)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// Loads the configured files, first making the self-signed pair if it is
    /// the one in use and missing. Any failure is fatal: TLS fails closed.
    pub fn load(files: TlsFiles) -> Result<Tls, TlsError> {
        if files.self_signed {
            ensure_self_signed(&files.cert, &files.key)?;
        }
        let loaded = load(&files)?;
        Ok(Tls {
            files,
            current: RwLock::new(loaded),
        })
    }

    /// The acceptor for a new connection.
    pub fn acceptor(&self) -> TlsAcceptor {
        self.read().acceptor
    }

    /// The SHA-256 fingerprint of the server certificate, as `AA:BB:…`.
    pub fn fingerprint(&self) -> String {
        self.read().fingerprint
    }

    /// True when clients may present certificates (a CA file is configured).
    pub fn verifies_clients(&self) -> bool {
        self.files.ca.is_some()
    }

    pub fn files(&self) -> &TlsFiles {
        &self.files
    }

    /// Re-reads the files; on failure the previous certificate stays in use.
    pub fn reload(&self) -> Result<String, TlsError> {
        let loaded = load(&self.files)?;
        let fingerprint = loaded.fingerprint.clone();
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = loaded;
        Ok(fingerprint)
    }

    fn read(&self) -> Loaded {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Every certificate in a PEM file.
pub fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = read(path)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Invalid {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

fn load(files: &TlsFiles) -> Result<Loaded, TlsError> {
    let certs = read_certificates(&files.cert)?;
    let key_pem = read(&files.key)?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| TlsError::NoKey {
        path: files.key.clone(),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Invalid {
            path: files.cert.clone(),
            reason: e.to_string(),
        })?;
    let builder = match &files.ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            for c in read_certificates(ca)? {
                roots.add(c).map_err(|e| TlsError::Invalid {
                    path: ca.clone(),
                    reason: e.to_string(),
                })?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .allow_unauthenticated()
                .build()
                .map_err(|e| TlsError::Invalid {
                    path: ca.clone(),
                    reason: e.to_string(),
                })?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let fingerprint = fingerprint(&certs[0]);
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Invalid {
            path: files.key.clone(),
            reason: format!("the key does not fit the certificate: {e}"),
        })?;
    config.alpn_protocols = vec![b"postgresql".to_vec()];
    Ok(Loaded {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        fingerprint,
    })
}

/// SHA-256 of a certificate's DER, as uppercase hex pairs joined by `:`.
pub fn fingerprint(cert: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, cert);
    digest
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The subject CN of a DER certificate (the user name of the `cert` method).
pub fn common_name(cert: &[u8]) -> Option<String> {
    x509_certificate::X509Certificate::from_der(cert)
        .ok()?
        .subject_common_name()
}

/// Makes the self-signed certificate and key unless both exist. The key is
/// written with mode 0600; the names cover `localhost`, loopback and the host name.
fn ensure_self_signed(cert: &Path, key: &Path) -> Result<(), TlsError> {
    if cert.exists() && key.exists() {
        return Ok(());
    }
    let dir = cert.parent().unwrap_or(Path::new(".")).to_owned();
    let fail = |reason: String| TlsError::Generate {
        dir: dir.clone(),
        reason,
    };
    hostgres_auth::ensure_state_dir(&dir).map_err(|e| fail(e.to_string()))?;
    let mut names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let host = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    if !host.is_empty() && host != "localhost" {
        names.push(host);
    }
    let mut params = rcgen::CertificateParams::new(names).map_err(|e| fail(e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "hostgres");
    let now = std::time::SystemTime::now();
    params.not_before = now.into();
    params.not_after = (now + std::time::Duration::from_secs(10 * 365 * 86_400)).into();
    let pair = rcgen::KeyPair::generate().map_err(|e| fail(e.to_string()))?;
    let certificate = params.self_signed(&pair).map_err(|e| fail(e.to_string()))?;
    write_file(key, &pair.serialize_pem(), 0o600).map_err(|e| fail(e.to_string()))?;
    write_file(cert, &certificate.pem(), 0o644).map_err(|e| fail(e.to_string()))?;
    tracing::info!(cert = %cert.display(), "made a self-signed TLS certificate");
    Ok(())
}

fn write_file(path: &Path, contents: &str, mode: u32) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> TlsFiles {
        TlsFiles {
            cert: dir.join("tls/server.crt"),
            key: dir.join("tls/server.key"),
            ca: None,
            self_signed: true,
        }
    }

    #[test]
    fn the_self_signed_pair_is_made_once_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tls = Tls::load(files(dir.path())).expect("first start");
        let first = tls.fingerprint();
        assert_eq!(first.len(), 32 * 3 - 1);
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("tls/server.key"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = Tls::load(files(dir.path())).expect("second start");
        assert_eq!(again.fingerprint(), first);
        assert_eq!(tls.reload().expect("reload"), first);
        let cert = read_certificates(&dir.path().join("tls/server.crt")).expect("cert");
        assert_eq!(common_name(&cert[0]).as_deref(), Some("hostgres"));
    }

    #[test]
    fn unreadable_material_fails_closed_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = TlsFiles {
            cert: dir.path().join("nope.crt"),
            key: dir.path().join("nope.key"),
            ca: None,
            self_signed: false,
        };
        let err = Tls::load(missing).expect_err("missing");
        assert!(err.to_string().contains("nope.crt"), "{err}");

        let garbage = dir.path().join("garbage.pem");
        fs::write(&garbage, "not a certificate").expect("write");
        let err = Tls::load(TlsFiles {
            cert: garbage.clone(),
            key: garbage,
            ca: None,
            self_signed: false,
        })
        .expect_err("garbage");
        assert!(err.to_string().contains("no PEM certificate"), "{err}");
    }

    #[test]
    fn a_failed_reload_keeps_the_previous_certificate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tls = Tls::load(files(dir.path())).expect("load");
        let before = tls.fingerprint();
        fs::write(dir.path().join("tls/server.key"), "broken").expect("break");
        assert!(tls.reload().is_err());
        assert_eq!(tls.fingerprint(), before);
    }
}
