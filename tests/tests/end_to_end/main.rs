//! End-to-end and protocol tests of the whole API, on both backends, gathered in one test binary
//! (each binary links the AWS SDK).

mod api_adaptive;
mod api_aws;
mod api_deployment_settings;
mod api_embedded;
mod api_google;
mod api_images;
mod api_links_locations;
mod api_passentry;
mod apns_pusher;
mod browser_pages;
mod conformance_aws;
mod conformance_embedded;
mod device_personalization;
mod device_protocol;
mod faults_aws;
mod lambda_events;
mod openapi;
mod pkpass_protocol;
mod route_functions;
mod template_yaml;
mod webhook_sender;
