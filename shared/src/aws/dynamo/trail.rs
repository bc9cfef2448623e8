//! The update trail in DynamoDB (`model::trail`): one item per event, `TRAIL#<subject>` /
//! `<at, 20 digits>#<random>`, with `exp` (epoch seconds) for the table's time to live, so
//! DynamoDB deletes each event [`TRAIL_RETENTION_MS`] after it happened. Items carry no
//! `ver`, so the stream never takes them for a content change.

use std::collections::HashMap;
use std::pin::Pin;
use std::task::Poll;

use super::items::{Item, n, s};
use super::{DynamoStore, Query, backend};
use crate::aws::schema::{TTL_ATTRIBUTE, padded};
use crate::model::records::Millis;
use crate::model::trail::{TRAIL_RETENTION_MS, TrailEntry, TrailEvent, TrailSubject};
use crate::ports::StoreError;

/// How many trail writes one call keeps in flight.
const PUTS_IN_FLIGHT: usize = 16;

/// Runs the writes together in the calling task (so they stay in its unit of work); the
/// first failure ends the wait.
async fn all_of<F: Future<Output = Result<(), StoreError>>>(writes: Vec<F>) -> Result<(), StoreError> {
    let mut pending: Vec<Option<Pin<Box<F>>>> = writes.into_iter().map(|w| Some(Box::pin(w))).collect();
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        for slot in pending.iter_mut() {
            let Some(write) = slot else { continue };
            match write.as_mut().poll(cx) {
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => *slot = None,
                Poll::Pending => waiting = true,
            }
        }
        if waiting { Poll::Pending } else { Poll::Ready(Ok(())) }
    })
    .await
}

fn partition(subject: &TrailSubject) -> String {
    format!("TRAIL#{}", subject.key())
}

fn item(entry: &TrailEntry) -> Item {
    let at = entry.at.max(0) as u64;
    let sort = format!("{}#{:08x}", padded(at), rand::random::<u32>());
    let expires = (entry.at + TRAIL_RETENTION_MS).div_euclid(1000);
    HashMap::from([
        ("pk".to_string(), s(partition(&entry.subject))),
        ("sk".to_string(), s(sort)),
        ("ev".to_string(), s(entry.event.to_json())),
        (TTL_ATTRIBUTE.to_string(), n(expires)),
    ])
}

impl DynamoStore {
    /// One PutItem per event, [`PUTS_IN_FLIGHT`] at a time: a request notes one or two, a
    /// template change one per device pushed. (PutItem is an operation every function links
    /// already; BatchWriteItem would be one more in each.)
    pub(super) async fn put_trail(&self, entries: &[TrailEntry]) -> Result<(), StoreError> {
        for wave in entries.chunks(PUTS_IN_FLIGHT) {
            let puts = wave.iter().map(|entry| {
                let put = self.client.put_item().table_name(&self.table).set_item(Some(item(entry)));
                async move { put.send().await.map(|_| ()).map_err(backend) }
            });
            all_of(puts.collect()).await?;
        }
        Ok(())
    }

    pub(super) async fn read_trail(
        &self,
        subject: &TrailSubject,
        since: Millis,
        limit: usize,
    ) -> Result<Vec<TrailEntry>, StoreError> {
        let q = Query {
            index: None,
            key_condition: "#pk = :k AND #sk >= :from",
            filter: None,
            values: HashMap::from([
                (":k".to_string(), s(partition(subject))),
                (":from".to_string(), s(padded(since.max(0) as u64))),
            ]),
        };
        let out = self
            .query_builder(&q)
            .scan_index_forward(false)
            .limit(limit.clamp(1, 1000) as i32)
            .send()
            .await
            .map_err(backend)?;
        let mut entries = Vec::new();
        for found in out.items.unwrap_or_default() {
            let at = found.get("sk").and_then(|v| v.as_s().ok()).and_then(|sk| sk.split('#').next()?.parse().ok());
            let event = found.get("ev").and_then(|v| v.as_s().ok()).map(|text| TrailEvent::from_json(text));
            match (at, event) {
                (Some(at), Some(Ok(event))) => entries.push(TrailEntry { subject: subject.clone(), at, event }),
                _ => return Err(StoreError::Backend("a trail item that does not decode".into())),
            }
        }
        entries.reverse();
        Ok(entries)
    }
}
