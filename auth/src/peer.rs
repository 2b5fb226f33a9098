//! `PeerMap`: which role a Unix-socket peer gets, from its operating-system user.
//!
//! The kernel tells who is on the other end of the socket (SO_PEERCRED), so
//! no password is needed: root and the daemon's own user are `admin`, other
//! users are mapped by name, and unknown users are refused or given the
//! least-privileged role, as configured. As with PostgreSQL's `peer`
//! method, the database user a client asks for must be its OS user name.

use std::collections::BTreeMap;

use crate::role::ADMIN_ROLE;

/// What happens to an OS user the map does not name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownPeer {
    Refuse,
    /// Connect with this role.
    Role(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerMap {
    /// OS user name → role name.
    pub map: BTreeMap<String, String>,
    pub unknown: UnknownPeer,
    /// The daemon's own uid, which is `admin` unless mapped otherwise.
    pub daemon_uid: u32,
}

impl PeerMap {
    pub fn new(daemon_uid: u32) -> PeerMap {
        PeerMap {
            map: BTreeMap::new(),
            unknown: UnknownPeer::Refuse,
            daemon_uid,
        }
    }

    /// The role of the peer `os_user` (uid `uid`), or `None` to refuse it.
    pub fn role_for(&self, os_user: Option<&str>, uid: u32) -> Option<&str> {
        if let Some(role) = os_user.and_then(|u| self.map.get(u)) {
            return Some(role);
        }
        if uid == 0 || uid == self.daemon_uid {
            return Some(ADMIN_ROLE);
        }
        match &self.unknown {
            UnknownPeer::Refuse => None,
            UnknownPeer::Role(r) => Some(r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_admin_others_are_mapped_or_refused() {
        let mut m = PeerMap::new(0);
        m.map.insert("alice".into(), "monitor".into());
        assert_eq!(m.role_for(Some("root"), 0), Some("admin"));
        assert_eq!(m.role_for(Some("alice"), 1000), Some("monitor"));
        assert_eq!(m.role_for(Some("bob"), 1001), None);
        assert_eq!(m.role_for(None, 1002), None);
        m.unknown = UnknownPeer::Role("guest".into());
        assert_eq!(m.role_for(Some("bob"), 1001), Some("guest"));
        let own = PeerMap::new(1000);
        assert_eq!(own.role_for(Some("me"), 1000), Some("admin"));
    }
}
