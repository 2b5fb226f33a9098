//! `process_open_sockets`: the sockets each process holds, joined with the
//! socket tables of its network namespace (`/proc/<pid>/net/*`).

use hostgres_collectors::CollectError;
use hostgres_collectors::process::sockets;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct ProcessOpenSockets;

static SCHEMA: Schema = Schema {
    name: "process_open_sockets",
    doc: "Processes which have open network sockets on the system.",
    columns: &[
        col(
            "pid",
            Integer,
            "Process (or thread) ID; -1 for a socket no readable process holds.",
        )
        .additional(),
        col(
            "fd",
            BigInt,
            "Socket file descriptor number; -1 when no process holds it.",
        ),
        col("socket", BigInt, "Socket handle or inode number."),
        col(
            "family",
            Integer,
            "Network protocol family: 2 IPv4, 10 IPv6, 1 unix, 17 packet.",
        ),
        col(
            "protocol",
            Integer,
            "Transport protocol: 6 TCP, 17 UDP, 1 ICMP, 136 UDP-Lite, 255 raw.",
        ),
        col("local_address", Text, "Socket local address."),
        col("remote_address", Text, "Socket remote address."),
        col("local_port", Integer, "Socket local port."),
        col("remote_port", Integer, "Socket remote port."),
        col(
            "path",
            Text,
            "For UNIX sockets (family=AF_UNIX), the domain path.",
        ),
        col(
            "state",
            Text,
            "TCP socket state (ESTABLISHED, LISTEN, ...); NONE for packet sockets.",
        ),
        col(
            "net_namespace",
            Text,
            "The inode number of the socket's network namespace.",
        ),
    ],
};

impl Table for ProcessOpenSockets {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let pids = cx.eq_ints("pid");
        for s in sockets::read(cx.root(), pids.as_deref(), &|| cx.check_interrupt())? {
            let k = s.socket;
            out.row()
                .set("pid", s.pid)
                .set("fd", s.fd)
                .set("socket", k.inode)
                .set("family", k.family)
                .set("protocol", k.protocol)
                .set("local_address", k.local_address)
                .set("remote_address", k.remote_address)
                .set("local_port", k.local_port)
                .set("remote_port", k.remote_port)
                .set("path", k.path)
                .set("state", k.state)
                .set("net_namespace", s.net_namespace.to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::net::{TcpListener, TcpStream, UdpSocket};
    use std::os::unix::net::UnixListener;

    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    const COLUMNS: &str = "pid, fd, socket, family, protocol, local_address, remote_address, \
                           local_port, remote_port, path, state, net_namespace";

    fn joined(rows: &[Vec<Value>]) -> Vec<String> {
        strings(rows).iter().map(|r| r.join("|")).collect()
    }

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query(
            "basic",
            &format!("SELECT {COLUMNS} FROM process_open_sockets ORDER BY pid, fd, socket"),
        );
        let host = "4026531840";
        let expected: Vec<String> = [
            // Sockets no process holds: sshd is not in the capture, a TIME_WAIT
            // connection has inode 0.
            "-1|-1|0|2|6|10.0.2.15|10.0.2.20|22|54180||TIME_WAIT|H",
            "-1|-1|13050|1|0|||0|0|/run/systemd/journal/stdout||H",
            "-1|-1|14001|2|17|0.0.0.0|0.0.0.0|68|0|||H",
            "-1|-1|14002|10|17|fe80::5054:ff:fe12:3456|::|546|0|||H",
            "-1|-1|14003|10|255|::|::|58|0|||H",
            "-1|-1|14004|17|3|||0|0||NONE|H",
            "-1|-1|15010|2|6|0.0.0.0|0.0.0.0|22|0||LISTEN|H",
            "-1|-1|15011|10|6|::|::|22|0||LISTEN|H",
            "-1|-1|15020|10|6|::ffff:10.0.2.15|::ffff:10.0.2.20|22|54182||ESTABLISHED|H",
            "1|9|13001|1|0|||0|0|/run/systemd/private||H",
            "1|10|13002|1|0|||0|0|/run/systemd/notify||H",
            "733|6|21001|2|6|0.0.0.0|0.0.0.0|6379|0||LISTEN|H",
            "733|7|21002|10|6|::1|::|6379|0||LISTEN|H",
            "733|8|21003|1|0|||0|0|/run/redis/redis-server.sock||H",
            "733|9|21005|2|6|10.0.2.15|10.0.2.20|6379|51234||ESTABLISHED|H",
            // One socket shared by two descriptors (stdout and stderr).
            "1207|1|24010|1|0|||0|0|||H",
            "1207|2|24010|1|0|||0|0|||H",
            "1207|3|24001|2|17|127.0.0.1|0.0.0.0|8125|0|||H",
            // A container: its own namespace, read through its own /proc/<pid>/net.
            "2045|6|30001|2|6|0.0.0.0|0.0.0.0|80|0||LISTEN|4026532301",
            "2045|7|30002|10|6|::|::|80|0||LISTEN|4026532301",
        ]
        .iter()
        .map(|r| r.replace("|H", &format!("|{host}")))
        .collect();
        assert_eq!(joined(&rows), expected);
    }

    #[test]
    fn pid_constraint_keeps_that_process_sockets() {
        let rows = fixture_query(
            "basic",
            "SELECT fd, socket, state FROM process_open_sockets WHERE pid = 733 ORDER BY fd",
        );
        assert_eq!(
            joined(&rows),
            [
                "6|21001|LISTEN",
                "7|21002|LISTEN",
                "8|21003|",
                "9|21005|ESTABLISHED"
            ]
        );
        // The container's namespace is read through the container's process.
        let rows = fixture_query(
            "basic",
            "SELECT socket, net_namespace FROM process_open_sockets WHERE pid = 2045 ORDER BY socket",
        );
        assert_eq!(joined(&rows), ["30001|4026532301", "30002|4026532301"]);
        // As in osquery, pid -1 asks for every socket, so those no process holds are found.
        let all = fixture_query(
            "basic",
            "SELECT count(*) FROM process_open_sockets WHERE pid IN (-1, 733)",
        );
        assert_eq!(strings(&all), vec![vec!["13"]]);
        let all = fixture_query("basic", "SELECT count(*) FROM process_open_sockets");
        assert_eq!(strings(&all), vec![vec!["20"]]);
    }

    #[test]
    fn live_host_sockets() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind tcp");
        let port = listener.local_addr().expect("addr").port();
        let mut client = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        client.write_all(b"x").expect("write");
        let (_server, _) = listener.accept().expect("accept");
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind udp");
        let udp_port = udp.local_addr().expect("addr").port();
        let dir = tempfile::tempdir().expect("tempdir");
        let unix_path = dir.path().join("live.sock");
        let _unix = UnixListener::bind(&unix_path).expect("bind unix");

        let me = std::process::id();
        let rows = live_query(&format!(
            "SELECT {COLUMNS} FROM process_open_sockets WHERE pid = {me}"
        ));
        let has = |pred: &dyn Fn(&Vec<Value>) -> bool| rows.iter().any(pred);
        let text = |v: &Value| v.as_text().unwrap_or_default();
        assert!(
            has(&|r| r[3] == Value::Int(2)
                && r[4] == Value::Int(6)
                && text(&r[5]) == "127.0.0.1"
                && r[7] == Value::Int(i64::from(port))
                && text(&r[10]) == "LISTEN"),
            "listener in {rows:?}"
        );
        assert!(
            has(&|r| r[4] == Value::Int(6)
                && r[8] == Value::Int(i64::from(port))
                && text(&r[10]) == "ESTABLISHED"),
            "client in {rows:?}"
        );
        assert!(
            has(&|r| r[4] == Value::Int(17) && r[7] == Value::Int(i64::from(udp_port))),
            "udp in {rows:?}"
        );
        assert!(
            has(&|r| r[3] == Value::Int(1) && text(&r[9]) == unix_path.to_string_lossy()),
            "unix in {rows:?}"
        );
        for r in &rows {
            assert_eq!(r[0], Value::Int(i64::from(me)));
            assert!(r[1].as_i64().is_some_and(|fd| fd >= 0), "{r:?}");
            assert!(r[2].as_i64().is_some_and(|s| s > 0), "{r:?}");
            assert!(text(&r[11]).parse::<u64>().is_ok_and(|ns| ns > 0), "{r:?}");
            if matches!(r[3], Value::Int(2 | 10)) {
                for address in [&r[5], &r[6]] {
                    text(address).parse::<std::net::IpAddr>().expect("valid IP");
                }
            }
        }
    }
}
