//! Every route of the API. The local server mounts this table, each Lambda binary serves
//! one entry of it by its item (`functions/src/bin/get_pass.rs` serves [`GET_PASS`]), and tests
//! hold the binaries, `functions/Cargo.toml`, template.yaml and openapi.yaml to it.

use lambda_http::http::Method;

use super::handlers::{
    adaptive, callbacks, certificates, devices, diagnostics, doctor, openapi, pass_batch, passentry, passes, projects,
    public, schedules, segments, stats, tags, templates, tokens,
};
use super::{Access, Route};

/// `ITEM = "name", METHOD [+HEAD] "/path", access, handler;` declares `pub static ITEM: Route`
/// and lists it in [`ROUTES`]. `+HEAD` also answers HEAD (the GET without its body).
macro_rules! routes {
    ($($(#[$doc:meta])* $item:ident = $name:literal, $method:ident $(+ $head:ident)? $path:literal, $access:ident, $handler:path;)+) => {
        $(
            $(#[$doc])*
            pub static $item: Route = Route {
                item: stringify!($item),
                name: $name,
                method: Method::$method,
                answers_head: routes!(@head $($head)?),
                path: $path,
                access: Access::$access,
                handler: |app, request| Box::pin($handler(app, request)),
            };
        )+
        /// Every route, in matching order.
        pub static ROUTES: &[&Route] = &[$(&$item),+];
    };
    (@head HEAD) => { true };
    (@head) => { false };
}

routes! {
    OPENAPI = "openapi", GET "/openapi.json", Public, openapi::document;
    DOCTOR = "doctor", POST "/v1/doctor", ApiKey, doctor::diagnose;
    CREATE_PROJECT = "create_project", POST "/v1/project", ApiKey, projects::create;
    LIST_PROJECTS = "list_projects", GET "/v1/project", ApiKey, projects::list;
    GET_PROJECT = "get_project", GET "/v1/project/{id}", ApiKey, projects::get;
    UPDATE_PROJECT = "update_project", PUT "/v1/project/{id}", ApiKey, projects::update;
    DELETE_PROJECT = "delete_project", DELETE "/v1/project/{id}", ApiKey, projects::delete;
    /// Where the project's events go (Airship's callback settings).
    SET_CALLBACK = "set_callback", POST "/v1/project/{id}/settings/callback", ApiKey, callbacks::set;
    GET_CALLBACK = "get_callback", GET "/v1/project/{id}/settings/callback", ApiKey, callbacks::get;
    DELETE_CALLBACK = "delete_callback", DELETE "/v1/project/{id}/settings/callback", ApiKey, callbacks::delete;
    LIST_CALLBACK_DELIVERIES = "list_callback_deliveries", GET "/v1/project/{id}/settings/callback/deliveries", ApiKey, callbacks::deliveries;
    RESEND_CALLBACK_DELIVERY = "resend_callback_delivery", POST "/v1/project/{id}/settings/callback/deliveries/{deliveryId}/resend", ApiKey, callbacks::resend;
    CREATE_PROJECT_WITH_EXTERNAL_ID = "create_project_with_external_id", POST "/v1/project/id/{externalId}", ApiKey, projects::create;
    GET_PROJECT_BY_EXTERNAL_ID = "get_project_by_external_id", GET "/v1/project/id/{externalId}", ApiKey, projects::get;
    UPDATE_PROJECT_BY_EXTERNAL_ID = "update_project_by_external_id", PUT "/v1/project/id/{externalId}", ApiKey, projects::update;
    DELETE_PROJECT_BY_EXTERNAL_ID = "delete_project_by_external_id", DELETE "/v1/project/id/{externalId}", ApiKey, projects::delete;
    CREATE_TEMPLATE = "create_template", POST "/v1/template", ApiKey, templates::create;
    LIST_TEMPLATES = "list_templates", GET "/v1/template", ApiKey, templates::list;
    LIST_TEMPLATE_HEADERS = "list_template_headers", GET "/v1/template/headers", ApiKey, templates::headers;
    /// `{id}` is the project id here: API Gateway wants one parameter name per position.
    CREATE_TEMPLATE_IN_PROJECT = "create_template_in_project", POST "/v1/template/{id}", ApiKey, templates::create_in_project;
    CREATE_TEMPLATE_IN_PROJECT_WITH_EXTERNAL_ID = "create_template_in_project_with_external_id", POST "/v1/template/{id}/id/{externalId}", ApiKey, templates::create_in_project;
    GET_TEMPLATE = "get_template", GET "/v1/template/{id}", ApiKey, templates::get;
    UPDATE_TEMPLATE = "update_template", PUT "/v1/template/{id}", ApiKey, templates::update;
    DELETE_TEMPLATE = "delete_template", DELETE "/v1/template/{id}", ApiKey, templates::delete;
    GET_TEMPLATE_BY_EXTERNAL_ID = "get_template_by_external_id", GET "/v1/template/id/{externalId}", ApiKey, templates::get;
    UPDATE_TEMPLATE_BY_EXTERNAL_ID = "update_template_by_external_id", PUT "/v1/template/id/{externalId}", ApiKey, templates::update;
    DELETE_TEMPLATE_BY_EXTERNAL_ID = "delete_template_by_external_id", DELETE "/v1/template/id/{externalId}", ApiKey, templates::delete;
    ADD_TEMPLATE_LOCATIONS = "add_template_locations", POST "/v1/template/{id}/locations", ApiKey, templates::add_locations;
    DELETE_TEMPLATE_LOCATION = "delete_template_location", DELETE "/v1/template/{id}/location/{locationId}", ApiKey, templates::delete_location;
    GET_TEMPLATE_PERSONALIZATION = "get_template_personalization", GET "/v1/template/{id}/personalization", ApiKey, templates::get_personalization;
    SET_TEMPLATE_PERSONALIZATION = "set_template_personalization", POST "/v1/template/{id}/personalization", ApiKey, templates::set_personalization;
    DELETE_TEMPLATE_PERSONALIZATION = "delete_template_personalization", DELETE "/v1/template/{id}/personalization", ApiKey, templates::delete_personalization;
    TEMPLATE_STATS = "template_stats", GET "/v1/template/{id}/stats", ApiKey, stats::of_template;
    DUPLICATE_TEMPLATE = "duplicate_template", POST "/v1/template/duplicate/{id}", ApiKey, templates::duplicate;
    DUPLICATE_TEMPLATE_BY_EXTERNAL_ID = "duplicate_template_by_external_id", POST "/v1/template/duplicate/id/{externalId}", ApiKey, templates::duplicate;
    /// Up to 100 passes of one template in one request, each with its own result.
    CREATE_PASS_BATCH = "create_pass_batch", POST "/v1/pass/batch", ApiKey, pass_batch::create;
    /// `{id}` is the template id here: API Gateway wants one parameter name per position.
    CREATE_PASS = "create_pass", POST "/v1/pass/{id}", ApiKey, passes::create;
    /// Airship's form; `{id}` is the template id.
    CREATE_PASS_IN_TEMPLATE_WITH_EXTERNAL_ID = "create_pass_in_template_with_external_id", POST "/v1/pass/{id}/id/{externalId}", ApiKey, passes::create_with_external_id;
    CREATE_PASS_WITH_EXTERNAL_ID = "create_pass_with_external_id", POST "/v1/pass/template/{templateId}/id/{externalId}", ApiKey, passes::create_with_external_id;
    GET_PASS_BY_EXTERNAL_ID = "get_pass_by_external_id", GET "/v1/pass/template/{templateId}/id/{externalId}", ApiKey, passes::get_by_external_id;
    UPDATE_PASS_IN_TEMPLATE_BY_EXTERNAL_ID = "update_pass_in_template_by_external_id", PUT "/v1/pass/template/{templateId}/id/{externalId}", ApiKey, passes::update;
    DELETE_PASS_IN_TEMPLATE_BY_EXTERNAL_ID = "delete_pass_in_template_by_external_id", DELETE "/v1/pass/template/{templateId}/id/{externalId}", ApiKey, passes::delete;
    /// By the pass's external id in any template (409 when several templates have it); for
    /// creates, `{externalId}` is the template's and `{passExternalId}` the new pass's.
    CREATE_PASS_BY_EXTERNAL_IDS = "create_pass_by_external_ids", POST "/v1/pass/id/{externalId}/id/{passExternalId}", ApiKey, passes::create_with_external_id;
    GET_PASS_BY_ITS_EXTERNAL_ID = "get_pass_by_its_external_id", GET "/v1/pass/id/{externalId}", ApiKey, passes::get;
    UPDATE_PASS_BY_ITS_EXTERNAL_ID = "update_pass_by_its_external_id", PUT "/v1/pass/id/{externalId}", ApiKey, passes::update;
    DELETE_PASS_BY_ITS_EXTERNAL_ID = "delete_pass_by_its_external_id", DELETE "/v1/pass/id/{externalId}", ApiKey, passes::delete;
    ADD_PASS_LOCATIONS_BY_EXTERNAL_ID = "add_pass_locations_by_external_id", POST "/v1/pass/id/{externalId}/locations", ApiKey, passes::add_locations;
    DELETE_PASS_LOCATION_BY_EXTERNAL_ID = "delete_pass_location_by_external_id", DELETE "/v1/pass/id/{externalId}/location/{passLocationId}", ApiKey, passes::delete_location;
    PASS_STATS_BY_EXTERNAL_ID = "pass_stats_by_external_id", GET "/v1/pass/id/{externalId}/stats", ApiKey, stats::of_external_id;
    LIST_PASSES = "list_passes", GET "/v1/pass", ApiKey, passes::list;
    GET_PASS = "get_pass", GET "/v1/pass/{id}", ApiKey, passes::get;
    UPDATE_PASS = "update_pass", PUT "/v1/pass/{id}", ApiKey, passes::update;
    DELETE_PASS = "delete_pass", DELETE "/v1/pass/{id}", ApiKey, passes::delete;
    DOWNLOAD_PASS = "download_pass", GET "/v1/pass/{id}/download", ApiKey, passes::download;
    VIEW_PASS_JSON = "view_pass_json", GET "/v1/pass/{id}/viewJSONPass", ApiKey, passes::view_json;
    /// The pass drawn as its holder sees it (an HTML fragment).
    PASS_PREVIEW = "pass_preview", GET "/v1/pass/{id}/preview", ApiKey, passes::preview;
    PASS_DIAGNOSTICS = "pass_diagnostics", GET "/v1/pass/{id}/diagnostics", ApiKey, diagnostics::get;
    /// Pushes in the request: its Lambda has a pusher (see [`Route::sends_pushes`]).
    PUSH_PASS = "push_pass", PUT "/v1/pass/{id}/push", ApiKey, passes::push;
    ADD_PASS_LOCATIONS = "add_pass_locations", POST "/v1/pass/{id}/locations", ApiKey, passes::add_locations;
    DELETE_PASS_LOCATION = "delete_pass_location", DELETE "/v1/pass/{id}/location/{passLocationId}", ApiKey, passes::delete_location;
    CREATE_DYNAMIC_LINK = "create_dynamic_link", POST "/v1/pass/{id}/dynamic", ApiKey, passes::create_dynamic;
    GET_PASS_TAGS = "get_pass_tags", GET "/v1/pass/{id}/tags", ApiKey, tags::of_pass;
    ADD_PASS_TAGS = "add_pass_tags", PUT "/v1/pass/{id}/tags", ApiKey, tags::add_to_pass;
    GET_PASS_TAGS_BY_EXTERNAL_ID = "get_pass_tags_by_external_id", GET "/v1/pass/id/{externalId}/tags", ApiKey, tags::of_pass;
    ADD_PASS_TAGS_BY_EXTERNAL_ID = "add_pass_tags_by_external_id", PUT "/v1/pass/id/{externalId}/tags", ApiKey, tags::add_to_pass;
    /// `{tag}` is a tag's id or its name.
    LIST_TAGS = "list_tags", GET "/v1/tag", ApiKey, tags::list;
    DELETE_TAG = "delete_tag", DELETE "/v1/tag/{tag}", ApiKey, tags::delete;
    REMOVE_TAG_FROM_PASS = "remove_tag_from_pass", DELETE "/v1/tag/{tag}/pass/{passId}", ApiKey, tags::remove_from_pass;
    /// Updates every pass with the tag in the background; answers a ticket.
    UPDATE_PASSES_BY_TAG = "update_passes_by_tag", PUT "/v1/tag/{tag}/passes", ApiKey, tags::update_passes;
    GET_TICKET = "get_ticket", GET "/v1/ticket/{ticketId}", ApiKey, tags::ticket;
    CREATE_SEGMENT = "create_segment", POST "/v1/segments", ApiKey, segments::create;
    LIST_SEGMENTS = "list_segments", GET "/v1/segments", ApiKey, segments::list;
    GET_SEGMENT = "get_segment", GET "/v1/segments/{segmentId}", ApiKey, segments::get;
    UPDATE_SEGMENT = "update_segment", PUT "/v1/segments/{segmentId}", ApiKey, segments::update;
    DELETE_SEGMENT = "delete_segment", DELETE "/v1/segments/{segmentId}", ApiKey, segments::delete;
    LIST_SEGMENT_PASSES = "list_segment_passes", GET "/v1/segments/{segmentId}/passes", ApiKey, segments::passes;
    CREATE_CERTIFICATE = "create_certificate", POST "/v1/certificates", ApiKey, certificates::create;
    LIST_CERTIFICATES = "list_certificates", GET "/v1/certificates", ApiKey, certificates::list;
    GET_CERTIFICATE = "get_certificate", GET "/v1/certificates/{certificateId}", ApiKey, certificates::get;
    RENEW_CERTIFICATE = "renew_certificate", PUT "/v1/certificates/{certificateId}", ApiKey, certificates::renew;
    DELETE_CERTIFICATE = "delete_certificate", DELETE "/v1/certificates/{certificateId}", ApiKey, certificates::delete;
    HEALTH = "health", GET "/v1/health", ApiKey, certificates::health;
    CREATE_SCHEDULE = "create_schedule", POST "/v1/schedules/{projectId}", ApiKey, schedules::create;
    LIST_SCHEDULES = "list_schedules", GET "/v1/schedules/{projectId}", ApiKey, schedules::list;
    GET_SCHEDULE = "get_schedule", GET "/v1/schedules/{projectId}/{scheduleId}", ApiKey, schedules::get;
    DELETE_SCHEDULE = "delete_schedule", DELETE "/v1/schedules/{projectId}/{scheduleId}", ApiKey, schedules::delete;
    /// Updates every member of the segment in the background; answers a ticket.
    UPDATE_PASSES_BY_SEGMENT = "update_passes_by_segment", PUT "/v1/segments/{segmentId}/passes", ApiKey, segments::update_passes;
    CREATE_API_TOKEN = "create_api_token", POST "/v1/api-tokens", ApiKey, tokens::create;
    LIST_API_TOKENS = "list_api_tokens", GET "/v1/api-tokens", ApiKey, tokens::list;
    REVOKE_API_TOKEN = "revoke_api_token", DELETE "/v1/api-tokens/{tokenId}", ApiKey, tokens::revoke;
    PASSENTRY_CREATE_PASS = "passentry_create_pass", POST "/api/v1/passes", Token, passentry::create;
    PASSENTRY_LIST_PASSES = "passentry_list_passes", GET "/api/v1/passes", Token, passentry::list;
    PASSENTRY_GET_PASS = "passentry_get_pass", GET "/api/v1/passes/{id}", Token, passentry::get;
    PASSENTRY_PUT_PASS = "passentry_put_pass", PUT "/api/v1/passes/{id}", Token, passentry::put;
    PASSENTRY_PATCH_PASS = "passentry_patch_pass", PATCH "/api/v1/passes/{id}", Token, passentry::patch;
    PASSENTRY_DELETE_PASS = "passentry_delete_pass", DELETE "/api/v1/passes/{id}", Token, passentry::delete;
    LIST_PASSES_BY_TAG = "list_passes_by_tag", GET "/v1/tag/{tag}/passes", ApiKey, passes::list_by_tag;
    CREATE_ADAPTIVE_LINK = "create_adaptive_link", POST "/v1/links/adaptive", ApiKey, adaptive::create;
    LIST_ADAPTIVE_LINKS = "list_adaptive_links", GET "/v1/links/adaptive", ApiKey, adaptive::list;
    GET_ADAPTIVE_LINK = "get_adaptive_link", GET "/v1/links/adaptive/{adaptiveLinkId}", ApiKey, adaptive::get;
    DELETE_ADAPTIVE_LINK = "delete_adaptive_link", DELETE "/v1/links/adaptive/{adaptiveLinkId}", ApiKey, adaptive::delete;
    LIST_ADAPTIVE_LINK_PASSES = "list_adaptive_link_passes", GET "/v1/links/adaptive/{adaptiveLinkId}/passes", ApiKey, adaptive::passes;
    /// `?ids=a,b,c`: several adaptive links at once.
    OPEN_ADAPTIVE_LINKS = "open_adaptive_links", GET "/v1/pass/adaptive", Public, adaptive::open_several;
    OPEN_ADAPTIVE_LINK_FOR_DEVICE = "open_adaptive_link_for_device", GET "/v1/pass/adaptive/{adaptiveLinkId}", Public, adaptive::open_for_device;
    OPEN_ADAPTIVE_LINK = "open_adaptive_link", GET "/v1/pass/adaptive/{adaptiveLinkId}/{deviceType}", Public, adaptive::open;
    /// Apple's pass web service (and Android wallets speaking it).
    REGISTER_DEVICE = "register_device", POST "/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}", Public, devices::register;
    UNREGISTER_DEVICE = "unregister_device", DELETE "/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}", Public, devices::unregister;
    UPDATED_SERIALS = "updated_serials", GET "/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}", Public, devices::updated_serials;
    LATEST_PASS = "latest_pass", GET +HEAD "/v1/passes/{passTypeIdentifier}/{serialNumber}", Public, devices::latest_pass;
    PERSONALIZE_PASS = "personalize_pass", POST "/v1/passes/{passTypeIdentifier}/{serialNumber}/personalize", Public, devices::personalize;
    DEVICE_LOG = "device_log", POST "/v1/log", Public, devices::log;
    /// Google Wallet's save and delete callbacks (Google signs them; no API key).
    GOOGLE_CALLBACK = "google_callback", POST "/v1/google/callback", Public, callbacks::google;
    PUBLIC_DOWNLOAD = "public_download", GET "/v1/download/pass/{token}", Public, public::download;
    OPEN_DYNAMIC_LINK = "open_dynamic_link", GET "/v1/pass/dynamic/{token}", Public, public::dynamic;
    /// The images pass pages and previews show, by content hash.
    PUBLISHED_IMAGE = "published_image", GET "/v1/images/{name}", Public, public::image;
}

impl Route {
    /// The route's Lambda pushes to devices itself (others leave that to the stream-fed
    /// dispatcher), so it is built with a pusher.
    pub fn sends_pushes(&self) -> bool {
        self.item == PUSH_PASS.item
    }
}
