//! SQL cursors (`DECLARE`, `FETCH`, `MOVE`, `CLOSE`), as postgres_fdw and
//! psycopg2's named cursors use them.
//!
//! A cursor's query runs when it is declared and its rows are kept, so every
//! direction PostgreSQL allows works: forward and backward, absolute and
//! relative. Rows are encoded when fetched, in the format the FETCH asks for
//! (binary for a `BINARY` cursor in the simple protocol, the `Bind` formats
//! in the extended one). Cursors end with their transaction unless declared
//! `WITH HOLD`.

use std::collections::HashMap;

use hostgres_catalog::Value;
use hostgres_catalog::translate::{Count, Direction, Fetch};
use pgwire::error::ErrorInfo;

use crate::pg::encode::ResultColumn;
use crate::pg::error::{
    DUPLICATE_CURSOR, INVALID_CURSOR_NAME, OBJECT_NOT_IN_PREREQUISITE_STATE, error_info,
};

/// One open cursor.
#[derive(Debug)]
pub struct Cursor {
    pub columns: Vec<ResultColumn>,
    /// Rows are sent in binary (`DECLARE ... BINARY CURSOR`).
    pub binary: bool,
    rows: Vec<Vec<Value>>,
    /// 0 is before the first row, `rows.len() + 1` after the last.
    position: usize,
    no_scroll: bool,
    hold: bool,
    /// Declared in the transaction now running, so a rollback drops it even `WITH HOLD`.
    in_transaction: bool,
}

impl Cursor {
    /// A cursor over `rows`; `in_transaction` when declared inside a
    /// transaction block (explicit or implicit).
    pub fn new(
        columns: Vec<ResultColumn>,
        rows: Vec<Vec<Value>>,
        binary: bool,
        no_scroll: bool,
        hold: bool,
        in_transaction: bool,
    ) -> Cursor {
        Cursor {
            columns,
            binary,
            rows,
            position: 0,
            no_scroll,
            hold,
            in_transaction,
        }
    }
}

/// What a `FETCH` returned or a `MOVE` passed over.
#[derive(Debug, Default)]
pub struct Fetched {
    pub rows: Vec<Vec<Value>>,
    pub count: u64,
}

/// The cursors of one connection.
#[derive(Debug, Default)]
pub struct Cursors {
    open: HashMap<String, Cursor>,
}

fn missing(name: &str) -> ErrorInfo {
    error_info(
        INVALID_CURSOR_NAME,
        format!("cursor \"{name}\" does not exist"),
        None,
    )
}

impl Cursors {
    pub fn declare(&mut self, name: &str, cursor: Cursor) -> Result<(), ErrorInfo> {
        if self.open.contains_key(name) {
            return Err(error_info(
                DUPLICATE_CURSOR,
                format!("cursor \"{name}\" already exists"),
                None,
            ));
        }
        self.open.insert(name.to_owned(), cursor);
        Ok(())
    }

    /// Whether a cursor of that name is open.
    pub fn contains(&self, name: &str) -> bool {
        self.open.contains_key(name)
    }

    /// The columns and format of an open cursor, for `Describe`.
    pub fn get(&self, name: &str) -> Option<&Cursor> {
        self.open.get(name)
    }

    /// `CLOSE name`, or `CLOSE ALL`.
    pub fn close(&mut self, name: Option<&str>) -> Result<(), ErrorInfo> {
        match name {
            None => {
                self.open.clear();
                Ok(())
            }
            Some(n) => self.open.remove(n).map(|_| ()).ok_or_else(|| missing(n)),
        }
    }

    /// Ends the running transaction: cursors without `WITH HOLD` close, and a
    /// rollback also closes the cursors it declared.
    pub fn end_transaction(&mut self, committed: bool) {
        self.open
            .retain(|_, c| c.hold && (committed || !c.in_transaction));
        for c in self.open.values_mut() {
            c.in_transaction = false;
        }
    }

    /// Drops every cursor (`DISCARD ALL`).
    pub fn clear(&mut self) {
        self.open.clear();
    }

    /// Runs `FETCH` (rows returned) or `MOVE` (rows counted).
    pub fn fetch(&mut self, f: &Fetch) -> Result<Fetched, ErrorInfo> {
        let cursor = self.open.get_mut(&f.name).ok_or_else(|| missing(&f.name))?;
        let n = cursor.rows.len() as i128;
        let p = cursor.position as i128;
        // The rows visited, in order, and where the cursor ends.
        let (range, end): (Vec<i128>, i128) = match f.direction {
            Direction::Forward(Count::Rows(0)) | Direction::Backward(Count::Rows(0)) => {
                current(p, n)
            }
            Direction::Relative(0) => current(p, n),
            Direction::Forward(count) => {
                let k = count_of(count);
                let last = (p + k).min(n);
                let rows: Vec<i128> = (p + 1..=last).collect();
                let end = if (rows.len() as i128) < k {
                    n + 1
                } else {
                    p + k
                };
                (rows, end)
            }
            Direction::Backward(count) => {
                let k = count_of(count);
                let first = (p - k).max(1);
                let rows: Vec<i128> = (first..p.min(n + 1)).rev().collect();
                let end = if (rows.len() as i128) < k { 0 } else { p - k };
                (rows, end)
            }
            Direction::Absolute(k) => absolute(i128::from(k), n),
            Direction::Relative(k) => absolute_target(p + i128::from(k), n),
        };
        let backward = end < p || (range.first().is_some_and(|r| *r <= p) && end <= p);
        if cursor.no_scroll && backward {
            return Err(error_info(
                OBJECT_NOT_IN_PREREQUISITE_STATE,
                "cursor can only scan forward",
                Some("Declare it with SCROLL option to enable backward scan.".to_owned()),
            ));
        }
        cursor.position = end.clamp(0, n + 1) as usize;
        let count = range.len() as u64;
        let rows = if f.move_only {
            Vec::new()
        } else {
            range
                .into_iter()
                .filter_map(|r| usize::try_from(r - 1).ok())
                .filter_map(|i| cursor.rows.get(i))
                .cloned()
                .collect()
        };
        Ok(Fetched { rows, count })
    }
}

fn count_of(c: Count) -> i128 {
    match c {
        Count::All => i128::from(u64::MAX),
        Count::Rows(k) => i128::from(k),
    }
}

/// The current row again, if the cursor sits on one.
fn current(p: i128, n: i128) -> (Vec<i128>, i128) {
    if p >= 1 && p <= n {
        (vec![p], p)
    } else {
        (Vec::new(), p)
    }
}

/// `ABSOLUTE k`: counting from the start, or from the end when negative.
fn absolute(k: i128, n: i128) -> (Vec<i128>, i128) {
    match k {
        0 => (Vec::new(), 0),
        k if k > 0 => absolute_target(k, n),
        k => absolute_target(n + 1 + k, n),
    }
}

/// Moves to row `t`: before the first or after the last when out of range.
fn absolute_target(t: i128, n: i128) -> (Vec<i128>, i128) {
    if t < 1 {
        (Vec::new(), 0)
    } else if t > n {
        (Vec::new(), n + 1)
    } else {
        (vec![t], t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursors(no_scroll: bool) -> Cursors {
        let mut c = Cursors::default();
        let rows = (1..=5)
            .map(|i: u8| vec![Value::Int(i64::from(i))])
            .collect();
        c.declare(
            "c",
            Cursor::new(
                vec![ResultColumn::text("x")],
                rows,
                false,
                no_scroll,
                false,
                true,
            ),
        )
        .expect("declare");
        c
    }

    fn step(c: &mut Cursors, direction: Direction, move_only: bool) -> (Vec<u8>, u64) {
        let f = c
            .fetch(&Fetch {
                name: "c".into(),
                direction,
                move_only,
            })
            .expect("fetch");
        let values = f
            .rows
            .iter()
            .map(|r| match r[0] {
                Value::Int(i) => i as u8,
                _ => 0,
            })
            .collect();
        (values, f.count)
    }

    #[test]
    fn directions_follow_postgresql() {
        // The sequence and results of the same statements on PostgreSQL 15
        // with a SCROLL cursor over generate_series(1, 5).
        let mut c = cursors(false);
        use Direction::*;
        let fwd = |k| Forward(Count::Rows(k));
        let back = |k| Backward(Count::Rows(k));
        assert_eq!(step(&mut c, fwd(2), false), (vec![1, 2], 2));
        assert_eq!(step(&mut c, back(1), false), (vec![1], 1));
        assert_eq!(step(&mut c, Forward(Count::All), true), (vec![], 4));
        assert_eq!(step(&mut c, back(2), false), (vec![5, 4], 2));
        assert_eq!(step(&mut c, Absolute(-1), false), (vec![5], 1));
        assert_eq!(step(&mut c, Relative(0), false), (vec![5], 1));
        assert_eq!(step(&mut c, fwd(1), false), (vec![], 0));
        assert_eq!(step(&mut c, fwd(1), false), (vec![], 0));
        assert_eq!(step(&mut c, back(10), true), (vec![], 5));
        assert_eq!(step(&mut c, fwd(0), false), (vec![], 0));
        assert_eq!(step(&mut c, Absolute(0), false), (vec![], 0));
        assert_eq!(step(&mut c, Relative(2), false), (vec![2], 1));
        assert_eq!(step(&mut c, back(1), false), (vec![1], 1));
        assert_eq!(step(&mut c, back(1), false), (vec![], 0));
        assert_eq!(step(&mut c, Backward(Count::All), false), (vec![], 0));
        assert_eq!(step(&mut c, Absolute(3), false), (vec![3], 1));
        assert_eq!(step(&mut c, Forward(Count::All), false), (vec![4, 5], 2));
    }

    #[test]
    fn no_scroll_cursors_only_move_forward() {
        let mut c = cursors(true);
        assert_eq!(
            step(&mut c, Direction::Forward(Count::Rows(2)), false),
            (vec![1, 2], 2)
        );
        let e = c
            .fetch(&Fetch {
                name: "c".into(),
                direction: Direction::Backward(Count::Rows(1)),
                move_only: false,
            })
            .expect_err("backward");
        assert_eq!(e.code, OBJECT_NOT_IN_PREREQUISITE_STATE);
        assert_eq!(step(&mut c, Direction::Absolute(4), false), (vec![4], 1));
    }

    #[test]
    fn lifetimes_follow_transactions() {
        let mut c = cursors(false);
        let e = c
            .declare(
                "c",
                Cursor::new(Vec::new(), Vec::new(), false, false, false, true),
            )
            .expect_err("duplicate");
        assert_eq!(e.code, DUPLICATE_CURSOR);
        c.declare(
            "h",
            Cursor::new(Vec::new(), Vec::new(), false, false, true, true),
        )
        .expect("hold");
        c.end_transaction(true);
        assert!(!c.contains("c") && c.contains("h"));
        c.end_transaction(false);
        assert!(
            c.contains("h"),
            "a held cursor from a committed transaction survives a later rollback"
        );
        assert_eq!(
            c.close(Some("x")).expect_err("missing").code,
            INVALID_CURSOR_NAME
        );
        c.close(None).expect("close all");
        assert!(!c.contains("h"));
    }
}
