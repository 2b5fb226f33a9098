//! `hostgres shell`: an interactive console like osqueryi, with line
//! editing, history, multi-line statements and dot commands.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use hostgres_catalog::{ColumnFlags, Schema};
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use crate::local::{LocalSession, Output};
use crate::output::{OutputFormat, render};

const HELP: &str = "\
Statements end with ';' and may span lines. Dot commands:
  .tables [pattern]     list tables (optionally those whose name contains pattern)
  .schema [table]       show CREATE TABLE statements
  .mode table|json|csv|line
                        set the output format
  .timer on|off         print how long each statement took
  .help                 this text
  .quit                 leave (also .exit or Ctrl-D)";

/// Console state besides the engine.
struct Console {
    session: LocalSession,
    mode: OutputFormat,
    timer: bool,
}

fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".hostgres_history"))
}

/// The `CREATE TABLE` text `.schema` prints, with hidden columns marked.
pub fn schema_text(schema: &Schema) -> String {
    let cols: Vec<String> = schema
        .columns
        .iter()
        .map(|c| {
            let mut s = format!("`{}` {}", c.name, c.ty.sql_name());
            if c.flags.contains(ColumnFlags::HIDDEN) {
                s.push_str(" HIDDEN");
            }
            s
        })
        .collect();
    format!("CREATE TABLE {}({});", schema.name, cols.join(", "))
}

impl Console {
    /// Runs one dot command; returns false to leave.
    fn dot(&mut self, line: &str, out: &mut impl Write) -> io::Result<bool> {
        let mut words = line.split_whitespace();
        let cmd = words.next().unwrap_or_default();
        let arg = words.next();
        match cmd {
            ".quit" | ".exit" => return Ok(false),
            ".help" => writeln!(out, "{HELP}")?,
            ".tables" => {
                for name in self.session.registry().schemas().map(|s| s.name) {
                    if arg.is_none_or(|p| name.contains(p)) {
                        writeln!(out, "  => {name}")?;
                    }
                }
            }
            ".schema" => {
                for schema in self.session.registry().schemas() {
                    if arg.is_none_or(|t| t == schema.name) {
                        writeln!(out, "{}", schema_text(schema))?;
                    }
                }
            }
            ".mode" => match arg.and_then(OutputFormat::parse) {
                Some(m) => self.mode = m,
                None => writeln!(out, "usage: .mode table|json|csv|line")?,
            },
            ".timer" => match arg {
                Some("on") => self.timer = true,
                Some("off") => self.timer = false,
                _ => writeln!(out, "usage: .timer on|off")?,
            },
            other => writeln!(out, "unknown command {other}; .help lists the commands")?,
        }
        Ok(true)
    }

    fn statement(&mut self, sql: &str, out: &mut impl Write) -> io::Result<()> {
        let started = Instant::now();
        match self.session.run(sql) {
            Ok(outputs) => {
                for o in outputs {
                    match o {
                        Output::Rows(r) => render(&r, self.mode, out)?,
                        Output::Done(tag) => writeln!(out, "{tag}")?,
                    }
                }
            }
            Err(e) => {
                writeln!(out, "Error: {e}")?;
                if let Some(h) = e.hint() {
                    writeln!(out, "Hint: {h}")?;
                }
            }
        }
        if self.timer {
            writeln!(out, "Run Time: {:.3} s", started.elapsed().as_secs_f64())?;
        }
        Ok(())
    }
}

/// Runs the console until `.quit` or end of input.
pub fn run(session: LocalSession) -> anyhow::Result<()> {
    let mut editor = DefaultEditor::new()?;
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    let mut console = Console {
        session,
        mode: OutputFormat::Table,
        timer: false,
    };
    let stdout = io::stdout();
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() {
            "hostgres> "
        } else {
            "    ...> "
        };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                pending.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        };
        let trimmed = line.trim();
        if pending.is_empty() && trimmed.starts_with('.') {
            let _ = editor.add_history_entry(trimmed);
            if !console.dot(trimmed, &mut stdout.lock())? {
                break;
            }
            continue;
        }
        if trimmed.is_empty() && pending.is_empty() {
            continue;
        }
        pending.push_str(&line);
        pending.push('\n');
        if trimmed.ends_with(';') {
            let sql = std::mem::take(&mut pending);
            let _ = editor.add_history_entry(sql.trim());
            console.statement(&sql, &mut stdout.lock())?;
        }
    }
    if !pending.trim().is_empty() {
        console.statement(&pending, &mut stdout.lock())?;
    }
    if let Some(h) = &history {
        let _ = editor.save_history(h);
    }
    Ok(())
}
