//! `/var/run/utmp`: the login records glibc's `getutxent` returns.
//!
//! The file is an array of fixed-size `struct utmp` records in the host's
//! byte order; on x86_64 (and every 64-bit glibc target that keeps the
//! 32-bit `ut_tv` for compatibility) a record is 384 bytes:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 2 (+2 padding) | `ut_type` |
//! | 4 | 4 | `ut_pid` |
//! | 8 | 32 | `ut_line` (tty, without `/dev/`) |
//! | 40 | 4 | `ut_id` |
//! | 44 | 32 | `ut_user` |
//! | 76 | 256 | `ut_host` |
//! | 332 | 2 + 2 | `ut_exit` (termination, exit status) |
//! | 336 | 4 | `ut_session` |
//! | 340 | 4 + 4 | `ut_tv` (seconds, microseconds) |
//! | 348 | 16 | `ut_addr_v6` |
//! | 364 | 20 | reserved |
//!
//! The strings are NUL-padded but not NUL-terminated when they fill their field.

use crate::{CollectError, HostRoot, OptionalExt, lossy};

/// The size of one `struct utmp` record.
pub const RECORD_SIZE: usize = 384;

const LINE: (usize, usize) = (8, 32);
const ID: (usize, usize) = (40, 4);
const USER: (usize, usize) = (44, 32);
const HOST: (usize, usize) = (76, 256);

/// One login record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Utmp {
    /// `ut_type`: see [`type_name`].
    pub kind: i16,
    pub pid: i32,
    /// The terminal, without `/dev/`.
    pub line: String,
    /// The terminal suffix or inittab id.
    pub id: String,
    pub user: String,
    /// The remote host, or the kernel release on boot records.
    pub host: String,
    pub exit_termination: i16,
    pub exit_status: i16,
    pub session: i32,
    /// `ut_tv.tv_sec`: glibc keeps it 32-bit (signed) in the file format.
    pub time_sec: i32,
    pub time_usec: i32,
    /// The remote address; IPv4 uses the first word only.
    pub addr_v6: [u8; 16],
}

/// Reads the host's utmp file. glibc opens `/var/run/utmp`, which is a link
/// to `/run/utmp` on current systems; `run/utmp` is tried first because an
/// absolute link would escape a re-rooted host such as a container's root.
/// A host without the file (no login manager writes it) has no records.
pub fn read(root: &HostRoot) -> Result<Vec<Utmp>, CollectError> {
    for path in ["run/utmp", "var/run/utmp"] {
        if let Some(bytes) = root.read(path).optional()? {
            return Ok(parse(&bytes));
        }
    }
    Ok(Vec::new())
}

/// Parses the records of a utmp file; a truncated last record is ignored, as
/// `getutxent` ignores it.
pub fn parse(bytes: &[u8]) -> Vec<Utmp> {
    bytes.chunks_exact(RECORD_SIZE).map(parse_record).collect()
}

fn parse_record(r: &[u8]) -> Utmp {
    let i16_at = |at: usize| i16::from_ne_bytes([r[at], r[at + 1]]);
    let i32_at = |at: usize| i32::from_ne_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
    let text = |(at, len): (usize, usize)| {
        let field = &r[at..at + len];
        let end = field.iter().position(|&b| b == 0).unwrap_or(len);
        lossy(&field[..end])
    };
    let mut addr_v6 = [0u8; 16];
    addr_v6.copy_from_slice(&r[348..364]);
    Utmp {
        kind: i16_at(0),
        pid: i32_at(4),
        line: text(LINE),
        id: text(ID),
        user: text(USER),
        host: text(HOST),
        exit_termination: i16_at(332),
        exit_status: i16_at(334),
        session: i32_at(336),
        time_sec: i32_at(340),
        time_usec: i32_at(344),
        addr_v6,
    }
}

/// The name osquery gives a record type (`ut_type`).
pub fn type_name(kind: i16) -> &'static str {
    match kind {
        0 => "empty",
        1 => "runlevel",
        2 => "boot_time",
        3 => "new_time",
        4 => "old_time",
        5 => "init",
        6 => "login",
        7 => "user",
        8 => "dead",
        9 => "accounting",
        _ => "unknown",
    }
}

/// Writes a record as glibc's `pututxent` does: the inverse of parsing, used
/// to build the binary fixture deterministically.
#[cfg(test)]
pub(crate) fn encode(u: &Utmp) -> [u8; RECORD_SIZE] {
    let mut r = [0u8; RECORD_SIZE];
    let mut put = |at: usize, bytes: &[u8]| r[at..at + bytes.len()].copy_from_slice(bytes);
    put(0, &u.kind.to_ne_bytes());
    put(4, &u.pid.to_ne_bytes());
    for ((at, len), s) in [
        (LINE, &u.line),
        (ID, &u.id),
        (USER, &u.user),
        (HOST, &u.host),
    ] {
        let bytes = s.as_bytes();
        put(at, &bytes[..bytes.len().min(len)]);
    }
    put(332, &u.exit_termination.to_ne_bytes());
    put(334, &u.exit_status.to_ne_bytes());
    put(336, &u.session.to_ne_bytes());
    put(340, &u.time_sec.to_ne_bytes());
    put(344, &u.time_usec.to_ne_bytes());
    put(348, &u.addr_v6);
    r
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// The records of the fixture host's `var/run/utmp`: a boot, a run level,
    /// init's own record (which osquery hides), a console login prompt, an
    /// SSH session, a closed session and a type glibc does not define.
    fn fixture_records() -> Vec<Utmp> {
        let kernel = "6.1.0-18-amd64";
        vec![
            Utmp {
                kind: 2,
                line: "~".into(),
                id: "~~".into(),
                user: "reboot".into(),
                host: kernel.into(),
                time_sec: 1_700_000_000,
                time_usec: 120_000,
                ..Utmp::default()
            },
            Utmp {
                kind: 1,
                pid: 51,
                line: "~".into(),
                id: "~~".into(),
                user: "runlevel".into(),
                host: kernel.into(),
                time_sec: 1_700_000_004,
                ..Utmp::default()
            },
            Utmp {
                kind: 5,
                pid: 1,
                line: "console".into(),
                id: "co".into(),
                time_sec: 1_700_000_004,
                ..Utmp::default()
            },
            Utmp {
                kind: 6,
                pid: 612,
                line: "tty1".into(),
                id: "tty1".into(),
                user: "LOGIN".into(),
                session: 612,
                time_sec: 1_700_000_005,
                ..Utmp::default()
            },
            Utmp {
                kind: 7,
                pid: 1234,
                line: "pts/0".into(),
                id: "ts/0".into(),
                user: "alice".into(),
                host: "192.0.2.10".into(),
                session: 1234,
                time_sec: 1_700_003_600,
                time_usec: 5,
                addr_v6: [192, 0, 2, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                ..Utmp::default()
            },
            Utmp {
                kind: 8,
                pid: 1100,
                line: "pts/1".into(),
                id: "ts/1".into(),
                time_sec: 1_700_002_000,
                ..Utmp::default()
            },
            Utmp {
                kind: 42,
                pid: 77,
                line: "pts/9".into(),
                user: "mystery".into(),
                time_sec: 1_700_004_000,
                ..Utmp::default()
            },
        ]
    }

    fn fixture_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hosts/basic/var/run/utmp")
    }

    /// The committed binary fixture is exactly the encoding of
    /// [`fixture_records`]; `UPDATE_FIXTURES=1` rewrites it.
    #[test]
    fn fixture_file_is_the_encoded_records() {
        let expected: Vec<u8> = fixture_records().iter().flat_map(encode).collect();
        let path = fixture_path();
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(&path, &expected).expect("write fixture");
        }
        let actual = std::fs::read(&path).expect("read fixture");
        assert_eq!(actual, expected, "run with UPDATE_FIXTURES=1 to refresh");
        assert_eq!(parse(&actual), fixture_records());
    }

    #[test]
    fn records_round_trip() {
        for u in fixture_records() {
            assert_eq!(parse_record(&encode(&u)), u);
        }
    }

    #[test]
    fn truncated_record_is_ignored() {
        let mut bytes: Vec<u8> = fixture_records()[..2].iter().flat_map(encode).collect();
        bytes.truncate(RECORD_SIZE + 100);
        let records = parse(&bytes);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].user, "reboot");
        assert!(parse(&bytes[..10]).is_empty());
    }

    #[test]
    fn full_fields_without_nul_and_non_utf8_names() {
        let mut r = encode(&Utmp {
            kind: 7,
            pid: 9,
            ..Utmp::default()
        });
        // A user name that fills its 32 bytes runs straight into ut_host.
        r[USER.0..USER.0 + USER.1].fill(b'u');
        r[HOST.0..HOST.0 + 4].copy_from_slice(b"h\xffst");
        r[LINE.0..LINE.0 + 3].copy_from_slice(b"\xc3(x");
        let u = parse_record(&r);
        assert_eq!(u.user, "u".repeat(32));
        assert_eq!(u.host, "h\u{fffd}st");
        assert_eq!(u.line, "\u{fffd}(x");
    }

    #[test]
    fn type_names_follow_osquery() {
        assert_eq!(type_name(7), "user");
        assert_eq!(type_name(1), "runlevel");
        assert_eq!(type_name(-1), "unknown");
    }

    #[test]
    fn missing_file_means_no_records() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(read(&HostRoot::new(dir.path())).expect("read").is_empty());
    }
}
