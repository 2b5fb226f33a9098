//! PostgreSQL 15's SQL keywords: `pg_get_keywords()` (a table-valued
//! function, served as a table), and which words `quote_ident` must quote.

use hostgres_collectors::CollectError;

use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

/// `pg_get_keywords()`.
pub(crate) struct PgGetKeywords;

static SCHEMA: Schema = Schema {
    name: "pg_get_keywords",
    doc: "The SQL keywords PostgreSQL 15 recognizes, with their category.",
    columns: &[
        col("word", Text, "The keyword."),
        col(
            "catcode",
            Char,
            "U unreserved, C unreserved (cannot be function or type name), T reserved (can be function or type name), R reserved.",
        ),
        col(
            "barelabel",
            Bool,
            "True if it can be a column label without AS.",
        ),
        col("catdesc", Text, "The category, in words."),
        col(
            "baredesc",
            Text,
            "Whether it can be a bare label, in words.",
        ),
    ],
};

impl Table for PgGetKeywords {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for &(word, code, bare) in KEYWORDS {
            let catdesc = match code {
                b'U' => "unreserved",
                b'C' => "unreserved (cannot be function or type name)",
                b'T' => "reserved (can be function or type name)",
                _ => "reserved",
            };
            out.row()
                .set("word", word)
                .set("catcode", char::from(code).to_string())
                .set("barelabel", bare)
                .set("catdesc", catdesc)
                .set(
                    "baredesc",
                    if bare {
                        "can be bare label"
                    } else {
                        "requires AS"
                    },
                );
        }
        Ok(())
    }
}

/// True when `word` (lower case) is a keyword that is not unreserved, so an
/// identifier spelled like it must be quoted.
pub(crate) fn needs_quoting_as_keyword(word: &str) -> bool {
    KEYWORDS
        .binary_search_by(|(w, _, _)| (*w).cmp(word))
        .is_ok_and(|i| KEYWORDS[i].1 != b'U')
}

/// `quote_ident`: the identifier as PostgreSQL would write it, quoted only when needed.
pub(crate) fn quote_ident(ident: &str) -> String {
    let safe = ident
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && ident
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !needs_quoting_as_keyword(ident);
    if safe {
        ident.to_owned()
    } else {
        format!("\"{}\"", ident.replace('"', "\"\""))
    }
}

/// Keywords sorted by word: (word, category code, can be a bare label).
#[rustfmt::skip]
static KEYWORDS: &[(&str, u8, bool)] = &[
    ("abort", b'U', true), ("absolute", b'U', true), ("access", b'U', true), ("action", b'U', true),
    ("add", b'U', true), ("admin", b'U', true), ("after", b'U', true), ("aggregate", b'U', true),
    ("all", b'R', true), ("also", b'U', true), ("alter", b'U', true), ("always", b'U', true),
    ("analyse", b'R', true), ("analyze", b'R', true), ("and", b'R', true), ("any", b'R', true),
    ("array", b'R', false), ("as", b'R', false), ("asc", b'R', true), ("asensitive", b'U', true),
    ("assertion", b'U', true), ("assignment", b'U', true), ("asymmetric", b'R', true),
    ("at", b'U', true), ("atomic", b'U', true), ("attach", b'U', true), ("attribute", b'U', true),
    ("authorization", b'T', true), ("backward", b'U', true), ("before", b'U', true),
    ("begin", b'U', true), ("between", b'C', true), ("bigint", b'C', true), ("binary", b'T', true),
    ("bit", b'C', true), ("boolean", b'C', true), ("both", b'R', true), ("breadth", b'U', true),
    ("by", b'U', true), ("cache", b'U', true), ("call", b'U', true), ("called", b'U', true),
    ("cascade", b'U', true), ("cascaded", b'U', true), ("case", b'R', true), ("cast", b'R', true),
    ("catalog", b'U', true), ("chain", b'U', true), ("char", b'C', false),
    ("character", b'C', false), ("characteristics", b'U', true), ("check", b'R', true),
    ("checkpoint", b'U', true), ("class", b'U', true), ("close", b'U', true),
    ("cluster", b'U', true), ("coalesce", b'C', true), ("collate", b'R', true),
    ("collation", b'T', true), ("column", b'R', true), ("columns", b'U', true),
    ("comment", b'U', true), ("comments", b'U', true), ("commit", b'U', true),
    ("committed", b'U', true), ("compression", b'U', true), ("concurrently", b'T', true),
    ("configuration", b'U', true), ("conflict", b'U', true), ("connection", b'U', true),
    ("constraint", b'R', true), ("constraints", b'U', true), ("content", b'U', true),
    ("continue", b'U', true), ("conversion", b'U', true), ("copy", b'U', true),
    ("cost", b'U', true), ("create", b'R', false), ("cross", b'T', true), ("csv", b'U', true),
    ("cube", b'U', true), ("current", b'U', true), ("current_catalog", b'R', true),
    ("current_date", b'R', true), ("current_role", b'R', true), ("current_schema", b'T', true),
    ("current_time", b'R', true), ("current_timestamp", b'R', true), ("current_user", b'R', true),
    ("cursor", b'U', true), ("cycle", b'U', true), ("data", b'U', true), ("database", b'U', true),
    ("day", b'U', false), ("deallocate", b'U', true), ("dec", b'C', true), ("decimal", b'C', true),
    ("declare", b'U', true), ("default", b'R', true), ("defaults", b'U', true),
    ("deferrable", b'R', true), ("deferred", b'U', true), ("definer", b'U', true),
    ("delete", b'U', true), ("delimiter", b'U', true), ("delimiters", b'U', true),
    ("depends", b'U', true), ("depth", b'U', true), ("desc", b'R', true), ("detach", b'U', true),
    ("dictionary", b'U', true), ("disable", b'U', true), ("discard", b'U', true),
    ("distinct", b'R', true), ("do", b'R', true), ("document", b'U', true), ("domain", b'U', true),
    ("double", b'U', true), ("drop", b'U', true), ("each", b'U', true), ("else", b'R', true),
    ("enable", b'U', true), ("encoding", b'U', true), ("encrypted", b'U', true),
    ("end", b'R', true), ("enum", b'U', true), ("escape", b'U', true), ("event", b'U', true),
    ("except", b'R', false), ("exclude", b'U', true), ("excluding", b'U', true),
    ("exclusive", b'U', true), ("execute", b'U', true), ("exists", b'C', true),
    ("explain", b'U', true), ("expression", b'U', true), ("extension", b'U', true),
    ("external", b'U', true), ("extract", b'C', true), ("false", b'R', true),
    ("family", b'U', true), ("fetch", b'R', false), ("filter", b'U', false),
    ("finalize", b'U', true), ("first", b'U', true), ("float", b'C', true),
    ("following", b'U', true), ("for", b'R', false), ("force", b'U', true), ("foreign", b'R', true),
    ("forward", b'U', true), ("freeze", b'T', true), ("from", b'R', false), ("full", b'T', true),
    ("function", b'U', true), ("functions", b'U', true), ("generated", b'U', true),
    ("global", b'U', true), ("grant", b'R', false), ("granted", b'U', true),
    ("greatest", b'C', true), ("group", b'R', false), ("grouping", b'C', true),
    ("groups", b'U', true), ("handler", b'U', true), ("having", b'R', false),
    ("header", b'U', true), ("hold", b'U', true), ("hour", b'U', false), ("identity", b'U', true),
    ("if", b'U', true), ("ilike", b'T', true), ("immediate", b'U', true), ("immutable", b'U', true),
    ("implicit", b'U', true), ("import", b'U', true), ("in", b'R', true), ("include", b'U', true),
    ("including", b'U', true), ("increment", b'U', true), ("index", b'U', true),
    ("indexes", b'U', true), ("inherit", b'U', true), ("inherits", b'U', true),
    ("initially", b'R', true), ("inline", b'U', true), ("inner", b'T', true), ("inout", b'C', true),
    ("input", b'U', true), ("insensitive", b'U', true), ("insert", b'U', true),
    ("instead", b'U', true), ("int", b'C', true), ("integer", b'C', true),
    ("intersect", b'R', false), ("interval", b'C', true), ("into", b'R', false),
    ("invoker", b'U', true), ("is", b'T', true), ("isnull", b'T', false), ("isolation", b'U', true),
    ("join", b'T', true), ("key", b'U', true), ("label", b'U', true), ("language", b'U', true),
    ("large", b'U', true), ("last", b'U', true), ("lateral", b'R', true), ("leading", b'R', true),
    ("leakproof", b'U', true), ("least", b'C', true), ("left", b'T', true), ("level", b'U', true),
    ("like", b'T', true), ("limit", b'R', false), ("listen", b'U', true), ("load", b'U', true),
    ("local", b'U', true), ("localtime", b'R', true), ("localtimestamp", b'R', true),
    ("location", b'U', true), ("lock", b'U', true), ("locked", b'U', true), ("logged", b'U', true),
    ("mapping", b'U', true), ("match", b'U', true), ("matched", b'U', true),
    ("materialized", b'U', true), ("maxvalue", b'U', true), ("merge", b'U', true),
    ("method", b'U', true), ("minute", b'U', false), ("minvalue", b'U', true), ("mode", b'U', true),
    ("month", b'U', false), ("move", b'U', true), ("name", b'U', true), ("names", b'U', true),
    ("national", b'C', true), ("natural", b'T', true), ("nchar", b'C', true), ("new", b'U', true),
    ("next", b'U', true), ("nfc", b'U', true), ("nfd", b'U', true), ("nfkc", b'U', true),
    ("nfkd", b'U', true), ("no", b'U', true), ("none", b'C', true), ("normalize", b'C', true),
    ("normalized", b'U', true), ("not", b'R', true), ("nothing", b'U', true),
    ("notify", b'U', true), ("notnull", b'T', false), ("nowait", b'U', true), ("null", b'R', true),
    ("nullif", b'C', true), ("nulls", b'U', true), ("numeric", b'C', true), ("object", b'U', true),
    ("of", b'U', true), ("off", b'U', true), ("offset", b'R', false), ("oids", b'U', true),
    ("old", b'U', true), ("on", b'R', false), ("only", b'R', true), ("operator", b'U', true),
    ("option", b'U', true), ("options", b'U', true), ("or", b'R', true), ("order", b'R', false),
    ("ordinality", b'U', true), ("others", b'U', true), ("out", b'C', true), ("outer", b'T', true),
    ("over", b'U', false), ("overlaps", b'T', false), ("overlay", b'C', true),
    ("overriding", b'U', true), ("owned", b'U', true), ("owner", b'U', true),
    ("parallel", b'U', true), ("parameter", b'U', true), ("parser", b'U', true),
    ("partial", b'U', true), ("partition", b'U', true), ("passing", b'U', true),
    ("password", b'U', true), ("placing", b'R', true), ("plans", b'U', true),
    ("policy", b'U', true), ("position", b'C', true), ("preceding", b'U', true),
    ("precision", b'C', false), ("prepare", b'U', true), ("prepared", b'U', true),
    ("preserve", b'U', true), ("primary", b'R', true), ("prior", b'U', true),
    ("privileges", b'U', true), ("procedural", b'U', true), ("procedure", b'U', true),
    ("procedures", b'U', true), ("program", b'U', true), ("publication", b'U', true),
    ("quote", b'U', true), ("range", b'U', true), ("read", b'U', true), ("real", b'C', true),
    ("reassign", b'U', true), ("recheck", b'U', true), ("recursive", b'U', true),
    ("ref", b'U', true), ("references", b'R', true), ("referencing", b'U', true),
    ("refresh", b'U', true), ("reindex", b'U', true), ("relative", b'U', true),
    ("release", b'U', true), ("rename", b'U', true), ("repeatable", b'U', true),
    ("replace", b'U', true), ("replica", b'U', true), ("reset", b'U', true),
    ("restart", b'U', true), ("restrict", b'U', true), ("return", b'U', true),
    ("returning", b'R', false), ("returns", b'U', true), ("revoke", b'U', true),
    ("right", b'T', true), ("role", b'U', true), ("rollback", b'U', true), ("rollup", b'U', true),
    ("routine", b'U', true), ("routines", b'U', true), ("row", b'C', true), ("rows", b'U', true),
    ("rule", b'U', true), ("savepoint", b'U', true), ("schema", b'U', true),
    ("schemas", b'U', true), ("scroll", b'U', true), ("search", b'U', true),
    ("second", b'U', false), ("security", b'U', true), ("select", b'R', true),
    ("sequence", b'U', true), ("sequences", b'U', true), ("serializable", b'U', true),
    ("server", b'U', true), ("session", b'U', true), ("session_user", b'R', true),
    ("set", b'U', true), ("setof", b'C', true), ("sets", b'U', true), ("share", b'U', true),
    ("show", b'U', true), ("similar", b'T', true), ("simple", b'U', true), ("skip", b'U', true),
    ("smallint", b'C', true), ("snapshot", b'U', true), ("some", b'R', true), ("sql", b'U', true),
    ("stable", b'U', true), ("standalone", b'U', true), ("start", b'U', true),
    ("statement", b'U', true), ("statistics", b'U', true), ("stdin", b'U', true),
    ("stdout", b'U', true), ("storage", b'U', true), ("stored", b'U', true), ("strict", b'U', true),
    ("strip", b'U', true), ("subscription", b'U', true), ("substring", b'C', true),
    ("support", b'U', true), ("symmetric", b'R', true), ("sysid", b'U', true),
    ("system", b'U', true), ("table", b'R', true), ("tables", b'U', true),
    ("tablesample", b'T', true), ("tablespace", b'U', true), ("temp", b'U', true),
    ("template", b'U', true), ("temporary", b'U', true), ("text", b'U', true), ("then", b'R', true),
    ("ties", b'U', true), ("time", b'C', true), ("timestamp", b'C', true), ("to", b'R', false),
    ("trailing", b'R', true), ("transaction", b'U', true), ("transform", b'U', true),
    ("treat", b'C', true), ("trigger", b'U', true), ("trim", b'C', true), ("true", b'R', true),
    ("truncate", b'U', true), ("trusted", b'U', true), ("type", b'U', true), ("types", b'U', true),
    ("uescape", b'U', true), ("unbounded", b'U', true), ("uncommitted", b'U', true),
    ("unencrypted", b'U', true), ("union", b'R', false), ("unique", b'R', true),
    ("unknown", b'U', true), ("unlisten", b'U', true), ("unlogged", b'U', true),
    ("until", b'U', true), ("update", b'U', true), ("user", b'R', true), ("using", b'R', true),
    ("vacuum", b'U', true), ("valid", b'U', true), ("validate", b'U', true),
    ("validator", b'U', true), ("value", b'U', true), ("values", b'C', true),
    ("varchar", b'C', true), ("variadic", b'R', true), ("varying", b'U', false),
    ("verbose", b'T', true), ("version", b'U', true), ("view", b'U', true), ("views", b'U', true),
    ("volatile", b'U', true), ("when", b'R', true), ("where", b'R', false),
    ("whitespace", b'U', true), ("window", b'R', false), ("with", b'R', false),
    ("within", b'U', false), ("without", b'U', false), ("work", b'U', true),
    ("wrapper", b'U', true), ("write", b'U', true), ("xml", b'U', true),
    ("xmlattributes", b'C', true), ("xmlconcat", b'C', true), ("xmlelement", b'C', true),
    ("xmlexists", b'C', true), ("xmlforest", b'C', true), ("xmlnamespaces", b'C', true),
    ("xmlparse", b'C', true), ("xmlpi", b'C', true), ("xmlroot", b'C', true),
    ("xmlserialize", b'C', true), ("xmltable", b'C', true), ("year", b'U', false),
    ("yes", b'U', true), ("zone", b'U', true),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted() {
        assert!(KEYWORDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(KEYWORDS.len(), 460);
    }

    #[test]
    fn quote_ident_quotes_like_postgresql() {
        assert_eq!(quote_ident("processes"), "processes");
        assert_eq!(quote_ident("Processes"), "\"Processes\"");
        assert_eq!(quote_ident("select"), "\"select\"");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("name"), "name");
        assert_eq!(quote_ident("int"), "\"int\"");
        assert_eq!(quote_ident("a b"), "\"a b\"");
        assert_eq!(quote_ident("say\"hi"), "\"say\"\"hi\"");
        assert_eq!(quote_ident("1abc"), "\"1abc\"");
        assert_eq!(quote_ident(""), "\"\"");
    }
}
