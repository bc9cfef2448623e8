//! Probes around the ports: wrappers that count every call before passing it on, so tests can
//! hold a use case to the reads it promises (a device poll reads the pass once, and so on).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tessera::model::document::{Collection, Document};
use tessera::model::records::*;
use tessera::model::trail::{TrailEntry, TrailSubject};
use tessera::ports::{Blob, BlobError, Blobs, Store, StoreError};

/// Calls by method name, since the last `take`.
#[derive(Default)]
pub struct Calls(Mutex<BTreeMap<&'static str, u32>>);

impl Calls {
    fn count(&self, method: &'static str) {
        *self.0.lock().unwrap().entry(method).or_default() += 1;
    }

    /// The calls so far, and a fresh start.
    pub fn take(&self) -> BTreeMap<&'static str, u32> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

pub struct CountingStore {
    pub inner: Arc<dyn Store>,
    pub calls: Arc<Calls>,
}

impl CountingStore {
    fn count(&self, method: &'static str) {
        self.calls.count(method);
    }
}

#[async_trait]
impl Store for CountingStore {
    async fn allocate_id(&self, sequence: Sequence) -> Result<u64, StoreError> {
        self.count("allocate_id");
        self.inner.allocate_id(sequence).await
    }

    async fn create_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        self.count("create_api_key");
        self.inner.create_api_key(key).await
    }

    async fn delete_api_key(&self, key_id: &str) -> Result<(), StoreError> {
        self.count("delete_api_key");
        self.inner.delete_api_key(key_id).await
    }

    async fn get_api_key(&self, key_id: &str) -> Result<Option<ApiKey>, StoreError> {
        self.count("get_api_key");
        self.inner.get_api_key(key_id).await
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        self.count("list_api_keys");
        self.inner.list_api_keys().await
    }

    async fn create_project(&self, project: &NewProject, now: Millis) -> Result<Project, StoreError> {
        self.count("create_project");
        self.inner.create_project(project, now).await
    }

    async fn get_project(&self, id: u64) -> Result<Option<Project>, StoreError> {
        self.count("get_project");
        self.inner.get_project(id).await
    }

    async fn get_project_by_external_id(&self, external_id: &str) -> Result<Option<Project>, StoreError> {
        self.count("get_project_by_external_id");
        self.inner.get_project_by_external_id(external_id).await
    }

    async fn update_project(&self, project: &Project) -> Result<Project, StoreError> {
        self.count("update_project");
        self.inner.update_project(project).await
    }

    async fn delete_project(&self, id: u64) -> Result<(), StoreError> {
        self.count("delete_project");
        self.inner.delete_project(id).await
    }

    async fn list_projects(&self, page: &PageRequest) -> Result<Page<Project>, StoreError> {
        self.count("list_projects");
        self.inner.list_projects(page).await
    }

    async fn get_template_by_external_id(&self, external_id: &str) -> Result<Option<Template>, StoreError> {
        self.count("get_template_by_external_id");
        self.inner.get_template_by_external_id(external_id).await
    }

    async fn create_template(&self, template: &NewTemplate, now: Millis) -> Result<Template, StoreError> {
        self.count("create_template");
        self.inner.create_template(template, now).await
    }

    async fn get_template(&self, id: u64) -> Result<Option<Template>, StoreError> {
        self.count("get_template");
        self.inner.get_template(id).await
    }

    async fn update_template(&self, template: &Template, expected_version: u64) -> Result<Template, StoreError> {
        self.count("update_template");
        self.inner.update_template(template, expected_version).await
    }

    async fn close_template(&self, id: u64) -> Result<(), StoreError> {
        self.count("close_template");
        self.inner.close_template(id).await
    }

    async fn delete_template(&self, id: u64) -> Result<(), StoreError> {
        self.count("delete_template");
        self.inner.delete_template(id).await
    }

    async fn list_templates(&self, query: &TemplateQuery) -> Result<Page<Template>, StoreError> {
        self.count("list_templates");
        self.inner.list_templates(query).await
    }

    async fn create_pass(&self, pass: &NewPass, now: Millis) -> Result<Pass, StoreError> {
        self.count("create_pass");
        self.inner.create_pass(pass, now).await
    }

    async fn get_pass(&self, id: u64) -> Result<Option<Pass>, StoreError> {
        self.count("get_pass");
        self.inner.get_pass(id).await
    }

    async fn get_pass_by_serial(&self, pass_type_id: &str, serial: &str) -> Result<Option<Pass>, StoreError> {
        self.count("get_pass_by_serial");
        self.inner.get_pass_by_serial(pass_type_id, serial).await
    }

    async fn get_pass_by_external_id(&self, template_id: u64, external_id: &str) -> Result<Option<Pass>, StoreError> {
        self.count("get_pass_by_external_id");
        self.inner.get_pass_by_external_id(template_id, external_id).await
    }

    async fn set_pass_tags(&self, pass_id: u64, tags: &[String]) -> Result<Pass, StoreError> {
        self.count("set_pass_tags");
        self.inner.set_pass_tags(pass_id, tags).await
    }

    async fn ensure_tags(&self, names: &[String], now: Millis) -> Result<Vec<Tag>, StoreError> {
        self.count("ensure_tags");
        self.inner.ensure_tags(names, now).await
    }

    async fn get_tag(&self, id: u64) -> Result<Option<Tag>, StoreError> {
        self.count("get_tag");
        self.inner.get_tag(id).await
    }

    async fn get_tag_by_name(&self, name: &str) -> Result<Option<Tag>, StoreError> {
        self.count("get_tag_by_name");
        self.inner.get_tag_by_name(name).await
    }

    async fn list_tags(&self, page: &PageRequest) -> Result<Page<Tag>, StoreError> {
        self.count("list_tags");
        self.inner.list_tags(page).await
    }

    async fn delete_tag(&self, id: u64) -> Result<(), StoreError> {
        self.count("delete_tag");
        self.inner.delete_tag(id).await
    }

    async fn list_adaptive_links(&self, page: &PageRequest) -> Result<Page<AdaptiveLink>, StoreError> {
        self.count("list_adaptive_links");
        self.inner.list_adaptive_links(page).await
    }

    async fn delete_adaptive_link(&self, id: &str) -> Result<(), StoreError> {
        self.count("delete_adaptive_link");
        self.inner.delete_adaptive_link(id).await
    }

    async fn claim_adaptive_pass(&self, id: &str, max: u64) -> Result<bool, StoreError> {
        self.count("claim_adaptive_pass");
        self.inner.claim_adaptive_pass(id, max).await
    }

    async fn release_adaptive_pass(&self, id: &str) -> Result<(), StoreError> {
        self.count("release_adaptive_pass");
        self.inner.release_adaptive_pass(id).await
    }

    async fn count_passes_with_tag(&self, tag: &str) -> Result<u64, StoreError> {
        self.count("count_passes_with_tag");
        self.inner.count_passes_with_tag(tag).await
    }

    async fn passes_after(&self, filter: &PassFilter, after_id: u64, limit: usize) -> Result<Vec<Pass>, StoreError> {
        self.count("passes_after");
        self.inner.passes_after(filter, after_id, limit).await
    }

    async fn put_job(&self, job: &BulkUpdateJob) -> Result<(), StoreError> {
        self.count("put_job");
        self.inner.put_job(job).await
    }

    async fn get_job(&self, ticket_id: u64) -> Result<Option<BulkUpdateJob>, StoreError> {
        self.count("get_job");
        self.inner.get_job(ticket_id).await
    }

    async fn find_passes_by_external_id(&self, external_id: &str, limit: usize) -> Result<Vec<Pass>, StoreError> {
        self.count("find_passes_by_external_id");
        self.inner.find_passes_by_external_id(external_id, limit).await
    }

    async fn update_pass(&self, update: &PassUpdate) -> Result<Pass, StoreError> {
        self.count("update_pass");
        self.inner.update_pass(update).await
    }

    async fn delete_pass(&self, id: u64) -> Result<(), StoreError> {
        self.count("delete_pass");
        self.inner.delete_pass(id).await
    }

    async fn list_passes(&self, query: &PassQuery) -> Result<Page<Pass>, StoreError> {
        self.count("list_passes");
        self.inner.list_passes(query).await
    }

    async fn put_wallet_sync(&self, pass_id: u64, status: &GoogleSync) -> Result<(), StoreError> {
        self.count("put_wallet_sync");
        self.inner.put_wallet_sync(pass_id, status).await
    }

    async fn wallet_sync(&self, pass_id: u64) -> Result<Option<GoogleSync>, StoreError> {
        self.count("wallet_sync");
        self.inner.wallet_sync(pass_id).await
    }

    async fn register_device(
        &self,
        registration: &NewRegistration,
        now: Millis,
    ) -> Result<RegisterOutcome, StoreError> {
        self.count("register_device");
        self.inner.register_device(registration, now).await
    }

    async fn unregister_device(
        &self,
        device: &str,
        pass_type_id: &str,
        serial: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        self.count("unregister_device");
        self.inner.unregister_device(device, pass_type_id, serial, now).await
    }

    async fn set_google_saved(&self, pass_id: u64, saved: bool, now: Millis) -> Result<bool, StoreError> {
        self.count("set_google_saved");
        self.inner.set_google_saved(pass_id, saved, now).await
    }

    async fn registrations_for_pass(&self, pass_id: u64) -> Result<Vec<Registration>, StoreError> {
        self.count("registrations_for_pass");
        self.inner.registrations_for_pass(pass_id).await
    }

    async fn registrations_for_template(&self, template_id: u64) -> Result<Vec<Registration>, StoreError> {
        self.count("registrations_for_template");
        self.inner.registrations_for_template(template_id).await
    }

    async fn updated_serials(
        &self,
        device: &str,
        pass_type_id: &str,
        since: Option<Millis>,
    ) -> Result<UpdatedSerials, StoreError> {
        self.count("updated_serials");
        self.inner.updated_serials(device, pass_type_id, since).await
    }

    async fn create_link(&self, link: &PublicLink) -> Result<(), StoreError> {
        self.count("create_link");
        self.inner.create_link(link).await
    }

    async fn get_link(&self, token: &str) -> Result<Option<PublicLink>, StoreError> {
        self.count("get_link");
        self.inner.get_link(token).await
    }

    async fn use_link(&self, token: &str, now: Millis) -> Result<LinkUse, StoreError> {
        self.count("use_link");
        self.inner.use_link(token, now).await
    }

    async fn set_link_pass(&self, token: &str, pass_id: u64) -> Result<(), StoreError> {
        self.count("set_link_pass");
        self.inner.set_link_pass(token, pass_id).await
    }

    async fn append_trail(&self, entries: &[TrailEntry]) -> Result<(), StoreError> {
        self.count("append_trail");
        self.inner.append_trail(entries).await
    }

    async fn trail(&self, subject: &TrailSubject, since: Millis, limit: usize) -> Result<Vec<TrailEntry>, StoreError> {
        self.count("trail");
        self.inner.trail(subject, since, limit).await
    }

    async fn get_document(&self, collection: Collection, id: &str) -> Result<Option<Document>, StoreError> {
        self.count("get_document");
        self.inner.get_document(collection, id).await
    }

    async fn put_document(
        &self,
        collection: Collection,
        id: &str,
        body: &serde_json::Value,
        expected: Option<u64>,
        now: Millis,
    ) -> Result<Document, StoreError> {
        self.count("put_document");
        self.inner.put_document(collection, id, body, expected, now).await
    }

    async fn delete_document(&self, collection: Collection, id: &str) -> Result<bool, StoreError> {
        self.count("delete_document");
        self.inner.delete_document(collection, id).await
    }

    async fn list_documents(
        &self,
        collection: Collection,
        after: &str,
        limit: usize,
    ) -> Result<Vec<Document>, StoreError> {
        self.count("list_documents");
        self.inner.list_documents(collection, after, limit).await
    }

    async fn create_adaptive_link(&self, link: &AdaptiveLink) -> Result<(), StoreError> {
        self.count("create_adaptive_link");
        self.inner.create_adaptive_link(link).await
    }

    async fn get_adaptive_link(&self, id: &str) -> Result<Option<AdaptiveLink>, StoreError> {
        self.count("get_adaptive_link");
        self.inner.get_adaptive_link(id).await
    }
}

pub struct CountingBlobs {
    pub inner: Arc<dyn Blobs>,
    pub calls: Arc<Calls>,
}

#[async_trait]
impl Blobs for CountingBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        self.calls.count("put");
        self.inner.put(key, bytes, content_type).await
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        self.calls.count("get");
        self.inner.get(key).await
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        self.calls.count("delete");
        self.inner.delete(key).await
    }
}
