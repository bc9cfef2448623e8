//! Callbacks (webhooks): what Tessera tells an integrator's server, where, and how long it
//! keeps trying. Airship's paths and body keys: `{baseUrl}/v1/pass/install`,
//! `/v1/pass/uninstall`, `/v1/pass/{passId}/personalize`; Tessera adds
//! `/v1/pass/{passId}/deactivate` and `/v1/certificate/expiring`.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackEvent {
    /// A device (Apple's or an Android wallet's) registered the pass, or Google said saved:
    /// one event per device.
    Install,
    /// A device unregistered it, or Google said deleted.
    Uninstall,
    /// The holder gave the personalization the pass asked for.
    Personalize,
    /// The pass was deactivated (by the API, a schedule, or its expiration date).
    Deactivate,
    /// A signing certificate expires within 30 days.
    CertificateExpiring,
}

impl CallbackEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackEvent::Install => "install",
            CallbackEvent::Uninstall => "uninstall",
            CallbackEvent::Personalize => "personalize",
            CallbackEvent::Deactivate => "deactivate",
            CallbackEvent::CertificateExpiring => "certificateExpiring",
        }
    }

    pub fn parse(text: &str) -> Option<CallbackEvent> {
        [
            CallbackEvent::Install,
            CallbackEvent::Uninstall,
            CallbackEvent::Personalize,
            CallbackEvent::Deactivate,
            CallbackEvent::CertificateExpiring,
        ]
        .into_iter()
        .find(|e| e.as_str() == text)
    }

    /// Where the event goes under `base_url` (no trailing slash needed); `subject` is the
    /// pass id for the per-pass paths.
    pub fn url(self, base_url: &str, subject: u64) -> String {
        let base = base_url.trim_end_matches('/');
        match self {
            CallbackEvent::Install => format!("{base}/v1/pass/install"),
            CallbackEvent::Uninstall => format!("{base}/v1/pass/uninstall"),
            CallbackEvent::Personalize => format!("{base}/v1/pass/{subject}/personalize"),
            CallbackEvent::Deactivate => format!("{base}/v1/pass/{subject}/deactivate"),
            CallbackEvent::CertificateExpiring => format!("{base}/v1/certificate/expiring"),
        }
    }
}

/// What a pass event's callback carries (Airship's keys, plus the event and its id, which
/// receivers use to drop a delivery they already had).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassEventBody {
    pub event: &'static str,
    pub event_id: String,
    /// ISO 8601, UTC.
    pub occurred_at: String,
    pub project_id: u64,
    pub pass_id: u64,
    pub template_id: u64,
    pub serial_number: String,
    pub pass_type_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `ios`, `android` (a wallet speaking Apple's protocol) or `google`; absent for events
    /// that are not about one wallet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<&'static str>,
    /// What the holder gave (`personalize` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personalization: Option<Value>,
}

/// What a `certificateExpiring` callback carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateEventBody {
    pub event: &'static str,
    pub event_id: String,
    pub occurred_at: String,
    pub project_id: u64,
    pub certificate_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass_type_id: Option<String>,
    pub not_after: String,
    pub days_left: i64,
}

/// How long a delivery is retried after its first attempt before it is kept as dead: a
/// receiver down for a day loses nothing.
pub const RETRY_WINDOW: Duration = Duration::from_secs(26 * 3600);
const FIRST_DELAY: Duration = Duration::from_secs(15);
const LONGEST_DELAY: Duration = Duration::from_secs(3600);

/// When to try again after `failures` failed attempts, `elapsed` after the first one:
/// exponential from 15 s, at most an hour apart, with "equal jitter" (half the delay fixed,
/// half drawn from `draw` in [0, 1)) so receivers coming back are not hit all at once;
/// `None` once the retry window is spent.
pub fn retry_delay(failures: u32, elapsed: Duration, draw: f64) -> Option<Duration> {
    let exponential = FIRST_DELAY.saturating_mul(1u32 << failures.saturating_sub(1).min(16));
    let delay = exponential.min(LONGEST_DELAY);
    let jittered = delay / 2 + delay.mul_f64(draw.clamp(0.0, 1.0) / 2.0);
    (elapsed + jittered <= RETRY_WINDOW).then_some(jittered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_an_hour_with_jitter_inside_half_the_delay() {
        assert_eq!(retry_delay(1, Duration::ZERO, 0.0), Some(Duration::from_millis(7_500)));
        assert_eq!(retry_delay(1, Duration::ZERO, 1.0), Some(Duration::from_secs(15)));
        assert_eq!(retry_delay(3, Duration::ZERO, 1.0), Some(Duration::from_secs(60)));
        assert_eq!(retry_delay(20, Duration::ZERO, 1.0), Some(LONGEST_DELAY));
        assert_eq!(retry_delay(20, Duration::ZERO, 0.0), Some(LONGEST_DELAY / 2));
    }

    #[test]
    fn a_receiver_down_an_hour_or_a_day_is_still_tried_then_given_up() {
        // Worst case (longest delays), the attempts span the window and stop after it.
        let (mut elapsed, mut failures) = (Duration::ZERO, 0);
        while let Some(delay) = retry_delay(failures + 1, elapsed, 1.0) {
            elapsed += delay;
            failures += 1;
        }
        assert!(elapsed > Duration::from_secs(25 * 3600) && elapsed <= RETRY_WINDOW, "{elapsed:?}");
        assert!(retry_delay(failures + 1, elapsed, 0.0).is_none_or(|d| elapsed + d <= RETRY_WINDOW));
        // The shortest delays still reach past an hour within the first few dozen attempts.
        let (mut elapsed, mut attempts) = (Duration::ZERO, 0);
        while elapsed < Duration::from_secs(3600) {
            elapsed += retry_delay(attempts + 1, elapsed, 0.0).unwrap();
            attempts += 1;
        }
        assert!(attempts < 12, "{attempts}");
    }

    #[test]
    fn events_go_to_airship_s_paths() {
        assert_eq!(CallbackEvent::Install.url("https://cb.example.com/", 7), "https://cb.example.com/v1/pass/install");
        assert_eq!(
            CallbackEvent::Personalize.url("https://cb.example.com", 7),
            "https://cb.example.com/v1/pass/7/personalize"
        );
        assert_eq!(CallbackEvent::parse("uninstall"), Some(CallbackEvent::Uninstall));
        assert_eq!(CallbackEvent::parse("other"), None);
    }
}
