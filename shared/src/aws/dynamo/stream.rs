//! The push dispatcher's input in AWS: DynamoDB stream records of the table (this adapter
//! knows the item layout, see `aws::schema`). A pass or a template whose `ver` moved changed
//! its content and must reach its devices; registrations changing install state, claims,
//! links and counters must not push anything.

use serde_json::{Value, json};

use crate::model::records::Change;

/// The changes a stream event (Lambda's DynamoDB event JSON) asks to dispatch, de-duplicated,
/// in order of appearance, each with the sequence number of the first record that asked for
/// it (a later record of the same pass is covered by the same dispatch, which reads the pass
/// as it is now).
pub fn stream_changes(event: &Value) -> Vec<(Change, Option<String>)> {
    let mut changes: Vec<(Change, Option<String>)> = Vec::new();
    for record in event["Records"].as_array().into_iter().flatten() {
        if record["eventName"].as_str() != Some("MODIFY") {
            continue;
        }
        let images = &record["dynamodb"];
        let (new, old) = (&images["NewImage"], &images["OldImage"]);
        if number(&new["ver"]).is_none() || number(&new["ver"]) == number(&old["ver"]) {
            continue;
        }
        let Some(pk) = new["pk"]["S"].as_str() else { continue };
        let change = if let Some(id) = pk.strip_prefix("PASS#").and_then(|id| id.parse().ok()) {
            Change::Pass(id)
        } else if let Some(id) = pk.strip_prefix("TEMPLATE#").and_then(|id| id.parse().ok()) {
            Change::Template(id)
        } else {
            continue;
        };
        if !changes.iter().any(|(seen, _)| *seen == change) {
            changes.push((change, images["SequenceNumber"].as_str().map(str::to_string)));
        }
    }
    changes
}

/// Dispatches a stream batch in order and answers Lambda's partial batch response
/// (`ReportBatchItemFailures`): at the first change that fails, the sequence number of its
/// record, so Lambda retries the stream from there while the records before it stay done.
/// A failing record without a sequence number fails the whole batch.
pub async fn dispatch_stream_batch<F, Fut>(event: &Value, mut dispatch: F) -> Result<Value, String>
where
    F: FnMut(Change) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    for (change, sequence) in stream_changes(event) {
        if let Err(reason) = dispatch(change).await {
            tracing::warn!(?change, %reason, "dispatch failed; the stream retries from this record");
            let sequence = sequence
                .ok_or_else(|| format!("{change:?} failed ({reason}) in a record without a sequence number"))?;
            return Ok(json!({"batchItemFailures": [{"itemIdentifier": sequence}]}));
        }
    }
    Ok(json!({"batchItemFailures": []}))
}

fn number(attribute: &Value) -> Option<u64> {
    attribute["N"].as_str().and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{dispatch_stream_batch, stream_changes};
    use crate::model::records::Change;

    fn changes_from_stream(event: &serde_json::Value) -> Vec<Change> {
        stream_changes(event).into_iter().map(|(change, _)| change).collect()
    }

    fn record(name: &str, pk: &str, old: Option<(&str, &str)>, new: (&str, &str)) -> serde_json::Value {
        let image = |(ver, ndev): (&str, &str)| json!({"pk": {"S": pk}, "sk": {"S": "X"}, "ver": {"N": ver}, "ndev": {"N": ndev}});
        json!({"eventName": name, "dynamodb": {"NewImage": image(new), "OldImage": old.map(image)}})
    }

    #[test]
    fn content_changes_dispatch_and_everything_else_does_not() {
        let event = json!({"Records": [
            record("MODIFY", "PASS#7", Some(("1", "0")), ("2", "0")),
            record("MODIFY", "PASS#7", Some(("2", "0")), ("2", "1")),
            record("MODIFY", "PASS#8", Some(("3", "1")), ("3", "2")),
            record("INSERT", "PASS#9", None, ("1", "0")),
            record("MODIFY", "TEMPLATE#3", Some(("4", "0")), ("5", "0")),
            record("MODIFY", "PASS#7", Some(("2", "1")), ("3", "1")),
            record("MODIFY", "SEQ#pass", Some(("1", "0")), ("2", "0")),
            {"eventName": "REMOVE", "dynamodb": {"OldImage": {"pk": {"S": "PASS#10"}, "ver": {"N": "4"}}}},
            {"eventName": "MODIFY", "dynamodb": {"NewImage": {"pk": {"S": "LINK#abc"}, "installs": {"N": "2"}}}}
        ]});
        assert_eq!(changes_from_stream(&event), [Change::Pass(7), Change::Template(3)]);
        assert_eq!(changes_from_stream(&json!({})), []);
        assert_eq!(changes_from_stream(&json!({"Records": "junk"})), []);
    }

    fn numbered(sequence: &str, pk: &str, old: &str, new: &str) -> serde_json::Value {
        let mut record = record("MODIFY", pk, Some((old, "0")), (new, "0"));
        record["dynamodb"]["SequenceNumber"] = json!(sequence);
        record
    }

    #[tokio::test]
    async fn a_failed_change_is_reported_from_its_first_record_and_nothing_after_it_runs() {
        let event = json!({"Records": [
            numbered("100", "PASS#7", "1", "2"),
            numbered("200", "PASS#8", "1", "2"),
            numbered("300", "PASS#7", "2", "3"),
            numbered("400", "TEMPLATE#3", "1", "2"),
        ]});
        let mut dispatched = Vec::new();
        let response = dispatch_stream_batch(&event, |change| {
            dispatched.push(change);
            async move { if change == Change::Pass(8) { Err("throttled".to_string()) } else { Ok(()) } }
        })
        .await
        .unwrap();
        assert_eq!(response, json!({"batchItemFailures": [{"itemIdentifier": "200"}]}));
        assert_eq!(dispatched, [Change::Pass(7), Change::Pass(8)], "the rest is retried from 200 on");

        let all_done = dispatch_stream_batch(&event, |_| async { Ok(()) }).await.unwrap();
        assert_eq!(all_done, json!({"batchItemFailures": []}));

        let unnumbered = json!({"Records": [record("MODIFY", "PASS#8", Some(("1", "0")), ("2", "0"))]});
        assert!(dispatch_stream_batch(&unnumbered, |_| async { Err("down".to_string()) }).await.is_err());
    }
}
