//! The update trail: events by subject, in time order, bounded reads.

use tessera::model::trail::{TrailEntry, TrailEvent, TrailSubject};

use super::{Backend, T0};

fn pass_subject(serial: &str) -> TrailSubject {
    TrailSubject::Pass { pass_type_id: "pass.dev.tessera.example".into(), serial: serial.into() }
}

fn fetched(subject: &TrailSubject, at: i64, status: u16) -> TrailEntry {
    TrailEntry { subject: subject.clone(), at, event: TrailEvent::Fetched { status } }
}

pub async fn trails_are_kept_by_subject_in_time_order(b: &Backend) {
    let pass = pass_subject("T-1");
    let other = pass_subject("T-2");
    let device = TrailSubject::Device { device: "T-1".into(), pass_type_id: "pass.dev.tessera.example".into() };
    let listed = TrailEvent::Listed { since: Some(T0), serials: vec!["T-1".into()], more: 0 };
    b.store
        .append_trail(&[
            fetched(&pass, T0 + 20, 304),
            fetched(&other, T0 + 15, 200),
            fetched(&pass, T0 + 10, 200),
            TrailEntry { subject: device.clone(), at: T0 + 12, event: listed.clone() },
        ])
        .await
        .unwrap();
    b.store.append_trail(&[]).await.unwrap();

    let read = b.store.trail(&pass, T0, 10).await.unwrap();
    assert_eq!(read, vec![fetched(&pass, T0 + 10, 200), fetched(&pass, T0 + 20, 304)], "oldest first, own only");
    let devices = b.store.trail(&device, T0, 10).await.unwrap();
    assert_eq!(devices, vec![TrailEntry { subject: device.clone(), at: T0 + 12, event: listed }]);
    assert_eq!(b.store.trail(&pass, T0 + 11, 10).await.unwrap(), vec![fetched(&pass, T0 + 20, 304)], "since");
    assert!(b.store.trail(&pass_subject("T-3"), T0, 10).await.unwrap().is_empty());
}

pub async fn trail_reads_return_the_newest_events(b: &Backend) {
    let pass = pass_subject("N-1");
    let entries: Vec<TrailEntry> = (0..7).map(|i| fetched(&pass, T0 + i, 200 + i as u16)).collect();
    b.store.append_trail(&entries).await.unwrap();
    let newest = b.store.trail(&pass, T0, 3).await.unwrap();
    assert_eq!(newest, entries[4..].to_vec(), "the newest three, oldest first");
}
