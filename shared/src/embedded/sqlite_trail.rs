//! The update trail in the embedded store (`model::trail`): one row per event, kept
//! [`TRAIL_RETENTION_MS`] and at most [`TRAIL_MAX_EVENTS`] per subject, pruned as events
//! arrive.

use rusqlite::{Connection, OptionalExtension, params};

use super::sqlite_store::db;
use crate::model::records::Millis;
use crate::model::trail::{TRAIL_MAX_EVENTS, TRAIL_RETENTION_MS, TrailEntry, TrailEvent, TrailSubject};
use crate::ports::StoreError;

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS trail (
  seq INTEGER PRIMARY KEY, subject TEXT NOT NULL, at INTEGER NOT NULL, event TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS trail_subject ON trail(subject, at, seq);
CREATE INDEX IF NOT EXISTS trail_at ON trail(at);
";

/// Inserts the entries, then prunes: every event older than the retention (one statement),
/// and the oldest events of each touched subject that holds more than its share (a point
/// lookup per subject; a delete only where one is due).
pub(super) fn append(conn: &Connection, entries: &[TrailEntry]) -> Result<(), StoreError> {
    let Some(newest) = entries.iter().map(|e| e.at).max() else { return Ok(()) };
    let mut subjects: Vec<String> = Vec::with_capacity(entries.len());
    {
        let mut insert =
            conn.prepare_cached("INSERT INTO trail(subject, at, event) VALUES (?1, ?2, ?3)").map_err(db)?;
        for entry in entries {
            let key = entry.subject.key();
            insert.execute(params![key, entry.at, entry.event.to_json()]).map_err(db)?;
            subjects.push(key);
        }
    }
    subjects.sort_unstable();
    subjects.dedup();
    conn.prepare_cached("DELETE FROM trail WHERE at < ?1")
        .map_err(db)?
        .execute([newest - TRAIL_RETENTION_MS])
        .map_err(db)?;
    let mut beyond = conn
        .prepare_cached("SELECT at, seq FROM trail WHERE subject = ?1 ORDER BY at DESC, seq DESC LIMIT 1 OFFSET ?2")
        .map_err(db)?;
    let mut prune = conn
        .prepare_cached("DELETE FROM trail WHERE subject = ?1 AND (at < ?2 OR (at = ?2 AND seq <= ?3))")
        .map_err(db)?;
    for key in subjects {
        let first_dropped: Option<(Millis, i64)> = beyond
            .query_row(params![key, TRAIL_MAX_EVENTS as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(db)?;
        if let Some((at, seq)) = first_dropped {
            prune.execute(params![key, at, seq]).map_err(db)?;
        }
    }
    Ok(())
}

pub(super) fn read(
    conn: &Connection,
    subject: &TrailSubject,
    since: Millis,
    limit: usize,
) -> Result<Vec<TrailEntry>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT at, event FROM trail WHERE subject = ?1 AND at >= ?2 ORDER BY at DESC, seq DESC LIMIT ?3",
        )
        .map_err(db)?;
    let rows: Vec<(Millis, String)> = stmt
        .query_map(params![subject.key(), since, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(db)?
        .collect::<Result<_, _>>()
        .map_err(db)?;
    let mut entries = rows
        .into_iter()
        .map(|(at, text)| {
            let event = TrailEvent::from_json(&text).map_err(|e| StoreError::Backend(format!("a trail event: {e}")))?;
            Ok(TrailEntry { subject: subject.clone(), at, event })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    entries.reverse();
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded::SqliteStore;
    use crate::ports::Store;

    fn fetched(at: Millis) -> TrailEntry {
        let subject = TrailSubject::Pass { pass_type_id: "pass.t".into(), serial: "S".into() };
        TrailEntry { subject, at, event: TrailEvent::Fetched { status: 200 } }
    }

    #[tokio::test]
    async fn a_subject_keeps_its_newest_events_within_the_retention() {
        let store = SqliteStore::in_memory().unwrap();
        let subject = fetched(0).subject;
        let day = 86_400_000;
        store.append_trail(&[fetched(0), fetched(day)]).await.unwrap();
        store.append_trail(&[fetched(TRAIL_RETENTION_MS + day / 2)]).await.unwrap();
        let kept: Vec<Millis> = store.trail(&subject, 0, 1000).await.unwrap().iter().map(|e| e.at).collect();
        assert_eq!(kept, [day, TRAIL_RETENTION_MS + day / 2], "the event older than the retention is gone");

        let many: Vec<TrailEntry> =
            (0..TRAIL_MAX_EVENTS as i64 + 5).map(|i| fetched(2 * TRAIL_RETENTION_MS + i)).collect();
        store.append_trail(&many).await.unwrap();
        let kept = store.trail(&subject, 0, 1000).await.unwrap();
        assert_eq!(kept.len(), TRAIL_MAX_EVENTS);
        assert_eq!(kept.last().map(|e| e.at), Some(2 * TRAIL_RETENTION_MS + TRAIL_MAX_EVENTS as i64 + 4));
    }
}
