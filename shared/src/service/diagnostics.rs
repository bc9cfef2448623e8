//! `GET /v1/pass/{id}/diagnostics`: why a pass does (not) update. The pass as devices get
//! it, diagnosed like any other (`pkpass::doctor`); every registered device with the funnel
//! of the latest change (pushed → listed → fetched) and its trail; the pass's own trail
//! (registrations, fetches, Wallet's log lines).

use super::devices::{changed_at, trail_of};
use super::update_funnel::{self, Funnel};
use super::{App, ServiceError, doctor, passes};
use crate::model::records::{GoogleSync, Millis, Pass, Registration, Vendor};
use crate::model::trail::{TRAIL_MAX_EVENTS, TRAIL_RETENTION_MS, TrailEntry, TrailEvent, TrailSubject};
use crate::pkpass::doctor::{Diagnosis, diagnose_archive};

/// How many devices one answer shows (their trails are read one by one).
pub const MAX_DEVICES_SHOWN: usize = 20;

pub struct DeviceTrail {
    pub registration: Registration,
    pub funnel: Funnel,
    pub events: Vec<TrailEntry>,
}

/// The pass as devices get it, diagnosed; or why it could not be made.
pub enum Validation {
    Diagnosed(Diagnosis),
    NotBuilt(String),
}

pub struct PassDiagnostics {
    pub pass: Pass,
    /// When the pass (or its template) last changed: the version devices should have.
    pub changed_at: Millis,
    /// Apple passes only.
    pub validation: Option<Validation>,
    pub devices: Vec<DeviceTrail>,
    /// Registered devices beyond [`MAX_DEVICES_SHOWN`].
    pub devices_not_shown: usize,
    pub events: Vec<TrailEntry>,
    /// Google passes: where the pass stands with Google.
    pub google_sync: Option<GoogleSync>,
}

pub async fn diagnose(app: &App, id: u64) -> Result<PassDiagnostics, ServiceError> {
    let (pass, template) = passes::load(app, id).await?;
    let changed_at = changed_at(&pass, &template);
    let (validation, google_sync) = match template.vendor {
        Vendor::Apple => {
            let validation = match passes::pkpass_of(app, &pass, &template).await {
                Ok(pkpass) => {
                    let name = format!("{}.pkpass", pass.serial_number);
                    let diagnosis = diagnose_archive(&name, &pkpass, &doctor::options(app)).into_iter().next();
                    diagnosis.map_or_else(|| Validation::NotBuilt("no pass in the file".into()), Validation::Diagnosed)
                }
                Err(e) => Validation::NotBuilt(e.to_string()),
            };
            (Some(validation), None)
        }
        Vendor::Google => (None, app.store.wallet_sync(pass.id).await?),
    };

    // Events before the pass was made belong to an earlier pass with its serial.
    let since = (app.now() - TRAIL_RETENTION_MS).max(pass.created_at);
    app.trail.flush().await;
    let events = app.store.trail(&trail_of(&pass), since, TRAIL_MAX_EVENTS).await?;
    let registrations = app.store.registrations_for_pass(pass.id).await?;
    let devices_not_shown = registrations.len().saturating_sub(MAX_DEVICES_SHOWN);
    let change =
        update_funnel::Change { pass_id: pass.id, template_id: template.id, serial: &pass.serial_number, changed_at };
    let mut devices = Vec::new();
    for registration in registrations.into_iter().take(MAX_DEVICES_SHOWN) {
        let subject = TrailSubject::device_of(&registration);
        let mut device_events = app.store.trail(&subject, since, TRAIL_MAX_EVENTS).await?;
        // Pushes about the device's other passes are not this pass's story.
        device_events.retain(|entry| match &entry.event {
            TrailEvent::Pushed { change: what, .. } => change.concerns(what),
            _ => true,
        });
        let funnel = update_funnel::funnel(change, registration.created_at, &device_events, &events);
        devices.push(DeviceTrail { registration, funnel, events: device_events });
    }
    Ok(PassDiagnostics { pass, changed_at, validation, devices, devices_not_shown, events, google_sync })
}
