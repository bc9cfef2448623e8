//! `GET /v1/health`: whether the store and the blob store answer, and the certificates with
//! their expiry, so monitoring sees a certificate running out before passes stop signing.

use std::time::Instant;

use super::certificates::{self, Certificate};
use crate::service::App;

/// One dependency's answer: whether it answered, and how long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub ok: bool,
    pub millis: f64,
}

#[derive(Debug, Clone)]
pub struct Health {
    pub store: Check,
    pub blobs: Check,
    /// Empty when the store did not answer.
    pub certificates: Vec<Certificate>,
}

impl Health {
    pub fn reachable(&self) -> bool {
        self.store.ok && self.blobs.ok
    }
}

/// Reads the certificates (the store's check) and looks for a blob that is never written (the
/// blob store's); a failure is logged with its cause and shown only as not ok.
pub async fn check(app: &App) -> Health {
    let started = Instant::now();
    let listed = certificates::list(app).await;
    let store = Check { ok: listed.is_ok(), millis: elapsed_ms(started) };
    let certificates = listed.unwrap_or_else(|e| {
        tracing::error!(error = %e, "health: the store did not answer");
        Vec::new()
    });
    let started = Instant::now();
    let probed = app.blobs.get("health/probe").await;
    if let Err(e) = &probed {
        tracing::error!(error = %e, "health: the blob store did not answer");
    }
    let blobs = Check { ok: probed.is_ok(), millis: elapsed_ms(started) };
    Health { store, blobs, certificates }
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}
