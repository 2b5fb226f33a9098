//! Readers of `/proc`, one module per kernel file or family.

pub mod loadavg;
