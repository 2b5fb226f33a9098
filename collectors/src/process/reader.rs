//! `ProcessReader`: reads the files of one process that a query needs, with
//! buffers reused from one process to the next.
//!
//! `SELECT * FROM processes` reads, per process, `stat`, `status`, `io`,
//! `cmdline` and `cgroup`, the `exe`, `cwd` and `root` links, and checks that
//! the executable exists. [`ProcessReader::read_unparsed`] performs exactly
//! those system calls without parsing anything: it is the floor the
//! `processes` benchmark compares the table against.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::process::io::{self as proc_io, Io};
use crate::process::stat::{self, Stat};
use crate::process::status::{self, Status};
use crate::process::{cgroup, cmdline, on_disk};
use crate::{CollectError, CollectErrorKind, HostRoot, lossy_os};

/// Which parts of a process to read; a query that does not use a column
/// does not pay for its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fields {
    /// `stat`: state, parent, group, CPU times, nice, threads, start time.
    pub stat: bool,
    /// `status`: name, user and group ids, memory sizes.
    pub status: bool,
    /// `io`: bytes read from and written to storage.
    pub io: bool,
    pub cmdline: bool,
    pub cgroup: bool,
    /// The `exe` link and whether the executable is still on disk; they
    /// come together because the on-disk check also edits the path.
    pub exe: bool,
    pub cwd: bool,
    pub root: bool,
}

impl Fields {
    /// Every part, as `SELECT *` needs.
    pub const ALL: Fields = Fields {
        stat: true,
        status: true,
        io: true,
        cmdline: true,
        cgroup: true,
        exe: true,
        cwd: true,
        root: true,
    };

    /// True when a regular file is read, whose absence proves the process is gone.
    fn reads_a_file(&self) -> bool {
        self.stat || self.status || self.io || self.cmdline || self.cgroup
    }
}

/// What was read of one process. A part that was not asked for, or could
/// not be read (`io` of another user's process without privileges), is
/// `None`; an unreadable link is an empty string, as in osquery.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Process {
    pub pid: i64,
    pub stat: Option<Stat>,
    pub status: Option<Status>,
    pub io: Option<Io>,
    pub cmdline: Option<String>,
    pub cgroup_path: Option<String>,
    /// The executable's path, without the ` (deleted)` suffix of a deleted one.
    pub path: Option<String>,
    /// 1 when the executable exists, 0 when it was deleted, -1 when unknown.
    pub on_disk: Option<i32>,
    pub cwd: Option<String>,
    pub root: Option<String>,
}

/// Reads processes of one host, reusing its path and file buffers.
#[derive(Debug)]
pub struct ProcessReader {
    host: HostRoot,
    /// `<root>/proc`.
    proc_dir: PathBuf,
    /// `<root>/proc/<pid>`, then a file name pushed and popped.
    path: PathBuf,
    pid_text: String,
    buf: ReadBuf,
}

impl ProcessReader {
    pub fn new(host: &HostRoot) -> Self {
        ProcessReader {
            host: host.clone(),
            proc_dir: host.path("proc"),
            path: PathBuf::new(),
            pid_text: String::new(),
            buf: ReadBuf::default(),
        }
    }

    /// Reads the `fields` of `pid`; `None` when the process no longer exists.
    pub fn read(&mut self, pid: i64, fields: Fields) -> Option<Process> {
        self.enter(pid);
        if !fields.reads_a_file() && fs::symlink_metadata(&self.path).is_err() {
            return None;
        }
        let mut p = Process {
            pid,
            ..Process::default()
        };
        if fields.status {
            p.status = self.parse_file("status", |b| Ok(status::parse(b)))?;
        }
        if fields.stat {
            p.stat = self.parse_file("stat", stat::parse)?;
        }
        if fields.io {
            p.io = self.parse_file("io", |b| Ok(proc_io::parse(b)))?;
        }
        if fields.cmdline {
            // An unreadable command line is empty in osquery, not NULL.
            let line = self.parse_file("cmdline", |b| Ok(cmdline::parse(b)))?;
            p.cmdline = Some(line.unwrap_or_default());
        }
        if fields.cgroup {
            let path = self.parse_file("cgroup", |b| Ok(cgroup::parse(b)))?;
            p.cgroup_path = Some(path.unwrap_or_default());
        }
        if fields.exe {
            let mut path = self.link("exe");
            p.on_disk = Some(on_disk::check(&self.host, pid, &mut path));
            p.path = Some(path);
        }
        if fields.cwd {
            p.cwd = Some(self.link("cwd"));
        }
        if fields.root {
            p.root = Some(self.link("root"));
        }
        Some(p)
    }

    /// The benchmark floor: reads the same files as [`ProcessReader::read`]
    /// with [`Fields::ALL`] into the reused buffer, reads the same links and
    /// checks the executable's existence, but parses nothing. Returns the
    /// number of bytes read; unreadable files count as empty.
    pub fn read_unparsed(&mut self, pid: i64) -> usize {
        self.enter(pid);
        let mut total = 0;
        for name in ["status", "stat", "io", "cmdline", "cgroup"] {
            self.path.push(name);
            total += self.buf.fill(&self.path).map_or(0, <[u8]>::len);
            self.path.pop();
        }
        let exe = self.link("exe");
        if !exe.is_empty() {
            total += usize::from(self.host.metadata(exe.as_str()).is_ok());
        }
        total += exe.len() + self.link("cwd").len() + self.link("root").len();
        total
    }

    /// Points the path buffer at `<root>/proc/<pid>` without allocating.
    fn enter(&mut self, pid: i64) {
        self.pid_text.clear();
        let _ = write!(self.pid_text, "{pid}");
        let path = self.path.as_mut_os_string();
        path.clear();
        path.push(self.proc_dir.as_os_str());
        self.path.push(&self.pid_text);
    }

    /// Reads and parses one file of the current process: `None` when the
    /// process vanished, `Some(None)` when the file may not be read or does
    /// not parse.
    fn parse_file<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&[u8]) -> Result<T, CollectError>,
    ) -> Option<Option<T>> {
        self.path.push(name);
        let result = match self.buf.fill(&self.path) {
            Ok(bytes) => Some(parse(bytes).ok()),
            Err(e) => match CollectError::io(&self.path, e).kind() {
                CollectErrorKind::Vanished => None,
                _ => Some(None),
            },
        };
        self.path.pop();
        result
    }

    /// The target of a link of the current process, or an empty string.
    fn link(&mut self, name: &str) -> String {
        self.path.push(name);
        let target = fs::read_link(&self.path);
        self.path.pop();
        match target {
            Ok(t) => t
                .into_os_string()
                .into_string()
                .unwrap_or_else(|s| lossy_os(&s)),
            Err(_) => String::new(),
        }
    }
}

/// A byte buffer reused across reads. It stays initialized up to its
/// capacity, so a read allocates nothing once it has grown to the largest file.
#[derive(Debug, Default)]
struct ReadBuf {
    data: Vec<u8>,
}

impl ReadBuf {
    /// Reads the whole file at `path` and returns its bytes.
    fn fill(&mut self, path: &Path) -> io::Result<&[u8]> {
        let mut file = File::open(path)?;
        let mut len = 0;
        loop {
            if len == self.data.len() {
                let grown = (self.data.len() * 2).max(4096);
                self.data.resize(grown, 0);
            }
            match file.read(&mut self.data[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(&self.data[..len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_buf_grows_and_is_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let big = vec![b'x'; 10_000];
        fs::write(dir.path().join("big"), &big).expect("write");
        fs::write(dir.path().join("small"), b"abc").expect("write");
        let mut buf = ReadBuf::default();
        assert_eq!(buf.fill(&dir.path().join("big")).expect("read"), &big[..]);
        assert_eq!(buf.fill(&dir.path().join("small")).expect("read"), b"abc");
        assert!(buf.fill(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn a_missing_process_is_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut reader = ProcessReader::new(&HostRoot::new(dir.path()));
        assert_eq!(reader.read(42, Fields::ALL), None);
        assert_eq!(reader.read(42, Fields::default()), None);
        assert_eq!(reader.read_unparsed(42), 0);
    }

    #[test]
    fn reads_only_the_requested_parts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pid_dir = dir.path().join("proc/42");
        fs::create_dir_all(&pid_dir).expect("mkdir");
        fs::write(pid_dir.join("status"), "Name:\tworker\nUid:\t1\t2\t3\t4\n").expect("write");
        fs::write(pid_dir.join("cmdline"), b"worker\0--fast\0").expect("write");
        let mut reader = ProcessReader::new(&HostRoot::new(dir.path()));

        let p = reader
            .read(
                42,
                Fields {
                    status: true,
                    ..Fields::default()
                },
            )
            .expect("present");
        assert_eq!(p.status.and_then(|s| s.name).as_deref(), Some("worker"));
        assert_eq!(p.cmdline, None);

        let p = reader.read(42, Fields::default()).expect("present");
        assert_eq!(p.pid, 42);

        // A missing `stat` means the process is gone.
        assert_eq!(reader.read(42, Fields::ALL), None);

        let p = reader
            .read(
                42,
                Fields {
                    cmdline: true,
                    exe: true,
                    cwd: true,
                    ..Fields::default()
                },
            )
            .expect("present");
        assert_eq!(p.cmdline.as_deref(), Some("worker --fast"));
        assert_eq!((p.path.as_deref(), p.on_disk), (Some(""), Some(-1)));
        assert_eq!(p.cwd.as_deref(), Some(""));
        assert!(reader.read_unparsed(42) > 0);
    }
}
