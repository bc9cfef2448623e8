//! Diagnosing a pass an integrator sends (often one made by the system they are leaving).

use super::{App, ServiceError};
use crate::pkpass::doctor::{DoctorOptions, Report, diagnose_archive};

/// Certificates checked as of now, each signer against the WWDR its signature carries.
pub fn options(app: &App) -> DoctorOptions {
    DoctorOptions { now: app.now() / 1000, wwdr: None }
}

/// The diagnosis of a .pkpass or .pkpasses, its certificates checked as of now.
pub fn diagnose(app: &App, bytes: &[u8]) -> Result<Report, ServiceError> {
    if bytes.is_empty() {
        return Err(ServiceError::invalid("body", "send the .pkpass (or .pkpasses) file as the request body"));
    }
    Ok(Report::new(diagnose_archive("pass", bytes, &options(app))))
}
