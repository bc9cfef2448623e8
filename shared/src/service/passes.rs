//! Pass use cases: create (optionally with an external id), read, update, delete, list,
//! and the signed .pkpass, cached in Blobs per pass and template version.

use serde::Deserialize;
use serde_json::Value;

use std::collections::BTreeMap;

use std::sync::Arc;

use super::error::{FieldProblem, ServiceError};
use super::google_fields::absorb_pass_fields;
use super::images::{self, ImageInputs, take_image_headers};
use super::push::Change;
use super::render::{
    PassIdentity, check_pass_content, check_rendered, is_design_header, problems_from_issues, render, request_problems,
};
use super::templates;
use crate::model::date::parse_wallet_date;
use crate::model::records::*;
use crate::model::template::{BeaconSpec, FieldSpec, LocationSpec};
use crate::pkpass::{BuildError, PKPASS_MIME, PassAssets, build_pkpass_with_warnings};
use crate::service::App;

pub const MAX_TAGS: usize = 15;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicUrlRequest {
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// Overrides by name; on updates, `null` removes the pass's own override of that name.
pub type Overrides = BTreeMap<String, Option<FieldSpec>>;

/// The body of `POST /v1/pass/{templateId}` and `PUT /v1/pass/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PassRequest {
    #[serde(default)]
    pub headers: Overrides,
    #[serde(default)]
    pub fields: Overrides,
    pub locations: Option<Vec<LocationSpec>>,
    pub beacons: Option<Vec<BeaconSpec>>,
    pub semantics: Option<Value>,
    pub nfc: Option<Value>,
    pub preferred_style_schemes: Option<Value>,
    pub relevant_dates: Option<Value>,
    pub upcoming_pass_information: Option<Value>,
    pub tags: Option<Vec<String>>,
    #[serde(alias = "publicURL")]
    pub public_url: Option<PublicUrlRequest>,
    pub external_id: Option<String>,
    /// PassEntry's name for the external id.
    pub ext_id: Option<String>,
    pub template_id: Option<Value>,
    /// A push message: shown as a notification on devices that hold the pass.
    pub message: Option<String>,
    /// PassEntry's top-level expiration (ISO 8601): the pass counts as deactivated from then on.
    pub expiration_date: Option<String>,
    /// PassEntry's `nfcEnabled`: the serial number becomes the NFC message.
    pub nfc_enabled: Option<bool>,
    /// Updates only: `deactivate` or `reactivate`.
    pub action: Option<String>,
    /// Creates only: the serial number to give the pass instead of a new UUID (dynamic links
    /// take it from their `serialNumber` parameter).
    pub serial_number: Option<String>,
    /// Images already made Wallet's files (header → PNG), by a dialect that decodes them.
    #[serde(skip)]
    pub prepared_images: BTreeMap<String, Vec<u8>>,
    /// Where those images came from (header → URL), shown as the pass's design.
    #[serde(skip)]
    pub image_sources: BTreeMap<String, String>,
    /// PassEntry's template override: the pass keeps its template's design as it is now,
    /// so later template changes no longer reach it.
    #[serde(skip)]
    pub own_design: bool,
}

/// Copies the template's design into the pass where the pass has none of its own, and makes
/// the pass's design its own from now on.
fn keep_design(content: &mut PassContent, template: &TemplateContent) {
    content.own_design = true;
    for (name, spec) in template.headers.iter().filter(|(name, _)| is_design_header(name)) {
        content.headers.entry(name.clone()).or_insert_with(|| spec.clone());
    }
    for (name, key) in template.image_blobs.iter().filter(|(name, _)| is_design_header(name)) {
        content.image_blobs.entry(name.clone()).or_insert_with(|| key.clone());
    }
}

pub(crate) fn check_tags(tags: &[String]) -> Result<(), ServiceError> {
    if tags.len() > MAX_TAGS {
        return Err(ServiceError::invalid("tags", format!("at most {MAX_TAGS} tags, found {}", tags.len())));
    }
    if let Some(i) = tags.iter().position(|t| t.trim().is_empty() || t.len() > 128 || t.chars().any(char::is_control)) {
        return Err(ServiceError::invalid(
            format!("tags[{i}]"),
            "must be 1 to 128 characters, none of them control characters",
        ));
    }
    Ok(())
}

fn link_kind(request: &PassRequest) -> Result<Option<LinkKind>, ServiceError> {
    match request.public_url.as_ref().map(|p| p.kind.as_deref().unwrap_or("multiple").to_ascii_lowercase()) {
        None => Ok(None),
        Some(kind) if kind == "single" => Ok(Some(LinkKind::Single)),
        Some(kind) if kind == "multiple" => Ok(Some(LinkKind::Multiple)),
        Some(_) => Err(ServiceError::invalid("publicUrl.type", "must be single or multiple")),
    }
}

/// The overrides a request sets (`null` entries, which remove, are left out).
fn set_overrides(overrides: &Overrides) -> BTreeMap<String, FieldSpec> {
    overrides.iter().filter_map(|(name, spec)| Some((name.clone(), spec.clone()?))).collect()
}

/// Applies overrides to a pass's own: the keys given replace, the keys left out keep their
/// value, and `null` removes the pass's override of that name.
pub fn apply_overrides(own: &mut BTreeMap<String, FieldSpec>, overrides: Overrides) {
    for (name, spec) in overrides {
        match spec {
            Some(spec) => own.entry(name).or_default().merge(spec),
            None => {
                own.remove(&name);
            }
        }
    }
}

/// Takes the image headers of a request out, decoding inline ones; `null` image headers (an
/// update removing a pass's own image) stay behind as removals.
pub(crate) fn take_images(
    headers: &mut Overrides,
    problems: &mut Vec<super::FieldProblem>,
) -> super::images::ImageInputs {
    let mut set: BTreeMap<String, FieldSpec> = BTreeMap::new();
    headers.retain(|name, spec| match spec {
        Some(spec) if super::render::image_file(name).is_some() => {
            set.insert(name.clone(), spec.clone());
            false
        }
        _ => true,
    });
    take_image_headers(&mut set, problems)
}

/// The content a pass request describes (before any public link is attached).
pub fn content_of(request: &PassRequest) -> PassContent {
    let mut headers = set_overrides(&request.headers);
    if let Some(expiration) = &request.expiration_date {
        headers.entry("expirationDate".into()).or_default().value = Some(Value::String(expiration.clone()));
    }
    PassContent {
        headers,
        fields: set_overrides(&request.fields),
        locations: request.locations.clone(),
        beacons: request.beacons.clone(),
        semantics: request.semantics.clone(),
        nfc: request.nfc.clone(),
        preferred_style_schemes: request.preferred_style_schemes.clone(),
        relevant_dates: request.relevant_dates.clone(),
        upcoming_pass_information: request.upcoming_pass_information.clone(),
        location_ids: Vec::new(),
        public_link: None,
        google_save_url: None,
        message: request.message.clone(),
        deactivated_at: None,
        nfc_enabled: request.nfc_enabled.unwrap_or(false),
        nfc_message: None,
        own_design: false,
        personalization_info: None,
        image_blobs: BTreeMap::new(),
        image_urls: BTreeMap::new(),
    }
}

/// A serial number a caller chooses: 1 to 128 letters, digits and `.-_:`.
pub fn check_serial_number(serial: &str) -> Result<(), ServiceError> {
    let fits =
        (1..=128).contains(&serial.len()) && serial.bytes().all(|b| b.is_ascii_alphanumeric() || b".-_:".contains(&b));
    if fits {
        Ok(())
    } else {
        Err(ServiceError::invalid("serialNumber", "must be 1 to 128 letters, digits, '.', '-', '_' or ':'"))
    }
}

/// A `templateId` in a pass body must name the pass's template.
fn check_template_id(given: Option<&Value>, template_id: u64) -> Result<(), ServiceError> {
    let Some(given) = given else { return Ok(()) };
    match super::number_or_text(given) {
        Some(id) if id == template_id => Ok(()),
        Some(id) => Err(ServiceError::invalid(
            "templateId",
            format!("names template {id}, but the pass is of template {template_id}"),
        )),
        None => Err(ServiceError::invalid("templateId", "must be a template id")),
    }
}

fn check_message(message: Option<&String>) -> Result<(), ServiceError> {
    match message {
        Some(m) if m.chars().count() > 512 => Err(ServiceError::invalid("message", "must be at most 512 characters")),
        _ => Ok(()),
    }
}

fn random_token(bytes: usize) -> String {
    (0..bytes).map(|_| format!("{:02x}", rand::random::<u8>())).collect()
}

/// A pass and its template, as the views need them; its public link and Google sync status
/// are read only for the views that show them.
pub struct PassRecord {
    pub pass: Pass,
    /// `None` only where the template is gone (a pass left by an earlier version's race);
    /// lists still show such a pass.
    pub template: Option<Template>,
    pub link: Option<PublicLink>,
    /// Google passes: where the pass stands with Google (`None` until the first write).
    pub google_sync: Option<GoogleSync>,
}

/// PassEntry's lifecycle status of a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassStatus {
    /// Never installed.
    Issued,
    /// On a device now.
    Active,
    /// Was on a device, no longer.
    Removed,
    /// Voided, or past its expiration date.
    Deactivated,
}

impl PassStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PassStatus::Issued => "issued",
            PassStatus::Active => "active",
            PassStatus::Removed => "removed",
            PassStatus::Deactivated => "deactivated",
        }
    }
}

/// The pass's `expirationDate` header as it shows: its own keys over its template's.
fn expiration_header(template: Option<&Template>, content: &PassContent) -> FieldSpec {
    let template = template.and_then(|t| t.content.headers.get("expirationDate"));
    let mut header = template.cloned().unwrap_or_default();
    if let Some(own) = content.headers.get("expirationDate") {
        header.merge(own.clone());
    }
    header
}

/// Voided: deactivated (PassEntry's action), or its expirationDate labelled `voided`
/// (Airship's way).
pub fn is_voided(record: &PassRecord) -> bool {
    voided(record.template.as_ref(), &record.pass.content)
}

fn voided(template: Option<&Template>, content: &PassContent) -> bool {
    content.deactivated_at.is_some() || expiration_header(template, content).label.as_deref() == Some("voided")
}

/// Deactivated (voided, or past its own or its template's expiration date), else what the
/// devices say.
pub fn pass_status(record: &PassRecord, now: Millis) -> PassStatus {
    let expiration = expiration_header(record.template.as_ref(), &record.pass.content)
        .value
        .and_then(|v| v.as_str().map(str::to_string));
    let expired = expiration.and_then(|e| parse_wallet_date(&e).ok()).is_some_and(|d| d.unix_seconds * 1000 <= now);
    if is_voided(record) || expired {
        return PassStatus::Deactivated;
    }
    match record.pass.installation.status {
        InstallStatus::Installed => PassStatus::Active,
        InstallStatus::Uninstalled => PassStatus::Removed,
        InstallStatus::NotBeenInstalled => PassStatus::Issued,
    }
}

/// A new pass, the .pkpass signed for it (Apple passes), and the warnings it was signed with.
pub struct Issued {
    pub record: PassRecord,
    pub pkpass: Option<Vec<u8>>,
    pub warnings: Vec<FieldProblem>,
}

/// A create request checked against its template: nothing made, stored or used up yet.
struct CheckedCreate {
    template: Template,
    request: PassRequest,
    content: PassContent,
    image_inputs: ImageInputs,
    tags: Vec<String>,
    kind: Option<LinkKind>,
    external_id: Option<String>,
    serial: String,
}

/// Every check of a create that needs no signing: the request's own fields, and its content
/// against the template.
async fn check_create(
    app: &App,
    template_id: u64,
    request: PassRequest,
    external_id: Option<String>,
) -> Result<CheckedCreate, ServiceError> {
    let template = templates::get(app, template_id).await?;
    let template_content = &template.content;
    let mut request = request;
    let mut problems = Vec::new();
    let image_inputs = take_images(&mut request.headers, &mut problems);
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let tags = request.tags.clone().unwrap_or_default();
    check_tags(&tags)?;
    let kind = link_kind(&request)?;
    check_message(request.message.as_ref())?;
    if request.action.is_some() {
        return Err(ServiceError::invalid("action", "only applies to updates (PUT /v1/pass/{id})"));
    }
    check_template_id(request.template_id.as_ref(), template_id)?;
    let external_id = external_id.or(request.external_id.clone()).or(request.ext_id.clone());
    if let Some(ext) = &external_id {
        super::check_external_id("externalId", ext)?;
    }
    let mut content = content_of(&request);
    content.image_urls.extend(std::mem::take(&mut request.image_sources));
    if request.own_design {
        keep_design(&mut content, template_content);
    }
    let google = template.vendor == Vendor::Google;
    content.public_link = kind.filter(|_| !google).map(|_| uuid::Uuid::new_v4().to_string());
    let mut problems = absorb_pass_fields(template_content, content.fields.iter_mut());
    problems.extend(check_pass_content(template_content, &content));
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let image_inputs = if google {
        content.image_urls = image_inputs.into_google_urls()?;
        ImageInputs::default()
    } else {
        image_inputs
    };
    let serial = match &request.serial_number {
        Some(serial) => {
            check_serial_number(serial)?;
            serial.clone()
        }
        None => uuid::Uuid::new_v4().to_string(),
    };
    Ok(CheckedCreate { template, request, content, image_inputs, tags, kind, external_id, serial })
}

pub async fn create(
    app: &App,
    template_id: u64,
    request: PassRequest,
    external_id: Option<String>,
    adaptive_link_id: Option<String>,
) -> Result<Issued, ServiceError> {
    create_keeping(app, template_id, request, external_id, adaptive_link_id, SignedCopy::Kept).await
}

/// Whether a create keeps the .pkpass it signed for the pass's first download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedCopy {
    /// Kept (the pass is likely opened soon: one bought, one linked).
    Kept,
    /// Not kept: bulk-issued passes are opened over days, and writing each one's file now
    /// costs a third of a batch's time; a first download signs again (about a millisecond).
    NotKept,
}

pub async fn create_keeping(
    app: &App,
    template_id: u64,
    request: PassRequest,
    external_id: Option<String>,
    adaptive_link_id: Option<String>,
    signed_copy: SignedCopy,
) -> Result<Issued, ServiceError> {
    let CheckedCreate { template, mut request, mut content, image_inputs, tags, kind, external_id, serial } =
        check_create(app, template_id, request, external_id).await?;
    let google = template.vendor == Vendor::Google;
    let token = random_token(24);
    let pass_type_id = template.pass_type_id.clone().unwrap_or_default();
    // Render and sign (or make the save link) before anything is stored: an invalid pass
    // changes nothing.
    let mut warnings = Vec::new();
    let mut pass_images = BTreeMap::new();
    let pkpass = if google {
        content.google_save_url = Some(app.google.issue(&template, &content, &serial).await?);
        None
    } else {
        pass_images = images::resolve(app, image_inputs).await?.png;
        pass_images.extend(std::mem::take(&mut request.prepared_images));
        let id = Identifiers { pass_type_id: &pass_type_id, serial: &serial, token: &token };
        let (pkpass, signed_with) = sign(app, &template, &content, &pass_images, id).await?;
        warnings = signed_with;
        content.image_blobs.extend(images::keys_for(&pass_images));
        Some(pkpass)
    };
    give_locations_ids(app, &mut content).await?;
    let new = NewPass {
        template_id,
        serial_number: serial,
        pass_type_id,
        external_id,
        authentication_token: token,
        tags,
        adaptive_link_id,
        content,
        link_kind: kind,
    };
    // What the record refers to is written first, and the record's transaction (with its
    // link) is the one commit: a create cut short at any point (an outage, a killed process)
    // leaves either a whole pass or none. What it can leave is unreferenced: images (stored
    // by content, so a retry reuses them) and tag names (listed, on no pass).
    images::put(app, pass_images).await?;
    super::tags::record(app, &new.tags).await?;
    let now = app.now();
    let pass = app.store.create_pass(&new, now).await?;
    let link = new.public_link(pass.id, now);
    if super::timers::own_expiration(&pass.content).is_some() {
        super::timers::follow_expiration(app, pass.id, &pass.content).await;
    }
    if let Some(pkpass) = pkpass.as_ref().filter(|_| signed_copy == SignedCopy::Kept) {
        cache_pkpass(app, &pkpass_key(&pass, &template), pkpass.clone()).await;
    }
    Ok(Issued { record: PassRecord { pass, template: Some(template), link, google_sync: None }, pkpass, warnings })
}

/// Every location of a pass's own gets an id (`passLocationId`), whether it came with the
/// create, an update or the locations route; ids are taken only once the change is known to
/// be good.
async fn give_locations_ids(app: &App, content: &mut PassContent) -> Result<(), ServiceError> {
    let wanted = content.locations.as_ref().map_or(0, Vec::len);
    while content.location_ids.len() < wanted {
        content.location_ids.push(app.store.allocate_id(Sequence::Location).await?);
    }
    Ok(())
}

/// A pass's identifiers, which its content never changes.
#[derive(Clone, Copy)]
struct Identifiers<'a> {
    pass_type_id: &'a str,
    serial: &'a str,
    token: &'a str,
}

impl<'a> Identifiers<'a> {
    fn of(pass: &'a Pass) -> Identifiers<'a> {
        Identifiers { pass_type_id: &pass.pass_type_id, serial: &pass.serial_number, token: &pass.authentication_token }
    }

    /// What the renderer needs besides content: these identifiers, the team that signs, and
    /// the web service devices call back.
    fn for_render(self, team_id: &'a str, web_service_url: &'a str) -> PassIdentity<'a> {
        PassIdentity {
            pass_type_id: self.pass_type_id,
            team_id,
            serial_number: self.serial,
            authentication_token: self.token,
            web_service_url: Some(web_service_url),
        }
    }
}

/// The static files of a pass: its template's (prepared once per template version), or with
/// the pass's own images (header → PNG) in place of the template's.
async fn pass_assets(
    app: &App,
    template: &Template,
    content: &PassContent,
    pass_images: &BTreeMap<String, Vec<u8>>,
) -> Result<Arc<PassAssets>, ServiceError> {
    let assets = if pass_images.is_empty() && !content.own_design {
        templates::assets(app, template).await?
    } else {
        let template_images = images::load(app, &template.content.image_blobs).await?;
        Arc::new(own_assets(template, template_images, pass_images, content.own_design)?)
    };
    // Once personalized, the pass no longer offers enrollment.
    Ok(if content.personalization_info.is_some() { Arc::new(assets.without_personalization()) } else { assets })
}

/// The files of a pass that shows its own images in place of some of its template's.
/// `own_design`: the template's design images stay out (the pass has its own).
fn own_assets(
    template: &Template,
    mut template_images: BTreeMap<String, Vec<u8>>,
    pass_images: &BTreeMap<String, Vec<u8>>,
    own_design: bool,
) -> Result<PassAssets, ServiceError> {
    if own_design {
        template_images.retain(|header, _| !is_design_header(header));
    }
    template_images.extend(pass_images.iter().map(|(h, png)| (h.clone(), png.clone())));
    images::assets_for(&template_images, &template.content)
}

/// Renders and signs a pass; answers it with its warnings. `pass_images` are the pass's own
/// images (header → PNG), shown instead of the template's.
async fn sign(
    app: &App,
    template: &Template,
    content: &PassContent,
    pass_images: &BTreeMap<String, Vec<u8>>,
    ids: Identifiers<'_>,
) -> Result<(Vec<u8>, Vec<FieldProblem>), ServiceError> {
    if template.vendor == Vendor::Google {
        return Err(ServiceError::invalid("id", "is a Google Wallet pass: it has no .pkpass; open its publicUrl"));
    }
    let now_seconds = app.now() / 1000;
    let identity = app.identities.get(ids.pass_type_id, now_seconds).await?;
    let assets = pass_assets(app, template, content, pass_images).await?;
    let id = ids.for_render(identity.team_id(), &app.config.public_url);
    let pass_json = render(&template.name, &template.content, content, &id)?;
    // Signing is CPU work: on the blocking pool, the passes of a batch (and of concurrent
    // requests) sign in parallel while the runtime's workers keep serving.
    let (pass_json, built) = tokio::task::spawn_blocking(move || {
        let built = build_pkpass_with_warnings(&pass_json, &assets, &identity, now_seconds);
        (pass_json, built)
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("signing stopped: {e}")))?;
    match built {
        Ok((bytes, warnings)) => Ok((bytes, request_problems(warnings, &pass_json))),
        Err(BuildError::Invalid(issues)) => Err(problems_from_issues(issues, &pass_json)),
        Err(e) => Err(ServiceError::Internal(e.to_string())),
    }
}

/// When a change made now happens, for Wallet: at least a second after the previous one, so
/// that `Last-Modified` (whole seconds) tells every change apart.
pub fn next_change_time(now: Millis, previous: Millis) -> Millis {
    now.max(previous + 1000)
}

/// Whether an existing pass would still render and validate under `template` (a template
/// about to replace its current one, with the images `template_images`). The problems name
/// what the pass or the template would have to change.
pub async fn check_under(
    app: &App,
    template: &Template,
    template_images: &BTreeMap<String, Vec<u8>>,
    pass: &Pass,
) -> Result<(), ServiceError> {
    let problems = check_pass_content(&template.content, &pass.content);
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    if template.vendor == Vendor::Google {
        super::google::google_input(&template.name, &template.content, &pass.content, &pass.serial_number)?;
        return Ok(());
    }
    let pass_images = images::load(app, &pass.content.image_blobs).await?;
    let assets = own_assets(template, template_images.clone(), &pass_images, pass.content.own_design)?;
    let assets = if pass.content.personalization_info.is_some() { assets.without_personalization() } else { assets };
    let id = Identifiers::of(pass).for_render(super::identities::DEV_TEAM_ID, &app.config.public_url);
    check_rendered(&render(&template.name, &template.content, &pass.content, &id)?, &assets).map(|_warnings| ())
}

/// The blob of a pass's .pkpass for the current versions of the pass and its template.
fn pkpass_key(pass: &Pass, template: &Template) -> String {
    format!("passes/{}/p{}-t{}.pkpass", pass.id, pass.version, template.version)
}

/// A pass with its template (a pass whose template is gone counts as not found).
pub(crate) async fn load(app: &App, id: u64) -> Result<(Pass, Template), ServiceError> {
    let pass = app.store.get_pass(id).await?.ok_or(ServiceError::NotFound("pass"))?;
    let template = app.store.get_template(pass.template_id).await?.ok_or(ServiceError::NotFound("pass"))?;
    Ok((pass, template))
}

/// What the full view of a pass shows besides the pass and its template.
async fn record(app: &App, pass: Pass, template: Template) -> Result<PassRecord, ServiceError> {
    let link = match &pass.content.public_link {
        Some(token) => app.store.get_link(token).await?,
        None => None,
    };
    let google_sync = match template.vendor {
        Vendor::Google => app.store.wallet_sync(pass.id).await?,
        Vendor::Apple => None,
    };
    Ok(PassRecord { pass, template: Some(template), link, google_sync })
}

pub async fn get(app: &App, id: u64) -> Result<PassRecord, ServiceError> {
    let (pass, template) = load(app, id).await?;
    record(app, pass, template).await
}

pub async fn get_by_external_id(app: &App, template_id: u64, external_id: &str) -> Result<PassRecord, ServiceError> {
    let template = templates::get(app, template_id).await?;
    let pass =
        app.store.get_pass_by_external_id(template_id, external_id).await?.ok_or(ServiceError::NotFound("pass"))?;
    record(app, pass, template).await
}

/// The pass with this external id in the template.
pub async fn id_in_template(app: &App, template_id: u64, external_id: &str) -> Result<u64, ServiceError> {
    let pass = app.store.get_pass_by_external_id(template_id, external_id).await?;
    Ok(pass.ok_or(ServiceError::NotFound("pass"))?.id)
}

/// The pass an external id names in any template. External ids are unique per template, so
/// when passes of several templates share one, the caller must name the template.
pub async fn id_by_external_id(app: &App, external_id: &str) -> Result<u64, ServiceError> {
    match app.store.find_passes_by_external_id(external_id, 2).await?.as_slice() {
        [] => Err(ServiceError::NotFound("pass")),
        [pass] => Ok(pass.id),
        _ => Err(ServiceError::Conflict(format!(
            "passes of several templates have the external id `{external_id}`; name the template: \
             /v1/pass/template/{{templateId}}/id/{external_id}"
        ))),
    }
}

/// Checks an update on its own (before any pass is read): tags, message, no serial number,
/// the action. Returns whether it deactivates (`Some(true)`) or reactivates the pass.
pub fn check_update(request: &PassRequest) -> Result<Option<bool>, ServiceError> {
    if let Some(tags) = &request.tags {
        check_tags(tags)?;
    }
    check_message(request.message.as_ref())?;
    if request.serial_number.is_some() {
        return Err(ServiceError::invalid("serialNumber", "cannot change: a pass keeps the serial it was issued with"));
    }
    match request.action.as_deref() {
        None => Ok(None),
        Some("deactivate") => Ok(Some(true)),
        Some("reactivate") => Ok(Some(false)),
        Some(_) => Err(ServiceError::invalid("action", "must be deactivate or reactivate")),
    }
}

/// An applied update: its receipt (`ticketId`) and the warnings the pass was signed with.
pub struct Receipt {
    pub ticket: u64,
    pub warnings: Vec<FieldProblem>,
}

pub async fn update(app: &App, id: u64, request: PassRequest) -> Result<Receipt, ServiceError> {
    let warnings = apply_update(app, id, request).await?;
    Ok(Receipt { ticket: app.store.allocate_id(Sequence::Ticket).await?, warnings })
}

/// Applies an update (without a receipt: a bulk update's passes share its ticket); answers
/// the warnings the pass was signed with.
pub async fn apply_update(app: &App, id: u64, request: PassRequest) -> Result<Vec<FieldProblem>, ServiceError> {
    apply_update_and(app, id, request, |_, _| Ok(())).await
}

/// Applies an update, then `more` (in the same change, so both land or neither).
pub async fn apply_update_and(
    app: &App,
    id: u64,
    request: PassRequest,
    more: impl FnOnce(&mut PassContent, &Template) -> Result<(), ServiceError>,
) -> Result<Vec<FieldProblem>, ServiceError> {
    let mut request = request;
    let mut problems = Vec::new();
    let image_inputs = take_images(&mut request.headers, &mut problems);
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let deactivate = check_update(&request)?;
    let tags = request.tags.clone();
    let now = app.now();
    // Google fetches a Google pass's images itself: they stay URLs.
    let google = !image_inputs.is_empty() && load(app, id).await?.1.vendor == Vendor::Google;
    let (mut new_images, new_urls) = if google {
        (BTreeMap::new(), image_inputs.into_google_urls()?)
    } else {
        (images::resolve(app, image_inputs).await?.png, BTreeMap::new())
    };
    new_images.extend(std::mem::take(&mut request.prepared_images));
    let image_sources = std::mem::take(&mut request.image_sources);
    let own_design = request.own_design;
    let touches_expiration =
        request.expiration_date.is_some() || request.headers.contains_key("expirationDate") || request.action.is_some();
    let request_tags = tags.clone();
    let (content, warnings) = change(app, id, tags, new_images, |content, template| {
        check_template_id(request.template_id.as_ref(), template.id)?;
        let fields = request.fields.iter_mut().filter_map(|(name, spec)| spec.as_mut().map(|s| (name, s)));
        let problems = absorb_pass_fields(&template.content, fields);
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        content.image_urls.extend(new_urls);
        content.image_urls.extend(image_sources);
        if own_design {
            keep_design(content, &template.content);
        }
        let mut headers = std::mem::take(&mut request.headers);
        if let Some(expiration) = &request.expiration_date {
            let given = headers.entry("expirationDate".into()).or_insert_with(|| Some(FieldSpec::default()));
            given.get_or_insert_with(FieldSpec::default).value = Some(Value::String(expiration.clone()));
        }
        // A `null` image header drops the pass's own image: the template's shows again.
        headers.retain(|name, spec| {
            let removes_image = spec.is_none() && super::render::image_file(name).is_some();
            if removes_image {
                content.image_blobs.remove(name);
                content.image_urls.remove(name);
            }
            !removes_image
        });
        apply_overrides(&mut content.headers, headers);
        apply_overrides(&mut content.fields, request.fields);
        if request.message.is_some() {
            content.message = request.message;
        }
        if let Some(enabled) = request.nfc_enabled {
            content.nfc_enabled = enabled;
        }
        match deactivate {
            Some(true) => content.deactivated_at = content.deactivated_at.or(Some(now)),
            Some(false) => content.deactivated_at = None,
            None => {}
        }
        if let Some(locations) = request.locations {
            content.location_ids.clear();
            content.locations = Some(locations);
        }
        if request.beacons.is_some() {
            content.beacons = request.beacons;
        }
        if request.semantics.is_some() {
            content.semantics = request.semantics;
        }
        if request.nfc.is_some() {
            content.nfc = request.nfc;
        }
        for (own, given) in [
            (&mut content.preferred_style_schemes, request.preferred_style_schemes),
            (&mut content.relevant_dates, request.relevant_dates),
            (&mut content.upcoming_pass_information, request.upcoming_pass_information),
        ] {
            if given.is_some() {
                *own = given;
            }
        }
        more(content, template)
    })
    .await?;
    if touches_expiration {
        super::timers::follow_expiration(app, id, &content).await;
    }
    if let Some(tags) = &request_tags {
        super::tags::record(app, tags).await?;
    }
    Ok(warnings)
}

/// Adds locations to a pass; each gets an id (`passLocationId`) to delete it by. A pass that
/// showed its template's locations keeps them, now as its own.
pub async fn add_locations(
    app: &App,
    id: u64,
    locations: Vec<LocationSpec>,
) -> Result<Vec<(u64, LocationSpec)>, ServiceError> {
    if locations.is_empty() {
        return Err(ServiceError::invalid("locations", "must hold at least one location"));
    }
    let (pass, template) = load(app, id).await?;
    let current = &pass.content;
    let shown = current.locations.as_ref().map_or(template.content.locations.len(), Vec::len);
    let needed = shown.saturating_sub(current.location_ids.len()) + locations.len();
    let mut ids = Vec::with_capacity(needed);
    for _ in 0..needed {
        ids.push(app.store.allocate_id(Sequence::Location).await?);
    }
    let added = locations.len();
    let (content, _warnings) = change(app, id, None, BTreeMap::new(), move |content, template| {
        let mut all = content.locations.take().unwrap_or_else(|| template.content.locations.clone());
        all.extend(locations);
        let mut spare = ids.into_iter();
        while content.location_ids.len() < all.len() {
            // A concurrent change added locations since we counted: let the caller retry.
            let next =
                spare.next().ok_or_else(|| ServiceError::Conflict("the pass changed meanwhile; try again".into()))?;
            content.location_ids.push(next);
        }
        content.locations = Some(all);
        Ok(())
    })
    .await?;
    let locations = content.locations.unwrap_or_default();
    let start = locations.len() - added;
    Ok(content.location_ids[start..].iter().copied().zip(locations[start..].iter().cloned()).collect())
}

/// Removes one location (by its `passLocationId`); returns the pass's remaining locations.
pub async fn delete_location(app: &App, id: u64, location_id: u64) -> Result<Vec<(u64, LocationSpec)>, ServiceError> {
    let (content, _warnings) = change(app, id, None, BTreeMap::new(), move |content, _| {
        let index =
            content.location_ids.iter().position(|l| *l == location_id).ok_or(ServiceError::NotFound("location"))?;
        content.location_ids.remove(index);
        if let Some(locations) = content.locations.as_mut() {
            locations.remove(index);
        }
        Ok(())
    })
    .await?;
    Ok(content.location_ids.iter().copied().zip(content.locations.unwrap_or_default()).collect())
}

/// Changes a pass's content, re-signs it and saves it as a new version; answers the content
/// and the warnings it was signed with. Nothing is stored when the change or the signing
/// fails.
async fn change(
    app: &App,
    id: u64,
    tags: Option<Vec<String>>,
    new_images: BTreeMap<String, Vec<u8>>,
    edit: impl FnOnce(&mut PassContent, &Template) -> Result<(), ServiceError>,
) -> Result<(PassContent, Vec<FieldProblem>), ServiceError> {
    let (pass, template) = load(app, id).await?;
    let mut content = pass.content.clone();
    edit(&mut content, &template)?;
    let problems = check_pass_content(&template.content, &content);
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    if template.vendor == Vendor::Google {
        if !new_images.is_empty() {
            return Err(ServiceError::invalid("headers", "a Google pass's images must be public https URLs"));
        }
        // Checks the change renders; the dispatcher then writes it to Google.
        super::google::google_input(&template.name, &template.content, &content, &pass.serial_number)?;
    }
    let (pkpass, warnings) = if template.vendor == Vendor::Google {
        (None, Vec::new())
    } else {
        let mut pass_images = images::load(app, &content.image_blobs).await?;
        pass_images.extend(new_images.iter().map(|(h, png)| (h.clone(), png.clone())));
        let (pkpass, warnings) = sign(app, &template, &content, &pass_images, Identifiers::of(&pass)).await?;
        (Some(pkpass), warnings)
    };
    if !new_images.is_empty() {
        content.image_blobs.extend(images::store(app, new_images).await?);
    }
    give_locations_ids(app, &mut content).await?;
    let update = PassUpdate {
        id,
        expected_version: pass.version,
        tags: tags.unwrap_or_else(|| pass.tags.clone()),
        content: content.clone(),
        updated_at: next_change_time(app.now(), pass.updated_at),
    };
    let updated = app.store.update_pass(&update).await?;
    if let Some(pkpass) = pkpass {
        cache_pkpass(app, &pkpass_key(&updated, &template), pkpass).await;
    }
    app.notify(Change::Pass(id));
    if !voided(Some(&template), &pass.content) && voided(Some(&template), &content) {
        let event = crate::model::callback::CallbackEvent::Deactivate;
        super::callbacks::pass_event(app, event, &updated, None, None).await;
    }
    Ok((content, warnings))
}

/// Deletes a pass; a pass whose template is gone can be deleted too.
pub async fn delete(app: &App, id: u64) -> Result<(), ServiceError> {
    let pass = app.store.get_pass(id).await?.ok_or(ServiceError::NotFound("pass"))?;
    let template = app.store.get_template(pass.template_id).await?;
    app.store.delete_pass(id).await?;
    if let (Some(timers), Some(_)) = (&app.timers, super::timers::own_expiration(&pass.content)) {
        let job = crate::ports::TimerJob::ExpirePass { pass_id: id };
        if let Err(e) = timers.cancel(&job).await {
            tracing::warn!(pass = id, error = %e, "the deleted pass's expiration timer stays (it will find no pass)");
        }
    }
    // Only the current file is known by key; older versions stay until storage is swept.
    if let Some(template) = template
        && let Err(e) = app.blobs.delete(&pkpass_key(&pass, &template)).await
    {
        tracing::warn!(pass = id, error = %e, "the deleted pass's cached .pkpass stays (nothing serves it)");
    }
    Ok(())
}

/// A pass's expiration timer fired: once its own expiration date has come, the pass is
/// deactivated (voided), which tells its devices now. A timer that fired early is set again.
pub async fn expire(app: &App, id: u64) -> Result<(), ServiceError> {
    let Some(pass) = app.store.get_pass(id).await? else { return Ok(()) };
    let Some(at) = super::timers::own_expiration(&pass.content) else { return Ok(()) };
    if pass.content.deactivated_at.is_some() {
        return Ok(());
    }
    if at > app.now() {
        super::timers::follow_expiration(app, id, &pass.content).await;
        return Ok(());
    }
    let now = app.now();
    change(app, id, None, BTreeMap::new(), |content, _| {
        content.deactivated_at.get_or_insert(now);
        Ok(())
    })
    .await?;
    Ok(())
}

/// The signed .pkpass of the pass as it is now (cached per pass and template version).
pub async fn pkpass(app: &App, id: u64) -> Result<(Pass, Vec<u8>), ServiceError> {
    let (pass, template) = load(app, id).await?;
    let bytes = pkpass_of(app, &pass, &template).await?;
    Ok((pass, bytes))
}

/// The .pkpass a create request would make, checked and signed as the create would, but
/// stored nowhere and never served: a link's page shows it before the link makes the pass.
pub async fn draft_pkpass(app: &App, template_id: u64, request: &PassRequest) -> Result<Vec<u8>, ServiceError> {
    draft_of(app, check_create(app, template_id, request.clone(), None).await?).await
}

async fn draft_of(app: &App, checked: CheckedCreate) -> Result<Vec<u8>, ServiceError> {
    let CheckedCreate { template, mut request, content, image_inputs, serial, .. } = checked;
    let pass_type_id = template.pass_type_id.clone().unwrap_or_default();
    let mut pass_images = images::resolve(app, image_inputs).await?.png;
    pass_images.extend(std::mem::take(&mut request.prepared_images));
    let ids = Identifiers { pass_type_id: &pass_type_id, serial: &serial, token: "preview-of-a-pass-not-made-yet" };
    let (bytes, _) = sign(app, &template, &content, &pass_images, ids).await?;
    Ok(bytes)
}

/// Whether a create request would make a pass under a template, found by everything the
/// create does short of making it: the checks, and for an Apple pass rendering, validating
/// and signing. For links that make their passes later (dynamic and adaptive): a payload that
/// can never make a pass is refused when the link is made.
pub async fn check_would_create(app: &App, template_id: u64, request: &PassRequest) -> Result<(), ServiceError> {
    let checked = check_create(app, template_id, request.clone(), None).await?;
    if checked.template.vendor == Vendor::Google {
        return Ok(());
    }
    draft_of(app, checked).await.map(|_| ())
}

/// The signed .pkpass of a pass already read (cached per pass and template version).
pub async fn pkpass_of(app: &App, pass: &Pass, template: &Template) -> Result<Vec<u8>, ServiceError> {
    let key = pkpass_key(pass, template);
    if let Some(blob) = app.blobs.get(&key).await? {
        return Ok(blob.bytes);
    }
    let pass_images = images::load(app, &pass.content.image_blobs).await?;
    let (bytes, _warnings) = sign(app, template, &pass.content, &pass_images, Identifiers::of(pass)).await?;
    cache_pkpass(app, &key, bytes.clone()).await;
    Ok(bytes)
}

/// Keeps a signed .pkpass under its pass and template versions. Only a cache (a miss signs
/// again), so a failure to write it is logged and does not undo what was done.
async fn cache_pkpass(app: &App, key: &str, bytes: Vec<u8>) {
    if let Err(e) = app.blobs.put(key, bytes, PKPASS_MIME).await {
        tracing::warn!(key, error = %e, "a signed .pkpass was not cached");
    }
}

/// The signed .pkpass of a pass read for a view.
pub async fn pkpass_of_record(app: &App, record: &PassRecord) -> Result<Vec<u8>, ServiceError> {
    let template = record.template.as_ref().ok_or(ServiceError::NotFound("pass"))?;
    pkpass_of(app, &record.pass, template).await
}

/// The pass.json of an Apple pass as it is now, as its .pkpass carries it (for people
/// debugging a pass: Airship's `viewJSONPass`).
pub async fn pass_json(app: &App, id: u64) -> Result<crate::model::PassJson, ServiceError> {
    let (pass, template) = load(app, id).await?;
    if template.vendor == Vendor::Google {
        return Err(ServiceError::invalid("id", "is a Google Wallet pass: it has no pass.json"));
    }
    let identity = app.identities.get(&pass.pass_type_id, app.now() / 1000).await?;
    let id = Identifiers::of(&pass).for_render(identity.team_id(), &app.config.public_url);
    render(&template.name, &template.content, &pass.content, &id)
}

/// What downloading a pass gives: the .pkpass, or a Google pass's save link.
pub enum Download {
    Pkpass(Box<Pass>, Vec<u8>),
    SaveLink(String),
}

pub async fn download(app: &App, id: u64) -> Result<Download, ServiceError> {
    let (pass, template) = load(app, id).await?;
    if let Some(save_url) = &pass.content.google_save_url {
        return Ok(Download::SaveLink(save_url.clone()));
    }
    let bytes = pkpass_of(app, &pass, &template).await?;
    Ok(Download::Pkpass(Box::new(pass), bytes))
}

/// A page of passes, each with its template (read once per template). A pass whose template
/// is gone is listed without it rather than failing the whole list.
pub async fn list(app: &App, query: &PassQuery) -> Result<Page<PassRecord>, ServiceError> {
    let page = app.store.list_passes(query).await?;
    Ok(Page { total: page.total, items: with_templates(app, page.items).await? })
}

/// The passes as the views list them: each with its template (read once per template).
pub async fn with_templates(app: &App, passes: Vec<Pass>) -> Result<Vec<PassRecord>, ServiceError> {
    let mut templates: std::collections::HashMap<u64, Option<Template>> = std::collections::HashMap::new();
    let mut items = Vec::with_capacity(passes.len());
    for pass in passes {
        let template = match templates.get(&pass.template_id) {
            Some(t) => t.clone(),
            None => {
                let t = app.store.get_template(pass.template_id).await?;
                templates.insert(pass.template_id, t.clone());
                t
            }
        };
        items.push(PassRecord { pass, template, link: None, google_sync: None });
    }
    Ok(items)
}

/// Stores what the holder gave when personalizing the pass; the next download comes without
/// personalization.json. A pass whose template offers no personalization is "not found".
pub async fn personalize(app: &App, id: u64, info: Value) -> Result<(), ServiceError> {
    change(app, id, None, BTreeMap::new(), move |content, template| {
        if template.content.personalization.is_none() {
            return Err(ServiceError::NotFound("personalizable pass"));
        }
        content.personalization_info = Some(info);
        Ok(())
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(value: &str) -> FieldSpec {
        FieldSpec { value: Some(json!(value)), ..FieldSpec::default() }
    }

    #[test]
    fn overrides_replace_and_null_removes() {
        let mut own: BTreeMap<String, FieldSpec> =
            [("Seat".to_string(), spec("14")), ("Gate".to_string(), spec("B"))].into();
        let changes: Overrides =
            [("Seat".to_string(), Some(spec("15"))), ("Gate".to_string(), None), ("Row".to_string(), None)].into();
        apply_overrides(&mut own, changes);
        assert_eq!(own, [("Seat".to_string(), spec("15"))].into());
        let label = FieldSpec { label: Some("ROW".into()), ..FieldSpec::default() };
        apply_overrides(&mut own, [("Seat".to_string(), Some(label))].into());
        let expected = FieldSpec { label: Some("ROW".into()), ..spec("15") };
        assert_eq!(own, [("Seat".to_string(), expected)].into(), "the value stays");
    }

    #[test]
    fn a_request_sets_only_what_it_names() {
        let request: PassRequest = serde_json::from_value(json!({
            "fields": {"Seat": {"value": "14"}, "Gate": null},
            "expirationDate": "2030-01-01T00:00:00Z",
            "message": "Gate changed"
        }))
        .unwrap();
        let content = content_of(&request);
        assert_eq!(content.fields.keys().collect::<Vec<_>>(), ["Seat"], "null sets nothing on a new pass");
        assert_eq!(content.headers["expirationDate"].value, Some(json!("2030-01-01T00:00:00Z")));
        assert_eq!(content.message.as_deref(), Some("Gate changed"));
    }

    fn record(
        content: PassContent,
        template_headers: BTreeMap<String, FieldSpec>,
        status: InstallStatus,
    ) -> PassRecord {
        let pass = Pass {
            id: 1,
            template_id: 1,
            serial_number: "S".into(),
            pass_type_id: "pass.x".into(),
            external_id: None,
            authentication_token: "t".into(),
            tags: vec![],
            adaptive_link_id: None,
            installation: Installation { status, ..Installation::default() },
            version: 1,
            created_at: 0,
            updated_at: 0,
            content,
        };
        let template = Template {
            project_id: None,
            external_id: None,
            id: 1,
            name: "T".into(),
            vendor: Vendor::Apple,
            pass_type_id: None,
            version: 1,
            created_at: 0,
            updated_at: 0,
            content: TemplateContent { headers: template_headers, ..TemplateContent::default() },
        };
        PassRecord { pass, template: Some(template), link: None, google_sync: None }
    }

    #[test]
    fn status_follows_devices_until_voided_or_expired() {
        let now = 1_900_000_000_000; // 2030-03-17
        let none = BTreeMap::new;
        assert_eq!(
            pass_status(&record(PassContent::default(), none(), InstallStatus::NotBeenInstalled), now),
            PassStatus::Issued
        );
        assert_eq!(
            pass_status(&record(PassContent::default(), none(), InstallStatus::Installed), now),
            PassStatus::Active
        );
        assert_eq!(
            pass_status(&record(PassContent::default(), none(), InstallStatus::Uninstalled), now),
            PassStatus::Removed
        );
        let voided = PassContent { deactivated_at: Some(5), ..PassContent::default() };
        assert_eq!(pass_status(&record(voided, none(), InstallStatus::Installed), now), PassStatus::Deactivated);
        let past = [("expirationDate".to_string(), spec("2029-01-01T00:00:00Z"))].into();
        assert_eq!(
            pass_status(&record(PassContent::default(), past, InstallStatus::Installed), now),
            PassStatus::Deactivated,
            "the template's expiration applies"
        );
        let own_future = PassContent {
            headers: [("expirationDate".to_string(), spec("2031-01-01T00:00:00Z"))].into(),
            ..PassContent::default()
        };
        let past = [("expirationDate".to_string(), spec("2029-01-01T00:00:00Z"))].into();
        assert_eq!(
            pass_status(&record(own_future, past, InstallStatus::Installed), now),
            PassStatus::Active,
            "the pass's own wins"
        );
    }

    #[test]
    fn changes_are_a_second_apart_at_least() {
        assert_eq!(next_change_time(10_000, 9_500), 10_500);
        assert_eq!(next_change_time(20_000, 9_500), 20_000);
    }
}
