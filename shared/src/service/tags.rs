//! Tags: names passes carry, each with an id. Tag routes take an id or a name; tagging a pass
//! is no content change (nothing on the pass shows it), so it makes no new version and no push.

use super::error::ServiceError;
use super::passes::{MAX_TAGS, check_tags};
use crate::model::records::{Page, PageRequest, PassFilter, Tag};
use crate::service::App;

/// Gives the names ids (made where missing), so every tag a pass carries is listed.
pub(super) async fn record(app: &App, names: &[String]) -> Result<Vec<Tag>, ServiceError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    Ok(app.store.ensure_tags(names, app.now()).await?)
}

/// The tag `{tag}` names: an id when a tag has it, else a name.
pub async fn find(app: &App, tag: &str) -> Result<Tag, ServiceError> {
    if let Some(id) = crate::model::decimal::parse_decimal(tag)
        && let Some(found) = app.store.get_tag(id).await?
    {
        return Ok(found);
    }
    app.store.get_tag_by_name(tag).await?.ok_or(ServiceError::NotFound("tag"))
}

pub async fn list(app: &App, page: &PageRequest) -> Result<Page<Tag>, ServiceError> {
    Ok(app.store.list_tags(page).await?)
}

/// The tags of a pass, with their ids.
pub async fn of_pass(app: &App, pass_id: u64) -> Result<Vec<Tag>, ServiceError> {
    let pass = app.store.get_pass(pass_id).await?.ok_or(ServiceError::NotFound("pass"))?;
    record(app, &pass.tags).await
}

/// What adding tags did: the tags the pass did not have yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub new_tags: Vec<String>,
}

/// Adds tags to a pass (Airship's `PUT /v1/pass/{id}/tags`); at most [`MAX_TAGS`] in all.
pub async fn add_to_pass(app: &App, pass_id: u64, names: Vec<String>) -> Result<Added, ServiceError> {
    if names.is_empty() {
        return Err(ServiceError::invalid("tags", "must hold at least one tag"));
    }
    check_tags(&names)?;
    let pass = app.store.get_pass(pass_id).await?.ok_or(ServiceError::NotFound("pass"))?;
    let mut new_tags: Vec<String> = Vec::new();
    for name in names {
        if !pass.tags.contains(&name) && !new_tags.contains(&name) {
            new_tags.push(name);
        }
    }
    let all: Vec<String> = pass.tags.iter().cloned().chain(new_tags.iter().cloned()).collect();
    if all.len() > MAX_TAGS {
        let message = format!("a pass carries at most {MAX_TAGS} tags; this one has {}", pass.tags.len());
        return Err(ServiceError::invalid("tags", message));
    }
    if !new_tags.is_empty() {
        app.store.set_pass_tags(pass_id, &all).await?;
        record(app, &new_tags).await?;
    }
    Ok(Added { new_tags })
}

/// Takes the tag off one pass.
pub async fn remove_from_pass(app: &App, tag: &str, pass_id: u64) -> Result<Tag, ServiceError> {
    let tag = find(app, tag).await?;
    let pass = app.store.get_pass(pass_id).await?.ok_or(ServiceError::NotFound("pass"))?;
    if !pass.tags.contains(&tag.name) {
        return Err(ServiceError::NotFound("tag on the pass"));
    }
    app.store.set_pass_tags(pass_id, &without(&pass.tags, &tag.name)).await?;
    Ok(tag)
}

fn without(tags: &[String], tag: &str) -> Vec<String> {
    tags.iter().filter(|t| *t != tag).cloned().collect()
}

/// Passes a tag delete takes the tag off per round.
const DELETE_BATCH: usize = 100;

/// Deletes the tag: it comes off every pass, then its record goes. Answers how many passes
/// carried it.
pub async fn delete(app: &App, tag: &str) -> Result<u64, ServiceError> {
    let tag = find(app, tag).await?;
    let mut count = 0;
    let mut after = 0;
    loop {
        let batch = app.store.passes_after(&PassFilter::Tag(tag.name.clone()), after, DELETE_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for pass in batch {
            match app.store.set_pass_tags(pass.id, &without(&pass.tags, &tag.name)).await {
                Ok(_) => count += 1,
                Err(crate::ports::StoreError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    app.store.delete_tag(tag.id).await?;
    Ok(count)
}
