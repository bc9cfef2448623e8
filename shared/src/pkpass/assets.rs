//! A template's static files (images, localizations, personalization) prepared once: checked,
//! hashed for the manifest, and written as ready ZIP entries. Every pass built from them only
//! adds pass.json, manifest.json and signature.

use std::collections::BTreeMap;

use super::files::{AssetKind, ImageName, check_content, classify};
use super::issue::{Issue, Issues};
use super::zip::{DosTime, Storage, ZipPrefix, ZipWriter};
use crate::model::{PassJson, PassStyle};

/// One static file of a pass bundle.
#[derive(Debug, Clone)]
pub struct Asset {
    pub path: String,
    pub kind: AssetKind,
    pub bytes: Vec<u8>,
    pub sha1_hex: String,
    /// An image's width and height in pixels.
    pub pixels: Option<(u32, u32)>,
}

#[derive(Debug, Clone)]
pub struct PassAssets {
    assets: Vec<Asset>,
    /// `{"icon.png":"…",…,` — the manifest up to where pass.json's hash goes.
    manifest_prefix: String,
    zip: ZipPrefix,
}

impl PassAssets {
    /// Checks and prepares `files` (bundle path → bytes). Every problem is reported at once.
    pub fn new(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Result<PassAssets, Vec<Issue>> {
        let mut issues = Issues::default();
        let mut assets = Vec::new();
        let sorted: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
        for (path, bytes) in sorted {
            match classify(&path) {
                Ok(kind) => {
                    let pixels = check_content(&path, &kind, &bytes, &mut issues);
                    let sha1_hex = sha1_hex(&bytes);
                    assets.push(Asset { path, kind, bytes, sha1_hex, pixels });
                }
                Err(reason) => issues.fail(path, reason),
            }
        }
        if !issues.0.is_empty() {
            return Err(issues.0);
        }
        Self::from_checked(assets).map_err(|e| vec![Issue::new("bundle", e.to_string())])
    }

    fn from_checked(assets: Vec<Asset>) -> Result<PassAssets, super::zip::ZipError> {
        let mut manifest_prefix = String::from("{");
        let mut zip = ZipWriter::new();
        for asset in &assets {
            manifest_prefix.push_str(&json_string(&asset.path));
            manifest_prefix.push(':');
            manifest_prefix.push('"');
            manifest_prefix.push_str(&asset.sha1_hex);
            manifest_prefix.push_str("\",");
            let storage = match asset.kind {
                AssetKind::Image { .. } => Storage::Stored,
                _ => Storage::DeflateIfSmaller,
            };
            zip.add(&asset.path, &asset.bytes, storage, DosTime::EPOCH)?;
        }
        Ok(PassAssets { assets, manifest_prefix, zip: zip.into_prefix() })
    }

    pub fn assets(&self) -> &[Asset] {
        &self.assets
    }

    pub fn is_personalizable(&self) -> bool {
        self.assets.iter().any(|a| a.kind == AssetKind::Personalization)
    }

    /// The same assets without personalization.json and personalizationLogo: what a pass
    /// looks like once its holder has personalized it.
    pub fn without_personalization(&self) -> PassAssets {
        let kept = self
            .assets
            .iter()
            .filter(|a| {
                !matches!(
                    a.kind,
                    AssetKind::Personalization | AssetKind::Image { name: ImageName::PersonalizationLogo, .. }
                )
            })
            .cloned()
            .collect();
        // The kept entries were written once already, so writing them again cannot fail.
        Self::from_checked(kept).unwrap_or_else(|_| self.clone())
    }

    /// The rules that tie the files to a pass: images the style shows and their sizes, the
    /// required icon and its scales, strip vs background, a poster's artwork, and what
    /// personalization needs.
    pub fn check_for(&self, pass: &PassJson) -> Vec<Issue> {
        let mut v = Issues::default();
        let Some(style) = pass.style() else { return v.0 };
        let mut icon_scales = [false; 3];
        let mut has_strip = false;
        let mut has_background_or_thumbnail = false;
        let mut has_poster_art = false;
        let mut has_personalization_logo = false;
        for asset in &self.assets {
            let AssetKind::Image { name, scale, .. } = asset.kind else { continue };
            if !name.allowed_for(style) {
                v.fail(asset.path.clone(), format!("is not shown on a {} pass", style.key()));
                continue;
            }
            if let Some(reason) = asset.pixels.and_then(|(w, h)| name.expected_size(style).mismatch(w, h, scale)) {
                v.warn(asset.path.clone(), reason);
            }
            match name {
                ImageName::Icon => icon_scales[scale as usize - 1] = true,
                ImageName::Strip => has_strip = true,
                ImageName::Background | ImageName::Thumbnail => has_background_or_thumbnail = true,
                ImageName::PersonalizationLogo => has_personalization_logo = true,
                _ => {}
            }
            has_poster_art |= matches!(name, ImageName::Artwork | ImageName::Background);
        }
        if icon_scales.contains(&true) {
            for (scale, present) in [(2, icon_scales[1]), (3, icon_scales[2])] {
                v.check_warn(
                    present,
                    || format!("icon@{scale}x.png"),
                    "is recommended: without it Wallet scales another icon up for this screen",
                );
            }
        } else {
            v.fail("icon.png", "is required (icon.png, icon@2x.png or icon@3x.png)");
        }
        if style == PassStyle::EventTicket && super::semantic_styles::is_semantic_driven(pass) {
            v.check(
                has_poster_art,
                || "artwork.png".into(),
                "a poster event ticket needs an artwork or a background image",
            );
        }
        if style == PassStyle::EventTicket && has_strip && has_background_or_thumbnail {
            v.fail("strip.png", "an event ticket has either a strip image or background/thumbnail images, not both");
        }
        if self.is_personalizable() {
            v.check(
                style == PassStyle::StoreCard,
                || "personalization.json".into(),
                "only store cards can be personalized",
            );
            v.check(
                pass.nfc.is_some(),
                || "personalization.json".into(),
                "a personalizable pass needs nfc in pass.json",
            );
            v.check(
                has_personalization_logo,
                || "personalizationLogo.png".into(),
                "is required for a personalizable pass",
            );
        } else if has_personalization_logo {
            v.fail("personalizationLogo.png", "is only used with personalization.json");
        }
        v.0
    }

    pub(crate) fn manifest_prefix(&self) -> &str {
        &self.manifest_prefix
    }

    pub(crate) fn zip_prefix(&self) -> &ZipPrefix {
        &self.zip
    }
}

/// A file's SHA-1 as manifest.json lists it: lower-case hex.
pub(crate) fn sha1_hex(bytes: &[u8]) -> String {
    hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, bytes).as_ref())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}
