//! Readers of the operating system's state, one module per source.
//!
//! Collectors are synchronous and know nothing of SQL: they read the host
//! through a [`HostRoot`] and return typed structs. Parsers take readers or
//! strings and do no I/O, so they are tested on inline text and fixture trees.
//!
//! Layout:
//! - `root`: [`HostRoot`], the injectable root every path goes through.
//! - `error`: [`CollectError`], which tells "vanished" from "denied".
//! - `proc`: `/proc` files (processes, memory, load, network tables).

mod error;
pub mod proc;
mod root;

pub use error::{CollectError, CollectErrorKind, OptionalExt};
pub use root::{HostRoot, lossy, lossy_os};
