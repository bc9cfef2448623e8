//! The pass engine: validation rules, bundles, signing identities.

mod bundle;
mod pass_builder;
mod signing_keys;
mod validation;
