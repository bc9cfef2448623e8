//! Audiences: the passes a bulk change is for (a tag's, a segment's, a template's, one pass,
//! an external id's), walked by id from a cursor so the walk stays true while passes come
//! and go.

use std::collections::HashMap;

use super::error::ServiceError;
use super::segments::{self, Members};
use crate::model::records::{Audience, Pass, PassFilter, Template};
use crate::service::App;

/// The audience's passes with ids above `after`, at most `limit`.
pub async fn members_after(app: &App, audience: &Audience, after: u64, limit: usize) -> Result<Members, ServiceError> {
    let walk = |filter: PassFilter| async move {
        let passes = app.store.passes_after(&filter, after, limit).await?;
        let next = (passes.len() >= limit).then(|| passes.last().map_or(after, |p| p.id));
        Ok(Members { passes, next })
    };
    match audience {
        Audience::Tag(tag) => walk(PassFilter::Tag(tag.clone())).await,
        Audience::Segment(id) => segments::members(app, *id, after, limit).await,
        Audience::Template(id) => walk(PassFilter::Template(*id)).await,
        Audience::Pass(id) => {
            let pass = if *id > after { app.store.get_pass(*id).await? } else { None };
            Ok(Members { passes: pass.into_iter().collect(), next: None })
        }
        Audience::ExternalId(external_id) => {
            let found = app.store.find_passes_by_external_id(external_id, MAX_SAME_EXTERNAL_ID).await?;
            Ok(Members { passes: found.into_iter().filter(|p| p.id > after).collect(), next: None })
        }
    }
}

/// Passes one external id names at most (external ids are unique per template).
const MAX_SAME_EXTERNAL_ID: usize = 1000;

/// The passes whose template is in the project (templates made before projects existed count
/// as the default project's).
pub async fn of_project(app: &App, passes: Vec<Pass>, project_id: u64) -> Result<Vec<Pass>, ServiceError> {
    let mut in_project: HashMap<u64, bool> = HashMap::new();
    let mut kept = Vec::with_capacity(passes.len());
    for pass in passes {
        let keep = match in_project.get(&pass.template_id) {
            Some(keep) => *keep,
            None => {
                let keep = match app.store.get_template(pass.template_id).await? {
                    Some(template) => template_in_project(app, &template, project_id).await?,
                    None => false,
                };
                in_project.insert(pass.template_id, keep);
                keep
            }
        };
        if keep {
            kept.push(pass);
        }
    }
    Ok(kept)
}

/// How many passes the audience has, where that is cheap to know (a tag's count); `None`
/// for a segment, whose members are only known by walking them.
pub async fn known_size(app: &App, audience: &Audience) -> Result<Option<u64>, ServiceError> {
    match audience {
        Audience::Tag(tag) => Ok(Some(app.store.count_passes_with_tag(tag).await?)),
        Audience::Template(_) | Audience::Segment(_) | Audience::ExternalId(_) => Ok(None),
        Audience::Pass(_) => Ok(Some(1)),
    }
}

/// Whether the template is the project's (one made before projects existed is the default
/// project's).
pub async fn template_in_project(app: &App, template: &Template, project_id: u64) -> Result<bool, ServiceError> {
    Ok(match template.project_id {
        Some(id) => id == project_id,
        None => super::projects::default_project(app).await?.id == project_id,
    })
}
