//! Adaptive links: one link for a pass on either wallet. Created with an Apple and/or a
//! Google template and a pass payload; each open on a device mints (or, with an external
//! id, reuses) the pass for that device's wallet.

use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{FieldProblem, ServiceError};
use super::passes::{self, PassRecord, PassRequest};
use super::templates;
use crate::app::App;
use crate::model::records::{AdaptiveLink, Page, PassFilter, PassQuery, Vendor};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdaptiveLinkRequest {
    pub ios_template_id: Option<u64>,
    pub android_template_id: Option<u64>,
    pub landing_page_url: Option<String>,
    #[serde(default)]
    pub payload: Value,
    pub is_personalized: Option<bool>,
}

/// An Airship-style id: 11 characters of base62.
fn new_id() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut bytes = [0u8; 11];
    let _ = openssl::rand::rand_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

pub async fn create(app: &App, request: AdaptiveLinkRequest) -> Result<(AdaptiveLink, Value), ServiceError> {
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
        let problems: Vec<FieldProblem> =
            super::render::check_overrides(&templates::content(&template)?, &passes::content_of(&pass_request))
                .into_iter()
                .map(|p| FieldProblem::new(format!("payload.{}", p.field), p.message))
                .collect();
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
    }
    let stored = json!({"payload": payload, "landingPageUrl": request.landing_page_url, "isPersonalized": request.is_personalized});
    let link = AdaptiveLink {
        id: new_id(),
        apple_template_id: request.ios_template_id,
        google_template_id: request.android_template_id,
        payload: stored,
        created_at: app.now(),
    };
    app.store.create_adaptive_link(&link).await?;
    let view = view(&app.config.public_url, &link);
    Ok((link, view))
}

pub fn view(base: &str, link: &AdaptiveLink) -> Value {
    let url = format!("{base}/v1/pass/adaptive/{}", link.id);
    json!({
        "adaptiveLinkId": link.id,
        "url": url,
        "iosUrl": link.apple_template_id.map(|_| format!("{url}/ios")),
        "androidUrl": link.google_template_id.map(|_| format!("{url}/android")),
        "iosTemplateId": link.apple_template_id,
        "androidTemplateId": link.google_template_id,
        "landingPageUrl": link.payload.get("landingPageUrl"),
        "payload": link.payload.get("payload"),
    })
}

pub async fn get(app: &App, id: &str) -> Result<AdaptiveLink, ServiceError> {
    app.store.get_adaptive_link(id).await?.ok_or(ServiceError::NotFound("adaptive link"))
}

pub async fn passes(app: &App, id: &str, mut query: PassQuery) -> Result<Page<PassRecord>, ServiceError> {
    get(app, id).await?;
    query.filter = PassFilter::AdaptiveLink(id.to_string());
    passes::list(app, &query).await
}

/// Opens the link on an Apple device: the pass for its payload (one per external id).
pub async fn open_ios(app: &App, id: &str) -> Result<(crate::model::records::Pass, Vec<u8>), ServiceError> {
    let link = get(app, id).await?;
    let template_id = link.apple_template_id.ok_or(ServiceError::NotFound("Apple template of this adaptive link"))?;
    let request: PassRequest =
        serde_json::from_value(link.payload.get("payload").cloned().unwrap_or_else(|| json!({})))
            .map_err(|e| ServiceError::Internal(format!("stored adaptive link payload: {e}")))?;
    let external_id = request.external_id.clone().or(request.ext_id.clone());
    if let Some(ext) = &external_id
        && let Some(existing) = app.store.get_pass_by_external_id(template_id, ext).await?
    {
        return passes::pkpass(app, existing.id).await;
    }
    let pass_id = match passes::create(app, template_id, request, None, Some(link.id.clone())).await {
        Ok(record) => record.pass.id,
        // A concurrent open created the pass for this external id first.
        Err(conflict @ ServiceError::Conflict(_)) => match &external_id {
            Some(ext) => app.store.get_pass_by_external_id(template_id, ext).await?.ok_or(conflict)?.id,
            None => return Err(conflict),
        },
        Err(e) => return Err(e),
    };
    passes::pkpass(app, pass_id).await
}
