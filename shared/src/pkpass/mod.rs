//! Apple Wallet bundles: validation, manifest, CMS signature (AWS-LC keys, our own DER) and ZIP. Pure: no network,
//! no storage; callers hand in bytes and get bytes back.

pub mod assets;
pub mod build;
pub mod cms_verify;
pub mod der;
pub mod doctor;
pub mod files;
pub mod identity;
mod issue;
pub mod key;
pub mod pkcs12;
pub mod png;
pub mod png_inspect;
pub mod resize;
mod semantic_styles;
pub mod sign;
pub mod strings;
mod text_limits;
pub mod validate;
pub mod x509;
pub mod zip;
pub mod zip_read;

pub use assets::{Asset, PassAssets};
pub use build::{
    BuildError, PKPASS_MIME, PKPASSES_MIME, build_pkpass, build_pkpass_with_warnings, build_pkpasses, render_pass_json,
};
pub use identity::{IdentityError, SigningIdentity};
pub use issue::{Issue, Severity, split_issues};
pub use sign::{SignError, sign_detached};
pub use validate::validate_pass;
