//! Outbound HTTP adapters: fetching images given as URLs.

pub mod image_fetch;

pub use image_fetch::ImageFetcher;
