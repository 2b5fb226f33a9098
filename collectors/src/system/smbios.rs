//! The SMBIOS structure table (`/sys/firmware/dmi/tables/DMI`, readable by root):
//! the firmware's own description of the machine, which osquery parses for `cpu_info`.

/// One SMBIOS structure: its type, its formatted area and its strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Structure<'a> {
    pub kind: u8,
    formatted: &'a [u8],
    strings: Vec<&'a [u8]>,
}

/// The type of Processor Information structures.
pub const PROCESSOR: u8 = 4;
const END_OF_TABLE: u8 = 127;

impl Structure<'_> {
    /// The byte at `offset` of the formatted area (offsets as the SMBIOS specification numbers them).
    pub fn byte(&self, offset: usize) -> Option<u8> {
        self.formatted.get(offset).copied()
    }

    /// The little-endian word at `offset`.
    pub fn word(&self, offset: usize) -> Option<u16> {
        Some(u16::from_le_bytes([
            self.byte(offset)?,
            self.byte(offset + 1)?,
        ]))
    }

    /// The string whose number is the byte at `offset`, without trailing spaces;
    /// empty for string number 0 ("none") or a number past the strings, as osquery does.
    pub fn string(&self, offset: usize) -> Option<String> {
        let n = usize::from(self.byte(offset)?);
        let s = n
            .checked_sub(1)
            .and_then(|i| self.strings.get(i))
            .map(|s| String::from_utf8_lossy(s).trim_end().to_owned());
        Some(s.unwrap_or_default())
    }
}

/// Splits a structure table into structures; parsing stops at the end-of-table
/// structure or at the first corrupt one.
pub fn structures(table: &[u8]) -> Vec<Structure<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= table.len() {
        let kind = table[i];
        let length = usize::from(table[i + 1]);
        if length < 4 || i + length > table.len() {
            break;
        }
        // The string set follows the formatted area and ends with two NULs.
        let mut j = i + length;
        while j + 1 < table.len() && !(table[j] == 0 && table[j + 1] == 0) {
            j += 1;
        }
        if j + 1 >= table.len() {
            break;
        }
        let area = &table[i + length..j];
        let strings = if area.is_empty() {
            Vec::new()
        } else {
            area.split(|&b| b == 0).collect()
        };
        out.push(Structure {
            kind,
            formatted: &table[i..i + length],
            strings,
        });
        if kind == END_OF_TABLE {
            break;
        }
        i = j + 2;
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A Processor Information structure (SMBIOS 2.6 layout, 0x2A bytes) as QEMU writes it.
    pub(crate) fn processor(socket: &str, vendor: &str, version: &str) -> Vec<u8> {
        let mut s = vec![0u8; 0x2a];
        s[0] = PROCESSOR;
        s[1] = 0x2a;
        s[0x04] = 1; // socket designation: string 1
        s[0x05] = 3; // central processor
        s[0x07] = 2; // manufacturer: string 2
        s[0x10] = 3; // version: string 3
        s[0x14..0x16].copy_from_slice(&3700u16.to_le_bytes()); // max speed
        s[0x16..0x18].copy_from_slice(&2600u16.to_le_bytes()); // current speed
        s[0x18] = 0x41; // populated, enabled
        s[0x23] = 4; // cores
        s[0x25] = 8; // threads
        s[0x26..0x28].copy_from_slice(&0x04u16.to_le_bytes()); // 64-bit capable
        for text in [socket, vendor, version] {
            s.extend_from_slice(text.as_bytes());
            s.push(0);
        }
        s.push(0);
        s
    }

    #[test]
    fn walks_structures_and_strings() {
        let mut table = processor("CPU 0", "Intel(R) Corporation", "Xeon  ");
        // A structure without strings, then the end of the table.
        table.extend_from_slice(&[32, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        table.extend_from_slice(&[127, 4, 0, 0, 0, 0]);
        table.extend_from_slice(&[4, 0x2a]); // trailing garbage after the end
        let s = structures(&table);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].kind, PROCESSOR);
        assert_eq!(s[0].string(0x04).as_deref(), Some("CPU 0"));
        assert_eq!(s[0].string(0x10).as_deref(), Some("Xeon"));
        assert_eq!(s[0].word(0x14), Some(3700));
        assert_eq!(s[1].kind, 32);
        assert_eq!(s[1].string(0x04).as_deref(), Some(""));
        assert_eq!(s[1].byte(0x40), None);
        assert_eq!(s[2].kind, END_OF_TABLE);
    }

    #[test]
    fn corrupt_tables_stop_early() {
        assert!(structures(&[4, 2, 0, 0, 0, 0]).is_empty());
        assert!(structures(&[4, 0x2a, 0, 0]).is_empty());
        let mut unterminated = processor("CPU 0", "x", "y");
        unterminated.truncate(unterminated.len() - 1);
        assert!(structures(&unterminated).is_empty());
        assert!(structures(&[]).is_empty());
    }
}
