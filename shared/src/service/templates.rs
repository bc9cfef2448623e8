//! Template use cases: create, read, update, delete, list; images stored in Blobs.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine;
use serde::Deserialize;
use serde_json::Value;

use super::error::{FieldProblem, ServiceError};
use super::render::{KNOWN_HEADERS, PassIdentity, image_file, problems_from_issues, render, style_of};
use crate::app::App;
use crate::model::records::{NewTemplate, Page, PageRequest, PassFilter, PassQuery, Template, Vendor};
use crate::model::template::{BeaconSpec, FieldSpec, LocationSpec, PassContent, TemplateContent};
use crate::pkpass::files::PNG_SIGNATURE;
use crate::pkpass::png::solid_png;
use crate::pkpass::{PassAssets, validate_pass};
use crate::ports::secrets::check_pass_type_id;

pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;

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
    /// Airship's project id; accepted and ignored (Tessera has no projects yet).
    pub project_id: Option<Value>,
}

struct Checked {
    name: String,
    vendor: Vendor,
    pass_type_id: Option<String>,
    content: TemplateContent,
    /// Header name → PNG bytes, still to be stored.
    images: BTreeMap<String, Vec<u8>>,
    /// Header name → URL, still to be fetched.
    image_urls: BTreeMap<String, String>,
}

fn check(request: TemplateRequest) -> Result<Checked, ServiceError> {
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
        image_blobs: BTreeMap::new(),
        image_urls: BTreeMap::new(),
    };
    if let Err(ServiceError::Invalid(mut p)) = style_of(&content) {
        problems.append(&mut p);
    }
    let mut images = BTreeMap::new();
    let mut image_urls = BTreeMap::new();
    for (header, spec) in request.headers {
        if image_file(&header).is_some() {
            let value = spec.value.as_ref().and_then(Value::as_str);
            if let Some(url) = value.filter(|v| v.starts_with("https://") || v.starts_with("http://")) {
                image_urls.insert(header.clone(), url.to_string());
                continue;
            }
            match value.map(decode_image) {
                Some(Ok(png)) => {
                    images.insert(header.clone(), png);
                }
                Some(Err(message)) => problems.push(FieldProblem::new(format!("headers.{header}.value"), message)),
                None => problems.push(FieldProblem::new(
                    format!("headers.{header}.value"),
                    "is required (a data:image/png;base64 URL)",
                )),
            }
            continue;
        }
        if !KNOWN_HEADERS.contains(&header.as_str()) {
            problems.push(FieldProblem::new(format!("headers.{header}"), "is not a header Tessera knows"));
        }
        content.headers.insert(header, spec);
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let (Some(name), Some(vendor)) = (name, vendor) else { return Err(ServiceError::Invalid(problems)) };
    Ok(Checked { name, vendor, pass_type_id: request.pass_type_identifier, content, images, image_urls })
}

/// Fetches the images given as URLs (once: they are stored like inline ones).
async fn fetch_images(app: &App, checked: &mut Checked) -> Result<(), ServiceError> {
    let mut problems = Vec::new();
    for (header, url) in std::mem::take(&mut checked.image_urls) {
        match app.images.fetch_png(&url).await {
            Ok(png) => {
                checked.images.insert(header.clone(), png);
                checked.content.image_urls.insert(header, url);
            }
            Err(reason) => problems.push(FieldProblem::new(format!("headers.{header}.value"), reason)),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(problems)) }
}

/// Decodes a `data:image/png;base64,…` URL into PNG bytes.
fn decode_image(value: &str) -> Result<Vec<u8>, String> {
    let data =
        value.strip_prefix("data:image/png;base64,").ok_or("must be an https URL or a data:image/png;base64 URL")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data.trim()).map_err(|_| "is not valid base64")?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!("is larger than {} KiB", MAX_IMAGE_BYTES / 1024));
    }
    if !bytes.starts_with(&PNG_SIGNATURE) {
        return Err("is not a PNG image".into());
    }
    Ok(bytes)
}

/// Renders a sample pass from the template so its mistakes surface now, not at the first pass.
fn dry_run(checked: &Checked, assets: &PassAssets) -> Result<(), ServiceError> {
    let id = PassIdentity {
        pass_type_id: checked.pass_type_id.as_deref().unwrap_or("pass.dev.tessera.google"),
        team_id: super::identities::DEV_TEAM_ID,
        serial_number: "template-check",
        authentication_token: "template-check-token-0123456789",
        web_service_url: None,
    };
    if checked.vendor == Vendor::Google {
        return Ok(());
    }
    let pass = render(&checked.name, &checked.content, &PassContent::default(), &id)?;
    let mut issues = validate_pass(&pass);
    issues.extend(assets.check_for(&pass));
    if issues.is_empty() { Ok(()) } else { Err(problems_from_issues(issues, &pass)) }
}

fn assets_for(images: &BTreeMap<String, Vec<u8>>) -> Result<PassAssets, ServiceError> {
    let mut files: Vec<(String, Vec<u8>)> =
        images.iter().filter_map(|(header, png)| image_file(header).map(|file| (file, png.clone()))).collect();
    if !files.iter().any(|(f, _)| f.starts_with("icon")) {
        files.push(("icon.png".into(), default_icon()));
    }
    PassAssets::new(files).map_err(|issues| {
        ServiceError::Invalid(
            issues.into_iter().map(|i| FieldProblem::new(format!("headers ({})", i.path), i.reason)).collect(),
        )
    })
}

fn default_icon() -> Vec<u8> {
    solid_png(58, 58, [60, 65, 76])
}

pub async fn create(app: &App, request: TemplateRequest) -> Result<Template, ServiceError> {
    let mut checked = check(request)?;
    fetch_images(app, &mut checked).await?;
    dry_run(&checked, &assets_for(&checked.images)?)?;
    store_images(app, &mut checked).await?;
    let new = NewTemplate {
        name: checked.name,
        vendor: checked.vendor,
        pass_type_id: checked.pass_type_id,
        body: serde_json::to_value(&checked.content).map_err(|e| ServiceError::Internal(e.to_string()))?,
    };
    Ok(app.store.create_template(&new, app.now()).await?)
}

/// Stores images under a key no other template version uses, so a cached .pkpass of an older
/// version never points at changed bytes.
async fn store_images(app: &App, checked: &mut Checked) -> Result<(), ServiceError> {
    let unique = uuid::Uuid::new_v4().simple();
    for (header, png) in std::mem::take(&mut checked.images) {
        let file = image_file(&header).unwrap_or_else(|| format!("{header}.png"));
        let key = format!("images/{unique}/{file}");
        app.blobs.put(&key, png, "image/png").await?;
        checked.content.image_blobs.insert(header, key);
    }
    Ok(())
}

pub async fn get(app: &App, id: u64) -> Result<Template, ServiceError> {
    app.store.get_template(id).await?.ok_or(ServiceError::NotFound("template"))
}

pub async fn update(app: &App, id: u64, request: TemplateRequest) -> Result<Template, ServiceError> {
    let current = get(app, id).await?;
    let mut checked = check(request)?;
    fetch_images(app, &mut checked).await?;
    if checked.vendor != current.vendor {
        return Err(ServiceError::invalid("vendor", "cannot change; create a new template instead"));
    }
    let old_content = content(&current)?;
    // Headers without a new image keep the stored one (and where it came from).
    let mut images: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (header, key) in &old_content.image_blobs {
        if checked.images.contains_key(header) {
            continue;
        }
        if let Some(blob) = app.blobs.get(key).await? {
            images.insert(header.clone(), blob.bytes);
        }
        if let Some(url) = old_content.image_urls.get(header) {
            checked.content.image_urls.insert(header.clone(), url.clone());
        }
    }
    images.extend(std::mem::take(&mut checked.images));
    dry_run(&checked, &assets_for(&images)?)?;
    checked.images = images;
    store_images(app, &mut checked).await?;
    let updated = Template {
        name: checked.name,
        pass_type_id: checked.pass_type_id,
        body: serde_json::to_value(&checked.content).map_err(|e| ServiceError::Internal(e.to_string()))?,
        updated_at: app.now().max(current.updated_at + 1),
        ..current.clone()
    };
    Ok(app.store.update_template(&updated, current.version).await?)
}

/// Deletes the template and every pass made from it.
pub async fn delete(app: &App, id: u64) -> Result<(), ServiceError> {
    get(app, id).await?;
    loop {
        let page = PageRequest { page: 1, page_size: 100, ..PageRequest::default() };
        let batch = app.store.list_passes(&PassQuery { filter: PassFilter::Template(id), status: None, page }).await?;
        if batch.items.is_empty() {
            break;
        }
        for pass in batch.items {
            super::passes::delete(app, pass.id).await?;
        }
    }
    Ok(app.store.delete_template(id).await?)
}

pub async fn list(app: &App, page: &PageRequest) -> Result<Page<Template>, ServiceError> {
    Ok(app.store.list_templates(page).await?)
}

pub fn content(template: &Template) -> Result<TemplateContent, ServiceError> {
    serde_json::from_value(template.body.clone())
        .map_err(|e| ServiceError::Internal(format!("template {} body: {e}", template.id)))
}

/// The template's prepared assets (images hashed and zipped once per template version).
pub async fn assets(app: &App, template: &Template) -> Result<Arc<PassAssets>, ServiceError> {
    if let Some(assets) = app.cached_assets(template.id, template.version) {
        return Ok(assets);
    }
    let content = content(template)?;
    let mut images = BTreeMap::new();
    for (header, key) in &content.image_blobs {
        let blob =
            app.blobs.get(key).await?.ok_or_else(|| ServiceError::Internal(format!("image {key} is missing")))?;
        images.insert(header.clone(), blob.bytes);
    }
    let assets = Arc::new(assets_for(&images)?);
    app.cache_assets(template.id, template.version, assets.clone());
    Ok(assets)
}
