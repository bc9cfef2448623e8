//! Numbers written in requests (ids, page numbers): plain decimal digits only. Rust's own
//! parser also takes a sign (`+2`), which names nothing a client meant.

/// `text` as a number when it is 1 to 20 ASCII digits and fits the type.
pub fn parse_decimal<T: TryFrom<u64>>(text: &str) -> Option<T> {
    let digits = !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit());
    let number: u64 = if digits { text.parse().ok()? } else { return None };
    T::try_from(number).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_digits_are_numbers() {
        assert_eq!(parse_decimal::<u64>("42"), Some(42));
        assert_eq!(parse_decimal::<u64>("007"), Some(7));
        assert_eq!(parse_decimal::<u64>("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_decimal::<u32>("4294967296"), None, "too large for the type");
        for refused in ["+2", "-2", " 2", "2 ", "", "2\0", "0x10", "1e3", "18446744073709551616", "٣"] {
            assert_eq!(parse_decimal::<u64>(refused), None, "{refused:?}");
        }
    }
}
