//! osquery's file patterns: a SQL `LIKE` pattern on a path, resolved as a shell glob.
//!
//! osquery turns `%` into `*` and hands the pattern to `glob(3)` (with
//! `GLOB_MARK`), so `%` matches within one path component, `_` is literal, a
//! wildcard does not match a leading dot, and directories come back with a
//! trailing `/`. A pattern ending in `%%` recurses: osquery globs again with
//! one more `/*` level until a level is empty (at most 63 levels).
//!
//! The recursion here does not descend through symbolic links to directories
//! (they are listed, not entered), so a link to `/` or a link loop cannot turn
//! one query into a walk of the whole machine; osquery stops such loops by
//! remembering inodes instead.

use std::path::PathBuf;

use crate::{CollectError, HostRoot};

/// Which matches a pattern keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Files and directories (osquery's `GLOB_ALL`), for `path LIKE`.
    All,
    /// Directories only (`GLOB_FOLDERS`), for `directory LIKE`.
    Folders,
}

/// The most levels a recursive (`%%`) pattern descends, as in osquery.
const MAX_LEVELS: usize = 63;

/// Resolves `pattern` on `root` to host paths, sorted; directories end with `/`.
/// A relative pattern resolves to nothing: a daemon has no meaningful working directory.
pub fn expand(
    root: &HostRoot,
    pattern: &str,
    want: Want,
    check: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Vec<String>, CollectError> {
    let pattern = pattern.replace('%', "*");
    if !pattern.starts_with('/') {
        return Ok(Vec::new());
    }
    // osquery recurses when the pattern ends in `**`, optionally followed by one `/`.
    let trimmed = pattern.strip_suffix('/').unwrap_or(&pattern);
    let recursive = trimmed.ends_with("**");
    let components: Vec<&str> = if recursive { trimmed } else { pattern.as_str() }
        .split('/')
        .filter(|c| !c.is_empty())
        .collect();

    let mut found = glob(
        root,
        &components,
        pattern.ends_with('/') && !recursive,
        check,
    )?;
    if recursive {
        let mut level = found.clone();
        for _ in 1..MAX_LEVELS {
            let mut next = Vec::new();
            for dir in &level {
                check()?;
                if !is_real_dir(root, dir) {
                    continue;
                }
                for name in list(root, dir) {
                    if !name.starts_with(b".") {
                        next.push(join(dir, &name));
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            found.extend(next.iter().cloned());
            level = next;
        }
    }

    let mut out: Vec<String> = found
        .into_iter()
        .filter_map(|p| {
            let text = p.to_string_lossy().into_owned();
            let dir = root.metadata(&p).is_ok_and(|m| m.is_dir());
            match (dir, want) {
                (true, _) => Some(format!("{}/", text.trim_end_matches('/'))),
                (false, Want::All) => Some(text),
                (false, Want::Folders) => None,
            }
        })
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Expands one glob: literal components are appended, wildcard components are
/// matched against directory listings. Returns the existing matches.
fn glob(
    root: &HostRoot,
    components: &[&str],
    dirs_only: bool,
    check: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Vec<PathBuf>, CollectError> {
    let mut current = vec![PathBuf::from("/")];
    for component in components {
        check()?;
        let pat = component.as_bytes();
        let mut next = Vec::new();
        if has_magic(pat) {
            for dir in &current {
                for name in list(root, dir) {
                    if matches(pat, &name) {
                        next.push(join(dir, &name));
                    }
                }
            }
            next.sort();
        } else {
            let literal = unescape(component);
            next = current.iter().map(|d| d.join(&literal)).collect();
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    // Like glob(3), a match must exist (a dangling symbolic link does).
    current.retain(|p| root.symlink_metadata(p).is_ok());
    if dirs_only {
        current.retain(|p| root.metadata(p).is_ok_and(|m| m.is_dir()));
    }
    Ok(current)
}

/// The entry names of a host directory; an unreadable or vanished directory has none.
fn list(root: &HostRoot, dir: &std::path::Path) -> Vec<Vec<u8>> {
    root.list_dir(dir).unwrap_or_default()
}

fn join(dir: &std::path::Path, name: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    dir.join(std::ffi::OsStr::from_bytes(name))
}

/// A directory that is not reached through a symbolic link.
fn is_real_dir(root: &HostRoot, p: &std::path::Path) -> bool {
    root.symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

fn has_magic(pat: &[u8]) -> bool {
    pat.iter().any(|b| matches!(b, b'*' | b'?' | b'['))
}

/// Removes the backslashes that escape glob characters.
fn unescape(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    let mut chars = component.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// `fnmatch(3)` on one path component, with `FNM_PERIOD`: `*`, `?` and `[...]`
/// (negated by `!` or `^`, with ranges) never match a leading dot.
pub fn matches(pat: &[u8], name: &[u8]) -> bool {
    if name.first() == Some(&b'.') && pat.first() != Some(&b'.') {
        return false;
    }
    match_from(pat, name)
}

fn match_from(pat: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    // Where to resume after the last `*`: the pattern index after it and the name index it covers up to.
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match pat.get(p) {
            Some(b'*') => {
                star = Some((p + 1, n));
                p += 1;
                continue;
            }
            Some(b'?') => Some(p + 1),
            Some(b'[') => match class(pat, p, name[n]) {
                Some(matched) => matched,
                // An unterminated `[` is a literal.
                None => (name[n] == b'[').then_some(p + 1),
            },
            Some(b'\\') if p + 1 < pat.len() => (pat[p + 1] == name[n]).then_some(p + 2),
            Some(&c) => (c == name[n]).then_some(p + 1),
            None => None,
        };
        match (step, star) {
            (Some(next), _) => {
                p = next;
                n += 1;
            }
            (None, Some((after, covered))) => {
                p = after;
                n = covered + 1;
                star = Some((after, covered + 1));
            }
            (None, None) => return false,
        }
    }
    pat[p..].iter().all(|&c| c == b'*')
}

/// Matches `c` against the bracket expression at `pat[start]`: `Some(Some(end))`
/// on a match (`end` is the index after the expression), `Some(None)` on a
/// mismatch, `None` when the expression is unterminated.
fn class(pat: &[u8], start: usize, c: u8) -> Option<Option<usize>> {
    let mut i = start + 1;
    let negate = matches!(pat.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let lo = *pat.get(i)?;
        if lo == b']' && !first {
            break;
        }
        first = false;
        if pat.get(i + 1) == Some(&b'-') && pat.get(i + 2).is_some_and(|&h| h != b']') {
            let hi = pat[i + 2];
            hit |= lo <= c && c <= hi;
            i += 3;
        } else {
            hit |= lo == c;
            i += 1;
        }
    }
    Some((hit != negate).then_some(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        matches(p.as_bytes(), n.as_bytes())
    }

    #[test]
    fn component_matching() {
        assert!(m("*", "passwd"));
        assert!(m("pass*", "passwd"));
        assert!(m("*wd", "passwd"));
        assert!(m("p*s*d", "passwd"));
        assert!(!m("p*x", "passwd"));
        assert!(m("pass?d", "passwd"));
        assert!(!m("pass?", "passwd"));
        assert!(m("[ab]c", "bc"));
        assert!(m("[a-c]c", "bc"));
        assert!(!m("[!a-c]c", "bc"));
        assert!(m("[]]", "]"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "x"));
        // `_` is not a wildcard in osquery's patterns.
        assert!(!m("pass_d", "passwd"));
        assert!(m("[", "["));
        assert!(m("*", ""));
    }

    #[test]
    fn wildcards_skip_hidden_names() {
        assert!(!m("*", ".bashrc"));
        assert!(!m("?bashrc", ".bashrc"));
        assert!(m(".*", ".bashrc"));
        assert!(m(".bash*", ".bashrc"));
    }

    fn tree() -> (tempfile::TempDir, HostRoot) {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        for p in ["etc/ssh", "etc/cron.d", "etc/deep/a/b"] {
            std::fs::create_dir_all(d.join(p)).expect("mkdir");
        }
        for p in [
            "etc/passwd",
            "etc/.hidden",
            "etc/ssh/sshd_config",
            "etc/deep/a/b/leaf",
        ] {
            std::fs::write(d.join(p), "x").expect("write");
        }
        std::os::unix::fs::symlink("..", d.join("etc/deep/up")).expect("symlink");
        let root = HostRoot::new(d);
        (dir, root)
    }

    fn expand_ok(root: &HostRoot, p: &str, want: Want) -> Vec<String> {
        expand(root, p, want, &|| Ok(())).expect("expand")
    }

    #[test]
    fn one_level_pattern() {
        let (_d, root) = tree();
        assert_eq!(
            expand_ok(&root, "/etc/%", Want::All),
            vec!["/etc/cron.d/", "/etc/deep/", "/etc/passwd", "/etc/ssh/"]
        );
        assert_eq!(
            expand_ok(&root, "/etc/%", Want::Folders),
            vec!["/etc/cron.d/", "/etc/deep/", "/etc/ssh/"]
        );
        assert_eq!(
            expand_ok(&root, "/etc/%/sshd_%", Want::All),
            vec!["/etc/ssh/sshd_config"]
        );
        assert_eq!(
            expand_ok(&root, "/etc/pass%", Want::All),
            vec!["/etc/passwd"]
        );
        assert!(expand_ok(&root, "/nope/%", Want::All).is_empty());
        assert!(expand_ok(&root, "etc/%", Want::All).is_empty());
    }

    #[test]
    fn double_percent_recurses_without_following_links() {
        let (_d, root) = tree();
        assert_eq!(
            expand_ok(&root, "/etc/deep/%%", Want::All),
            vec![
                "/etc/deep/a/",
                "/etc/deep/a/b/",
                "/etc/deep/a/b/leaf",
                "/etc/deep/up/"
            ]
        );
        assert_eq!(
            expand_ok(&root, "/etc/deep/%%", Want::Folders),
            vec!["/etc/deep/a/", "/etc/deep/a/b/", "/etc/deep/up/"]
        );
    }

    #[test]
    fn interrupt_stops_the_walk() {
        let (_d, root) = tree();
        let err = expand(&root, "/etc/%%", Want::All, &|| {
            Err(CollectError::Interrupted)
        })
        .expect_err("interrupted");
        assert!(matches!(err, CollectError::Interrupted));
    }
}
