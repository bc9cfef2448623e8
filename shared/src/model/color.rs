//! Pass colors: accepted as `#rrggbb`, `#rgb` or `rgb(r, g, b)`, always emitted as
//! `rgb(r, g, b)`, the form Wallet documents.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn parse(text: &str) -> Option<Rgb> {
        let text = text.trim();
        if let Some(hex) = text.strip_prefix('#') {
            return parse_hex(hex);
        }
        let inner = text.strip_prefix("rgb(")?.strip_suffix(')')?;
        let mut parts = inner.split(',').map(|p| p.trim().parse::<u8>().ok());
        let rgb = Rgb(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(rgb)
    }

    pub fn to_css(self) -> String {
        format!("rgb({}, {}, {})", self.0, self.1, self.2)
    }

    /// `#rrggbb`, as Google Wallet and PassEntry write colours.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

fn parse_hex(hex: &str) -> Option<Rgb> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match hex.len() {
        6 => Some(Rgb(channel(&hex[0..2])?, channel(&hex[2..4])?, channel(&hex[4..6])?)),
        3 => {
            let twice = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
            Some(Rgb(twice(0)?, twice(1)?, twice(2)?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Rgb;

    #[test]
    fn parses_every_accepted_form() {
        assert_eq!(Rgb::parse("#ff8000"), Some(Rgb(255, 128, 0)));
        assert_eq!(Rgb::parse("#F80"), Some(Rgb(255, 136, 0)));
        assert_eq!(Rgb::parse("rgb(1,2, 3)"), Some(Rgb(1, 2, 3)));
        assert_eq!(Rgb(1, 2, 3).to_css(), "rgb(1, 2, 3)");
        assert_eq!(Rgb::parse("rgb(26, 43, 60)").map(Rgb::to_hex).as_deref(), Some("#1a2b3c"));
    }

    #[test]
    fn rejects_malformed() {
        for bad in ["red", "#ff80", "rgb(256,0,0)", "rgb(1,2)", "rgb(1,2,3,4)", "#gg0000", "rgba(1,2,3,0.5)"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }
}
