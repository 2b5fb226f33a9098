//! Crontabs: `/etc/crontab`, `/etc/cron.d/*` and the per-user spools, split
//! into schedule fields as osquery's `crontab` table splits them.
//!
//! osquery does not know which files carry a user column: in `/etc/crontab`
//! and `/etc/cron.d` the user name stays at the start of the command
//! (`root cd / && run-parts ...`), and queries written for osquery rely on
//! that. A line with fewer than six words (an environment assignment such
//! as `SHELL=/bin/sh`, or a malformed line) has no command and is skipped.

use crate::etc::fields::osquery_split;
use crate::{CollectError, HostRoot, OptionalExt, lossy};

/// The system crontab, read first.
const SYSTEM_CRONTAB: &str = "/etc/crontab";

/// The directories whose files are crontabs, in osquery's order: system
/// fragments, then the macOS, Red Hat and Debian user spools.
const CRON_DIRS: &[&str] = &[
    "/etc/cron.d/",
    "/var/at/tabs/",
    "/var/spool/cron/",
    "/var/spool/cron/crontabs/",
];

/// One schedule line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CronEntry {
    /// `@reboot`, `@daily`...: set instead of the five time fields.
    pub event: Option<String>,
    pub minute: Option<String>,
    pub hour: Option<String>,
    pub day_of_month: Option<String>,
    pub month: Option<String>,
    pub day_of_week: Option<String>,
    /// The rest of the line, its words joined by single spaces.
    pub command: String,
    /// The host path of the crontab.
    pub path: String,
}

/// The crontab files of a host: `/etc/crontab`, then the files (not
/// directories, not dot files, as a `*` glob finds them) of each cron
/// directory in byte order. Files that do not exist are left out.
pub fn files(root: &HostRoot) -> Result<Vec<String>, CollectError> {
    let mut files = vec![SYSTEM_CRONTAB.to_owned()];
    for dir in CRON_DIRS {
        let Some(mut names) = root.list_dir(dir).optional()? else {
            continue;
        };
        names.sort_unstable();
        for name in names {
            if name.first() == Some(&b'.') {
                continue;
            }
            let path = format!("{dir}{}", lossy(&name));
            // A dangling link is listed, as glob lists it, and fails to open later.
            let is_dir = root.metadata(&path).is_ok_and(|m| m.is_dir());
            if !is_dir {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// Reads every crontab of the host; unreadable or vanished files are skipped.
pub fn read(root: &HostRoot) -> Result<Vec<CronEntry>, CollectError> {
    let mut entries = Vec::new();
    for path in files(root)? {
        if let Some(text) = root.read_string(&path).optional()? {
            entries.extend(parse(&text, &path));
        }
    }
    Ok(entries)
}

/// Parses a crontab's text; `path` is copied into each entry.
pub fn parse(text: &str, path: &str) -> Vec<CronEntry> {
    osquery_split(text, &['\n'])
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| parse_line(line, path))
        .collect()
}

/// Splits one non-comment line into its schedule and command, or `None`
/// when no command is left.
pub fn parse_line(line: &str, path: &str) -> Option<CronEntry> {
    let mut entry = CronEntry {
        path: path.to_owned(),
        ..CronEntry::default()
    };
    let mut words = osquery_split(line, &[' ', '\t']);
    let first = words.next()?;
    let mut command: Vec<&str> = Vec::new();
    if first.starts_with('@') {
        entry.event = Some(first.to_owned());
    } else {
        let fields = [
            &mut entry.minute,
            &mut entry.hour,
            &mut entry.day_of_month,
            &mut entry.month,
            &mut entry.day_of_week,
        ];
        let mut fields = fields.into_iter();
        if let Some(minute) = fields.next() {
            *minute = Some(first.to_owned());
        }
        for field in fields {
            *field = Some(words.next()?.to_owned());
        }
    }
    command.extend(words);
    if command.is_empty() {
        return None;
    }
    entry.command = command.join(" ");
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(fields: [&str; 5], command: &str, path: &str) -> CronEntry {
        let [minute, hour, day_of_month, month, day_of_week] = fields.map(|f| Some(f.to_owned()));
        CronEntry {
            event: None,
            minute,
            hour,
            day_of_month,
            month,
            day_of_week,
            command: command.into(),
            path: path.into(),
        }
    }

    #[test]
    fn parses_system_crontab_like_osquery() {
        let text = "# /etc/crontab: system-wide crontab\n\
                    SHELL=/bin/sh\n\
                    PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin\n\
                    MAILTO = root\n\
                    \n\
                    17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n\
                    \x20  @reboot   root /usr/local/bin/warm-cache  --all \r\n\
                    30 3 * *\n\
                    #47 6 * * 7 root disabled\n";
        assert_eq!(
            parse(text, "/etc/crontab"),
            vec![
                timed(
                    ["17", "*", "*", "*", "*"],
                    "root cd / && run-parts --report /etc/cron.hourly",
                    "/etc/crontab"
                ),
                CronEntry {
                    event: Some("@reboot".into()),
                    command: "root /usr/local/bin/warm-cache --all".into(),
                    path: "/etc/crontab".into(),
                    ..CronEntry::default()
                },
            ]
        );
    }

    #[test]
    fn event_without_command_and_long_assignments() {
        assert_eq!(parse_line("@daily", "/p"), None);
        // osquery cannot tell a six-word assignment from a job.
        let e = parse_line("A=1 b c d e f", "/p").expect("six words");
        assert_eq!(e.minute.as_deref(), Some("A=1"));
        assert_eq!(e.command, "f");
    }

    #[test]
    fn hostile_text_does_not_panic() {
        assert!(parse("", "/p").is_empty());
        assert!(parse("\r\n\t\n", "/p").is_empty());
        let e = parse("* * * * * \u{fffd}cmd \"a b\"", "/p");
        assert_eq!(e[0].command, "\u{fffd}cmd \"a b\"");
    }

    #[test]
    fn lists_files_like_a_glob() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = HostRoot::new(dir.path());
        for (path, text) in [
            ("etc/cron.d/zz", "* * * * * root z\n"),
            ("etc/cron.d/aa", "* * * * * root a\n"),
            ("etc/cron.d/.placeholder", "* * * * * root hidden\n"),
            ("var/spool/cron/crontabs/alice", "0 1 * * * backup\n"),
        ] {
            let p = root.path(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        std::fs::create_dir_all(root.path("etc/cron.d/subdir")).expect("mkdir");
        assert_eq!(
            files(&root).expect("files"),
            vec![
                "/etc/crontab",
                "/etc/cron.d/aa",
                "/etc/cron.d/zz",
                "/var/spool/cron/crontabs/alice"
            ]
        );
        let commands: Vec<String> = read(&root)
            .expect("read")
            .into_iter()
            .map(|e| format!("{} {}", e.path, e.command))
            .collect();
        assert_eq!(
            commands,
            vec![
                "/etc/cron.d/aa root a",
                "/etc/cron.d/zz root z",
                "/var/spool/cron/crontabs/alice backup"
            ]
        );
    }
}
