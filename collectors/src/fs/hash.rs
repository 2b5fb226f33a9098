//! Content hashes of regular files: MD5, SHA-1 and SHA-256 as lowercase hex, read in chunks.
//!
//! Only regular files are hashed, as in osquery: directories, devices, fifos
//! and sockets get no row. The file is opened non-blocking and checked again
//! after opening, so a fifo swapped in after the type check cannot hang the
//! scan on `open` or `read`.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;

use md5::{Digest, Md5};
use ring::digest::{Context, SHA1_FOR_LEGACY_USE_ONLY, SHA256};

use crate::{CollectError, HostRoot};

/// How much is read between two interrupt checks.
const CHUNK: usize = 64 * 1024;

/// Which digests to compute; a query that reads none of them hashes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Algorithms {
    pub md5: bool,
    pub sha1: bool,
    pub sha256: bool,
}

impl Algorithms {
    pub const ALL: Algorithms = Algorithms {
        md5: true,
        sha1: true,
        sha256: true,
    };

    pub fn any(self) -> bool {
        self.md5 || self.sha1 || self.sha256
    }
}

/// The requested digests, as lowercase hex.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hashes {
    pub md5: Option<String>,
    pub sha1: Option<String>,
    pub sha256: Option<String>,
}

/// True when `host_path` resolves to a regular file: the files `hash` has rows for.
pub fn is_regular(root: &HostRoot, host_path: &str) -> bool {
    root.metadata(host_path).is_ok_and(|m| m.is_file())
}

/// Hashes the regular file at `host_path`. `Ok(None)` when it is not a regular
/// file (once opened); errors are those of opening or reading it.
pub fn hash_file(
    root: &HostRoot,
    host_path: &str,
    algorithms: Algorithms,
    check: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Option<Hashes>, CollectError> {
    let path = root.path(host_path);
    let io = |e| CollectError::io(&path, e);
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(&path)
        .map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Ok(None);
    }
    hash_reader(file, algorithms, check)
        .map(Some)
        .map_err(|e| match e {
            HashError::Io(e) => io(e),
            HashError::Stopped(e) => e,
        })
}

/// Why hashing a reader stopped.
#[derive(Debug)]
pub enum HashError {
    Io(std::io::Error),
    Stopped(CollectError),
}

/// Hashes everything `reader` yields, calling `check` before each chunk.
pub fn hash_reader(
    mut reader: impl Read,
    algorithms: Algorithms,
    check: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Hashes, HashError> {
    let mut md5 = algorithms.md5.then(Md5::new);
    let mut sha1 = algorithms
        .sha1
        .then(|| Context::new(&SHA1_FOR_LEGACY_USE_ONLY));
    let mut sha256 = algorithms.sha256.then(|| Context::new(&SHA256));
    let mut buf = vec![0u8; CHUNK];
    loop {
        check().map_err(HashError::Stopped)?;
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(HashError::Io(e)),
        };
        let chunk = &buf[..n];
        if let Some(h) = md5.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = sha1.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = sha256.as_mut() {
            h.update(chunk);
        }
    }
    Ok(Hashes {
        md5: md5.map(|h| hex(&h.finalize())),
        sha1: sha1.map(|h| hex(h.finish().as_ref())),
        sha256: sha256.map(|h| hex(h.finish().as_ref())),
    })
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(data: &[u8]) -> Hashes {
        hash_reader(data, Algorithms::ALL, &|| Ok(())).expect("hash")
    }

    #[test]
    fn known_digests() {
        let empty = hashes(b"");
        assert_eq!(
            empty.md5.as_deref(),
            Some("d41d8cd98f00b204e9800998ecf8427e")
        );
        assert_eq!(
            empty.sha1.as_deref(),
            Some("da39a3ee5e6b4b0d3255bfef95601890afd80709")
        );
        assert_eq!(
            empty.sha256.as_deref(),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        let abc = hashes(b"abc");
        assert_eq!(abc.md5.as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
        assert_eq!(
            abc.sha1.as_deref(),
            Some("a9993e364706816aba3e25717850c26c9cd0d89d")
        );
    }

    #[test]
    fn large_input_spans_chunks_and_only_requested_digests_are_made() {
        let data = vec![b'a'; CHUNK * 2 + 17];
        let only_md5 = Algorithms {
            md5: true,
            sha1: false,
            sha256: false,
        };
        let h = hash_reader(&data[..], only_md5, &|| Ok(())).expect("hash");
        assert!(h.md5.is_some() && h.sha1.is_none() && h.sha256.is_none());
        assert_eq!(h.md5, hashes(&data).md5);
    }

    #[test]
    fn interrupt_stops_between_chunks() {
        let data = vec![0u8; CHUNK * 3];
        let calls = std::cell::Cell::new(0);
        let check = || {
            calls.set(calls.get() + 1);
            if calls.get() > 1 {
                Err(CollectError::Interrupted)
            } else {
                Ok(())
            }
        };
        match hash_reader(&data[..], Algorithms::ALL, &check) {
            Err(HashError::Stopped(CollectError::Interrupted)) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn special_files_are_not_hashed() {
        let root = HostRoot::live();
        assert!(!is_regular(&root, "/dev/null"));
        assert_eq!(
            hash_file(&root, "/dev/null", Algorithms::ALL, &|| Ok(())).expect("open"),
            None
        );
        assert_eq!(
            hash_file(&root, "/", Algorithms::ALL, &|| Ok(())).expect("open"),
            None
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let root = HostRoot::new(dir.path());
        // Opening a fifo without a writer would block; non-blocking, it is refused as not regular.
        assert_eq!(
            hash_file(&root, "/fifo", Algorithms::ALL, &|| Ok(())).expect("open"),
            None
        );
    }
}
