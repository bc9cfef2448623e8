//! Classes and objects held to Google's own description of the walletobjects API: the
//! discovery document that google-api-python-client ships (infra/test.sh installs it and
//! names it in `TESSERA_WALLETOBJECTS_DISCOVERY`). Google answers 400 to a key it does not
//! define or an enum value it does not list; so does the fake, by this check.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::{Map, Value};

const DOCUMENT: &str = "googleapiclient/discovery_cache/documents/walletobjects.v1.json";

fn find_document() -> PathBuf {
    if let Some(path) = std::env::var_os("TESSERA_WALLETOBJECTS_DISCOVERY") {
        return PathBuf::from(path);
    }
    let lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/lib");
    let found = std::fs::read_dir(&lib).ok().into_iter().flatten().flatten().find_map(|python| {
        let candidate = python.path().join("site-packages").join(DOCUMENT);
        candidate.exists().then_some(candidate)
    });
    found.unwrap_or_else(|| {
        panic!(
            "Google's walletobjects discovery document was not found: run the tests with infra/test.sh (it installs \
             google-api-python-client into .venv), or set TESSERA_WALLETOBJECTS_DISCOVERY to {DOCUMENT}"
        )
    })
}

/// The `schemas` of the discovery document.
fn schemas() -> &'static Map<String, Value> {
    static SCHEMAS: OnceLock<Map<String, Value>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let path = find_document();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let document: Value = serde_json::from_str(&text).expect("the discovery document is JSON");
        document["schemas"].as_object().cloned().expect("the discovery document has schemas")
    })
}

/// The schema of a REST resource or save-link payload key: `eventTicketObject` and
/// `eventTicketObjects` → `EventTicketObject`.
pub fn schema_name(resource: &str) -> String {
    let singular = match resource.strip_suffix("Classes") {
        Some(kind) => format!("{kind}Class"),
        None => resource.strip_suffix("Objects").map_or_else(|| resource.to_string(), |kind| format!("{kind}Object")),
    };
    let mut chars = singular.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// Every way `value` breaks the schema named `schema`, with its path.
pub fn problems(schema: &str, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match schemas().get(schema) {
        Some(found) => check(found, value, schema, &mut out),
        None => out.push(format!("{schema}: no such schema in walletobjects v1")),
    }
    out
}

fn check(schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(name) = schema["$ref"].as_str() {
        match schemas().get(name) {
            Some(found) => check(found, value, path, out),
            None => out.push(format!("{path}: unknown schema {name}")),
        }
        return;
    }
    let kind = schema["type"].as_str().unwrap_or("any");
    let fits = match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        // int64 values travel as strings; Google takes numbers too.
        "integer" => value.is_i64() || value.is_u64() || value.as_str().is_some_and(|s| s.parse::<i64>().is_ok()),
        "string" if schema["format"].as_str().is_some_and(|f| f.ends_with("int64")) => {
            value.is_string() || value.is_i64() || value.is_u64()
        }
        "string" => value.is_string(),
        _ => true,
    };
    if !fits {
        out.push(format!("{path}: {value} is not of type {kind}"));
        return;
    }
    if let (Some(allowed), Some(given)) = (schema["enum"].as_array(), value.as_str())
        && !allowed.iter().any(|a| a == given)
    {
        out.push(format!("{path}: {given:?} is not one of its values"));
    }
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let inner_path = format!("{path}.{key}");
                match schema["properties"].get(key).or(schema.get("additionalProperties")) {
                    Some(inner_schema) => check(inner_schema, inner, &inner_path, out),
                    None => out.push(format!("{inner_path}: not a field Google defines")),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check(&schema["items"], item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Every class and object in a save link's payload, held to the description.
pub fn payload_problems(payload: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, items) in payload.as_object().into_iter().flatten() {
        for item in items.as_array().into_iter().flatten() {
            out.extend(problems(&schema_name(key), item));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{problems, schema_name};

    #[test]
    fn unknown_keys_and_enum_values_are_problems() {
        assert_eq!(schema_name("offerClasses"), "OfferClass");
        assert_eq!(schema_name("eventTicketClass"), "EventTicketClass");
        assert_eq!(schema_name("loyaltyObjects"), "LoyaltyObject");
        let good = json!({"id": "1.a", "classId": "1.c", "state": "ACTIVE", "barcode": {"type": "QR_CODE"}});
        assert_eq!(problems("GenericObject", &good), Vec::<String>::new());
        let bad = json!({"id": "1.a", "state": "SHINY", "seatInfo": {}, "textModulesData": [{"title": "x"}]});
        let found = problems("GenericObject", &bad);
        assert!(found.iter().any(|p| p.contains("GenericObject.state")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("GenericObject.seatInfo")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("textModulesData[0].title")), "{found:?}");
    }
}
