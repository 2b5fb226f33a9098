//! Set-returning functions in the select list (`SELECT c, unnest(c.a) FROM c`)
//! and the fields of their composite results (`(_pg_expandarray(a)).n`).
//!
//! PostgreSQL runs a select list's set-returning functions in lockstep for
//! each input row: output row i takes element i of every function, the
//! longest function decides how many rows there are, shorter ones give NULL,
//! and an input row whose functions all return nothing disappears. `WHERE`
//! applies before the expansion (it cannot see the functions' results);
//! `DISTINCT`, `ORDER BY` and `LIMIT` after.
//!
//! Here each function becomes a length and an element-at-index expression
//! over its translated arguments, and every input row is joined to SQLite's
//! `generate_series(0, longest - 1)` table-valued function (rusqlite's
//! `series` module), whose correlated arguments are evaluated per input row
//! and whose rows stream: `SELECT generate_series(1, 1000000000000) FROM t`
//! never builds its series. Arrays are JSON text, so element i is
//! `json_extract(a, '$[i]')`.
//!
//! A composite value (`_pg_expandarray`'s `(x, n)`) is a JSON object inside
//! a query, where `(v).x` reads it with `json_extract`; in the statement's
//! own result it is PostgreSQL's record text, `(3,1)`.
//!
//! Not translated, with an error naming the construct: a set-returning
//! function in the arguments of another, beside aggregates, `GROUP BY`,
//! `HAVING` or window functions (PostgreSQL expands after grouping), and
//! `generate_series` over timestamps in the select list.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AccessExpr, BinaryOperator, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments,
    GroupByExpr, Ident, ObjectNamePart, Query, Select, SelectItem, TableWithJoins, VisitMut,
    VisitorMut, WildcardAdditionalOptions, visit_expressions_mut,
};

use crate::error::CatalogError;
use crate::schema::ColumnType;
use crate::translate::build::{self, call};
use crate::translate::infer::Ty;
use crate::translate::names::{column_name, fold};
use crate::translate::rewrite::{Rewriter, json_array_arg, series_type, unsupported};
use crate::translate::scope::{Col, Columns, Relation, Scope};

/// The alias of the index series, and the relation the placeholders name.
const SERIES: &str = "__hg_srf";

/// The set-returning functions the select list may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unnest,
    Subscripts,
    ExpandArray,
    Series,
    JsonElements { text: bool, binary: bool },
    ObjectKeys,
    RegexpSplit,
    StringSplit,
}

impl Kind {
    fn of(name: &str) -> Option<Kind> {
        Some(match name {
            "unnest" => Kind::Unnest,
            "generate_subscripts" => Kind::Subscripts,
            "_pg_expandarray" => Kind::ExpandArray,
            "generate_series" => Kind::Series,
            "json_array_elements" => Kind::JsonElements {
                text: false,
                binary: false,
            },
            "jsonb_array_elements" => Kind::JsonElements {
                text: false,
                binary: true,
            },
            "json_array_elements_text" | "jsonb_array_elements_text" => Kind::JsonElements {
                text: true,
                binary: false,
            },
            "json_object_keys" | "jsonb_object_keys" => Kind::ObjectKeys,
            "regexp_split_to_table" => Kind::RegexpSplit,
            "string_to_table" => Kind::StringSplit,
            _ => return None,
        })
    }

    /// How many arguments PostgreSQL's function takes.
    fn arity(self) -> std::ops::RangeInclusive<usize> {
        match self {
            Kind::Unnest | Kind::ExpandArray | Kind::JsonElements { .. } | Kind::ObjectKeys => {
                1..=1
            }
            Kind::Subscripts => 2..=2,
            Kind::Series | Kind::RegexpSplit | Kind::StringSplit => 2..=3,
        }
    }
}

/// One set-returning call taken out of the select list.
#[derive(Debug)]
struct Call {
    name: String,
    kind: Kind,
    args: Vec<Expr>,
}

/// The select list's set-returning calls, replaced by placeholder columns
/// of the relation [`SERIES`]: `v<k>` for call k's value, `v<k>_x` and
/// `v<k>_n` for the fields of `_pg_expandarray`.
#[derive(Debug)]
pub(crate) struct Expansion {
    calls: Vec<Call>,
}

/// The translated form of an [`Expansion`], ready to be put into the `SELECT`:
/// each call's length, and the SQLite expression of each placeholder.
pub(crate) struct Prepared {
    lengths: Vec<Expr>,
    values: Vec<(String, Expr)>,
}

/// The name of a set-returning function `f` calls, if it is one.
fn srf_name(f: &Function) -> Option<(String, Kind)> {
    let parts: Vec<&Ident> = f
        .name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(i),
            ObjectNamePart::Function(_) => None,
        })
        .collect::<Option<_>>()?;
    let (last, schema) = match parts.as_slice() {
        [last] => (*last, None),
        [schema, last] => (*last, Some(fold(schema))),
        _ => return None,
    };
    if schema.is_some_and(|s| s != "pg_catalog" && s != "information_schema") {
        return None;
    }
    let name = fold(last);
    Kind::of(&name).map(|k| (name, k))
}

/// `(e)` unwrapped.
fn unnested(e: &Expr) -> &Expr {
    match e {
        Expr::Nested(inner) => unnested(inner),
        other => other,
    }
}

fn placeholder(column: &str) -> Expr {
    Expr::CompoundIdentifier(vec![build::ident(SERIES), build::ident(column)])
}

/// Aggregates, whose presence means PostgreSQL expands after grouping.
fn is_aggregate(f: &Function) -> bool {
    let Some(ObjectNamePart::Identifier(last)) = f.name.0.last() else {
        return false;
    };
    let name = fold(last);
    let args = match &f.args {
        FunctionArguments::List(l) => l.args.len(),
        _ => 0,
    };
    f.over.is_some()
        || matches!(
            name.as_str(),
            "count"
                | "sum"
                | "avg"
                | "array_agg"
                | "string_agg"
                | "json_agg"
                | "jsonb_agg"
                | "json_object_agg"
                | "jsonb_object_agg"
                | "bool_and"
                | "bool_or"
                | "every"
                | "bit_and"
                | "bit_or"
                | "group_concat"
                | "total"
                | "stddev"
                | "stddev_pop"
                | "stddev_samp"
                | "variance"
                | "var_pop"
                | "var_samp"
        )
        || (matches!(name.as_str(), "min" | "max") && args == 1)
}

/// Walks one select item outside its subqueries, taking set-returning calls out.
struct Extract<'a> {
    depth: usize,
    calls: &'a mut Vec<Call>,
    aggregate: bool,
}

impl VisitorMut for Extract<'_> {
    type Break = CatalogError;

    fn pre_visit_query(&mut self, _: &mut Query) -> ControlFlow<CatalogError> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &mut Query) -> ControlFlow<CatalogError> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<CatalogError> {
        if self.depth > 0 {
            return ControlFlow::Continue(());
        }
        match self.take(e) {
            Ok(()) => ControlFlow::Continue(()),
            Err(err) => ControlFlow::Break(err),
        }
    }
}

impl Extract<'_> {
    fn take(&mut self, e: &mut Expr) -> Result<(), CatalogError> {
        // `(f(a)).field` of a composite-returning function.
        if let Expr::CompoundFieldAccess { root, access_chain } = e
            && let [AccessExpr::Dot(Expr::Identifier(field))] = access_chain.as_slice()
            && let Expr::Function(f) = unnested(root)
            && let Some((name, Kind::ExpandArray)) = srf_name(f)
        {
            let field = fold(field);
            if field != "x" && field != "n" {
                return Err(CatalogError::UndefinedColumn(format!(
                    "{field}\" of the result of \"{name}()"
                )));
            }
            let k = self.push(name, Kind::ExpandArray, f)?;
            *e = placeholder(&format!("v{k}_{field}"));
            return Ok(());
        }
        let Expr::Function(f) = e else {
            return Ok(());
        };
        if let Some((name, kind)) = srf_name(f) {
            let k = self.push(name, kind, f)?;
            *e = placeholder(&format!("v{k}"));
        } else if is_aggregate(f) {
            self.aggregate = true;
        }
        Ok(())
    }

    /// Records a call; returns its number.
    fn push(&mut self, name: String, kind: Kind, f: &Function) -> Result<usize, CatalogError> {
        let FunctionArguments::List(list) = &f.args else {
            return Err(CatalogError::UndefinedFunction(format!("{name}()")));
        };
        if f.over.is_some()
            || f.filter.is_some()
            || !f.within_group.is_empty()
            || list.duplicate_treatment.is_some()
            || !list.clauses.is_empty()
        {
            return Err(unsupported(&format!(
                "{name}() with DISTINCT, ORDER BY, FILTER or OVER"
            )));
        }
        let mut args = Vec::new();
        for a in &list.args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(e.clone()),
                _ => return Err(unsupported(&format!("named arguments to {name}()"))),
            }
        }
        if kind == Kind::Unnest && args.len() > 1 {
            return Err(unsupported(
                "unnest() of several arrays in the select list (use it in FROM)",
            ));
        }
        if kind == Kind::Subscripts && args.len() == 3 {
            return Err(unsupported("generate_subscripts() with reverse"));
        }
        if !kind.arity().contains(&args.len()) {
            return Err(CatalogError::UndefinedFunction(format!(
                "{name}() with {} arguments",
                args.len()
            )));
        }
        for a in args.iter_mut() {
            let mut inner = Extract {
                depth: 0,
                calls: &mut Vec::new(),
                aggregate: false,
            };
            if let ControlFlow::Break(e) = a.visit(&mut inner) {
                return Err(e);
            }
            if !inner.calls.is_empty() {
                return Err(unsupported(&format!(
                    "a set-returning function in the arguments of {name}()"
                )));
            }
            self.aggregate |= inner.aggregate;
        }
        self.calls.push(Call { name, kind, args });
        Ok(self.calls.len() - 1)
    }
}

/// Takes the select list's set-returning calls out of `s`, leaving
/// placeholders and naming the columns as PostgreSQL does; `None` when there are none.
pub(crate) fn extract(s: &mut Select) -> Result<Option<Expansion>, CatalogError> {
    let mut calls = Vec::new();
    let mut aggregate = false;
    for item in s.projection.iter_mut() {
        let name = match &*item {
            SelectItem::UnnamedExpr(e) => Some(column_name(e)),
            _ => None,
        };
        let before = calls.len();
        let mut v = Extract {
            depth: 0,
            calls: &mut calls,
            aggregate: false,
        };
        if let ControlFlow::Break(e) = item.visit(&mut v) {
            return Err(e);
        }
        aggregate |= v.aggregate;
        if calls.len() > before
            && let Some(name) = name
            && let SelectItem::UnnamedExpr(e) = item
        {
            let expr = std::mem::replace(e, build::null());
            *item = SelectItem::ExprWithAlias {
                expr,
                alias: build::quoted(&name),
            };
        }
    }
    if calls.is_empty() {
        return Ok(None);
    }
    let grouped = match &s.group_by {
        GroupByExpr::All(_) => true,
        GroupByExpr::Expressions(e, _) => !e.is_empty(),
    };
    if aggregate || grouped || s.having.is_some() {
        return Err(unsupported(&format!(
            "set-returning function {}() in the select list beside aggregates, window functions, GROUP BY or HAVING",
            calls[0].name
        )));
    }
    Ok(Some(Expansion { calls }))
}

/// `SELECT <expr>` parsed, with `__hg_argN` filled in.
/// Arguments keep their own precedence (SQLite's `||` binds tighter than `+`).
fn expr_template(sql: &str, args: &[Expr]) -> Result<Expr, CatalogError> {
    let args: Vec<Expr> = args.iter().cloned().map(build::nested).collect();
    let q = build::template(&format!("SELECT {sql}"), &args)?;
    if let sqlparser::ast::SetExpr::Select(s) = *q.body
        && let Some(SelectItem::UnnamedExpr(e)) = s.projection.into_iter().next()
    {
        return Ok(e);
    }
    Err(CatalogError::Internal(format!(
        "translation template: {sql}"
    )))
}

/// The index of the current output row within its input row, from 0.
fn index() -> Expr {
    placeholder("value")
}

/// `json_extract(a, '$[i]')`: element i of a JSON array.
fn element(a: &Expr) -> Result<Expr, CatalogError> {
    expr_template(
        "json_extract(__hg_arg0, '$[' || __hg_arg1 || ']')",
        &[a.clone(), index()],
    )
}

impl Rewriter<'_> {
    /// Translates the calls' arguments in the scope of the `FROM` clause,
    /// expands `*` to the `FROM` relations (the index series is not part of
    /// it), and returns the relation that types the placeholders.
    pub(crate) fn prepare_expansion(
        &mut self,
        x: Expansion,
        s: &mut Select,
        sc: &Scope<'_>,
        top: bool,
    ) -> Result<(Prepared, Relation), CatalogError> {
        if s.projection
            .iter()
            .any(|i| matches!(i, SelectItem::Wildcard(_)))
        {
            let mut items = Vec::new();
            for item in std::mem::take(&mut s.projection) {
                if let SelectItem::Wildcard(opts) = item {
                    for r in &sc.relations {
                        if r.name.is_empty() {
                            return Err(unsupported(
                                "* beside a set-returning function over a subquery without an alias",
                            ));
                        }
                        items.push(SelectItem::QualifiedWildcard(
                            sqlparser::ast::SelectItemQualifiedWildcardKind::ObjectName(
                                sqlparser::ast::ObjectName(vec![ObjectNamePart::Identifier(
                                    build::quoted(&r.name),
                                )]),
                            ),
                            WildcardAdditionalOptions {
                                wildcard_token: opts.wildcard_token.clone(),
                                ..WildcardAdditionalOptions::default()
                            },
                        ));
                    }
                } else {
                    items.push(item);
                }
            }
            s.projection = items;
        }

        let mut lengths = Vec::new();
        let mut values = Vec::new();
        let mut cols = Vec::new();
        for (k, c) in x.calls.into_iter().enumerate() {
            let mut args = c.args;
            let mut types = Vec::new();
            for a in args.iter_mut() {
                types.push(self.expr(a, sc)?);
            }
            let v = format!("v{k}");
            let i = index();
            match c.kind {
                Kind::Unnest => {
                    let a = json_array_arg(&mut args[0], types[0]);
                    lengths.push(call("json_array_length", vec![a.clone()]));
                    values.push((v.clone(), element(&a)?));
                    cols.push(Col::new(v, types[0].element()));
                }
                Kind::Subscripts => {
                    self.note_param(&args[1], Ty::Known(ColumnType::Integer));
                    let vector = matches!(
                        types[0],
                        Ty::Known(ColumnType::Int2Vector | ColumnType::OidVector)
                    );
                    let a = json_array_arg(&mut args[0], types[0]);
                    lengths.push(expr_template(
                        "CASE WHEN __hg_arg1 = 1 THEN json_array_length(__hg_arg0) ELSE 0 END",
                        &[a, args[1].clone()],
                    )?);
                    let lower = if vector { 0 } else { 1 };
                    values.push((
                        v.clone(),
                        build::binary(i, BinaryOperator::Plus, build::number(lower)),
                    ));
                    cols.push(Col::new(v, Ty::Known(ColumnType::Integer)));
                }
                Kind::ExpandArray => {
                    let elem_t = types[0].element();
                    let a = json_array_arg(&mut args[0], types[0]);
                    lengths.push(call("json_array_length", vec![a.clone()]));
                    let x_value = element(&a)?;
                    let n_value = build::binary(i, BinaryOperator::Plus, build::number(1));
                    let whole = if top {
                        record_text(&x_value, elem_t, &n_value)?
                    } else {
                        expr_template(
                            "json_object('x', __hg_arg0, 'n', __hg_arg1)",
                            &[x_value.clone(), n_value.clone()],
                        )?
                    };
                    values.push((v.clone(), whole));
                    values.push((format!("{v}_x"), x_value));
                    values.push((format!("{v}_n"), n_value));
                    cols.push(Col::new(format!("{v}_x"), elem_t));
                    cols.push(Col::new(format!("{v}_n"), Ty::Known(ColumnType::Integer)));
                    cols.push(Col::new(
                        v,
                        if top {
                            Ty::Known(ColumnType::Text)
                        } else {
                            Ty::Unknown
                        },
                    ));
                }
                Kind::Series => {
                    if types
                        .iter()
                        .any(|t| t.is_moment() || *t == Ty::Known(ColumnType::Interval))
                    {
                        return Err(unsupported(
                            "generate_series() over timestamps in the select list (use it in FROM)",
                        ));
                    }
                    for a in args.iter() {
                        self.note_param(a, Ty::Known(ColumnType::BigInt));
                    }
                    if args.len() == 2 {
                        args.push(build::number(1));
                    }
                    lengths.push(expr_template(
                        "CAST(CASE WHEN __hg_arg2 > 0 AND __hg_arg0 <= __hg_arg1 \
                         THEN (__hg_arg1 - __hg_arg0) / __hg_arg2 + 1 \
                         WHEN __hg_arg2 < 0 AND __hg_arg0 >= __hg_arg1 \
                         THEN (__hg_arg0 - __hg_arg1) / (0 - __hg_arg2) + 1 ELSE 0 END AS INTEGER)",
                        &args,
                    )?);
                    values.push((
                        v.clone(),
                        expr_template(
                            "__hg_arg0 + __hg_arg1 * __hg_arg2",
                            &[args[0].clone(), i, args[2].clone()],
                        )?,
                    ));
                    cols.push(Col::new(v, series_type(&types)));
                }
                Kind::JsonElements { text, binary } => {
                    let a = args.swap_remove(0);
                    lengths.push(call("json_array_length", vec![a.clone()]));
                    // JSON text of the element; `_text` gives a string's contents and NULL for null.
                    let (value, t) = if text {
                        (
                            expr_template(
                                "CASE json_type(__hg_arg0, '$[' || __hg_arg1 || ']') \
                                 WHEN 'null' THEN NULL \
                                 WHEN 'text' THEN json_extract(__hg_arg0, '$[' || __hg_arg1 || ']') \
                                 ELSE __hg_arg0 -> __hg_arg1 END",
                                &[a, i],
                            )?,
                            ColumnType::Text,
                        )
                    } else {
                        (
                            build::binary(build::nested(a), BinaryOperator::Arrow, i),
                            if binary {
                                ColumnType::Jsonb
                            } else {
                                ColumnType::Json
                            },
                        )
                    };
                    values.push((v.clone(), value));
                    cols.push(Col::new(v, Ty::Known(t)));
                }
                Kind::ObjectKeys | Kind::RegexpSplit | Kind::StringSplit => {
                    let keys = match c.kind {
                        Kind::ObjectKeys => Expr::Subquery(Box::new(build::template(
                            "SELECT json_group_array(key) FROM json_each(__hg_arg0)",
                            &args,
                        )?)),
                        Kind::RegexpSplit => call("regexp_split_to_array", args),
                        _ => call("string_to_array", args),
                    };
                    lengths.push(call("json_array_length", vec![keys.clone()]));
                    values.push((v.clone(), element(&keys)?));
                    cols.push(Col::new(v, Ty::Known(ColumnType::Text)));
                }
            }
        }
        for c in cols.iter_mut() {
            c.hidden = true;
        }
        self.changed = true;
        Ok((
            Prepared { lengths, values },
            Relation {
                name: SERIES.to_owned(),
                columns: Columns::known(cols),
            },
        ))
    }
}

/// PostgreSQL's record text of `(x, n)`: `(3,1)`; a text element is quoted
/// when it holds a delimiter, a quote, a backslash or white space, or is empty.
fn record_text(x: &Expr, t: Ty, n: &Expr) -> Result<Expr, CatalogError> {
    if t.is_numeric() {
        return expr_template(
            "'(' || coalesce(__hg_arg0, '') || ',' || __hg_arg1 || ')'",
            &[x.clone(), n.clone()],
        );
    }
    expr_template(
        "'(' || CASE WHEN __hg_arg0 IS NULL THEN '' \
         WHEN __hg_arg0 = '' OR glob('*[\",()\\ \t\n]*', __hg_arg0) \
         THEN '\"' || replace(replace(__hg_arg0, '\\', '\\\\'), '\"', '\"\"') || '\"' \
         ELSE __hg_arg0 END || ',' || __hg_arg1 || ')'",
        &[x.clone(), n.clone()],
    )
}

/// Puts the expansion into `s`: placeholders become their values (NULL past
/// the end of a shorter function) and the index series joins the `FROM` clause.
pub(crate) fn finish(s: &mut Select, p: Prepared) -> Result<(), CatalogError> {
    let Prepared { lengths, values } = p;
    let lockstep = lengths.len() > 1;
    // Which call each placeholder belongs to: `v<k>` or `v<k>_<field>`.
    let call_of = |name: &str| -> Option<usize> {
        name.strip_prefix('v')?
            .split('_')
            .next()?
            .parse::<usize>()
            .ok()
    };
    let mut resolved = Vec::new();
    for (name, value) in values {
        let value = match call_of(&name).and_then(|k| lengths.get(k)) {
            Some(length) if lockstep => expr_template(
                "CASE WHEN __hg_arg0 < __hg_arg1 THEN __hg_arg2 END",
                &[index(), length.clone(), value],
            )?,
            _ => value,
        };
        resolved.push((name, value));
    }
    for item in s.projection.iter_mut() {
        let _ = visit_expressions_mut(item, |e| {
            if let Expr::CompoundIdentifier(parts) = e
                && let [rel, col] = parts.as_slice()
                && rel.value == SERIES
                && let Some((_, v)) = resolved.iter().find(|(n, _)| *n == col.value)
            {
                *e = build::nested(v.clone());
            }
            ControlFlow::<()>::Continue(())
        });
    }
    let longest = if lockstep {
        call(
            "max",
            lengths
                .into_iter()
                .map(|l| call("coalesce", vec![l, build::number(0)]))
                .collect(),
        )
    } else {
        call(
            "coalesce",
            vec![
                lengths.into_iter().next().unwrap_or_else(build::null),
                build::number(0),
            ],
        )
    };
    let q = build::template(
        &format!("SELECT 1 FROM generate_series(0, __hg_arg0 - 1) AS {SERIES}"),
        &[longest],
    )?;
    if let sqlparser::ast::SetExpr::Select(from) = *q.body
        && let Some(twj) = from.from.into_iter().next()
    {
        s.from.push(TableWithJoins {
            relation: twj.relation,
            joins: Vec::new(),
        });
        return Ok(());
    }
    Err(CatalogError::Internal(
        "translation template: the index series".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use crate::engine::{Engine, EngineOptions};
    use crate::table::Registry;
    use crate::testing::strings;
    use crate::translate::{Statement, translate};

    /// Translates `sql` and runs it on an engine; rows as strings, NULL as "".
    fn rows(sql: &str) -> Vec<Vec<String>> {
        let Statement::Query(q) =
            translate(sql, &Registry::builtin()).unwrap_or_else(|e| panic!("{sql}: {e}"))
        else {
            panic!("{sql} is not a query");
        };
        let engine = Engine::open(EngineOptions::default()).expect("engine");
        let result = engine
            .query_all(&q.sql, &[])
            .unwrap_or_else(|e| panic!("{sql}\n-> {}: {e}", q.sql));
        strings(&result.rows)
    }

    fn error_of(sql: &str) -> String {
        match translate(sql, &Registry::builtin()) {
            Err(e) => e.to_string(),
            Ok(q) => panic!("{sql} translated to {q:?}"),
        }
    }

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    }

    #[test]
    fn functions_run_in_lockstep_and_shorter_ones_end_in_null() {
        assert_eq!(
            rows(
                "SELECT x, unnest(a), generate_series(1, 3) FROM (VALUES (1, ARRAY[10, 20]), \
                 (2, ARRAY[]::int[]), (3, NULL::int[])) AS t(x, a) ORDER BY x"
            ),
            table(&[
                &["1", "10", "1"],
                &["1", "20", "2"],
                &["1", "", "3"],
                &["2", "", "1"],
                &["2", "", "2"],
                &["2", "", "3"],
                &["3", "", "1"],
                &["3", "", "2"],
                &["3", "", "3"],
            ])
        );
    }

    #[test]
    fn empty_and_null_arrays_drop_the_row() {
        assert_eq!(
            rows(
                "SELECT x, unnest(a) FROM (VALUES (1, ARRAY[5]), (2, ARRAY[]::int[]), \
                 (3, NULL::int[])) AS t(x, a)"
            ),
            table(&[&["1", "5"]])
        );
        assert_eq!(
            rows("SELECT x, unnest(ARRAY[1, 2]) FROM (VALUES (1)) t(x) WHERE false"),
            table(&[])
        );
    }

    #[test]
    fn functions_inside_expressions_and_composite_fields() {
        assert_eq!(
            rows(
                "SELECT unnest(ARRAY[1, 2]) + 1 AS a, \
                 (information_schema._pg_expandarray(ARRAY[7, 9])).n FROM (VALUES (0)) t(z)"
            ),
            table(&[&["2", "1"], &["3", "2"]])
        );
        // The statement's own composite column is record text, quoted as PostgreSQL quotes it.
        assert_eq!(
            rows(
                "SELECT information_schema._pg_expandarray(ARRAY[7, 9]), \
                 information_schema._pg_expandarray(ARRAY['a b', 'c'])"
            ),
            table(&[&["(7,1)", "(\"a b\",1)"], &["(9,2)", "(c,2)"]])
        );
        assert_eq!(
            error_of("SELECT (information_schema._pg_expandarray(ARRAY[1])).y"),
            "column \"y\" of the result of \"_pg_expandarray()\" does not exist"
        );
    }

    #[test]
    fn a_derived_tables_composite_column_has_fields() {
        // pgjdbc's getPrimaryKeys, over a relation with arrays.
        assert_eq!(
            rows(
                "SELECT result.k, result.n FROM (SELECT t.k, \
                 (information_schema._pg_expandarray(t.a)).n AS n, \
                 information_schema._pg_expandarray(t.a) AS keys, t.w \
                 FROM (VALUES ('p', ARRAY[3, 1, 2], 1), ('q', ARRAY[4], 4)) AS t(k, a, w)) result \
                 WHERE result.w = (result.keys).x ORDER BY result.k, result.n"
            ),
            table(&[&["p", "2"], &["q", "1"]])
        );
    }

    #[test]
    fn json_and_text_functions() {
        assert_eq!(
            rows(
                "SELECT json_array_elements('[1,\"a\",{\"b\":2}]'), \
                 json_object_keys('{\"k\":1,\"l\":2}'), jsonb_array_elements_text('[1,\"a\"]')"
            ),
            table(&[
                &["1", "k", "1"],
                &["\"a\"", "l", "a"],
                &["{\"b\":2}", "", ""]
            ])
        );
        let elements = "'[1.50,\"a\",true,null,{\"b\":2}]'";
        let want = table(&[
            &["1.50", "1.50"],
            &["\"a\"", "a"],
            &["true", "true"],
            &["null", ""],
            &["{\"b\":2}", "{\"b\":2}"],
        ]);
        assert_eq!(
            rows(&format!(
                "SELECT json_array_elements({elements}), json_array_elements_text({elements})"
            )),
            want
        );
        assert_eq!(
            rows(&format!(
                "SELECT a.value, b.value FROM json_array_elements({elements}) WITH ORDINALITY a \
                 JOIN json_array_elements_text({elements}) WITH ORDINALITY b USING (ordinality)"
            )),
            want
        );
        assert_eq!(
            rows("SELECT string_to_table('a,b', ','), regexp_split_to_table('x y z', ' ')"),
            table(&[&["a", "x"], &["b", "y"], &["", "z"]])
        );
    }

    #[test]
    fn series_subscripts_and_what_applies_after_the_expansion() {
        assert_eq!(
            rows("SELECT x, generate_series(x, 1, -2) FROM (VALUES (5)) t(x)"),
            table(&[&["5", "5"], &["5", "3"], &["5", "1"]])
        );
        assert_eq!(
            rows("SELECT DISTINCT unnest(ARRAY[3, 1, 3]) AS v ORDER BY v"),
            table(&[&["1"], &["3"]])
        );
        // An int2vector or oidvector counts from 0; a dimension the array lacks has no subscripts.
        assert_eq!(
            rows(
                "SELECT generate_subscripts(ARRAY['a', 'b'], 1), \
                 generate_subscripts('1 2 3'::int2vector, 1), generate_subscripts(ARRAY[1], 2)"
            ),
            table(&[&["1", "0", ""], &["2", "1", ""], &["", "2", ""]])
        );
    }

    #[test]
    fn an_endless_series_streams() {
        assert_eq!(
            rows("SELECT x, generate_series(1, 1000000000000) FROM (VALUES (7)) t(x) LIMIT 3"),
            table(&[&["7", "1"], &["7", "2"], &["7", "3"]])
        );
    }

    #[test]
    fn a_catalog_vector_column_expands() {
        // Every function's argument types, in order: element i of proargtypes is subscript i.
        let expanded = rows(
            "SELECT p.oid, unnest(p.proargtypes) AS t, generate_subscripts(p.proargtypes, 1) AS i \
             FROM pg_catalog.pg_proc p WHERE p.pronargs > 1 ORDER BY p.oid, i",
        );
        let direct = rows(
            "SELECT p.oid, p.proargtypes[s.i]::text AS t, s.i FROM pg_catalog.pg_proc p, \
             generate_series(0, 100) AS s(i) WHERE p.pronargs > 1 AND s.i < p.pronargs \
             ORDER BY p.oid, s.i",
        );
        assert!(expanded.len() > 10, "{expanded:?}");
        assert_eq!(expanded, direct);
        assert_eq!(
            rows(
                "SELECT indexrelid, unnest(indkey), generate_subscripts(indkey, 1) \
                 FROM pg_catalog.pg_index"
            ),
            table(&[])
        );
    }

    #[test]
    fn unsupported_forms_are_named() {
        for (sql, want) in [
            (
                "SELECT unnest(unnest(ARRAY[1])) FROM pg_class",
                "a set-returning function in the arguments of unnest() is not supported",
            ),
            (
                "SELECT count(*), unnest(ARRAY[1]) FROM pg_class",
                "set-returning function unnest() in the select list beside aggregates, \
                 window functions, GROUP BY or HAVING is not supported",
            ),
            (
                "SELECT relkind, generate_series(1, 2) FROM pg_class GROUP BY relkind",
                "set-returning function generate_series() in the select list beside aggregates, \
                 window functions, GROUP BY or HAVING is not supported",
            ),
            (
                "SELECT relname FROM pg_class WHERE unnest(ARRAY[1]) = 1",
                "set-returning function unnest() is supported in FROM and in the select list only",
            ),
        ] {
            assert_eq!(error_of(sql), want, "{sql}");
        }
    }

    #[test]
    fn client_reflection_queries_run() {
        // pgjdbc's DatabaseMetaData.getPrimaryKeys.
        let jdbc = "SELECT result.TABLE_CAT, result.TABLE_SCHEM, result.TABLE_NAME, result.COLUMN_NAME, \
            result.KEY_SEQ, result.PK_NAME FROM (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, \
            ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME, \
            (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME, \
            information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM \
            FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid) \
            JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid) \
            JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid) \
            JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) \
            WHERE true AND n.nspname = E'public' AND ct.relname = E'processes' AND i.indisprimary ) result \
            where result.A_ATTNUM = (result.KEYS).x ORDER BY result.table_name, result.pk_name, result.key_seq";
        assert_eq!(rows(jdbc), table(&[]));
        // SQLAlchemy 2's get_pk_constraint (psycopg2 interpolates the parameters).
        let sqlalchemy = "SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, \
            attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, \
            bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct \
            FROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description, \
            con.ord AS ord, con.indnkeyatts AS indnkeyatts, con.indnullsnotdistinct AS indnullsnotdistinct, \
            pg_catalog.pg_attribute.attname AS attname \
            FROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid, \
            pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum, \
            generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord, \
            pg_catalog.pg_index.indnkeyatts AS indnkeyatts, \
            pg_catalog.pg_index.indnullsnotdistinct AS indnullsnotdistinct, \
            pg_catalog.pg_description.description AS description \
            FROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index \
            ON pg_catalog.pg_constraint.conindid = pg_catalog.pg_index.indexrelid \
            LEFT OUTER JOIN pg_catalog.pg_description \
            ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid \
            AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) \
            WHERE pg_catalog.pg_constraint.contype = 'p' AND pg_catalog.pg_constraint.conrelid IN (1236073152)) AS con \
            ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid \
            WHERE con.conrelid IN (1236073152)) AS attr GROUP BY attr.conrelid, attr.conname \
            ORDER BY attr.conrelid, attr.conname";
        assert_eq!(rows(sqlalchemy), table(&[]));
    }

    /// A role that may read `processes` and nothing else.
    #[derive(Debug)]
    struct ProcessesOnly;

    impl crate::policy::TablePolicy for ProcessesOnly {
        fn may_read(&self, table: &str) -> bool {
            table == "processes"
        }
    }

    #[test]
    fn a_restricted_role_expands_arrays_of_the_tables_it_reads() {
        let Statement::Query(q) = translate(
            "SELECT pid, unnest(ARRAY[uid, gid]) FROM processes WHERE pid = 1",
            &Registry::builtin(),
        )
        .expect("translate") else {
            panic!("not a query");
        };
        let engine = Engine::open(EngineOptions {
            root: crate::testing::fixture("basic"),
            policy: std::sync::Arc::new(ProcessesOnly),
            ..EngineOptions::default()
        })
        .expect("engine");
        let result = engine.query_all(&q.sql, &[]).expect("query");
        assert_eq!(strings(&result.rows), table(&[&["1", "0"], &["1", "0"]]));
    }

    #[test]
    fn expandarray_in_from_has_its_two_columns() {
        assert_eq!(
            rows("SELECT * FROM information_schema._pg_expandarray(ARRAY['a', 'b'])"),
            table(&[&["a", "1"], &["b", "2"]])
        );
        assert_eq!(
            rows(
                "SELECT e.n FROM information_schema._pg_expandarray('5 6 7'::int2vector) e WHERE e.x = 7"
            ),
            table(&[&["3"]])
        );
    }

    #[test]
    fn results_and_parameters_are_typed() {
        use crate::schema::ColumnType::*;
        let Statement::Query(q) = translate(
            "SELECT pid, unnest(ARRAY[uid, gid]), generate_subscripts(ARRAY[pid], $1), \
             generate_series(1, $2), (information_schema._pg_expandarray(ARRAY['a'])).n, \
             json_array_elements('[1]') FROM processes",
            &Registry::builtin(),
        )
        .expect("translate") else {
            panic!("not a query");
        };
        assert_eq!(
            q.column_hints,
            vec![
                Some(BigInt),
                Some(BigInt),
                Some(Integer),
                Some(Integer),
                Some(Integer),
                Some(Json)
            ]
        );
        assert_eq!(q.param_types, vec![Some(Integer), Some(BigInt)]);
    }
}
