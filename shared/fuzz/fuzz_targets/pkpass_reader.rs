//! The .pkpass (and .pkpasses) reader of `tessera doctor` and `POST /v1/doctor`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::pkpass::doctor::{DoctorOptions, diagnose_archive};

fuzz_target!(|data: &[u8]| {
    let _ = diagnose_archive("fuzzed.pkpass", data, &DoctorOptions { now: 1_790_000_000, wwdr: None });
});
