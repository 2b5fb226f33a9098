//! The dpkg database (`<admindir>/status`, default `/var/lib/dpkg`): the
//! packages dpkg knows, as osquery's `deb_packages` lists them through libdpkg.
//!
//! osquery opens the database read-only, which parses `status` and then
//! replays the journal files in `<admindir>/updates/` (all-digit names, in
//! order) that an interrupted dpkg run left; a journal entry replaces the
//! package's whole record. Packages whose status is `not-installed` are
//! left out; `config-files` and half-installed ones are kept. Values are
//! rendered as libdpkg renders them: the version without a zero epoch, the
//! Debian revision alone, the priority's canonical name (`unknown` when the
//! field is missing), and the status as `want eflag status`.
//!
//! The file is read once and split into borrowed field slices; only the ten
//! fields the table shows are kept, so a status file of thousands of
//! packages parses in about a millisecond.

use std::collections::HashMap;

use crate::{CollectError, HostRoot, OptionalExt, lossy};

/// The admin directory dpkg uses unless told otherwise.
pub const DEFAULT_ADMINDIR: &str = "/var/lib/dpkg";

/// One package as libdpkg describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DebPackage {
    pub name: String,
    /// `[epoch:]upstream[-revision]`, the epoch shown only when it is not 0.
    pub version: String,
    /// The `Source` field as written (it may carry a version in parentheses).
    pub source: String,
    /// `Installed-Size`, in KiB; `None` when missing or not a number.
    pub size: Option<u64>,
    pub arch: String,
    /// The Debian revision: the part of the version after its last `-`.
    pub revision: String,
    /// `want eflag status`, such as `install ok installed`.
    pub status: String,
    pub maintainer: String,
    pub section: String,
    pub priority: String,
}

/// The fields of one stanza that the table needs, borrowed from the file.
#[derive(Debug, Default, Clone, Copy)]
struct Stanza<'a> {
    package: &'a str,
    status: &'a str,
    priority: &'a str,
    section: &'a str,
    installed_size: &'a str,
    maintainer: &'a str,
    architecture: &'a str,
    multi_arch: &'a str,
    source: &'a str,
    version: Option<&'a str>,
}

/// Reads the database under `admindir` (a host path such as `/var/lib/dpkg`).
/// A missing `status` file is an error (the directory is not a dpkg
/// database); unreadable journal files are skipped.
pub fn read(root: &HostRoot, admindir: &str) -> Result<Vec<DebPackage>, CollectError> {
    let dir = admindir.trim_end_matches('/');
    let status = root.read_string(format!("{dir}/status"))?;
    let mut journal = Vec::new();
    let updates = format!("{dir}/updates");
    if let Some(mut names) = root.list_dir(&updates).optional()? {
        names.retain(|n| !n.is_empty() && n.iter().all(u8::is_ascii_digit));
        names.sort_unstable();
        for name in names {
            let path = format!("{updates}/{}", lossy(&name));
            if let Some(text) = root.read_string(path).optional()? {
                journal.push(text);
            }
        }
    }
    let journal: Vec<&str> = journal.iter().map(String::as_str).collect();
    Ok(parse(&status, &journal))
}

/// Builds the package list from the `status` text and the journal texts
/// replayed over it, sorted by name then architecture as libdpkg sorts it.
pub fn parse(status: &str, journal: &[&str]) -> Vec<DebPackage> {
    let mut stanzas: Vec<Stanza<'_>> = Vec::new();
    let mut slots: HashMap<(&str, &str), usize> = HashMap::new();
    for text in std::iter::once(status).chain(journal.iter().copied()) {
        for stanza in stanzas_of(text) {
            if stanza.package.is_empty() {
                continue;
            }
            // A `Multi-Arch: same` package has one instance per architecture;
            // any other package has a single instance whatever its architecture.
            let arch_key = if stanza.multi_arch.eq_ignore_ascii_case("same") {
                stanza.architecture
            } else {
                ""
            };
            match slots.get(&(stanza.package, arch_key)) {
                Some(&i) => stanzas[i] = stanza,
                None => {
                    slots.insert((stanza.package, arch_key), stanzas.len());
                    stanzas.push(stanza);
                }
            }
        }
    }
    let mut packages: Vec<DebPackage> = stanzas.iter().filter_map(package).collect();
    packages.sort_by(|a, b| (&a.name, &a.arch).cmp(&(&b.name, &b.arch)));
    packages
}

/// Splits control-file text into stanzas (separated by blank lines), keeping
/// the first line of the fields the table needs. Continuation lines (a
/// leading space or tab) are skipped; field names are case-insensitive.
fn stanzas_of(text: &str) -> impl Iterator<Item = Stanza<'_>> {
    let mut lines = text.lines();
    std::iter::from_fn(move || {
        let mut stanza = Stanza::default();
        let mut seen_field = false;
        for line in lines.by_ref() {
            if line.trim().is_empty() {
                if seen_field {
                    return Some(stanza);
                }
                continue;
            }
            if line.starts_with([' ', '\t']) {
                continue;
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            seen_field = true;
            let value = value.trim();
            let slot = match name.len() {
                6 if name.eq_ignore_ascii_case("Status") => &mut stanza.status,
                6 if name.eq_ignore_ascii_case("Source") => &mut stanza.source,
                7 if name.eq_ignore_ascii_case("Package") => &mut stanza.package,
                7 if name.eq_ignore_ascii_case("Section") => &mut stanza.section,
                7 if name.eq_ignore_ascii_case("Version") => {
                    stanza.version = Some(value);
                    continue;
                }
                8 if name.eq_ignore_ascii_case("Priority") => &mut stanza.priority,
                10 if name.eq_ignore_ascii_case("Maintainer") => &mut stanza.maintainer,
                10 if name.eq_ignore_ascii_case("Multi-Arch") => &mut stanza.multi_arch,
                12 if name.eq_ignore_ascii_case("Architecture") => &mut stanza.architecture,
                14 if name.eq_ignore_ascii_case("Installed-Size") => &mut stanza.installed_size,
                _ => continue,
            };
            *slot = value;
        }
        seen_field.then_some(stanza)
    })
}

/// Renders a stanza as libdpkg does, or `None` for a package that is not installed.
fn package(s: &Stanza<'_>) -> Option<DebPackage> {
    let words: Vec<&str> = s.status.split_ascii_whitespace().collect();
    let [_want, _eflag, state] = words.as_slice() else {
        // dpkg rejects a status that is not three words; without one, a
        // package is `unknown ok not-installed`.
        return None;
    };
    if *state == "not-installed" {
        return None;
    }
    let (version, revision) = describe_version(s.version);
    Some(DebPackage {
        name: s.package.to_owned(),
        version,
        source: s.source.to_owned(),
        size: s.installed_size.parse().ok(),
        arch: s.architecture.to_owned(),
        revision,
        status: words.join(" "),
        maintainer: s.maintainer.to_owned(),
        section: s.section.to_owned(),
        priority: priority_name(s.priority),
    })
}

/// libdpkg's `versiondescribe(.., vdew_nonambig)` and the revision: the
/// epoch is shown when it is not 0 or when the rest holds a colon; a version
/// dpkg would reject is shown as written.
fn describe_version(version: Option<&str>) -> (String, String) {
    let Some(version) = version.filter(|v| !v.is_empty()) else {
        return ("<none>".to_owned(), String::new());
    };
    let (epoch, rest) = match version.split_once(':') {
        Some((e, rest)) => match e.parse::<u32>() {
            Ok(n) if !rest.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => (n, rest),
            _ => return (version.to_owned(), String::new()),
        },
        None => (0, version),
    };
    let (upstream, revision) = rest.rsplit_once('-').unwrap_or((rest, ""));
    let shown = if epoch != 0 || rest.contains(':') {
        format!("{epoch}:{upstream}")
    } else {
        upstream.to_owned()
    };
    let full = if revision.is_empty() {
        shown
    } else {
        format!("{shown}-{revision}")
    };
    (full, revision.to_owned())
}

/// libdpkg's priority name: the canonical spelling of a known priority
/// (matched case-insensitively), `unknown` when missing, else the field as written.
fn priority_name(field: &str) -> String {
    const KNOWN: [&str; 6] = [
        "required",
        "important",
        "standard",
        "optional",
        "extra",
        "unknown",
    ];
    if field.is_empty() {
        return "unknown".to_owned();
    }
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(field))
        .map_or_else(|| field.to_owned(), |k| (*k).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "\
Package: zlib1g
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 168
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Multi-Arch: same
Source: zlib
Version: 1:1.2.13.dfsg-1
Description: compression library - runtime
 zlib is a library implementing the deflate compression method found
 in gzip and PKZIP.  This package includes the shared library.

Package: zlib1g
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 160
Maintainer: Mark Brown <broonie@debian.org>
Architecture: i386
Multi-Arch: same
Source: zlib
Version: 1:1.2.13.dfsg-1

Package: base-files
Status: install ok installed
Priority: Required
Essential: yes
Section: admin
Installed-Size: 340
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Version: 12.4+deb12u5

package: old-conf
status: deinstall ok config-files
priority: weird
section: misc
installed-size: many
maintainer: Nobody <nobody@example.org>
architecture: all
version: 0:2.0

Package: gone
Status: purge ok not-installed
Priority: optional
Section: misc
Architecture: amd64
";

    #[test]
    fn renders_packages_as_libdpkg() {
        let p = parse(STATUS, &[]);
        let names: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.name.as_str(), p.arch.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("base-files", "amd64"),
                ("old-conf", "all"),
                ("zlib1g", "amd64"),
                ("zlib1g", "i386")
            ]
        );
        assert_eq!(
            p[2],
            DebPackage {
                name: "zlib1g".into(),
                version: "1:1.2.13.dfsg-1".into(),
                source: "zlib".into(),
                size: Some(168),
                arch: "amd64".into(),
                revision: "1".into(),
                status: "install ok installed".into(),
                maintainer: "Mark Brown <broonie@debian.org>".into(),
                section: "libs".into(),
                priority: "optional".into(),
            }
        );
        assert_eq!(p[0].priority, "required");
        assert_eq!(p[0].revision, "");
        assert_eq!(p[0].version, "12.4+deb12u5");
        assert_eq!(p[0].source, "");
        assert_eq!(p[1].version, "2.0");
        assert_eq!(p[1].size, None);
        assert_eq!(p[1].priority, "weird");
        assert_eq!(p[1].status, "deinstall ok config-files");
    }

    #[test]
    fn journal_entries_replace_records() {
        let update = "Package: base-files\nStatus: install ok half-configured\n\
                      Architecture: amd64\nVersion: 12.4+deb12u6\n\n\
                      Package: zlib1g\nStatus: purge ok not-installed\nArchitecture: i386\n\
                      Multi-Arch: same\n";
        let p = parse(STATUS, &[update]);
        let summary: Vec<String> = p
            .iter()
            .map(|p| format!("{}:{} {} {}", p.name, p.arch, p.version, p.status))
            .collect();
        assert_eq!(
            summary,
            vec![
                "base-files:amd64 12.4+deb12u6 install ok half-configured",
                "old-conf:all 2.0 deinstall ok config-files",
                "zlib1g:amd64 1:1.2.13.dfsg-1 install ok installed",
            ]
        );
        // The replacement has no Priority field.
        assert_eq!(p[0].priority, "unknown");
    }

    #[test]
    fn versions_render_like_versiondescribe() {
        let d = |v: &str| describe_version(Some(v));
        assert_eq!(
            d("2.36-9+deb12u4"),
            ("2.36-9+deb12u4".into(), "9+deb12u4".into())
        );
        assert_eq!(d("1:8.4p1-5"), ("1:8.4p1-5".into(), "5".into()));
        assert_eq!(d("0:1.0"), ("1.0".into(), String::new()));
        assert_eq!(d("00:1.0-a-b"), ("1.0-a-b".into(), "b".into()));
        assert_eq!(d("0:1:2-3"), ("0:1:2-3".into(), "3".into()));
        assert_eq!(d("x:1"), ("x:1".into(), String::new()));
        assert_eq!(d("1:"), ("1:".into(), String::new()));
        assert_eq!(describe_version(None), ("<none>".into(), String::new()));
    }

    #[test]
    fn hostile_status_text() {
        assert!(parse("", &[]).is_empty());
        assert!(parse("\n\n \n", &[]).is_empty());
        // No colon, a truncated stanza, odd status words, non-UTF-8 replaced on read.
        let text = "garbage line\nPackage: a\nStatus: install ok\n\nPackage: b\n\
                    Status: install  ok   unpacked\nVersion: 1-\u{fffd}";
        let p = parse(text, &[]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].name, "b");
        assert_eq!(p[0].status, "install ok unpacked");
        assert_eq!(p[0].revision, "\u{fffd}");
    }

    #[test]
    fn reads_an_admindir_with_a_journal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = HostRoot::new(dir.path());
        std::fs::create_dir_all(root.path("db/updates")).expect("mkdir");
        std::fs::write(root.path("db/status"), STATUS).expect("write");
        std::fs::write(
            root.path("db/updates/0001"),
            "Package: base-files\nStatus: install ok unpacked\nVersion: 13\n",
        )
        .expect("write");
        std::fs::write(root.path("db/updates/tmp.i"), "Package: ignored\n").expect("write");
        let p = read(&root, "/db/").expect("read");
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].version, "13");
        assert!(
            read(&root, "/nowhere")
                .expect_err("no status")
                .is_skippable()
        );
    }
}
