//! Outbound HTTP adapters: fetching images given as URLs, and posting callbacks, both with
//! the same guards.

pub mod image_fetch;
pub mod public_address;
pub mod webhook_sender;

pub use image_fetch::ImageFetcher;
pub use webhook_sender::GuardedWebhookSender;
