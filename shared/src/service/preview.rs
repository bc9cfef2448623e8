//! What a pass looks like to its holder, for previews: the pass.json and images of its
//! signed .pkpass, read back from the file Wallet gets (so the preview shows exactly that).

use std::collections::BTreeMap;

use super::error::ServiceError;
use super::passes;
use crate::model::PassJson;
use crate::pkpass::zip_read::{ZipLimits, read_zip};
use crate::service::App;

/// The images a preview shows, by base name (`logo`, `strip`, `thumbnail`, `background`,
/// `footer`): the @2x file when the pass has one, else the @1x.
pub const PREVIEW_IMAGES: [&str; 5] = ["logo", "strip", "thumbnail", "background", "footer"];

#[derive(Debug, Clone)]
pub struct PassPreview {
    pub pass: PassJson,
    /// Base name → PNG bytes.
    pub images: BTreeMap<&'static str, Vec<u8>>,
}

pub async fn of_pass(app: &App, id: u64) -> Result<PassPreview, ServiceError> {
    let bundle = match passes::download(app, id).await? {
        passes::Download::Pkpass(_, bytes) => bytes,
        passes::Download::SaveLink(_) => {
            return Err(ServiceError::invalid("id", "is a Google Wallet pass: Google Wallet shows it"));
        }
    };
    let unreadable = |what: &str| ServiceError::Internal(format!("the signed pass {id} {what}"));
    let files = read_zip(&bundle, ZipLimits::default()).map_err(|e| unreadable(&e))?;
    let file = |name: &str| files.iter().find(|f| f.name == name).map(|f| f.data.clone());
    let pass_json = file("pass.json").ok_or_else(|| unreadable("has no pass.json"))?;
    let pass: PassJson =
        serde_json::from_slice(&pass_json).map_err(|_| unreadable("has a pass.json that does not parse"))?;
    let images = PREVIEW_IMAGES
        .into_iter()
        .filter_map(|base| {
            file(&format!("{base}@2x.png")).or_else(|| file(&format!("{base}.png"))).map(|png| (base, png))
        })
        .collect();
    Ok(PassPreview { pass, images })
}
