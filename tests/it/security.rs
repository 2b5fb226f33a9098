//! Secure by default: TLS, pg_hba rules, peer authentication on the Unix
//! socket, roles × tables, the read-only sandbox, limits and the audit log,
//! each tried with real clients (psql, tokio-postgres with rustls) and the
//! hostile inputs a client controls.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use hostgres_tests::{Options, PASSWORD, TestServer};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_postgres::NoTls;

// ---------------------------------------------------------------------------
// Helpers

/// A server configured by a TOML snippet.
fn server(toml: &str) -> TestServer {
    TestServer::start_with(Options {
        toml: Some(toml.to_owned()),
        ..Options::default()
    })
}

/// Runs psql with a full connection string (PGPASSWORD set to the test password).
fn psql(conninfo: &str, sql: &str) -> Output {
    Command::new("psql")
        .arg(conninfo)
        .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .env("PGPASSWORD", PASSWORD)
        .env("PGCONNECT_TIMEOUT", "10")
        .output()
        .expect("psql runs (install postgresql-client)")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "psql failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "psql must fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn tcp(server: &TestServer, extra: &str) -> String {
    format!(
        "host=127.0.0.1 port={} user=hostgres dbname=hostgres {extra}",
        server.addr.port()
    )
}

/// The SQLSTATE of a failed tokio-postgres call.
fn code(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map(|d| d.code().code().to_owned())
        .unwrap_or_else(|| panic!("not a server error: {e:?}"))
}

/// The `(code, message)` of a statement that must fail.
async fn refused(client: &tokio_postgres::Client, sql: &str) -> (String, String) {
    match client.simple_query(sql).await {
        Ok(_) => panic!("{sql} must fail"),
        Err(e) => {
            let db = e.as_db_error().unwrap_or_else(|| panic!("{sql}: {e:?}"));
            (db.code().code().to_owned(), db.message().to_owned())
        }
    }
}

async fn connect(conninfo: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(conninfo, NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// A user's connection string with the test password.
fn as_user(server: &TestServer, user: &str) -> String {
    format!(
        "host=127.0.0.1 port={} user={user} password={PASSWORD} dbname=hostgres",
        server.addr.port()
    )
}

/// A `[[users]]` entry with the test password.
fn user_entry(name: &str, role: &str) -> String {
    let verifier = hostgres_auth::ScramVerifier::generate(PASSWORD);
    format!("[[users]]\nname = \"{name}\"\nrole = \"{role}\"\nverifier = \"{verifier}\"\n")
}

/// A CA, a server certificate for localhost/127.0.0.1 and a client
/// certificate for `alice`, as PEM files in a temporary directory.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "hostgres test CA");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().expect("key");
        let ca = ca_params.self_signed(&ca_key).expect("ca");

        let leaf = |names: Vec<String>, cn: &str, usage: ExtendedKeyUsagePurpose| {
            let mut p = CertificateParams::new(names).expect("params");
            p.distinguished_name.push(DnType::CommonName, cn);
            p.extended_key_usages = vec![usage];
            let key = KeyPair::generate().expect("key");
            let cert = p.signed_by(&key, &ca, &ca_key).expect("sign");
            (cert.pem(), key.serialize_pem())
        };
        let (server_cert, server_key) = leaf(
            vec!["localhost".into(), "127.0.0.1".into()],
            "localhost",
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client_cert, client_key) =
            leaf(Vec::new(), "alice", ExtendedKeyUsagePurpose::ClientAuth);
        let (mallory_cert, mallory_key) =
            leaf(Vec::new(), "mallory", ExtendedKeyUsagePurpose::ClientAuth);
        let write = |name: &str, text: &str| {
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(dir.path().join(name))
                .expect("create");
            std::io::Write::write_all(&mut f, text.as_bytes()).expect("write");
        };
        write("ca.crt", &ca.pem());
        write("server.crt", &server_cert);
        write("server.key", &server_key);
        write("alice.crt", &client_cert);
        write("alice.key", &client_key);
        write("mallory.crt", &mallory_cert);
        write("mallory.key", &mallory_key);
        Pki { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn tls_toml(&self) -> String {
        format!(
            "[tls]\ncert_file = {:?}\nkey_file = {:?}\nca_file = {:?}\n",
            self.path("server.crt"),
            self.path("server.key"),
            self.path("ca.crt")
        )
    }
}

/// A rustls client configuration trusting the PEM certificates in `ca`.
fn rustls_connector(ca: &Path) -> tokio_postgres_rustls::MakeRustlsConnect {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).expect("read ca") {
        roots.add(cert.expect("pem")).expect("add root");
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_postgres_rustls::MakeRustlsConnect::new(config)
}

// ---------------------------------------------------------------------------
// TLS

#[test]
fn tls_is_on_by_default_and_psql_verifies_the_self_signed_certificate() {
    let server = TestServer::start();
    let cert = server.state_dir.join("tls/server.crt");
    for mode in [
        "sslmode=require".to_owned(),
        format!("sslmode=verify-ca sslrootcert={}", cert.display()),
        format!(
            "sslmode=verify-full sslrootcert={} host=localhost",
            cert.display()
        ),
    ] {
        let info = ok(&psql(&tcp(&server, &mode), "\\conninfo"));
        assert!(
            info.contains("SSL connection (protocol: TLSv1.3"),
            "{mode}: {info}"
        );
    }
    // Loopback without TLS still works (sslmode=prefer semantics for local tools).
    let info = ok(&psql(&tcp(&server, "sslmode=disable"), "\\conninfo"));
    assert!(!info.contains("SSL"), "{info}");
    // A certificate from elsewhere is not trusted.
    let other = Pki::new();
    let err = failed(&psql(
        &tcp(
            &server,
            &format!(
                "sslmode=verify-ca sslrootcert={}",
                other.path("ca.crt").display()
            ),
        ),
        "SELECT 1",
    ));
    assert!(err.contains("certificate verify failed"), "{err}");
}

#[test]
fn configured_certificates_work_with_every_sslmode_and_verify_full_checks_the_name() {
    let pki = Pki::new();
    let server = server(&pki.tls_toml());
    let ca = pki.path("ca.crt");
    for mode in [
        "sslmode=require".to_owned(),
        format!("sslmode=verify-ca sslrootcert={}", ca.display()),
    ] {
        ok(&psql(&tcp(&server, &mode), "SELECT 1"));
    }
    for host in ["localhost", "127.0.0.1"] {
        let mode = format!(
            "sslmode=verify-full sslrootcert={} host={host}",
            ca.display()
        );
        assert_eq!(ok(&psql(&tcp(&server, &mode), "SELECT 7")), "7");
    }
    // A name the certificate does not carry.
    let err = failed(&psql(
        &format!(
            "host=db.example hostaddr=127.0.0.1 port={} user=hostgres dbname=hostgres sslmode=verify-full sslrootcert={}",
            server.addr.port(),
            ca.display()
        ),
        "SELECT 1",
    ));
    assert!(
        err.contains("does not match host name \"db.example\""),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tokio_postgres_over_rustls_verifies_the_server() {
    let pki = Pki::new();
    let server = server(&pki.tls_toml());
    let conninfo = format!(
        "host=localhost port={} user=hostgres password={PASSWORD} dbname=hostgres sslmode=require",
        server.addr.port()
    );
    let (client, connection) =
        tokio_postgres::connect(&conninfo, rustls_connector(&pki.path("ca.crt")))
            .await
            .expect("TLS connect");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let row = client.query_one("SELECT 40 + 2", &[]).await.expect("query");
    assert_eq!(row.get::<_, i32>(0), 42);
    // The self-signed certificate of another server is refused by the same client.
    let other = TestServer::start();
    let conninfo = format!(
        "host=localhost port={} user=hostgres password={PASSWORD} sslmode=require",
        other.addr.port()
    );
    assert!(
        tokio_postgres::connect(&conninfo, rustls_connector(&pki.path("ca.crt")))
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn direct_tls_needs_alpn_postgresql() {
    use pgwire::tokio::tokio_rustls::TlsConnector;
    use rustls::pki_types::ServerName;
    let pki = Pki::new();
    let server = server(&pki.tls_toml());
    let roots = {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_file_iter(pki.path("ca.crt")).expect("ca") {
            roots.add(c.expect("pem")).expect("add");
        }
        roots
    };
    let config = |alpn: Option<&[u8]>| {
        let mut c = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots.clone())
        .with_no_client_auth();
        c.alpn_protocols = alpn.into_iter().map(<[u8]>::to_vec).collect();
        Arc::new(c)
    };
    let name = ServerName::try_from("localhost").expect("name");
    // With ALPN `postgresql` the handshake succeeds and the server asks for SCRAM.
    let tcp_stream = TcpStream::connect(server.addr).await.expect("connect");
    let mut tls = TlsConnector::from(config(Some(b"postgresql")))
        .connect(name.clone(), tcp_stream)
        .await
        .expect("direct TLS");
    tls.write_all(&hostgres_tests::startup_packet("hostgres"))
        .await
        .expect("startup");
    let mut first = [0u8; 1];
    tls.read_exact(&mut first).await.expect("reply");
    assert_eq!(first[0], b'R', "an authentication request");
    // Without ALPN the server closes the connection.
    let tcp_stream = TcpStream::connect(server.addr).await.expect("connect");
    if let Ok(mut tls) = TlsConnector::from(config(None))
        .connect(name, tcp_stream)
        .await
    {
        let _ = tls
            .write_all(&hostgres_tests::startup_packet("hostgres"))
            .await;
        let mut got = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), tls.read_to_end(&mut got)).await;
        assert!(got.is_empty(), "no reply without ALPN: {got:?}");
    }
}

#[test]
fn client_certificates_log_in_as_their_common_name() {
    let pki = Pki::new();
    let toml = format!(
        "{}\n{}\n[[hba]]\ntype = \"hostssl\"\nuser = \"alice\"\nmethod = \"cert\"\n\n[[hba]]\ntype = \"host\"\naddress = \"127.0.0.1/32\"\nmethod = \"scram-sha-256\"\n",
        pki.tls_toml(),
        "[[users]]\nname = \"alice\"\nrole = \"monitor\"\n"
    );
    let server = server(&toml);
    let with_cert = |who: &str| {
        format!(
            "host=localhost port={} user=alice dbname=hostgres sslmode=verify-full sslrootcert={} sslcert={} sslkey={}",
            server.addr.port(),
            pki.path("ca.crt").display(),
            pki.path(&format!("{who}.crt")).display(),
            pki.path(&format!("{who}.key")).display()
        )
    };
    assert_eq!(
        ok(&psql(
            &with_cert("alice"),
            "SELECT current_setting('session_authorization')"
        )),
        "alice"
    );
    // Another name's certificate, or none, is refused.
    let err = failed(&psql(&with_cert("mallory"), "SELECT 1"));
    assert!(
        err.contains("certificate authentication failed for user \"alice\""),
        "{err}"
    );
    let err = failed(&psql(
        &format!(
            "host=localhost port={} user=alice dbname=hostgres sslmode=require",
            server.addr.port()
        ),
        "SELECT 1",
    ));
    assert!(err.contains("certificate authentication failed"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn hostssl_rules_refuse_plaintext_with_28000() {
    let server = server(
        "[[hba]]\ntype = \"hostssl\"\nmethod = \"scram-sha-256\"\n\n[[hba]]\ntype = \"host\"\nuser = \"nobody\"\nmethod = \"reject\"\n",
    );
    let e = connect(&server.conninfo())
        .await
        .expect_err("plaintext refused");
    assert_eq!(code(&e), "28000");
    let message = e.as_db_error().expect("db error").message().to_owned();
    assert_eq!(
        message,
        "no pg_hba.conf entry for host \"127.0.0.1\", user \"hostgres\", database \"hostgres\", no encryption"
    );
    let err = failed(&psql(
        &tcp(&server, "sslmode=disable user=nobody"),
        "SELECT 1",
    ));
    assert!(err.contains("pg_hba.conf rejects connection"), "{err}");
    // The same user over TLS gets in.
    assert_eq!(ok(&psql(&tcp(&server, "sslmode=require"), "SELECT 1")), "1");
}

#[tokio::test(flavor = "multi_thread")]
async fn cleartext_passwords_are_accepted_inside_tls_only() {
    let server = server("[[hba]]\ntype = \"hostssl\"\nmethod = \"password\"\n");
    assert_eq!(ok(&psql(&tcp(&server, "sslmode=require"), "SELECT 1")), "1");
    let err = failed(&psql(&tcp(&server, "sslmode=disable"), "SELECT 1"));
    assert!(err.contains("no pg_hba.conf entry"), "{err}");
    let wrong = Command::new("psql")
        .arg(tcp(&server, "sslmode=require"))
        .args(["-X", "-c", "SELECT 1"])
        .env("PGPASSWORD", "wrong")
        .output()
        .expect("psql");
    assert!(
        String::from_utf8_lossy(&wrong.stderr)
            .contains("password authentication failed for user \"hostgres\"")
    );
    // A rule that would take cleartext passwords outside TLS does not even load.
    let err = hostgres_server::config::RawConfig::from_toml(
        "[[hba]]\ntype = \"host\"\nmethod = \"password\"\n",
    )
    .expect("parses")
    .validate()
    .expect_err("refused");
    assert!(
        err.to_string().contains("only accepted inside TLS"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_wrong_passwords_keep_failing_the_same_way() {
    let server = TestServer::start();
    for _ in 0..5 {
        let e = connect(&format!(
            "host=127.0.0.1 port={} user=hostgres password=guess dbname=hostgres",
            server.addr.port()
        ))
        .await
        .expect_err("wrong password");
        assert_eq!(code(&e), "28P01");
    }
    // The right password still logs in, and clears the address's record.
    server
        .client()
        .await
        .simple_query("SELECT 1")
        .await
        .expect("login");
}

// ---------------------------------------------------------------------------
// Unix socket and peer authentication

/// A local user made for one test and removed after it.
struct OsUser {
    name: String,
}

impl OsUser {
    fn create(tag: &str) -> OsUser {
        let name = format!("hg{tag}{}", std::process::id());
        let status = Command::new("useradd")
            .args(["--no-create-home", "--shell", "/usr/sbin/nologin", &name])
            .status()
            .expect("useradd runs");
        assert!(status.success(), "useradd {name}");
        OsUser { name }
    }

    /// Runs psql as this user.
    fn psql(&self, server: &TestServer, db_user: &str, sql: &str) -> Output {
        Command::new("runuser")
            .args(["-u", &self.name, "--", "psql"])
            .args(["-h", &server.socket_dir.display().to_string()])
            .args(["-p", &server.addr.port().to_string()])
            .args(["-U", db_user, "-d", "hostgres", "-X", "-A", "-t", "-c", sql])
            .output()
            .expect("runuser runs")
    }
}

impl Drop for OsUser {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.name).status();
    }
}

fn socket_psql(server: &TestServer, user: &str, sql: &str) -> Output {
    Command::new("psql")
        .args(["-h", &server.socket_dir.display().to_string()])
        .args(["-p", &server.addr.port().to_string()])
        .args(["-U", user, "-d", "hostgres", "-X", "-A", "-t", "-c", sql])
        .output()
        .expect("psql runs")
}

/// Lets other users reach the test server's socket directory.
fn open_socket_dir(server: &TestServer) {
    use std::os::unix::fs::PermissionsExt;
    let parent = server.socket_dir.parent().expect("parent");
    std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

#[test]
fn root_on_the_unix_socket_is_admin_without_a_password() {
    if !is_root() {
        eprintln!("skipped: peer authentication as root needs root");
        return;
    }
    let server = TestServer::start();
    let out = ok(&socket_psql(
        &server,
        "root",
        "SELECT current_setting('session_authorization')",
    ));
    assert_eq!(out, "root");
    // Asking for another database user than the OS user fails as in PostgreSQL.
    let err = failed(&socket_psql(&server, "hostgres", "SELECT 1"));
    assert!(
        err.contains("Peer authentication failed for user \"hostgres\""),
        "{err}"
    );
}

#[test]
fn unknown_local_users_are_refused_and_mapped_ones_get_their_role() {
    if !is_root() {
        eprintln!("skipped: creating a local user needs root");
        return;
    }
    let refused_user = OsUser::create("r");
    let mapped = OsUser::create("m");
    let toml = format!(
        "[unix_socket.peer_map]\n{} = \"narrow\"\n\n[roles.narrow]\ntables = [\"users\", \"groups\"]\n",
        mapped.name
    );
    let server = server(&toml);
    open_socket_dir(&server);
    let err = failed(&refused_user.psql(&server, &refused_user.name, "SELECT 1"));
    assert!(err.contains("Peer authentication failed"), "{err}");
    let out = ok(&mapped.psql(
        &server,
        &mapped.name,
        "SELECT current_setting('session_authorization'), count(*) > 0 FROM users",
    ));
    assert_eq!(out, format!("{}|t", mapped.name));
    let err = failed(&mapped.psql(&server, &mapped.name, "SELECT count(*) FROM processes"));
    assert!(
        err.contains("permission denied for table processes"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// Roles × tables

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_table_stays_denied_through_joins_subqueries_and_views() {
    let toml = format!(
        "{}\n[roles.nousers]\ndeny_tables = [\"users\"]\n",
        user_entry("bob", "nousers")
    );
    let server = server(&toml);
    let bob = connect(&as_user(&server, "bob"))
        .await
        .expect("bob logs in");
    for sql in [
        "SELECT * FROM users",
        "SELECT p.pid FROM processes p JOIN users u ON u.uid = p.uid",
        "SELECT pid FROM processes WHERE uid IN (SELECT uid FROM users)",
        "SELECT (SELECT username FROM users LIMIT 1)",
        "WITH u AS (SELECT * FROM users) SELECT count(*) FROM u",
        "SELECT count(*) FROM (SELECT uid FROM users) AS t",
        "SELECT * FROM main.users",
    ] {
        let (code, message) = refused(&bob, sql).await;
        assert_eq!(code, "42501", "{sql}: {message}");
        assert_eq!(message, "permission denied for table users", "{sql}");
    }
    // COPY of a denied table reveals nothing either.
    for sql in [
        "COPY users TO STDOUT",
        "COPY (SELECT * FROM users) TO STDOUT",
    ] {
        let (code, message) = refused(&bob, sql).await;
        assert!(
            matches!(code.as_str(), "42501" | "0A000" | "42601"),
            "{sql}: {code} {message}"
        );
    }
    // The catalog views hide the table from this role.
    match bob
        .simple_query("SELECT relname FROM pg_catalog.pg_class WHERE relname = 'users'")
        .await
    {
        Ok(rows) => assert!(
            !rows
                .iter()
                .any(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(_))),
            "pg_class shows a denied table"
        ),
        Err(e) => assert_eq!(code(&e), "42P01", "pg_class is not served yet"),
    }
    // Other tables stay readable, and the admin reads everything.
    bob.simple_query("SELECT count(*) FROM groups")
        .await
        .expect("groups");
    server
        .client()
        .await
        .simple_query("SELECT count(*) FROM users")
        .await
        .expect("admin");
}

#[tokio::test(flavor = "multi_thread")]
async fn file_tables_read_only_under_the_roles_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ok.txt"), "ok").expect("write");
    let toml = format!(
        "{}\n[roles.reader]\npaths = [{:?}]\n",
        user_entry("carol", "reader"),
        dir.path()
    );
    let server = server(&toml);
    let carol = connect(&as_user(&server, "carol")).await.expect("login");
    let inside = format!(
        "SELECT count(*) FROM hash WHERE directory = '{}'",
        dir.path().display()
    );
    carol
        .simple_query(&inside)
        .await
        .expect("allowed directory");
    let (code, message) =
        refused(&carol, "SELECT sha256 FROM hash WHERE path = '/etc/passwd'").await;
    assert_eq!(code, "42501");
    assert_eq!(
        message,
        "permission denied for path \"/etc/passwd\" in table hash"
    );
    // The built-in monitor role reads no file at all.
    let dave_server = self::server(&user_entry("dave", "monitor"));
    let dave = connect(&as_user(&dave_server, "dave"))
        .await
        .expect("login");
    let (code, _) = refused(&dave, "SELECT * FROM file WHERE path = '/etc/hostname'").await;
    assert_eq!(code, "42501");
}

// ---------------------------------------------------------------------------
// The read-only sandbox, through the wire

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_escapes_are_refused_with_25006_or_42501() {
    let server = TestServer::start();
    let client = server.client().await;
    for sql in [
        "ATTACH DATABASE '/tmp/hostgres-wire-probe.db' AS probe",
        "SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')",
        "SELECT fts3_tokenizer('simple', x'4141414141414141')",
        "PRAGMA writable_schema = 1",
        "PRAGMA journal_mode = WAL",
        "CREATE TEMP TABLE t(x int)",
        "CREATE TEMP VIEW v AS SELECT 1",
        "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
        "CREATE TABLE t(x int)",
        "INSERT INTO users(uid) VALUES (1)",
        "DELETE FROM processes",
    ] {
        let (code, message) = refused(&client, sql).await;
        assert!(
            matches!(code.as_str(), "25006" | "42501"),
            "{sql}: {code} {message}"
        );
    }
    // No SQL function reads or writes files: they do not exist at all.
    for sql in [
        "SELECT readfile('/etc/shadow')",
        "SELECT writefile('/tmp/hostgres-wire-probe', 'x')",
    ] {
        let (code, message) = refused(&client, sql).await;
        assert!(
            matches!(code.as_str(), "42883" | "42501"),
            "{sql}: {code} {message}"
        );
    }
    assert!(!Path::new("/tmp/hostgres-wire-probe").exists());
    assert!(!Path::new("/tmp/hostgres-wire-probe.db").exists());
    client
        .simple_query("SELECT 1")
        .await
        .expect("still serving");
}

// ---------------------------------------------------------------------------
// Limits

#[tokio::test(flavor = "multi_thread")]
async fn a_never_ending_query_is_cut_at_the_role_ceiling_while_others_are_served() {
    let server = server(
        "[limits]\nstatement_timeout_ms = 0\nmax_statement_timeout_ms = 500\n\n[roles.admin]\nmax_statement_timeout_ms = 500\n",
    );
    let slow = server.client().await;
    // SET is honoured within the ceiling: an hour is capped at the role's 500 ms.
    slow.simple_query("SET statement_timeout = '1h'")
        .await
        .expect("set");
    let endless = tokio::spawn(async move {
        slow.simple_query(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
        )
        .await
    });
    let other = server.client().await;
    for i in 0..20i64 {
        let row = other
            .query_one("SELECT $1::int8 + 1", &[&i])
            .await
            .expect("the other client is served");
        assert_eq!(row.get::<_, i64>(0), i + 1);
    }
    let e = endless
        .await
        .expect("task")
        .expect_err("cut by the timeout");
    assert_eq!(code(&e), "57014");
    assert_eq!(
        e.as_db_error().expect("db").message(),
        "canceling statement due to statement timeout"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn results_over_the_role_limits_fail_with_54000_and_role_connections_are_capped() {
    let toml = format!(
        "{}\n[roles.small]\nmax_result_rows = 5\nmax_connections = 2\n",
        user_entry("erin", "small")
    );
    let server = server(&toml);
    let a = connect(&as_user(&server, "erin")).await.expect("first");
    let _b = connect(&as_user(&server, "erin")).await.expect("second");
    let e = connect(&as_user(&server, "erin")).await.expect_err("third");
    assert_eq!(code(&e), "53300");
    assert_eq!(
        e.as_db_error().expect("db").message(),
        "too many connections for role \"small\""
    );
    let five =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5) SELECT x FROM c";
    assert_eq!(a.query(five, &[]).await.expect("fits").len(), 5);
    let (code, message) = refused(&a, &five.replace("LIMIT 5", "LIMIT 6")).await;
    assert_eq!(code, "54000");
    assert_eq!(message, "query result exceeds the limit of 5 rows");
    // The admin's own connections are not counted against the role.
    server
        .client()
        .await
        .simple_query("SELECT 1")
        .await
        .expect("admin");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_client_is_dropped_at_the_startup_timeout() {
    let server = server("[limits]\nstartup_timeout_ms = 300\n");
    // Says nothing at all.
    let mut silent = TcpStream::connect(server.addr).await.expect("connect");
    let mut got = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(30), silent.read_to_end(&mut got))
        .await
        .expect("the server closes the socket")
        .expect("read");
    assert_eq!(n, 0);
    // Starts, is asked for SCRAM, and never answers.
    let mut stalled = TcpStream::connect(server.addr).await.expect("connect");
    stalled
        .write_all(&hostgres_tests::startup_packet("hostgres"))
        .await
        .expect("startup");
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stalled.read_to_end(&mut got))
        .await
        .expect("the server closes the socket")
        .expect("read");
    assert_eq!(got.first(), Some(&b'R'));
    // Everyone else is served.
    server
        .client()
        .await
        .simple_query("SELECT 1")
        .await
        .expect("served");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_session_is_closed_with_57p05() {
    let server = server("[limits]\nidle_session_timeout_ms = 300\n");
    let (client, connection) = tokio_postgres::connect(&server.conninfo(), NoTls)
        .await
        .expect("connect");
    let connection = tokio::spawn(connection);
    client.simple_query("SELECT 1").await.expect("query");
    let ended = tokio::time::timeout(Duration::from_secs(30), connection)
        .await
        .expect("the server ends the idle session")
        .expect("connection task");
    let e = ended.expect_err("ended with an error");
    assert_eq!(code(&e), "57P05");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_one_gib_length_prefix_after_login_is_refused_not_allocated() {
    let server = TestServer::start();
    let client = server.client().await;
    // Log in by hand over a plain socket, then claim a 1 GiB query.
    let mut socket = TcpStream::connect(server.addr).await.expect("connect");
    socket
        .write_all(&hostgres_tests::startup_packet("hostgres"))
        .await
        .expect("startup");
    let mut header = [0u8; 1];
    socket.read_exact(&mut header).await.expect("auth request");
    assert_eq!(header[0], b'R');
    let mut huge = vec![b'Q'];
    huge.extend_from_slice(&0x4000_0000i32.to_be_bytes());
    huge.extend_from_slice(b"SELECT 1");
    let _ = socket.write_all(&huge).await;
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), socket.read_to_end(&mut rest)).await;
    client
        .simple_query("SELECT 1")
        .await
        .expect("others are served");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_connections_are_held_at_once() {
    if !is_root() {
        eprintln!("skipped: the Unix-socket peer login used here needs root");
        return;
    }
    // The test process holds both ends of every connection.
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let want = limit.maximum.unwrap_or(1 << 20).min(65_536);
    if limit.current.is_some_and(|c| c < want) {
        setrlimit(
            Resource::Nofile,
            rustix::process::Rlimit {
                current: Some(want),
                maximum: limit.maximum,
            },
        )
        .expect("raise the file limit");
    }
    let server = TestServer::start_with(Options {
        max_connections: Some(1_100),
        ..Options::default()
    });
    let conninfo = format!(
        "host={} port={} user=root dbname=hostgres",
        server.socket_dir.display(),
        server.addr.port()
    );
    let mut clients = Vec::with_capacity(1_000);
    for chunk in 0..10 {
        let batch = futures::future::join_all((0..100).map(|_| connect(&conninfo))).await;
        for c in batch {
            clients.push(c.unwrap_or_else(|e| panic!("connection in batch {chunk}: {e}")));
        }
    }
    assert_eq!(clients.len(), 1_000);
    // Every one of them is live.
    let answers =
        futures::future::join_all(clients.iter().map(|c| c.simple_query("SELECT 1"))).await;
    assert!(answers.iter().all(Result::is_ok));
    // And a TCP client still gets in.
    server
        .client()
        .await
        .simple_query("SELECT 1")
        .await
        .expect("one more");
}

// ---------------------------------------------------------------------------
// Audit

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_records_connections_and_statements_never_passwords() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.jsonl");
    let server = server(&format!(
        "[audit]\ndestination = {path:?}\nstatement_max_chars = 20\n"
    ));
    let client = server.client().await;
    client
        .simple_query("SELECT 1 AS one, 'a fairly long statement text'")
        .await
        .expect("query");
    let _ = client.simple_query("SELECT * FROM nope").await;
    // Statements the session answers itself are audited too.
    client
        .batch_execute(
            "SET application_name = 'x'; SHOW application_name; BEGIN; \
             DECLARE c CURSOR FOR SELECT 1 UNION ALL SELECT 2; FETCH ALL FROM c; COMMIT",
        )
        .await
        .expect("session commands");
    let _ = client.simple_query("SET statement_timeout = 'soon'").await;
    // A statement refused in a failed transaction, by Parse (extended protocol).
    let _ = client.batch_execute("BEGIN; SELECT * FROM nope").await;
    let refused = client.query("SELECT 2 AS two", &[]).await;
    assert!(refused.is_err(), "a failed transaction refuses statements");
    client.batch_execute("ROLLBACK").await.expect("rollback");
    let _ = connect(&format!(
        "host=127.0.0.1 port={} user=hostgres password=not-the-password",
        server.addr.port()
    ))
    .await;
    drop(client);
    drop(server);
    let text = std::fs::read_to_string(&path).expect("audit log");
    assert!(!text.contains(PASSWORD) && !text.contains("not-the-password"));
    assert!(!text.contains("SCRAM-SHA-256$"));
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let find = |event: &str, outcome: &str| {
        records
            .iter()
            .find(|r| r["event"] == event && r["outcome"] == outcome)
            .unwrap_or_else(|| panic!("no {event}/{outcome} record in {text}"))
    };
    let connect = find("connect", "ok");
    assert_eq!(connect["user"], "hostgres");
    assert_eq!(connect["role"], "admin");
    assert_eq!(connect["tls"], false);
    assert!(
        connect["source"]
            .as_str()
            .expect("source")
            .starts_with("127.0.0.1:")
    );
    let ok_statement = find("statement", "ok");
    assert_eq!(ok_statement["statement"], "SELECT 1 AS one, 'a …");
    assert_eq!(ok_statement["rows"], 1);
    let failed_statement = find("statement", "error");
    assert_eq!(failed_statement["sqlstate"], "42P01");
    let refused = find("connect", "refused");
    assert_eq!(refused["sqlstate"], "28P01");
    let statement = |sql: &str| {
        records
            .iter()
            .find(|r| r["event"] == "statement" && r["statement"] == sql)
            .unwrap_or_else(|| panic!("no record of {sql} in {text}"))
    };
    for sql in ["SET application_name…", "BEGIN", "COMMIT"] {
        assert_eq!(statement(sql)["outcome"], "ok", "{sql}");
    }
    assert_eq!(statement("SHOW application_nam…")["rows"], 1);
    assert_eq!(statement("FETCH ALL FROM c")["rows"], 2);
    let bad_setting = statement("SET statement_timeou…");
    assert_eq!(bad_setting["outcome"], "error");
    assert_eq!(bad_setting["sqlstate"], "22023");
    let refused = statement("SELECT 2 AS two");
    assert_eq!(refused["outcome"], "error");
    assert_eq!(refused["sqlstate"], "25P02");
    assert!(records.iter().any(|r| r["event"] == "disconnect"));
}
