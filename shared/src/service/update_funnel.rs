//! How far the latest change of a pass got on its way to one device: pushed → listed →
//! fetched. Pure: it reads the device's trail and the pass's.

use crate::model::records::Millis;
use crate::model::trail::{PushAnswer, PushedChange, TrailEntry, TrailEvent};

/// Where the latest change stands on one device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The device has the latest version: the pass was fetched after the device listed it (or
    /// the device registered after the change, which it does with the pass in hand).
    Current,
    /// The device was told the pass changed and has not fetched it since.
    AwaitingFetch,
    /// The push was delivered and the device has not asked which passes changed since.
    AwaitingList,
    /// The push after the change was not delivered (see its answer).
    PushFailed,
    /// No push was sent after the change (no dispatcher ran, or the trail has lost it).
    NotPushed,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Current => "current",
            Stage::AwaitingFetch => "awaitingFetch",
            Stage::AwaitingList => "awaitingList",
            Stage::PushFailed => "pushFailed",
            Stage::NotPushed => "notPushed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    pub at: Millis,
    pub answer: PushAnswer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetched {
    pub at: Millis,
    pub status: u16,
}

/// The first of each step after the change, each after the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Funnel {
    pub stage: Stage,
    pub pushed: Option<Pushed>,
    pub listed_at: Option<Millis>,
    pub fetched: Option<Fetched>,
}

/// What the funnel is measured for: one pass, its template, and when either last changed.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub pass_id: u64,
    pub template_id: u64,
    pub serial: &'a str,
    pub changed_at: Millis,
}

impl Change<'_> {
    /// Whether a push about `what` told of this change's pass (itself, or its template).
    pub fn concerns(&self, what: &PushedChange) -> bool {
        match what {
            PushedChange::Pass(id) => *id == self.pass_id,
            PushedChange::Template(id) => *id == self.template_id,
        }
    }
}

/// The funnel of the change on a device registered at `registered_at`, from the device's
/// trail and the pass's.
pub fn funnel(change: Change<'_>, registered_at: Millis, device: &[TrailEntry], pass: &[TrailEntry]) -> Funnel {
    let pushed = device.iter().find_map(|entry| match &entry.event {
        TrailEvent::Pushed { change: what, answer, .. } if entry.at >= change.changed_at && change.concerns(what) => {
            Some(Pushed { at: entry.at, answer: *answer })
        }
        _ => None,
    });
    let list_from = pushed.map_or(change.changed_at, |p| p.at);
    let listed_at = device.iter().find_map(|entry| match &entry.event {
        TrailEvent::Listed { serials, more, .. }
            if entry.at >= list_from && (serials.iter().any(|s| s == change.serial) || *more > 0) =>
        {
            Some(entry.at)
        }
        _ => None,
    });
    // A fetch names no device: it is this device's when the device had just been told.
    let fetched = listed_at.and_then(|listed| {
        pass.iter().find_map(|entry| match entry.event {
            TrailEvent::Fetched { status } if entry.at >= listed => Some(Fetched { at: entry.at, status }),
            _ => None,
        })
    });
    let stage = if fetched.is_some() || registered_at >= change.changed_at {
        Stage::Current
    } else if listed_at.is_some() {
        Stage::AwaitingFetch
    } else {
        match pushed.map(|p| p.answer) {
            Some(PushAnswer::Delivered) => Stage::AwaitingList,
            Some(_) => Stage::PushFailed,
            None => Stage::NotPushed,
        }
    };
    Funnel { stage, pushed, listed_at, fetched }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trail::TrailSubject;

    const CHANGE: Change<'static> = Change { pass_id: 7, template_id: 3, serial: "S-7", changed_at: 1_000 };

    fn entry(at: Millis, event: TrailEvent) -> TrailEntry {
        TrailEntry { subject: TrailSubject::Device { device: "d".into(), pass_type_id: "pass.t".into() }, at, event }
    }

    fn pushed(at: Millis, change: PushedChange, answer: PushAnswer) -> TrailEntry {
        entry(at, TrailEvent::Pushed { change, answer, reason: None, attempts: 1 })
    }

    fn listed(at: Millis, serials: &[&str]) -> TrailEntry {
        entry(
            at,
            TrailEvent::Listed { since: Some(0), serials: serials.iter().map(|s| s.to_string()).collect(), more: 0 },
        )
    }

    fn fetched(at: Millis, status: u16) -> TrailEntry {
        entry(at, TrailEvent::Fetched { status })
    }

    #[test]
    fn a_full_funnel_is_current_with_each_step_after_the_last() {
        let device = [
            pushed(900, PushedChange::Pass(7), PushAnswer::Delivered),
            pushed(1_100, PushedChange::Pass(7), PushAnswer::Delivered),
            listed(1_050, &["S-7"]),
            listed(1_200, &["S-7"]),
        ];
        let pass = [fetched(1_150, 200), fetched(1_300, 200)];
        let funnel = funnel(CHANGE, 0, &device, &pass);
        assert_eq!(funnel.stage, Stage::Current);
        assert_eq!(funnel.pushed, Some(Pushed { at: 1_100, answer: PushAnswer::Delivered }));
        assert_eq!(funnel.listed_at, Some(1_200));
        assert_eq!(funnel.fetched, Some(Fetched { at: 1_300, status: 200 }));
    }

    #[test]
    fn a_template_push_counts_and_another_pass_push_does_not() {
        let device = [pushed(1_100, PushedChange::Pass(8), PushAnswer::Delivered)];
        assert_eq!(funnel(CHANGE, 0, &device, &[]).stage, Stage::NotPushed);
        let device = [pushed(1_100, PushedChange::Template(3), PushAnswer::Delivered)];
        assert_eq!(funnel(CHANGE, 0, &device, &[]).stage, Stage::AwaitingList);
    }

    #[test]
    fn a_fetch_before_the_device_listed_the_pass_is_not_its_own() {
        let device = [pushed(1_100, PushedChange::Pass(7), PushAnswer::Delivered)];
        let funnel = funnel(CHANGE, 0, &device, &[fetched(1_150, 200)]);
        assert_eq!((funnel.stage, funnel.fetched), (Stage::AwaitingList, None));
    }

    #[test]
    fn a_list_without_the_serial_is_not_a_listing() {
        let device = [pushed(1_100, PushedChange::Pass(7), PushAnswer::Delivered), listed(1_200, &["OTHER"])];
        let funnel = funnel(CHANGE, 0, &device, &[]);
        assert_eq!((funnel.stage, funnel.listed_at), (Stage::AwaitingList, None));
    }

    #[test]
    fn listed_but_not_fetched_awaits_the_fetch() {
        let device = [pushed(1_100, PushedChange::Pass(7), PushAnswer::Delivered), listed(1_200, &["S-7"])];
        let funnel = funnel(CHANGE, 0, &device, &[fetched(1_150, 304)]);
        assert_eq!((funnel.stage, funnel.fetched), (Stage::AwaitingFetch, None));
    }

    #[test]
    fn a_failed_push_says_so_and_a_device_registered_after_the_change_is_current() {
        let device = [pushed(1_100, PushedChange::Pass(7), PushAnswer::DeadToken)];
        assert_eq!(funnel(CHANGE, 0, &device, &[]).stage, Stage::PushFailed);
        assert_eq!(funnel(CHANGE, 1_000, &[], &[]).stage, Stage::Current);
        assert_eq!(funnel(CHANGE, 999, &[], &[]).stage, Stage::NotPushed);
    }
}
