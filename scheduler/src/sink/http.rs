//! The HTTP(S) sink: batches POSTed as osquery's TLS logger sends them,
//! `{"node_key":"…","log_type":"result"|"status","data":[line, …]}`.
//!
//! A plain HTTP/1.1 client on `std::net` and rustls (already in the tree for
//! the server): one request per connection (`Connection: close`), any 2xx is
//! success. Lines wait in the store's outbox until a POST succeeds, so an
//! outage delays them and loses none; retries back off exponentially.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use super::Sink;
use crate::config::HttpSinkConfig;
use crate::error::ScheduleError;
use crate::results::push_json_str;
use crate::store::{Entry, Kind};

/// Which of osquery's log types a sink posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogType {
    Result,
    Status,
}

impl LogType {
    fn name(self) -> &'static str {
        match self {
            LogType::Result => "result",
            LogType::Status => "status",
        }
    }
}

/// A parsed `http(s)://host[:port]/path` URL.
#[derive(Debug, Clone, PartialEq)]
struct Url {
    tls: bool,
    host: String,
    port: u16,
    path: String,
}

fn parse_url(url: &str) -> Option<Url> {
    let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else {
        (false, url.strip_prefix("http://")?)
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let default = if tls { 443 } else { 80 };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None => default,
        };
        (h.to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().ok()?),
            None => (authority.to_owned(), default),
        }
    };
    if host.is_empty() {
        return None;
    }
    Some(Url {
        tls,
        host,
        port,
        path: path.to_owned(),
    })
}

pub struct HttpSink {
    config: HttpSinkConfig,
    log_type: LogType,
    url: Url,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl HttpSink {
    pub fn new(config: HttpSinkConfig, log_type: LogType) -> Result<HttpSink, ScheduleError> {
        let url = parse_url(&config.url).ok_or_else(|| {
            ScheduleError::config(
                "configuration",
                "logging.http.url",
                format!("{:?} is not a URL", config.url),
            )
        })?;
        Ok(HttpSink {
            config,
            log_type,
            url,
            tls: None,
        })
    }

    fn tls_config(&mut self) -> Result<Arc<rustls::ClientConfig>, ScheduleError> {
        if let Some(c) = &self.tls {
            return Ok(Arc::clone(c));
        }
        use rustls_pki_types::CertificateDer;
        use rustls_pki_types::pem::PemObject;
        let bundle = self
            .config
            .ca_file
            .clone()
            .unwrap_or_else(|| "/etc/ssl/certs/ca-certificates.crt".into());
        let mut roots = rustls::RootCertStore::empty();
        let certs = CertificateDer::pem_file_iter(&bundle)
            .map_err(|e| ScheduleError::sink(self.id(), format!("{}: {e}", bundle.display())))?;
        for cert in certs {
            let cert = cert.map_err(|e| {
                ScheduleError::sink(self.id(), format!("{}: {e}", bundle.display()))
            })?;
            roots.add(cert).map_err(|e| {
                ScheduleError::sink(self.id(), format!("{}: {e}", bundle.display()))
            })?;
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| ScheduleError::sink(self.id(), e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let config = Arc::new(config);
        self.tls = Some(Arc::clone(&config));
        Ok(config)
    }

    fn body(&self, entries: &[Entry]) -> Vec<u8> {
        let mut s = String::from("{\"node_key\":");
        push_json_str(&mut s, &self.config.node_key);
        s.push_str(",\"log_type\":\"");
        s.push_str(self.log_type.name());
        s.push_str("\",\"data\":[");
        let mut first = true;
        for e in entries {
            // Each line is a JSON object; one that is not is sent as a string
            // rather than breaking the whole body.
            if !first {
                s.push(',');
            }
            first = false;
            if e.line.starts_with('{')
                && serde_json::from_str::<serde::de::IgnoredAny>(&e.line).is_ok()
            {
                s.push_str(&e.line);
            } else {
                push_json_str(&mut s, &e.line);
            }
        }
        s.push_str("]}");
        s.into_bytes()
    }

    fn post(&mut self, body: &[u8]) -> Result<(), ScheduleError> {
        let id = self.id();
        let fail = |e: &dyn std::fmt::Display| ScheduleError::sink(id.clone(), e.to_string());
        let addrs: Vec<_> = (self.url.host.as_str(), self.url.port)
            .to_socket_addrs()
            .map_err(|e| fail(&e))?
            .collect();
        let mut last = None;
        let mut stream = None;
        for a in addrs {
            match TcpStream::connect_timeout(&a, self.config.timeout) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let tcp = stream.ok_or_else(|| match last {
            Some(e) => fail(&format!("connect {}:{}: {e}", self.url.host, self.url.port)),
            None => fail(&format!("{} resolves to no address", self.url.host)),
        })?;
        tcp.set_read_timeout(Some(self.config.timeout))
            .map_err(|e| fail(&e))?;
        tcp.set_write_timeout(Some(self.config.timeout))
            .map_err(|e| fail(&e))?;
        let host_header =
            if (self.url.tls && self.url.port == 443) || (!self.url.tls && self.url.port == 80) {
                self.url.host.clone()
            } else if self.url.host.contains(':') {
                format!("[{}]:{}", self.url.host, self.url.port)
            } else {
                format!("{}:{}", self.url.host, self.url.port)
            };
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: hostgres/{}\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.url.path,
            env!("CARGO_PKG_VERSION"),
            body.len()
        );
        let response = if self.url.tls {
            let config = self.tls_config()?;
            let name = rustls_pki_types::ServerName::try_from(self.url.host.clone())
                .map_err(|e| fail(&e))?;
            let conn = rustls::ClientConnection::new(config, name).map_err(|e| fail(&e))?;
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            exchange(&mut tls, head.as_bytes(), body).map_err(|e| fail(&e))?
        } else {
            let mut tcp = tcp;
            exchange(&mut tcp, head.as_bytes(), body).map_err(|e| fail(&e))?
        };
        match status_code(&response) {
            Some(code) if (200..300).contains(&code) => Ok(()),
            Some(code) => Err(fail(&format!("the server answered HTTP {code}"))),
            None => Err(fail(&"the server's answer is not HTTP")),
        }
    }
}

/// Sends the request and reads the response head (at most 16 KiB).
fn exchange(s: &mut impl ReadWrite, head: &[u8], body: &[u8]) -> std::io::Result<Vec<u8>> {
    s.write_all(head)?;
    s.write_all(body)?;
    s.flush()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while buf.len() < 16 * 1024 {
        let n = match s.read(&mut chunk) {
            Ok(n) => n,
            // A server that closes without TLS close_notify has still answered.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !buf.is_empty() => 0,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    Ok(buf)
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

fn status_code(response: &[u8]) -> Option<u16> {
    let line = response.split(|b| *b == b'\n').next()?;
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split_whitespace();
    let version = parts.next()?;
    if !version.starts_with("HTTP/") {
        return None;
    }
    parts.next()?.parse().ok()
}

impl Sink for HttpSink {
    fn id(&self) -> String {
        format!("http:{}", self.log_type.name())
    }

    fn kinds(&self) -> &[Kind] {
        match self.log_type {
            LogType::Result => &[Kind::Result, Kind::Snapshot],
            LogType::Status => &[Kind::Status],
        }
    }

    fn deliver(&mut self, entries: &[Entry]) -> Result<Option<String>, ScheduleError> {
        if entries.is_empty() {
            return Ok(None);
        }
        let body = self.body(entries);
        self.post(&body)?;
        Ok(None)
    }

    fn batch(&self) -> usize {
        self.config.batch_lines
    }

    fn period(&self) -> Duration {
        self.config.period
    }

    fn wakes_on_append(&self) -> bool {
        false
    }

    fn max_backoff(&self) -> Duration {
        self.config.max_backoff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        assert_eq!(
            parse_url("https://logs.example:8443/api/log"),
            Some(Url {
                tls: true,
                host: "logs.example".to_owned(),
                port: 8443,
                path: "/api/log".to_owned()
            })
        );
        assert_eq!(
            parse_url("http://[::1]/x").map(|u| (u.host, u.port)),
            Some(("::1".to_owned(), 80))
        );
        assert_eq!(parse_url("ftp://x"), None);
        assert_eq!(parse_url("http://:80/"), None);
    }

    #[test]
    fn status_lines_parse() {
        assert_eq!(status_code(b"HTTP/1.1 200 OK\r\n\r\n"), Some(200));
        assert_eq!(status_code(b"HTTP/1.0 503 Busy\r\n"), Some(503));
        assert_eq!(status_code(b"garbage"), None);
    }
}
