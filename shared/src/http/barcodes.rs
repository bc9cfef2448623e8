//! A pass's barcode drawn as SVG the way Wallet shows it: QR, PDF417, Aztec or Code 128, its
//! message encoded in the pass's `messageEncoding`, so the drawing scans like the pass does.

use rxing::{BarcodeFormat, EncodeHints, Writer};

use crate::model::PassJson;

/// The longest message drawn (a version 40 QR code's bytes); longer ones are shown as text.
const MAX_MESSAGE_BYTES: usize = 2953;

/// The symbologies Wallet draws (`PKBarcodeFormat…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbology {
    Qr,
    Pdf417,
    Aztec,
    Code128,
}

impl Symbology {
    pub fn from_pass_format(format: &str) -> Option<Symbology> {
        match format {
            "PKBarcodeFormatQR" => Some(Symbology::Qr),
            "PKBarcodeFormatPDF417" => Some(Symbology::Pdf417),
            "PKBarcodeFormatAztec" => Some(Symbology::Aztec),
            "PKBarcodeFormatCode128" => Some(Symbology::Code128),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Symbology::Qr => "QR code",
            Symbology::Pdf417 => "PDF417 barcode",
            Symbology::Aztec => "Aztec code",
            Symbology::Code128 => "Code 128 barcode",
        }
    }

    /// Square symbols keep their shape; the wide ones fill the width they are given.
    pub fn is_square(self) -> bool {
        matches!(self, Symbology::Qr | Symbology::Aztec)
    }

    /// Light modules the standard asks for around the symbol.
    fn quiet_zone(self) -> u32 {
        match self {
            Symbology::Qr => 4,
            Symbology::Pdf417 => 2,
            Symbology::Aztec => 2,
            Symbology::Code128 => 10,
        }
    }
}

/// A symbol's modules: `dark[y * width + x]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub symbology: Symbology,
    pub width: u32,
    pub height: u32,
    pub dark: Vec<bool>,
}

impl Symbol {
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.height && self.dark[(y * self.width + x) as usize]
    }
}

/// The barcode Wallet shows for a pass (the first of `barcodes`, else `barcode`).
pub struct PassBarcode<'a> {
    /// `None` when the symbology cannot carry the message: show the message as text.
    pub symbol: Option<Symbol>,
    pub message: &'a str,
    pub alt_text: Option<&'a str>,
}

pub fn of_pass(pass: &PassJson) -> Option<PassBarcode<'_>> {
    let code = pass.barcodes.as_ref().and_then(|b| b.first()).or(pass.barcode.as_ref())?;
    let message = code.message.as_deref().unwrap_or_default();
    let symbol = code
        .format
        .as_deref()
        .and_then(Symbology::from_pass_format)
        .and_then(|symbology| encode(symbology, message, code.message_encoding.as_deref()));
    Some(PassBarcode { symbol, message, alt_text: code.alt_text.as_deref() })
}

/// The message's bytes as Wallet encodes them: `iso-8859-1` (Apple's default) when every
/// character fits it, else UTF-8.
fn message_bytes(message: &str, encoding: Option<&str>) -> Vec<u8> {
    let utf8 = encoding.is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "utf-8" | "utf8"));
    let latin1: Option<Vec<u8>> = message.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
    match latin1 {
        Some(bytes) if !utf8 => bytes,
        _ => message.as_bytes().to_vec(),
    }
}

/// The symbol for a message, or `None` when the symbology cannot carry it (Code 128 outside
/// ASCII, a message longer than any symbol holds).
pub fn encode(symbology: Symbology, message: &str, encoding: Option<&str>) -> Option<Symbol> {
    if message.is_empty() || message.len() > MAX_MESSAGE_BYTES {
        return None;
    }
    if symbology == Symbology::Qr {
        let code = qrcode::QrCode::new(message_bytes(message, encoding)).ok()?;
        let width = u32::try_from(code.width()).ok()?;
        let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
        return Some(Symbol { symbology, width, height: width, dark });
    }
    let charset = match message_bytes(message, encoding).len() == message.chars().count() {
        true => "ISO-8859-1",
        false => "UTF-8",
    };
    let hints = EncodeHints { Margin: Some("0".into()), CharacterSet: Some(charset.into()), ..Default::default() };
    let matrix = match symbology {
        Symbology::Pdf417 => {
            rxing::pdf417::PDF417Writer.encode_with_hints(message, &BarcodeFormat::PDF_417, 1, 0, &hints)
        }
        Symbology::Aztec => rxing::aztec::AztecWriter.encode_with_hints(message, &BarcodeFormat::AZTEC, 0, 0, &hints),
        Symbology::Code128 if message.is_ascii() => rxing::oned::Code128Writer.encode_with_hints(
            message,
            &BarcodeFormat::CODE_128,
            0,
            0,
            &EncodeHints { Margin: Some("0".into()), ..Default::default() },
        ),
        _ => return None,
    }
    .ok()?;
    let (width, height) = (matrix.getWidth(), matrix.getHeight());
    let dark = (0..height).flat_map(|y| (0..width).map(move |x| (x, y))).map(|(x, y)| matrix.get(x, y)).collect();
    Some(Symbol { symbology, width, height, dark })
}

fn row_height(symbol: &Symbol) -> u32 {
    if symbol.height == 1 { (symbol.width / 4).max(20) } else { 1 }
}

/// The SVG's width and height in modules.
pub fn svg_size(symbol: &Symbol) -> (u32, u32) {
    let quiet = symbol.symbology.quiet_zone();
    (symbol.width + 2 * quiet, symbol.height * row_height(symbol) + 2 * quiet)
}

/// The symbol as SVG in module units, its quiet zone included, dark modules as one path.
/// A linear code (one row) is drawn as bars a quarter of its width tall.
pub fn svg(symbol: &Symbol, class: &str) -> String {
    let quiet = symbol.symbology.quiet_zone();
    let row_height = row_height(symbol);
    let (width, height) = svg_size(symbol);
    let mut path = String::new();
    for y in 0..symbol.height {
        let mut x = 0;
        while x < symbol.width {
            if !symbol.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < symbol.width && symbol.is_dark(x, y) {
                x += 1;
            }
            path.push_str(&format!(
                "M{} {}h{}v{row_height}h-{}z",
                start + quiet,
                y * row_height + quiet,
                x - start,
                x - start
            ));
        }
    }
    format!(
        "<svg class=\"{class}\" role=\"img\" aria-label=\"{name}\" viewBox=\"0 0 {width} {height}\" \
shape-rendering=\"crispEdges\"><rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>\
<path fill=\"#000\" d=\"{path}\"/></svg>",
        name = symbol.symbology.name(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_encoded_as_the_pass_says() {
        assert_eq!(message_bytes("Grüße", None), b"Gr\xfc\xdfe");
        assert_eq!(message_bytes("Grüße", Some("iso-8859-1")), b"Gr\xfc\xdfe");
        assert_eq!(message_bytes("Grüße", Some("UTF-8")), "Grüße".as_bytes());
        assert_eq!(message_bytes("€5", Some("iso-8859-1")), "€5".as_bytes());
    }

    #[test]
    fn every_wallet_symbology_draws_and_code_128_refuses_what_it_cannot_carry() {
        for symbology in [Symbology::Qr, Symbology::Pdf417, Symbology::Aztec, Symbology::Code128] {
            let symbol = encode(symbology, "TICKET-12345", Some("iso-8859-1")).unwrap();
            assert!(symbol.dark.iter().any(|d| *d) && symbol.dark.iter().any(|d| !*d), "{symbology:?}");
            assert_eq!(symbol.dark.len(), (symbol.width * symbol.height) as usize);
        }
        assert_eq!(encode(Symbology::Code128, "Grüße", None), None);
        assert_eq!(encode(Symbology::Aztec, "", None), None);
        assert_eq!(encode(Symbology::Qr, &"x".repeat(MAX_MESSAGE_BYTES + 1), None), None);
    }

    #[test]
    fn the_svg_has_one_bar_per_run_of_dark_modules() {
        let symbol = Symbol {
            symbology: Symbology::Code128,
            width: 6,
            height: 1,
            dark: vec![true, true, false, true, false, false],
        };
        let drawn = svg(&symbol, "linear");
        assert!(drawn.contains("viewBox=\"0 0 26 40\""), "{drawn}");
        assert!(drawn.contains("d=\"M10 10h2v20h-2zM13 10h1v20h-1z\""), "{drawn}");
        assert!(drawn.contains("aria-label=\"Code 128 barcode\""), "{drawn}");
    }
}
