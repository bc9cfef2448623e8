//! pass.strings files (a .pkpass's localizations), and writing back what was read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::pkpass::strings::{parse_strings, write_strings};

fuzz_target!(|data: &[u8]| {
    if let Ok(strings) = parse_strings(data) {
        let written = write_strings(&strings);
        assert_eq!(parse_strings(&written).as_ref(), Ok(&strings), "what is written reads back the same");
    }
});
