//! Google Wallet's save and delete callbacks (`POST /v1/google/callback`): the signed
//! message is checked (`google::callback_message`), the pass it names counts as saved on
//! Google (one device) or no longer, and the project hears of it as an install or uninstall.

use super::callbacks;
use super::error::ServiceError;
use super::google::GoogleWallet;
use crate::google::callback_message::{self, Refusal, WalletEvent};
use crate::model::callback::CallbackEvent;
use crate::service::App;

/// What a callback came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// The pass's state changed.
    Changed,
    /// Google said it before (a retry): nothing changed.
    Repeated,
    /// The message names no pass of this deployment.
    UnknownPass,
}

pub async fn receive(app: &App, body: &[u8]) -> Result<Received, ServiceError> {
    let account = app.google.account().await?;
    let now = app.now();
    let keys = app.google.callback_keys(false).await?;
    let checked = match callback_message::verify(body, &keys, &account.issuer_id, now) {
        // Google may have rotated its keys since they were fetched.
        Err(Refusal::IntermediateSignature) => {
            let keys = app.google.callback_keys(true).await?;
            callback_message::verify(body, &keys, &account.issuer_id, now)
        }
        other => other,
    };
    let message = checked.map_err(|refusal| ServiceError::invalid("signedMessage", refusal.to_string()))?;
    let Some(template_id) = GoogleWallet::template_of_class(&account, &message.class_id) else {
        return Ok(Received::UnknownPass);
    };
    let serial = message.object_id.strip_prefix(&account.id("")).unwrap_or_default();
    let Some(template) = app.store.get_template(template_id).await? else { return Ok(Received::UnknownPass) };
    let pass_type_id = template.pass_type_id.clone().unwrap_or_default();
    let pass = app.store.get_pass_by_serial(&pass_type_id, serial).await?;
    let Some(pass) = pass.filter(|p| p.template_id == template_id && !serial.is_empty()) else {
        return Ok(Received::UnknownPass);
    };
    let saved = message.event == WalletEvent::Save;
    if !app.store.set_google_saved(pass.id, saved, now).await? {
        return Ok(Received::Repeated);
    }
    let event = if saved { CallbackEvent::Install } else { CallbackEvent::Uninstall };
    tracing::info!(pass = pass.id, event = event.as_str(), nonce = %message.nonce, "Google Wallet callback");
    callbacks::pass_event(app, event, &pass, Some("google"), None).await;
    Ok(Received::Changed)
}
