//! `POST /v1/log`: Wallet reports what went wrong with our web service. Every line goes to
//! the logs; a line that names a pass we hold (`pass type …, serial number …`) also goes on
//! that pass's update trail, and one that names a registered device and a pass type
//! (`for device …, pass type …`) on that device's.

use super::{App, ServiceError};
use crate::model::trail::{TrailEvent, TrailSubject};

/// How many lines of one report, and how many characters of each, are read.
pub const MAX_LOG_LINES: usize = 50;
pub const MAX_LOG_CHARS: usize = 1000;

/// What a Wallet log line names, in Wallet's words: `[date] Get pass task (pass type
/// pass.com.example, serial number 42, if-modified-since …) encountered error: …`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Mentions<'a> {
    pub pass_type_id: Option<&'a str>,
    pub serial: Option<&'a str>,
    pub device: Option<&'a str>,
}

/// The word after `label` in `line`, up to a comma, a parenthesis, a semicolon or a space.
fn word_after<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let start = line.find(label)? + label.len();
    let rest = &line[start..];
    let end = rest.find([',', ')', ';', ' ']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|word| !word.is_empty())
}

pub fn mentions(line: &str) -> Mentions<'_> {
    Mentions {
        pass_type_id: word_after(line, "pass type "),
        serial: word_after(line, "serial number "),
        device: word_after(line, "for device "),
    }
}

/// The line as it may be logged and shown: bounded, control characters escaped so that a
/// report cannot forge log lines.
fn clean(line: &str) -> String {
    line.chars().take(MAX_LOG_CHARS).flat_map(char::escape_default).collect()
}

/// Lines one source may report: a full report's worth at once, as many again each minute.
/// Wallet reports rarely (a failing fetch, a refused registration); more is noise or forgery.
pub fn budget() -> super::rate_limit::SourceLimiter {
    super::rate_limit::SourceLimiter::new(MAX_LOG_LINES as u32 * 2, 60_000)
}

/// Logs a report's lines (bounded, escaped), and files those about a pass or device we hold
/// on its trail; a source past its budget is refused before anything is logged.
pub async fn receive(app: &App, source: &str, lines: &[String]) -> Result<(), ServiceError> {
    let counted = lines.len().clamp(1, MAX_LOG_LINES) as u32;
    app.wallet_log_budget.spend(source, counted, app.now()).map_err(ServiceError::RateLimited)?;
    for line in lines.iter().take(MAX_LOG_LINES) {
        let message = clean(line);
        tracing::warn!(%message, "Wallet reported");
        if let Some(subject) = subject_of(app, mentions(line)).await {
            app.trail.record(subject, TrailEvent::WalletLog { message }).await;
        }
    }
    Ok(())
}

/// The trail a line belongs on, if it names a pass or a registered device that exists (the
/// endpoint takes no credentials: lines about nothing we hold are not kept).
async fn subject_of(app: &App, mentions: Mentions<'_>) -> Option<TrailSubject> {
    let pass_type_id = mentions.pass_type_id?;
    if let Some(serial) = mentions.serial {
        let pass = app.store.get_pass_by_serial(pass_type_id, serial).await.ok()??;
        return Some(TrailSubject::Pass { pass_type_id: pass.pass_type_id, serial: pass.serial_number });
    }
    let device = mentions.device?;
    let registered = app.store.updated_serials(device, pass_type_id, None).await.ok()?.registered;
    (registered > 0)
        .then(|| TrailSubject::Device { device: device.to_string(), pass_type_id: pass_type_id.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_pass_line_names_the_pass() {
        let line = "[2026-11-30 10:12:32 +0000] Get pass task (pass type pass.com.example.tickets, serial number \
                    E-42, if-modified-since (null); with web service url https://w.example.com/) encountered error: \
                    Unexpected response code 500";
        let found = mentions(line);
        assert_eq!(found.pass_type_id, Some("pass.com.example.tickets"));
        assert_eq!(found.serial, Some("E-42"));
        assert_eq!(found.device, None);
    }

    #[test]
    fn a_serials_line_names_the_device_and_type() {
        let line = "[2026-11-30 10:12:32 +0000] Get serial #s task (for device 6b1f0a, pass type pass.com.x, last \
                    updated (null); with web service url https://w.example.com/) encountered error: Unexpected \
                    response code 401";
        assert_eq!(mentions(line), Mentions { pass_type_id: Some("pass.com.x"), serial: None, device: Some("6b1f0a") });
    }

    #[test]
    fn a_line_naming_nothing_names_nothing() {
        assert_eq!(mentions("Web service error: the server is down"), Mentions::default());
        assert_eq!(mentions("pass type , serial number )").pass_type_id, None);
    }

    #[test]
    fn clean_lines_cannot_forge_log_lines() {
        assert_eq!(clean("a\nb"), "a\\nb");
        assert_eq!(clean(&"x".repeat(5000)).len(), MAX_LOG_CHARS);
    }
}
