//! The push dispatcher's input in AWS: DynamoDB stream records of the table (this adapter
//! knows the item layout, see `aws::schema`). A pass or a template whose `ver` moved changed
//! its content and must reach its devices; registrations changing install state, claims,
//! links and counters must not push anything.

use serde_json::Value;

use crate::model::records::Change;

/// The changes a stream event (Lambda's DynamoDB event JSON) asks to dispatch, de-duplicated,
/// in order of appearance.
pub fn changes_from_stream(event: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
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
        if !changes.contains(&change) {
            changes.push(change);
        }
    }
    changes
}

fn number(attribute: &Value) -> Option<u64> {
    attribute["N"].as_str().and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::changes_from_stream;
    use crate::model::records::Change;

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
}
