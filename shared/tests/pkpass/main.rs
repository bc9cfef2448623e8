//! The pass engine: validation rules, bundles, signing identities.

mod bundle;
mod signing_keys;
mod validation;
