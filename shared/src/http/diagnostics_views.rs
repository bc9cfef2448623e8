//! The answer of `GET /v1/pass/{id}/diagnostics` (see `service::diagnostics`).

use serde_json::{Map, Value, json};

use crate::model::date::format_millis;
use crate::model::trail::{TRAIL_MAX_EVENTS, TRAIL_RETENTION_MS, TrailEntry};
use crate::service::diagnostics::{DeviceTrail, PassDiagnostics, Validation};
use crate::service::update_funnel::Funnel;

/// An event as stored (`{"event": "pushed", ...}`) with its time first.
fn event(entry: &TrailEntry) -> Value {
    let mut map = Map::new();
    map.insert("at".into(), json!(format_millis(entry.at)));
    if let Value::Object(fields) = serde_json::to_value(&entry.event).unwrap_or_default() {
        map.extend(fields);
    }
    if let Some(since) = map.get("since").and_then(Value::as_i64) {
        map.insert("since".into(), json!(format_millis(since)));
    }
    Value::Object(map)
}

fn funnel(funnel: &Funnel) -> Value {
    json!({
        "stage": funnel.stage.as_str(),
        "pushedAt": funnel.pushed.map(|p| format_millis(p.at)),
        "pushAnswer": funnel.pushed.map(|p| p.answer),
        "listedAt": funnel.listed_at.map(format_millis),
        "fetchedAt": funnel.fetched.map(|f| format_millis(f.at)),
        "fetchStatus": funnel.fetched.map(|f| f.status),
    })
}

fn device(trail: &DeviceTrail) -> Value {
    let registration = &trail.registration;
    json!({
        "deviceLibraryIdentifier": registration.device_library_id,
        "platform": registration.platform.as_str(),
        "registeredAt": format_millis(registration.created_at),
        "funnel": funnel(&trail.funnel),
        "events": trail.events.iter().map(event).collect::<Vec<_>>(),
    })
}

fn validation(validation: &Validation) -> Value {
    match validation {
        Validation::Diagnosed(diagnosis) => {
            let (errors, warnings) = diagnosis.counts();
            json!({"errors": errors, "warnings": warnings, "findings": diagnosis.findings})
        }
        Validation::NotBuilt(reason) => json!({"errors": 1, "warnings": 0, "notBuilt": reason}),
    }
}

pub fn diagnostics(d: &PassDiagnostics) -> Value {
    let mut out = json!({
        "passId": d.pass.id,
        "serialNumber": d.pass.serial_number,
        "passTypeIdentifier": d.pass.pass_type_id,
        "changedAt": format_millis(d.changed_at),
        "devices": d.devices.iter().map(device).collect::<Vec<_>>(),
        "devicesNotShown": d.devices_not_shown,
        "events": d.events.iter().map(event).collect::<Vec<_>>(),
        "retention": {"days": TRAIL_RETENTION_MS / 86_400_000, "eventsPerTrail": TRAIL_MAX_EVENTS},
    });
    if let Some(v) = &d.validation {
        out["validation"] = validation(v);
    }
    if let Some(sync) = &d.google_sync {
        out["googleSync"] = serde_json::to_value(sync).unwrap_or_default();
    }
    out
}
