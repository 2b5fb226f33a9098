//! End-to-end tests: real clients against a real hostgres on a loopback port.

mod auth;
mod cancel;
mod catalog;
mod clients_node;
mod clients_python;
mod clientsql;
mod fuzz;
mod grafana;
mod hostile;
mod jdbc;
mod pgx;
mod protocol;
mod psql;
mod schedule;
mod security;
mod seed;
mod tidy;
mod wire;
