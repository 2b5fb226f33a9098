//! The statement walk: queries, `SELECT`s, `FROM` items, `ORDER BY` and
//! `LIMIT`, with the scopes that type their expressions (see `expr`), plus
//! `$n` → `?n` numbering of the printed text.
//!
//! Relation names lose their schema (`pg_catalog.pg_class` is SQLite's
//! `pg_class`, `information_schema.tables` is `information_schema_tables`,
//! aliased back to `tables`); set-returning functions in `FROM` become
//! subqueries; result columns get PostgreSQL's names.

use std::collections::BTreeMap;

use sqlparser::ast::{
    Distinct, Expr, GroupByExpr, Ident, JoinConstraint, JoinOperator, LimitClause, ObjectName,
    ObjectNamePart, OffsetRows, OrderBy, OrderByKind, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, SetOperator, SetQuantifier, Statement, TableAlias,
    TableAliasColumnDef, TableFactor, TableWithJoins,
};

use crate::error::{CatalogError, closest};
use crate::schema::ColumnType;
use crate::table::{Namespace, Registry};
use crate::translate::build;
use crate::translate::infer::Ty;
use crate::translate::names::{column_name, fold};
use crate::translate::scope::{Col, Columns, Relation, Scope};
use crate::translate::srf;

/// The error for a construct hostgres cannot translate; it names the construct.
pub(crate) fn unsupported(what: &str) -> CatalogError {
    CatalogError::Unsupported(format!("{what} is not supported"))
}

/// Translates one parsed statement in place.
pub(crate) struct Rewriter<'r> {
    registry: &'r Registry,
    /// Types of `$n` parameters learned from their context.
    pub params: BTreeMap<usize, ColumnType>,
    /// The highest `$n` seen.
    pub max_param: usize,
    /// Whether the statement must be printed from the AST.
    pub changed: bool,
}

impl<'r> Rewriter<'r> {
    pub(crate) fn new(registry: &'r Registry) -> Rewriter<'r> {
        Rewriter {
            registry,
            params: BTreeMap::new(),
            max_param: 0,
            changed: false,
        }
    }

    /// Translates a statement; returns its result columns when it is a query.
    pub(crate) fn statement(
        &mut self,
        st: &mut Statement,
    ) -> Result<Option<Columns>, CatalogError> {
        match st {
            Statement::Query(q) => Ok(Some(self.query(q, None, true)?)),
            _ => Ok(None),
        }
    }

    /// Translates a query; `outer` is the enclosing scope of a subquery, and
    /// `top` marks the statement's own result, whose OID-alias columns print as names.
    pub(crate) fn query(
        &mut self,
        q: &mut Query,
        outer: Option<&Scope<'_>>,
        top: bool,
    ) -> Result<Columns, CatalogError> {
        if !q.locks.is_empty() {
            return Err(CatalogError::ReadOnly("SELECT FOR UPDATE/SHARE".to_owned()));
        }
        if q.for_clause.is_some()
            || q.settings.is_some()
            || q.format_clause.is_some()
            || !q.pipe_operators.is_empty()
        {
            return Err(unsupported("this query clause"));
        }
        let mut qs = match outer {
            Some(p) => Scope::child(p),
            None => Scope::default(),
        };
        if let Some(with) = &mut q.with {
            for cte in with.cte_tables.iter_mut() {
                let name = fold(&cte.alias.name);
                let aliases: Vec<String> =
                    cte.alias.columns.iter().map(|c| fold(&c.name)).collect();
                if with.recursive {
                    // The recursive part reads the CTE itself: its names are known, its types not yet.
                    qs.ctes.push(Relation {
                        name: name.clone(),
                        columns: if aliases.is_empty() {
                            Columns::unknown()
                        } else {
                            Columns::known(
                                aliases
                                    .iter()
                                    .map(|a| Col::new(a.clone(), Ty::Unknown))
                                    .collect(),
                            )
                        },
                    });
                }
                let mut cols = self.query(&mut cte.query, Some(&qs), false)?;
                rename_columns(&mut cols, &aliases);
                if with.recursive {
                    qs.ctes.pop();
                }
                qs.ctes.push(Relation {
                    name,
                    columns: cols,
                });
            }
        }
        let mut order_by = q.order_by.take();
        let cols = self.set_expr(&mut q.body, &qs, top, order_by.as_mut())?;
        q.order_by = order_by;
        self.limits(q, &qs)?;
        Ok(cols)
    }

    fn limits(&mut self, q: &mut Query, sc: &Scope<'_>) -> Result<(), CatalogError> {
        let bigint = Ty::Known(ColumnType::BigInt);
        let mut fetch_limit = None;
        if let Some(fetch) = q.fetch.take() {
            if fetch.with_ties || fetch.percent {
                return Err(unsupported("FETCH ... WITH TIES or PERCENT"));
            }
            fetch_limit = Some(fetch.quantity.unwrap_or_else(|| build::number(1)));
            self.changed = true;
        }
        let (mut limit, mut offset) = match q.limit_clause.take() {
            None => (None, None),
            Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) => {
                if !limit_by.is_empty() {
                    return Err(unsupported("LIMIT BY"));
                }
                if limit.is_none() && offset.is_none() {
                    // `LIMIT ALL`, which SQLite does not know.
                    self.changed = true;
                }
                (limit, offset)
            }
            Some(other @ LimitClause::OffsetCommaLimit { .. }) => {
                q.limit_clause = Some(other);
                return Ok(());
            }
        };
        if fetch_limit.is_some() {
            limit = fetch_limit;
        }
        // `LIMIT NULL` is no limit in PostgreSQL.
        if limit.as_ref().is_some_and(|l| {
            matches!(
                crate::translate::literal::literal(l),
                Some(crate::translate::literal::Literal::Null)
            )
        }) {
            limit = None;
            self.changed = true;
        }
        if let Some(l) = &mut limit {
            self.expr(l, sc)?;
            self.note_param(l, bigint);
        }
        if let Some(o) = &mut offset {
            self.expr(&mut o.value, sc)?;
            self.note_param(&o.value, bigint);
            if o.rows != OffsetRows::None {
                o.rows = OffsetRows::None;
                self.changed = true;
            }
            // SQLite accepts OFFSET only after a LIMIT.
            if limit.is_none() {
                limit = Some(build::number(-1));
                self.changed = true;
            }
        }
        if limit.is_some() || offset.is_some() {
            q.limit_clause = Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by: Vec::new(),
            });
        }
        Ok(())
    }

    fn set_expr(
        &mut self,
        body: &mut SetExpr,
        qs: &Scope<'_>,
        top: bool,
        order_by: Option<&mut OrderBy>,
    ) -> Result<Columns, CatalogError> {
        match body {
            SetExpr::Select(s) => self.select(s, qs, top, order_by),
            SetExpr::Query(inner) => {
                // `(SELECT ...)` as a whole body or a set operand: SQLite takes no parentheses there.
                if is_plain(inner) {
                    let b = std::mem::replace(inner.body.as_mut(), SetExpr::Values(empty_values()));
                    *body = b;
                } else {
                    let sub = std::mem::replace(inner, Box::new(build::template("SELECT 1", &[])?));
                    *body = *wrap_select_star(sub)?.body;
                }
                self.changed = true;
                self.set_expr(body, qs, top, order_by)
            }
            SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                match (&op, &set_quantifier) {
                    (SetOperator::Minus, _) => return Err(unsupported("MINUS")),
                    (SetOperator::Intersect | SetOperator::Except, SetQuantifier::All) => {
                        return Err(unsupported(&format!("{op} ALL")));
                    }
                    (
                        _,
                        SetQuantifier::ByName
                        | SetQuantifier::AllByName
                        | SetQuantifier::DistinctByName,
                    ) => {
                        return Err(unsupported(&format!("{op} BY NAME")));
                    }
                    (_, SetQuantifier::Distinct) => {
                        *set_quantifier = SetQuantifier::None;
                        self.changed = true;
                    }
                    _ => {}
                }
                let cols = self.set_expr(left, qs, top, None)?;
                self.set_expr(right, qs, top, None)?;
                if let Some(ob) = order_by {
                    let mut sc = Scope::child(qs);
                    sc.outputs = cols.cols.clone();
                    self.order_by(ob, &sc)?;
                }
                Ok(cols)
            }
            SetExpr::Values(values) => {
                let mut cols = Vec::new();
                for (r, row) in values.rows.iter_mut().enumerate() {
                    for (i, e) in row.content.iter_mut().enumerate() {
                        let t = self.expr(e, qs)?;
                        if r == 0 {
                            cols.push(Col::new(format!("column{}", i + 1), t));
                        }
                    }
                }
                if let Some(ob) = order_by {
                    let mut sc = Scope::child(qs);
                    sc.outputs = cols.clone();
                    self.order_by(ob, &sc)?;
                }
                Ok(Columns::known(cols))
            }
            SetExpr::Table(t) => {
                let quote_part = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
                let name = t
                    .table_name
                    .as_ref()
                    .map(|i| i.value.clone())
                    .unwrap_or_default();
                let sql = match &t.schema_name {
                    Some(s) => format!(
                        "SELECT * FROM {}.{}",
                        quote_part(&s.value),
                        quote_part(&name)
                    ),
                    None => format!("SELECT * FROM {}", quote_part(&name)),
                };
                *body = *build::template(&sql, &[])?.body;
                self.changed = true;
                self.set_expr(body, qs, top, order_by)
            }
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                Err(CatalogError::ReadOnly(
                    "a data-modifying statement".to_owned(),
                ))
            }
        }
    }

    fn order_by(&mut self, ob: &mut OrderBy, sc: &Scope<'_>) -> Result<(), CatalogError> {
        if ob.interpolate.is_some() {
            return Err(unsupported("ORDER BY ... INTERPOLATE"));
        }
        match &mut ob.kind {
            OrderByKind::All(_) => Err(unsupported("ORDER BY ALL")),
            OrderByKind::Expressions(items) => {
                for item in items.iter_mut() {
                    self.order_item(item, sc)?;
                }
                Ok(())
            }
        }
    }

    fn select(
        &mut self,
        s: &mut Select,
        qs: &Scope<'_>,
        top: bool,
        order_by: Option<&mut OrderBy>,
    ) -> Result<Columns, CatalogError> {
        if matches!(s.distinct, Some(Distinct::On(_))) {
            return Err(unsupported("SELECT DISTINCT ON"));
        }
        if s.into.is_some() {
            return Err(CatalogError::ReadOnly("SELECT INTO".to_owned()));
        }
        if s.top.is_some()
            || !s.lateral_views.is_empty()
            || s.prewhere.is_some()
            || !s.connect_by.is_empty()
            || !s.cluster_by.is_empty()
            || !s.distribute_by.is_empty()
            || !s.sort_by.is_empty()
            || s.qualify.is_some()
            || s.value_table_mode.is_some()
            || s.exclude.is_some()
        {
            return Err(unsupported("this SELECT clause"));
        }
        srf_to_from(s);
        let expansion = srf::extract(s)?;
        let mut sc = Scope::child(qs);
        for twj in s.from.iter_mut() {
            self.join_tree(twj, &mut sc, qs)?;
        }
        let prepared = match expansion {
            Some(x) => {
                let (p, rel) = self.prepare_expansion(x, s, &sc, top)?;
                sc.relations.push(rel);
                Some(p)
            }
            None => None,
        };

        let mut outputs = Columns::known(Vec::new());
        for item in s.projection.iter_mut() {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let name = column_name(e);
                    let mut t = self.expr(e, &sc)?;
                    if top {
                        t = self.output(e, t);
                    }
                    // SQLite names a column by its text unless it is a plain column reference.
                    if plain_column(e).as_deref() != Some(name.as_str()) {
                        let expr = std::mem::replace(e, build::null());
                        *item = SelectItem::ExprWithAlias {
                            expr,
                            alias: build::quoted(&name),
                        };
                        self.changed = true;
                    }
                    outputs.cols.push(Col::new(name, t));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let mut t = self.expr(expr, &sc)?;
                    if top {
                        t = self.output(expr, t);
                    }
                    let name = fold(alias);
                    if alias.quote_style.is_none() && (alias.value != name || is_keyword(&name)) {
                        *alias = build::quoted(&name);
                        self.changed = true;
                    }
                    outputs.cols.push(Col::new(name, t));
                }
                SelectItem::ExprWithAliases { .. } => {
                    return Err(unsupported("multiple aliases for one column"));
                }
                SelectItem::Wildcard(opts) => {
                    if opts.opt_ilike.is_some()
                        || opts.opt_exclude.is_some()
                        || opts.opt_except.is_some()
                        || opts.opt_replace.is_some()
                        || opts.opt_rename.is_some()
                    {
                        return Err(unsupported("* with EXCLUDE, EXCEPT, REPLACE or RENAME"));
                    }
                    let star = sc.star();
                    outputs.complete &= star.complete;
                    outputs.cols.extend(star.cols);
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let SelectItemQualifiedWildcardKind::ObjectName(name) = kind else {
                        return Err(unsupported("an expression followed by .*"));
                    };
                    // `pg_catalog.pg_class.*`: the relation is in scope by its own name.
                    if name.0.len() > 1 {
                        let last = name.0.last().cloned();
                        if let Some(last) = last {
                            *name = ObjectName(vec![last]);
                            self.changed = true;
                        }
                    }
                    let rel = name.0.last().and_then(|p| match p {
                        ObjectNamePart::Identifier(i) => sc.relation(&fold(i)),
                        ObjectNamePart::Function(_) => None,
                    });
                    match rel {
                        Some(r) => {
                            outputs.complete &= r.columns.complete;
                            outputs
                                .cols
                                .extend(r.columns.cols.iter().filter(|c| !c.hidden).cloned());
                        }
                        None => outputs.complete = false,
                    }
                }
            }
        }
        if let Some(p) = prepared {
            srf::finish(s, p)?;
        }
        sc.outputs = outputs.cols.clone();
        if let Some(w) = &mut s.selection {
            self.expr(w, &sc)?;
        }
        match &mut s.group_by {
            GroupByExpr::All(_) => return Err(unsupported("GROUP BY ALL")),
            GroupByExpr::Expressions(exprs, modifiers) => {
                if !modifiers.is_empty() {
                    return Err(unsupported("GROUP BY ... WITH ROLLUP/CUBE/TOTALS"));
                }
                for e in exprs.iter_mut() {
                    self.expr(e, &sc)?;
                }
            }
        }
        if let Some(h) = &mut s.having {
            self.expr(h, &sc)?;
        }
        for w in s.named_window.iter_mut() {
            if let sqlparser::ast::NamedWindowExpr::WindowSpec(spec) = &mut w.1 {
                for p in spec.partition_by.iter_mut() {
                    self.expr(p, &sc)?;
                }
                for o in spec.order_by.iter_mut() {
                    self.order_item(o, &sc)?;
                }
            }
        }
        if let Some(ob) = order_by {
            self.order_by(ob, &sc)?;
        }
        Ok(outputs)
    }

    /// One `FROM` item and its joins, added to `sc`.
    fn join_tree(
        &mut self,
        twj: &mut TableWithJoins,
        sc: &mut Scope<'_>,
        qs: &Scope<'_>,
    ) -> Result<(), CatalogError> {
        self.table_factor(&mut twj.relation, sc, qs)?;
        for join in twj.joins.iter_mut() {
            if join.global {
                return Err(unsupported("GLOBAL JOIN"));
            }
            self.table_factor(&mut join.relation, sc, qs)?;
            let constraint = match &mut join.join_operator {
                JoinOperator::Join(c)
                | JoinOperator::Inner(c)
                | JoinOperator::Left(c)
                | JoinOperator::LeftOuter(c)
                | JoinOperator::Right(c)
                | JoinOperator::RightOuter(c)
                | JoinOperator::FullOuter(c)
                | JoinOperator::CrossJoin(c) => c,
                other => return Err(unsupported(&format!("{other:?} joins").to_lowercase())),
            };
            if let JoinConstraint::On(e) = constraint {
                self.expr(e, sc)?;
            }
        }
        Ok(())
    }

    fn table_factor(
        &mut self,
        tf: &mut TableFactor,
        sc: &mut Scope<'_>,
        qs: &Scope<'_>,
    ) -> Result<(), CatalogError> {
        match tf {
            TableFactor::Table { args: Some(_), .. } => self.table_function(tf, sc, qs),
            TableFactor::Table {
                name,
                alias,
                with_ordinality,
                sample,
                version,
                with_hints,
                partitions,
                json_path,
                index_directives,
                inheritance,
                ..
            } => {
                if *with_ordinality
                    || sample.is_some()
                    || version.is_some()
                    || !with_hints.is_empty()
                    || !partitions.is_empty()
                    || json_path.is_some()
                    || !index_directives.is_empty()
                {
                    return Err(unsupported("this table option"));
                }
                if inheritance.is_some() {
                    // `ONLY t` and `t *`: hostgres tables have no children.
                    *inheritance = None;
                    self.changed = true;
                }
                let rel = self.named_table(name, alias, qs)?;
                sc.relations.push(rel);
                Ok(())
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                sample,
            } => {
                if *lateral {
                    return Err(unsupported("LATERAL"));
                }
                if sample.is_some() {
                    return Err(unsupported("TABLESAMPLE"));
                }
                let mut cols = self.query(subquery, Some(qs), false)?;
                let name = alias.as_ref().map(|a| fold(&a.name)).unwrap_or_default();
                if let Some(a) = alias
                    && !a.columns.is_empty()
                {
                    let names: Vec<String> = a.columns.iter().map(|c| fold(&c.name)).collect();
                    rename_columns(&mut cols, &names);
                    let sub =
                        std::mem::replace(subquery, Box::new(build::template("SELECT 1", &[])?));
                    **subquery = with_column_names(sub, &name, &cols)?;
                    a.columns.clear();
                    self.changed = true;
                }
                sc.relations.push(Relation {
                    name,
                    columns: cols,
                });
                Ok(())
            }
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_offset,
                with_ordinality,
                ..
            } => {
                if *with_offset || array_exprs.len() != 1 {
                    return Err(unsupported("UNNEST of several arrays or WITH OFFSET"));
                }
                let mut arr = std::mem::replace(&mut array_exprs[0], build::null());
                let ordinality = *with_ordinality;
                let alias = alias.take();
                let (factor, rel) = self.unnest(&mut arr, alias, ordinality, qs)?;
                *tf = factor;
                sc.relations.push(rel);
                Ok(())
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                if alias.is_some() {
                    return Err(unsupported("an alias for a parenthesized join"));
                }
                self.join_tree(table_with_joins, sc, qs)
            }
            TableFactor::Function { .. } => Err(unsupported("LATERAL functions")),
            TableFactor::TableFunction { .. } => Err(unsupported("TABLE(...)")),
            TableFactor::JsonTable { .. } | TableFactor::OpenJsonTable { .. } => {
                Err(unsupported("JSON_TABLE"))
            }
            TableFactor::Pivot { .. }
            | TableFactor::Unpivot { .. }
            | TableFactor::UnpivotExpr { .. } => Err(unsupported("PIVOT and UNPIVOT")),
            TableFactor::MatchRecognize { .. } => Err(unsupported("MATCH_RECOGNIZE")),
            TableFactor::XmlTable { .. } => Err(unsupported("XMLTABLE")),
            TableFactor::SemanticView { .. } => Err(unsupported("SEMANTIC_VIEW")),
        }
    }

    /// A table by name: a CTE, or a registered table with its schema dropped.
    fn named_table(
        &mut self,
        name: &mut ObjectName,
        alias: &mut Option<TableAlias>,
        qs: &Scope<'_>,
    ) -> Result<Relation, CatalogError> {
        let mut parts: Vec<Ident> = Vec::new();
        for p in &name.0 {
            match p {
                ObjectNamePart::Identifier(i) => parts.push(i.clone()),
                ObjectNamePart::Function(_) => {
                    return Err(unsupported("a table name with arguments"));
                }
            }
        }
        // `database.schema.table`: the database is this one.
        if parts.len() == 3 {
            parts.remove(0);
        }
        let (schema, table) = match parts.as_slice() {
            [t] => (None, t.clone()),
            [s, t] => (Some(fold(s)), t.clone()),
            _ => return Err(unsupported("this table name")),
        };
        let table_name = fold(&table);
        let alias_name = alias.as_ref().map(|a| fold(&a.name));
        let columns = match schema.as_deref() {
            None => {
                if let Some(cte) = qs.cte(&table_name) {
                    cte.columns.clone()
                } else if let Some(entry) = self.registry.entry(&table_name) {
                    Columns::of_entry(entry)
                } else {
                    Columns::unknown()
                }
            }
            Some("main" | "temp") => Columns::unknown(),
            Some(s) => {
                let Some(ns) = Namespace::from_name(s) else {
                    return Err(CatalogError::UndefinedTable {
                        name: format!("{s}.{table_name}"),
                        suggestion: None,
                    });
                };
                let Some(entry) = self.registry.lookup(ns, &table_name) else {
                    let names: Vec<&str> = self
                        .registry
                        .iter()
                        .filter(|e| e.namespace() == ns)
                        .map(|e| e.schema().name)
                        .collect();
                    return Err(CatalogError::UndefinedTable {
                        name: format!("{s}.{table_name}"),
                        suggestion: closest(&table_name, &names),
                    });
                };
                let sqlite_name = entry.sqlite_name.to_string();
                *name = ObjectName(vec![ObjectNamePart::Identifier(build::ident(&sqlite_name))]);
                if sqlite_name != table_name && alias.is_none() {
                    *alias = Some(TableAlias {
                        explicit: true,
                        name: build::quoted(&table_name),
                        columns: Vec::new(),
                        at: None,
                    });
                }
                self.changed = true;
                Columns::of_entry(entry)
            }
        };
        if parts.len() != name.0.len() {
            self.changed = true;
        }
        let rel_name = alias_name.unwrap_or(table_name);
        if alias.as_ref().is_some_and(|a| !a.columns.is_empty()) {
            return Err(unsupported(&format!(
                "column aliases on the table \"{rel_name}\" (alias the columns in a subquery instead)"
            )));
        }
        Ok(Relation {
            name: rel_name,
            columns,
        })
    }

    /// `FROM f(args)`: set-returning functions, registered tables called
    /// with `()`, and scalar functions (one row).
    fn table_function(
        &mut self,
        tf: &mut TableFactor,
        sc: &mut Scope<'_>,
        qs: &Scope<'_>,
    ) -> Result<(), CatalogError> {
        let TableFactor::Table {
            name,
            alias,
            args,
            with_ordinality,
            ..
        } = tf
        else {
            return Ok(());
        };
        let idents: Vec<Ident> = name
            .0
            .iter()
            .filter_map(|p| match p {
                ObjectNamePart::Identifier(i) => Some(i.clone()),
                ObjectNamePart::Function(_) => None,
            })
            .collect();
        let Some(last) = idents.last() else {
            return Ok(());
        };
        let fname = fold(last);
        let mut arg_exprs: Vec<Expr> = Vec::new();
        for a in args.as_ref().map(|a| a.args.clone()).unwrap_or_default() {
            match a {
                sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(e)) => {
                    arg_exprs.push(e)
                }
                _ => return Err(unsupported(&format!("named arguments to {fname}()"))),
            }
        }
        let ordinality = *with_ordinality;
        let alias_taken = alias.take();

        // A registered table called like a function, e.g. pg_get_keywords().
        if arg_exprs.is_empty()
            && (self.registry.entry(&fname).is_some() || qs.cte(&fname).is_some())
        {
            *args = None;
            *name = ObjectName(vec![ObjectNamePart::Identifier(build::ident(&fname))]);
            *alias = alias_taken;
            self.changed = true;
            let mut n = name.clone();
            let rel = self.named_table(&mut n, alias, qs)?;
            *name = n;
            sc.relations.push(rel);
            return Ok(());
        }
        // SQLite's own table-valued functions and osquery-style hidden-column tables.
        if matches!(fname.as_str(), "json_each" | "json_tree")
            || fname.starts_with("pragma_")
            || self.registry.entry(&fname).is_some()
        {
            *alias = alias_taken;
            for e in arg_exprs.iter_mut() {
                self.expr(e, qs)?;
            }
            if let Some(a) = args {
                a.args = arg_exprs.into_iter().map(build::arg).collect();
            }
            let rel_name = alias.as_ref().map_or(fname.clone(), |a| fold(&a.name));
            let columns = self
                .registry
                .entry(&fname)
                .map_or_else(Columns::unknown, Columns::of_entry);
            sc.relations.push(Relation {
                name: rel_name,
                columns,
            });
            return Ok(());
        }

        let mut types = Vec::new();
        for e in arg_exprs.iter_mut() {
            types.push(self.expr(e, qs)?);
        }
        let rel_name = alias_taken
            .as_ref()
            .map_or(fname.clone(), |a| fold(&a.name));
        let alias_cols: Vec<String> = alias_taken
            .as_ref()
            .map(|a| a.columns.iter().map(|c| fold(&c.name)).collect())
            .unwrap_or_default();
        // A function returning one value names its column after the alias.
        let value_name = alias_cols.first().cloned().unwrap_or_else(|| {
            if alias_taken.is_some() {
                rel_name.clone()
            } else {
                fname.clone()
            }
        });
        let ord_name = alias_cols
            .get(1)
            .cloned()
            .unwrap_or_else(|| "ordinality".to_owned());

        let (query, cols) = match fname.as_str() {
            "generate_series" => self.generate_series(arg_exprs, &types, &value_name)?,
            "unnest" => {
                if arg_exprs.len() != 1 {
                    return Err(unsupported("unnest() of several arrays"));
                }
                let mut arr = arg_exprs.remove(0);
                let elem = types[0].element();
                let arr = json_array_arg(&mut arr, types[0]);
                json_each_query(arr, &value_name, elem)?
            }
            // `(x, n)`: each element and its position from 1.
            "_pg_expandarray" => {
                if arg_exprs.len() != 1 {
                    return Err(CatalogError::UndefinedFunction(format!(
                        "_pg_expandarray() with {} arguments",
                        arg_exprs.len()
                    )));
                }
                let mut arr = arg_exprs.remove(0);
                let elem = types[0].element();
                let arr = json_array_arg(&mut arr, types[0]);
                let x = alias_cols
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "x".to_owned());
                let n = alias_cols.get(1).cloned().unwrap_or_else(|| "n".to_owned());
                let q = build::template(
                    &format!(
                        "SELECT value AS {}, key + 1 AS {} FROM json_each(__hg_arg0)",
                        quote(&x),
                        quote(&n)
                    ),
                    &[arr],
                )?;
                (
                    q,
                    vec![
                        Col::new(x, elem),
                        Col::new(n, Ty::Known(ColumnType::Integer)),
                    ],
                )
            }
            "json_array_elements"
            | "jsonb_array_elements"
            | "json_array_elements_text"
            | "jsonb_array_elements_text" => {
                let arr = arg_exprs.into_iter().next().unwrap_or_else(build::null);
                let t = if fname.ends_with("_text") {
                    Ty::Known(ColumnType::Text)
                } else {
                    Ty::Known(ColumnType::Json)
                };
                let name = alias_cols
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "value".to_owned());
                // JSON text of each element; `_text` gives a string's contents and NULL for null.
                let value = if t == Ty::Known(ColumnType::Text) {
                    "CASE type WHEN 'null' THEN NULL WHEN 'text' THEN value \
                     ELSE __hg_arg0 -> fullkey END"
                } else {
                    "__hg_arg0 -> fullkey"
                };
                let q = build::template(
                    &format!(
                        "SELECT {value} AS {} FROM json_each(__hg_arg0)",
                        quote(&name)
                    ),
                    &[build::nested(arr)],
                )?;
                (q, vec![Col::new(name, t)])
            }
            "json_object_keys" | "jsonb_object_keys" => {
                let obj = arg_exprs.into_iter().next().unwrap_or_else(build::null);
                let q = build::template(
                    &format!(
                        "SELECT key AS {} FROM json_each(__hg_arg0)",
                        quote(&value_name)
                    ),
                    &[obj],
                )?;
                (
                    q,
                    vec![Col::new(value_name.clone(), Ty::Known(ColumnType::Text))],
                )
            }
            "regexp_split_to_table" | "string_to_table" => {
                let array_fn = if fname == "regexp_split_to_table" {
                    "regexp_split_to_array"
                } else {
                    "string_to_array"
                };
                json_each_query(
                    build::call(array_fn, arg_exprs),
                    &value_name,
                    Ty::Known(ColumnType::Text),
                )?
            }
            "regexp_matches" | "generate_subscripts" => {
                return Err(unsupported(&format!("{fname}() in FROM")));
            }
            _ => {
                // A scalar function: one row, one column named after the alias.
                let mut call = build::call(&fname, Vec::new());
                if let Expr::Function(f) = &mut call {
                    f.name =
                        ObjectName(idents.into_iter().map(ObjectNamePart::Identifier).collect());
                    f.args = sqlparser::ast::FunctionArguments::List(
                        sqlparser::ast::FunctionArgumentList {
                            duplicate_treatment: None,
                            args: arg_exprs.into_iter().map(build::arg).collect(),
                            clauses: Vec::new(),
                        },
                    );
                }
                let t = self.expr(&mut call, qs)?;
                let q = build::template(
                    &format!("SELECT __hg_arg0 AS {}", quote(&value_name)),
                    &[call],
                )?;
                (q, vec![Col::new(value_name.clone(), t)])
            }
        };
        let mut query = query;
        let mut cols = cols;
        if ordinality {
            query = with_ordinality_column(query, &ord_name)?;
            cols.push(Col::new(ord_name, Ty::Known(ColumnType::BigInt)));
        }
        *tf = derived(query, &rel_name);
        self.changed = true;
        sc.relations.push(Relation {
            name: rel_name,
            columns: Columns::known(cols),
        });
        Ok(())
    }

    /// `generate_series(start, stop[, step])` over integers or timestamps,
    /// as a recursive CTE that streams its rows.
    fn generate_series(
        &mut self,
        mut args: Vec<Expr>,
        types: &[Ty],
        column: &str,
    ) -> Result<(sqlparser::ast::Query, Vec<Col>), CatalogError> {
        if !(2..=3).contains(&args.len()) {
            return Err(CatalogError::UndefinedFunction(format!(
                "generate_series() with {} arguments",
                args.len()
            )));
        }
        let interval = Ty::Known(ColumnType::Interval);
        let step_t = types.get(2).copied().unwrap_or(Ty::Unknown);
        let timed = types[0].is_moment() || step_t == interval;
        if timed {
            if args.len() < 3 {
                return Err(CatalogError::UndefinedFunction(
                    "generate_series(timestamp, timestamp) needs an interval step".to_owned(),
                ));
            }
            if types[2] != interval {
                crate::translate::literal::coerce(&mut args[2], interval);
            }
            // Start and stop compare as text, so both are canonical timestamptz (or both timestamp).
            let kind = if types[0] == Ty::Known(ColumnType::Timestamp) && types[1] == types[0] {
                Ty::Known(ColumnType::Timestamp)
            } else {
                Ty::Known(ColumnType::TimestampTz)
            };
            for (i, t) in types.iter().take(2).enumerate() {
                if crate::translate::literal::coerce(&mut args[i], kind) {
                    continue;
                }
                if *t != kind {
                    let f = if kind == Ty::Known(ColumnType::Timestamp) {
                        "cast_timestamp"
                    } else {
                        "cast_timestamptz"
                    };
                    let a = std::mem::replace(&mut args[i], build::null());
                    args[i] = build::call(f, vec![a]);
                }
            }
            let q = build::template(
                &format!(
                    "WITH RECURSIVE __hg_p(a, b, c, d) AS (SELECT __hg_arg0, __hg_arg1, __hg_arg2, date_part('epoch', __hg_arg2)), \
                     __hg_s(v) AS (SELECT a FROM __hg_p WHERE (d > 0 AND a <= b) OR (d < 0 AND a >= b) \
                     UNION ALL SELECT timestamp_pl_interval(v, c) FROM __hg_s, __hg_p \
                     WHERE (d > 0 AND timestamp_pl_interval(v, c) <= b) OR (d < 0 AND timestamp_pl_interval(v, c) >= b)) \
                     SELECT v AS {} FROM __hg_s",
                    quote(column)
                ),
                &args,
            )?;
            return Ok((q, vec![Col::new(column, kind)]));
        }
        for a in args.iter() {
            self.note_param(a, Ty::Known(ColumnType::BigInt));
        }
        if args.len() == 2 {
            args.push(build::number(1));
        }
        let elem = series_type(types);
        let q = build::template(
            &format!(
                "WITH RECURSIVE __hg_p(a, b, c) AS (SELECT __hg_arg0, __hg_arg1, __hg_arg2), \
                 __hg_s(v) AS (SELECT a FROM __hg_p WHERE (c > 0 AND a <= b) OR (c < 0 AND a >= b) \
                 UNION ALL SELECT v + c FROM __hg_s, __hg_p WHERE (c > 0 AND v + c <= b) OR (c < 0 AND v + c >= b)) \
                 SELECT v AS {} FROM __hg_s",
                quote(column)
            ),
            &args,
        )?;
        Ok((q, vec![Col::new(column, elem)]))
    }

    /// `UNNEST(array) [WITH ORDINALITY] [AS t(x, n)]`.
    fn unnest(
        &mut self,
        arr: &mut Expr,
        alias: Option<TableAlias>,
        ordinality: bool,
        qs: &Scope<'_>,
    ) -> Result<(TableFactor, Relation), CatalogError> {
        let t = self.expr(arr, qs)?;
        let rel_name = alias
            .as_ref()
            .map_or_else(|| "unnest".to_owned(), |a| fold(&a.name));
        let alias_cols: Vec<String> = alias
            .as_ref()
            .map(|a| a.columns.iter().map(|c| fold(&c.name)).collect())
            .unwrap_or_default();
        let value_name = alias_cols.first().cloned().unwrap_or_else(|| {
            if alias.is_some() {
                rel_name.clone()
            } else {
                "unnest".to_owned()
            }
        });
        let a = json_array_arg(arr, t);
        let (mut q, mut cols) = json_each_query(a, &value_name, t.element())?;
        if ordinality {
            let ord = alias_cols
                .get(1)
                .cloned()
                .unwrap_or_else(|| "ordinality".to_owned());
            q = with_ordinality_column(q, &ord)?;
            cols.push(Col::new(ord, Ty::Known(ColumnType::BigInt)));
        }
        self.changed = true;
        Ok((
            derived(q, &rel_name),
            Relation {
                name: rel_name,
                columns: Columns::known(cols),
            },
        ))
    }
}

fn quote(name: &str) -> String {
    build::quoted(name).to_string()
}

/// An array argument as JSON: text-form and vector arrays are converted at run time.
pub(crate) fn json_array_arg(arr: &mut Expr, t: Ty) -> Expr {
    let a = std::mem::replace(arr, build::null());
    if t.is_array() {
        a
    } else {
        build::call("array_in", vec![a])
    }
}

/// `SELECT value AS name FROM json_each(arr)`, the elements in order.
fn json_each_query(arr: Expr, name: &str, t: Ty) -> Result<(Query, Vec<Col>), CatalogError> {
    let q = build::template(
        &format!("SELECT value AS {} FROM json_each(__hg_arg0)", quote(name)),
        &[arr],
    )?;
    Ok((q, vec![Col::new(name, t)]))
}

/// Adds `WITH ORDINALITY`'s row number to a one-column function query.
fn with_ordinality_column(q: Query, name: &str) -> Result<Query, CatalogError> {
    let mut outer = build::template(
        &format!(
            "SELECT *, row_number() OVER () AS {} FROM (SELECT 1)",
            quote(name)
        ),
        &[],
    )?;
    if let SetExpr::Select(s) = outer.body.as_mut()
        && let Some(from) = s.from.first_mut()
    {
        from.relation = TableFactor::Derived {
            lateral: false,
            subquery: Box::new(q),
            alias: None,
            sample: None,
        };
    }
    Ok(outer)
}

/// `(query) AS name`.
fn derived(q: Query, name: &str) -> TableFactor {
    TableFactor::Derived {
        lateral: false,
        subquery: Box::new(q),
        alias: Some(TableAlias {
            explicit: true,
            name: build::quoted(name),
            columns: Vec::new(),
            at: None,
        }),
        sample: None,
    }
}

/// `SELECT * FROM (query)`, for a parenthesized query SQLite will not take as is.
fn wrap_select_star(q: Box<Query>) -> Result<Query, CatalogError> {
    let mut outer = build::template("SELECT * FROM (SELECT 1)", &[])?;
    if let SetExpr::Select(s) = outer.body.as_mut()
        && let Some(from) = s.from.first_mut()
    {
        from.relation = TableFactor::Derived {
            lateral: false,
            subquery: q,
            alias: None,
            sample: None,
        };
    }
    Ok(outer)
}

/// `(WITH name(cols) AS (query) SELECT * FROM name)`: SQLite has no column
/// aliases on derived tables, but CTEs take a column list.
fn with_column_names(q: Box<Query>, name: &str, cols: &Columns) -> Result<Query, CatalogError> {
    let cte_name = if name.is_empty() { "__hg_d" } else { name };
    let mut outer = build::template(
        &format!(
            "WITH {} AS (SELECT 1) SELECT * FROM {}",
            quote(cte_name),
            quote(cte_name)
        ),
        &[],
    )?;
    if let Some(with) = &mut outer.with
        && let Some(cte) = with.cte_tables.first_mut()
    {
        cte.query = q;
        cte.alias.columns = cols
            .cols
            .iter()
            .map(|c| TableAliasColumnDef {
                name: build::quoted(&c.name),
                data_type: None,
            })
            .collect();
    }
    Ok(outer)
}

/// Applies a column alias list to the first columns.
fn rename_columns(cols: &mut Columns, names: &[String]) {
    for (c, n) in cols.cols.iter_mut().zip(names) {
        c.name = n.clone();
    }
    if cols.cols.len() < names.len() {
        for n in &names[cols.cols.len()..] {
            cols.cols.push(Col::new(n.clone(), Ty::Unknown));
        }
    }
}

/// The type of an integer `generate_series`'s values, from its arguments':
/// bigint if any is, double precision for fractional ones, else integer.
pub(crate) fn series_type(types: &[Ty]) -> Ty {
    if types.iter().any(|t| t.is(ColumnType::BigInt)) {
        Ty::Known(ColumnType::BigInt)
    } else if types
        .iter()
        .any(|t| matches!(t, Ty::Known(ColumnType::Double | ColumnType::Numeric)))
    {
        Ty::Known(ColumnType::Double)
    } else {
        Ty::Known(ColumnType::Integer)
    }
}

/// `SELECT generate_series(1, 3) [AS x]` without `FROM` is
/// `SELECT * FROM generate_series(1, 3) [AS x]`: the one place a
/// set-returning function in the select list is translated.
fn srf_to_from(s: &mut Select) {
    if !s.from.is_empty() || s.projection.len() != 1 {
        return;
    }
    let (expr, alias) = match &s.projection[0] {
        SelectItem::UnnamedExpr(e) => (e, None),
        SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.clone())),
        _ => return,
    };
    let Expr::Function(f) = expr else {
        return;
    };
    let is_srf = f.name.0.last().is_some_and(|p| match p {
        ObjectNamePart::Identifier(i) => matches!(
            fold(i).as_str(),
            "generate_series"
                | "unnest"
                | "regexp_split_to_table"
                | "string_to_table"
                | "json_array_elements"
                | "jsonb_array_elements"
                | "json_array_elements_text"
                | "jsonb_array_elements_text"
                | "json_object_keys"
                | "jsonb_object_keys"
        ),
        ObjectNamePart::Function(_) => false,
    });
    let sqlparser::ast::FunctionArguments::List(list) = &f.args else {
        return;
    };
    if !is_srf || f.over.is_some() || f.filter.is_some() || !list.clauses.is_empty() {
        return;
    }
    let factor = TableFactor::Table {
        name: f.name.clone(),
        alias: alias.map(|name| TableAlias {
            explicit: true,
            name,
            columns: Vec::new(),
            at: None,
        }),
        args: Some(sqlparser::ast::TableFunctionArgs {
            args: list.args.clone(),
            settings: None,
        }),
        with_hints: Vec::new(),
        version: None,
        with_ordinality: false,
        partitions: Vec::new(),
        json_path: None,
        sample: None,
        index_directives: Vec::new(),
        inheritance: None,
    };
    s.from = vec![TableWithJoins {
        relation: factor,
        joins: Vec::new(),
    }];
    s.projection = vec![SelectItem::Wildcard(
        sqlparser::ast::WildcardAdditionalOptions::default(),
    )];
}

/// Whether an unquoted `name` would read as a keyword (`AS table`, `AS update`).
fn is_keyword(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    sqlparser::keywords::ALL_KEYWORDS
        .binary_search(&upper.as_str())
        .is_ok()
}

/// The name SQLite gives a plain column reference, if `e` is one.
fn plain_column(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) => Some(i.value.clone()),
        Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.clone()),
        _ => None,
    }
}

/// A parenthesized query that is nothing but its body.
fn is_plain(q: &Query) -> bool {
    q.with.is_none()
        && q.order_by.is_none()
        && q.limit_clause.is_none()
        && q.fetch.is_none()
        && q.locks.is_empty()
}

fn empty_values() -> sqlparser::ast::Values {
    sqlparser::ast::Values {
        explicit_row: false,
        value_keyword: false,
        rows: Vec::new(),
    }
}

/// Rewrites `$n` parameters to `?n`: SQLite numbers `$name` parameters by
/// first appearance, so `$2` before `$1` would bind the wrong values.
/// Quoted text and comments are left alone.
pub(super) fn number_placeholders(sql: &str) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == q {
                        if bytes.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'$' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                out.push_str(&sql[copied..i]);
                out.push('?');
                i += 1;
                copied = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::number_placeholders;

    #[test]
    fn numbers_parameters_outside_quotes_and_comments() {
        assert_eq!(
            number_placeholders("select $1, a$1, '$2', \"$3\" -- $4\n, $10 /* $5 */"),
            "select ?1, a$1, '$2', \"$3\" -- $4\n, ?10 /* $5 */"
        );
    }
}
