//! Log lines exactly as osquery writes them.
//!
//! Differential results, event format (`logger_event_type`, the default),
//! one line per row, removed rows first:
//! `{"name","hostIdentifier","calendarTime","unixTime","epoch","counter","numerics",`
//! `"decorations"?,"columns","action"}`.
//! Batch format, one line per run:
//! `{"diffResults":{"removed":[..],"added":[..]},"name",...,"numerics","decorations"?}`.
//! Snapshots, batch (the default for snapshots):
//! `{"snapshot":[..],"action":"snapshot","name",...}`; as events, one line per
//! row with `"action":"snapshot"`.
//! Status lines: `{"hostIdentifier","calendarTime","unixTime","severity",`
//! `"filename","line","message","version","decorations"?}`.
//!
//! `decorations` is present only when there are any; with
//! `decorations_top_level` its keys join the top level instead.

use std::collections::BTreeMap;

use crate::config::{Format, OSQUERY_VERSION};
use crate::results::{Row, push_json_str};

/// What every line of one run shares.
#[derive(Debug, Clone)]
pub struct LogItem<'a> {
    pub name: &'a str,
    pub host_identifier: &'a str,
    pub unix_time: i64,
    pub epoch: u64,
    pub counter: u64,
    pub decorations: &'a BTreeMap<String, String>,
    pub format: Format,
}

/// osquery's `calendarTime`: `asctime` in UTC with " UTC" appended, e.g.
/// `Tue Sep  3 17:37:30 2024 UTC` (the day is padded with a space).
pub fn calendar_time(unix_time: i64) -> String {
    chrono::DateTime::from_timestamp(unix_time, 0)
        .map(|t| t.format("%a %b %e %H:%M:%S %Y UTC").to_string())
        .unwrap_or_default()
}

fn legacy_fields(item: &LogItem<'_>, out: &mut String) {
    out.push_str("\"name\":");
    push_json_str(out, item.name);
    out.push_str(",\"hostIdentifier\":");
    push_json_str(out, item.host_identifier);
    out.push_str(",\"calendarTime\":");
    push_json_str(out, &calendar_time(item.unix_time));
    out.push_str(&format!(
        ",\"unixTime\":{},\"epoch\":{},\"counter\":{},\"numerics\":{}",
        item.unix_time, item.epoch, item.counter, item.format.numerics
    ));
    decorations(item.decorations, item.format.decorations_top_level, out);
}

fn decorations(d: &BTreeMap<String, String>, top_level: bool, out: &mut String) {
    if d.is_empty() {
        return;
    }
    if top_level {
        for (k, v) in d {
            out.push(',');
            push_json_str(out, k);
            out.push(':');
            push_json_str(out, v);
        }
        return;
    }
    out.push_str(",\"decorations\":{");
    for (i, (k, v)) in d.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(out, k);
        out.push(':');
        push_json_str(out, v);
    }
    out.push('}');
}

fn event(item: &LogItem<'_>, row: &Row, action: &str) -> String {
    let mut s = String::with_capacity(256);
    s.push('{');
    legacy_fields(item, &mut s);
    s.push_str(",\"columns\":");
    row.write_json(item.format.numerics, &mut s);
    s.push_str(",\"action\":");
    push_json_str(&mut s, action);
    s.push('}');
    s
}

fn array(rows: &[Row], numerics: bool, out: &mut String) {
    out.push('[');
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        r.write_json(numerics, out);
    }
    out.push(']');
}

/// The lines of a differential run: events (removed, then added) or one batch line.
pub fn differential(item: &LogItem<'_>, added: &[Row], removed: &[Row]) -> Vec<String> {
    if added.is_empty() && removed.is_empty() {
        return Vec::new();
    }
    if item.format.event_format {
        removed
            .iter()
            .map(|r| event(item, r, "removed"))
            .chain(added.iter().map(|r| event(item, r, "added")))
            .collect()
    } else {
        let mut s = String::from("{\"diffResults\":{\"removed\":");
        array(removed, item.format.numerics, &mut s);
        s.push_str(",\"added\":");
        array(added, item.format.numerics, &mut s);
        s.push_str("},");
        legacy_fields(item, &mut s);
        s.push('}');
        vec![s]
    }
}

/// The lines of a snapshot run: one batch line (even when empty), or one event per row.
pub fn snapshot(item: &LogItem<'_>, rows: &[Row]) -> Vec<String> {
    if item.format.snapshot_event_format {
        rows.iter().map(|r| event(item, r, "snapshot")).collect()
    } else {
        let mut s = String::from("{\"snapshot\":");
        array(rows, item.format.numerics, &mut s);
        s.push_str(",\"action\":\"snapshot\",");
        legacy_fields(item, &mut s);
        s.push('}');
        vec![s]
    }
}

/// Status severities, as glog numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info = 0,
    Warning = 1,
    Error = 2,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One status log line.
#[derive(Debug, Clone)]
pub struct StatusLine<'a> {
    pub host_identifier: &'a str,
    pub unix_time: i64,
    pub severity: Severity,
    pub filename: &'a str,
    pub line: u32,
    pub message: &'a str,
    pub decorations: &'a BTreeMap<String, String>,
}

/// A status line as osquery's buffered loggers serialize one.
pub fn status(l: &StatusLine<'_>) -> String {
    let mut s = String::from("{\"hostIdentifier\":");
    push_json_str(&mut s, l.host_identifier);
    s.push_str(",\"calendarTime\":");
    push_json_str(&mut s, &calendar_time(l.unix_time));
    s.push_str(&format!(
        ",\"unixTime\":{},\"severity\":{},\"filename\":",
        l.unix_time, l.severity as u8
    ));
    push_json_str(&mut s, l.filename);
    s.push_str(&format!(",\"line\":{},\"message\":", l.line));
    push_json_str(&mut s, l.message);
    s.push_str(",\"version\":");
    push_json_str(&mut s, OSQUERY_VERSION);
    decorations(l.decorations, false, &mut s);
    s.push('}');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Field;

    fn fmt(event_format: bool, numerics: bool, top: bool) -> Format {
        Format {
            event_format,
            snapshot_event_format: false,
            numerics,
            decorations_top_level: top,
        }
    }

    fn row(n: i64, s: &str) -> Row {
        Row(vec![
            ("name".to_owned(), Field::Text(s.to_owned())),
            ("pid".to_owned(), Field::Int(n)),
        ])
    }

    #[test]
    fn calendar_time_is_asctime_in_utc() {
        assert_eq!(calendar_time(1_412_123_850), "Wed Oct  1 00:37:30 2014 UTC");
        assert_eq!(calendar_time(1_725_384_650), "Tue Sep  3 17:30:50 2024 UTC");
    }

    #[test]
    fn events_list_removed_rows_first() {
        let dec = BTreeMap::from([("host_uuid".to_owned(), "u-1".to_owned())]);
        let item = LogItem {
            name: "procs",
            host_identifier: "web1",
            unix_time: 1_412_123_850,
            epoch: 0,
            counter: 2,
            decorations: &dec,
            format: fmt(true, false, false),
        };
        let lines = differential(&item, &[row(2, "b")], &[row(1, "a")]);
        assert_eq!(
            lines,
            vec![
                r#"{"name":"procs","hostIdentifier":"web1","calendarTime":"Wed Oct  1 00:37:30 2014 UTC","unixTime":1412123850,"epoch":0,"counter":2,"numerics":false,"decorations":{"host_uuid":"u-1"},"columns":{"name":"a","pid":"1"},"action":"removed"}"#,
                r#"{"name":"procs","hostIdentifier":"web1","calendarTime":"Wed Oct  1 00:37:30 2014 UTC","unixTime":1412123850,"epoch":0,"counter":2,"numerics":false,"decorations":{"host_uuid":"u-1"},"columns":{"name":"b","pid":"2"},"action":"added"}"#,
            ]
        );
    }

    #[test]
    fn batch_and_snapshot_lines() {
        let dec = BTreeMap::from([
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "2".to_owned()),
        ]);
        let item = LogItem {
            name: "q",
            host_identifier: "h",
            unix_time: 0,
            epoch: 1,
            counter: 0,
            decorations: &dec,
            format: fmt(false, true, true),
        };
        assert_eq!(
            differential(&item, &[row(2, "b")], &[]),
            vec![
                r#"{"diffResults":{"removed":[],"added":[{"name":"b","pid":2}]},"name":"q","hostIdentifier":"h","calendarTime":"Thu Jan  1 00:00:00 1970 UTC","unixTime":0,"epoch":1,"counter":0,"numerics":true,"a":"1","b":"2"}"#
            ]
        );
        let empty = BTreeMap::new();
        let item = LogItem {
            decorations: &empty,
            format: fmt(true, false, false),
            ..item
        };
        assert_eq!(
            snapshot(&item, &[]),
            vec![
                r#"{"snapshot":[],"action":"snapshot","name":"q","hostIdentifier":"h","calendarTime":"Thu Jan  1 00:00:00 1970 UTC","unixTime":0,"epoch":1,"counter":0,"numerics":false}"#
            ]
        );
    }

    #[test]
    fn status_lines() {
        let empty = BTreeMap::new();
        let s = status(&StatusLine {
            host_identifier: "h",
            unix_time: 0,
            severity: Severity::Warning,
            filename: "scheduler.rs",
            line: 7,
            message: "query \"x\" denylisted",
            decorations: &empty,
        });
        assert_eq!(
            s,
            format!(
                r#"{{"hostIdentifier":"h","calendarTime":"Thu Jan  1 00:00:00 1970 UTC","unixTime":0,"severity":1,"filename":"scheduler.rs","line":7,"message":"query \"x\" denylisted","version":"{OSQUERY_VERSION}"}}"#
            )
        );
    }
}
