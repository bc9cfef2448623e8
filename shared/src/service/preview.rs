//! What a pass looks like to its holder, for previews: the pass.json and images of its
//! signed .pkpass, read back from the file Wallet gets (so the preview shows exactly that),
//! in the holder's language when the pass has it.

use std::collections::BTreeMap;

use super::error::ServiceError;
use super::passes;
use crate::model::PassJson;
use crate::model::pass::{Barcode, Field, PassFields};
use crate::pkpass::strings::parse_strings;
use crate::pkpass::zip_read::{ZipLimits, read_zip};
use crate::service::App;

/// The images a preview shows, by base name (`logo`, `strip`, `thumbnail`, `background`,
/// `footer`): the @2x file when the pass has one, else the @1x.
pub const PREVIEW_IMAGES: [&str; 5] = ["logo", "strip", "thumbnail", "background", "footer"];

#[derive(Debug, Clone)]
pub struct PassPreview {
    /// The pass.json, its strings translated into `language` when it has one.
    pub pass: PassJson,
    /// Base name → PNG bytes.
    pub images: BTreeMap<&'static str, Vec<u8>>,
    /// The pass's localization the preview shows (`de`, `pt-BR`), if any matched.
    pub language: Option<String>,
}

pub async fn of_pass(app: &App, id: u64, accept_language: Option<&str>) -> Result<PassPreview, ServiceError> {
    let bundle = match passes::download(app, id).await? {
        passes::Download::Pkpass(_, bytes) => bytes,
        passes::Download::SaveLink(_) => {
            return Err(ServiceError::invalid("id", "is a Google Wallet pass: Google Wallet shows it"));
        }
    };
    of_pkpass(&bundle, accept_language).map_err(|e| ServiceError::Internal(format!("the signed pass {id} {e}")))
}

/// The preview's images made reachable at `/v1/images/{name}` (for pages and emails, which
/// show hosted images rather than inline ones): base name → published name.
pub async fn publish_images(app: &App, preview: &PassPreview) -> Result<BTreeMap<&'static str, String>, ServiceError> {
    let mut names = BTreeMap::new();
    for (base, png) in &preview.images {
        names.insert(*base, super::images::publish(app, png).await?);
    }
    Ok(names)
}

/// The preview of a .pkpass, in the best of its languages for `Accept-Language`.
pub fn of_pkpass(bundle: &[u8], accept_language: Option<&str>) -> Result<PassPreview, String> {
    let files = read_zip(bundle, ZipLimits::default())?;
    let file = |name: &str| files.iter().find(|f| f.name == name).map(|f| f.data.clone());
    let pass_json = file("pass.json").ok_or("has no pass.json")?;
    let mut pass: PassJson = serde_json::from_slice(&pass_json).map_err(|_| "has a pass.json that does not parse")?;
    let images = PREVIEW_IMAGES
        .into_iter()
        .filter_map(|base| {
            file(&format!("{base}@2x.png")).or_else(|| file(&format!("{base}.png"))).map(|png| (base, png))
        })
        .collect();
    let languages: Vec<&str> = files.iter().filter_map(|f| f.name.strip_suffix(".lproj/pass.strings")).collect();
    let language = best_language(&languages, accept_language);
    if let Some(language) = &language {
        let strings = file(&format!("{language}.lproj/pass.strings")).unwrap_or_default();
        localize(&mut pass, &parse_strings(&strings).unwrap_or_default());
    }
    Ok(PassPreview { pass, images, language })
}

/// The pass's language the holder prefers (`Accept-Language` by quality, then order): an exact
/// tag, else one with the same primary language (`de-AT` takes `de`, `de` takes `de-CH`).
pub fn best_language(available: &[&str], accept_language: Option<&str>) -> Option<String> {
    let mut wanted: Vec<(f32, usize, String)> = accept_language
        .unwrap_or_default()
        .split(',')
        .take(32)
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase().replace('_', "-");
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            (quality > 0.0 && !tag.is_empty() && tag != "*").then_some((quality, position, tag))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let normal = |tag: &str| tag.to_ascii_lowercase().replace('_', "-");
    let primary = |tag: &str| normal(tag).split('-').next().unwrap_or_default().to_string();
    wanted.iter().find_map(|(_, _, tag)| {
        let exact = available.iter().find(|a| normal(a) == *tag);
        let related = || available.iter().find(|a| primary(a) == primary(tag));
        exact.or_else(related).map(|a| a.to_string())
    })
}

/// Wallet's lookup: a string the pass.strings has a key for is shown translated.
fn localize(pass: &mut PassJson, strings: &BTreeMap<String, String>) {
    let say = |text: &mut Option<String>| {
        if let Some(translated) = text.as_deref().and_then(|t| strings.get(t)) {
            *text = Some(translated.clone());
        }
    };
    say(&mut pass.description);
    say(&mut pass.logo_text);
    say(&mut pass.organization_name);
    let barcodes = pass.barcodes.iter_mut().flatten().chain(pass.barcode.as_mut());
    barcodes.for_each(|code: &mut Barcode| say(&mut code.alt_text));
    let styles = [
        pass.boarding_pass.as_mut(),
        pass.coupon.as_mut(),
        pass.event_ticket.as_mut(),
        pass.generic.as_mut(),
        pass.store_card.as_mut(),
    ];
    for group in styles.into_iter().flatten() {
        let PassFields { header_fields, primary_fields, secondary_fields, auxiliary_fields, .. } = group;
        let fields = [header_fields, primary_fields, secondary_fields, auxiliary_fields];
        for field in fields.into_iter().flatten().flatten() {
            let Field { label, value, .. } = field;
            say(label);
            if let Some(serde_json::Value::String(text)) = value
                && let Some(translated) = strings.get(text.as_str())
            {
                *text = translated.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_holder_s_languages_pick_the_pass_s_best_localization() {
        let available = ["en", "de", "pt-BR", "zh_Hans"];
        assert_eq!(best_language(&available, Some("fr, de;q=0.8, en;q=0.5")).as_deref(), Some("de"));
        assert_eq!(best_language(&available, Some("de-AT")).as_deref(), Some("de"));
        assert_eq!(best_language(&available, Some("pt")).as_deref(), Some("pt-BR"));
        assert_eq!(best_language(&available, Some("en;q=0.3, zh-hans")).as_deref(), Some("zh_Hans"));
        assert_eq!(best_language(&available, Some("fr, *")), None);
        assert_eq!(best_language(&available, Some("de;q=0")), None);
        assert_eq!(best_language(&available, None), None);
    }
}
