//! `HostRoot`: the one place that turns a host path such as `/proc/meminfo` into a path to open.
//!
//! Every collector reads through a `HostRoot`, so tests can point a whole
//! collector at a fixture tree (a fake `/proc`, `/sys` and `/etc`) and assert
//! exact values, while the daemon uses the live root `/`.

use std::ffi::OsStr;
use std::fs::{self, File, Metadata};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::CollectError;

/// The root directory under which host paths are resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRoot {
    root: Arc<Path>,
}

impl Default for HostRoot {
    fn default() -> Self {
        HostRoot::live()
    }
}

impl HostRoot {
    /// A root at `dir`: `/etc/passwd` is read from `dir/etc/passwd`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        HostRoot {
            root: Arc::from(dir.into()),
        }
    }

    /// The running host itself.
    pub fn live() -> Self {
        HostRoot::new("/")
    }

    /// True when this root is the running host, so APIs that have no file
    /// form (getifaddrs, statvfs, clocks) describe the same host.
    pub fn is_live(&self) -> bool {
        self.root.as_ref() == Path::new("/")
    }

    /// The directory this root points at.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// The path under this root of a host path; leading slashes are ignored,
    /// so `path("/etc/hosts")` and `path("etc/hosts")` are the same file.
    pub fn path(&self, host_path: impl AsRef<Path>) -> PathBuf {
        let rel = host_path.as_ref();
        let rel = rel.strip_prefix("/").unwrap_or(rel);
        self.root.join(rel)
    }

    /// The host path of a path under this root: the inverse of [`HostRoot::path`].
    pub fn host_path(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(rel) => Path::new("/").join(rel),
            Err(_) => path.to_path_buf(),
        }
    }

    /// Opens a host file for reading.
    pub fn open(&self, host_path: impl AsRef<Path>) -> Result<File, CollectError> {
        let p = self.path(host_path);
        File::open(&p).map_err(|e| CollectError::io(p, e))
    }

    /// Reads a whole host file.
    pub fn read(&self, host_path: impl AsRef<Path>) -> Result<Vec<u8>, CollectError> {
        let p = self.path(host_path);
        let mut buf = Vec::new();
        File::open(&p)
            .and_then(|mut f| f.read_to_end(&mut buf))
            .map_err(|e| CollectError::io(p, e))?;
        Ok(buf)
    }

    /// Reads a whole host file as text; invalid UTF-8 is replaced, never an error.
    pub fn read_string(&self, host_path: impl AsRef<Path>) -> Result<String, CollectError> {
        let bytes = self.read(host_path)?;
        Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// Reads a one-line host file (as in `/sys` and `/proc/sys`), without its trailing newline.
    pub fn read_trimmed(&self, host_path: impl AsRef<Path>) -> Result<String, CollectError> {
        let mut s = self.read_string(host_path)?;
        let end = s.trim_end().len();
        s.truncate(end);
        Ok(s)
    }

    /// Reads a symbolic link's target as the host would see it.
    pub fn read_link(&self, host_path: impl AsRef<Path>) -> Result<PathBuf, CollectError> {
        let p = self.path(host_path);
        fs::read_link(&p).map_err(|e| CollectError::io(p, e))
    }

    /// Lists a host directory's entry names (not full paths), in directory order.
    pub fn list_dir(&self, host_path: impl AsRef<Path>) -> Result<Vec<Vec<u8>>, CollectError> {
        let p = self.path(host_path);
        let entries = fs::read_dir(&p).map_err(|e| CollectError::io(&p, e))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| CollectError::io(&p, e))?;
            names.push(entry.file_name().as_bytes().to_vec());
        }
        Ok(names)
    }

    /// `stat` of a host path, following symbolic links.
    pub fn metadata(&self, host_path: impl AsRef<Path>) -> Result<Metadata, CollectError> {
        let p = self.path(host_path);
        fs::metadata(&p).map_err(|e| CollectError::io(p, e))
    }

    /// `lstat` of a host path: a symbolic link is described, not followed.
    pub fn symlink_metadata(&self, host_path: impl AsRef<Path>) -> Result<Metadata, CollectError> {
        let p = self.path(host_path);
        fs::symlink_metadata(&p).map_err(|e| CollectError::io(p, e))
    }

    /// The numeric process directories under `/proc`, in ascending pid order.
    pub fn pids(&self) -> Result<Vec<i64>, CollectError> {
        let mut pids: Vec<i64> = self
            .list_dir("proc")?
            .iter()
            .filter_map(|name| std::str::from_utf8(name).ok()?.parse().ok())
            .collect();
        pids.sort_unstable();
        Ok(pids)
    }
}

/// Converts raw bytes from the OS (file names, command lines) to text, replacing invalid UTF-8.
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Converts an OS string to text, replacing invalid UTF-8.
pub fn lossy_os(s: &OsStr) -> String {
    lossy(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ignores_leading_slash_and_maps_back() {
        let root = HostRoot::new("/fixtures/host1");
        assert_eq!(
            root.path("/etc/passwd"),
            PathBuf::from("/fixtures/host1/etc/passwd")
        );
        assert_eq!(
            root.path("etc/passwd"),
            PathBuf::from("/fixtures/host1/etc/passwd")
        );
        assert_eq!(
            root.host_path(Path::new("/fixtures/host1/etc/passwd")),
            PathBuf::from("/etc/passwd")
        );
        assert!(!root.is_live());
        assert!(HostRoot::live().is_live());
    }

    #[test]
    fn missing_file_is_vanished_not_fatal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = HostRoot::new(dir.path());
        let err = root.read("proc/1/stat").expect_err("missing");
        assert!(err.is_skippable(), "{err}");
    }

    #[test]
    fn pids_are_numeric_entries_sorted() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["10", "2", "self", "acpi", "300"] {
            fs::create_dir_all(dir.path().join("proc").join(name)).expect("mkdir");
        }
        let root = HostRoot::new(dir.path());
        assert_eq!(root.pids().expect("pids"), vec![2, 10, 300]);
    }
}
