//! `Access`: everything that decides who gets in and with what privileges —
//! users, roles, pg_hba rules, the peer map, the failure tracker and the
//! per-role connection slots — in one value the server builds at start.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use crate::backoff::FailureTracker;
use crate::error::AuthError;
use crate::hba::{HbaRule, HbaRules, Request};
use crate::peer::PeerMap;
use crate::role::{ADMIN_ROLE, DEFAULT_ROLE, Role};
use crate::users::{User, UserStore};

/// Users, roles and rules, checked for consistency.
#[derive(Debug)]
pub struct Access {
    pub users: UserStore,
    roles: BTreeMap<String, Arc<Role>>,
    pub hba: HbaRules,
    pub peer: PeerMap,
    pub failures: FailureTracker,
    slots: Arc<Mutex<HashMap<String, usize>>>,
}

impl Access {
    /// Builds the access policy. `roles` may redefine `monitor` (and add
    /// others); `admin` is always the built-in superuser role, though its
    /// limits may be configured. Every user's role, and every role the peer
    /// map names, must exist.
    pub fn new(
        users: Vec<User>,
        roles: Vec<Role>,
        hba: HbaRules,
        peer: PeerMap,
        failures: FailureTracker,
    ) -> Result<Access, AuthError> {
        let mut by_name: BTreeMap<String, Arc<Role>> = BTreeMap::new();
        by_name.insert(ADMIN_ROLE.to_owned(), Arc::new(Role::admin()));
        by_name.insert(DEFAULT_ROLE.to_owned(), Arc::new(Role::monitor()));
        for mut role in roles {
            if role.name == ADMIN_ROLE {
                role.superuser = true;
            }
            by_name.insert(role.name.clone(), Arc::new(role));
        }
        let unknown = |what: String, role: &str| AuthError::UnknownRole {
            what,
            role: role.to_owned(),
        };
        for u in &users {
            if !by_name.contains_key(&u.role) {
                return Err(unknown(format!("user {:?}", u.name), &u.role));
            }
        }
        for (os_user, role) in &peer.map {
            if !by_name.contains_key(role) {
                return Err(unknown(format!("the peer map entry {os_user:?}"), role));
            }
        }
        if let crate::peer::UnknownPeer::Role(role) = &peer.unknown
            && !by_name.contains_key(role)
        {
            return Err(unknown("unix_socket.unknown_users".to_owned(), role));
        }
        Ok(Access {
            users: UserStore::new(users),
            roles: by_name,
            hba,
            peer,
            failures,
            slots: Arc::default(),
        })
    }

    pub fn role(&self, name: &str) -> Option<Arc<Role>> {
        self.roles.get(name).cloned()
    }

    pub fn roles(&self) -> impl Iterator<Item = &Arc<Role>> {
        self.roles.values()
    }

    /// The role of an existing user.
    pub fn role_of(&self, user: &str) -> Option<Arc<Role>> {
        self.users.get(user).and_then(|u| self.role(&u.role))
    }

    /// The first pg_hba rule matching a connection (the user's role fills `+role` entries).
    pub fn rule_for(&self, req: Request<'_>) -> Option<&HbaRule> {
        let role = self.users.get(req.user).map(|u| u.role.as_str());
        self.hba.evaluate(&Request { role, ..req })
    }

    /// Takes one of the role's connection slots; `None` when the role is at its limit.
    pub fn take_slot(&self, role: &Role) -> Option<RoleSlot> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let used = slots.entry(role.name.clone()).or_insert(0);
        if role.limits.max_connections.is_some_and(|max| *used >= max) {
            return None;
        }
        *used += 1;
        Some(RoleSlot {
            slots: Arc::clone(&self.slots),
            role: role.name.clone(),
        })
    }
}

/// One session's place in its role's connection count; released on drop.
#[derive(Debug)]
pub struct RoleSlot {
    slots: Arc<Mutex<HashMap<String, usize>>>,
    role: String,
}

impl Drop for RoleSlot {
    fn drop(&mut self) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = slots.get_mut(&self.role) {
            *n = n.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::RoleLimits;

    #[test]
    fn roles_must_exist_and_slots_are_counted() {
        let user = |name: &str, role: &str| User {
            name: name.into(),
            verifier: None,
            role: role.into(),
        };
        let err = Access::new(
            vec![user("a", "nope")],
            vec![],
            HbaRules::default(),
            PeerMap::new(0),
            FailureTracker::default(),
        )
        .expect_err("unknown role");
        assert!(err.to_string().contains("nope"), "{err}");

        let limited = Role {
            limits: RoleLimits {
                max_connections: Some(2),
                ..RoleLimits::default()
            },
            name: "limited".into(),
            ..Role::monitor()
        };
        let access = Access::new(
            vec![user("a", "limited")],
            vec![limited],
            HbaRules::default(),
            PeerMap::new(0),
            FailureTracker::default(),
        )
        .expect("valid");
        let role = access.role_of("a").expect("role");
        let one = access.take_slot(&role).expect("first");
        let _two = access.take_slot(&role).expect("second");
        assert!(access.take_slot(&role).is_none());
        drop(one);
        assert!(access.take_slot(&role).is_some());
        assert!(access.role("admin").expect("admin").superuser);
    }
}
