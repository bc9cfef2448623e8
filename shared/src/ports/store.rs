use async_trait::async_trait;

use crate::model::document::{Collection, Document};
use crate::model::records::*;
use crate::model::trail::{TrailEntry, TrailSubject};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An update named a version that is no longer the stored one.
    #[error("{0} was changed by another request; reload it and try again")]
    Conflict(&'static str),
    #[error("{what} `{key}` already exists")]
    Duplicate { what: &'static str, key: String },
    /// The backend failed; the message is for logs, not for callers.
    #[error("storage backend error: {0}")]
    Backend(String),
    /// The backend did not answer in time, or answered that it is busy: the same call may
    /// work in a moment. The message is for logs.
    #[error("storage backend unavailable: {0}")]
    Unavailable(String),
}

/// Durable state. Every method is atomic on its own; uniqueness and versions are enforced
/// by the backend, so concurrent callers cannot break them.
#[async_trait]
pub trait Store: Send + Sync {
    /// The next number of a counter, starting at 1; never handed out twice.
    async fn allocate_id(&self, sequence: Sequence) -> Result<u64, StoreError>;

    async fn create_api_key(&self, key: &ApiKey) -> Result<(), StoreError>;
    async fn get_api_key(&self, key_id: &str) -> Result<Option<ApiKey>, StoreError>;
    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError>;
    /// Revokes a key (`NotFound` if there is none with that id).
    async fn delete_api_key(&self, key_id: &str) -> Result<(), StoreError>;

    /// Creates a project; its external id is unique (else `Duplicate`).
    async fn create_project(&self, project: &NewProject, now: Millis) -> Result<Project, StoreError>;
    async fn get_project(&self, id: u64) -> Result<Option<Project>, StoreError>;
    async fn get_project_by_external_id(&self, external_id: &str) -> Result<Option<Project>, StoreError>;
    /// Writes name, type, content and `updated_at` (not its ids or pass type).
    async fn update_project(&self, project: &Project) -> Result<Project, StoreError>;
    /// Deletes the project; fails with `Conflict` while templates of it remain.
    async fn delete_project(&self, id: u64) -> Result<(), StoreError>;
    async fn list_projects(&self, page: &PageRequest) -> Result<Page<Project>, StoreError>;

    /// Creates a template in its project (else `NotFound("project")`); its external id is
    /// unique (else `Duplicate`).
    async fn create_template(&self, template: &NewTemplate, now: Millis) -> Result<Template, StoreError>;
    async fn get_template(&self, id: u64) -> Result<Option<Template>, StoreError>;
    async fn get_template_by_external_id(&self, external_id: &str) -> Result<Option<Template>, StoreError>;
    /// Writes name, pass type, body and `updated_at` if `expected_version` is current.
    async fn update_template(&self, template: &Template, expected_version: u64) -> Result<Template, StoreError>;
    /// Closes the template to new passes: from now on `create_pass` for it fails with
    /// `NotFound("template")`, atomically with respect to concurrent creates. The first step
    /// of deleting it.
    async fn close_template(&self, id: u64) -> Result<(), StoreError>;
    /// Deletes the template (and its external id); fails with `Conflict` while passes of it
    /// remain, so no pass is ever left without its template.
    async fn delete_template(&self, id: u64) -> Result<(), StoreError>;
    async fn list_templates(&self, query: &TemplateQuery) -> Result<Page<Template>, StoreError>;

    /// Creates a pass; its serial (per pass type) and external id (per template) are unique,
    /// and its template exists and is open (else `NotFound("template")`).
    async fn create_pass(&self, pass: &NewPass, now: Millis) -> Result<Pass, StoreError>;
    async fn get_pass(&self, id: u64) -> Result<Option<Pass>, StoreError>;
    async fn get_pass_by_serial(&self, pass_type_id: &str, serial: &str) -> Result<Option<Pass>, StoreError>;
    async fn get_pass_by_external_id(&self, template_id: u64, external_id: &str) -> Result<Option<Pass>, StoreError>;
    /// Passes with this external id in any template (external ids are unique per template
    /// only), at most `limit`, oldest first.
    async fn find_passes_by_external_id(&self, external_id: &str, limit: usize) -> Result<Vec<Pass>, StoreError>;
    async fn update_pass(&self, update: &PassUpdate) -> Result<Pass, StoreError>;
    /// Replaces the pass's tags (and tag memberships). Tags are not part of what devices
    /// show, so this is no content change: no new version, no push.
    async fn set_pass_tags(&self, pass_id: u64, tags: &[String]) -> Result<Pass, StoreError>;
    /// Deletes the pass, its uniqueness claims, tags and device registrations.
    async fn delete_pass(&self, id: u64) -> Result<(), StoreError>;
    async fn list_passes(&self, query: &PassQuery) -> Result<Page<Pass>, StoreError>;
    /// How many passes carry the tag.
    async fn count_passes_with_tag(&self, tag: &str) -> Result<u64, StoreError>;
    /// Passes the filter selects with ids above `after_id`, at most `limit`, by id: a cursor
    /// that stays true while passes come and go.
    async fn passes_after(&self, filter: &PassFilter, after_id: u64, limit: usize) -> Result<Vec<Pass>, StoreError>;
    /// Where a pass stands with Google Wallet. Kept apart from the pass: writing it is not a
    /// change of the pass (no new version, no push), and deleting the pass deletes it.
    async fn put_wallet_sync(&self, pass_id: u64, status: &GoogleSync) -> Result<(), StoreError>;
    async fn wallet_sync(&self, pass_id: u64) -> Result<Option<GoogleSync>, StoreError>;

    /// Registers a device for a pass (found by pass type and serial). A repeat registration
    /// keeps the original and takes the newest push token.
    async fn register_device(&self, registration: &NewRegistration, now: Millis)
    -> Result<RegisterOutcome, StoreError>;
    /// Returns whether a registration was removed.
    async fn unregister_device(
        &self,
        device: &str,
        pass_type_id: &str,
        serial: &str,
        now: Millis,
    ) -> Result<bool, StoreError>;
    /// Google said the holder saved (`true`) or deleted (`false`) the pass: it counts as one
    /// device while saved. Returns whether this changed anything (Google repeats itself).
    async fn set_google_saved(&self, pass_id: u64, saved: bool, now: Millis) -> Result<bool, StoreError>;
    async fn registrations_for_pass(&self, pass_id: u64) -> Result<Vec<Registration>, StoreError>;
    async fn registrations_for_template(&self, template_id: u64) -> Result<Vec<Registration>, StoreError>;
    /// The device's passes of this type changed after `since` (all of them without a tag).
    async fn updated_serials(
        &self,
        device: &str,
        pass_type_id: &str,
        since: Option<Millis>,
    ) -> Result<UpdatedSerials, StoreError>;

    /// The tags of these names, made (with new ids) where missing.
    async fn ensure_tags(&self, names: &[String], now: Millis) -> Result<Vec<Tag>, StoreError>;
    async fn get_tag(&self, id: u64) -> Result<Option<Tag>, StoreError>;
    async fn get_tag_by_name(&self, name: &str) -> Result<Option<Tag>, StoreError>;
    async fn list_tags(&self, page: &PageRequest) -> Result<Page<Tag>, StoreError>;
    /// Deletes the tag's record (its name is free again); passes keep whatever they carry.
    async fn delete_tag(&self, id: u64) -> Result<(), StoreError>;

    /// Writes a job's record (by its ticket id), whole.
    async fn put_job(&self, job: &BulkUpdateJob) -> Result<(), StoreError>;
    async fn get_job(&self, ticket_id: u64) -> Result<Option<BulkUpdateJob>, StoreError>;

    async fn create_link(&self, link: &PublicLink) -> Result<(), StoreError>;
    async fn get_link(&self, token: &str) -> Result<Option<PublicLink>, StoreError>;
    /// Uses a link once: a single-use link succeeds for exactly one caller, however many race.
    async fn use_link(&self, token: &str, now: Millis) -> Result<LinkUse, StoreError>;
    /// Points a dynamic link at the pass it created; fails with `Conflict` if it already has one.
    async fn set_link_pass(&self, token: &str, pass_id: u64) -> Result<(), StoreError>;

    /// Appends events to their subjects' trails. A backend keeps each event at least
    /// [`TRAIL_RETENTION_MS`](crate::model::trail::TRAIL_RETENTION_MS) unless its subject has
    /// [`TRAIL_MAX_EVENTS`](crate::model::trail::TRAIL_MAX_EVENTS) newer ones, and may drop it
    /// after that.
    async fn append_trail(&self, entries: &[TrailEntry]) -> Result<(), StoreError>;
    /// The newest `limit` events of the subject at or after `since`, oldest first.
    async fn trail(&self, subject: &TrailSubject, since: Millis, limit: usize) -> Result<Vec<TrailEntry>, StoreError>;

    async fn get_document(&self, collection: Collection, id: &str) -> Result<Option<Document>, StoreError>;
    /// Writes the document if the stored one is at version `expected` (`None`: there must be
    /// none yet, else `Duplicate`; `Some`: else `Conflict`, also when it is gone). The
    /// document written has the next version, which is answered.
    async fn put_document(
        &self,
        collection: Collection,
        id: &str,
        body: &serde_json::Value,
        expected: Option<u64>,
        now: Millis,
    ) -> Result<Document, StoreError>;
    /// Deletes the document; answers whether there was one.
    async fn delete_document(&self, collection: Collection, id: &str) -> Result<bool, StoreError>;
    /// Documents with ids above `after`, in id order, at most `limit`.
    async fn list_documents(
        &self,
        collection: Collection,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Document>, StoreError>;

    async fn create_adaptive_link(&self, link: &AdaptiveLink) -> Result<(), StoreError>;
    async fn get_adaptive_link(&self, id: &str) -> Result<Option<AdaptiveLink>, StoreError>;
    /// Adaptive links by creation time (`Id` and `CreatedAt` order alike).
    async fn list_adaptive_links(&self, page: &PageRequest) -> Result<Page<AdaptiveLink>, StoreError>;
    /// Deletes the link; the passes it minted stay.
    async fn delete_adaptive_link(&self, id: &str) -> Result<(), StoreError>;
    /// Counts one more pass made through the link, atomically, unless it has made `max`
    /// already (or does not exist): whether the pass may be made.
    async fn claim_adaptive_pass(&self, id: &str, max: u64) -> Result<bool, StoreError>;
    /// Gives back a claim whose pass was not made after all.
    async fn release_adaptive_pass(&self, id: &str) -> Result<(), StoreError>;
}

/// For adapters: from each registered serial with its last change (the later of the pass's and
/// its template's), the serials changed after `since` and the tag for next time.
pub fn updated_since(rows: Vec<(String, Millis)>, since: Option<Millis>) -> UpdatedSerials {
    let last_updated = rows.iter().map(|(_, at)| *at).max().unwrap_or(0).max(since.unwrap_or(0));
    let registered = rows.len();
    let serial_numbers =
        rows.into_iter().filter(|(_, at)| since.is_none_or(|s| *at > s)).map(|(serial, _)| serial).collect();
    UpdatedSerials { serial_numbers, last_updated, registered }
}

/// For adapters: the document a write at `expected` makes (the next version; 1 when created).
pub fn written_document(id: &str, body: &serde_json::Value, expected: Option<u64>, now: Millis) -> Document {
    Document { id: id.to_string(), version: expected.map_or(1, |v| v + 1), body: body.clone(), updated_at: now }
}

/// For adapters: what a document write its condition refused means.
pub fn refused_document_write(collection: Collection, id: &str, expected: Option<u64>) -> StoreError {
    match expected {
        None => StoreError::Duplicate { what: collection.as_str(), key: id.to_string() },
        Some(_) => StoreError::Conflict(collection.as_str()),
    }
}
