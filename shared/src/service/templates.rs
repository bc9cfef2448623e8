//! Template use cases: create (in a project), read, update, duplicate, delete, list; images
//! stored in Blobs. Requests come in Tessera's compact shape or in Airship's (vendor `Apple`,
//! `vendorId`, type `Event Ticket`, `projectType`).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::error::{BrokenPass, FieldProblem, ServiceError};
use super::google_fields::collapse_modules;
use super::images::{self, ImageInputs, assets_for, take_image_headers};
use super::projects::{self, ProjectRef};
use super::render::{KNOWN_HEADERS, PassIdentity, check_rendered, render, style_of};
pub use super::template_request::TemplateRequest;
use super::template_request::{apply_project_settings, style_key, vendor_of};
use crate::model::records::{
    Direction, NewTemplate, Page, PageRequest, PassFilter, PassQuery, Project, SortOrder, Template, TemplateQuery,
    Vendor,
};
use crate::model::template::{PassContent, TemplateContent};
use crate::pkpass::PassAssets;
use crate::ports::StoreError;
use crate::ports::secrets::check_pass_type_id;
use crate::service::App;

/// How the API names a template: by id or by external id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateRef {
    Id(u64),
    External(String),
}

/// Where a new template goes: a project named in the path (else the body's `projectId`, else
/// the default project), and its external id.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    pub project: Option<ProjectRef>,
    pub external_id: Option<String>,
}

struct Checked {
    name: String,
    vendor: Vendor,
    pass_type_id: Option<String>,
    content: TemplateContent,
    /// Images named by headers, still to be fetched and stored.
    images: ImageInputs,
}

/// `default_pass_type_id` (the project's, the deployment's, or the development PKI's)
/// stands in for an Apple template's missing one.
fn check(mut request: TemplateRequest, default_pass_type_id: Option<&str>) -> Result<Checked, ServiceError> {
    let mut problems = Vec::new();
    let name = request.name.clone().filter(|n| !n.trim().is_empty());
    if name.is_none() {
        problems.push(FieldProblem::new("name", "is required"));
    }
    let vendor = vendor_of(&request, &mut problems);
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
    let style = request.style.or(request.project_type.clone()).map(|t| style_key(&t).map_or(t, str::to_string));
    let fields = match vendor {
        Some(Vendor::Google) => collapse_modules(request.fields, &mut problems),
        _ => request.fields,
    };
    let mut content = TemplateContent {
        description: request.description,
        style,
        project_type: request.project_type,
        organization_name: request.organization_name,
        headers: BTreeMap::new(),
        fields,
        locations: request.locations,
        location_ids: Vec::new(),
        beacons: request.beacons,
        semantics: request.semantics,
        nfc: request.nfc,
        personalization: request.personalization,
        preferred_style_schemes: request.preferred_style_schemes,
        relevant_dates: request.relevant_dates,
        upcoming_pass_information: request.upcoming_pass_information,
        localizations: request.localizations,
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
fn dry_run(
    name: &str,
    pass_type_id: Option<&str>,
    content: &TemplateContent,
    assets: &PassAssets,
) -> Result<Vec<FieldProblem>, ServiceError> {
    let id = PassIdentity {
        pass_type_id: pass_type_id.unwrap_or(super::identities::DEV_PASS_TYPE_ID),
        team_id: super::identities::DEV_TEAM_ID,
        serial_number: "template-check",
        authentication_token: "template-check-token-0123456789",
        web_service_url: None,
    };
    check_rendered(&render(name, content, &PassContent::default(), &id)?, assets)
}

/// Renders a sample pass of the template with these images (PNGs by header, and where the
/// fetched ones came from); answers the sample's warnings.
fn sample_renders(
    name: &str,
    vendor: Vendor,
    pass_type_id: Option<&str>,
    content: &TemplateContent,
    png: &BTreeMap<String, Vec<u8>>,
    sources: &BTreeMap<String, String>,
) -> Result<Vec<FieldProblem>, ServiceError> {
    if vendor == Vendor::Google {
        super::google::check_template(name, content, sources).map(|()| Vec::new())
    } else {
        dry_run(name, pass_type_id, content, &assets_for(png, content)?)
    }
}

/// Renders a sample pass with the template's final images; answers its warnings.
fn check_sample(checked: &mut Checked, images: &images::Images) -> Result<Vec<FieldProblem>, ServiceError> {
    let pass_type_id = checked.pass_type_id.as_deref();
    let warnings =
        sample_renders(&checked.name, checked.vendor, pass_type_id, &checked.content, &images.png, &images.sources)?;
    checked.content.image_urls = images.sources.clone();
    Ok(warnings)
}

/// Applies an edit to a stored template, checked as an update is (a sample pass renders, and
/// no pass of the template breaks), then tells every pass's devices.
pub(super) async fn revise(
    app: &App,
    current: Template,
    edit: impl FnOnce(&mut TemplateContent) -> Result<(), ServiceError>,
) -> Result<Template, ServiceError> {
    let mut content = current.content.clone();
    edit(&mut content)?;
    let png = images::load(app, &content.image_blobs).await?;
    let pass_type_id = current.pass_type_id.as_deref();
    sample_renders(&current.name, current.vendor, pass_type_id, &content, &png, &content.image_urls)?;
    give_locations_ids(app, &mut content).await?;
    let updated = Template {
        content,
        updated_at: super::passes::next_change_time(app.now(), current.updated_at),
        ..current.clone()
    };
    check_passes_under(app, &updated, &png).await?;
    let saved = app.store.update_template(&updated, current.version).await?;
    app.notify(super::push::Change::Template(saved.id));
    Ok(saved)
}

/// Every location of a template gets an id, whether it came with the create, an update or
/// the locations route.
async fn give_locations_ids(app: &App, content: &mut TemplateContent) -> Result<(), ServiceError> {
    content.location_ids.truncate(content.locations.len());
    while content.location_ids.len() < content.locations.len() {
        content.location_ids.push(app.store.allocate_id(crate::model::records::Sequence::Location).await?);
    }
    Ok(())
}

const PASS_TYPE_FIXED: &str = "must be the project's (a project fixes its templates' pass type)";

/// The pass type a template's project fixes; the default project fixes none (templates made
/// without a project may name their own).
async fn fixed_pass_type(app: &App, template: &Template) -> Result<Option<String>, ServiceError> {
    let Some(project) = template.project_id else { return Ok(None) };
    Ok(app.store.get_project(project).await?.and_then(|p| fixed_by(&p).cloned()))
}

fn fixed_by(project: &Project) -> Option<&String> {
    let default = project.external_id.as_deref() == Some(projects::DEFAULT_PROJECT_EXTERNAL_ID);
    if default { None } else { project.pass_type_id.as_ref() }
}

/// The project a new template goes in, found before anything is checked; `None` for the
/// default project, which is made (if need be) only once the template is known to be good.
async fn explicit_project(
    app: &App,
    placement: &Placement,
    request: &TemplateRequest,
) -> Result<Option<Project>, ServiceError> {
    let in_body = match &request.project_id {
        None => None,
        Some(id) => match super::number_or_text(id) {
            Some(id) => Some(id),
            None => return Err(ServiceError::invalid("projectId", "must be a project id")),
        },
    };
    let project = match (&placement.project, in_body) {
        (Some(path), _) => projects::find(app, path).await?,
        (None, Some(id)) => projects::find(app, &ProjectRef::Id(id)).await?,
        (None, None) => return Ok(None),
    };
    if in_body.is_some_and(|id| id != project.id) {
        return Err(ServiceError::invalid("projectId", "does not match the project in the path"));
    }
    Ok(Some(project))
}

/// A template as saved, with the warnings its sample pass rendered with.
pub struct SavedTemplate {
    pub template: Template,
    pub warnings: Vec<FieldProblem>,
}

pub async fn create(
    app: &App,
    mut request: TemplateRequest,
    placement: Placement,
) -> Result<SavedTemplate, ServiceError> {
    if let Some(ext) = &placement.external_id {
        super::check_external_id("externalId", ext)?;
    }
    let project = explicit_project(app, &placement, &request).await?;
    let default_pass_type = match &project {
        Some(project) => {
            if let (Some(asked), Some(fixed)) = (&request.pass_type_identifier, fixed_by(project))
                && asked != fixed
            {
                return Err(ServiceError::invalid("passTypeIdentifier", PASS_TYPE_FIXED));
            }
            request.project_type = request.project_type.or(Some(project.project_type.clone()));
            if let Some(settings) = &project.content.settings {
                apply_project_settings(settings, &mut request.headers);
            }
            project.pass_type_id.clone().or_else(|| app.default_pass_type_id())
        }
        None => app.default_pass_type_id(),
    };
    let mut checked = check(request, default_pass_type.as_deref())?;
    let images = images::resolve(app, std::mem::take(&mut checked.images)).await?;
    let warnings = check_sample(&mut checked, &images)?;
    let project_id = match project {
        Some(project) => project.id,
        None => projects::default_project(app).await?.id,
    };
    // Images are named now and written once the template is: a create that fails or loses a
    // race leaves no image behind.
    checked.content.image_blobs = images::keys_for(&images.png);
    give_locations_ids(app, &mut checked.content).await?;
    let new = NewTemplate {
        project_id: Some(project_id),
        external_id: placement.external_id,
        name: checked.name,
        vendor: checked.vendor,
        pass_type_id: checked.pass_type_id,
        content: checked.content,
    };
    let template = app.store.create_template(&new, app.now()).await?;
    if let Err(e) = images::put(app, images.png).await {
        app.store.delete_template(template.id).await?;
        return Err(e);
    }
    Ok(SavedTemplate { template, warnings })
}

pub async fn get(app: &App, id: u64) -> Result<Template, ServiceError> {
    app.store.get_template(id).await?.ok_or(ServiceError::NotFound("template"))
}

pub async fn find(app: &App, template: &TemplateRef) -> Result<Template, ServiceError> {
    match template {
        TemplateRef::Id(id) => get(app, *id).await,
        TemplateRef::External(ext) => {
            app.store.get_template_by_external_id(ext).await?.ok_or(ServiceError::NotFound("template"))
        }
    }
}

/// A copy of the template (content and images) in the same project, without its external id.
pub async fn duplicate(app: &App, template: &TemplateRef) -> Result<Template, ServiceError> {
    let source = find(app, template).await?;
    let new = NewTemplate {
        project_id: source.project_id,
        external_id: None,
        name: source.name,
        vendor: source.vendor,
        pass_type_id: source.pass_type_id,
        content: source.content,
    };
    Ok(app.store.create_template(&new, app.now()).await?)
}

pub async fn update(
    app: &App,
    template: &TemplateRef,
    request: TemplateRequest,
) -> Result<SavedTemplate, ServiceError> {
    let current = find(app, template).await?;
    let id = current.id;
    if let Some(asked) = &request.pass_type_identifier
        && let Some(fixed) = fixed_pass_type(app, &current).await?
        && *asked != fixed
    {
        return Err(ServiceError::invalid("passTypeIdentifier", PASS_TYPE_FIXED));
    }
    let fallback = current.pass_type_id.clone().or_else(|| app.default_pass_type_id());
    let mut checked = check(request, fallback.as_deref())?;
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
    let warnings = check_sample(&mut checked, &images)?;
    let mut updated = Template {
        name: checked.name,
        pass_type_id: checked.pass_type_id,
        content: checked.content,
        updated_at: super::passes::next_change_time(app.now(), current.updated_at),
        ..current.clone()
    };
    check_passes_under(app, &updated, &images.png).await?;
    updated.content.image_blobs = images::store(app, images.png).await?;
    give_locations_ids(app, &mut updated.content).await?;
    let saved = app.store.update_template(&updated, current.version).await?;
    // Every pass of the template changed: one dispatch reaches all their devices.
    app.notify(super::push::Change::Template(id));
    Ok(SavedTemplate { template: saved, warnings })
}

/// How many rounds a template delete makes before giving up on passes still appearing (an
/// index that lags behind the table shows them late).
const DELETE_ROUNDS: u32 = 50;

/// Deletes the template and every pass made from it. The template is closed first, so a pass
/// created meanwhile either lands before (and is deleted here) or is refused: none is left
/// without its template.
pub async fn delete(app: &App, template: &TemplateRef) -> Result<u64, ServiceError> {
    let id = find(app, template).await?.id;
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
            Ok(()) => return Ok(id),
            Err(StoreError::Conflict(_)) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ServiceError::Conflict("passes of the template are still being created; try the delete again".into()))
}

pub async fn list(app: &App, page: &PageRequest) -> Result<Page<Template>, ServiceError> {
    Ok(app.store.list_templates(&TemplateQuery { project_id: None, page: *page }).await?)
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
    let assets = Arc::new(assets_for(&images, &template.content)?);
    app.cache_assets(template.id, template.version, assets.clone());
    Ok(assets)
}
