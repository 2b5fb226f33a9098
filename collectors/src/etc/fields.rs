//! Splitting text the way osquery's `split` and glibc's NSS `files` parsers split it.
//!
//! The account tables must give the rows osquery gives, so the few places
//! where those parsers differ from Rust's `split_whitespace` (which bytes
//! count as space, which lines are skipped, how `strtoul` reads an id) live
//! here, once.

/// True for the bytes C's `isspace` accepts in the C locale (Rust's
/// `is_ascii_whitespace` leaves out the vertical tab).
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Trims C whitespace from both ends, as `boost::trim` does.
pub(crate) fn trim_c_space(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_c_space(c as u8))
}

/// osquery's `split(s, delims)`: the pieces between any of `delims`, empty
/// pieces dropped, each piece then trimmed (so a piece of only `\r` becomes
/// an empty string that is kept).
pub(crate) fn osquery_split<'a>(
    s: &'a str,
    delims: &'a [char],
) -> impl Iterator<Item = &'a str> + 'a {
    s.split(delims)
        .filter(|piece| !piece.is_empty())
        .map(trim_c_space)
}

/// The lines glibc's NSS `files` backend hands to its parsers: each line is
/// cut at its first NUL (C strings end there), leading whitespace is
/// skipped, and blank lines and `#` comments are dropped.
pub(crate) fn nss_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&b| b == b'\n').filter_map(|line| {
        let line = line.split(|&b| b == 0).next().unwrap_or_default();
        let start = line.iter().position(|&b| !is_c_space(b))?;
        let line = &line[start..];
        (line.first() != Some(&b'#')).then_some(line)
    })
}

/// Takes the next `:`-terminated field off `rest` (glibc's `STRING_FIELD`):
/// everything up to the colon, or the whole rest when there is none.
pub(crate) fn take_field<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    match rest.iter().position(|&b| b == b':') {
        Some(i) => {
            let field = &rest[..i];
            *rest = &rest[i + 1..];
            field
        }
        None => std::mem::take(rest),
    }
}

/// Takes a numeric id field off `rest` as glibc's `INT_FIELD` does: C's
/// `strtoul` (leading spaces, a sign, decimal digits), which must end the
/// field and fit in 32 bits (so `-1` and `4294967296` are rejected, `-0` is
/// 0). `None` means glibc rejects the whole line.
///
/// With `maybe_empty` (the `+`/`-` compatibility entries of nss_compat) an
/// empty field reads as 0, but the line must not end before the field.
pub(crate) fn take_id(rest: &mut &[u8], maybe_empty: bool) -> Option<u32> {
    if maybe_empty && rest.is_empty() {
        return None;
    }
    let (value, used) = strtoul(rest);
    if used == 0 && !maybe_empty {
        return None;
    }
    let id = u32::try_from(value).ok()?;
    match rest.get(used) {
        Some(b':') => *rest = &rest[used + 1..],
        None => *rest = &rest[used..],
        Some(_) => return None,
    }
    Some(id)
}

/// C's `strtoul(s, &end, 10)`: the value and how many bytes it used (0 when
/// there are no digits). Overflow saturates and a minus sign negates modulo
/// 2^64, as in C.
fn strtoul(s: &[u8]) -> (u64, usize) {
    let mut i = s.iter().take_while(|&&b| is_c_space(b)).count();
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = s[i.min(s.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return (0, 0);
    }
    let value = s[i..i + digits].iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    });
    let value = match value {
        Some(v) if negative => v.wrapping_neg(),
        Some(v) => v,
        None => u64::MAX,
    };
    (value, i + digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osquery_split_drops_empty_pieces_then_trims() {
        let pieces: Vec<&str> = osquery_split("a  b\t\tc \r", &[' ', '\t']).collect();
        assert_eq!(pieces, vec!["a", "b", "c", ""]);
        assert_eq!(trim_c_space("\x0b x \x0c"), "x");
    }

    #[test]
    fn nss_lines_skip_blanks_and_comments() {
        let text = b"root:x:0\n\n   \n# comment\n  \tbin:x:2\nnul:x:3\0junk\n";
        let lines: Vec<&[u8]> = nss_lines(text).collect();
        assert_eq!(lines, vec![&b"root:x:0"[..], b"bin:x:2", b"nul:x:3"]);
    }

    #[test]
    fn ids_follow_strtoul() {
        let id = |s: &[u8]| {
            let mut rest = s;
            take_id(&mut rest, false).map(|v| (v, rest.to_vec()))
        };
        assert_eq!(id(b"1000:rest"), Some((1000, b"rest".to_vec())));
        assert_eq!(id(b" +7"), Some((7, Vec::new())));
        // glibc 2.36 rejected these lines and accepted these values.
        assert_eq!(id(b"-1:"), None);
        assert_eq!(id(b"-2:"), None);
        assert_eq!(id(b"4294967296:"), None);
        assert_eq!(id(b"99999999999999999999999:"), None);
        assert_eq!(id(b"4294967295:"), Some((u32::MAX, Vec::new())));
        assert_eq!(id(b"-0:"), Some((0, Vec::new())));
        assert_eq!(id(b"\t7:"), Some((7, Vec::new())));
        assert_eq!(id(b"0x10:"), None);
        assert_eq!(id(b":x"), None);
        assert_eq!(id(b"12a:x"), None);
        assert_eq!(id(b"12 :x"), None);
        assert_eq!(id(b""), None);

        let mut rest: &[u8] = b":x";
        assert_eq!(take_id(&mut rest, true), Some(0));
        assert_eq!(rest, b"x");
        let mut rest: &[u8] = b"";
        assert_eq!(take_id(&mut rest, true), None);
    }

    #[test]
    fn fields_split_at_colons() {
        let mut rest: &[u8] = b"a:b:c:d";
        assert_eq!(take_field(&mut rest), b"a");
        assert_eq!(take_field(&mut rest), b"b");
        assert_eq!(rest, b"c:d");
        let mut rest: &[u8] = b"last";
        assert_eq!(take_field(&mut rest), b"last");
        assert_eq!(take_field(&mut rest), b"");
    }
}
