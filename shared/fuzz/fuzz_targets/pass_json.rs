//! pass.json as Tessera reads it (the doctor, the preview): decoding, then Apple's rules.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(pass) = serde_json::from_slice::<tessera::model::PassJson>(data) {
        let _ = tessera::pkpass::validate_pass(&pass);
        let _ = pass.style();
    }
});
