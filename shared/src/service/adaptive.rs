//! Adaptive links: one link for a pass on either wallet. Created with an Apple and/or a
//! Google template and a pass payload; each open on a device mints (or, with an external
//! id, reuses) the pass for that device's wallet.

use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{FieldProblem, LinkRefusal, ServiceError};
use super::passes::{self, PassRequest};
use super::templates;
use crate::model::records::{AdaptiveLink, Page, PageRequest, Pass, Vendor};
use crate::service::App;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdaptiveLinkRequest {
    pub ios_template_id: Option<u64>,
    pub android_template_id: Option<u64>,
    pub landing_page_url: Option<String>,
    #[serde(default)]
    pub payload: Value,
    pub is_personalized: Option<bool>,
    /// How many passes the link may make (Tessera's; `DEFAULT_MAX_PASSES` when absent).
    pub max_passes: Option<u64>,
}

/// How many passes an adaptive link makes at most unless it says otherwise: each open without
/// an external id makes one, so a link posted publicly would otherwise mint without end.
pub const DEFAULT_MAX_PASSES: u64 = 10_000;
/// The most a link may ask for.
pub const MAX_MAX_PASSES: u64 = 1_000_000;

/// The link's bound on the passes it makes.
pub fn max_passes(link: &AdaptiveLink) -> u64 {
    link.payload.get("maxPasses").and_then(Value::as_u64).unwrap_or(DEFAULT_MAX_PASSES)
}

/// An Airship-style id: 11 characters of base62.
fn new_id() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = [0u8; 11];
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

pub async fn create(app: &App, request: AdaptiveLinkRequest) -> Result<AdaptiveLink, ServiceError> {
    if request.ios_template_id.is_none() && request.android_template_id.is_none() {
        return Err(ServiceError::invalid(
            "iosTemplateId",
            "an adaptive link needs iosTemplateId, androidTemplateId or both",
        ));
    }
    if let Some(url) = &request.landing_page_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(ServiceError::invalid("landingPageUrl", "must be an absolute http(s) URL"));
    }
    if request.max_passes.is_some_and(|max| !(1..=MAX_MAX_PASSES).contains(&max)) {
        return Err(ServiceError::invalid("maxPasses", format!("must be 1 to {MAX_MAX_PASSES}")));
    }
    let payload = if request.payload.is_null() { json!({}) } else { request.payload.clone() };
    let pass_request: PassRequest = serde_json::from_value(payload.clone())
        .map_err(|e| ServiceError::invalid("payload", format!("is not a pass request: {e}")))?;
    for (field, id, vendor) in [
        ("iosTemplateId", request.ios_template_id, Vendor::Apple),
        ("androidTemplateId", request.android_template_id, Vendor::Google),
    ] {
        let Some(id) = id else { continue };
        let template = templates::get(app, id).await.map_err(|e| match e {
            ServiceError::NotFound(_) => ServiceError::invalid(field, format!("template {id} does not exist")),
            other => other,
        })?;
        if template.vendor != vendor {
            return Err(ServiceError::invalid(field, format!("template {id} is not a {} template", vendor.as_str())));
        }
        passes::check_would_create(app, id, &pass_request).await.map_err(|e| match e {
            ServiceError::Invalid(problems) => ServiceError::Invalid(
                problems.into_iter().map(|p| FieldProblem::new(format!("payload.{}", p.field), p.message)).collect(),
            ),
            other => other,
        })?;
    }
    let stored = json!({"payload": payload, "landingPageUrl": request.landing_page_url,
        "isPersonalized": request.is_personalized, "maxPasses": request.max_passes.unwrap_or(DEFAULT_MAX_PASSES)});
    let link = AdaptiveLink {
        id: new_id(),
        apple_template_id: request.ios_template_id,
        google_template_id: request.android_template_id,
        payload: stored,
        created_at: app.now(),
        passes_made: 0,
    };
    app.store.create_adaptive_link(&link).await?;
    Ok(link)
}

pub async fn get(app: &App, id: &str) -> Result<AdaptiveLink, ServiceError> {
    app.store.get_adaptive_link(id).await?.ok_or(ServiceError::NotFound("adaptive link"))
}

pub async fn list(app: &App, page: &PageRequest) -> Result<Page<AdaptiveLink>, ServiceError> {
    Ok(app.store.list_adaptive_links(page).await?)
}

/// Deletes the link: it opens nothing from now on; the passes it minted stay.
pub async fn delete(app: &App, id: &str) -> Result<(), ServiceError> {
    Ok(app.store.delete_adaptive_link(id).await?)
}

/// Where a visitor on neither wallet goes: the link's landing page, if it has one.
pub fn landing_page(link: &AdaptiveLink) -> Option<&str> {
    link.payload.get("landingPageUrl").and_then(Value::as_str)
}

/// Opens the link on an Apple device: the pass for its payload (one per external id).
pub async fn open_ios(app: &App, id: &str) -> Result<(Pass, Vec<u8>), ServiceError> {
    let link = get(app, id).await?;
    let template_id = link.apple_template_id.ok_or(ServiceError::NotFound("Apple template of this adaptive link"))?;
    match mint(app, &link, template_id).await? {
        (pass, Some(pkpass)) => Ok((pass, pkpass)),
        (pass, None) => passes::pkpass(app, pass.id).await,
    }
}

/// The link's Apple pass as its holder will see it: the pass already made for its external id,
/// else a draft (signed, stored nowhere); `None` for a link without an Apple template.
pub async fn preview(
    app: &App,
    link: &AdaptiveLink,
    accept_language: Option<&str>,
) -> Result<Option<super::preview::PassPreview>, ServiceError> {
    let Some(template_id) = link.apple_template_id else { return Ok(None) };
    let request = payload_request(link)?;
    let external_id = request.external_id.clone().or(request.ext_id.clone());
    if let Some(ext) = &external_id
        && let Some(existing) = app.store.get_pass_by_external_id(template_id, ext).await?
    {
        return super::preview::of_pass(app, existing.id, accept_language).await.map(Some);
    }
    let draft = passes::draft_pkpass(app, template_id, &request).await?;
    let preview = super::preview::of_pkpass(&draft, accept_language)
        .map_err(|e| ServiceError::Internal(format!("a draft pass {e}")))?;
    Ok(Some(preview))
}

/// How many adaptive links one multi-pass link opens at most (Airship's limit, and Apple's
/// per .pkpasses bundle).
pub const MAX_LINKS_AT_ONCE: usize = 10;

/// The adaptive links a multi-pass link names (`?ids=a,b,c`), checked: 1 to
/// [`MAX_LINKS_AT_ONCE`] ids, no empty or repeated one, each an existing link.
pub async fn several(app: &App, ids: &str) -> Result<Vec<AdaptiveLink>, ServiceError> {
    let ids: Vec<&str> = ids.split(',').map(str::trim).collect();
    if ids.len() > MAX_LINKS_AT_ONCE || ids.iter().any(|id| id.is_empty()) {
        return Err(ServiceError::invalid(
            "ids",
            format!("must be 1 to {MAX_LINKS_AT_ONCE} adaptive link ids, comma-separated"),
        ));
    }
    let mut links = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(ServiceError::invalid("ids", format!("names {id} twice")));
        }
        links.push(get(app, id).await?);
    }
    Ok(links)
}

/// Opens several links on an Apple device: one .pkpasses bundle with each link's pass.
pub async fn open_several_ios(app: &App, links: &[AdaptiveLink]) -> Result<Vec<u8>, ServiceError> {
    if let Some(link) = links.iter().find(|l| l.apple_template_id.is_none()) {
        return Err(ServiceError::invalid("ids", format!("adaptive link {} has no Apple template", link.id)));
    }
    let mut passes = Vec::with_capacity(links.len());
    for link in links {
        let (pass, bytes) = open_ios(app, &link.id).await?;
        passes.push((format!("{}.pkpass", pass.serial_number), bytes));
    }
    crate::pkpass::build_pkpasses(&passes, app.now() / 1000).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Opens several links on an Android device: one save link adding each link's Google pass.
pub async fn open_several_android(app: &App, links: &[AdaptiveLink]) -> Result<String, ServiceError> {
    if let Some(link) = links.iter().find(|l| l.google_template_id.is_none()) {
        return Err(ServiceError::invalid("ids", format!("adaptive link {} has no Google template", link.id)));
    }
    let mut passes = Vec::with_capacity(links.len());
    for link in links {
        let template_id = link.google_template_id.unwrap_or_default();
        let (pass, _) = mint(app, link, template_id).await?;
        passes.push((super::templates::get(app, template_id).await?, pass));
    }
    app.google.save_link_for_several(&passes).await
}

/// Opens the link on an Android device: the Google save link of the pass for its payload.
pub async fn open_android(app: &App, id: &str) -> Result<String, ServiceError> {
    let link = get(app, id).await?;
    let template_id = link.google_template_id.ok_or(ServiceError::NotFound("Google template of this adaptive link"))?;
    let (pass, _) = mint(app, &link, template_id).await?;
    pass.content
        .google_save_url
        .ok_or_else(|| ServiceError::Internal(format!("Google pass {} has no save link", pass.id)))
}

fn payload_request(link: &AdaptiveLink) -> Result<PassRequest, ServiceError> {
    serde_json::from_value(link.payload.get("payload").cloned().unwrap_or_else(|| json!({})))
        .map_err(|e| ServiceError::Internal(format!("stored adaptive link payload: {e}")))
}

/// The pass of this link for one template: made on first open (with the file signed for it),
/// or found by external id.
async fn mint(app: &App, link: &AdaptiveLink, template_id: u64) -> Result<(Pass, Option<Vec<u8>>), ServiceError> {
    let request = payload_request(link)?;
    let external_id = request.external_id.clone().or(request.ext_id.clone());
    if let Some(ext) = &external_id
        && let Some(existing) = app.store.get_pass_by_external_id(template_id, ext).await?
    {
        return Ok((existing, None));
    }
    // Counted before it is made (so racing opens cannot pass the bound), given back if it is
    // not made after all.
    if !app.store.claim_adaptive_pass(&link.id, max_passes(link)).await? {
        return Err(ServiceError::LinkRefused(LinkRefusal::Exhausted));
    }
    let made = passes::create(app, template_id, request, None, Some(link.id.clone())).await;
    if made.is_err() {
        app.store.release_adaptive_pass(&link.id).await?;
    }
    match made {
        Ok(issued) => Ok((issued.record.pass, issued.pkpass)),
        // A concurrent open created the pass for this external id first.
        Err(conflict @ ServiceError::Conflict(_)) => match &external_id {
            Some(ext) => Ok((app.store.get_pass_by_external_id(template_id, ext).await?.ok_or(conflict)?, None)),
            None => Err(conflict),
        },
        Err(e) => Err(e),
    }
}

/// Which wallet a browser's device uses: Apple for iPhone, iPad, iPod and Safari on a Mac
/// (iPadOS asks as a Mac), Google for Android, `None` for anything else.
pub fn wallet_for_user_agent(user_agent: &str) -> Option<Vendor> {
    if user_agent.contains("Android") {
        return Some(Vendor::Google);
    }
    if ["iPhone", "iPad", "iPod"].iter().any(|d| user_agent.contains(d)) {
        return Some(Vendor::Apple);
    }
    let other_browser = ["Chrome/", "Chromium/", "Firefox/", "Edg/", "OPR/"].iter().any(|b| user_agent.contains(b));
    if user_agent.contains("Macintosh") && user_agent.contains("Safari/") && !other_browser {
        return Some(Vendor::Apple);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::wallet_for_user_agent;
    use crate::model::records::Vendor;

    #[test]
    fn the_wallet_follows_the_device() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        let ipad_as_mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
        let android = "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
        let mac_chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        let windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(wallet_for_user_agent(iphone), Some(Vendor::Apple));
        assert_eq!(wallet_for_user_agent(ipad_as_mac), Some(Vendor::Apple));
        assert_eq!(wallet_for_user_agent(android), Some(Vendor::Google));
        assert_eq!(wallet_for_user_agent(mac_chrome), None);
        assert_eq!(wallet_for_user_agent(windows), None);
        assert_eq!(wallet_for_user_agent(""), None);
    }
}
