//! The pass engine: validation rules, bundles, signing identities.

mod bundle;
mod validation;
