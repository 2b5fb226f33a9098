//! The stdout sink: every line on standard output, as osquery's `stdout` logger.

use std::io::Write;

use super::Sink;
use crate::error::ScheduleError;
use crate::store::{Entry, Kind};

pub struct StdoutSink;

impl Sink for StdoutSink {
    fn id(&self) -> String {
        "stdout".to_owned()
    }

    fn kinds(&self) -> &[Kind] {
        &[Kind::Result, Kind::Snapshot, Kind::Status]
    }

    fn deliver(&mut self, entries: &[Entry]) -> Result<Option<String>, ScheduleError> {
        let mut out = std::io::stdout().lock();
        for e in entries {
            writeln!(out, "{}", e.line).map_err(|e| ScheduleError::sink("stdout", e))?;
        }
        out.flush().map_err(|e| ScheduleError::sink("stdout", e))?;
        Ok(None)
    }
}
