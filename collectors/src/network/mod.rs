//! Network configuration: interfaces and their addresses, routes, the ARP cache.
