//! Network configuration: interfaces and their addresses, routes, the ARP cache.
//!
//! Layout:
//! - `links`: interfaces from `/sys/class/net` (`interface_details`).
//! - `addresses`: interface addresses over rtnetlink (`interface_addresses`).
//! - `routes`: routing tables over rtnetlink or procfs (`routes`).
//! - `arp`: the ARP cache from `/proc/net/arp` (`arp_cache`).
//! - `netlink`: the rtnetlink dump request and reply parsing they share.

pub mod addresses;
pub mod arp;
pub mod links;
mod netlink;
pub mod routes;
