//! End-to-end tests: real clients against a real hostgres on a loopback port.

mod auth;
mod cancel;
mod catalog;
mod fdw;
mod grafana;
mod hostile;
mod pgbench;
mod protocol;
mod psql;
mod psql_output;
mod schedule;
mod seed;
mod tidy;
mod wire;
