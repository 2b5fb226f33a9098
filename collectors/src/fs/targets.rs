//! Which paths a `file` or `hash` query names: its `path` and `directory` constraints, resolved.
//!
//! As in osquery, `path = p` names `p` itself; `path LIKE` names what the
//! pattern globs to (files and directories); `directory = d` names every entry
//! of `d` (not recursively) and `directory LIKE` every entry of every directory
//! the pattern globs to. The strings are kept as given (`/dev/` stays
//! `/dev/`), so the rows satisfy the predicates SQLite re-checks.

use std::collections::BTreeSet;

use super::glob::{self, Want};
use crate::{CollectError, HostRoot, lossy};

/// The constraints of a query on `path` and `directory`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    pub paths: Vec<String>,
    pub path_patterns: Vec<String>,
    pub directories: Vec<String>,
    pub directory_patterns: Vec<String>,
}

/// One path to describe, and the directory reported with it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub path: String,
    pub directory: String,
}

/// Resolves the constraints to paths: first the named and globbed paths
/// (sorted, without duplicates), then the entries of each named or globbed
/// directory. A directory that is missing or unreadable names nothing.
pub fn resolve(
    root: &HostRoot,
    c: &Constraints,
    check: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Vec<Target>, CollectError> {
    // Relative paths name nothing: a daemon has no meaningful working directory.
    let mut paths: BTreeSet<String> = c
        .paths
        .iter()
        .filter(|p| p.starts_with('/'))
        .cloned()
        .collect();
    for pattern in &c.path_patterns {
        paths.extend(glob::expand(root, pattern, Want::All, check)?);
    }
    let mut out: Vec<Target> = paths
        .into_iter()
        .map(|path| Target {
            directory: parent(&path),
            path,
        })
        .collect();

    let mut directories: BTreeSet<String> = c.directories.iter().cloned().collect();
    for pattern in &c.directory_patterns {
        directories.extend(glob::expand(root, pattern, Want::Folders, check)?);
    }
    for directory in directories {
        check()?;
        if !directory.starts_with('/') || !root.metadata(&directory).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let Ok(mut names) = root.list_dir(&directory) else {
            continue;
        };
        names.sort();
        for name in names {
            out.push(Target {
                path: join(&directory, &lossy(&name)),
                directory: directory.clone(),
            });
        }
    }
    Ok(out)
}

/// The directory holding `path`: `/etc` for `/etc/passwd` and for `/etc/ssh/`.
pub fn parent(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) => "/".to_owned(),
        Some(i) => trimmed[..i].to_owned(),
        // The root itself, or a relative name.
        None if path.starts_with('/') => "/".to_owned(),
        None => String::new(),
    }
}

/// The last component of `path`: `passwd`, `ssh` for `/etc/ssh/`, `/` for the root.
pub fn file_name(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].to_owned(),
        None if trimmed.is_empty() && path.starts_with('/') => "/".to_owned(),
        None => trimmed.to_owned(),
    }
}

/// `directory/name`, without doubling a trailing slash (`/dev/` + `null` is `/dev/null`).
pub fn join(directory: &str, name: &str) -> String {
    if directory.ends_with('/') {
        format!("{directory}{name}")
    } else {
        format!("{directory}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_pieces() {
        assert_eq!(parent("/etc/passwd"), "/etc");
        assert_eq!(parent("/etc/ssh/"), "/etc");
        assert_eq!(parent("/etc"), "/");
        assert_eq!(parent("/"), "/");
        assert_eq!(parent("relative"), "");
        assert_eq!(file_name("/etc/passwd"), "passwd");
        assert_eq!(file_name("/etc/ssh/"), "ssh");
        assert_eq!(file_name("/"), "/");
        assert_eq!(join("/dev/", "null"), "/dev/null");
        assert_eq!(join("/dev", "null"), "/dev/null");
    }

    #[test]
    fn resolves_paths_and_directories() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("srv/a")).expect("mkdir");
        for f in ["srv/a/one", "srv/a/two", "srv/top"] {
            std::fs::write(dir.path().join(f), "x").expect("write");
        }
        let root = HostRoot::new(dir.path());
        let c = Constraints {
            paths: vec!["/srv/top".into(), "/srv/missing".into(), "srv/top".into()],
            path_patterns: vec!["/srv/%".into()],
            directories: vec!["/srv/a/".into(), "/srv/top".into(), "srv".into()],
            directory_patterns: vec![],
        };
        let t = resolve(&root, &c, &|| Ok(())).expect("resolve");
        let pairs: Vec<(&str, &str)> = t
            .iter()
            .map(|t| (t.path.as_str(), t.directory.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("/srv/a/", "/srv"),
                ("/srv/missing", "/srv"),
                ("/srv/top", "/srv"),
                ("/srv/a/one", "/srv/a/"),
                ("/srv/a/two", "/srv/a/"),
            ]
        );
        let by_pattern = Constraints {
            directory_patterns: vec!["/sr%".into()],
            ..Constraints::default()
        };
        let t = resolve(&root, &by_pattern, &|| Ok(())).expect("resolve");
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].path.as_str(), t[0].directory.as_str()),
            ("/srv/a", "/srv/")
        );
    }
}
