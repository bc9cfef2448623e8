//! One conformance suite for the ports, run against every backend. A backend's test file
//! calls `conformance_suite!(factory)` where `factory()` is an async fn returning a fresh,
//! isolated [`Backend`] per test (tests run in parallel).

pub mod blobs;
pub mod secrets;
pub mod store_devices;
pub mod store_documents;
pub mod store_links;
pub mod store_records;
pub mod store_trail;

use std::sync::Arc;

use tessera::model::records::*;
use tessera::ports::{Blobs, Secrets, Store};

pub struct Backend {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn Blobs>,
    pub secrets: Arc<dyn Secrets>,
    /// Whatever must live as long as the backend (a temporary folder, say).
    pub guard: Box<dyn std::any::Any + Send>,
}

/// A fixed point in time tests count from (2026-01-01T00:00Z).
pub const T0: Millis = 1_767_225_600_000;

pub fn new_template(name: &str) -> NewTemplate {
    NewTemplate {
        project_id: None,
        external_id: None,
        name: name.into(),
        vendor: Vendor::Apple,
        pass_type_id: Some("pass.dev.tessera.example".into()),
        content: template_content(serde_json::json!({"type": "eventTicket", "fields": {"seat": {"value": "12"}}})),
    }
}

pub fn new_pass(template_id: u64, serial: &str) -> NewPass {
    NewPass {
        template_id,
        serial_number: serial.into(),
        pass_type_id: "pass.dev.tessera.example".into(),
        external_id: None,
        authentication_token: format!("token-{serial}-0123456789abcdef"),
        tags: vec![],
        adaptive_link_id: None,
        content: pass_content(serde_json::json!({"fields": {"seat": {"value": serial}}})),
        link_kind: None,
    }
}

/// Template content written as the API's JSON.
pub fn template_content(json: serde_json::Value) -> TemplateContent {
    serde_json::from_value(json).expect("template content")
}

/// Pass content written as the API's JSON.
pub fn pass_content(json: serde_json::Value) -> PassContent {
    serde_json::from_value(json).expect("pass content")
}

pub fn page(page: u32, page_size: u32, order: SortOrder, direction: Direction) -> PageRequest {
    PageRequest { page, page_size, order, direction }
}

pub fn query(filter: PassFilter, status: Option<InstallFilter>, page: PageRequest) -> PassQuery {
    PassQuery { filter, status, page }
}

pub fn ids(page: &Page<Pass>) -> Vec<u64> {
    page.items.iter().map(|p| p.id).collect()
}

/// Expands to one `#[tokio::test]` per conformance case, each on a fresh backend.
#[macro_export]
macro_rules! conformance_suite {
    ($factory:path) => {
        $crate::conformance_cases!($factory;
            store_records: allocated_ids_are_unique_and_increasing, api_keys, templates_crud_and_versions,
                templates_paging, projects_hold_templates, tags_have_ids, passes_crud_and_uniqueness, passes_paging_and_order, passes_filters,
                racing_updaters_lose_nothing, deleting_a_pass_frees_its_claims, wallet_sync_status_is_kept_apart_from_the_pass,
                template_deletes_leave_no_orphans, pass_cursors_by_filter;
            store_devices: registration_lifecycle_drives_installation, updated_serials_follow_pass_and_template_changes,
                status_filters_follow_registrations, google_saves_count_as_a_device;
            store_trail: trails_are_kept_by_subject_in_time_order, trail_reads_return_the_newest_events;
            store_documents: documents_keep_versions, one_of_racing_document_writers_wins, documents_list_in_id_order;
            store_links: single_use_links, multiple_use_links_count_installs, expired_links,
                concurrent_consumers_of_a_single_use_link, dynamic_links_get_their_pass_once, adaptive_links;
            blobs: blobs_round_trip, blob_keys_are_checked;
            secrets: signing_identities_round_trip, google_accounts_round_trip
        );
    };
}

#[macro_export]
macro_rules! conformance_cases {
    ($factory:path; $($module:ident: $($case:ident),+);+ $(;)?) => {
        $($(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let backend = $factory().await;
                $crate::conformance::$module::$case(&backend).await;
            }
        )+)+
    };
}
