//! PassEntry's pass body (seed 004): flat pass data keyed by template field, beacons and
//! locations in its own words, one grouping tag, and the template override; checked with
//! every problem named by its path in the body.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::model::template::{BeaconSpec, FieldSpec, LocationSpec, TemplateContent};
use crate::model::{FieldProblem, PassStyle, Rgb};

pub const MAX_BEACONS: usize = 10;
pub const MAX_LOCATIONS: usize = 10;

/// The body of PassEntry's create, PUT and PATCH.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PassEntryRequest {
    /// Template field id → value (or `{"value": …}`); `templateOverride` may sit here too.
    pub pass: Option<Map<String, Value>>,
    #[serde(alias = "iBeacons")]
    pub beacons: Option<Vec<PassEntryBeacon>>,
    pub group_tag: Option<String>,
    pub locations: Option<Vec<PassEntryLocation>>,
    /// A push message, shown as a notification.
    pub message: Option<String>,
    /// ISO 8601: the pass is deactivated from then on.
    pub expiration_date: Option<String>,
    /// The pass's UUID becomes its NFC message.
    pub nfc_enabled: Option<bool>,
    pub template_override: Option<TemplateOverride>,
    /// Updates only: `deactivate` or `reactivate`.
    #[serde(alias = "passAction")]
    pub action: Option<String>,
    /// PATCH only: `{"delete"|"deleteAll"|"replace": [...]}` or `{"action": …, "data": [...]}`.
    pub beacon_actions: Option<Value>,
    pub location_actions: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PassEntryBeacon {
    pub name: Option<String>,
    #[serde(alias = "proximityUUID")]
    pub uuid: Option<String>,
    pub major: Option<u16>,
    pub minor: Option<u16>,
    #[serde(alias = "relevantText")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PassEntryLocation {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub name: Option<String>,
    #[serde(alias = "message")]
    pub relevant_text: Option<String>,
    #[serde(alias = "radius")]
    pub max_distance: Option<f64>,
}

/// A pass's own design: colours as `#rrggbb`, images as PNG or JPEG URLs.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateOverride {
    pub background_color: Option<String>,
    pub label_color: Option<String>,
    pub text_color: Option<String>,
    pub banner_image: Option<Value>,
    pub logo_image: Option<Value>,
    pub thumbnail_image: Option<Value>,
}

impl PassEntryBeacon {
    pub fn spec(&self) -> BeaconSpec {
        let mut spec = BeaconSpec {
            uuid: self.uuid.clone(),
            major: self.major.map(i64::from),
            minor: self.minor.map(i64::from),
            relevant_text: self.message.clone(),
            ..BeaconSpec::default()
        };
        if let Some(name) = &self.name {
            spec.extra.insert("name".into(), json!(name));
        }
        spec
    }

    /// A beacon is known by its UUID, major and minor.
    pub fn matches(&self, spec: &BeaconSpec) -> bool {
        let same_uuid = match (&self.uuid, &spec.uuid) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        same_uuid && self.major.map(i64::from) == spec.major && self.minor.map(i64::from) == spec.minor
    }
}

impl PassEntryLocation {
    pub fn spec(&self) -> LocationSpec {
        let mut spec = LocationSpec {
            latitude: self.latitude.map(|v| json!(v)),
            longitude: self.longitude.map(|v| json!(v)),
            relevant_text: self.relevant_text.clone(),
            ..LocationSpec::default()
        };
        if let Some(name) = &self.name {
            spec.extra.insert("name".into(), json!(name));
        }
        if let Some(distance) = self.max_distance {
            spec.extra.insert("maxDistance".into(), json!(distance));
        }
        spec
    }

    /// A location is known by its latitude and longitude.
    pub fn matches(&self, spec: &LocationSpec) -> bool {
        let coordinate = |v: &Option<Value>| v.as_ref().and_then(Value::as_f64);
        self.latitude.is_some()
            && self.latitude == coordinate(&spec.latitude)
            && self.longitude == coordinate(&spec.longitude)
    }
}

fn is_uuid(text: &str) -> bool {
    uuid::Uuid::parse_str(text).is_ok()
}

pub fn check_beacons(path: &str, beacons: &[PassEntryBeacon], problems: &mut Vec<FieldProblem>) {
    if beacons.len() > MAX_BEACONS {
        problems.push(FieldProblem::new(path, format!("at most {MAX_BEACONS} beacons, found {}", beacons.len())));
    }
    for (i, beacon) in beacons.iter().enumerate() {
        if !beacon.uuid.as_deref().is_some_and(is_uuid) {
            problems.push(FieldProblem::new(format!("{path}[{i}].uuid"), "is required: the beacon's proximity UUID"));
        }
    }
}

/// How far a location's geofence may reach on a pass of this style (seed: 10 < x ≤ 1000 on
/// event tickets, ≤ 100 on the others).
pub fn max_radius(style: PassStyle) -> f64 {
    if style == PassStyle::EventTicket { 1000.0 } else { 100.0 }
}

pub fn check_locations(
    path: &str,
    locations: &[PassEntryLocation],
    style: PassStyle,
    problems: &mut Vec<FieldProblem>,
) {
    if locations.len() > MAX_LOCATIONS {
        problems.push(FieldProblem::new(path, format!("at most {MAX_LOCATIONS} locations, found {}", locations.len())));
    }
    let limit = max_radius(style);
    for (i, location) in locations.iter().enumerate() {
        let at = |key: &str| format!("{path}[{i}].{key}");
        if !location.latitude.is_some_and(|l| (-90.0..=90.0).contains(&l)) {
            problems.push(FieldProblem::new(at("latitude"), "is required, from -90 to 90"));
        }
        if !location.longitude.is_some_and(|l| (-180.0..=180.0).contains(&l)) {
            problems.push(FieldProblem::new(at("longitude"), "is required, from -180 to 180"));
        }
        if let Some(distance) = location.max_distance
            && !(distance > 10.0 && distance <= limit)
        {
            problems.push(FieldProblem::new(
                at("maxDistance"),
                format!("must be more than 10 and at most {limit} meters on a {} pass", style.key()),
            ));
        }
    }
}

/// Flat pass data → field overrides (`{"value": …}` objects are taken as they are); keys the
/// template has no field for are problems.
pub fn field_overrides(
    data: &Map<String, Value>,
    template: &TemplateContent,
    problems: &mut Vec<FieldProblem>,
) -> Vec<(String, FieldSpec)> {
    let mut out = Vec::new();
    for (key, value) in data {
        if key == "templateOverride" || key == "nfc" {
            continue;
        }
        if !template.fields.contains_key(key) {
            problems.push(FieldProblem::new(format!("pass.{key}"), "is not a field of the template"));
            continue;
        }
        let value = match value {
            Value::Object(object) => object.get("value").cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        if value.is_object() || value.is_array() {
            problems.push(FieldProblem::new(format!("pass.{key}"), "must be a string, number or boolean"));
            continue;
        }
        out.push((key.clone(), FieldSpec { value: Some(value), ..FieldSpec::default() }));
    }
    out
}

/// `#rrggbb` → Wallet's `rgb(r, g, b)`.
pub fn wallet_color(path: &str, hex: &str, problems: &mut Vec<FieldProblem>) -> Option<String> {
    match hex.starts_with('#').then(|| Rgb::parse(hex)).flatten() {
        Some(rgb) => Some(rgb.to_css()),
        None => {
            problems.push(FieldProblem::new(path, "must be a hex colour like #1a2b3c"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wallet_color;

    #[test]
    fn hex_colours_become_wallet_colours() {
        let mut problems = Vec::new();
        assert_eq!(wallet_color("c", "#1A2b3c", &mut problems).as_deref(), Some("rgb(26, 43, 60)"));
        assert!(wallet_color("c", "red", &mut problems).is_none());
        assert_eq!(problems.len(), 1);
    }
}
