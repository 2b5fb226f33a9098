//! End-to-end tests: real clients against a real hostgres on a loopback port.

mod auth;
mod cancel;
mod fuzz;
mod hostile;
mod protocol;
mod psql;
mod security;
mod seed;
mod tidy;
