//! The distribution's name and version: `/etc/os-release`, and the older
//! `/etc/redhat-release` and `/etc/gentoo-release`, read as osquery reads them.

use crate::{CollectError, HostRoot, OptionalExt};

/// What osquery's `os_version` reports. Versions stay text, as osquery
/// keeps them (`04` of Ubuntu's `22.04` is the minor version 4 once typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsVersion {
    pub name: String,
    pub version: Option<String>,
    pub major: String,
    pub minor: String,
    pub patch: String,
    pub build: Option<String>,
    pub platform: String,
    pub platform_like: Option<String>,
    pub codename: Option<String>,
}

impl Default for OsVersion {
    /// osquery's values when nothing is known.
    fn default() -> Self {
        OsVersion {
            name: "Unknown".into(),
            version: None,
            major: "0".into(),
            minor: "0".into(),
            patch: "0".into(),
            build: None,
            platform: "posix".into(),
            platform_like: None,
            codename: None,
        }
    }
}

pub fn read(root: &HostRoot) -> Result<OsVersion, CollectError> {
    let mut os = OsVersion::default();
    // systemd's os-release(5) falls back to /usr/lib/os-release when /etc has none.
    let mut release = root.read_string("etc/os-release").optional()?;
    if release.is_none() {
        release = root.read_string("usr/lib/os-release").optional()?;
    }
    if let Some(text) = release {
        apply_os_release(&mut os, &text);
    }
    for (file, platform) in [
        ("etc/redhat-release", "rhel"),
        ("etc/gentoo-release", "gentoo"),
    ] {
        if let Some(text) = root.read_string(file).optional()? {
            apply_legacy_release(&mut os, &text, platform);
            break;
        }
    }
    Ok(os)
}

/// Applies `KEY=value` lines of os-release: `NAME`, `VERSION`, `BUILD_ID`, `ID`,
/// `ID_LIKE`, `VERSION_ID` (split into major, minor and patch) and any key
/// naming a codename (`VERSION_CODENAME`, `UBUNTU_CODENAME`; the last one wins).
pub fn apply_os_release(os: &mut OsVersion, text: &str) {
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = unquote(value.trim_end()).to_owned();
        match key {
            "NAME" => os.name = value,
            "VERSION" => os.version = Some(value),
            "BUILD_ID" => os.build = Some(value),
            "ID" => os.platform = value,
            "ID_LIKE" => os.platform_like = Some(value),
            "VERSION_ID" => {
                let mut parts = value.splitn(3, '.');
                if let Some(major) = parts.next() {
                    os.major = major.to_owned();
                }
                if let Some(minor) = parts.next() {
                    os.minor = minor.to_owned();
                }
                if let Some(patch) = parts.next() {
                    os.patch = patch.to_owned();
                }
            }
            k if k.contains("CODENAME") => os.codename = Some(value),
            _ => {}
        }
    }
}

/// Strips one pair of enclosing double or single quotes.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// Applies a one-line release file such as `CentOS Linux release 7.9.2009 (Core)`:
/// it names the platform and overrides the name, version and version numbers.
pub fn apply_legacy_release(os: &mut OsVersion, text: &str, platform: &str) {
    os.platform = platform.to_owned();
    os.platform_like = Some(platform.to_owned());
    let content = collapse_whitespace(text);
    if let Some(m) = content.lines().find_map(match_release_line) {
        os.name = m.name.to_owned();
        os.major = m.major.to_owned();
        os.minor = m.minor.to_owned();
        os.patch = if m.patch.is_empty() {
            "0".to_owned()
        } else {
            m.patch.to_owned()
        };
    }
    os.version = Some(content);
    os.build = Some(String::new());
}

/// Trims the ends and turns each inner run of whitespace into its first character.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(c);
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
struct ReleaseMatch<'a> {
    name: &'a str,
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
}

/// Finds what osquery's pattern `([\w+\s]+) .* ([0-9]+)\.([0-9]+)\.?(\w+)?`
/// finds: a name, then (after a space, anything and a space) `major.minor[.patch]`.
/// The name and the filler are greedy, so the name is as long as possible and
/// the version is the last one that still leaves a space after the name.
fn match_release_line(line: &str) -> Option<ReleaseMatch<'_>> {
    let b = line.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let in_name = |c: u8| is_word(c) || c == b'+' || c.is_ascii_whitespace();
    // Versions: positions q where ` digits.digit` starts.
    let versions: Vec<usize> = (0..b.len())
        .filter(|&q| {
            b[q] == b' ' && {
                let digits = b[q + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                digits > 0
                    && b.get(q + 1 + digits) == Some(&b'.')
                    && b.get(q + 2 + digits).is_some_and(u8::is_ascii_digit)
            }
        })
        .collect();
    for start in 0..b.len() {
        if !in_name(b[start]) {
            continue;
        }
        let run = b[start..].iter().take_while(|&&c| in_name(c)).count();
        // The longest name: it ends at a space with a version starting after that space.
        for end in (start + 1..=start + run).rev() {
            if b.get(end) != Some(&b' ') {
                continue;
            }
            let Some(&q) = versions.iter().rev().find(|&&q| q > end) else {
                continue;
            };
            let major_end = q + 1 + b[q + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            let minor_start = major_end + 1;
            let minor_end = minor_start
                + b[minor_start..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
            let mut patch_start = minor_end;
            if b.get(patch_start) == Some(&b'.') {
                patch_start += 1;
            }
            let patch_end =
                patch_start + b[patch_start..].iter().take_while(|&&c| is_word(c)).count();
            return Some(ReleaseMatch {
                name: &line[start..end],
                major: &line[q + 1..major_end],
                minor: &line[minor_start..minor_end],
                patch: &line[patch_start..patch_end],
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEBIAN: &str = r#"PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
"#;

    #[test]
    fn debian_os_release() {
        let mut os = OsVersion::default();
        apply_os_release(&mut os, DEBIAN);
        assert_eq!(os.name, "Debian GNU/Linux");
        assert_eq!(os.version.as_deref(), Some("12 (bookworm)"));
        assert_eq!(
            (os.major.as_str(), os.minor.as_str(), os.patch.as_str()),
            ("12", "0", "0")
        );
        assert_eq!(os.platform, "debian");
        assert_eq!(os.platform_like, None);
        assert_eq!(os.codename.as_deref(), Some("bookworm"));
        assert_eq!(os.build, None);
    }

    #[test]
    fn ubuntu_versions_and_codenames() {
        let mut os = OsVersion::default();
        apply_os_release(
            &mut os,
            "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\n\
             ID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=jammy\nUBUNTU_CODENAME=jammy\n",
        );
        assert_eq!((os.major.as_str(), os.minor.as_str()), ("22", "04"));
        assert_eq!(os.platform_like.as_deref(), Some("debian"));
        assert_eq!(os.codename.as_deref(), Some("jammy"));
        let mut os = OsVersion::default();
        apply_os_release(
            &mut os,
            "VERSION_ID='3.19.1.7'\nNAME=Alpine Linux\n# comment\n=x\n",
        );
        assert_eq!(
            (os.major.as_str(), os.minor.as_str(), os.patch.as_str()),
            ("3", "19", "1.7")
        );
        assert_eq!(os.name, "Alpine Linux");
    }

    #[test]
    fn empty_release_keeps_defaults() {
        let mut os = OsVersion::default();
        apply_os_release(&mut os, "");
        assert_eq!(os, OsVersion::default());
    }

    #[test]
    fn legacy_release_files() {
        let mut os = OsVersion::default();
        apply_legacy_release(&mut os, "CentOS Linux release 7.9.2009 (Core)\n", "rhel");
        assert_eq!(os.name, "CentOS Linux");
        assert_eq!(
            (os.major.as_str(), os.minor.as_str(), os.patch.as_str()),
            ("7", "9", "2009")
        );
        assert_eq!(
            os.version.as_deref(),
            Some("CentOS Linux release 7.9.2009 (Core)")
        );
        assert_eq!(
            (os.platform.as_str(), os.platform_like.as_deref()),
            ("rhel", Some("rhel"))
        );
        assert_eq!(os.build.as_deref(), Some(""));

        let mut os = OsVersion::default();
        apply_legacy_release(&mut os, "Rocky Linux release 9.3 (Blue Onyx)", "rhel");
        assert_eq!(os.name, "Rocky Linux");
        assert_eq!(
            (os.major.as_str(), os.minor.as_str(), os.patch.as_str()),
            ("9", "3", "0")
        );

        let mut os = OsVersion::default();
        apply_legacy_release(&mut os, "Gentoo Base System  release 2.14\n", "gentoo");
        assert_eq!(os.name, "Gentoo Base System");
        assert_eq!(
            os.version.as_deref(),
            Some("Gentoo Base System release 2.14")
        );
        assert_eq!((os.major.as_str(), os.minor.as_str()), ("2", "14"));

        // No version number: only the platform and the raw text are known.
        let mut os = OsVersion::default();
        apply_legacy_release(&mut os, "Fedora (Rawhide)", "rhel");
        assert_eq!(os.name, "Unknown");
        assert_eq!(os.version.as_deref(), Some("Fedora (Rawhide)"));
    }
}
