//! The use cases, written against the ports only.

pub mod adaptive;
pub mod api_keys;
pub mod context;
pub mod devices;
pub mod error;
pub mod google;
pub mod identities;
pub mod images;
pub mod links;
pub mod passes;
pub mod push;
pub mod render;
pub mod templates;

pub use context::{App, AppConfig};
pub use error::{FieldProblem, ServiceError};
