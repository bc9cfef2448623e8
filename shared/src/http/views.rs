//! The JSON the management API answers with, in Airship's shapes.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::model::FieldProblem;
use crate::model::date::format_millis;
use crate::model::google_modules::{Module, with_module_keys};
use crate::model::records::{
    AdaptiveLink, Audience, InstallStatus, LinkKind, PassContent, PublicLink, Template, TemplateContent, Vendor,
};
use crate::model::template::{FieldSpec, LocationSpec};
use crate::service::passes::{PassRecord, is_voided, pass_status};
use crate::service::projects::ProjectRecord;
use crate::service::render::merged;

/// A response body with the warnings its pass or template was accepted with, when any:
/// `"warnings": [{"field", "message"}]`, the same shape as a refusal's problems.
pub fn with_warnings(mut body: Value, warnings: &[FieldProblem]) -> Value {
    if !warnings.is_empty()
        && let Some(object) = body.as_object_mut()
    {
        let list = warnings.iter().map(|w| json!({"field": w.field, "message": w.message})).collect();
        object.insert("warnings".into(), Value::Array(list));
    }
    body
}

/// A template as Airship answers for it (`templateHeader`, `fieldsModel`, `beacons`,
/// `userlocations`), with Tessera's flat keys beside them (`id`, `headers`, `fields`, …).
pub fn template(t: &Template) -> Value {
    let content = &t.content;
    let mut headers = Map::new();
    for (name, spec) in &content.headers {
        headers.insert(name.clone(), header_json(name, spec));
    }
    add_image_headers(&mut headers, &content.image_blobs, &content.image_urls);
    let fields: Map<String, Value> = content.fields.iter().map(|(n, s)| (n.clone(), field_json(s))).collect();
    let model_fields = if t.vendor == Vendor::Google { in_modules(&content.fields) } else { fields.clone() };
    let mut view = json!({
        "templateHeader": template_header(t),
        "fieldsModel": {"headers": headers, "fields": model_fields},
        "userlocations": with_ids(&content.locations, &content.location_ids),
        "id": t.id,
        "uuid": crate::service::passentry::template_uuid(t.id),
        "projectId": t.project_id,
        "externalId": t.external_id,
        "name": t.name,
        "description": content.description,
        "vendor": t.vendor.as_str(),
        "type": content.style,
        "passTypeIdentifier": t.pass_type_id,
        "organizationName": content.organization_name,
        "headers": headers,
        "fields": fields,
        "locations": with_ids(&content.locations, &content.location_ids),
        "beacons": content.beacons,
        "semantics": content.semantics,
        "personalization": content.personalization,
        "version": t.version,
        "createdAt": format_millis(t.created_at),
        "updatedAt": format_millis(t.updated_at),
    });
    // The newest keys appear only on the templates that use them.
    let newest = [
        ("preferredStyleSchemes", content.preferred_style_schemes.clone()),
        ("relevantDates", content.relevant_dates.clone()),
        ("upcomingPassInformation", content.upcoming_pass_information.clone()),
        ("localizations", Some(json!(content.localizations)).filter(|_| !content.localizations.is_empty())),
    ];
    if let Some(object) = view.as_object_mut() {
        for (key, value) in newest {
            if let Some(value) = value {
                object.insert(key.into(), value);
            }
        }
    }
    view
}

/// Airship's display name of a template's type (`Event Ticket`; Google's store cards are
/// `Loyalty` or `Gift Card`).
fn type_name(t: &Template) -> Option<&'static str> {
    let google = t.vendor == Vendor::Google;
    Some(match t.content.style.as_deref()? {
        "boardingPass" => "Boarding Pass",
        "coupon" if google => "Offer",
        "coupon" => "Coupon",
        "eventTicket" => "Event Ticket",
        "generic" => "Generic",
        "storeCard" if google && t.content.project_type.as_deref() == Some("giftCard") => "Gift Card",
        "storeCard" if google => "Loyalty",
        "storeCard" => "Store Card",
        _ => return None,
    })
}

/// Airship's kind of pass for a template: as given, else what its style makes.
fn project_type(t: &Template) -> Option<String> {
    let derived = match t.content.style.as_deref()? {
        "storeCard" => "loyalty",
        other => other,
    };
    t.content.project_type.clone().or_else(|| Some(derived.to_string()))
}

/// A template's summary in Airship's `templateHeader` shape.
pub fn template_header(t: &Template) -> Value {
    let (vendor, vendor_id) = match t.vendor {
        Vendor::Apple => ("Apple", 1),
        Vendor::Google => ("Google", 2),
    };
    json!({
        "id": t.id,
        "uuid": crate::service::passentry::template_uuid(t.id),
        "projectId": t.project_id,
        "externalId": t.external_id,
        "vendor": vendor,
        "vendorId": vendor_id,
        "type": type_name(t),
        "projectType": project_type(t),
        "name": t.name,
        "description": t.content.description,
        "deleted": false,
        "disabled": false,
        "createdAt": format_millis(t.created_at),
        "updatedAt": format_millis(t.updated_at),
    })
}

/// A project with its templates' headers.
pub fn project(record: &ProjectRecord) -> Value {
    let p = &record.project;
    json!({
        "id": p.id,
        "externalId": p.external_id,
        "name": p.name,
        "projectType": p.project_type,
        "description": p.content.description,
        "settings": p.content.settings.clone().unwrap_or_default(),
        "passTypeIdentifier": p.pass_type_id,
        "templates": record.templates.iter().map(template_header).collect::<Vec<_>>(),
        "createdAt": format_millis(p.created_at),
        "updatedAt": format_millis(p.updated_at),
    })
}

/// Locations with their ids (`id`), in order.
fn with_ids(locations: &[LocationSpec], ids: &[u64]) -> Value {
    let located = locations.iter().enumerate().map(|(i, l)| {
        let mut v = serde_json::to_value(l).unwrap_or_else(|_| json!({}));
        if let (Some(id), Some(obj)) = (ids.get(i), v.as_object_mut()) {
            obj.insert("id".into(), json!(id));
        }
        v
    });
    Value::Array(located.collect())
}

/// A Google template's fields as Airship's `fieldsModel` nests them: module → name → field,
/// and `offerModule` → the offer's properties; fields in Wallet's groups stay by name.
fn in_modules(fields: &BTreeMap<String, FieldSpec>) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, spec) in fields {
        match Module::of(spec) {
            Some(Module::Offer) => {
                out.insert(Module::Offer.name().into(), field_json(spec));
            }
            Some(module) => {
                let group = out.entry(module.name()).or_insert_with(|| json!({}));
                group[name.as_str()] = field_json(spec);
            }
            None => {
                out.insert(name.clone(), field_json(spec));
            }
        }
    }
    out
}

/// A field as Airship shows it: what was given, and the defaults of what was not; a Google
/// module's field with the module's own keys for its label and value.
fn field_json(spec: &FieldSpec) -> Value {
    let mut value = serde_json::to_value(spec).unwrap_or_else(|_| json!({}));
    if let Some(module) = Module::of(spec) {
        if let Some(map) = value.as_object_mut() {
            if module != Module::Offer {
                for (key, default) in
                    [("formatType", json!("String")), ("label", json!("")), ("hideEmpty", json!(false))]
                {
                    map.entry(key).or_insert(default);
                }
                map.entry("ignoresTimeZone").or_insert(Value::Null);
            }
            with_module_keys(module, map);
        }
        return value;
    }
    if let Some(map) = value.as_object_mut() {
        for (key, default) in [
            ("formatType", json!("String")),
            ("changeMessage", Value::Null),
            ("label", json!("")),
            ("required", json!(false)),
            ("hideEmpty", json!(false)),
        ] {
            map.entry(key).or_insert(default);
        }
    }
    value
}

/// What kind of header a header is, as Airship types them.
fn header_type(name: &str) -> &'static str {
    if name.starts_with("barcode") {
        "barcode"
    } else if crate::service::render::image_file(name).is_some() {
        "image"
    } else {
        "topLevel"
    }
}

fn header_json(name: &str, spec: &FieldSpec) -> Value {
    let mut value = field_json(spec);
    if let Some(map) = value.as_object_mut() {
        map.entry("fieldType").or_insert_with(|| json!(header_type(name)));
    }
    value
}

/// Image headers: where a fetched image came from, or the stored file's name.
fn add_image_headers(
    headers: &mut Map<String, Value>,
    blobs: &BTreeMap<String, String>,
    urls: &BTreeMap<String, String>,
) {
    for (name, key) in blobs {
        let value = urls.get(name).map(String::as_str).unwrap_or_else(|| key.rsplit('/').next().unwrap_or(key));
        let spec = FieldSpec { value: Some(json!(value)), ..FieldSpec::default() };
        headers.insert(name.clone(), header_json(name, &spec));
    }
}

pub fn public_url(base: &str, link: &PublicLink) -> Value {
    json!({
        "path": format!("{base}/v1/download/pass/{}", link.token),
        "type": match link.kind { LinkKind::Single => "single", LinkKind::Multiple => "multiple" },
        "used": link.used,
        "installs": link.installs,
    })
}

/// PassEntry's extras a caller asks for with query flags.
#[derive(Debug, Default)]
pub struct PassExtras {
    /// `includePassDesign=true`: the colors and logo text in effect.
    pub design: bool,
    /// `passSource=apple`: the signed .pkpass, inline.
    pub pkpass: Option<Vec<u8>>,
    /// `passSource=google`: the save link.
    pub google: Option<String>,
}

/// A pass in full: identifiers, status, and its headers and fields merged with the template's.
pub fn pass(base: &str, record: &PassRecord, now: i64, extras: &PassExtras) -> Value {
    let mut out = pass_summary(base, record, now);
    let content = &record.pass.content;
    let no_template = TemplateContent::default();
    let template = record.template.as_ref().map_or(&no_template, |t| &t.content);
    let mut headers: Map<String, Value> =
        merged(&template.headers, &content.headers).iter().map(|(n, s)| (n.clone(), header_json(n, s))).collect();
    add_image_headers(&mut headers, &template.image_blobs, &template.image_urls);
    add_image_headers(&mut headers, &content.image_blobs, &BTreeMap::new());
    add_image_headers(&mut headers, &content.image_urls, &content.image_urls);
    let fields: Map<String, Value> =
        merged(&template.fields, &content.fields).iter().map(|(n, s)| (n.clone(), field_json(s))).collect();
    let Some(map) = out.as_object_mut() else { return out };
    map.insert("headers".into(), Value::Object(headers));
    map.insert("fields".into(), Value::Object(fields));
    // The pass's own locations, or its template's, each with its id.
    let locations = match &content.locations {
        Some(own) => with_ids(own, &content.location_ids),
        None => with_ids(&template.locations, &template.location_ids),
    };
    map.insert("locations".into(), locations);
    map.insert(
        "beacons".into(),
        serde_json::to_value(content.beacons.as_ref().unwrap_or(&template.beacons)).unwrap_or_default(),
    );
    if extras.design {
        let header = |name: &str| {
            content
                .headers
                .get(name)
                .and_then(|h| h.value.clone())
                .or_else(|| template.headers.get(name).and_then(|h| h.value.clone()))
        };
        map.insert(
            "passDesign".into(),
            json!({
                "backgroundColor": header("background_color"),
                "foregroundColor": header("foreground_color"),
                "labelColor": header("label_color"),
                "logoText": header("logo_text"),
            }),
        );
    }
    if let Some(bytes) = &extras.pkpass {
        use base64::Engine;
        map.insert("passSource".into(), json!({"apple": base64::engine::general_purpose::STANDARD.encode(bytes)}));
    }
    if let Some(save_url) = &extras.google {
        map.insert("passSource".into(), json!({"google": save_url}));
    }
    out
}

/// A pass as list endpoints show it.
pub fn pass_summary(base: &str, record: &PassRecord, now: i64) -> Value {
    let p = &record.pass;
    let content: &PassContent = &p.content;
    let mut out = json!({
        "id": p.id,
        "uuid": crate::service::passentry::pass_uuid(p.id),
        "templateId": p.template_id,
        "serialNumber": p.serial_number,
        "url": format!("{base}/v1/pass/{}/download", p.id),
        "createdAt": format_millis(p.created_at),
        "updatedAt": format_millis(p.updated_at),
        "status": p.installation.status.as_str(),
        "passStatus": pass_status(record, now).as_str(),
        "tags": p.tags,
    });
    let Some(map) = out.as_object_mut() else { return out };
    if let Some(at) = content.deactivated_at {
        map.insert("deactivatedAt".into(), json!(format_millis(at)));
    }
    if is_voided(record) {
        map.insert("voided".into(), json!(true));
    }
    if let Some(info) = &content.personalization_info {
        map.insert("personalization".into(), info.clone());
    }
    if let Some(message) = &content.message {
        map.insert("lastMessage".into(), json!(message));
    }
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
    if let Some(save_url) = &content.google_save_url {
        // Google's save link: whoever opens it first holds the pass.
        map.insert("publicUrl".into(), json!({"path": save_url, "type": "single", "used": false, "installs": 0}));
        map.insert("vendor".into(), json!("google"));
    }
    if let Some(sync) = &record.google_sync {
        map.insert("googleSync".into(), serde_json::to_value(sync).unwrap_or_default());
    }
    out
}

/// An adaptive link as its create call answers it.
pub fn adaptive_link(base: &str, link: &AdaptiveLink) -> Value {
    let url = format!("{base}/v1/pass/adaptive/{}", link.id);
    json!({
        "adaptiveLinkId": link.id,
        "url": url,
        "iosUrl": link.apple_template_id.map(|_| format!("{url}/ios")),
        "androidUrl": link.google_template_id.map(|_| format!("{url}/android")),
        "iosTemplateId": link.apple_template_id,
        "androidTemplateId": link.google_template_id,
        "landingPageUrl": link.payload.get("landingPageUrl"),
        "payload": link.payload.get("payload"),
        "maxPasses": crate::service::adaptive::max_passes(link),
        "passesMade": link.passes_made,
    })
}

/// An audience as the API writes it (`{"tag": name}`, `{"segmentId": id}`, …), with the kind
/// of bulk update aimed at it.
pub fn audience(audience: &Audience) -> (&'static str, Value) {
    match audience {
        Audience::Tag(tag) => ("tagUpdate", json!({"tag": tag})),
        Audience::Segment(id) => ("segmentUpdate", json!({"segmentId": id})),
        Audience::Template(id) => ("templateUpdate", json!({"templateId": id})),
        Audience::Pass(id) => ("passUpdate", json!({"passId": id})),
        Audience::ExternalId(external_id) => ("externalIdUpdate", json!({"externalId": external_id})),
    }
}
