//! Apple's pass web service (also spoken by Android wallets with `AndroidPass`): register and
//! unregister devices, the serials changed since a tag, the latest pass (with 304), the
//! personalization handshake and Wallet's logs. There is no API key: a pass's own
//! authentication token is the credential, and an unknown pass is refused exactly like a
//! wrong token, so serials cannot be probed.

use serde_json::{Map, Value};

use super::error::ServiceError;
use super::{callbacks, passes};
use crate::model::callback::CallbackEvent;
use crate::model::records::{Millis, NewRegistration, Pass, Platform, RegisterOutcome, Template, UpdatedSerials};
use crate::model::trail::{TRAIL_MAX_LISTED, TrailEvent, TrailSubject, UnregisterCause};
use crate::service::App;

/// What a device presents: `Authorization: ApplePass <token>` (or `AndroidPass`).
#[derive(Debug, Clone, Copy)]
pub struct DeviceCredentials<'a> {
    pub platform: Platform,
    pub token: &'a str,
}

/// Which pass a request is about, by Apple's path parameters.
#[derive(Debug, Clone, Copy)]
pub struct PassAddress<'a> {
    pub pass_type_id: &'a str,
    pub serial: &'a str,
}

/// The pass addressed, if the credentials are its token (compared in constant time).
async fn authorized(
    app: &App,
    address: PassAddress<'_>,
    credentials: DeviceCredentials<'_>,
) -> Result<Pass, ServiceError> {
    let pass = app.store.get_pass_by_serial(address.pass_type_id, address.serial).await?;
    let Some(pass) = pass else { return Err(ServiceError::Unauthorized) };
    let expected = pass.authentication_token.as_bytes();
    let presented = credentials.token.as_bytes();
    let equal = aws_lc_rs::constant_time::verify_slices_are_equal(expected, presented).is_ok();
    if equal { Ok(pass) } else { Err(ServiceError::Unauthorized) }
}

pub async fn register(
    app: &App,
    address: PassAddress<'_>,
    credentials: DeviceCredentials<'_>,
    device: &str,
    push_token: &str,
) -> Result<RegisterOutcome, ServiceError> {
    let pass = authorized(app, address, credentials).await?;
    if push_token.trim().is_empty() || push_token.len() > 512 {
        return Err(ServiceError::invalid("pushToken", "must be 1 to 512 characters"));
    }
    if device.is_empty() || device.len() > 256 {
        return Err(ServiceError::invalid("deviceLibraryIdentifier", "must be 1 to 256 characters"));
    }
    let registration = NewRegistration {
        device_library_id: device.to_string(),
        pass_type_id: pass.pass_type_id.clone(),
        serial_number: pass.serial_number.clone(),
        push_token: push_token.to_string(),
        platform: credentials.platform,
    };
    let outcome = app.store.register_device(&registration, app.now()).await?;
    let again = outcome == RegisterOutcome::AlreadyRegistered;
    app.trail.record(trail_of(&pass), TrailEvent::Registered { device: device.to_string(), again }).await;
    if !again {
        callbacks::pass_event(app, CallbackEvent::Install, &pass, Some(credentials.platform.as_str()), None).await;
    }
    Ok(outcome)
}

/// The pass's own update trail.
pub fn trail_of(pass: &Pass) -> TrailSubject {
    TrailSubject::Pass { pass_type_id: pass.pass_type_id.clone(), serial: pass.serial_number.clone() }
}

pub async fn unregister(
    app: &App,
    address: PassAddress<'_>,
    credentials: DeviceCredentials<'_>,
    device: &str,
) -> Result<(), ServiceError> {
    let pass = authorized(app, address, credentials).await?;
    if app.store.unregister_device(device, &pass.pass_type_id, &pass.serial_number, app.now()).await? {
        let event = TrailEvent::Unregistered { device: device.to_string(), cause: UnregisterCause::Device };
        app.trail.record(trail_of(&pass), event).await;
        callbacks::pass_event(app, CallbackEvent::Uninstall, &pass, Some(credentials.platform.as_str()), None).await;
    }
    Ok(())
}

/// Serials of the device's passes changed after the tag (a pass changes when it or its
/// template does). The tag is opaque to devices: one that does not parse means "all". The
/// answer goes on the device's trail when the device is registered (anyone may ask).
pub async fn updated_serials(
    app: &App,
    device: &str,
    pass_type_id: &str,
    tag: Option<&str>,
) -> Result<UpdatedSerials, ServiceError> {
    let since = tag.and_then(|t| t.parse::<Millis>().ok());
    let updated = app.store.updated_serials(device, pass_type_id, since).await?;
    if updated.registered > 0 {
        let subject = TrailSubject::Device { device: device.to_string(), pass_type_id: pass_type_id.to_string() };
        let listed = updated.serial_numbers.len();
        let serials = updated.serial_numbers.iter().take(TRAIL_MAX_LISTED).cloned().collect();
        let more = listed.saturating_sub(TRAIL_MAX_LISTED);
        app.trail.record(subject, TrailEvent::Listed { since, serials, more }).await;
    }
    Ok(updated)
}

/// The answer to a device asking for a pass.
pub enum Latest {
    /// Not changed since the time the device gave.
    NotModified {
        last_modified: i64,
    },
    Pass {
        last_modified: i64,
        serial: String,
        pkpass: Vec<u8>,
    },
}

/// When a pass last changed for Wallet: the later of its own change and its template's.
pub fn changed_at(pass: &Pass, template: &Template) -> Millis {
    pass.updated_at.max(template.updated_at)
}

/// [`changed_at`] in whole seconds (the precision of HTTP dates).
pub fn last_modified(pass: &Pass, template: &Template) -> i64 {
    changed_at(pass, template).div_euclid(1000)
}

/// The latest version of a pass, or `NotModified` when `if_modified_since` (seconds) is not
/// older than it. One read of the pass, one of its template, and the signed file (cached).
pub async fn latest(
    app: &App,
    address: PassAddress<'_>,
    credentials: DeviceCredentials<'_>,
    if_modified_since: Option<i64>,
) -> Result<Latest, ServiceError> {
    let pass = authorized(app, address, credentials).await?;
    let template = app.store.get_template(pass.template_id).await?.ok_or(ServiceError::Unauthorized)?;
    let last_modified = last_modified(&pass, &template);
    if if_modified_since.is_some_and(|since| last_modified <= since) {
        app.trail.record(trail_of(&pass), TrailEvent::Fetched { status: 304 }).await;
        return Ok(Latest::NotModified { last_modified });
    }
    let pkpass = passes::pkpass_of(app, &pass, &template).await?;
    app.trail.record(trail_of(&pass), TrailEvent::Fetched { status: 200 }).await;
    Ok(Latest::Pass { last_modified, serial: pass.serial_number, pkpass })
}

/// The keys Wallet sends in `requiredPersonalizationInfo`.
const PERSONALIZATION_KEYS: [&str; 7] =
    ["fullName", "givenName", "familyName", "emailAddress", "postalCode", "ISOCountryCode", "phoneNumber"];

/// The holder enrolled: keep their details and answer with the token signed by the pass
/// type's certificate (detached PKCS#7), as Wallet requires before it fetches the
/// personalized pass. The next download comes without personalization.json.
pub async fn personalize(
    app: &App,
    address: PassAddress<'_>,
    credentials: DeviceCredentials<'_>,
    personalization_token: &str,
    info: Map<String, Value>,
) -> Result<Vec<u8>, ServiceError> {
    let pass = authorized(app, address, credentials).await?;
    if personalization_token.is_empty() || personalization_token.len() > 4096 {
        return Err(ServiceError::invalid("personalizationToken", "must be 1 to 4096 characters"));
    }
    if let Some(unknown) = info.keys().find(|k| !PERSONALIZATION_KEYS.contains(&k.as_str())) {
        return Err(ServiceError::invalid(
            format!("requiredPersonalizationInfo.{unknown}"),
            "is not a personalization field Wallet sends",
        ));
    }
    if let Some((key, _)) = info.iter().find(|(_, v)| !v.is_string()) {
        return Err(ServiceError::invalid(format!("requiredPersonalizationInfo.{key}"), "must be a string"));
    }
    let now_seconds = app.now() / 1000;
    let identity = app.identities.get(&pass.pass_type_id, now_seconds).await?;
    let signature = crate::pkpass::sign_detached(&identity, personalization_token.as_bytes(), now_seconds)
        .map_err(|e| ServiceError::Internal(format!("signing the personalization token: {e}")))?;
    let info = Value::Object(info);
    passes::personalize(app, pass.id, info.clone()).await?;
    callbacks::pass_event(app, CallbackEvent::Personalize, &pass, Some(credentials.platform.as_str()), Some(info))
        .await;
    Ok(signature)
}
