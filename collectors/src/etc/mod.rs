//! Configuration and state files under `/etc`, `/var`: accounts, hosts, resolvers, cron, logins, packages.
