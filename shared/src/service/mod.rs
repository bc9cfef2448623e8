//! The use cases, written against the ports only.

pub mod adaptive;
pub mod api_keys;
pub mod devices;
pub mod error;
pub mod google;
pub mod identities;
pub mod image_fetch;
pub mod images;
pub mod links;
pub mod passes;
pub mod push;
pub mod render;
pub mod templates;

pub use error::{FieldProblem, ServiceError};
