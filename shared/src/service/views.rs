//! The JSON the management API answers with, in Airship's shapes.

use serde_json::{Map, Value, json};

use super::error::ServiceError;
use super::passes::PassRecord;
use super::templates;
use crate::model::date::format_millis;
use crate::model::records::{InstallStatus, LinkKind, PublicLink, Template};
use crate::model::template::{FieldSpec, PassContent};

pub fn template(t: &Template) -> Result<Value, ServiceError> {
    let content = templates::content(t)?;
    let mut headers = Map::new();
    for (name, spec) in &content.headers {
        headers.insert(name.clone(), field_json(spec, Some("topLevel")));
    }
    for (name, key) in &content.image_blobs {
        headers.insert(name.clone(), json!({"value": key.rsplit('/').next().unwrap_or(key), "fieldType": "image"}));
    }
    let fields: Map<String, Value> = content.fields.iter().map(|(n, s)| (n.clone(), field_json(s, None))).collect();
    Ok(json!({
        "id": t.id,
        "name": t.name,
        "description": content.description,
        "vendor": t.vendor.as_str(),
        "type": content.style,
        "passTypeIdentifier": t.pass_type_id,
        "organizationName": content.organization_name,
        "headers": headers,
        "fields": fields,
        "locations": content.locations,
        "beacons": content.beacons,
        "semantics": content.semantics,
        "version": t.version,
        "createdAt": format_millis(t.created_at),
        "updatedAt": format_millis(t.updated_at),
    }))
}

fn field_json(spec: &FieldSpec, default_type: Option<&str>) -> Value {
    let mut value = serde_json::to_value(spec).unwrap_or_else(|_| json!({}));
    if let (Some(default), Some(map)) = (default_type, value.as_object_mut()) {
        map.entry("fieldType").or_insert_with(|| json!(default));
    }
    value
}

pub fn public_url(base: &str, link: &PublicLink) -> Value {
    json!({
        "path": format!("{base}/v1/download/pass/{}", link.token),
        "type": match link.kind { LinkKind::Single => "single", LinkKind::Multiple => "multiple" },
        "used": link.used,
        "installs": link.installs,
    })
}

/// A pass in full: identifiers, status, and its headers and fields merged with the template's.
pub fn pass(base: &str, record: &PassRecord) -> Result<Value, ServiceError> {
    let mut out = pass_summary(base, record);
    let content: PassContent =
        serde_json::from_value(record.pass.body.clone()).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let template = templates::content(&record.template)?;
    let merge = |template: &std::collections::BTreeMap<String, FieldSpec>,
                 pass: &std::collections::BTreeMap<String, FieldSpec>,
                 default: Option<&str>| {
        let mut map = Map::new();
        for (name, spec) in template {
            let mut merged = spec.clone();
            if let Some(o) = pass.get(name) {
                merged.value = o.value.clone().or(merged.value);
                merged.label = o.label.clone().or(merged.label);
                merged.change_message = o.change_message.clone().or(merged.change_message);
            }
            map.insert(name.clone(), field_json(&merged, default));
        }
        for (name, spec) in pass.iter().filter(|(n, _)| !template.contains_key(*n)) {
            map.insert(name.clone(), field_json(spec, default));
        }
        Value::Object(map)
    };
    let map = out.as_object_mut().ok_or_else(|| ServiceError::Internal("pass view".into()))?;
    map.insert("headers".into(), merge(&template.headers, &content.headers, Some("topLevel")));
    map.insert("fields".into(), merge(&template.fields, &content.fields, None));
    let locations = content.locations.as_ref().unwrap_or(&template.locations);
    let locations: Vec<Value> = locations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v = serde_json::to_value(l).unwrap_or_else(|_| json!({}));
            if let (Some(id), Some(obj)) = (content.location_ids.get(i), v.as_object_mut()) {
                obj.insert("id".into(), json!(id));
            }
            v
        })
        .collect();
    map.insert("locations".into(), Value::Array(locations));
    map.insert(
        "beacons".into(),
        serde_json::to_value(content.beacons.as_ref().unwrap_or(&template.beacons)).unwrap_or_default(),
    );
    Ok(out)
}

/// A pass as list endpoints show it.
pub fn pass_summary(base: &str, record: &PassRecord) -> Value {
    let p = &record.pass;
    let mut out = json!({
        "id": p.id,
        "templateId": p.template_id,
        "serialNumber": p.serial_number,
        "url": format!("{base}/v1/pass/{}/download", p.id),
        "createdAt": format_millis(p.created_at),
        "updatedAt": format_millis(p.updated_at),
        "status": p.installation.status.as_str(),
        "tags": p.tags,
    });
    let map = out.as_object_mut().expect("a JSON object literal");
    if let Some(ext) = &p.external_id {
        map.insert("externalId".into(), json!(ext));
    }
    if let Some(at) = p.installation.installed_at {
        map.insert("installedAt".into(), json!(format_millis(at)));
    }
    if p.installation.status == InstallStatus::Uninstalled
        && let Some(at) = p.installation.uninstalled_at
    {
        map.insert("uninstalledAt".into(), json!(format_millis(at)));
    }
    if let Some(platform) = p.installation.platform {
        map.insert("platform".into(), json!(platform.as_str()));
    }
    if let Some(link) = &record.link {
        map.insert("publicUrl".into(), public_url(base, link));
    }
    out
}
