//! Passes as PassEntry's API answers for them: `{"data": {"id", "type": "pass",
//! "attributes"}}`, ids as UUIDs, statuses issued/active/removed/deactivated.

use serde_json::{Map, Value, json};

use crate::model::Rgb;
use crate::model::date::format_millis;
use crate::model::records::{InstallStatus, Platform, TemplateContent};
use crate::service::passentry::{NotificationStatus, pass_uuid, template_uuid};
use crate::service::passes::{PassRecord, is_voided, pass_status};
use crate::service::render::merged;

/// What a caller asked to see (`includePassDesign`, `includeLocations`, `includeBeacons`),
/// and the pass source it asked for.
#[derive(Debug, Default)]
pub struct Include {
    pub design: bool,
    pub locations: bool,
    pub beacons: bool,
    /// `passSource=apple`: the signed .pkpass.
    pub pkpass: Option<Vec<u8>>,
    /// `passSource=google`: the save link.
    pub google: Option<String>,
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The pass's design: its colours (as hex) and its images' URLs.
fn design(record: &PassRecord, template: &TemplateContent) -> Value {
    let content = &record.pass.content;
    let headers = merged(&template.headers, &content.headers);
    let color = |name: &str| {
        text(headers.get(name).and_then(|h| h.value.as_ref())).and_then(|c| Rgb::parse(&c)).map(Rgb::to_hex)
    };
    let image = |header: &str| content.image_urls.get(header).or(template.image_urls.get(header)).cloned();
    json!({
        "backgroundColor": color("background_color"),
        "labelColor": color("label_color"),
        "textColor": color("foreground_color"),
        "bannerUrl": image("strip_image"),
        "logoUrl": image("logo_image"),
    })
}

/// Whether the pass has a design of its own (an override).
fn overridden(record: &PassRecord) -> bool {
    let content = &record.pass.content;
    ["background_color", "label_color", "foreground_color"].iter().any(|h| content.headers.contains_key(*h))
        || !content.image_blobs.is_empty()
        || !content.image_urls.is_empty()
}

pub fn pass(base: &str, record: &PassRecord, now: i64, include: &Include) -> Value {
    let p = &record.pass;
    let content = &p.content;
    let no_template = TemplateContent::default();
    let template = record.template.as_ref().map_or(&no_template, |t| &t.content);
    let mut attributes = Map::new();
    let download = match (&record.link, &content.google_save_url) {
        (Some(link), _) => Some(format!("{base}/v1/download/pass/{}", link.token)),
        (None, Some(save)) => Some(save.clone()),
        (None, None) => None,
    };
    attributes.insert("downloadUrl".into(), json!(download));
    attributes.insert("passType".into(), json!(template.style));
    attributes.insert("createdAt".into(), json!(format_millis(p.created_at)));
    attributes.insert("status".into(), json!(pass_status(record, now).as_str()));
    attributes.insert("extId".into(), json!(p.external_id));
    attributes.insert("groupTag".into(), json!(p.tags.first()));
    attributes.insert("passTemplateUuid".into(), json!(template_uuid(p.template_id)));
    attributes.insert("passTemplateName".into(), json!(record.template.as_ref().map(|t| &t.name)));
    let nfc = content.nfc_enabled.then(|| content.nfc_message.clone().unwrap_or_else(|| p.serial_number.clone()));
    attributes.insert("nfc".into(), json!(nfc));
    let data: Map<String, Value> = merged(&template.fields, &content.fields)
        .into_iter()
        .map(|(name, spec)| (name, spec.value.unwrap_or(Value::Null)))
        .collect();
    attributes.insert("passContent".into(), Value::Object(data));
    if let Some(at) = p.installation.installed_at {
        attributes.insert("addedAt".into(), json!(format_millis(at)));
    }
    if p.installation.status == InstallStatus::Uninstalled
        && let Some(at) = p.installation.uninstalled_at
    {
        attributes.insert("removedAt".into(), json!(format_millis(at)));
    }
    if let Some(platform) = p.installation.platform {
        let device = match platform {
            Platform::Ios => "iphone",
            Platform::Android => "android",
        };
        attributes.insert("deviceType".into(), json!(device));
    }
    if let Some(at) = content.deactivated_at.filter(|_| is_voided(record)) {
        attributes.insert("deactivatedAt".into(), json!(format_millis(at)));
    }
    let headers = merged(&template.headers, &content.headers);
    let expiration = text(headers.get("expirationDate").and_then(|h| h.value.as_ref()));
    attributes.insert("expirationDate".into(), json!(expiration));
    if let Some(message) = &content.message {
        attributes.insert("lastMessage".into(), json!(message));
    }
    if include.locations {
        let locations = content.locations.as_ref().unwrap_or(&template.locations);
        attributes.insert("locations".into(), json!(locations));
    }
    if include.beacons {
        let beacons = content.beacons.as_ref().unwrap_or(&template.beacons);
        let shown: Vec<Value> = beacons
            .iter()
            .map(|b| {
                json!({"name": b.extra.get("name"), "uuid": b.uuid, "major": b.major, "minor": b.minor,
                       "message": b.relevant_text})
            })
            .collect();
        attributes.insert("beacons".into(), Value::Array(shown));
    }
    if include.design || overridden(record) {
        attributes.insert("passDesign".into(), design(record, template));
    }
    if let Some(bytes) = &include.pkpass {
        use base64::Engine;
        attributes
            .insert("passSource".into(), json!({"apple": base64::engine::general_purpose::STANDARD.encode(bytes)}));
    }
    if let Some(save) = &include.google {
        attributes.insert("passSource".into(), json!({"google": save}));
    }
    json!({"id": pass_uuid(p.id), "type": "pass", "attributes": attributes})
}

/// `meta.notifications`, as PassEntry's update answers it.
pub fn notification_meta(status: &NotificationStatus) -> Value {
    let (state, message) = match status {
        NotificationStatus::Queued { devices } => ("queued", format!("the notification goes to {devices} device(s)")),
        NotificationStatus::Google => ("queued", "Google Wallet shows the message on the pass".to_string()),
        NotificationStatus::NotDelivered(why) => ("notDelivered", why.to_string()),
    };
    json!({"notifications": {"status": state, "message": message}})
}

/// The `X-Notification-Status` header.
pub fn notification_header(status: &NotificationStatus) -> String {
    match status {
        NotificationStatus::Queued { devices } => format!("queued; devices={devices}"),
        NotificationStatus::Google => "queued; wallet=google".into(),
        NotificationStatus::NotDelivered(why) => format!("notDelivered; reason=\"{why}\""),
    }
}
