//! End-to-end tests: real clients against a real hostgres on a loopback port.

mod auth;
mod cancel;
mod hostile;
mod protocol;
mod psql;
mod seed;
mod tidy;
mod wire;
