//! Name scopes for the rewriter: which relations a `SELECT` reads, their
//! columns and types, and the CTEs a query defines, chained to the
//! enclosing query for correlated subqueries.

use crate::table::Entry;
use crate::translate::infer::Ty;

/// A result or relation column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Col {
    pub name: String,
    pub ty: Ty,
    /// Not part of `*` (osquery's hidden columns).
    pub hidden: bool,
}

impl Col {
    pub(crate) fn new(name: impl Into<String>, ty: Ty) -> Col {
        Col {
            name: name.into(),
            ty,
            hidden: false,
        }
    }
}

/// The columns of a relation or query result; `complete` is false when some
/// are unknown (a table SQLite knows but hostgres does not describe).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Columns {
    pub cols: Vec<Col>,
    pub complete: bool,
}

impl Columns {
    pub(crate) fn known(cols: Vec<Col>) -> Columns {
        Columns {
            cols,
            complete: true,
        }
    }

    pub(crate) fn unknown() -> Columns {
        Columns::default()
    }

    /// The columns of a registered table.
    pub(crate) fn of_entry(entry: &Entry) -> Columns {
        Columns::known(
            entry
                .schema()
                .columns
                .iter()
                .map(|c| Col {
                    name: c.name.to_owned(),
                    ty: Ty::Known(c.ty),
                    hidden: c.flags.contains(crate::schema::ColumnFlags::HIDDEN),
                })
                .collect(),
        )
    }

    fn find(&self, name: &str) -> Option<&Col> {
        self.cols.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// A relation in a `FROM` clause, by the name queries refer to it with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Relation {
    pub name: String,
    pub columns: Columns,
}

/// Where a column name was found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Lookup {
    Found(Ty),
    /// Not among the known columns, but a relation with unknown columns may have it.
    Maybe,
    Missing,
}

/// The names visible at one level of a query: its `FROM` relations and its
/// CTEs, then those of the enclosing levels.
#[derive(Debug, Default)]
pub(crate) struct Scope<'p> {
    pub parent: Option<&'p Scope<'p>>,
    pub relations: Vec<Relation>,
    pub ctes: Vec<Relation>,
    /// The output columns of the `SELECT`, which `ORDER BY` may name.
    pub outputs: Vec<Col>,
}

impl<'p> Scope<'p> {
    pub(crate) fn child(parent: &'p Scope<'p>) -> Scope<'p> {
        Scope {
            parent: Some(parent),
            ..Scope::default()
        }
    }

    /// A CTE by name, innermost first.
    pub(crate) fn cte(&self, name: &str) -> Option<&Relation> {
        self.ctes
            .iter()
            .rev()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .or_else(|| self.parent.and_then(|p| p.cte(name)))
    }

    /// An unqualified column, innermost scope first.
    pub(crate) fn column(&self, name: &str) -> Lookup {
        let mut maybe = false;
        for r in &self.relations {
            if let Some(c) = r.columns.find(name) {
                return Lookup::Found(c.ty);
            }
            maybe |= !r.columns.complete;
        }
        if let Some(c) = self
            .outputs
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
        {
            return Lookup::Found(c.ty);
        }
        match self.parent.map(|p| p.column(name)) {
            Some(Lookup::Found(t)) if !maybe => Lookup::Found(t),
            Some(Lookup::Found(_) | Lookup::Maybe) => Lookup::Maybe,
            _ if maybe => Lookup::Maybe,
            _ => Lookup::Missing,
        }
    }

    /// `relation.column`.
    pub(crate) fn qualified(&self, relation: &str, name: &str) -> Lookup {
        if let Some(r) = self
            .relations
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(relation))
        {
            return match r.columns.find(name) {
                Some(c) => Lookup::Found(c.ty),
                None if r.columns.complete => Lookup::Missing,
                None => Lookup::Maybe,
            };
        }
        self.parent
            .map_or(Lookup::Missing, |p| p.qualified(relation, name))
    }

    /// A relation of this level by name.
    pub(crate) fn relation(&self, name: &str) -> Option<&Relation> {
        self.relations
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
            .or_else(|| self.parent.and_then(|p| p.relation(name)))
    }

    /// The columns `*` expands to.
    pub(crate) fn star(&self) -> Columns {
        let mut out = Columns::known(Vec::new());
        for r in &self.relations {
            out.complete &= r.columns.complete;
            out.cols
                .extend(r.columns.cols.iter().filter(|c| !c.hidden).cloned());
        }
        out
    }
}
