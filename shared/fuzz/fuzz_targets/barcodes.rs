//! Barcode messages drawn for previews and pages, in each of Wallet's symbologies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::http::barcodes::{Symbology, encode, svg};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(message) = std::str::from_utf8(rest) else { return };
    let symbology = [Symbology::Qr, Symbology::Pdf417, Symbology::Aztec, Symbology::Code128][usize::from(selector % 4)];
    let encoding = if selector & 4 == 0 { Some("iso-8859-1") } else { Some("utf-8") };
    if let Some(symbol) = encode(symbology, message, encoding) {
        assert_eq!(symbol.dark.len(), (symbol.width * symbol.height) as usize);
        let _ = svg(&symbol, "fuzz");
    }
});
