//! `pass.strings` files: `"key" = "value";` lines with C-style comments, UTF-8 or UTF-16
//! (with a byte-order mark), as Apple's localization tools write them.

use std::collections::BTreeMap;

/// Parses a strings file into key → value, or says where it is malformed.
pub fn parse_strings(bytes: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let text = decode(bytes)?;
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    let mut out = BTreeMap::new();
    loop {
        skip_space_and_comments(&mut chars, &mut line)?;
        if chars.peek().is_none() {
            return Ok(out);
        }
        let key = quoted(&mut chars, &mut line)?;
        skip_space_and_comments(&mut chars, &mut line)?;
        expect(&mut chars, '=', line)?;
        skip_space_and_comments(&mut chars, &mut line)?;
        let value = quoted(&mut chars, &mut line)?;
        skip_space_and_comments(&mut chars, &mut line)?;
        expect(&mut chars, ';', line)?;
        out.insert(key, value);
    }
}

/// Writes key → value as a UTF-8 strings file that `parse_strings` (and Wallet) reads back.
pub fn write_strings(strings: &BTreeMap<String, String>) -> Vec<u8> {
    let quote = |text: &str| {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('"');
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    strings.iter().map(|(key, value)| format!("{} = {};\n", quote(key), quote(value))).collect::<String>().into_bytes()
}

fn decode(bytes: &[u8]) -> Result<String, String> {
    let utf16 = |bytes: &[u8], little: bool| -> Result<String, String> {
        if !bytes.len().is_multiple_of(2) {
            return Err("is not valid UTF-16 (odd length)".into());
        }
        let units = bytes
            .chunks_exact(2)
            .map(|c| if little { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) });
        char::decode_utf16(units).collect::<Result<String, _>>().map_err(|_| "is not valid UTF-16".to_string())
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            std::str::from_utf8(rest).map(str::to_string).map_err(|_| "is not valid UTF-8".into())
        }
        _ => std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| "is not valid UTF-8 (or UTF-16 with a byte-order mark)".into()),
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_space_and_comments(chars: &mut Chars, line: &mut usize) -> Result<(), String> {
    loop {
        match chars.peek() {
            Some('\n') => {
                *line += 1;
                chars.next();
            }
            Some(c) if c.is_whitespace() => {
                chars.next();
            }
            Some('/') => {
                chars.next();
                match chars.next() {
                    Some('/') => {
                        for c in chars.by_ref() {
                            if c == '\n' {
                                *line += 1;
                                break;
                            }
                        }
                    }
                    Some('*') => {
                        let mut prev = ' ';
                        loop {
                            match chars.next() {
                                Some('/') if prev == '*' => break,
                                Some(c) => {
                                    if c == '\n' {
                                        *line += 1;
                                    }
                                    prev = c;
                                }
                                None => return Err(format!("line {line}: unterminated /* comment")),
                            }
                        }
                    }
                    _ => return Err(format!("line {line}: expected a comment after /")),
                }
            }
            _ => return Ok(()),
        }
    }
}

fn expect(chars: &mut Chars, wanted: char, line: usize) -> Result<(), String> {
    match chars.next() {
        Some(c) if c == wanted => Ok(()),
        Some(c) => Err(format!("line {line}: expected `{wanted}`, found `{c}`")),
        None => Err(format!("line {line}: expected `{wanted}`, found the end of the file")),
    }
}

fn quoted(chars: &mut Chars, line: &mut usize) -> Result<String, String> {
    expect(chars, '"', *line)?;
    let mut out = String::new();
    loop {
        match chars.next() {
            Some('"') => return Ok(out),
            Some('\\') => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('U' | 'u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let unit = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                    out.push(unit.ok_or_else(|| format!("line {line}: bad \\U escape"))?);
                }
                Some(c) => out.push(c),
                None => break,
            },
            Some(c) => {
                if c == '\n' {
                    *line += 1;
                }
                out.push(c);
            }
            None => break,
        }
    }
    Err(format!("line {line}: unterminated string"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{parse_strings, write_strings};

    #[test]
    fn written_strings_read_back_with_quotes_backslashes_and_newlines() {
        let strings: BTreeMap<String, String> = [
            ("EVENT".to_string(), "ÉVÉNEMENT".to_string()),
            ("say \"hi\"".to_string(), "back\\slash\nnew line\ttab".to_string()),
        ]
        .into();
        assert_eq!(parse_strings(&write_strings(&strings)).unwrap(), strings);
    }

    #[test]
    fn reads_utf8_and_utf16_with_comments_and_escapes() {
        let text = "/* header */\n\"gate\" = \"Porte\"; // trailing\n\"msg\" = \"Dit \\\"hi\\\"\\n\";\n";
        let parsed = parse_strings(text.as_bytes()).unwrap();
        assert_eq!(parsed["gate"], "Porte");
        assert_eq!(parsed["msg"], "Dit \"hi\"\n");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("\"a\" = \"é\";".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(parse_strings(&utf16).unwrap()["a"], "é");
    }

    #[test]
    fn reports_the_line_of_a_mistake() {
        assert_eq!(parse_strings(b"\"a\" = \"b\";\n\"c\" \"d\";").unwrap_err(), "line 2: expected `=`, found `\"`");
        assert!(parse_strings(b"\"a\" = \"b\"").unwrap_err().contains("expected `;`"));
        assert!(parse_strings(&[0xC3, 0x28]).is_err());
    }
}
