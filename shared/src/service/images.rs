//! Images named by header values (`icon_image`, `logo_image_2x`, …), for templates and for
//! passes that override their template's images: inline `data:image/png;base64` values or
//! https URLs (fetched once), stored in Blobs under keys that are never reused.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::Value;

use super::error::{FieldProblem, ServiceError};
use super::render::image_file;
use crate::model::template::FieldSpec;
use crate::model::template::TemplateContent;
use crate::pkpass::PassAssets;
use crate::pkpass::png::solid_png;
use crate::service::App;

pub use crate::ports::MAX_IMAGE_BYTES;

/// Image headers taken out of a request, not yet fetched.
#[derive(Debug, Default)]
pub struct ImageInputs {
    inline: BTreeMap<String, Vec<u8>>,
    urls: BTreeMap<String, String>,
}

impl ImageInputs {
    pub fn is_empty(&self) -> bool {
        self.inline.is_empty() && self.urls.is_empty()
    }

    /// A Google pass's images: Google fetches them itself, so each must be a public https URL
    /// (header → URL).
    pub fn into_google_urls(self) -> Result<BTreeMap<String, String>, ServiceError> {
        let mut problems: Vec<FieldProblem> = self
            .inline
            .keys()
            .map(|header| FieldProblem::new(format!("headers.{header}.value"), GOOGLE_IMAGE))
            .collect();
        for (header, url) in &self.urls {
            if !super::google_fields::is_https(url) {
                problems.push(FieldProblem::new(format!("headers.{header}.value"), GOOGLE_IMAGE));
            }
        }
        if problems.is_empty() { Ok(self.urls) } else { Err(ServiceError::Invalid(problems)) }
    }
}

const GOOGLE_IMAGE: &str = "must be a public https URL on Google passes (Google fetches the image itself)";

/// Images ready to store: header → PNG bytes, and where fetched ones came from.
#[derive(Debug, Default)]
pub struct Images {
    pub png: BTreeMap<String, Vec<u8>>,
    pub sources: BTreeMap<String, String>,
}

/// Takes the image headers out of `headers`, decoding inline ones; problems name the header.
pub fn take_image_headers(headers: &mut BTreeMap<String, FieldSpec>, problems: &mut Vec<FieldProblem>) -> ImageInputs {
    let mut inputs = ImageInputs::default();
    let names: Vec<String> = headers.keys().filter(|h| image_file(h).is_some()).cloned().collect();
    for header in names {
        let Some(spec) = headers.remove(&header) else { continue };
        let field = format!("headers.{header}.value");
        match spec.value.as_ref().and_then(Value::as_str) {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                inputs.urls.insert(header, url.to_string());
            }
            Some(value) => match decode_image(value) {
                Ok(png) => {
                    inputs.inline.insert(header, png);
                }
                Err(message) => problems.push(FieldProblem::new(field, message)),
            },
            None => {
                problems.push(FieldProblem::new(field, "is required (an https URL or a data:image/png;base64 URL)"))
            }
        }
    }
    inputs
}

/// Fetches the URL images (once; afterwards they are stored like inline ones).
pub async fn resolve(app: &App, inputs: ImageInputs) -> Result<Images, ServiceError> {
    let mut images = Images { png: inputs.inline, sources: BTreeMap::new() };
    let mut problems = Vec::new();
    for (header, url) in inputs.urls {
        match app.images.fetch_png(&url).await {
            Ok(png) => {
                images.png.insert(header.clone(), png);
                images.sources.insert(header, url);
            }
            Err(reason) => problems.push(FieldProblem::new(format!("headers.{header}.value"), reason)),
        }
    }
    if problems.is_empty() { Ok(images) } else { Err(ServiceError::Invalid(problems)) }
}

/// An image's blob key: its content's SHA-256. The same bytes are stored once however many
/// requests race to store them, and the bytes under a key never change (so a cached .pkpass of
/// an older version never points at changed bytes).
pub fn key_of(png: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, png);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("images/sha256/{hex}.png")
}

/// Header → blob key, for a record written before its images ([`put`]).
pub fn keys_for(png: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    png.iter().map(|(header, bytes)| (header.clone(), key_of(bytes))).collect()
}

/// Writes images under their keys ([`key_of`]).
pub async fn put(app: &App, png: BTreeMap<String, Vec<u8>>) -> Result<(), ServiceError> {
    for bytes in png.into_values() {
        app.blobs.put(&key_of(&bytes), bytes, "image/png").await?;
    }
    Ok(())
}

/// A stored image by its published name (`<sha256>.png`, as [`publish`] answers it): public,
/// since only who has seen the image knows its hash.
pub async fn published(app: &App, name: &str) -> Result<Vec<u8>, ServiceError> {
    let hex = name.strip_suffix(".png").filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let hex = hex.filter(|h| !h.bytes().any(|b| b.is_ascii_uppercase())).ok_or(ServiceError::NotFound("image"))?;
    let blob = app.blobs.get(&format!("images/sha256/{hex}.png")).await?;
    Ok(blob.ok_or(ServiceError::NotFound("image"))?.bytes)
}

/// Makes an image reachable by its published name (stored under its content key unless it
/// is already): the name.
pub async fn publish(app: &App, png: &[u8]) -> Result<String, ServiceError> {
    let key = key_of(png);
    if app.blobs.get(&key).await?.is_none() {
        app.blobs.put(&key, png.to_vec(), "image/png").await?;
    }
    Ok(key.trim_start_matches("images/sha256/").to_string())
}

/// Writes images and returns header → blob key: for changes whose record is written after
/// (a failed write then leaves at most bytes another record may share, never a wrong image).
pub async fn store(app: &App, png: BTreeMap<String, Vec<u8>>) -> Result<BTreeMap<String, String>, ServiceError> {
    let keys = keys_for(&png);
    put(app, png).await?;
    Ok(keys)
}

/// Loads stored images back: header → PNG bytes.
pub async fn load(app: &App, keys: &BTreeMap<String, String>) -> Result<BTreeMap<String, Vec<u8>>, ServiceError> {
    let mut images = BTreeMap::new();
    for (header, key) in keys {
        let blob =
            app.blobs.get(key).await?.ok_or_else(|| ServiceError::Internal(format!("image {key} is missing")))?;
        images.insert(header.clone(), blob.bytes);
    }
    Ok(images)
}

/// A pass bundle's static files from images by header (a plain icon when none is given) and
/// the personalization settings, if the passes can be personalized. A personalization logo
/// waits, kept but out of the bundle, until the template is given personalization settings
/// (Airship sets those through their own route).
pub fn assets_for(images: &BTreeMap<String, Vec<u8>>, template: &TemplateContent) -> Result<PassAssets, ServiceError> {
    let personalization = template.personalization.as_ref();
    let mut files: Vec<(String, Vec<u8>)> = images
        .iter()
        .filter_map(|(header, png)| image_file(header).map(|file| (file, png.clone())))
        .filter(|(file, _)| personalization.is_some() || !file.starts_with("personalizationLogo"))
        .collect();
    if let Some(settings) = personalization {
        files.push(("personalization.json".into(), settings.to_string().into_bytes()));
    }
    for (language, strings) in &template.localizations {
        files.push((format!("{language}.lproj/pass.strings"), crate::pkpass::strings::write_strings(strings)));
    }
    if !files.iter().any(|(f, _)| f.starts_with("icon")) {
        for (file, side) in [("icon.png", 29), ("icon@2x.png", 58), ("icon@3x.png", 87)] {
            files.push((file.into(), solid_png(side, side, [60, 65, 76])));
        }
    }
    PassAssets::new(files).map_err(|issues| {
        let field = |path: &str| {
            if path.starts_with("personalization.json") {
                "personalization".to_string()
            } else if let Some(language) = path.strip_suffix(".lproj/pass.strings") {
                format!("localizations.{language}")
            } else {
                format!("headers ({path})")
            }
        };
        ServiceError::Invalid(
            issues
                .into_iter()
                .map(|i| FieldProblem::new(field(&i.path), format!("{} ({})", i.reason, i.path)))
                .collect(),
        )
    })
}

/// Decodes a `data:image/png;base64,…` value into PNG bytes.
fn decode_image(value: &str) -> Result<Vec<u8>, String> {
    let data =
        value.strip_prefix("data:image/png;base64,").ok_or("must be an https URL or a data:image/png;base64 URL")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data.trim()).map_err(|_| "is not valid base64")?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!("is larger than {} KiB", MAX_IMAGE_BYTES / 1024));
    }
    crate::pkpass::png_inspect::inspect_png(&bytes)?;
    Ok(bytes)
}
