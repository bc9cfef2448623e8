//! Request bodies as the API reads them: the strict reader, then each dialect's request
//! types (Airship's templates and passes, PassEntry's passes).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = tessera::http::strict_json::parse(data) else { return };
    let _ = serde_json::from_value::<tessera::service::template_request::TemplateRequest>(value.clone());
    if let Ok(pass) = serde_json::from_value::<tessera::service::passes::PassRequest>(value.clone()) {
        let _ = tessera::service::passes::content_of(&pass);
    }
    let _ = serde_json::from_value::<tessera::service::passentry::request::PassEntryRequest>(value);
});
