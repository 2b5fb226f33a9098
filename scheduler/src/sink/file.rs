//! The filesystem sink: `osqueryd.results.log`, `osqueryd.snapshots.log` and
//! `osqueryd.status.log`, JSON lines, rotated by size (`NAME.1` is the newest
//! rotated file) with a retention count and optional gzip.
//!
//! Exactly-once across crashes: after each batch the file's inode and size
//! are saved with the cursor. On restart, bytes beyond the saved size are the
//! start of the batch that was being written: its complete lines count as
//! delivered and a torn last line is cut off. Rotation happens only between
//! batches, so a rotated file never holds an undelivered line.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Sink;
use crate::config::FileSinkConfig;
use crate::error::ScheduleError;
use crate::store::{Entry, Kind};

/// Which file a sink writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Results,
    Snapshots,
    Status,
}

impl Stream {
    pub const ALL: [Stream; 3] = [Stream::Results, Stream::Snapshots, Stream::Status];

    pub fn file_name(self) -> &'static str {
        match self {
            Stream::Results => "osqueryd.results.log",
            Stream::Snapshots => "osqueryd.snapshots.log",
            Stream::Status => "osqueryd.status.log",
        }
    }

    fn kinds(self) -> &'static [Kind] {
        match self {
            Stream::Results => &[Kind::Result],
            Stream::Snapshots => &[Kind::Snapshot],
            Stream::Status => &[Kind::Status],
        }
    }

    fn id(self) -> &'static str {
        match self {
            Stream::Results => "file:results",
            Stream::Snapshots => "file:snapshots",
            Stream::Status => "file:status",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
struct State {
    ino: u64,
    size: u64,
}

/// One log file.
pub struct FileSink {
    config: FileSinkConfig,
    stream: Stream,
    path: PathBuf,
    file: Option<File>,
}

impl FileSink {
    pub fn new(config: FileSinkConfig, stream: Stream) -> Result<FileSink, ScheduleError> {
        let path = config.dir.join(stream.file_name());
        Ok(FileSink {
            config,
            stream,
            path,
            file: None,
        })
    }

    fn open(&mut self) -> Result<&mut File, ScheduleError> {
        if self.file.is_none() {
            std::fs::create_dir_all(&self.config.dir)
                .map_err(|e| ScheduleError::io(&self.config.dir, e))?;
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .read(true)
                .open(&self.path)
                .map_err(|e| ScheduleError::io(&self.path, e))?;
            self.file = Some(f);
        }
        self.file
            .as_mut()
            .ok_or_else(|| ScheduleError::sink(self.stream.id(), "no file"))
    }

    fn state(&mut self) -> Result<State, ScheduleError> {
        let path = self.path.clone();
        let m = self
            .open()?
            .metadata()
            .map_err(|e| ScheduleError::io(&path, e))?;
        Ok(State {
            ino: m.ino(),
            size: m.len(),
        })
    }

    /// Renames `NAME` to `NAME.1` (shifting older ones) once it reaches the size limit.
    fn rotate_if_full(&mut self) -> Result<(), ScheduleError> {
        if self.config.max_size == 0 {
            return Ok(());
        }
        let size = self.state()?.size;
        if size < self.config.max_size {
            return Ok(());
        }
        self.file = None;
        let keep = self.config.rotate_count.max(1);
        let name = |i: u32, gz: bool| -> PathBuf {
            let mut p = self.path.clone().into_os_string();
            p.push(format!(".{i}{}", if gz { ".gz" } else { "" }));
            PathBuf::from(p)
        };
        for gz in [false, true] {
            let _ = std::fs::remove_file(name(keep, gz));
        }
        for i in (1..keep).rev() {
            for gz in [false, true] {
                let from = name(i, gz);
                if from.exists() {
                    std::fs::rename(&from, name(i + 1, gz))
                        .map_err(|e| ScheduleError::io(&from, e))?;
                }
            }
        }
        let first = name(1, false);
        std::fs::rename(&self.path, &first).map_err(|e| ScheduleError::io(&self.path, e))?;
        if self.config.compress {
            compress(&first, &name(1, true))?;
        }
        Ok(())
    }
}

/// Gzips `from` into `to` through a temporary file, then removes `from`.
fn compress(from: &Path, to: &Path) -> Result<(), ScheduleError> {
    let mut tmp = to.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut input = File::open(from).map_err(|e| ScheduleError::io(from, e))?;
    let out = File::create(&tmp).map_err(|e| ScheduleError::io(&tmp, e))?;
    let mut enc = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    std::io::copy(&mut input, &mut enc).map_err(|e| ScheduleError::io(&tmp, e))?;
    enc.finish().map_err(|e| ScheduleError::io(&tmp, e))?;
    std::fs::rename(&tmp, to).map_err(|e| ScheduleError::io(to, e))?;
    std::fs::remove_file(from).map_err(|e| ScheduleError::io(from, e))
}

impl Sink for FileSink {
    fn id(&self) -> String {
        self.stream.id().to_owned()
    }

    fn kinds(&self) -> &[Kind] {
        self.stream.kinds()
    }

    fn recover(&mut self, state: Option<&str>, pending: &[Entry]) -> Result<usize, ScheduleError> {
        let saved: Option<State> = state.and_then(|s| serde_json::from_str(s).ok());
        let now = self.state()?;
        // Where the unacknowledged bytes start in the current file.
        let start = match saved {
            Some(s) if s.ino == now.ino && s.size <= now.size => s.size,
            Some(s) if s.ino == now.ino => {
                // Truncated behind our back (copytruncate): nothing of ours is pending there.
                tracing::warn!(file = %self.path.display(), saved = s.size, now = now.size, "log file shrank");
                now.size
            }
            // A new file since the last acknowledged batch: all of it is pending lines.
            Some(_) => 0,
            // Never acknowledged anything: the file predates this cursor.
            None => now.size,
        };
        if start == now.size {
            return Ok(0);
        }
        let path = self.path.clone();
        let file = self.open()?;
        let mut tail = Vec::new();
        file.seek(SeekFrom::Start(start))
            .and_then(|_| file.take(now.size - start).read_to_end(&mut tail))
            .map_err(|e| ScheduleError::io(&path, e))?;
        let complete = tail.iter().filter(|b| **b == b'\n').count();
        let keep = tail.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) as u64;
        if start + keep < now.size {
            // A line torn by the crash: it is written again from the outbox.
            file.set_len(start + keep)
                .map_err(|e| ScheduleError::io(&path, e))?;
        }
        // Each delivered line is one pending entry, in order.
        let mut expected = pending.iter().map(|e| e.line.as_bytes());
        let mut lines = tail[..keep as usize].split(|b| *b == b'\n');
        for _ in 0..complete {
            let (Some(want), Some(got)) = (expected.next(), lines.next()) else {
                break;
            };
            if want != got {
                // Someone else wrote to the file: count nothing as ours
                // rather than stall; the batch is written again.
                tracing::warn!(file = %path.display(), "the log file holds lines the store does not know");
                return Ok(0);
            }
        }
        Ok(complete.min(pending.len()))
    }

    fn deliver(&mut self, entries: &[Entry]) -> Result<Option<String>, ScheduleError> {
        if !entries.is_empty() {
            self.rotate_if_full()?;
            let mut buf = Vec::with_capacity(entries.iter().map(|e| e.line.len() + 1).sum());
            for e in entries {
                buf.extend_from_slice(e.line.as_bytes());
                buf.push(b'\n');
            }
            let path = self.path.clone();
            let before = self.state()?.size;
            let file = self.open()?;
            if let Err(e) = file.write_all(&buf).and_then(|()| file.flush()) {
                // A short write (disk full) leaves part of the batch: cut it so
                // the retry writes the batch whole, and reopen next time.
                let _ = file.set_len(before);
                self.file = None;
                return Err(ScheduleError::io(&path, e));
            }
        }
        let state = self.state()?;
        Ok(serde_json::to_string(&state).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(from: i64, n: i64) -> Vec<Entry> {
        (from..from + n)
            .map(|seq| Entry {
                seq,
                kind: Kind::Result,
                line: format!("{{\"n\":{seq:04}}}"),
            })
            .collect()
    }

    #[test]
    fn files_rotate_by_size_keep_a_count_and_gzip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut sink = FileSink::new(
            FileSinkConfig {
                dir: dir.path().to_path_buf(),
                max_size: 30,
                rotate_count: 2,
                compress: true,
            },
            Stream::Results,
        )
        .expect("sink");
        for batch in 0..4 {
            sink.deliver(&entries(batch * 3 + 1, 3)).expect("delivered");
        }
        let read_gz = |name: &str| {
            let f = File::open(dir.path().join(name)).expect("rotated file");
            let mut s = String::new();
            flate2::read::GzDecoder::new(f)
                .read_to_string(&mut s)
                .expect("gzip");
            s
        };
        // Each batch is 33 bytes, over the limit: every batch starts a new file.
        let current =
            std::fs::read_to_string(dir.path().join("osqueryd.results.log")).expect("log");
        assert_eq!(current, "{\"n\":0010}\n{\"n\":0011}\n{\"n\":0012}\n");
        assert_eq!(
            read_gz("osqueryd.results.log.1.gz"),
            "{\"n\":0007}\n{\"n\":0008}\n{\"n\":0009}\n"
        );
        assert_eq!(
            read_gz("osqueryd.results.log.2.gz"),
            "{\"n\":0004}\n{\"n\":0005}\n{\"n\":0006}\n"
        );
        assert!(!dir.path().join("osqueryd.results.log.3.gz").exists());
    }

    #[test]
    fn recovery_counts_whole_lines_and_cuts_a_torn_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = FileSinkConfig {
            dir: dir.path().to_path_buf(),
            max_size: 0,
            rotate_count: 1,
            compress: false,
        };
        let mut sink = FileSink::new(config.clone(), Stream::Results).expect("sink");
        let state = sink.deliver(&entries(1, 2)).expect("first batch");
        // A crash while writing the next batch: one whole line and half of another.
        let path = dir.path().join("osqueryd.results.log");
        let mut f = OpenOptions::new().append(true).open(&path).expect("open");
        f.write_all(b"{\"n\":0003}\n{\"n\":00").expect("torn write");
        drop(f);
        let mut sink = FileSink::new(config, Stream::Results).expect("sink");
        let done = sink
            .recover(state.as_deref(), &entries(3, 3))
            .expect("recover");
        assert_eq!(done, 1);
        sink.deliver(&entries(4, 2)).expect("rest");
        let text = std::fs::read_to_string(&path).expect("log");
        let want: String = (1..=5).map(|n| format!("{{\"n\":{n:04}}}\n")).collect();
        assert_eq!(text, want);
    }
}
