//! Template use cases: create, read, update, delete, list; images stored in Blobs.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::error::{BrokenPass, FieldProblem, ServiceError};
use super::images::{self, ImageInputs, assets_for, take_image_headers};
use super::render::{KNOWN_HEADERS, PassIdentity, check_rendered, render, style_of};
use crate::model::records::{
    Direction, NewTemplate, Page, PageRequest, PassFilter, PassQuery, SortOrder, Template, Vendor,
};
use crate::model::template::{BeaconSpec, FieldSpec, LocationSpec, PassContent, TemplateContent};
use crate::pkpass::PassAssets;
use crate::ports::StoreError;
use crate::ports::secrets::check_pass_type_id;
use crate::service::App;

/// The body of `POST /v1/template` and `PUT /v1/template/{id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub vendor: Option<String>,
    #[serde(rename = "type")]
    pub style: Option<String>,
    pub pass_type_identifier: Option<String>,
    pub organization_name: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub locations: Vec<LocationSpec>,
    #[serde(default)]
    pub beacons: Vec<BeaconSpec>,
    pub semantics: Option<Value>,
    pub nfc: Option<Value>,
    /// Rewards enrollment (store cards with NFC): `requiredPersonalizationFields`,
    /// `description`, optional `termsAndConditions`; needs a `personalizationLogo_image` header.
    pub personalization: Option<Value>,
    /// Airship's project id; accepted and ignored (Tessera has no projects yet).
    pub project_id: Option<Value>,
}

struct Checked {
    name: String,
    vendor: Vendor,
    pass_type_id: Option<String>,
    content: TemplateContent,
    /// Images named by headers, still to be fetched and stored.
    images: ImageInputs,
}

/// `default_pass_type_id` (the deployment's) stands in for an Apple template's missing one.
fn check(mut request: TemplateRequest, default_pass_type_id: Option<&str>) -> Result<Checked, ServiceError> {
    let mut problems = Vec::new();
    let name = request.name.clone().filter(|n| !n.trim().is_empty());
    if name.is_none() {
        problems.push(FieldProblem::new("name", "is required"));
    }
    let vendor = match request.vendor.as_deref().unwrap_or("apple") {
        "apple" => Some(Vendor::Apple),
        "google" => Some(Vendor::Google),
        _ => {
            problems.push(FieldProblem::new("vendor", "must be apple or google"));
            None
        }
    };
    if vendor == Some(Vendor::Apple) {
        if request.pass_type_identifier.is_none() {
            request.pass_type_identifier = default_pass_type_id.map(str::to_string);
        }
        match request.pass_type_identifier.as_deref() {
            None => problems.push(FieldProblem::new("passTypeIdentifier", "is required for Apple templates")),
            Some(id) if check_pass_type_id(id).is_err() => {
                problems.push(FieldProblem::new("passTypeIdentifier", "must look like pass.com.example.tickets"))
            }
            Some(_) => {}
        }
    }
    let mut content = TemplateContent {
        description: request.description,
        style: request.style,
        organization_name: request.organization_name,
        headers: BTreeMap::new(),
        fields: request.fields,
        locations: request.locations,
        beacons: request.beacons,
        semantics: request.semantics,
        nfc: request.nfc,
        personalization: request.personalization,
        image_blobs: BTreeMap::new(),
        image_urls: BTreeMap::new(),
    };
    if let Err(ServiceError::Invalid(mut p)) = style_of(&content) {
        problems.append(&mut p);
    }
    let mut headers = request.headers;
    let images = take_image_headers(&mut headers, &mut problems);
    for (header, spec) in headers {
        if !KNOWN_HEADERS.contains(&header.as_str()) {
            problems.push(FieldProblem::new(format!("headers.{header}"), "is not a header Tessera knows"));
        }
        content.headers.insert(header, spec);
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let (Some(name), Some(vendor)) = (name, vendor) else { return Err(ServiceError::Invalid(problems)) };
    Ok(Checked { name, vendor, pass_type_id: request.pass_type_identifier, content, images })
}

/// Renders a sample pass from the template so its mistakes surface now, not at the first pass.
fn dry_run(checked: &Checked, assets: &PassAssets) -> Result<(), ServiceError> {
    let id = PassIdentity {
        pass_type_id: checked.pass_type_id.as_deref().unwrap_or("pass.dev.tessera.example"),
        team_id: super::identities::DEV_TEAM_ID,
        serial_number: "template-check",
        authentication_token: "template-check-token-0123456789",
        web_service_url: None,
    };
    check_rendered(&render(&checked.name, &checked.content, &PassContent::default(), &id)?, assets)
}

/// Renders a sample pass with the template's final images.
fn check_sample(checked: &mut Checked, images: &images::Images) -> Result<(), ServiceError> {
    if checked.vendor == Vendor::Google {
        super::google::check_template(&checked.name, &checked.content, &images.sources)?;
    } else {
        dry_run(checked, &assets_for(&images.png, checked.content.personalization.as_ref())?)?;
    }
    checked.content.image_urls = images.sources.clone();
    Ok(())
}

pub async fn create(app: &App, request: TemplateRequest) -> Result<Template, ServiceError> {
    let mut checked = check(request, app.config.default_pass_type_id.as_deref())?;
    let images = images::resolve(app, std::mem::take(&mut checked.images)).await?;
    check_sample(&mut checked, &images)?;
    // Images are stored only once the template is known to be good.
    checked.content.image_blobs = images::store(app, images.png).await?;
    let new = NewTemplate {
        name: checked.name,
        vendor: checked.vendor,
        pass_type_id: checked.pass_type_id,
        content: checked.content,
    };
    Ok(app.store.create_template(&new, app.now()).await?)
}

pub async fn get(app: &App, id: u64) -> Result<Template, ServiceError> {
    app.store.get_template(id).await?.ok_or(ServiceError::NotFound("template"))
}

pub async fn update(app: &App, id: u64, request: TemplateRequest) -> Result<Template, ServiceError> {
    let current = get(app, id).await?;
    let mut checked = check(request, app.config.default_pass_type_id.as_deref())?;
    if checked.vendor != current.vendor {
        return Err(ServiceError::invalid("vendor", "cannot change; create a new template instead"));
    }
    let mut images = images::resolve(app, std::mem::take(&mut checked.images)).await?;
    // Headers without a new image keep the stored one (and where it came from).
    let old = &current.content;
    let kept: BTreeMap<String, String> = old
        .image_blobs
        .iter()
        .filter(|(h, _)| !images.png.contains_key(*h))
        .map(|(h, k)| (h.clone(), k.clone()))
        .collect();
    for (header, png) in images::load(app, &kept).await? {
        if let Some(url) = old.image_urls.get(&header) {
            images.sources.insert(header.clone(), url.clone());
        }
        images.png.insert(header, png);
    }
    check_sample(&mut checked, &images)?;
    let mut updated = Template {
        name: checked.name,
        pass_type_id: checked.pass_type_id,
        content: checked.content,
        updated_at: super::passes::next_change_time(app.now(), current.updated_at),
        ..current.clone()
    };
    check_passes_under(app, &updated, &images.png).await?;
    updated.content.image_blobs = images::store(app, images.png).await?;
    let saved = app.store.update_template(&updated, current.version).await?;
    // Every pass of the template changed: one dispatch reaches all their devices.
    app.notify(super::push::Change::Template(id));
    Ok(saved)
}

/// How many rounds a template delete makes before giving up on passes still appearing (an
/// index that lags behind the table shows them late).
const DELETE_ROUNDS: u32 = 50;

/// Deletes the template and every pass made from it. The template is closed first, so a pass
/// created meanwhile either lands before (and is deleted here) or is refused: none is left
/// without its template.
pub async fn delete(app: &App, id: u64) -> Result<(), ServiceError> {
    get(app, id).await?;
    app.store.close_template(id).await?;
    for _ in 0..DELETE_ROUNDS {
        loop {
            let page = PageRequest { page: 1, page_size: 100, ..PageRequest::default() };
            let query = PassQuery { filter: PassFilter::Template(id), status: None, page };
            let batch = app.store.list_passes(&query).await?;
            if batch.items.is_empty() {
                break;
            }
            for pass in batch.items {
                match super::passes::delete(app, pass.id).await {
                    Ok(()) | Err(ServiceError::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        match app.store.delete_template(id).await {
            Ok(()) => return Ok(()),
            Err(StoreError::Conflict(_)) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ServiceError::Conflict("passes of the template are still being created; try the delete again".into()))
}

pub async fn list(app: &App, page: &PageRequest) -> Result<Page<Template>, ServiceError> {
    Ok(app.store.list_templates(page).await?)
}

/// How many broken passes a refused template update names.
pub const MAX_NAMED_PASSES: usize = 20;

/// Checks every pass of the template against its would-be new version: an update that would
/// leave any pass unable to render is refused, naming the passes and what breaks in each.
async fn check_passes_under(
    app: &App,
    template: &Template,
    images: &BTreeMap<String, Vec<u8>>,
) -> Result<(), ServiceError> {
    let mut broken = Vec::new();
    let mut count = 0usize;
    let mut page = PageRequest { page: 1, page_size: 100, order: SortOrder::Id, direction: Direction::Asc };
    loop {
        let query = PassQuery { filter: PassFilter::Template(template.id), status: None, page };
        let batch = app.store.list_passes(&query).await?;
        for pass in &batch.items {
            match super::passes::check_under(app, template, images, pass).await {
                Ok(()) => {}
                Err(ServiceError::Invalid(problems)) => {
                    count += 1;
                    if broken.len() < MAX_NAMED_PASSES {
                        broken.push(BrokenPass { pass_id: pass.id, problems });
                    }
                }
                Err(other) => return Err(other),
            }
        }
        if batch.items.len() < page.page_size as usize {
            break;
        }
        page.page += 1;
    }
    if broken.is_empty() { Ok(()) } else { Err(ServiceError::BreaksPasses { count, first: broken }) }
}

/// The template's prepared assets (images hashed and zipped once per template version).
pub async fn assets(app: &App, template: &Template) -> Result<Arc<PassAssets>, ServiceError> {
    if let Some(assets) = app.cached_assets(template.id, template.version) {
        return Ok(assets);
    }
    let images = images::load(app, &template.content.image_blobs).await?;
    let assets = Arc::new(assets_for(&images, template.content.personalization.as_ref())?);
    app.cache_assets(template.id, template.version, assets.clone());
    Ok(assets)
}
