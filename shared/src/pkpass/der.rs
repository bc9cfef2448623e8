//! Just enough DER (X.690) for certificates and CMS signatures: reading TLVs out of a buffer
//! and writing them. Only definite lengths (DER has no other kind).

use crate::model::date::{civil_from_unix, days_from_civil};

/// Tags this crate reads or writes.
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const UTF8_STRING: u8 = 0x0c;
pub const PRINTABLE_STRING: u8 = 0x13;
pub const IA5_STRING: u8 = 0x16;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;
pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
/// `[0]` constructed, explicit or implicit.
pub const CONTEXT_0: u8 = 0xa0;

/// One element: its tag, its contents, and its whole encoding (tag and length included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
    pub raw: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed DER")]
pub struct Malformed;

/// Reads consecutive elements from a buffer.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element, whatever its tag.
    pub fn any(&mut self) -> Result<Tlv<'a>, Malformed> {
        let bytes = self.rest;
        let (&tag, after_tag) = bytes.split_first().ok_or(Malformed)?;
        // Multi-byte tags (low bits all set) never occur in what this crate reads.
        if tag & 0x1f == 0x1f {
            return Err(Malformed);
        }
        let (&first, after_length) = after_tag.split_first().ok_or(Malformed)?;
        let (length, after_length) = if first < 0x80 {
            (usize::from(first), after_length)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || after_length.len() < count {
                return Err(Malformed);
            }
            let length = after_length[..count].iter().fold(0usize, |n, b| (n << 8) | usize::from(*b));
            (length, &after_length[count..])
        };
        if after_length.len() < length {
            return Err(Malformed);
        }
        let header = bytes.len() - after_length.len();
        self.rest = &after_length[length..];
        Ok(Tlv { tag, value: &after_length[..length], raw: &bytes[..header + length] })
    }

    /// The next element, which must have `tag`.
    pub fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, Malformed> {
        let tlv = self.any()?;
        if tlv.tag == tag { Ok(tlv) } else { Err(Malformed) }
    }

    /// The next element if it has `tag`; nothing is consumed otherwise.
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Malformed> {
        match self.rest.first() {
            Some(&next) if next == tag => self.any().map(Some),
            _ => Ok(None),
        }
    }
}

/// The one element `bytes` holds, with `tag` and nothing after it.
pub fn single(bytes: &[u8], tag: u8) -> Result<Tlv<'_>, Malformed> {
    let mut reader = Reader::new(bytes);
    let tlv = reader.expect(tag)?;
    if reader.is_empty() { Ok(tlv) } else { Err(Malformed) }
}

/// An element: tag, length, contents.
pub fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    out.push(tag);
    let length = value.len();
    if length < 0x80 {
        out.push(length as u8);
    } else {
        let bytes = length.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
    out
}

/// A constructed element of the concatenated encodings `parts`.
pub fn constructed(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// A SET OF in DER order: its elements' encodings sorted.
pub fn set_of(mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    elements.sort();
    let parts: Vec<&[u8]> = elements.iter().map(Vec::as_slice).collect();
    constructed(SET, &parts)
}

/// An OBJECT IDENTIFIER from its dotted form (a constant of this crate: never fails on them).
pub fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut body = Vec::new();
    if let [first, second, rest @ ..] = arcs.as_slice() {
        base128(first * 40 + second, &mut body);
        for arc in rest {
            base128(*arc, &mut body);
        }
    }
    tlv(OID, &body)
}

fn base128(mut value: u64, out: &mut Vec<u8>) {
    let mut digits = vec![(value & 0x7f) as u8];
    value >>= 7;
    while value > 0 {
        digits.push(0x80 | (value & 0x7f) as u8);
        value >>= 7;
    }
    out.extend(digits.iter().rev());
}

/// A small non-negative INTEGER.
pub fn small_integer(value: u8) -> Vec<u8> {
    if value < 0x80 { tlv(INTEGER, &[value]) } else { tlv(INTEGER, &[0, value]) }
}

/// A UTCTime (years 1950–2049) or, outside those, a GeneralizedTime, as RFC 5280 asks.
pub fn time(unix_seconds: i64) -> Vec<u8> {
    let (year, month, day, hour, minute, second) = civil_from_unix(unix_seconds);
    if (1950..2050).contains(&year) {
        let text = format!("{:02}{month:02}{day:02}{hour:02}{minute:02}{second:02}Z", year % 100);
        tlv(UTC_TIME, text.as_bytes())
    } else {
        let text = format!("{year:04}{month:02}{day:02}{hour:02}{minute:02}{second:02}Z");
        tlv(GENERALIZED_TIME, text.as_bytes())
    }
}

/// Unix seconds of a UTCTime or GeneralizedTime element (`Z` form, as RFC 5280 requires).
pub fn read_time(tlv: &Tlv<'_>) -> Result<i64, Malformed> {
    let text = std::str::from_utf8(tlv.value).map_err(|_| Malformed)?;
    let digits = text.strip_suffix('Z').ok_or(Malformed)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Malformed);
    }
    let number = |range: std::ops::Range<usize>| digits.get(range).and_then(|d| d.parse::<i64>().ok()).ok_or(Malformed);
    let (year, rest) = match (tlv.tag, digits.len()) {
        (UTC_TIME, 12) => {
            let yy = number(0..2)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, 2)
        }
        (GENERALIZED_TIME, 14) => (number(0..4)?, 4),
        _ => return Err(Malformed),
    };
    let field = |i: usize| number(rest + 2 * i..rest + 2 * i + 2);
    let (month, day, hour, minute, second) = (field(0)?, field(1)?, field(2)?, field(3)?, field(4)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return Err(Malformed);
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// PEM blocks of `label` in `text`, decoded (headers such as `Proc-Type` make a block
/// unreadable here: encrypted keys go through OpenSSL).
pub fn pem_blocks(text: &[u8], label: &str) -> Vec<Result<Vec<u8>, Malformed>> {
    use base64::Engine;
    let Ok(text) = std::str::from_utf8(text) else { return vec![Err(Malformed)] };
    let (begin, end) = (format!("-----BEGIN {label}-----"), format!("-----END {label}-----"));
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let body = &rest[start + begin.len()..];
        let Some(stop) = body.find(&end) else {
            blocks.push(Err(Malformed));
            break;
        };
        let base64: String = body[..stop].chars().filter(|c| !c.is_ascii_whitespace()).collect();
        blocks.push(base64::engine::general_purpose::STANDARD.decode(base64).map_err(|_| Malformed));
        rest = &body[stop + end.len()..];
    }
    blocks
}

/// A PEM block of `der`, lines of 64 characters.
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in encoded.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_round_trip_with_short_and_long_lengths() {
        for length in [0usize, 1, 127, 128, 255, 256, 70_000] {
            let value = vec![7u8; length];
            let encoded = tlv(OCTET_STRING, &value);
            let read = single(&encoded, OCTET_STRING).unwrap();
            assert_eq!((read.value, read.raw), (value.as_slice(), encoded.as_slice()));
        }
    }

    #[test]
    fn truncated_or_trailing_input_is_malformed() {
        let encoded = tlv(SEQUENCE, &tlv(INTEGER, &[1]));
        assert_eq!(single(&encoded[..encoded.len() - 1], SEQUENCE), Err(Malformed));
        assert_eq!(single(&[encoded.clone(), vec![0]].concat(), SEQUENCE), Err(Malformed));
        assert_eq!(single(&[0x30, 0x85, 1, 1, 1, 1, 1], SEQUENCE), Err(Malformed));
        assert_eq!(single(&encoded, SET), Err(Malformed));
    }

    #[test]
    fn object_identifiers_encode_as_x690_says() {
        // 1.2.840.113549.1.7.2 (signedData), from RFC 5652's examples.
        assert_eq!(oid("1.2.840.113549.1.7.2"), [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
        assert_eq!(oid("2.5.4.11"), [0x06, 0x03, 0x55, 0x04, 0x0b]);
    }

    #[test]
    fn times_round_trip_across_the_utctime_boundary() {
        for seconds in [0i64, 951_782_400, 1_700_000_000, 2_524_607_999, 2_524_608_000, 4_102_444_800] {
            let encoded = time(seconds);
            assert_eq!(read_time(&single(&encoded, encoded[0]).unwrap()), Ok(seconds), "{seconds}");
        }
        assert_eq!(time(2_524_608_000)[0], GENERALIZED_TIME, "2050 and later are GeneralizedTime");
        assert_eq!(&time(951_782_400)[2..], b"000229000000Z", "a leap day");
    }

    #[test]
    fn sets_are_sorted_by_encoding() {
        let set = set_of(vec![tlv(INTEGER, &[2]), tlv(INTEGER, &[1])]);
        assert_eq!(set, [SET, 6, INTEGER, 1, 1, INTEGER, 1, 2]);
    }

    #[test]
    fn pem_round_trips() {
        let der: Vec<u8> = (0..=255).collect();
        let text = pem("CERTIFICATE", &der);
        assert_eq!(pem_blocks(text.as_bytes(), "CERTIFICATE"), vec![Ok(der)]);
        assert!(pem_blocks(b"junk", "CERTIFICATE").is_empty());
    }
}
