//! PNG inspection, which every uploaded image goes through.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tessera::pkpass::png_inspect::inspect_png(data);
});
