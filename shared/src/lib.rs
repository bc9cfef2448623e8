//! Tessera: issue and update Apple Wallet and Google Wallet passes.
//!
//! - [`model`]: plain data types: pass.json and its parts, the typed stored records.
//! - [`pkpass`]: validation, signing and zipping of .pkpass bundles; pure.
//! - [`ports`]: what the use cases need from outside (Store, Blobs, Secrets, Clock, Pusher,
//!   ImageSource, DevIdentities).
//! - [`service`]: the use cases, and the application context they borrow.
//! - [`http`]: the routes table, handlers, the JSON views and HTML pages.
//! - Adapters of the ports: [`embedded`] (SQLite, files, development PKI, a recording
//!   pusher), [`aws`] (DynamoDB and its stream, S3, Secrets Manager, APNs, bootstrap), [`web`]
//!   (the image fetcher), [`cache`] (hot .pkpass files); [`google`] speaks Google Wallet;
//!   [`tls`] gives the outbound ones HTTPS clients with bundled roots.
//! - [`work_unit`]: which route or worker the running task serves.
//! - Composition roots: [`config`] (every setting, read once) and [`app`] (one assembly per
//!   backend, shared by `tessera serve`, the Lambdas and the test kit).
//!
//! Imports point one way: `http` → `service` → `ports` / `model` / `pkpass`; adapters →
//! `ports` / `model` / `pkpass`; only `app` and `config` see everything. [`layering`] writes
//! the rule down and its test holds the code to it.

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
pub mod tls;
pub mod web;
pub mod work_unit;
