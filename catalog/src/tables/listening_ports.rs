//! `listening_ports`: the sockets waiting for connections or datagrams,
//! chosen among `process_open_sockets` as osquery chooses them.

use hostgres_collectors::CollectError;
use hostgres_collectors::process::net::{AF_INET, AF_INET6, AF_UNIX};
use hostgres_collectors::process::sockets::{self, OpenSocket};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct ListeningPorts;

static SCHEMA: Schema = Schema {
    name: "listening_ports",
    doc: "Processes with listening (bound) network sockets/ports.",
    columns: &[
        col(
            "pid",
            Integer,
            "Process (or thread) ID; -1 for a socket no readable process holds.",
        ),
        col("port", Integer, "Transport layer port; 0 for unix sockets."),
        col(
            "protocol",
            Integer,
            "Transport protocol: 6 TCP, 17 UDP, 255 raw, 0 for unix sockets.",
        ),
        col(
            "family",
            Integer,
            "Network protocol family: 2 IPv4, 10 IPv6, 1 unix, 17 packet.",
        ),
        col(
            "address",
            Text,
            "Specific address for bind; NULL for unix sockets.",
        ),
        col(
            "fd",
            BigInt,
            "Socket file descriptor number; -1 when no process holds it.",
        ),
        col("socket", BigInt, "Socket inode number; 0 for unix sockets."),
        col(
            "path",
            Text,
            "Path for UNIX domain sockets; NULL for others.",
        ),
        col(
            "net_namespace",
            Text,
            "The inode number of the socket's network namespace.",
        ),
    ],
};

/// osquery's choice: every socket with no remote port (TCP in `LISTEN`, a
/// bound UDP or raw socket) and every unix socket bound to a path.
fn is_listening(s: &OpenSocket) -> bool {
    let k = &s.socket;
    match k.family {
        AF_UNIX => !k.path.is_empty(),
        AF_INET | AF_INET6 => k.remote_port == 0,
        _ => true,
    }
}

impl Table for ListeningPorts {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let all = sockets::read(cx.root(), None, &|| cx.check_interrupt())?;
        for s in all.into_iter().filter(is_listening) {
            let k = s.socket;
            let mut row = out.row();
            row.set("pid", s.pid)
                .set("protocol", k.protocol)
                .set("family", k.family)
                .set("fd", s.fd)
                .set("net_namespace", s.net_namespace.to_string());
            if k.family == AF_UNIX {
                row.set("port", 0).set("socket", 0).set("path", k.path);
            } else {
                row.set("port", k.local_port)
                    .set("address", k.local_address)
                    .set("socket", k.inode);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::net::{TcpListener, UdpSocket};

    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    /// The query users run to find what listens on every interface.
    const SEED: &str = "SELECT DISTINCT process.name, listening.port, process.pid \
                        FROM processes AS process JOIN listening_ports AS listening \
                        ON process.pid = listening.pid WHERE listening.address = '0.0.0.0'";

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query(
            "basic",
            "SELECT pid, port, protocol, family, address, fd, socket, path, net_namespace \
             FROM listening_ports ORDER BY pid, fd, socket",
        );
        let got: Vec<String> = strings(&rows).iter().map(|r| r.join("|")).collect();
        let host = "4026531840";
        let expected: Vec<String> = [
            "-1|0|0|1||-1|0|/run/systemd/journal/stdout|H",
            "-1|68|17|2|0.0.0.0|-1|14001||H",
            "-1|546|17|10|fe80::5054:ff:fe12:3456|-1|14002||H",
            // A raw socket's "port" is its IP protocol (58, ICMPv6), as osquery reports it.
            "-1|58|255|10|::|-1|14003||H",
            "-1|0|3|17||-1|14004||H",
            "-1|22|6|2|0.0.0.0|-1|15010||H",
            "-1|22|6|10|::|-1|15011||H",
            "1|0|0|1||9|0|/run/systemd/private|H",
            "1|0|0|1||10|0|/run/systemd/notify|H",
            "733|6379|6|2|0.0.0.0|6|21001||H",
            "733|6379|6|10|::1|7|21002||H",
            "733|0|0|1||8|0|/run/redis/redis-server.sock|H",
            "1207|8125|17|2|127.0.0.1|3|24001||H",
            "2045|80|6|2|0.0.0.0|6|30001||4026532301",
            "2045|80|6|10|::|7|30002||4026532301",
        ]
        .iter()
        .map(|r| r.replace("|H", &format!("|{host}")))
        .collect();
        assert_eq!(got, expected);
        // Unix sockets have no address; others have no path.
        let nulls = fixture_query(
            "basic",
            "SELECT count(*) FROM listening_ports WHERE (family = 1 AND address IS NULL) \
             OR (family != 1 AND path IS NULL)",
        );
        assert_eq!(strings(&nulls), vec![vec!["15"]]);
    }

    #[test]
    fn seed_query_names_the_processes_listening_everywhere() {
        let rows = fixture_query("basic", &format!("{SEED} ORDER BY process.pid"));
        assert_eq!(
            strings(&rows),
            vec![
                vec!["redis-server", "6379", "733"],
                vec!["nginx", "80", "2045"]
            ]
        );
    }

    #[test]
    fn live_host_listening_ports() {
        let tcp = TcpListener::bind("127.0.0.1:0").expect("bind tcp");
        let tcp_port = i64::from(tcp.local_addr().expect("addr").port());
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind udp");
        let udp_port = i64::from(udp.local_addr().expect("addr").port());
        let me = i64::from(std::process::id());

        let rows = live_query(
            "SELECT pid, port, protocol, family, address, fd, socket, path, net_namespace \
             FROM listening_ports",
        );
        let mine = |protocol: i64, port: i64| {
            rows.iter().any(|r| {
                r[0] == Value::Int(me)
                    && r[2] == Value::Int(protocol)
                    && r[1] == Value::Int(port)
                    && r[4] == Value::Text("127.0.0.1".into())
            })
        };
        assert!(mine(6, tcp_port), "tcp listener in {rows:?}");
        assert!(mine(17, udp_port), "udp socket in {rows:?}");
        for r in &rows {
            assert!(r[0].as_i64().is_some_and(|p| p == -1 || p > 0), "{r:?}");
            assert!(
                r[1].as_i64().is_some_and(|p| (0..=65535).contains(&p)),
                "{r:?}"
            );
            match r[3] {
                Value::Int(1) => assert!(matches!(&r[7], Value::Text(p) if !p.is_empty()), "{r:?}"),
                Value::Int(2 | 10) => {
                    let address = r[4].as_text().unwrap_or_default();
                    address.parse::<std::net::IpAddr>().expect("valid IP");
                }
                _ => {}
            }
        }
        // The seed query runs on a live host.
        live_query(SEED);
    }
}
