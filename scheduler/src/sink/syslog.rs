//! The syslog sink: one datagram per line to the local syslog socket
//! (`/dev/log`), RFC 3164 framing, results at `info`, status lines at their severity.

use std::os::unix::net::UnixDatagram;

use super::Sink;
use crate::config::SyslogSinkConfig;
use crate::error::ScheduleError;
use crate::store::{Entry, Kind};

pub struct SyslogSink {
    config: SyslogSinkConfig,
    socket: Option<UnixDatagram>,
}

impl SyslogSink {
    pub fn new(config: SyslogSinkConfig) -> SyslogSink {
        SyslogSink {
            config,
            socket: None,
        }
    }
}

/// syslog severity of a line: status lines carry theirs (0 info, 1 warning, 2 error).
fn severity(e: &Entry) -> u8 {
    const INFO: u8 = 6;
    if e.kind != Kind::Status {
        return INFO;
    }
    let sev = serde_json::from_str::<serde_json::Value>(&e.line)
        .ok()
        .and_then(|v| v.get("severity").and_then(serde_json::Value::as_u64));
    match sev {
        Some(2) => 3,
        Some(1) => 4,
        _ => INFO,
    }
}

impl Sink for SyslogSink {
    fn id(&self) -> String {
        "syslog".to_owned()
    }

    fn kinds(&self) -> &[Kind] {
        &[Kind::Result, Kind::Snapshot, Kind::Status]
    }

    fn deliver(&mut self, entries: &[Entry]) -> Result<Option<String>, ScheduleError> {
        if entries.is_empty() {
            return Ok(None);
        }
        if self.socket.is_none() {
            let s = UnixDatagram::unbound().map_err(|e| ScheduleError::sink("syslog", e))?;
            s.connect(&self.config.socket).map_err(|e| {
                ScheduleError::sink("syslog", format!("{}: {e}", self.config.socket.display()))
            })?;
            self.socket = Some(s);
        }
        let Some(socket) = &self.socket else {
            return Err(ScheduleError::sink("syslog", "not connected"));
        };
        let pid = std::process::id();
        for e in entries {
            let pri = self.config.facility as u32 * 8 + severity(e) as u32;
            let msg = format!("<{pri}>hostgres[{pid}]: {}", e.line);
            if let Err(err) = socket.send(msg.as_bytes()) {
                self.socket = None;
                return Err(ScheduleError::sink("syslog", err));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_go_to_the_socket_with_their_priority() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("log.sock");
        let server = UnixDatagram::bind(&path).expect("bind");
        let mut sink = SyslogSink::new(SyslogSinkConfig {
            socket: path,
            facility: 3,
        });
        let entries = [
            Entry {
                seq: 1,
                kind: Kind::Result,
                line: r#"{"name":"q"}"#.to_owned(),
            },
            Entry {
                seq: 2,
                kind: Kind::Status,
                line: r#"{"severity":2,"message":"m"}"#.to_owned(),
            },
        ];
        sink.deliver(&entries).expect("delivered");
        let mut buf = [0u8; 512];
        let pid = std::process::id();
        let n = server.recv(&mut buf).expect("first");
        assert_eq!(
            &buf[..n],
            format!(r#"<30>hostgres[{pid}]: {{"name":"q"}}"#).as_bytes()
        );
        let n = server.recv(&mut buf).expect("second");
        assert_eq!(
            &buf[..n],
            format!(r#"<27>hostgres[{pid}]: {{"severity":2,"message":"m"}}"#).as_bytes()
        );
    }
}
