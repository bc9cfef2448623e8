//! The update trail: what happened on the way from a change to a phone. A push is sent to a
//! device (for all its passes of one type), the device asks which of them changed, and then
//! fetches each changed pass, a request that names the pass but not the device. So pushes
//! and serial lists are kept on the device's trail and fetches, registrations and Wallet's
//! log lines on the pass's; `GET /v1/pass/{id}/diagnostics` joins them.

use serde::{Deserialize, Serialize};

use super::records::{Change, Millis, Registration};

/// How long a backend keeps an event at least; it may drop older ones.
pub const TRAIL_RETENTION_MS: Millis = 30 * 24 * 60 * 60 * 1000;
/// How many events of one subject are kept and read at most (the newest).
pub const TRAIL_MAX_EVENTS: usize = 200;
/// How many serials of one serial list are kept with it.
pub const TRAIL_MAX_LISTED: usize = 100;

/// Whose trail an event is on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TrailSubject {
    /// A pass, by the names Apple's protocol gives it.
    Pass { pass_type_id: String, serial: String },
    /// One device's passes of one pass type: what pushes and serial lists are about.
    Device { device: String, pass_type_id: String },
}

impl TrailSubject {
    /// The trail of the device (and pass type) a registration names.
    pub fn device_of(registration: &Registration) -> TrailSubject {
        TrailSubject::Device {
            device: registration.device_library_id.clone(),
            pass_type_id: registration.pass_type_id.clone(),
        }
    }

    /// The subject as one string, unique per subject: pass type identifiers hold no `#`, so
    /// whatever follows the type is the serial or the device whole.
    pub fn key(&self) -> String {
        match self {
            TrailSubject::Pass { pass_type_id, serial } => format!("P#{pass_type_id}#{serial}"),
            TrailSubject::Device { device, pass_type_id } => format!("D#{pass_type_id}#{device}"),
        }
    }
}

/// What a push was about: the pass itself, or its template (every pass of it changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
pub enum PushedChange {
    Pass(u64),
    Template(u64),
}

impl From<Change> for PushedChange {
    fn from(change: Change) -> PushedChange {
        match change {
            Change::Pass(id) => PushedChange::Pass(id),
            Change::Template(id) => PushedChange::Template(id),
        }
    }
}

/// What the push service answered, in the end (after retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PushAnswer {
    Delivered,
    /// The token is dead: the device's registrations of this type were removed.
    DeadToken,
    /// Throttled or failing every attempt.
    RetryLater,
    Failed,
}

/// Why a registration ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UnregisterCause {
    /// The device asked (the pass was removed from Wallet, or its updates turned off).
    Device,
    /// The push service said the device's token is dead.
    DeadToken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum TrailEvent {
    /// A push told the device that a pass (or every pass of a template) changed.
    Pushed {
        change: PushedChange,
        answer: PushAnswer,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        attempts: u32,
    },
    /// The device asked which of its passes changed after `since` (its tag) and was told
    /// these serials (at most [`TRAIL_MAX_LISTED`]; `more` counts the rest).
    Listed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<Millis>,
        serials: Vec<String>,
        #[serde(default)]
        more: usize,
    },
    /// A device registered for the pass's updates (`again`: it already was).
    Registered {
        device: String,
        again: bool,
    },
    Unregistered {
        device: String,
        cause: UnregisterCause,
    },
    /// A device asked for the pass: 200 with the file, or 304 when it had the latest.
    Fetched {
        status: u16,
    },
    /// A line Wallet sent to `/v1/log` that names this pass (or this device and pass type).
    WalletLog {
        message: String,
    },
}

/// One event on one subject's trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailEntry {
    pub subject: TrailSubject,
    pub at: Millis,
    pub event: TrailEvent,
}

impl TrailEvent {
    /// The event as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<TrailEvent, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_their_stored_form() {
        let events = [
            TrailEvent::Pushed {
                change: PushedChange::Template(4),
                answer: PushAnswer::Failed,
                reason: Some("BadTopic".into()),
                attempts: 1,
            },
            TrailEvent::Listed { since: None, serials: vec!["A".into()], more: 2 },
            TrailEvent::Registered { device: "d".into(), again: true },
            TrailEvent::Unregistered { device: "d".into(), cause: UnregisterCause::DeadToken },
            TrailEvent::Fetched { status: 304 },
            TrailEvent::WalletLog { message: "x".into() },
        ];
        for event in events {
            assert_eq!(TrailEvent::from_json(&event.to_json()).unwrap(), event);
        }
        let pushed = TrailEvent::Pushed {
            change: PushedChange::Pass(9),
            answer: PushAnswer::Delivered,
            reason: None,
            attempts: 2,
        };
        assert_eq!(
            pushed.to_json(),
            r#"{"event":"pushed","change":{"kind":"pass","id":9},"answer":"delivered","attempts":2}"#
        );
    }

    #[test]
    fn subject_keys_differ_between_kinds_and_keep_the_rest_whole() {
        let pass = TrailSubject::Pass { pass_type_id: "pass.a".into(), serial: "b#c".into() };
        let device = TrailSubject::Device { device: "b#c".into(), pass_type_id: "pass.a".into() };
        assert_eq!(pass.key(), "P#pass.a#b#c");
        assert_eq!(device.key(), "D#pass.a#b#c");
    }
}
