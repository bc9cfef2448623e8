//! Building signed bundles: one .pkpass from a pass and its template's prepared assets, and
//! .pkpasses bundles of several passes.

use super::assets::{PassAssets, sha1_hex};
use super::identity::SigningIdentity;
use super::issue::{Issue, split_issues};
use super::sign::{SignError, sign_detached};
use super::validate::validate_pass;
use super::zip::{DosTime, Storage, ZipError, ZipWriter};
use crate::model::{PassJson, Rgb};

pub const PKPASS_MIME: &str = "application/vnd.apple.pkpass";
pub const PKPASSES_MIME: &str = "application/vnd.apple.pkpasses";
pub const MAX_PASSES_PER_BUNDLE: usize = 10;
pub const MAX_PKPASSES_BYTES: usize = 150 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the pass is invalid: {}", list(.0))]
    Invalid(Vec<Issue>),
    #[error("signing failed: {0}")]
    Signing(#[from] SignError),
    #[error(transparent)]
    Zip(#[from] ZipError),
    #[error("a .pkpasses bundle holds 1 to {MAX_PASSES_PER_BUNDLE} passes, got {0}")]
    BundleCount(usize),
    #[error("a .pkpasses bundle is at most 150 MB")]
    BundleSize,
}

fn list(issues: &[Issue]) -> String {
    issues.iter().map(Issue::to_string).collect::<Vec<_>>().join("; ")
}

/// Validates `pass` against the rules, its assets and the identity, then renders, signs and
/// zips it. `now` (Unix seconds) is the certificate-validity instant and the entries' time.
/// Errors refuse the pass; warnings are dropped (see `build_pkpass_with_warnings`).
pub fn build_pkpass(
    pass: &PassJson,
    assets: &PassAssets,
    identity: &SigningIdentity,
    now: i64,
) -> Result<Vec<u8>, BuildError> {
    build_pkpass_with_warnings(pass, assets, identity, now).map(|(bytes, _)| bytes)
}

/// `build_pkpass`, also answering the warnings the pass was signed with.
pub fn build_pkpass_with_warnings(
    pass: &PassJson,
    assets: &PassAssets,
    identity: &SigningIdentity,
    now: i64,
) -> Result<(Vec<u8>, Vec<Issue>), BuildError> {
    let mut issues = validate_pass(pass);
    issues.extend(assets.check_for(pass));
    issues.extend(identity.check_for(pass, now));
    let (errors, warnings) = split_issues(issues);
    if !errors.is_empty() {
        return Err(BuildError::Invalid(errors));
    }
    let pass_json = render_pass_json(pass);
    let mut manifest = String::with_capacity(assets.manifest_prefix().len() + 60);
    manifest.push_str(assets.manifest_prefix());
    manifest.push_str("\"pass.json\":\"");
    manifest.push_str(&sha1_hex(&pass_json));
    manifest.push_str("\"}");
    let signature = sign_detached(identity, manifest.as_bytes(), now)?;

    let modified = DosTime::from_unix(now);
    let extra = pass_json.len() + manifest.len() + signature.len() + 3 * 120;
    let mut zip = ZipWriter::continue_from(assets.zip_prefix(), extra);
    zip.add("pass.json", &pass_json, Storage::Stored, modified)?;
    zip.add("manifest.json", manifest.as_bytes(), Storage::Stored, modified)?;
    zip.add("signature", &signature, Storage::Stored, modified)?;
    Ok((zip.finish()?, warnings))
}

/// pass.json as Wallet receives it: colors normalized to `rgb(r, g, b)`.
pub fn render_pass_json(pass: &PassJson) -> Vec<u8> {
    let colors = [&pass.background_color, &pass.foreground_color, &pass.label_color, &pass.footer_background_color];
    let canonical = |c: &Option<String>| c.as_deref().is_none_or(|c| Rgb::parse(c).is_none_or(|rgb| rgb.to_css() == c));
    if colors.into_iter().all(canonical) {
        return to_json(pass);
    }
    let mut normalized = pass.clone();
    for color in [
        &mut normalized.background_color,
        &mut normalized.foreground_color,
        &mut normalized.label_color,
        &mut normalized.footer_background_color,
    ] {
        if let Some(rgb) = color.as_deref().and_then(Rgb::parse) {
            *color = Some(rgb.to_css());
        }
    }
    to_json(&normalized)
}

fn to_json(pass: &PassJson) -> Vec<u8> {
    // A struct of strings, numbers and JSON values always serializes.
    serde_json::to_vec(pass).unwrap_or_default()
}

/// Zips several .pkpass files (name → bytes) into one .pkpasses bundle.
pub fn build_pkpasses(passes: &[(String, Vec<u8>)], now: i64) -> Result<Vec<u8>, BuildError> {
    if passes.is_empty() || passes.len() > MAX_PASSES_PER_BUNDLE {
        return Err(BuildError::BundleCount(passes.len()));
    }
    let total: usize = passes.iter().map(|(_, bytes)| bytes.len()).sum();
    if total > MAX_PKPASSES_BYTES {
        return Err(BuildError::BundleSize);
    }
    let mut zip = ZipWriter::continue_from(&Default::default(), total + passes.len() * 200);
    let modified = DosTime::from_unix(now);
    for (name, bytes) in passes {
        zip.add(name, bytes, Storage::Stored, modified)?;
    }
    Ok(zip.finish()?)
}
