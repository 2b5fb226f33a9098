//! `numeric`: decimal text to PostgreSQL's binary form (base-10000 digits,
//! a weight, a sign and a display scale) and back.

use bytes::{BufMut, BytesMut};

const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;
/// The largest display scale PostgreSQL accepts.
const MAX_DSCALE: usize = 16_383;
/// The most decimal digits hostgres accepts in one value (PostgreSQL's limit
/// is 131072 before the point; a value this long is not a number anyone sends).
const MAX_DIGITS: usize = 1000;

/// A decimal number as PostgreSQL's `numeric` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numeric {
    sign: u16,
    /// Base-10000 digits, most significant first, without leading or trailing zeros.
    digits: Vec<i16>,
    /// The power of 10000 of the first digit.
    weight: i16,
    /// Decimal digits shown after the point.
    dscale: u16,
}

impl Numeric {
    /// Parses decimal text: `-12.50`, `1e2`, `.5`, `NaN`, `Infinity`, `-Infinity`.
    pub fn parse(text: &str) -> Option<Numeric> {
        let t = text.trim();
        let special = |sign| {
            Some(Numeric {
                sign,
                digits: Vec::new(),
                weight: 0,
                dscale: 0,
            })
        };
        if t.eq_ignore_ascii_case("nan") {
            return special(NUMERIC_NAN);
        }
        if t.eq_ignore_ascii_case("infinity")
            || t.eq_ignore_ascii_case("+infinity")
            || t.eq_ignore_ascii_case("inf")
        {
            return special(NUMERIC_PINF);
        }
        if t.eq_ignore_ascii_case("-infinity") || t.eq_ignore_ascii_case("-inf") {
            return special(NUMERIC_NINF);
        }
        let (negative, body) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], body[i + 1..].parse::<i32>().ok()?),
            None => (body, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int_part.is_empty() && frac_part.is_empty()
            || !int_part
                .bytes()
                .chain(frac_part.bytes())
                .all(|b| b.is_ascii_digit())
            || int_part.len() + frac_part.len() > MAX_DIGITS
            || exponent.unsigned_abs() as usize > MAX_DIGITS
        {
            return None;
        }
        // All decimal digits, and where the point falls among them.
        let all: Vec<u8> = int_part
            .bytes()
            .chain(frac_part.bytes())
            .map(|b| b - b'0')
            .collect();
        let point = int_part.len() as i64 + i64::from(exponent);
        let dscale = (frac_part.len() as i64 - i64::from(exponent)).max(0) as usize;
        if dscale > MAX_DSCALE {
            return None;
        }
        Some(Self::from_decimal_digits(
            negative,
            &all,
            point,
            dscale as u16,
        ))
    }

    /// Builds a numeric from decimal digits with the point after `point` of them.
    fn from_decimal_digits(negative: bool, all: &[u8], point: i64, dscale: u16) -> Numeric {
        // Align to groups of four around the point: the first group holds
        // the digits of 10000^weight.
        let weight = (point - 1).div_euclid(4);
        let lead = (weight + 1) * 4 - point; // zero digits to prepend
        let mut padded: Vec<u8> = Vec::with_capacity(all.len() + 8);
        padded.extend(std::iter::repeat_n(0, lead.max(0) as usize));
        padded.extend_from_slice(all);
        while !padded.len().is_multiple_of(4) {
            padded.push(0);
        }
        let mut digits: Vec<i16> = padded
            .chunks(4)
            .map(|c| c.iter().fold(0i16, |acc, d| acc * 10 + i16::from(*d)))
            .collect();
        let mut weight = weight;
        let leading = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..leading);
        weight -= leading as i64;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Numeric {
                sign: NUMERIC_POS,
                digits,
                weight: 0,
                dscale,
            };
        }
        Numeric {
            sign: if negative { NUMERIC_NEG } else { NUMERIC_POS },
            digits,
            weight: weight.clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16,
            dscale,
        }
    }

    /// A float's exact shortest decimal text, as a numeric.
    pub fn from_f64(v: f64) -> Numeric {
        if v.is_nan() {
            return Numeric::special(NUMERIC_NAN);
        }
        if v.is_infinite() {
            return Numeric::special(if v > 0.0 { NUMERIC_PINF } else { NUMERIC_NINF });
        }
        Numeric::parse(&format!("{v}")).unwrap_or_else(|| Numeric::special(NUMERIC_NAN))
    }

    fn special(sign: u16) -> Numeric {
        Numeric {
            sign,
            digits: Vec::new(),
            weight: 0,
            dscale: 0,
        }
    }

    /// PostgreSQL's binary form.
    pub fn write_binary(&self, out: &mut BytesMut) {
        out.put_i16(self.digits.len() as i16);
        out.put_i16(self.weight);
        out.put_u16(self.sign);
        // PostgreSQL sends the dscale bits of an infinity's header: 0x20.
        out.put_u16(match self.sign {
            NUMERIC_PINF | NUMERIC_NINF => 0x20,
            _ => self.dscale,
        });
        for d in &self.digits {
            out.put_i16(*d);
        }
    }

    /// Reads PostgreSQL's binary form.
    pub fn read_binary(bytes: &[u8]) -> Option<Numeric> {
        let word = |i: usize| -> Option<u16> {
            Some(u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]))
        };
        let ndigits = word(0)? as usize;
        let weight = word(2)? as i16;
        let sign = word(4)?;
        let dscale = word(6)?;
        if bytes.len() != 8 + 2 * ndigits
            || !matches!(
                sign,
                NUMERIC_POS | NUMERIC_NEG | NUMERIC_NAN | NUMERIC_PINF | NUMERIC_NINF
            )
            || usize::from(dscale & 0x3fff) > MAX_DSCALE
        {
            return None;
        }
        let digits = (0..ndigits)
            .map(|i| {
                word(8 + 2 * i)
                    .map(|d| d as i16)
                    .filter(|d| (0..10_000).contains(d))
            })
            .collect::<Option<Vec<i16>>>()?;
        Some(Numeric {
            sign,
            digits,
            weight,
            dscale: if matches!(sign, NUMERIC_PINF | NUMERIC_NINF) {
                0
            } else {
                dscale
            },
        })
    }

    /// The text PostgreSQL prints: all digits, `dscale` of them after the point.
    pub fn to_text(&self) -> String {
        match self.sign {
            NUMERIC_NAN => return "NaN".to_owned(),
            NUMERIC_PINF => return "Infinity".to_owned(),
            NUMERIC_NINF => return "-Infinity".to_owned(),
            _ => {}
        }
        let mut out = String::new();
        if self.sign == NUMERIC_NEG {
            out.push('-');
        }
        let weight = i32::from(self.weight);
        let digit = |i: i32| -> i16 {
            usize::try_from(i)
                .ok()
                .and_then(|i| self.digits.get(i).copied())
                .unwrap_or(0)
        };
        if weight < 0 {
            out.push('0');
        } else {
            for i in 0..=weight {
                let d = digit(i);
                if i == 0 {
                    out.push_str(itoa::Buffer::new().format(d));
                } else {
                    out.push_str(&format!("{d:04}"));
                }
            }
        }
        if self.dscale > 0 {
            out.push('.');
            let mut frac = String::with_capacity(usize::from(self.dscale) + 4);
            let mut i = weight + 1;
            while frac.len() < usize::from(self.dscale) {
                frac.push_str(&format!("{:04}", digit(i)));
                i += 1;
            }
            frac.truncate(usize::from(self.dscale));
            out.push_str(&frac);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary(text: &str) -> Vec<u8> {
        let mut out = BytesMut::new();
        Numeric::parse(text).expect(text).write_binary(&mut out);
        out.to_vec()
    }

    #[test]
    fn binary_matches_postgresql() {
        // Bytes captured from PostgreSQL 15: COPY (SELECT '...'::numeric) TO STDOUT (FORMAT binary).
        let cases: &[(&str, &[u8])] = &[
            ("123.456", &[0, 2, 0, 0, 0, 0, 0, 3, 0, 0x7b, 0x11, 0xd0]),
            ("-0.0001", &[0, 1, 0xff, 0xff, 0x40, 0, 0, 4, 0, 1]),
            ("NaN", &[0, 0, 0, 0, 0xc0, 0, 0, 0]),
            ("Infinity", &[0, 0, 0, 0, 0xd0, 0, 0, 0x20]),
            ("-Infinity", &[0, 0, 0, 0, 0xf0, 0, 0, 0x20]),
            ("0", &[0, 0, 0, 0, 0, 0, 0, 0]),
            ("-0", &[0, 0, 0, 0, 0, 0, 0, 0]),
            ("0.00", &[0, 0, 0, 0, 0, 0, 0, 2]),
            ("1e4", &[0, 1, 0, 1, 0, 0, 0, 0, 0, 1]),
            ("1e2", &[0, 1, 0, 0, 0, 0, 0, 0, 0, 0x64]),
            ("1.5e1", &[0, 1, 0, 0, 0, 0, 0, 0, 0, 0x0f]),
            (
                "-12345678.9",
                &[
                    0, 3, 0, 1, 0x40, 0, 0, 1, 0x04, 0xd2, 0x16, 0x2e, 0x23, 0x28,
                ],
            ),
        ];
        for (text, bytes) in cases {
            assert_eq!(binary(text), *bytes, "{text}");
        }
    }

    #[test]
    fn text_round_trips_through_binary() {
        for text in [
            "123.456",
            "-0.0001",
            "0",
            "0.00",
            "100000",
            "-12345678.9",
            "1.50",
            "NaN",
            "Infinity",
            "0.1",
            "100000000000000000000",
        ] {
            let mut out = BytesMut::new();
            Numeric::parse(text).expect(text).write_binary(&mut out);
            let back = Numeric::read_binary(&out).expect("read back");
            assert_eq!(back.to_text(), text);
        }
        assert_eq!(
            Numeric::parse("1e2").map(|n| n.to_text()),
            Some("100".to_owned())
        );
        assert_eq!(
            Numeric::parse("-0").map(|n| n.to_text()),
            Some("0".to_owned())
        );
        assert_eq!(Numeric::from_f64(0.1).to_text(), "0.1");
        assert_eq!(Numeric::from_f64(1e20).to_text(), "100000000000000000000");
        for bad in ["", "-", "1.2.3", "abc", "1e", "1e99999", "."] {
            assert_eq!(Numeric::parse(bad), None, "{bad}");
        }
        assert_eq!(Numeric::read_binary(&[0, 1, 0, 0]), None);
        assert_eq!(
            Numeric::read_binary(&[0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10]),
            None
        );
    }
}
