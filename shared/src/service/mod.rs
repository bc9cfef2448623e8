//! The use cases, written against the ports only.

pub mod adaptive;
pub mod api_keys;
pub mod audiences;
pub mod bulk_updates;
pub mod callback_signature;
pub mod callbacks;
pub mod certificates;
pub mod context;
pub mod devices;
pub mod diagnostics;
pub mod doctor;
pub mod error;
pub mod google;
pub mod google_callbacks;
pub mod google_fields;
pub mod health;
pub mod identities;
pub mod images;
pub mod links;
pub mod pass_batch;
pub mod pass_push;
pub mod passentry;
pub mod passes;
pub mod preview;
pub mod projects;
pub mod push;
pub mod rate_limit;
pub mod render;
pub mod schedules;
pub mod segments;
pub mod stats;
pub mod tags;
pub mod template_parts;
pub mod template_request;
pub mod templates;
pub mod timers;
pub mod trail;
pub mod update_funnel;
pub mod wallet_log;

pub use context::{App, AppConfig};
pub use error::{FieldProblem, LinkRefusal, ServiceError};

/// External ids (of projects, templates and passes) are 1 to 255 characters.
pub fn check_external_id(field: &str, external_id: &str) -> Result<(), ServiceError> {
    if external_id.is_empty() || external_id.len() > 255 || external_id.chars().any(char::is_control) {
        return Err(ServiceError::invalid(field, "must be 1 to 255 characters, none of them control characters"));
    }
    Ok(())
}

/// A display name (of a segment, a schedule, a certificate): trimmed, 1 to `max_chars`
/// characters, none of them control characters.
pub fn check_name(field: &str, name: &str, max_chars: usize) -> Result<String, ServiceError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > max_chars || name.chars().any(char::is_control) {
        return Err(ServiceError::invalid(field, format!("must be 1 to {max_chars} printable characters")));
    }
    Ok(name.to_string())
}

/// An id given as a JSON number or a numeric string (Airship's clients send both).
pub fn number_or_text(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => crate::model::decimal::parse_decimal(s.trim()),
        _ => None,
    }
}
