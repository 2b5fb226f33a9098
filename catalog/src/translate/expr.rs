//! Expression rewrites, bottom-up: each node is translated after its
//! children and returns its type, so a parent can choose its translation by
//! its operands' types (`timestamp - interval`, `bool::text`, `x = ANY(arr)`).

use sqlparser::ast::{
    AccessExpr, BinaryOperator, CeilFloorKind, DateTimeField, Expr, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArguments, Ident, ObjectNamePart, Subscript, TrimWhereField,
    UnaryOperator, Value, WindowFrameBound, WindowType,
};

use crate::error::CatalogError;
use crate::functions::time::parse_interval;
use crate::schema::ColumnType;
use crate::translate::build::{self, call, string_literal};
use crate::translate::infer::{Conv, Ty, array_of, cast_target, function_type};
use crate::translate::literal::{Literal, coerce, fold_cast, literal};
use crate::translate::names::fold;
use crate::translate::rewrite::{Rewriter, unsupported};
use crate::translate::scope::{Lookup, Scope};

const BOOL: Ty = Ty::Known(ColumnType::Bool);
const TEXT: Ty = Ty::Known(ColumnType::Text);
const INTERVAL: Ty = Ty::Known(ColumnType::Interval);

/// Takes the expression out of `e`, leaving a placeholder to overwrite.
fn take(e: &mut Expr) -> Expr {
    std::mem::replace(e, build::null())
}

fn take_box(e: &mut Box<Expr>) -> Expr {
    take(e.as_mut())
}

/// Schemas whose qualification is dropped from function names.
fn is_schema(name: &str) -> bool {
    matches!(
        name,
        "pg_catalog" | "public" | "information_schema" | "hostgres"
    )
}

/// Function names SQLite reads as keywords unless quoted.
fn needs_quotes(name: &str) -> bool {
    matches!(
        name,
        "left" | "right" | "full" | "inner" | "cross" | "natural" | "outer"
    )
}

/// Set-returning functions, which work in `FROM` and, taken out by `srf`, in the select list.
const SET_RETURNING: &[&str] = &[
    "generate_series",
    "unnest",
    "regexp_split_to_table",
    "regexp_matches",
    "json_array_elements",
    "jsonb_array_elements",
    "json_array_elements_text",
    "jsonb_array_elements_text",
    "json_object_keys",
    "jsonb_object_keys",
    "string_to_table",
    "generate_subscripts",
];

impl Rewriter<'_> {
    /// Translates `e` in place and returns its type.
    pub(crate) fn expr(&mut self, e: &mut Expr, sc: &Scope<'_>) -> Result<Ty, CatalogError> {
        Ok(match e {
            Expr::Identifier(_) => return Ok(self.identifier(e, sc)),
            Expr::CompoundIdentifier(_) => return Ok(self.compound(e, sc)),
            Expr::CompoundFieldAccess { .. } => return self.access(e, sc),
            Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsNull(x)
            | Expr::IsNotNull(x) => {
                self.expr(x, sc)?;
                BOOL
            }
            Expr::IsUnknown(x) | Expr::IsNotUnknown(x) => {
                self.expr(x, sc)?;
                let inner = Box::new(take_box(x));
                *e = if matches!(e, Expr::IsUnknown(_)) {
                    Expr::IsNull(inner)
                } else {
                    Expr::IsNotNull(inner)
                };
                self.changed = true;
                BOOL
            }
            Expr::IsDistinctFrom(..) | Expr::IsNotDistinctFrom(..) => {
                let op = if matches!(e, Expr::IsDistinctFrom(..)) {
                    BinaryOperator::IsNot
                } else {
                    BinaryOperator::Is
                };
                let (Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b)) = e else {
                    unreachable!("matched above")
                };
                self.comparison_operands(a, b, sc)?;
                *e = build::binary(take_box(a), op, take_box(b));
                self.changed = true;
                BOOL
            }
            Expr::In { expr, target, .. } => {
                let t = self.expr(expr, sc)?;
                match target {
                    sqlparser::ast::InTarget::List(items) => {
                        for item in items.iter_mut() {
                            self.expr(item, sc)?;
                            self.meet(item, t);
                        }
                    }
                    sqlparser::ast::InTarget::Subquery(q) => {
                        self.query(q, Some(sc), false)?;
                    }
                    sqlparser::ast::InTarget::Unnest(_)
                    | sqlparser::ast::InTarget::Table { .. } => {
                        return Err(unsupported("IN UNNEST(...) and IN table"));
                    }
                }
                BOOL
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                let t = self.expr(expr, sc)?;
                self.expr(low, sc)?;
                self.expr(high, sc)?;
                self.meet(low, t);
                self.meet(high, t);
                let (lt, ht) = (
                    self.type_of_literal_or(low, t),
                    self.type_of_literal_or(high, t),
                );
                self.meet(expr, lt.or(ht));
                BOOL
            }
            Expr::BinaryOp { .. } => return self.binary_op(e, sc),
            Expr::Like {
                any,
                expr,
                pattern,
                escape_char,
                ..
            } => {
                if *any {
                    return Err(unsupported("LIKE ANY"));
                }
                self.expr(expr, sc)?;
                self.expr(pattern, sc)?;
                self.note_param(expr, TEXT);
                self.note_param(pattern, TEXT);
                if let Some(esc) = escape_char {
                    self.expr(esc, sc)?;
                }
                BOOL
            }
            Expr::ILike {
                negated,
                any,
                expr,
                pattern,
                escape_char,
            } => {
                if *any {
                    return Err(unsupported("ILIKE ANY"));
                }
                self.expr(expr, sc)?;
                self.expr(pattern, sc)?;
                self.note_param(expr, TEXT);
                self.note_param(pattern, TEXT);
                let mut args = vec![take_box(expr), take_box(pattern)];
                if let Some(esc) = escape_char {
                    self.expr(esc, sc)?;
                    args.push(take_box(esc));
                }
                let negated = *negated;
                let c = call("ilike", args);
                *e = if negated { build::not(c) } else { c };
                self.changed = true;
                BOOL
            }
            Expr::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => {
                self.expr(expr, sc)?;
                self.expr(pattern, sc)?;
                let mut args = vec![take_box(pattern)];
                if let Some(esc) = escape_char {
                    self.expr(esc, sc)?;
                    args.push(take_box(esc));
                }
                let negated = *negated;
                let c = call(
                    "regexp_like",
                    vec![take_box(expr), call("similar_to_escape", args)],
                );
                *e = if negated { build::not(c) } else { c };
                self.changed = true;
                BOOL
            }
            Expr::RLike { expr, pattern, .. } => {
                self.expr(expr, sc)?;
                self.expr(pattern, sc)?;
                BOOL
            }
            Expr::AnyOp { .. } | Expr::AllOp { .. } => return self.any_all(e, sc),
            Expr::UnaryOp { op, expr } => {
                let t = self.expr(expr, sc)?;
                match op {
                    UnaryOperator::Not => BOOL,
                    UnaryOperator::Plus | UnaryOperator::BitwiseNot => t,
                    UnaryOperator::Minus if t == INTERVAL => {
                        *e = call("interval_um", vec![take_box(expr)]);
                        self.changed = true;
                        INTERVAL
                    }
                    UnaryOperator::Minus => t,
                    UnaryOperator::PGSquareRoot
                    | UnaryOperator::PGCubeRoot
                    | UnaryOperator::PGAbs => {
                        let name = match op {
                            UnaryOperator::PGSquareRoot => "sqrt",
                            UnaryOperator::PGCubeRoot => "cbrt",
                            _ => "abs",
                        };
                        *e = call(name, vec![take_box(expr)]);
                        self.changed = true;
                        if name == "abs" {
                            t
                        } else {
                            Ty::Known(ColumnType::Double)
                        }
                    }
                    other => return Err(unsupported(&format!("the operator {other}"))),
                }
            }
            Expr::Cast { .. } => return self.cast(e, sc),
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                let t = self.expr(timestamp, sc)?;
                self.expr(time_zone, sc)?;
                *e = call("timezone", vec![take_box(time_zone), take_box(timestamp)]);
                self.changed = true;
                function_type("timezone", &[TEXT, t])
            }
            Expr::Extract { field, expr, .. } => {
                let t = self.expr(expr, sc)?;
                self.meet(expr, t);
                let field = field_name(field);
                *e = call("date_part", vec![build::string(&field), take_box(expr)]);
                self.changed = true;
                Ty::Known(ColumnType::Double)
            }
            Expr::Ceil { .. } | Expr::Floor { .. } => {
                let name = if matches!(e, Expr::Ceil { .. }) {
                    "ceil"
                } else {
                    "floor"
                };
                let (Expr::Ceil { expr, field } | Expr::Floor { expr, field }) = e else {
                    unreachable!("matched above")
                };
                if !matches!(
                    field,
                    CeilFloorKind::DateTimeField(DateTimeField::NoDateTime)
                ) {
                    return Err(unsupported(&format!(
                        "{} with a unit or scale",
                        name.to_uppercase()
                    )));
                }
                let t = self.expr(expr, sc)?;
                let arg = take_box(expr);
                *e = call(name, vec![arg]);
                self.changed = true;
                t
            }
            Expr::Position { expr, r#in } => {
                self.expr(expr, sc)?;
                self.expr(r#in, sc)?;
                *e = call("instr", vec![take_box(r#in), take_box(expr)]);
                self.changed = true;
                Ty::Known(ColumnType::Integer)
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                self.expr(expr, sc)?;
                let from_t = match substring_from {
                    Some(f) => self.expr(f, sc)?,
                    None => Ty::Unknown,
                };
                if let Some(f) = substring_for {
                    self.expr(f, sc)?;
                }
                let s = take_box(expr);
                let from = substring_from.as_mut().map(take_box);
                let len = substring_for.as_mut().map(take_box);
                let regex = len.is_none()
                    && from
                        .as_ref()
                        .is_some_and(|f| string_literal(f).is_some() || from_t.is_text());
                *e = match (from, len) {
                    (Some(f), None) if regex => call("textregexsubstr", vec![s, f]),
                    (Some(f), None) => call("substr", vec![s, f]),
                    (Some(f), Some(l)) => call("substr", vec![s, f, l]),
                    (None, Some(l)) => call("substr", vec![s, build::number(1), l]),
                    (None, None) => s,
                };
                self.changed = true;
                TEXT
            }
            Expr::Trim {
                trim_where,
                trim_what,
                expr,
                trim_characters,
            } => {
                self.expr(expr, sc)?;
                let name = match trim_where {
                    Some(TrimWhereField::Leading) => "ltrim",
                    Some(TrimWhereField::Trailing) => "rtrim",
                    _ => "trim",
                };
                let mut args = vec![take_box(expr)];
                if let Some(w) = trim_what {
                    self.expr(w, sc)?;
                    args.push(take_box(w));
                }
                if let Some(chars) = trim_characters
                    && let Some(c) = chars.first_mut()
                {
                    self.expr(c, sc)?;
                    args.push(take(c));
                }
                *e = call(name, args);
                self.changed = true;
                TEXT
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                self.expr(expr, sc)?;
                self.expr(overlay_what, sc)?;
                self.expr(overlay_from, sc)?;
                let s = take_box(expr);
                let what = take_box(overlay_what);
                let from = build::nested(take_box(overlay_from));
                let count = match overlay_for {
                    Some(f) => {
                        self.expr(f, sc)?;
                        build::nested(take_box(f))
                    }
                    None => call("length", vec![what.clone()]),
                };
                let head = call(
                    "substr",
                    vec![
                        s.clone(),
                        build::number(1),
                        build::binary(from.clone(), BinaryOperator::Minus, build::number(1)),
                    ],
                );
                let tail = call(
                    "substr",
                    vec![s, build::binary(from, BinaryOperator::Plus, count)],
                );
                *e = build::nested(build::binary(
                    build::binary(head, BinaryOperator::StringConcat, what),
                    BinaryOperator::StringConcat,
                    tail,
                ));
                self.changed = true;
                TEXT
            }
            Expr::Collate { expr, collation } => {
                let t = self.expr(expr, sc)?;
                let name = collation
                    .0
                    .last()
                    .and_then(|p| match p {
                        ObjectNamePart::Identifier(i) => Some(i.value.to_ascii_lowercase()),
                        ObjectNamePart::Function(_) => None,
                    })
                    .unwrap_or_default();
                // PostgreSQL collations compare as SQLite's BINARY does here; SQLite's own stay.
                if !matches!(name.as_str(), "nocase" | "binary" | "rtrim") || collation.0.len() > 1
                {
                    *e = take_box(expr);
                    self.changed = true;
                }
                t
            }
            Expr::Nested(x) => self.expr(x, sc)?,
            Expr::Value(_) => self.value(e),
            Expr::TypedString(ts) => {
                let target = cast_target(&ts.data_type)?;
                let text = match &ts.value.value {
                    Value::SingleQuotedString(s)
                    | Value::EscapedStringLiteral(s)
                    | Value::UnicodeStringLiteral(s)
                    | Value::NationalStringLiteral(s) => s.clone(),
                    Value::DollarQuotedString(d) => d.value.clone(),
                    other => return Err(unsupported(&format!("the typed literal {other}"))),
                };
                let folded = fold_cast(&Literal::Str(text.clone()), &target)
                    .map_err(CatalogError::Data)?
                    .unwrap_or_else(|| build::string(&text));
                *e = folded;
                self.changed = true;
                target.ty
            }
            Expr::Function(_) => return self.function(e, sc),
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let op_t = match operand {
                    Some(o) => self.expr(o, sc)?,
                    None => Ty::Unknown,
                };
                let mut result_t = Ty::Unknown;
                for cw in conditions.iter_mut() {
                    self.expr(&mut cw.condition, sc)?;
                    if operand.is_some() {
                        self.meet(&mut cw.condition, op_t);
                    }
                    let t = self.expr(&mut cw.result, sc)?;
                    if literal(&cw.result).is_none() {
                        result_t = result_t.or(t);
                    }
                }
                if let Some(r) = else_result {
                    let t = self.expr(r, sc)?;
                    if literal(r).is_none() {
                        result_t = result_t.or(t);
                    }
                }
                if result_t == Ty::Unknown {
                    // Only literals: their own type (text for strings, as PostgreSQL resolves them).
                    for cw in conditions.iter() {
                        result_t = result_t.or(self.type_of_literal_or(&cw.result, TEXT));
                    }
                    if let Some(r) = else_result {
                        result_t = result_t.or(self.type_of_literal_or(r, Ty::Unknown));
                    }
                } else if !result_t.is_text() {
                    for cw in conditions.iter_mut() {
                        self.meet(&mut cw.result, result_t);
                    }
                    if let Some(r) = else_result {
                        self.meet(r, result_t);
                    }
                }
                result_t
            }
            Expr::Exists { subquery, .. } => {
                self.query(subquery, Some(sc), false)?;
                BOOL
            }
            Expr::Subquery(q) => {
                let cols = self.query(q, Some(sc), false)?;
                cols.cols.first().map_or(Ty::Unknown, |c| c.ty)
            }
            Expr::Tuple(items) => {
                for item in items.iter_mut() {
                    self.expr(item, sc)?;
                }
                Ty::Unknown
            }
            Expr::Array(arr) => {
                let mut elem = Ty::Unknown;
                for item in arr.elem.iter_mut() {
                    let t = self.expr(item, sc)?;
                    elem = elem.or(t);
                }
                let items = std::mem::take(&mut arr.elem);
                *e = call("json_array", items);
                self.changed = true;
                array_of(elem)
            }
            Expr::Interval(iv) => {
                let unit = iv.leading_field.as_ref().map(field_name);
                let text = match literal(&iv.value) {
                    Some(Literal::Str(s)) | Some(Literal::Num(s)) => Some(match &unit {
                        Some(u) => format!("{s} {u}"),
                        None => s,
                    }),
                    _ => None,
                };
                match text {
                    Some(t) => {
                        let iv = parse_interval(&t).map_err(CatalogError::Data)?;
                        *e = build::string(&iv.format());
                    }
                    None => {
                        self.expr(&mut iv.value, sc)?;
                        *e = call("cast_interval", vec![take_box(&mut iv.value)]);
                    }
                }
                self.changed = true;
                INTERVAL
            }
            Expr::Wildcard(_) | Expr::QualifiedWildcard(..) => Ty::Unknown,
            other => return Err(unsupported(construct(other))),
        })
    }

    /// The type a literal operand has: `or` for an untyped string, unknown for NULL.
    fn type_of_literal_or(&self, e: &Expr, or: Ty) -> Ty {
        match literal(e) {
            Some(Literal::Str(_)) | None => or,
            Some(Literal::Null) => Ty::Unknown,
            Some(Literal::Num(n)) => number_type(&n),
            Some(Literal::Bool(_)) => BOOL,
        }
    }

    /// `e` meets a value of type `t` (a comparison, `IN`, `BETWEEN`): an
    /// untyped literal takes that type, and a parameter is typed by it.
    pub(crate) fn meet(&mut self, e: &mut Expr, t: Ty) {
        if coerce(e, t) {
            self.changed = true;
        }
        self.note_param(e, t);
        // Date/time parameters arrive as text in any input format; stored
        // values are canonical, so the parameter is made canonical too.
        if build::placeholder(e).is_some() {
            let cast = match t {
                Ty::Known(ColumnType::TimestampTz) => "cast_timestamptz",
                Ty::Known(ColumnType::Timestamp) => "cast_timestamp",
                Ty::Known(ColumnType::Date) => "cast_date",
                Ty::Known(ColumnType::Interval) => "cast_interval",
                _ => return,
            };
            *e = call(cast, vec![take(e)]);
            self.changed = true;
        }
    }

    /// Records the type of a `$n` parameter found where a `t` is expected.
    pub(crate) fn note_param(&mut self, e: &Expr, t: Ty) {
        if let (Some(n), Some(ct)) = (build::placeholder(e), t.column_type()) {
            self.params.entry(n).or_insert(ct);
        }
    }

    fn value(&mut self, e: &mut Expr) -> Ty {
        let Expr::Value(v) = e else {
            return Ty::Unknown;
        };
        let normalized = match &v.value {
            Value::Number(n, _) => return number_type(n),
            Value::SingleQuotedString(_) => return TEXT,
            Value::EscapedStringLiteral(s)
            | Value::UnicodeStringLiteral(s)
            | Value::NationalStringLiteral(s)
            | Value::TripleSingleQuotedString(s) => s.clone(),
            Value::DollarQuotedString(d) => d.value.clone(),
            Value::HexStringLiteral(_) => return Ty::Known(ColumnType::Bytea),
            Value::Boolean(_) => return BOOL,
            Value::Null => return Ty::Unknown,
            Value::Placeholder(p) => {
                let Some(n) = p.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) else {
                    return Ty::Unknown;
                };
                self.max_param = self.max_param.max(n);
                return self.params.get(&n).map_or(Ty::Unknown, |t| Ty::Known(*t));
            }
            _ => return Ty::Unknown,
        };
        *e = build::string(&normalized);
        self.changed = true;
        TEXT
    }

    fn identifier(&mut self, e: &mut Expr, sc: &Scope<'_>) -> Ty {
        let Expr::Identifier(id) = e else {
            return Ty::Unknown;
        };
        let name = fold(id);
        match sc.column(&name) {
            Lookup::Found(t) => return t,
            Lookup::Maybe => return Ty::Unknown,
            Lookup::Missing => {}
        }
        if id.quote_style.is_none() {
            let replacement = match name.as_str() {
                "current_schema" => Some(("current_schema", Ty::Known(ColumnType::Name))),
                "current_catalog" => Some(("current_database", Ty::Known(ColumnType::Name))),
                "current_role" => Some(("current_user", Ty::Known(ColumnType::Name))),
                _ => None,
            };
            if let Some((f, t)) = replacement {
                *e = call(f, Vec::new());
                self.changed = true;
                return t;
            }
        }
        Ty::Unknown
    }

    fn compound(&mut self, e: &mut Expr, sc: &Scope<'_>) -> Ty {
        let Expr::CompoundIdentifier(parts) = e else {
            return Ty::Unknown;
        };
        // `schema.table.column`: SQLite has no schemas; the table is in scope by its name.
        if parts.len() == 3 && is_schema(&fold(&parts[0])) {
            parts.remove(0);
            self.changed = true;
        }
        if parts.len() != 2 {
            return Ty::Unknown;
        }
        match sc.qualified(&fold(&parts[0]), &fold(&parts[1])) {
            Lookup::Found(t) => t,
            _ => Ty::Unknown,
        }
    }

    /// Subscripts and slices: `a[i]`, `a[lo:hi]`.
    fn access(&mut self, e: &mut Expr, sc: &Scope<'_>) -> Result<Ty, CatalogError> {
        let Expr::CompoundFieldAccess { root, access_chain } = e else {
            return Ok(Ty::Unknown);
        };
        // `t.col[1]`: without parentheses, leading fields are a qualified column name.
        let mut skip = 0;
        if let Expr::Identifier(first) = root.as_ref() {
            let mut parts = vec![first.clone()];
            for access in access_chain.iter() {
                match access {
                    AccessExpr::Dot(Expr::Identifier(part)) => parts.push(part.clone()),
                    _ => break,
                }
            }
            skip = parts.len() - 1;
            if skip > 0 {
                **root = Expr::CompoundIdentifier(parts);
                self.changed = true;
            }
        }
        let mut t = self.expr(root, sc)?;
        let mut cur = take_box(root);
        for access in access_chain.iter_mut().skip(skip) {
            match access {
                AccessExpr::Subscript(Subscript::Index { index }) => {
                    self.expr(index, sc)?;
                    self.note_param(index, Ty::Known(ColumnType::Integer));
                    cur = call("array_subscript", vec![cur, take(index)]);
                    t = t.element();
                }
                AccessExpr::Subscript(Subscript::Slice {
                    lower_bound,
                    upper_bound,
                    stride,
                }) => {
                    if stride.is_some() {
                        return Err(unsupported("array slices with a stride"));
                    }
                    let mut bound = |b: &mut Option<Expr>| -> Result<Expr, CatalogError> {
                        Ok(match b {
                            Some(x) => {
                                self.expr(x, sc)?;
                                take(x)
                            }
                            None => build::null(),
                        })
                    };
                    let lo = bound(lower_bound)?;
                    let hi = bound(upper_bound)?;
                    cur = call("array_slice", vec![cur, lo, hi]);
                }
                // A composite value is a JSON object (see `srf`).
                AccessExpr::Dot(Expr::Identifier(field)) => {
                    let path = format!("$.\"{}\"", fold(field).replace('"', "\\\""));
                    cur = call("json_extract", vec![cur, build::string(&path)]);
                    t = Ty::Unknown;
                }
                AccessExpr::Dot(_) => {
                    return Err(unsupported("this field selection from a composite value"));
                }
            }
        }
        *e = cur;
        self.changed = true;
        Ok(t)
    }

    /// Translates both operands of a comparison and lets each type the other.
    fn comparison_operands(
        &mut self,
        a: &mut Expr,
        b: &mut Expr,
        sc: &Scope<'_>,
    ) -> Result<(Ty, Ty), CatalogError> {
        let ta = self.expr(a, sc)?;
        let tb = self.expr(b, sc)?;
        self.meet(b, ta);
        self.meet(a, tb);
        Ok((ta, tb))
    }

    fn binary_op(&mut self, e: &mut Expr, sc: &Scope<'_>) -> Result<Ty, CatalogError> {
        let Expr::BinaryOp { left, op, right } = e else {
            return Ok(Ty::Unknown);
        };
        use BinaryOperator as B;
        // `OPERATOR(pg_catalog.~)` is the operator itself.
        if let B::PGCustomBinaryOperator(parts) = op {
            let symbol = parts.last().cloned().unwrap_or_default();
            *op = match symbol.as_str() {
                "~" => B::PGRegexMatch,
                "~*" => B::PGRegexIMatch,
                "!~" => B::PGRegexNotMatch,
                "!~*" => B::PGRegexNotIMatch,
                "~~" => B::PGLikeMatch,
                "~~*" => B::PGILikeMatch,
                "!~~" => B::PGNotLikeMatch,
                "!~~*" => B::PGNotILikeMatch,
                "=" => B::Eq,
                "<>" | "!=" => B::NotEq,
                "<" => B::Lt,
                "<=" => B::LtEq,
                ">" => B::Gt,
                ">=" => B::GtEq,
                "+" => B::Plus,
                "-" => B::Minus,
                "*" => B::Multiply,
                "/" => B::Divide,
                "%" => B::Modulo,
                "||" => B::StringConcat,
                "@>" => B::AtArrow,
                "<@" => B::ArrowAt,
                "&&" => B::PGOverlap,
                _ => {
                    return Err(unsupported(&format!(
                        "the operator OPERATOR({})",
                        parts.join(".")
                    )));
                }
            };
            self.changed = true;
        }
        let op = op.clone();
        match op {
            B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq | B::Spaceship => {
                self.comparison_operands(left, right, sc)?;
                Ok(BOOL)
            }
            B::And | B::Or | B::Xor => {
                self.expr(left, sc)?;
                self.expr(right, sc)?;
                self.note_param(left, BOOL);
                self.note_param(right, BOOL);
                Ok(BOOL)
            }
            B::Plus | B::Minus | B::Multiply | B::Divide | B::Modulo => {
                let lt = self.expr(left, sc)?;
                let rt = self.expr(right, sc)?;
                self.arithmetic(e, op, lt, rt)
            }
            B::StringConcat => {
                let lt = self.expr(left, sc)?;
                let rt = self.expr(right, sc)?;
                if lt.is_array() || rt.is_array() {
                    let (l, r) = (take_box(left), take_box(right));
                    let (name, args, t) = match (lt.is_array(), rt.is_array()) {
                        (true, true) => ("array_cat", vec![l, r], lt),
                        (true, false) => ("array_append", vec![l, r], lt),
                        _ => ("array_prepend", vec![l, r], rt),
                    };
                    *e = call(name, args);
                    self.changed = true;
                    return Ok(t);
                }
                self.as_text(left, lt);
                self.as_text(right, rt);
                self.note_param(left, TEXT);
                self.note_param(right, TEXT);
                Ok(TEXT)
            }
            B::BitwiseOr | B::BitwiseAnd | B::PGBitwiseShiftLeft | B::PGBitwiseShiftRight => {
                let lt = self.expr(left, sc)?;
                self.expr(right, sc)?;
                Ok(lt)
            }
            B::PGBitwiseXor => {
                let lt = self.expr(left, sc)?;
                self.expr(right, sc)?;
                let (l, r) = (
                    build::nested(take_box(left)),
                    build::nested(take_box(right)),
                );
                *e = build::nested(build::binary(
                    build::nested(build::binary(l.clone(), B::BitwiseOr, r.clone())),
                    B::Minus,
                    build::nested(build::binary(l, B::BitwiseAnd, r)),
                ));
                self.changed = true;
                Ok(lt)
            }
            B::PGExp => {
                self.expr(left, sc)?;
                self.expr(right, sc)?;
                *e = call("power", vec![take_box(left), take_box(right)]);
                self.changed = true;
                Ok(Ty::Known(ColumnType::Double))
            }
            B::PGRegexMatch | B::PGRegexIMatch | B::PGRegexNotMatch | B::PGRegexNotIMatch => {
                self.expr(left, sc)?;
                self.expr(right, sc)?;
                self.note_param(left, TEXT);
                self.note_param(right, TEXT);
                let mut args = vec![take_box(left), take_box(right)];
                if matches!(op, B::PGRegexIMatch | B::PGRegexNotIMatch) {
                    args.push(build::string("i"));
                }
                let c = call("regexp_like", args);
                *e = if matches!(op, B::PGRegexNotMatch | B::PGRegexNotIMatch) {
                    build::not(c)
                } else {
                    c
                };
                self.changed = true;
                Ok(BOOL)
            }
            B::PGLikeMatch | B::PGNotLikeMatch | B::PGILikeMatch | B::PGNotILikeMatch => {
                self.expr(left, sc)?;
                self.expr(right, sc)?;
                let (l, r) = (take_box(left), take_box(right));
                let negated = matches!(op, B::PGNotLikeMatch | B::PGNotILikeMatch);
                let c = if matches!(op, B::PGLikeMatch | B::PGNotLikeMatch) {
                    Expr::Like {
                        negated,
                        any: false,
                        expr: Box::new(l),
                        pattern: Box::new(r),
                        escape_char: None,
                    }
                } else {
                    let c = call("ilike", vec![l, r]);
                    if negated { build::not(c) } else { c }
                };
                *e = c;
                self.changed = true;
                Ok(BOOL)
            }
            B::PGStartsWith => {
                self.expr(left, sc)?;
                self.expr(right, sc)?;
                *e = call("starts_with", vec![take_box(left), take_box(right)]);
                self.changed = true;
                Ok(BOOL)
            }
            B::AtArrow | B::ArrowAt | B::PGOverlap => {
                let lt = self.expr(left, sc)?;
                let rt = self.expr(right, sc)?;
                self.meet(right, lt);
                self.meet(left, rt);
                let (l, r) = (take_box(left), take_box(right));
                *e = match op {
                    B::AtArrow => call("array_contains", vec![l, r]),
                    B::ArrowAt => call("array_contains", vec![r, l]),
                    _ => call("array_overlap", vec![l, r]),
                };
                self.changed = true;
                Ok(BOOL)
            }
            B::Arrow => {
                self.expr(left, sc)?;
                self.expr(right, sc)?;
                Ok(Ty::Known(ColumnType::Json))
            }
            B::LongArrow => {
                self.expr(left, sc)?;
                self.expr(right, sc)?;
                Ok(TEXT)
            }
            B::HashArrow | B::HashLongArrow => {
                self.expr(left, sc)?;
                self.expr(right, sc)?;
                let Some(path) = string_literal(right).map(str::to_owned) else {
                    return Err(unsupported("#> and #>> with a path that is not a constant"));
                };
                let steps = crate::functions::array::parse_pg_array(
                    &path,
                    crate::functions::array::ElemKind::Text,
                )
                .map_err(CatalogError::Data)?;
                let mut args = vec![take_box(left)];
                args.extend(
                    steps
                        .iter()
                        .map(|s| build::string(s.as_str().unwrap_or_default())),
                );
                let text = op == B::HashLongArrow;
                *e = call(
                    if text {
                        "json_extract_path_text"
                    } else {
                        "json_extract_path"
                    },
                    args,
                );
                self.changed = true;
                Ok(if text {
                    TEXT
                } else {
                    Ty::Known(ColumnType::Json)
                })
            }
            B::Is | B::IsNot => {
                self.comparison_operands(left, right, sc)?;
                Ok(BOOL)
            }
            other => Err(unsupported(&format!("the operator {other}"))),
        }
    }

    /// An operand of `||` shown as PostgreSQL shows it: `true`, a relation's name.
    fn as_text(&mut self, e: &mut Expr, t: Ty) {
        let wrap = match t {
            Ty::Reg(r) => format!("{}_out", r.name()),
            Ty::Known(ColumnType::Bool) => "bool_out".to_owned(),
            Ty::Known(ColumnType::Array(_)) => "array_out".to_owned(),
            _ => return,
        };
        *e = call(&wrap, vec![take(e)]);
        self.changed = true;
    }

    /// `+ - * / %`, with PostgreSQL's date/time arithmetic.
    fn arithmetic(
        &mut self,
        e: &mut Expr,
        op: BinaryOperator,
        lt: Ty,
        rt: Ty,
    ) -> Result<Ty, CatalogError> {
        use BinaryOperator as B;
        let Expr::BinaryOp { left, right, .. } = e else {
            return Ok(Ty::Unknown);
        };
        let date = Ty::Known(ColumnType::Date);
        let is_lit = |x: &Expr| matches!(literal(x), Some(Literal::Str(_)));
        // An untyped string next to a date/time takes the type PostgreSQL would give it.
        let (mut lt, mut rt) = (lt, rt);
        let timestamptz = Ty::Known(ColumnType::TimestampTz);
        let want = if lt.is_moment() && is_lit(right) {
            Some((false, if op == B::Minus { lt } else { INTERVAL }))
        } else if rt.is_moment() && is_lit(left) && op == B::Plus {
            Some((true, INTERVAL))
        } else if lt == INTERVAL && is_lit(right) && matches!(op, B::Plus | B::Minus) {
            Some((false, INTERVAL))
        } else if rt == INTERVAL && is_lit(left) && op == B::Plus {
            Some((true, timestamptz))
        } else {
            None
        };
        if let Some((on_left, t)) = want {
            let side: &mut Expr = if on_left { left } else { right };
            if coerce(side, t) {
                if on_left {
                    lt = t;
                } else {
                    rt = t;
                }
            }
        }
        let num = |t: Ty| t.is_numeric();
        let rewrite = match (lt, &op, rt) {
            (l, B::Plus, r) if l.is_moment() && r == INTERVAL => {
                Some(("timestamp_pl_interval", false))
            }
            (l, B::Plus, r) if l == INTERVAL && r.is_moment() => {
                Some(("timestamp_pl_interval", true))
            }
            (l, B::Minus, r) if l.is_moment() && r == INTERVAL => {
                Some(("timestamp_mi_interval", false))
            }
            (l, B::Plus, r) if l == date && r.is_integer() => Some(("date_pli", false)),
            (l, B::Plus, r) if l.is_integer() && r == date => Some(("date_pli", true)),
            (l, B::Minus, r) if l == date && r.is_integer() => Some(("date_mii", false)),
            (l, B::Minus, r) if l == date && r == date => Some(("date_mi", false)),
            (l, B::Minus, r) if l.is_moment() && r.is_moment() => Some(("timestamp_mi", false)),
            (l, B::Plus, r) if l == INTERVAL && r == INTERVAL => Some(("interval_pl", false)),
            (l, B::Minus, r) if l == INTERVAL && r == INTERVAL => Some(("interval_mi", false)),
            (l, B::Multiply, r) if l == INTERVAL && num(r) => Some(("interval_mul", false)),
            (l, B::Multiply, r) if num(l) && r == INTERVAL => Some(("interval_mul", true)),
            (l, B::Divide, r) if l == INTERVAL && num(r) => Some(("interval_div", false)),
            _ => None,
        };
        if let Some((name, swap)) = rewrite {
            let (l, r) = (take_box(left), take_box(right));
            let args = if swap { vec![r, l] } else { vec![l, r] };
            let arg_types = if swap { [rt, lt] } else { [lt, rt] };
            *e = call(name, args);
            self.changed = true;
            return Ok(function_type(name, &arg_types));
        }
        self.note_param(left, rt);
        self.note_param(right, lt);
        Ok(match (lt, rt) {
            (Ty::Known(ColumnType::Double | ColumnType::Real), _)
            | (_, Ty::Known(ColumnType::Double | ColumnType::Real)) => {
                Ty::Known(ColumnType::Double)
            }
            (Ty::Known(ColumnType::Numeric), _) | (_, Ty::Known(ColumnType::Numeric)) => {
                Ty::Known(ColumnType::Numeric)
            }
            (a, b) if a.is_integer() && b.is_integer() => {
                let wide = |t: Ty| {
                    matches!(
                        t,
                        Ty::Known(
                            ColumnType::BigInt | ColumnType::UnsignedBigInt | ColumnType::Oid
                        ) | Ty::Reg(_)
                    )
                };
                if wide(a) || wide(b) {
                    Ty::Known(ColumnType::BigInt)
                } else {
                    Ty::Known(ColumnType::Integer)
                }
            }
            (a, Ty::Unknown) if a.is_numeric() => a,
            (Ty::Unknown, b) if b.is_numeric() => b,
            _ => Ty::Unknown,
        })
    }

    /// `x op ANY(array)` and `x op ALL(array)`, arrays being JSON text.
    fn any_all(&mut self, e: &mut Expr, sc: &Scope<'_>) -> Result<Ty, CatalogError> {
        let (left, compare_op, right, any) = match e {
            Expr::AnyOp {
                left,
                compare_op,
                right,
                ..
            } => (left, compare_op.clone(), right, true),
            Expr::AllOp {
                left,
                compare_op,
                right,
            } => (left, compare_op.clone(), right, false),
            _ => return Ok(Ty::Unknown),
        };
        let lt = self.expr(left, sc)?;
        let mut inner: &mut Expr = right;
        while let Expr::Nested(x) = inner {
            inner = x;
        }
        let membership = matches!(
            (&compare_op, any),
            (BinaryOperator::Eq, true) | (BinaryOperator::NotEq, false)
        );
        let negated = !any;
        // `x = ANY(SELECT ...)` is `x IN (SELECT ...)`.
        if let Expr::Subquery(q) = inner {
            if !membership {
                return Err(unsupported(
                    "ANY/ALL with a subquery and an operator other than = or <>",
                ));
            }
            self.query(q, Some(sc), false)?;
            let q = std::mem::replace(q, Box::new(build::template("SELECT 1", &[])?));
            *e = Expr::In {
                expr: Box::new(take_box(left)),
                target: sqlparser::ast::InTarget::Subquery(q),
                negated,
                global: false,
            };
            self.changed = true;
            return Ok(BOOL);
        }
        // `x = ANY(ARRAY[a, b])` is `x IN (a, b)`, which virtual tables can use.
        if membership && let Expr::Array(arr) = inner {
            let mut items = std::mem::take(&mut arr.elem);
            for item in items.iter_mut() {
                self.expr(item, sc)?;
                self.meet(item, lt);
            }
            *e = Expr::In {
                expr: Box::new(take_box(left)),
                target: sqlparser::ast::InTarget::List(items),
                negated,
                global: false,
            };
            self.changed = true;
            return Ok(BOOL);
        }
        let mut rt = self.expr(inner, sc)?;
        if coerce(inner, array_of(lt)) {
            rt = array_of(lt);
        }
        self.note_param(inner, array_of(lt));
        // A constant array becomes an IN list too.
        if membership
            && let Some(text) = string_literal(inner)
            && let Ok(serde_json::Value::Array(values)) =
                serde_json::from_str::<serde_json::Value>(text)
            && values.iter().all(|v| !v.is_array() && !v.is_object())
        {
            let items = values
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => build::string(s),
                    serde_json::Value::Number(n) => build::number(n),
                    serde_json::Value::Bool(b) => build::number(i64::from(*b)),
                    _ => build::null(),
                })
                .collect();
            *e = Expr::In {
                expr: Box::new(take_box(left)),
                target: sqlparser::ast::InTarget::List(items),
                negated,
                global: false,
            };
            self.changed = true;
            return Ok(BOOL);
        }
        let arr = if matches!(rt, Ty::Known(ColumnType::Array(_))) {
            take(inner)
        } else {
            call("array_in", vec![take(inner)])
        };
        let l = take_box(left);
        let q = if membership {
            build::template("SELECT value FROM json_each(__hg_arg0)", &[arr])?
        } else {
            let cmp = build::binary(
                l.clone(),
                compare_op,
                Expr::Identifier(Ident::new("__hg_v")),
            );
            let cond = if any { cmp } else { build::not(cmp) };
            build::template(
                "SELECT 1 FROM (SELECT value AS __hg_v FROM json_each(__hg_arg0)) WHERE __hg_arg1",
                &[arr, cond],
            )?
        };
        *e = if membership {
            Expr::In {
                expr: Box::new(l),
                target: sqlparser::ast::InTarget::Subquery(Box::new(q)),
                negated,
                global: false,
            }
        } else {
            Expr::Exists {
                subquery: Box::new(q),
                negated: !any,
            }
        };
        self.changed = true;
        Ok(BOOL)
    }

    /// `x::type` and `CAST(x AS type)` with PostgreSQL's semantics.
    fn cast(&mut self, e: &mut Expr, sc: &Scope<'_>) -> Result<Ty, CatalogError> {
        let Expr::Cast {
            expr, data_type, ..
        } = e
        else {
            return Ok(Ty::Unknown);
        };
        let target = cast_target(data_type)?;
        let it = self.expr(expr, sc)?;
        self.note_param(
            expr,
            match target.ty {
                Ty::Reg(_) => TEXT,
                t => t,
            },
        );
        if let Some(lit) = literal(expr)
            && build::placeholder(expr).is_none()
            && let Some(folded) = fold_cast(&lit, &target).map_err(CatalogError::Data)?
        {
            *e = folded;
            self.changed = true;
            return Ok(target.ty);
        }
        let inner = take_box(expr);
        let same = it == target.ty && !matches!(target.conv, Conv::Text(Some(_)));
        let converted = match target.conv {
            _ if same => inner,
            Conv::Int(kind) => {
                if it.is_integer() || it == BOOL {
                    inner
                } else {
                    call(
                        match kind {
                            crate::functions::cast::IntKind::Int2 => "cast_int2",
                            crate::functions::cast::IntKind::Int4 => "cast_int4",
                            crate::functions::cast::IntKind::Int8 => "cast_int8",
                            crate::functions::cast::IntKind::Oid => "cast_oid",
                        },
                        vec![inner],
                    )
                }
            }
            Conv::Float4 => call("cast_float4", vec![inner]),
            Conv::Float8 => {
                if it.is_numeric() && it != BOOL {
                    build::sqlite_cast(inner, "REAL")
                } else {
                    call("cast_float8", vec![inner])
                }
            }
            Conv::Numeric => {
                if it.is_numeric() && it != BOOL {
                    inner
                } else {
                    call("cast_numeric", vec![inner])
                }
            }
            Conv::Text(max) => {
                let stored_as_text = !matches!(
                    it,
                    Ty::Reg(_)
                        | Ty::Known(ColumnType::Bool | ColumnType::Array(_) | ColumnType::Bytea)
                ) && (it.is_text() || it.is_moment() || it == INTERVAL);
                let text = match it {
                    Ty::Reg(r) => call(&format!("{}_out", r.name()), vec![inner]),
                    Ty::Known(ColumnType::Bool) => call("bool_out", vec![inner]),
                    Ty::Known(ColumnType::Array(_)) => call("array_out", vec![inner]),
                    Ty::Known(ColumnType::Bytea) => call("bytea_out", vec![inner]),
                    _ if stored_as_text => inner,
                    _ => build::sqlite_cast(inner, "TEXT"),
                };
                match max {
                    Some(n) => call("substr", vec![text, build::number(1), build::number(n)]),
                    // The value is text already, but a bare column would keep
                    // its declared type (`typtype::text` would be a "char").
                    None if stored_as_text => build::sqlite_cast(text, "TEXT"),
                    None => text,
                }
            }
            Conv::Bool => call("cast_bool", vec![inner]),
            Conv::Moment(kind) => call(
                match kind {
                    crate::functions::time::MomentKind::Date => "cast_date",
                    crate::functions::time::MomentKind::Timestamp => "cast_timestamp",
                    crate::functions::time::MomentKind::TimestampTz => "cast_timestamptz",
                },
                vec![inner],
            ),
            Conv::Interval => call("cast_interval", vec![inner]),
            Conv::Json => {
                if matches!(it, Ty::Known(ColumnType::Json | ColumnType::Jsonb)) {
                    inner
                } else {
                    call("json", vec![inner])
                }
            }
            Conv::Bytea => call("cast_bytea", vec![inner]),
            Conv::Reg(r) => {
                if it.is_integer() || (it == Ty::Unknown && build::placeholder(&inner).is_none()) {
                    inner
                } else {
                    call(&format!("{}_in", r.name()), vec![inner])
                }
            }
            Conv::Array(_) => {
                if it.is_array() {
                    inner
                } else {
                    call("array_in", vec![inner])
                }
            }
            Conv::Keep => inner,
        };
        *e = converted;
        self.changed = true;
        Ok(target.ty)
    }

    /// Function calls: schema qualification, PostgreSQL's names for SQLite's
    /// functions, keyword functions (`current_user`), typed results.
    fn function(&mut self, e: &mut Expr, sc: &Scope<'_>) -> Result<Ty, CatalogError> {
        let Expr::Function(f) = e else {
            return Ok(Ty::Unknown);
        };
        let mut idents: Vec<Ident> = Vec::new();
        for part in &f.name.0 {
            match part {
                ObjectNamePart::Identifier(i) => idents.push(i.clone()),
                ObjectNamePart::Function(_) => {
                    return Err(unsupported("a function name with arguments"));
                }
            }
        }
        let Some(last) = idents.last() else {
            return Ok(Ty::Unknown);
        };
        let name = fold(last);
        if idents.len() > 2 || (idents.len() == 2 && !is_schema(&fold(&idents[0]))) {
            return Err(CatalogError::UndefinedFunction(format!(
                "{}()",
                idents
                    .iter()
                    .map(|i| i.value.as_str())
                    .collect::<Vec<_>>()
                    .join(".")
            )));
        }
        if idents.len() == 2
            || last.quote_style.is_some()
            || last.value != name
            || needs_quotes(&name)
        {
            let ident = if needs_quotes(&name) {
                build::quoted(&name)
            } else {
                build::ident(&name)
            };
            let new_name = sqlparser::ast::ObjectName(vec![ObjectNamePart::Identifier(ident)]);
            if f.name != new_name {
                f.name = new_name;
                self.changed = true;
            }
        }

        // Keyword functions written without parentheses.
        if matches!(f.args, FunctionArguments::None) {
            let (replacement, t) = match name.as_str() {
                "current_timestamp" => (
                    Some(call("now", Vec::new())),
                    Ty::Known(ColumnType::TimestampTz),
                ),
                "localtimestamp" => (
                    Some(call("localtimestamp", Vec::new())),
                    Ty::Known(ColumnType::Timestamp),
                ),
                "current_date" => (None, Ty::Known(ColumnType::Date)),
                "current_time" => (None, TEXT),
                "localtime" => (Some(call("time", vec![build::string("now")])), TEXT),
                "current_user" | "session_user" => {
                    (Some(call(&name, Vec::new())), Ty::Known(ColumnType::Name))
                }
                "current_role" => (
                    Some(call("current_user", Vec::new())),
                    Ty::Known(ColumnType::Name),
                ),
                "current_catalog" => (
                    Some(call("current_database", Vec::new())),
                    Ty::Known(ColumnType::Name),
                ),
                "current_schema" => (
                    Some(call("current_schema", Vec::new())),
                    Ty::Known(ColumnType::Name),
                ),
                "user" => {
                    // osquery tables have `user` columns; PostgreSQL's keyword wins only without one.
                    match sc.column("user") {
                        Lookup::Found(t) => (Some(Expr::Identifier(Ident::new("user"))), t),
                        Lookup::Maybe => (Some(Expr::Identifier(Ident::new("user"))), Ty::Unknown),
                        Lookup::Missing => (
                            Some(call("current_user", Vec::new())),
                            Ty::Known(ColumnType::Name),
                        ),
                    }
                }
                _ => (None, Ty::Unknown),
            };
            if let Some(r) = replacement {
                *e = r;
                self.changed = true;
            }
            return Ok(t);
        }

        if SET_RETURNING.contains(&name.as_str()) {
            return Err(CatalogError::Unsupported(format!(
                "set-returning function {name}() is supported in FROM and in the select list only"
            )));
        }

        // `ARRAY(SELECT ...)`.
        if name == "array"
            && let FunctionArguments::Subquery(q) = &mut f.args
        {
            let cols = self.query(q, Some(sc), false)?;
            let Some(first) = cols.cols.first() else {
                return Err(unsupported("ARRAY() of a subquery without a known column"));
            };
            let elem = first.ty;
            let column = Expr::Identifier(build::quoted(&first.name));
            let sub = std::mem::replace(q, Box::new(build::template("SELECT 1", &[])?));
            let mut t = build::template(
                "SELECT json_group_array(__hg_arg0) FROM (SELECT 1)",
                &[column],
            )?;
            if let sqlparser::ast::SetExpr::Select(s) = t.body.as_mut()
                && let Some(from) = s.from.first_mut()
            {
                from.relation = sqlparser::ast::TableFactor::Derived {
                    lateral: false,
                    subquery: sub,
                    alias: None,
                    sample: None,
                };
            }
            *e = Expr::Subquery(Box::new(t));
            self.changed = true;
            return Ok(array_of(elem));
        }

        // `row_to_json(t)` of a relation whose columns are known.
        if name == "row_to_json"
            && let FunctionArguments::List(list) = &f.args
            && let [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Identifier(rel)))] =
                list.args.as_slice()
            && let Some(r) = sc.relation(&fold(rel))
            && r.columns.complete
        {
            let rel_ident = rel.clone();
            let mut args = Vec::new();
            for c in r.columns.cols.iter().filter(|c| !c.hidden) {
                args.push(build::string(&c.name));
                args.push(Expr::CompoundIdentifier(vec![
                    rel_ident.clone(),
                    build::quoted(&c.name),
                ]));
            }
            *e = call("json_object", args);
            self.changed = true;
            return Ok(Ty::Known(ColumnType::Json));
        }

        let mut arg_types = Vec::new();
        match &mut f.args {
            FunctionArguments::None => {}
            FunctionArguments::Subquery(_) => {
                return Err(unsupported(&format!("{name}() of a subquery")));
            }
            FunctionArguments::List(list) => {
                for a in list.args.iter_mut() {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => {
                            arg_types.push(self.expr(x, sc)?)
                        }
                        FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => {
                            arg_types.push(Ty::Unknown)
                        }
                        _ => {
                            return Err(unsupported(&format!(
                                "named or qualified arguments to {name}()"
                            )));
                        }
                    }
                }
                for clause in list.clauses.iter_mut() {
                    match clause {
                        FunctionArgumentClause::OrderBy(items) => {
                            for item in items.iter_mut() {
                                self.order_item(item, sc)?;
                            }
                        }
                        _ => return Err(unsupported(&format!("this clause in {name}()"))),
                    }
                }
            }
        }
        if !f.within_group.is_empty() {
            return Err(unsupported(&format!("{name}() WITHIN GROUP")));
        }
        if let Some(filter) = &mut f.filter {
            self.expr(filter, sc)?;
        }
        if let Some(WindowType::WindowSpec(spec)) = &mut f.over {
            for p in spec.partition_by.iter_mut() {
                self.expr(p, sc)?;
            }
            for item in spec.order_by.iter_mut() {
                self.order_item(item, sc)?;
            }
            if let Some(frame) = &mut spec.window_frame {
                for bound in [Some(&mut frame.start_bound), frame.end_bound.as_mut()]
                    .into_iter()
                    .flatten()
                {
                    if let WindowFrameBound::Preceding(Some(x))
                    | WindowFrameBound::Following(Some(x)) = bound
                    {
                        self.expr(x, sc)?;
                    }
                }
            }
        }

        // Common-type arguments: an untyped string takes the type of the others.
        if matches!(
            name.as_str(),
            "coalesce" | "nullif" | "greatest" | "least" | "ifnull"
        ) {
            let common = function_type(&name, &arg_types);
            if let FunctionArguments::List(list) = &mut f.args {
                for a in list.args.iter_mut() {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) = a {
                        self.meet(x, common);
                    }
                }
            }
        }

        let renamed = match name.as_str() {
            "array_agg" => Some((
                "json_group_array",
                array_of(arg_types.first().copied().unwrap_or(Ty::Unknown)),
            )),
            "json_agg" => Some(("json_group_array", Ty::Known(ColumnType::Json))),
            "jsonb_agg" => Some(("json_group_array", Ty::Known(ColumnType::Jsonb))),
            "json_object_agg" => Some(("json_group_object", Ty::Known(ColumnType::Json))),
            "jsonb_object_agg" => Some(("json_group_object", Ty::Known(ColumnType::Jsonb))),
            "json_build_object" => Some(("json_object", Ty::Known(ColumnType::Json))),
            "jsonb_build_object" => Some(("json_object", Ty::Known(ColumnType::Jsonb))),
            "json_build_array" => Some(("json_array", Ty::Known(ColumnType::Json))),
            "jsonb_build_array" => Some(("json_array", Ty::Known(ColumnType::Jsonb))),
            "jsonb_array_length" => Some(("json_array_length", Ty::Known(ColumnType::Integer))),
            "bool_and" | "every" => Some(("min", BOOL)),
            "bool_or" => Some(("max", BOOL)),
            "char_length" | "character_length" => None,
            _ => None,
        };
        if let Some((sqlite_name, t)) = renamed {
            f.name = build::object_name(sqlite_name);
            self.changed = true;
            return Ok(t);
        }
        match name.as_str() {
            "date_part" | "date_trunc" => {
                // The field names are case-insensitive in PostgreSQL.
                if let FunctionArguments::List(list) = &mut f.args
                    && let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(x))) =
                        list.args.first_mut()
                    && let Some(s) = string_literal(x)
                    && s != s.to_ascii_lowercase()
                {
                    *x = build::string(&s.to_ascii_lowercase());
                    self.changed = true;
                }
                if name == "date_part" {
                    return Ok(Ty::Known(ColumnType::Double));
                }
            }
            "to_timestamp" if arg_types.len() == 1 => {
                if let FunctionArguments::List(list) = &f.args
                    && let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(x))) = list.args.first()
                {
                    self.note_param(x, Ty::Known(ColumnType::Double));
                }
            }
            _ => {}
        }
        Ok(function_type(&name, &arg_types))
    }

    /// An `ORDER BY` item: PostgreSQL sorts NULLs as larger than any value.
    pub(crate) fn order_item(
        &mut self,
        item: &mut sqlparser::ast::OrderByExpr,
        sc: &Scope<'_>,
    ) -> Result<(), CatalogError> {
        if item.with_fill.is_some() {
            return Err(unsupported("ORDER BY ... WITH FILL"));
        }
        if let Some(sqlparser::ast::OrderBySort::Using(_)) = item.options.sort {
            return Err(unsupported("ORDER BY ... USING"));
        }
        self.expr(&mut item.expr, sc)?;
        if item.options.nulls_first.is_none() {
            let desc = matches!(item.options.sort, Some(sqlparser::ast::OrderBySort::Desc));
            item.options.nulls_first = Some(desc);
            self.changed = true;
        }
        Ok(())
    }

    /// Wraps a result column that PostgreSQL would print as a name.
    pub(crate) fn output(&mut self, e: &mut Expr, t: Ty) -> Ty {
        if let Ty::Reg(r) = t {
            *e = call(&format!("{}_out", r.name()), vec![take(e)]);
            self.changed = true;
            return TEXT;
        }
        t
    }
}

/// The type of a number literal as PostgreSQL reads it (decimals as float8 here).
fn number_type(n: &str) -> Ty {
    if n.contains(['.', 'e', 'E']) {
        Ty::Known(ColumnType::Double)
    } else if n.parse::<i32>().is_ok() {
        Ty::Known(ColumnType::Integer)
    } else if n.parse::<i64>().is_ok() {
        Ty::Known(ColumnType::BigInt)
    } else {
        Ty::Known(ColumnType::Double)
    }
}

/// A date/time field's name for `date_part`.
fn field_name(field: &DateTimeField) -> String {
    match field {
        DateTimeField::Custom(id) => id.value.to_ascii_lowercase(),
        DateTimeField::Week(_) => "week".to_owned(),
        DateTimeField::Millenium => "millennium".to_owned(),
        other => other.to_string().to_ascii_lowercase(),
    }
}

/// What an expression this module does not translate is called in errors.
fn construct(e: &Expr) -> &'static str {
    match e {
        Expr::JsonAccess { .. } => "JSON path access with ':'",
        Expr::IsJson { .. } => "IS JSON",
        Expr::IsNormalized { .. } => "IS NORMALIZED",
        Expr::Convert { .. } => "CONVERT",
        Expr::Prefixed { .. } => "a prefixed literal",
        Expr::GroupingSets(_) => "GROUPING SETS",
        Expr::Cube(_) => "CUBE",
        Expr::Rollup(_) => "ROLLUP",
        Expr::Struct { .. } => "STRUCT",
        Expr::Named { .. } => "a named expression",
        Expr::Dictionary(_) => "a dictionary literal",
        Expr::Map(_) => "a map literal",
        Expr::MatchAgainst { .. } => "MATCH ... AGAINST",
        Expr::OuterJoin(_) => "the (+) outer join syntax",
        Expr::Prior(_) => "PRIOR",
        Expr::Lambda(_) => "a lambda",
        Expr::MemberOf(_) => "MEMBER OF",
        _ => "this expression",
    }
}
