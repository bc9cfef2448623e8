//! Project use cases: a project fixes the pass type identifier and the kind of pass of the
//! templates it holds, and gives them barcode defaults. A default project exists from the first
//! template on (or the first list), so integrations that never name a project keep working.

use std::collections::HashMap;

use serde::Deserialize;

use super::error::{FieldProblem, ServiceError};
use crate::model::records::{
    NewProject, PROJECT_TYPES, Page, PageRequest, Project, ProjectContent, ProjectSettings, Template, TemplateQuery,
};
use crate::ports::StoreError;
use crate::ports::secrets::check_pass_type_id;
use crate::service::App;

/// The external id of the project templates land in when they name none.
pub const DEFAULT_PROJECT_EXTERNAL_ID: &str = "default";

/// How the API names a project: by id or by external id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectRef {
    Id(u64),
    External(String),
}

/// The body of `POST /v1/project` and `PUT /v1/project/{id}`, in Airship's keys.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProjectRequest {
    pub name: Option<String>,
    pub project_type: Option<String>,
    pub description: Option<String>,
    pub settings: Option<ProjectSettings>,
    /// Tessera's: the Apple pass type its templates sign for (the deployment's by default).
    pub pass_type_identifier: Option<String>,
}

/// A project with the templates it holds.
#[derive(Debug, Clone)]
pub struct ProjectRecord {
    pub project: Project,
    pub templates: Vec<Template>,
}

fn check(request: ProjectRequest) -> Result<(String, String, ProjectContent, Option<String>), ServiceError> {
    let mut problems = Vec::new();
    let name = request.name.filter(|n| !n.trim().is_empty());
    if name.is_none() {
        problems.push(FieldProblem::new("name", "is required"));
    }
    let project_type = request.project_type.filter(|t| PROJECT_TYPES.contains(&t.as_str()));
    if project_type.is_none() {
        problems.push(FieldProblem::new("projectType", format!("must be one of {}", PROJECT_TYPES.join(", "))));
    }
    if let Some(settings) = &request.settings {
        problems.extend(settings.problems());
    }
    if let Some(id) = &request.pass_type_identifier
        && check_pass_type_id(id).is_err()
    {
        problems.push(FieldProblem::new("passTypeIdentifier", "must look like pass.com.example.tickets"));
    }
    match (name, project_type) {
        (Some(name), Some(project_type)) if problems.is_empty() => {
            let content = ProjectContent { description: request.description, settings: request.settings };
            Ok((name, project_type, content, request.pass_type_identifier))
        }
        _ => Err(ServiceError::Invalid(problems)),
    }
}

pub async fn create(app: &App, request: ProjectRequest, external_id: Option<String>) -> Result<Project, ServiceError> {
    if let Some(ext) = &external_id {
        super::check_external_id("externalId", ext)?;
    }
    let (name, project_type, content, pass_type_id) = check(request)?;
    let pass_type_id = pass_type_id.or_else(|| app.default_pass_type_id());
    let new = NewProject { name, project_type, external_id, pass_type_id, content };
    Ok(app.store.create_project(&new, app.now()).await?)
}

pub async fn find(app: &App, project: &ProjectRef) -> Result<Project, ServiceError> {
    let found = match project {
        ProjectRef::Id(id) => app.store.get_project(*id).await?,
        ProjectRef::External(ext) => app.store.get_project_by_external_id(ext).await?,
    };
    found.ok_or(ServiceError::NotFound("project"))
}

/// The project and its templates.
pub async fn get(app: &App, project: &ProjectRef) -> Result<ProjectRecord, ServiceError> {
    let project = find(app, project).await?;
    let templates = templates_of(app, project.id).await?;
    Ok(ProjectRecord { project, templates })
}

/// Every template of the project, oldest first.
async fn templates_of(app: &App, project_id: u64) -> Result<Vec<Template>, ServiceError> {
    templates_in(app, Some(project_id)).await
}

/// Every template (of one project, or of all), oldest first.
async fn templates_in(app: &App, project_id: Option<u64>) -> Result<Vec<Template>, ServiceError> {
    let mut templates = Vec::new();
    let mut page = PageRequest {
        page: 1,
        page_size: 100,
        order: crate::model::records::SortOrder::Id,
        direction: crate::model::records::Direction::Asc,
    };
    loop {
        let batch = app.store.list_templates(&TemplateQuery { project_id, page }).await?;
        let done = batch.items.len() < page.page_size as usize;
        templates.extend(batch.items);
        if done {
            return Ok(templates);
        }
        page.page += 1;
    }
}

/// Changes name, type, description and settings; the pass type identifier stays what it was.
pub async fn update(app: &App, project: &ProjectRef, request: ProjectRequest) -> Result<ProjectRecord, ServiceError> {
    let current = find(app, project).await?;
    let asked_pass_type = request.pass_type_identifier.clone();
    let (name, project_type, content, _) = check(request)?;
    if asked_pass_type.is_some() && asked_pass_type != current.pass_type_id {
        return Err(ServiceError::invalid("passTypeIdentifier", "cannot change; create a new project instead"));
    }
    let updated = Project {
        name,
        project_type,
        content,
        updated_at: super::passes::next_change_time(app.now(), current.updated_at),
        ..current
    };
    let project = app.store.update_project(&updated).await?;
    let templates = templates_of(app, project.id).await?;
    Ok(ProjectRecord { project, templates })
}

/// Deletes an empty project; one that still holds templates is refused with 409.
pub async fn delete(app: &App, project: &ProjectRef) -> Result<u64, ServiceError> {
    let found = find(app, project).await?;
    match app.store.delete_project(found.id).await {
        Ok(()) => Ok(found.id),
        Err(StoreError::Conflict(_)) => {
            Err(ServiceError::Conflict("the project still holds templates; delete them first".into()))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn list(app: &App, page: &PageRequest) -> Result<Page<ProjectRecord>, ServiceError> {
    default_project(app).await?;
    let found = app.store.list_projects(page).await?;
    // One read of every template for the whole page, rather than one per project.
    let mut by_project: HashMap<u64, Vec<Template>> = HashMap::new();
    for template in templates_in(app, None).await? {
        if let Some(project) = template.project_id {
            by_project.entry(project).or_default().push(template);
        }
    }
    let items = found
        .items
        .into_iter()
        .map(|project| {
            let templates = by_project.remove(&project.id).unwrap_or_default();
            ProjectRecord { project, templates }
        })
        .collect();
    Ok(Page { total: found.total, items })
}

/// The project templates land in when they name none, made on first use.
pub async fn default_project(app: &App) -> Result<Project, ServiceError> {
    if let Some(project) = app.store.get_project_by_external_id(DEFAULT_PROJECT_EXTERNAL_ID).await? {
        return Ok(project);
    }
    let new = NewProject {
        name: "Default project".into(),
        project_type: "generic".into(),
        external_id: Some(DEFAULT_PROJECT_EXTERNAL_ID.into()),
        pass_type_id: app.default_pass_type_id(),
        content: ProjectContent { description: Some("Templates created without a project".into()), settings: None },
    };
    match app.store.create_project(&new, app.now()).await {
        Ok(project) => Ok(project),
        // Another request made it first.
        Err(StoreError::Duplicate { .. }) => app
            .store
            .get_project_by_external_id(DEFAULT_PROJECT_EXTERNAL_ID)
            .await?
            .ok_or(ServiceError::NotFound("project")),
        Err(e) => Err(e.into()),
    }
}
