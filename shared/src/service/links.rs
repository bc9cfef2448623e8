//! Dynamic links: a URL that creates its pass on first open (`POST /v1/pass/{id}/dynamic`),
//! then keeps serving that pass.

use serde_json::Value;

use super::error::{LinkRefusal, ServiceError};
use super::passes::{self, PassRequest};
use super::templates;
use crate::model::date::parse_wallet_date;
use crate::model::document::Collection;
use crate::model::records::{LinkKind, LinkUse, Pass, PublicLink};
use crate::ports::StoreError;
use crate::service::App;

/// A public link's pass, signed, for the holder's download: a single-use link is used up by
/// it (after the file is built, so a failure does not spend the link).
pub async fn download_public(app: &App, token: &str) -> Result<(Pass, Vec<u8>), ServiceError> {
    let unknown = ServiceError::LinkRefused(LinkRefusal::Unknown);
    let link = app.store.get_link(token).await?.ok_or(unknown.clone())?;
    let pass_id = link.pass_id.ok_or(unknown)?;
    let (pass, bytes) = passes::pkpass(app, pass_id).await?;
    granted(app.store.use_link(token, app.now()).await?)?;
    Ok((pass, bytes))
}

/// A public link's pass as its holder sees it, for the page a browser opening the link gets:
/// looking does not use the link up (only the download does), but a used or expired link
/// shows no pass.
pub async fn preview_public(
    app: &App,
    token: &str,
    accept_language: Option<&str>,
) -> Result<super::preview::PassPreview, ServiceError> {
    let unknown = ServiceError::LinkRefused(LinkRefusal::Unknown);
    let link = app.store.get_link(token).await?.ok_or(unknown.clone())?;
    let pass_id = link.pass_id.ok_or(unknown)?;
    unexpired(app, &link)?;
    if link.kind == LinkKind::Single && link.used {
        return Err(ServiceError::LinkRefused(LinkRefusal::Used));
    }
    super::preview::of_pass(app, pass_id, accept_language).await
}

/// A dynamic link's pass as its holder will see it: the pass once the link has made it,
/// before that a draft of it (made and signed, stored nowhere), so looking makes no pass.
pub async fn preview_dynamic(
    app: &App,
    token: &str,
    accept_language: Option<&str>,
) -> Result<super::preview::PassPreview, ServiceError> {
    let unknown = ServiceError::LinkRefused(LinkRefusal::Unknown);
    let link = app.store.get_link(token).await?.filter(|l| l.payload.is_some()).ok_or(unknown)?;
    unexpired(app, &link)?;
    if let Some(pass_id) = link.pass_id {
        return super::preview::of_pass(app, pass_id, accept_language).await;
    }
    let request: PassRequest = serde_json::from_value(link.payload.clone().unwrap_or_default())
        .map_err(|e| ServiceError::Internal(format!("stored dynamic link payload: {e}")))?;
    let draft = passes::draft_pkpass(app, link.template_id, &request).await?;
    super::preview::of_pkpass(&draft, accept_language).map_err(|e| ServiceError::Internal(format!("a draft pass {e}")))
}

fn unexpired(app: &App, link: &PublicLink) -> Result<(), ServiceError> {
    match link.expires_at {
        Some(at) if at <= app.now() => Err(ServiceError::LinkRefused(LinkRefusal::Expired)),
        _ => Ok(()),
    }
}

fn granted(used: LinkUse) -> Result<(), ServiceError> {
    match used {
        LinkUse::Granted { .. } => Ok(()),
        LinkUse::Expired => Err(ServiceError::LinkRefused(LinkRefusal::Expired)),
        LinkUse::AlreadyUsed => Err(ServiceError::LinkRefused(LinkRefusal::Used)),
    }
}

/// Parses an expiry (`field` names it in errors) as an ISO 8601 date-time, or a date (valid
/// through that day, UTC); it must lie ahead.
pub fn parse_expiry(text: &str, now: i64, field: &str) -> Result<i64, ServiceError> {
    let millis = match parse_wallet_date(text) {
        Ok(date) => date.unix_seconds * 1000,
        Err(_) => {
            let end_of_day = format!("{text}T23:59:59Z");
            parse_wallet_date(&end_of_day)
                .map_err(|_| {
                    ServiceError::invalid(
                        field,
                        "must be a date (2027-05-18) or an ISO 8601 date-time with a time zone",
                    )
                })?
                .unix_seconds
                * 1000
        }
    };
    if millis <= now {
        return Err(ServiceError::invalid(field, "is in the past"));
    }
    Ok(millis)
}

/// What a dynamic link's query may set besides its payload.
#[derive(Debug, Default, Clone, Copy)]
pub struct DynamicOptions<'a> {
    /// `expiry`: the pass's expiration date (the seed's meaning).
    pub pass_expiry: Option<&'a str>,
    /// `linkExpiry`: when the link itself stops minting and serving.
    pub link_expiry: Option<&'a str>,
    /// `serialNumber`: the serial the pass will have.
    pub serial_number: Option<&'a str>,
}

/// Checks the payload against the template now and stores it behind a new link.
pub async fn create_dynamic(
    app: &App,
    template_id: u64,
    mut payload: Value,
    options: DynamicOptions<'_>,
) -> Result<String, ServiceError> {
    let template = templates::get(app, template_id).await?;
    let now = app.now();
    if let Some(expiry) = options.pass_expiry {
        let at = crate::model::date::format_millis(parse_expiry(expiry, now, "expiry")?);
        let header = &mut payload["headers"]["expirationDate"];
        if !header.is_object() {
            *header = Value::Object(serde_json::Map::new());
        }
        header["value"] = Value::String(at);
    }
    if let Some(serial) = options.serial_number {
        passes::check_serial_number(serial)?;
        let pass_type_id = template.pass_type_id.as_deref().unwrap_or_default();
        if app.store.get_pass_by_serial(pass_type_id, serial).await?.is_some() {
            return Err(ServiceError::Conflict(format!("serial number `{serial}` already exists")));
        }
        payload["serialNumber"] = Value::String(serial.to_string());
    }
    let request: PassRequest =
        serde_json::from_value(payload.clone()).map_err(|e| ServiceError::invalid("body", e.to_string()))?;
    passes::check_would_create(app, template_id, &request).await?;
    let expires_at = options.link_expiry.map(|e| parse_expiry(e, now, "linkExpiry")).transpose()?;
    let link = PublicLink {
        token: uuid::Uuid::new_v4().to_string(),
        kind: LinkKind::Multiple,
        pass_id: None,
        template_id,
        payload: Some(payload),
        expires_at,
        used: false,
        installs: 0,
        created_at: app.now(),
    };
    app.store.create_link(&link).await?;
    Ok(format!("{}/v1/pass/dynamic/{}", app.config.public_url, link.token))
}

/// Opens a dynamic link: the first open creates the pass (once, however many open at once).
pub async fn open_dynamic(app: &App, token: &str) -> Result<(Pass, Vec<u8>), ServiceError> {
    let unknown = ServiceError::LinkRefused(LinkRefusal::Unknown);
    let link = app.store.get_link(token).await?.filter(|l| l.payload.is_some()).ok_or(unknown)?;
    granted(app.store.use_link(token, app.now()).await?)?;
    let pass_id = match link.pass_id {
        Some(id) => id,
        None if !claim_minting(app, token).await? => {
            let busy = ServiceError::Conflict("this link's pass is being made; open it again in a moment".into());
            return served_by_winner(app, token, busy).await;
        }
        None => {
            // The claim may be won just after an earlier maker finished (it ties its pass to
            // the link, then drops its claim): that pass is the link's, and none is made.
            let made = match app.store.get_link(token).await?.and_then(|l| l.pass_id) {
                Some(id) => passes::pkpass(app, id).await,
                None => make_link_pass(app, token, &link).await,
            };
            app.store.delete_document(Collection::LinkMint, token).await?;
            return made;
        }
    };
    passes::pkpass(app, pass_id).await
}

/// How long a claim to make a link's pass holds before another opener may take it over (its
/// maker died between claiming and finishing).
const MINTING_CLAIM_MS: i64 = 30_000;

/// Whether this opener makes the link's pass: the first claim wins; a stale one is taken over.
async fn claim_minting(app: &App, token: &str) -> Result<bool, ServiceError> {
    let now = app.now();
    let claim = serde_json::json!({"claimedAt": now});
    match app.store.put_document(Collection::LinkMint, token, &claim, None, now).await {
        Ok(_) => Ok(true),
        Err(StoreError::Duplicate { .. }) => {
            let Some(held) = app.store.get_document(Collection::LinkMint, token).await? else { return Ok(false) };
            if now - held.updated_at < MINTING_CLAIM_MS {
                return Ok(false);
            }
            match app.store.put_document(Collection::LinkMint, token, &claim, Some(held.version), now).await {
                Ok(_) => Ok(true),
                Err(StoreError::Conflict(_)) => Ok(false),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// Makes a dynamic link's pass and ties it to the link: the pass, with its signed file.
async fn make_link_pass(app: &App, token: &str, link: &PublicLink) -> Result<(Pass, Vec<u8>), ServiceError> {
    let request: PassRequest = serde_json::from_value(link.payload.clone().unwrap_or_default())
        .map_err(|e| ServiceError::Internal(format!("stored dynamic link payload: {e}")))?;
    let issued = match passes::create(app, link.template_id, request, None, None).await {
        Ok(issued) => issued,
        // The payload's external id is taken: by an earlier maker of this link's pass whose
        // claim went stale (its pass shows up on the link shortly), or by another pass.
        Err(conflict @ ServiceError::Conflict(_)) => return served_by_winner(app, token, conflict).await,
        Err(e) => return Err(e),
    };
    let created = issued.record.pass.id;
    match app.store.set_link_pass(token, created).await {
        Ok(()) => match issued.pkpass {
            Some(pkpass) => Ok((issued.record.pass, pkpass)),
            None => passes::pkpass(app, created).await,
        },
        Err(StoreError::Conflict(_)) => {
            // A maker whose claim went stale finished after all: serve its pass, drop ours.
            passes::delete(app, created).await?;
            let winner =
                app.store.get_link(token).await?.and_then(|l| l.pass_id).ok_or(ServiceError::NotFound("link"))?;
            passes::pkpass(app, winner).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The pass another opener is making, once it is on the link (within 5 s), else `conflict`.
async fn served_by_winner(app: &App, token: &str, conflict: ServiceError) -> Result<(Pass, Vec<u8>), ServiceError> {
    for _ in 0..100 {
        if let Some(pass_id) = app.store.get_link(token).await?.and_then(|l| l.pass_id) {
            return passes::pkpass(app, pass_id).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(conflict)
}

#[cfg(test)]
mod tests {
    use super::parse_expiry;
    use crate::service::ServiceError;

    const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00Z

    #[test]
    fn expiry_is_a_date_time_or_the_end_of_a_day() {
        assert_eq!(parse_expiry("2026-01-02T10:00:00Z", NOW, "expiry"), Ok(NOW + 34 * 3_600_000));
        assert_eq!(parse_expiry("2026-01-02", NOW, "expiry"), Ok(NOW + 2 * 86_400_000 - 1000), "through that day, UTC");
        let past = parse_expiry("2025-12-31", NOW, "expiry");
        assert!(matches!(past, Err(ServiceError::Invalid(p)) if p[0].message == "is in the past"));
        let garbled = parse_expiry("soon", NOW, "linkExpiry");
        assert!(matches!(garbled, Err(ServiceError::Invalid(p)) if p[0].field == "linkExpiry"));
    }
}
