//! Tessera: issue and update Apple Wallet and Google Wallet passes.
//!
//! - [`model`]: plain data types: pass.json and its parts, the stored records.
//! - [`pkpass`]: validation, signing and zipping of .pkpass bundles; pure.
//! - [`ports`]: what the use cases need from outside (Store, Blobs, Secrets, Clock).
//! - [`embedded`]: local adapters (SQLite, files, development PKI).
//! - [`aws`]: AWS adapters (DynamoDB, S3, Secrets Manager) and bootstrap.

pub mod app;
pub mod aws;
pub mod cache;
pub mod config;
pub mod embedded;
pub mod google;
pub mod http;
pub mod layering;
pub mod model;
pub mod pkpass;
pub mod ports;
pub mod service;
pub mod web;
