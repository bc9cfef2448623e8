//! Segments: named boolean expressions over tags (`model::segment`), kept as documents, and
//! their members found from the passes of the expression's anchor tags.
//!
//! Cost of finding members: each round reads the next passes of every anchor tag (on
//! DynamoDB one Query per tag, plus a BatchGetItem per 100 passes), so a page costs about
//! (pages of candidates) × (anchor tags) reads. An expression with no anchor (a `not` at the
//! top, or an `or` with such a branch) walks every pass of the deployment: put a tag in front
//! of it (`{"and": [{"tag": "members"}, {"not": …}]}`) to keep it cheap. One call looks at no
//! more than [`MAX_EXAMINED`] passes and answers a cursor to go on from.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ServiceError;
use super::passes::PassRecord;
use crate::model::document::{Collection, Document, numeric_id};
use crate::model::records::{Millis, Page, PageRequest, Pass, PassFilter, Sequence};
use crate::model::segment::Criteria;
use crate::service::App;

/// Segments a deployment keeps (listing reads them all).
pub const MAX_SEGMENTS: usize = 1000;
/// Passes one call of [`members_after`] looks at before it answers with a cursor.
pub const MAX_EXAMINED: usize = 5000;
const MAX_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub id: u64,
    pub name: String,
    pub criteria: Criteria,
    pub created_at: Millis,
    pub updated_at: Millis,
    version: u64,
}

/// The body of `POST /v1/segments` and `PUT /v1/segments/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentRequest {
    pub name: String,
    pub criteria: Value,
}

/// A page of members: `next` is the cursor to ask from when there may be more.
#[derive(Debug, Clone, PartialEq)]
pub struct Members {
    pub passes: Vec<Pass>,
    pub next: Option<u64>,
}

fn checked(request: &SegmentRequest) -> Result<(String, Criteria), ServiceError> {
    let name = super::check_name("name", &request.name, MAX_NAME_CHARS)?;
    let criteria = Criteria::parse(&request.criteria, "criteria").map_err(|p| ServiceError::Invalid(vec![p]))?;
    Ok((name, criteria))
}

fn body(name: &str, criteria: &Criteria, created_at: Millis) -> Value {
    json!({"name": name, "criteria": criteria.to_json(), "createdAt": created_at})
}

fn from_document(document: &Document) -> Result<Segment, ServiceError> {
    let corrupt = || ServiceError::Internal(format!("stored segment {} does not decode", document.id));
    let id = document.id.parse().map_err(|_| corrupt())?;
    let name = document.body["name"].as_str().ok_or_else(corrupt)?.to_string();
    let criteria = Criteria::parse(&document.body["criteria"], "criteria").map_err(|_| corrupt())?;
    let created_at = document.body["createdAt"].as_i64().ok_or_else(corrupt)?;
    Ok(Segment { id, name, criteria, created_at, updated_at: document.updated_at, version: document.version })
}

pub async fn create(app: &App, request: SegmentRequest) -> Result<Segment, ServiceError> {
    let (name, criteria) = checked(&request)?;
    let existing = app.store.list_documents(Collection::Segment, "", MAX_SEGMENTS).await?;
    if existing.len() >= MAX_SEGMENTS {
        return Err(ServiceError::Conflict(format!("a deployment keeps at most {MAX_SEGMENTS} segments")));
    }
    let id = app.store.allocate_id(Sequence::Segment).await?;
    let now = app.now();
    let document =
        app.store.put_document(Collection::Segment, &numeric_id(id), &body(&name, &criteria, now), None, now).await?;
    from_document(&document)
}

pub async fn get(app: &App, id: u64) -> Result<Segment, ServiceError> {
    let document = app.store.get_document(Collection::Segment, &numeric_id(id)).await?;
    from_document(&document.ok_or(ServiceError::NotFound("segment"))?)
}

/// Segments by id, a page of them.
pub async fn list(app: &App, page: &PageRequest) -> Result<Page<Segment>, ServiceError> {
    let all = app.store.list_documents(Collection::Segment, "", MAX_SEGMENTS).await?;
    let items = all
        .iter()
        .skip(page.offset() as usize)
        .take(page.page_size as usize)
        .map(from_document)
        .collect::<Result<_, _>>()?;
    Ok(Page { total: all.len() as u64, items })
}

/// Replaces the segment's name and criteria.
pub async fn update(app: &App, id: u64, request: SegmentRequest) -> Result<Segment, ServiceError> {
    let (name, criteria) = checked(&request)?;
    let current = get(app, id).await?;
    let written = app
        .store
        .put_document(
            Collection::Segment,
            &numeric_id(id),
            &body(&name, &criteria, current.created_at),
            Some(current.version),
            app.now(),
        )
        .await?;
    from_document(&written)
}

pub async fn delete(app: &App, id: u64) -> Result<(), ServiceError> {
    if app.store.delete_document(Collection::Segment, &numeric_id(id)).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound("segment"))
    }
}

/// The segment's members with ids above `after`, at most `limit`.
pub async fn members(app: &App, id: u64, after: u64, limit: usize) -> Result<Members, ServiceError> {
    let segment = get(app, id).await?;
    members_after(app, &segment.criteria, after, limit).await
}

/// [`members`] as the views list passes, with the cursor of the next page.
pub async fn member_records(
    app: &App,
    id: u64,
    after: u64,
    limit: usize,
) -> Result<(Vec<PassRecord>, Option<u64>), ServiceError> {
    let found = members(app, id, after, limit).await?;
    Ok((super::passes::with_templates(app, found.passes).await?, found.next))
}

/// Passes matching `criteria` with ids above `after`, by id, at most `limit`: the anchor
/// tags' passes are read together from the cursor, as far as every one of them has been
/// read, and each candidate is held to the whole expression.
pub async fn members_after(app: &App, criteria: &Criteria, after: u64, limit: usize) -> Result<Members, ServiceError> {
    let limit = limit.max(1);
    let sources: Vec<PassFilter> = match criteria.anchors() {
        Some(tags) => tags.into_iter().map(PassFilter::Tag).collect(),
        None => vec![PassFilter::All],
    };
    let batch = limit.clamp(50, 500);
    let (mut cursor, mut examined, mut passes) = (after, 0, Vec::new());
    loop {
        let mut candidates = BTreeMap::new();
        // Past the last id of a full batch, that source has not been read yet.
        let mut read_to = u64::MAX;
        for source in &sources {
            let found = app.store.passes_after(source, cursor, batch).await?;
            if found.len() == batch {
                read_to = read_to.min(found.last().map_or(u64::MAX, |p| p.id));
            }
            candidates.extend(found.into_iter().map(|p| (p.id, p)));
        }
        for (id, pass) in candidates.range(..=read_to) {
            examined += 1;
            if criteria.matches(&pass.tags) {
                passes.push(pass.clone());
                if passes.len() == limit {
                    return Ok(Members { passes, next: Some(*id) });
                }
            }
        }
        if read_to == u64::MAX {
            return Ok(Members { passes, next: None });
        }
        cursor = read_to;
        if examined >= MAX_EXAMINED {
            return Ok(Members { passes, next: Some(cursor) });
        }
    }
}
