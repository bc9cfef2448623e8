//! Every route of the API. The local server mounts this table, each Lambda binary serves
//! one entry of it, and a test holds template.yaml to it.

use lambda_http::http::Method;

use super::handlers::{adaptive, devices, openapi, passes, public, templates};
use super::{Access, Route};

macro_rules! route {
    ($name:literal, $method:ident $path:literal, $access:ident, $handler:path) => {
        Route {
            name: $name,
            method: Method::$method,
            path: $path,
            access: Access::$access,
            handler: |app, request| Box::pin($handler(app, request)),
        }
    };
}

pub static ROUTES: &[Route] = &[
    route!("openapi", GET "/openapi.json", Public, openapi::document),
    route!("create_template", POST "/v1/template", ApiKey, templates::create),
    route!("list_templates", GET "/v1/template", ApiKey, templates::list),
    route!("get_template", GET "/v1/template/{id}", ApiKey, templates::get),
    route!("update_template", PUT "/v1/template/{id}", ApiKey, templates::update),
    route!("delete_template", DELETE "/v1/template/{id}", ApiKey, templates::delete),
    // `{id}` is the template id here: API Gateway wants one parameter name per position.
    route!("create_pass", POST "/v1/pass/{id}", ApiKey, passes::create),
    route!("create_pass_with_external_id", POST "/v1/pass/template/{templateId}/id/{externalId}", ApiKey, passes::create_with_external_id),
    route!("get_pass_by_external_id", GET "/v1/pass/template/{templateId}/id/{externalId}", ApiKey, passes::get_by_external_id),
    route!("list_passes", GET "/v1/pass", ApiKey, passes::list),
    route!("get_pass", GET "/v1/pass/{id}", ApiKey, passes::get),
    route!("update_pass", PUT "/v1/pass/{id}", ApiKey, passes::update),
    route!("delete_pass", DELETE "/v1/pass/{id}", ApiKey, passes::delete),
    route!("download_pass", GET "/v1/pass/{id}/download", ApiKey, passes::download),
    route!("add_pass_locations", POST "/v1/pass/{id}/locations", ApiKey, passes::add_locations),
    route!("delete_pass_location", DELETE "/v1/pass/{id}/location/{passLocationId}", ApiKey, passes::delete_location),
    route!("create_dynamic_link", POST "/v1/pass/{id}/dynamic", ApiKey, passes::create_dynamic),
    route!("list_passes_by_tag", GET "/v1/tag/{tag}/passes", ApiKey, passes::list_by_tag),
    route!("create_adaptive_link", POST "/v1/links/adaptive", ApiKey, adaptive::create),
    route!("list_adaptive_link_passes", GET "/v1/links/adaptive/{adaptiveLinkId}/passes", ApiKey, adaptive::passes),
    route!("open_adaptive_link_for_device", GET "/v1/pass/adaptive/{adaptiveLinkId}", Public, adaptive::open_for_device),
    route!("open_adaptive_link", GET "/v1/pass/adaptive/{adaptiveLinkId}/{deviceType}", Public, adaptive::open),
    // Apple's pass web service (and Android wallets speaking it).
    route!("register_device", POST "/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}", Public, devices::register),
    route!("unregister_device", DELETE "/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}", Public, devices::unregister),
    route!("updated_serials", GET "/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}", Public, devices::updated_serials),
    route!("latest_pass", GET "/v1/passes/{passTypeIdentifier}/{serialNumber}", Public, devices::latest_pass),
    route!("personalize_pass", POST "/v1/passes/{passTypeIdentifier}/{serialNumber}/personalize", Public, devices::personalize),
    route!("device_log", POST "/v1/log", Public, devices::log),
    route!("public_download", GET "/v1/download/pass/{token}", Public, public::download),
    route!("open_dynamic_link", GET "/v1/pass/dynamic/{token}", Public, public::dynamic),
];
