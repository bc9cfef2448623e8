//! Route handlers: parse the request, call a use case, shape the response.

pub mod adaptive;
pub mod callbacks;
pub mod certificates;
pub mod devices;
pub mod diagnostics;
pub mod doctor;
pub mod link_page;
pub mod openapi;
pub mod pass_batch;
pub mod passentry;
pub mod passes;
pub mod projects;
pub mod public;
pub mod schedules;
pub mod segments;
pub mod stats;
pub mod tags;
pub mod templates;
pub mod tokens;
