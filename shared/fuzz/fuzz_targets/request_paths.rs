//! Request paths (the device protocol's parameters among them): routing and the path
//! parameters it binds, for every method.
#![no_main]

use lambda_http::http::Method;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else { return };
    for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::HEAD] {
        if let Ok((route, params)) = tessera::http::route_for(&method, path) {
            assert!(params.values().all(|v| !v.is_empty() && !v.contains('/')), "{} binds {params:?}", route.path);
        }
    }
});
