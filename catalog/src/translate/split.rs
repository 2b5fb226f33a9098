//! Splits a query string into statements at top-level semicolons.
//!
//! A small lexer that knows both dialects' quoting: `'...'` (with `''`),
//! `E'...'` (with backslash escapes), `"..."`, `$tag$...$tag$`, `[...]`
//! and backquoted identifiers, `--` and nested `/* */` comments. It never
//! fails: an unterminated quote runs to the end of the input, and SQLite then
//! reports the syntax error.

/// The statements of `sql`, trimmed, without their semicolons; statements
/// that are empty or hold only comments are dropped.
pub fn split_statements(sql: &str) -> Vec<&str> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut has_code = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b';' => {
                if has_code {
                    out.push(sql[start..i].trim());
                }
                start = i + 1;
                has_code = false;
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = find_byte(bytes, i, b'\n').map_or(bytes.len(), |p| p + 1);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(bytes, i);
                continue;
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            _ => {}
        }
        has_code = true;
        i = match c {
            b'\'' => {
                let escaped = i > 0
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && (i < 2 || !is_ident_byte(bytes[i - 2]));
                skip_quoted(bytes, i, b'\'', escaped)
            }
            b'"' => skip_quoted(bytes, i, b'"', false),
            b'`' => skip_quoted(bytes, i, b'`', false),
            b'[' => find_byte(bytes, i + 1, b']').map_or(bytes.len(), |p| p + 1),
            b'$' => skip_dollar_quoted(sql, i),
            _ => i + 1,
        };
    }
    if has_code {
        out.push(sql[start..].trim());
    }
    out
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn find_byte(bytes: &[u8], from: usize, b: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&x| x == b)
        .map(|p| p + from)
}

/// Past the closing quote of the literal opening at `i`; a doubled quote is
/// an escaped quote, and so is a backslash-escaped one in `E''` strings.
fn skip_quoted(bytes: &[u8], i: usize, quote: u8, backslash_escapes: bool) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        let c = bytes[j];
        if backslash_escapes && c == b'\\' {
            j += 2;
            continue;
        }
        if c == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    bytes.len()
}

fn skip_block_comment(bytes: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j + 1 < bytes.len() {
        match (bytes[j], bytes[j + 1]) {
            (b'/', b'*') => {
                depth += 1;
                j += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    bytes.len()
}

/// Past a `$tag$ ... $tag$` string; a `$` that does not open one (a `$1`
/// parameter, say) is a single byte.
fn skip_dollar_quoted(sql: &str, i: usize) -> usize {
    let bytes = sql.as_bytes();
    let tag_end = bytes[i + 1..]
        .iter()
        .position(|&b| !is_ident_byte(b))
        .map(|p| p + i + 1);
    match tag_end {
        Some(end) if bytes[end] == b'$' && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
            let tag = &sql[i..=end];
            match sql[end + 1..].find(tag) {
                Some(p) => end + 1 + p + tag.len(),
                None => bytes.len(),
            }
        }
        _ => i + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn splits_on_top_level_semicolons_only() {
        let sql = "select 'a;b', \"c;d\"; select $$x;y$$ ; -- c;omment\n select E'it\\';s', $1; /* a; /* b; */ c; */ ;;";
        assert_eq!(
            split_statements(sql),
            vec![
                "select 'a;b', \"c;d\"",
                "select $$x;y$$",
                "-- c;omment\n select E'it\\';s', $1",
            ]
        );
    }

    #[test]
    fn empty_and_comment_only_input_has_no_statements() {
        assert!(split_statements("").is_empty());
        assert!(split_statements(" ; ;; ").is_empty());
        assert!(split_statements("-- ping").is_empty());
        assert!(split_statements("/* ping */").is_empty());
    }

    #[test]
    fn unterminated_literal_runs_to_the_end() {
        assert_eq!(
            split_statements("select 'abc; def"),
            vec!["select 'abc; def"]
        );
    }
}
