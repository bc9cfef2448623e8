//! PassEntry's PATCH on beacons and locations: one action at a time (`delete` the listed
//! ones, `deleteAll` with an empty data array, `replace` them all), or a plain array whose
//! entries edit the beacon or location they match in place (relevantText; maxDistance too for
//! locations) and add the others.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::request::{PassEntryBeacon, PassEntryLocation};
use crate::model::FieldProblem;
use crate::model::template::{BeaconSpec, LocationSpec};

#[derive(Debug, Clone, PartialEq)]
pub enum Action<T> {
    Delete(Vec<T>),
    DeleteAll,
    Replace(Vec<T>),
}

const ACTIONS: [&str; 3] = ["delete", "deleteAll", "replace"];

/// Reads `{"delete": [...]}` (one key) or `{"action": "delete", "data": [...]}`.
pub fn parse<T: DeserializeOwned>(path: &str, value: &Value, problems: &mut Vec<FieldProblem>) -> Option<Action<T>> {
    let Some(object) = value.as_object() else {
        problems.push(FieldProblem::new(path, "must be an object naming one action"));
        return None;
    };
    let (name, data) = match (object.get("action"), object.get("data")) {
        (Some(Value::String(action)), data) if object.len() <= 2 => {
            (action.clone(), data.cloned().unwrap_or(Value::Array(Vec::new())))
        }
        _ if object.len() == 1 => {
            let (name, data) = object.iter().next().map(|(k, v)| (k.clone(), v.clone()))?;
            (name, data)
        }
        _ => {
            problems.push(FieldProblem::new(path, "one action at a time: delete, deleteAll or replace"));
            return None;
        }
    };
    let data_path = format!("{path}.{name}");
    let items: Vec<T> = match serde_json::from_value(data) {
        Ok(items) => items,
        Err(e) => {
            problems.push(FieldProblem::new(data_path, format!("must be an array of entries: {e}")));
            return None;
        }
    };
    match name.as_str() {
        "delete" => Some(Action::Delete(items)),
        "deleteAll" if items.is_empty() => Some(Action::DeleteAll),
        "deleteAll" => {
            problems.push(FieldProblem::new(data_path, "must be an empty array"));
            None
        }
        "replace" => Some(Action::Replace(items)),
        _ => {
            problems.push(FieldProblem::new(path, format!("must be one of {}", ACTIONS.join(", "))));
            None
        }
    }
}

/// Beacons after an action; `None` where a listed beacon is not on the pass (its index).
pub fn apply_beacons(current: &[BeaconSpec], action: &Action<PassEntryBeacon>) -> Result<Vec<BeaconSpec>, usize> {
    match action {
        Action::DeleteAll => Ok(Vec::new()),
        Action::Replace(new) => Ok(new.iter().map(PassEntryBeacon::spec).collect()),
        Action::Delete(listed) => {
            if let Some(missing) = listed.iter().position(|b| !current.iter().any(|c| b.matches(c))) {
                return Err(missing);
            }
            Ok(current.iter().filter(|c| !listed.iter().any(|b| b.matches(c))).cloned().collect())
        }
    }
}

/// Locations after an action, and which of the current ones stay (to keep their ids).
pub fn apply_locations(
    current: &[LocationSpec],
    action: &Action<PassEntryLocation>,
) -> Result<(Vec<LocationSpec>, Vec<bool>), usize> {
    match action {
        Action::DeleteAll => Ok((Vec::new(), vec![false; current.len()])),
        Action::Replace(new) => Ok((new.iter().map(PassEntryLocation::spec).collect(), vec![false; current.len()])),
        Action::Delete(listed) => {
            if let Some(missing) = listed.iter().position(|l| !current.iter().any(|c| l.matches(c))) {
                return Err(missing);
            }
            let kept: Vec<bool> = current.iter().map(|c| !listed.iter().any(|l| l.matches(c))).collect();
            let remaining = current.iter().zip(&kept).filter(|(_, keep)| **keep).map(|(c, _)| c.clone()).collect();
            Ok((remaining, kept))
        }
    }
}

/// A PATCH's plain beacon array: matches edit their relevantText, the others are added.
pub fn merge_beacons(current: &[BeaconSpec], given: &[PassEntryBeacon]) -> Vec<BeaconSpec> {
    let mut out = current.to_vec();
    for beacon in given {
        match out.iter_mut().find(|c| beacon.matches(c)) {
            Some(existing) => existing.relevant_text = beacon.message.clone().or(existing.relevant_text.take()),
            None => out.push(beacon.spec()),
        }
    }
    out
}

/// A PATCH's plain location array: matches edit relevantText and maxDistance, the others
/// are added (at the end, so the existing ones keep their ids).
pub fn merge_locations(current: &[LocationSpec], given: &[PassEntryLocation]) -> Vec<LocationSpec> {
    let mut out = current.to_vec();
    for location in given {
        match out.iter_mut().find(|c| location.matches(c)) {
            Some(existing) => {
                if location.relevant_text.is_some() {
                    existing.relevant_text = location.relevant_text.clone();
                }
                if let Some(distance) = location.max_distance {
                    existing.extra.insert("maxDistance".into(), serde_json::json!(distance));
                }
            }
            None => out.push(location.spec()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Action, apply_beacons, merge_locations, parse};
    use crate::service::passentry::request::{PassEntryBeacon, PassEntryLocation};

    fn beacon(minor: u16) -> PassEntryBeacon {
        PassEntryBeacon {
            uuid: Some("55502220-A123-A88A-F321-555A444B333C".into()),
            major: Some(1),
            minor: Some(minor),
            ..PassEntryBeacon::default()
        }
    }

    #[test]
    fn one_action_at_a_time_in_either_shape() {
        let mut problems = Vec::new();
        let keyed = parse::<PassEntryBeacon>("beaconActions", &json!({"deleteAll": []}), &mut problems);
        assert_eq!(keyed, Some(Action::DeleteAll));
        let named = parse::<PassEntryBeacon>("b", &json!({"action": "replace", "data": []}), &mut problems);
        assert_eq!(named, Some(Action::Replace(vec![])));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(parse::<PassEntryBeacon>("b", &json!({"delete": [], "replace": []}), &mut problems), None);
        assert_eq!(parse::<PassEntryBeacon>("b", &json!({"deleteAll": [{"minor": 1}]}), &mut problems), None);
        let fields: Vec<_> = problems.iter().map(|p| p.field.clone()).collect();
        assert_eq!(fields, ["b", "b.deleteAll"]);
    }

    #[test]
    fn deletes_name_beacons_by_identity_and_merges_edit_locations_in_place() {
        let current = vec![beacon(1).spec(), beacon(2).spec()];
        assert_eq!(apply_beacons(&current, &Action::Delete(vec![beacon(2)])), Ok(vec![beacon(1).spec()]));
        assert_eq!(apply_beacons(&current, &Action::Delete(vec![beacon(9)])), Err(0), "not on the pass");
        let here = PassEntryLocation { latitude: Some(51.5), longitude: Some(-0.1), ..PassEntryLocation::default() };
        let edit = PassEntryLocation { relevant_text: Some("Hi".into()), max_distance: Some(50.0), ..here.clone() };
        let merged = merge_locations(&[here.spec()], &[edit]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].relevant_text.as_deref(), Some("Hi"));
        assert_eq!(merged[0].extra["maxDistance"], json!(50.0));
    }
}
