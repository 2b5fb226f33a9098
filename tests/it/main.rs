//! End-to-end tests: real clients against a real hostgres on a loopback port.

mod auth;
mod cancel;
mod catalog;
mod clients_node;
mod clients_python;
mod clientsql;
mod dialect;
mod fdw;
mod fuzz;
mod grafana;
mod hostile;
mod jdbc;
mod pgbench;
mod pgx;
mod protocol;
mod psql;
mod psql_output;
mod schedule;
mod security;
mod seed;
mod tidy;
mod wire;
