//! Tessera: issue and update Apple Wallet and Google Wallet passes.
//!
//! - [`model`]: plain data types (pass.json and its parts).
//! - [`pkpass`]: validation, signing and zipping of .pkpass bundles; pure.
//! - [`embedded`]: the local adapters (for now the development PKI).

pub mod aws;
pub mod embedded;
pub mod model;
pub mod pkpass;
pub mod ports;
