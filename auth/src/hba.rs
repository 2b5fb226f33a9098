//! pg_hba-style rules: which connections may authenticate, and how.
//!
//! Rules are evaluated in order; the first whose connection type, database,
//! user and source address match decides the method. No match means the
//! connection is refused, as in PostgreSQL. [`HbaRules::default`] is the
//! safe default documented in `examples/hostgres.toml`: peer authentication
//! on the Unix socket, SCRAM over TLS from anywhere, SCRAM without TLS from
//! loopback only.

use std::fmt;
use std::net::IpAddr;

use crate::error::AuthError;

/// How the client reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnType {
    /// The Unix socket.
    Local,
    /// TCP, with or without TLS.
    Host,
    /// TCP with TLS.
    HostSsl,
    /// TCP without TLS.
    HostNoSsl,
}

impl ConnType {
    fn parse(s: &str) -> Option<ConnType> {
        Some(match s {
            "local" => ConnType::Local,
            "host" => ConnType::Host,
            "hostssl" => ConnType::HostSsl,
            "hostnossl" => ConnType::HostNoSsl,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConnType::Local => "local",
            ConnType::Host => "host",
            ConnType::HostSsl => "hostssl",
            ConnType::HostNoSsl => "hostnossl",
        }
    }
}

/// How a matching connection proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The Unix socket peer's operating-system user (SO_PEERCRED).
    Peer,
    /// SCRAM-SHA-256 against the stored verifier.
    ScramSha256,
    /// A cleartext password checked against the verifier; only inside TLS or on the Unix socket.
    Password,
    /// A client certificate signed by the configured CA whose CN is the user name.
    Cert,
    /// Refuse.
    Reject,
}

impl Method {
    fn parse(s: &str) -> Result<Method, String> {
        Ok(match s {
            "peer" => Method::Peer,
            "scram-sha-256" => Method::ScramSha256,
            "password" => Method::Password,
            "cert" => Method::Cert,
            "reject" => Method::Reject,
            "md5" => return Err("md5 is refused: use scram-sha-256".to_owned()),
            "trust" => {
                return Err(
                    "trust is refused: use peer on the Unix socket, or scram-sha-256".to_owned(),
                );
            }
            other => {
                return Err(format!(
                    "unknown method {other:?}: use peer, scram-sha-256, password, cert or reject"
                ));
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Peer => "peer",
            Method::ScramSha256 => "scram-sha-256",
            Method::Password => "password",
            Method::Cert => "cert",
            Method::Reject => "reject",
        }
    }
}

/// An address range such as `10.0.0.0/8` or `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (s.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }

    /// True when every address in the range is a loopback address.
    pub fn is_loopback_only(&self) -> bool {
        match self.addr {
            IpAddr::V4(a) => a.is_loopback() && self.prefix >= 8,
            IpAddr::V6(a) => a.is_loopback() && self.prefix == 128,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// A database or user field: `all`, or a list of names; `+role` in the user
/// field matches every user of that role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    All,
    Names(Vec<String>),
}

impl NameMatch {
    fn parse(s: &str) -> NameMatch {
        if s.trim() == "all" {
            return NameMatch::All;
        }
        NameMatch::Names(
            s.split(',')
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect(),
        )
    }

    fn matches(&self, name: &str, role: Option<&str>) -> bool {
        match self {
            NameMatch::All => true,
            NameMatch::Names(names) => names.iter().any(|n| match n.strip_prefix('+') {
                Some(r) => role == Some(r),
                None => n == name,
            }),
        }
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HbaRule {
    pub conn: ConnType,
    pub databases: NameMatch,
    pub users: NameMatch,
    /// `None` matches every address (and is the only choice for `local`).
    pub address: Option<Cidr>,
    pub method: Method,
}

/// The transport of a connection being authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Local,
    Tcp { addr: IpAddr, tls: bool },
}

impl Transport {
    pub fn is_tls(self) -> bool {
        matches!(self, Transport::Tcp { tls: true, .. })
    }
}

/// What the rules are matched against.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub transport: Transport,
    pub database: &'a str,
    pub user: &'a str,
    /// The role of `user`, if the user exists (for `+role` entries).
    pub role: Option<&'a str>,
}

impl HbaRule {
    /// A rule from its configured fields; `address` is `all`, a CIDR or a single address.
    pub fn parse(
        conn: &str,
        database: &str,
        user: &str,
        address: Option<&str>,
        method: &str,
    ) -> Result<HbaRule, AuthError> {
        let bad = |reason: String| AuthError::BadRule(reason);
        let conn = ConnType::parse(conn).ok_or_else(|| {
            bad(format!(
                "type {conn:?} is not local, host, hostssl or hostnossl"
            ))
        })?;
        let method = Method::parse(method).map_err(bad)?;
        let address = match (conn, address.map(str::trim)) {
            (ConnType::Local, None) => None,
            (ConnType::Local, Some(_)) => {
                return Err(bad("a local rule takes no address".to_owned()));
            }
            (_, None | Some("all")) => None,
            (_, Some(a)) => Some(Cidr::parse(a).ok_or_else(|| {
                bad(format!(
                    "address {a:?} is not `all`, an IP address or a CIDR range such as 10.0.0.0/8"
                ))
            })?),
        };
        match (conn, method) {
            (ConnType::Local, Method::Cert) => {
                return Err(bad("cert needs TLS: use it on hostssl rules".to_owned()));
            }
            (ConnType::Host | ConnType::HostNoSsl, Method::Cert) => {
                return Err(bad("cert needs TLS: use it on hostssl rules".to_owned()));
            }
            (ConnType::Host | ConnType::HostNoSsl, Method::Password) => {
                return Err(bad(
                    "cleartext passwords are only accepted inside TLS: use password on hostssl or local rules, or scram-sha-256".to_owned(),
                ));
            }
            (c, Method::Peer) if c != ConnType::Local => {
                return Err(bad(
                    "peer only works on local (Unix socket) rules".to_owned()
                ));
            }
            _ => {}
        }
        Ok(HbaRule {
            conn,
            databases: NameMatch::parse(database),
            users: NameMatch::parse(user),
            address,
            method,
        })
    }

    pub fn matches(&self, req: &Request<'_>) -> bool {
        let transport = match (self.conn, req.transport) {
            (ConnType::Local, Transport::Local) => true,
            (ConnType::Host, Transport::Tcp { .. }) => true,
            (ConnType::HostSsl, Transport::Tcp { tls, .. }) => tls,
            (ConnType::HostNoSsl, Transport::Tcp { tls, .. }) => !tls,
            _ => false,
        };
        let address = match (self.address, req.transport) {
            (None, _) => true,
            (Some(cidr), Transport::Tcp { addr, .. }) => cidr.contains(addr),
            (Some(_), Transport::Local) => false,
        };
        transport
            && address
            && self.databases.matches(req.database, None)
            && self.users.matches(req.user, req.role)
    }

    /// True when the rule lets a client outside loopback in without TLS.
    pub fn admits_remote_plaintext(&self) -> bool {
        matches!(self.conn, ConnType::Host | ConnType::HostNoSsl)
            && self.method != Method::Reject
            && !self.address.is_some_and(|c| c.is_loopback_only())
    }
}

impl fmt::Display for HbaRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |m: &NameMatch| match m {
            NameMatch::All => "all".to_owned(),
            NameMatch::Names(n) => n.join(","),
        };
        write!(
            f,
            "{} {} {} {} {}",
            self.conn.as_str(),
            names(&self.databases),
            names(&self.users),
            self.address
                .map_or_else(|| "all".to_owned(), |c| c.to_string()),
            self.method.as_str()
        )
    }
}

/// The ordered rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HbaRules {
    rules: Vec<HbaRule>,
}

impl Default for HbaRules {
    /// Peer on the socket; SCRAM over TLS from anywhere; SCRAM in the clear
    /// from loopback only; everything else refused.
    fn default() -> Self {
        let rule = |c, a: Option<&str>, m| {
            HbaRule::parse(c, "all", "all", a, m).unwrap_or_else(|e| unreachable!("{e}"))
        };
        HbaRules {
            rules: vec![
                rule("local", None, "peer"),
                rule("hostssl", Some("all"), "scram-sha-256"),
                rule("host", Some("127.0.0.0/8"), "scram-sha-256"),
                rule("host", Some("::1/128"), "scram-sha-256"),
            ],
        }
    }
}

impl HbaRules {
    pub fn new(rules: Vec<HbaRule>) -> HbaRules {
        HbaRules { rules }
    }

    /// The first matching rule, or `None`: refuse.
    pub fn evaluate(&self, req: &Request<'_>) -> Option<&HbaRule> {
        self.rules.iter().find(|r| r.matches(req))
    }

    pub fn rules(&self) -> &[HbaRule] {
        &self.rules
    }

    /// A rule that lets a remote client in without TLS, if any.
    pub fn remote_plaintext_rule(&self) -> Option<&HbaRule> {
        self.rules.iter().find(|r| r.admits_remote_plaintext())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(addr: &str, tls: bool) -> Transport {
        Transport::Tcp {
            addr: addr.parse().expect("ip"),
            tls,
        }
    }

    fn req(transport: Transport, user: &'static str) -> Request<'static> {
        Request {
            transport,
            database: "hostgres",
            user,
            role: Some("monitor"),
        }
    }

    fn method(rules: &HbaRules, r: Request<'_>) -> Option<Method> {
        rules.evaluate(&r).map(|r| r.method)
    }

    #[test]
    fn the_default_needs_tls_beyond_loopback() {
        let d = HbaRules::default();
        assert_eq!(
            method(&d, req(Transport::Local, "root")),
            Some(Method::Peer)
        );
        assert_eq!(
            method(&d, req(tcp("127.0.0.1", false), "u")),
            Some(Method::ScramSha256)
        );
        assert_eq!(
            method(&d, req(tcp("::1", false), "u")),
            Some(Method::ScramSha256)
        );
        assert_eq!(
            method(&d, req(tcp("::ffff:127.0.0.1", false), "u")),
            Some(Method::ScramSha256)
        );
        assert_eq!(
            method(&d, req(tcp("192.0.2.7", true), "u")),
            Some(Method::ScramSha256)
        );
        assert_eq!(method(&d, req(tcp("192.0.2.7", false), "u")), None);
        assert!(d.remote_plaintext_rule().is_none());
    }

    #[test]
    fn rules_apply_in_order_with_users_roles_and_ranges() {
        let rules = HbaRules::new(vec![
            HbaRule::parse("hostssl", "all", "mallory", Some("all"), "reject").expect("rule"),
            HbaRule::parse("hostssl", "all", "+monitor", Some("10.0.0.0/8"), "cert").expect("rule"),
            HbaRule::parse(
                "hostssl",
                "hostgres",
                "alice,bob",
                Some("all"),
                "scram-sha-256",
            )
            .expect("rule"),
        ]);
        assert_eq!(
            method(&rules, req(tcp("10.1.2.3", true), "mallory")),
            Some(Method::Reject)
        );
        assert_eq!(
            method(&rules, req(tcp("10.1.2.3", true), "carol")),
            Some(Method::Cert)
        );
        assert_eq!(
            method(&rules, req(tcp("192.0.2.1", true), "bob")),
            Some(Method::ScramSha256)
        );
        assert_eq!(method(&rules, req(tcp("192.0.2.1", true), "carol")), None);
        assert_eq!(method(&rules, req(tcp("10.1.2.3", false), "carol")), None);
        let mut other_db = req(tcp("192.0.2.1", true), "bob");
        other_db.database = "postgres";
        assert_eq!(method(&rules, other_db), None);
    }

    #[test]
    fn unsafe_rules_are_refused_with_a_reason() {
        for (c, a, m, why) in [
            ("host", Some("all"), "password", "only accepted inside TLS"),
            ("host", Some("all"), "md5", "md5 is refused"),
            ("host", Some("all"), "trust", "trust is refused"),
            ("host", Some("all"), "peer", "peer only works"),
            ("local", None, "cert", "cert needs TLS"),
            ("host", Some("10.0.0.0/33"), "reject", "CIDR"),
            ("tcp", Some("all"), "reject", "not local, host"),
        ] {
            let err = HbaRule::parse(c, "all", "all", a, m).expect_err(m);
            assert!(err.to_string().contains(why), "{err}");
        }
        assert!(HbaRule::parse("hostssl", "all", "all", Some("all"), "password").is_ok());
    }

    #[test]
    fn remote_plaintext_rules_are_found() {
        let rules = HbaRules::new(vec![
            HbaRule::parse("host", "all", "all", Some("127.0.0.1/32"), "scram-sha-256")
                .expect("rule"),
            HbaRule::parse("host", "all", "all", Some("0.0.0.0/0"), "scram-sha-256").expect("rule"),
        ]);
        assert_eq!(
            rules
                .remote_plaintext_rule()
                .map(ToString::to_string)
                .as_deref(),
            Some("host all all 0.0.0.0/0 scram-sha-256")
        );
    }

    #[test]
    fn cidr_ranges() {
        let net = Cidr::parse("10.0.0.0/8").expect("cidr");
        assert!(net.contains("10.255.0.1".parse().expect("ip")));
        assert!(!net.contains("11.0.0.1".parse().expect("ip")));
        assert!(!net.contains("::1".parse().expect("ip")));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .expect("cidr")
                .contains("8.8.8.8".parse().expect("ip"))
        );
        assert!(
            Cidr::parse("::/0")
                .expect("cidr")
                .contains("2001:db8::1".parse().expect("ip"))
        );
        assert!(
            Cidr::parse("192.0.2.1")
                .expect("single")
                .contains("192.0.2.1".parse().expect("ip"))
        );
        assert!(Cidr::parse("nope").is_none());
    }
}
