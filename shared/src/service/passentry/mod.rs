//! PassEntry's pass API (seed 004), a second dialect over the same passes and use cases:
//! passes and templates are named by UUID (or external id), pass data is flat, beacons and
//! locations come in PassEntry's words with its limits, PATCH acts on them, and a push
//! message reports whether a notification goes out.

pub mod actions;
pub mod request;

use super::error::{FieldProblem, ServiceError};
use super::passes::{self, PassRecord, PassRequest, PublicUrlRequest};
use super::templates::{self, TemplateRef};
use crate::model::PassStyle;
use crate::model::public_ids::{IdKind, id_of, uuid_of};
use crate::model::records::{Template, Vendor};
use crate::model::template::PassContent;
use crate::pkpass::resize::{WalletImage, wallet_files};
use crate::service::App;
use actions::{Action, apply_beacons, apply_locations, merge_beacons, merge_locations};
pub use request::PassEntryRequest;
use request::{MAX_BEACONS, MAX_LOCATIONS, check_beacons, check_locations, field_overrides, wallet_color};

/// Whether a push message reaches devices, as PassEntry's `X-Notification-Status` says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationStatus {
    /// The change notification goes to this many Apple devices (by the push dispatcher).
    Queued { devices: usize },
    /// Google Wallet shows the message (written to Google with the pass).
    Google,
    /// Why nothing goes out.
    NotDelivered(&'static str),
}

/// A pass as PassEntry answers for it: the record, and what the call did.
pub struct Answer {
    pub record: PassRecord,
    /// The .pkpass this call signed, if any.
    pub pkpass: Option<Vec<u8>>,
    pub notification: Option<NotificationStatus>,
    /// What the pass was signed with but Apple advises against.
    pub warnings: Vec<FieldProblem>,
}

pub fn pass_uuid(id: u64) -> String {
    uuid_of(IdKind::Pass, id)
}

pub fn template_uuid(id: u64) -> String {
    uuid_of(IdKind::Template, id)
}

/// The template `passTemplate` names: its UUID, or its id or external id.
pub async fn find_template(app: &App, reference: &str) -> Result<Template, ServiceError> {
    if let Some(id) = id_of(IdKind::Template, reference) {
        return templates::get(app, id).await;
    }
    match crate::model::decimal::parse_decimal(reference) {
        Some(id) => templates::get(app, id).await,
        None => templates::find(app, &TemplateRef::External(reference.to_string())).await,
    }
}

/// The pass `{id}` names: its UUID, or its external id.
pub async fn find_pass(app: &App, reference: &str) -> Result<u64, ServiceError> {
    match id_of(IdKind::Pass, reference) {
        Some(id) => Ok(id),
        None => passes::id_by_external_id(app, reference).await,
    }
}

fn style_of(template: &Template) -> PassStyle {
    template.content.style.as_deref().and_then(PassStyle::from_key).unwrap_or(PassStyle::Generic)
}

/// The parts of a PassEntry body that every request shares, as an Airship-shaped request.
fn common_request(template: &Template, body: &PassEntryRequest, problems: &mut Vec<FieldProblem>) -> PassRequest {
    let mut request = PassRequest {
        message: body.message.clone(),
        expiration_date: body.expiration_date.clone(),
        nfc_enabled: body.nfc_enabled,
        action: body.action.clone(),
        ..PassRequest::default()
    };
    if let Some(data) = &body.pass {
        for (name, spec) in field_overrides(data, &template.content, problems) {
            request.fields.insert(name, Some(spec));
        }
        // PassEntry's newer place for nfcEnabled: `pass.nfc.enabled`.
        let enabled = data.get("nfc").and_then(|n| n.get("enabled")).and_then(serde_json::Value::as_bool);
        request.nfc_enabled = request.nfc_enabled.or(enabled);
    }
    if let Some(tag) = &body.group_tag {
        if tag.trim().is_empty() || tag.len() > 128 {
            problems.push(FieldProblem::new("groupTag", "must be 1 to 128 characters"));
        }
        request.tags = Some(vec![tag.clone()]);
    }
    if let Some(design) = design_of(body) {
        request.own_design = true;
        for (path, header, color) in [
            ("templateOverride.backgroundColor", "background_color", &design.background_color),
            ("templateOverride.labelColor", "label_color", &design.label_color),
            ("templateOverride.textColor", "foreground_color", &design.text_color),
        ] {
            if let Some(css) = color.as_deref().and_then(|c| wallet_color(path, c, problems)) {
                let spec = crate::model::template::FieldSpec { value: Some(css.into()), ..Default::default() };
                request.headers.insert(header.into(), Some(spec));
            }
        }
    }
    if let Some(beacons) = &body.beacons {
        check_beacons("beacons", beacons, problems);
    }
    if let Some(locations) = &body.locations {
        check_locations("locations", locations, style_of(template), problems);
    }
    request
}

/// The template override, at the top level or inside `pass` (PassEntry's newer place).
fn design_of(body: &PassEntryRequest) -> Option<request::TemplateOverride> {
    let nested = body.pass.as_ref().and_then(|p| p.get("templateOverride"));
    body.template_override.clone().or_else(|| nested.and_then(|v| serde_json::from_value(v.clone()).ok()))
}

/// The override's images: fetched (PNG or JPEG), made Wallet's sizes and PNG for Apple
/// passes; for Google passes the banner's URL, which Google fetches itself.
async fn override_images(
    app: &App,
    template: &Template,
    body: &PassEntryRequest,
    request: &mut PassRequest,
    problems: &mut Vec<FieldProblem>,
) {
    let Some(design) = design_of(body) else { return };
    let images = [
        ("bannerImage", &design.banner_image, WalletImage::Strip),
        ("logoImage", &design.logo_image, WalletImage::Logo),
        ("thumbnailImage", &design.thumbnail_image, WalletImage::Thumbnail),
    ];
    for (key, given, kind) in images {
        let Some(given) = given else { continue };
        let path = format!("templateOverride.{key}");
        let url = match given {
            serde_json::Value::String(url) => Some(url.clone()),
            serde_json::Value::Object(object) => object.get("url").and_then(|u| u.as_str()).map(str::to_string),
            _ => None,
        };
        let Some(url) = url else {
            problems.push(FieldProblem::new(path, "must be the image's URL"));
            continue;
        };
        if template.vendor == Vendor::Google {
            // Google shows the banner as the pass's hero image; its logo stays the template's.
            if kind == WalletImage::Strip {
                let spec = crate::model::template::FieldSpec { value: Some(url.into()), ..Default::default() };
                request.headers.insert(kind.header().into(), Some(spec));
            }
            continue;
        }
        let files = match app.images.fetch_image(&url).await {
            Ok(bytes) => wallet_files(&bytes, kind, style_of(template)),
            Err(reason) => Err(reason),
        };
        match files {
            Ok(files) => {
                request.prepared_images.extend(files);
                request.image_sources.insert(kind.header().into(), url);
            }
            Err(reason) => problems.push(FieldProblem::new(path, reason)),
        }
    }
}

/// Creates a pass of the template `passTemplate` names (with `extId`, if given). Every pass
/// gets a download URL.
pub async fn create(
    app: &App,
    template_ref: &str,
    ext_id: Option<String>,
    body: PassEntryRequest,
) -> Result<Answer, ServiceError> {
    let template = find_template(app, template_ref).await?;
    let mut problems = Vec::new();
    if body.action.is_some() {
        problems.push(FieldProblem::new("action", "only applies to updates"));
    }
    for (key, given) in [("beaconActions", &body.beacon_actions), ("locationActions", &body.location_actions)] {
        if given.is_some() {
            problems.push(FieldProblem::new(key, "only applies to PATCH"));
        }
    }
    let mut request = common_request(&template, &body, &mut problems);
    override_images(app, &template, &body, &mut request, &mut problems).await;
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    request.locations = body.locations.as_ref().map(|l| l.iter().map(|l| l.spec()).collect());
    request.beacons = body.beacons.as_ref().map(|b| b.iter().map(|b| b.spec()).collect());
    request.ext_id = ext_id;
    if template.vendor == Vendor::Apple {
        request.public_url = Some(PublicUrlRequest { kind: Some("multiple".into()) });
    }
    let nfc = request.nfc_enabled == Some(true);
    let issued = passes::create(app, template.id, request, None, None).await?;
    let mut record = issued.record;
    let mut pkpass = issued.pkpass;
    let mut warnings = issued.warnings;
    if nfc {
        // The UUID is known once the pass has its id: the NFC message follows in version 2.
        let id = record.pass.id;
        warnings = passes::apply_update_and(app, id, PassRequest::default(), |content, _| {
            content.nfc_message = Some(pass_uuid(id));
            Ok(())
        })
        .await?;
        record = passes::get(app, id).await?;
        pkpass = None;
    }
    answer(app, record, pkpass, &body, warnings).await
}

/// PUT (`patch` false: given beacons and locations replace the pass's) or PATCH (`patch`
/// true: they edit the ones they match and add the others; `beaconActions` and
/// `locationActions` act on them).
pub async fn update(app: &App, id: u64, body: PassEntryRequest, patch: bool) -> Result<Answer, ServiceError> {
    let (_, template) = passes::load(app, id).await?;
    let mut problems = Vec::new();
    let beacon_action = parse_action(&body.beacon_actions, "beaconActions", patch, &mut problems);
    let location_action = parse_action(&body.location_actions, "locationActions", patch, &mut problems);
    for (key, both) in [
        ("beaconActions", body.beacons.is_some() && beacon_action.is_some()),
        ("locationActions", body.locations.is_some() && location_action.is_some()),
    ] {
        if both {
            problems.push(FieldProblem::new(key, "one at a time: give the array or the action, not both"));
        }
    }
    if let Some(Action::Replace(beacons)) = &beacon_action {
        check_beacons("beaconActions.replace", beacons, &mut problems);
    }
    if let Some(Action::Replace(locations)) = &location_action {
        check_locations("locationActions.replace", locations, style_of(&template), &mut problems);
    }
    let mut request = common_request(&template, &body, &mut problems);
    override_images(app, &template, &body, &mut request, &mut problems).await;
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    if !patch {
        request.locations = body.locations.as_ref().map(|l| l.iter().map(|l| l.spec()).collect());
        request.beacons = body.beacons.as_ref().map(|b| b.iter().map(|b| b.spec()).collect());
    }
    let nfc = request.nfc_enabled;
    let warnings = passes::apply_update_and(app, id, request, |content, template| {
        if nfc == Some(true) {
            content.nfc_message = Some(pass_uuid(id));
        }
        if patch {
            edit_beacons(content, template, body.beacons.as_deref(), beacon_action.as_ref())?;
            edit_locations(content, template, body.locations.as_deref(), location_action.as_ref())?;
        }
        Ok(())
    })
    .await?;
    answer(app, passes::get(app, id).await?, None, &body, warnings).await
}

fn parse_action<T: serde::de::DeserializeOwned>(
    given: &Option<serde_json::Value>,
    path: &str,
    patch: bool,
    problems: &mut Vec<FieldProblem>,
) -> Option<Action<T>> {
    let given = given.as_ref()?;
    if !patch {
        problems.push(FieldProblem::new(path, "only applies to PATCH"));
        return None;
    }
    actions::parse(path, given, problems)
}

fn edit_beacons(
    content: &mut PassContent,
    template: &Template,
    given: Option<&[request::PassEntryBeacon]>,
    action: Option<&Action<request::PassEntryBeacon>>,
) -> Result<(), ServiceError> {
    let current = content.beacons.clone().unwrap_or_else(|| template.content.beacons.clone());
    let next = match (given, action) {
        (Some(given), _) => merge_beacons(&current, given),
        (None, Some(action)) => apply_beacons(&current, action)
            .map_err(|i| ServiceError::invalid(format!("beaconActions.delete[{i}]"), "is not a beacon of the pass"))?,
        (None, None) => return Ok(()),
    };
    if next.len() > MAX_BEACONS {
        return Err(ServiceError::invalid("beacons", format!("at most {MAX_BEACONS} beacons, found {}", next.len())));
    }
    content.beacons = Some(next);
    Ok(())
}

fn edit_locations(
    content: &mut PassContent,
    template: &Template,
    given: Option<&[request::PassEntryLocation]>,
    action: Option<&Action<request::PassEntryLocation>>,
) -> Result<(), ServiceError> {
    let own = content.locations.is_some();
    let current = content.locations.clone().unwrap_or_else(|| template.content.locations.clone());
    let ids = if own { content.location_ids.clone() } else { Vec::new() };
    let (next, ids) = match (given, action) {
        (Some(given), _) => (merge_locations(&current, given), ids),
        (None, Some(action)) => {
            let (next, kept) = apply_locations(&current, action).map_err(|i| {
                ServiceError::invalid(format!("locationActions.delete[{i}]"), "is not a location of the pass")
            })?;
            let ids = ids.into_iter().zip(kept).filter(|(_, keep)| *keep).map(|(id, _)| id).collect();
            (next, ids)
        }
        (None, None) => return Ok(()),
    };
    if next.len() > MAX_LOCATIONS {
        let found = next.len();
        return Err(ServiceError::invalid("locations", format!("at most {MAX_LOCATIONS} locations, found {found}")));
    }
    content.locations = Some(next);
    content.location_ids = ids;
    Ok(())
}

/// The answer to a create or update; a body with a message also says whether it reaches anyone.
async fn answer(
    app: &App,
    record: PassRecord,
    pkpass: Option<Vec<u8>>,
    body: &PassEntryRequest,
    warnings: Vec<FieldProblem>,
) -> Result<Answer, ServiceError> {
    let notification = match &body.message {
        Some(_) => Some(notification_status(app, &record).await?),
        None => None,
    };
    Ok(Answer { record, pkpass, notification, warnings })
}

/// Whether a message on this pass reaches anyone.
async fn notification_status(app: &App, record: &PassRecord) -> Result<NotificationStatus, ServiceError> {
    if record.template.as_ref().is_some_and(|t| t.vendor == Vendor::Google) {
        return Ok(NotificationStatus::Google);
    }
    if passes::is_voided(record) {
        return Ok(NotificationStatus::NotDelivered("the pass is deactivated"));
    }
    let devices = app.store.registrations_for_pass(record.pass.id).await?.len();
    Ok(match devices {
        0 => NotificationStatus::NotDelivered("the pass has not been added to a wallet"),
        devices => NotificationStatus::Queued { devices },
    })
}

/// Deletes a pass.
pub async fn delete(app: &App, id: u64) -> Result<(), ServiceError> {
    passes::delete(app, id).await
}
