//! The body of template creates and updates, in either dialect: Tessera's compact one or
//! Airship's (vendor `Apple` and `vendorId`, type names such as `Event Ticket`, `projectType`,
//! header objects with `formatType`/`fieldType`), and what a project adds to it.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::error::FieldProblem;
use crate::model::records::{ProjectSettings, Vendor};
use crate::model::template::{BeaconSpec, FieldSpec, LocationSpec};

/// The body of `POST /v1/template` and `PUT /v1/template/{id}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub vendor: Option<String>,
    #[serde(rename = "type")]
    pub style: Option<String>,
    pub pass_type_identifier: Option<String>,
    pub organization_name: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub locations: Vec<LocationSpec>,
    #[serde(default)]
    pub beacons: Vec<BeaconSpec>,
    pub semantics: Option<Value>,
    pub nfc: Option<Value>,
    /// Rewards enrollment (store cards with NFC): `requiredPersonalizationFields`,
    /// `description`, optional `termsAndConditions`; needs a `personalizationLogo_image` header.
    pub personalization: Option<Value>,
    pub preferred_style_schemes: Option<Value>,
    pub relevant_dates: Option<Value>,
    pub upcoming_pass_information: Option<Value>,
    /// Strings per language: `{"fr": {"key": "text"}}`.
    #[serde(default)]
    pub localizations: BTreeMap<String, BTreeMap<String, String>>,
    /// The project to create it in, when the path names none.
    pub project_id: Option<Value>,
    /// Airship's: 1 Apple, 2 Google; must agree with `vendor`.
    pub vendor_id: Option<Value>,
    /// Airship's kind of pass; stands in for a missing `type`.
    pub project_type: Option<String>,
}

/// Airship's and Tessera's names of a pass style → the style's key.
pub(super) fn style_key(name: &str) -> Option<&'static str> {
    let squashed: String =
        name.chars().filter(|c| !c.is_whitespace() && *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
    match squashed.as_str() {
        "boardingpass" => Some("boardingPass"),
        "coupon" | "offer" => Some("coupon"),
        "eventticket" => Some("eventTicket"),
        "generic" | "membercard" => Some("generic"),
        "storecard" | "loyalty" | "giftcard" => Some("storeCard"),
        _ => None,
    }
}

/// The vendor a request names by `vendor` (any case) and `vendorId` (1 or 2), which must agree.
pub(super) fn vendor_of(request: &TemplateRequest, problems: &mut Vec<FieldProblem>) -> Option<Vendor> {
    let by_name = match request.vendor.as_deref().map(str::to_ascii_lowercase) {
        None => None,
        Some(name) => match Vendor::parse(&name) {
            Some(vendor) => Some(vendor),
            None => {
                problems.push(FieldProblem::new("vendor", "must be Apple or Google"));
                return None;
            }
        },
    };
    let by_id = match &request.vendor_id {
        None => None,
        Some(id) => match super::number_or_text(id) {
            Some(1) => Some(Vendor::Apple),
            Some(2) => Some(Vendor::Google),
            _ => {
                problems.push(FieldProblem::new("vendorId", "must be 1 (Apple) or 2 (Google)"));
                return None;
            }
        },
    };
    match (by_name, by_id) {
        (Some(a), Some(b)) if a != b => {
            problems.push(FieldProblem::new("vendorId", "does not match vendor"));
            None
        }
        (a, b) => Some(a.or(b).unwrap_or(Vendor::Apple)),
    }
}

/// A project's barcode settings become the template's barcode headers where it sets none.
pub(super) fn apply_project_settings(settings: &ProjectSettings, headers: &mut BTreeMap<String, FieldSpec>) {
    let defaults = [
        (
            "barcode_type",
            settings.barcode_type.as_deref().and_then(ProjectSettings::apple_barcode_type).map(str::to_string),
        ),
        ("barcode_value", settings.barcode_default_value.clone()),
        ("barcode_label", settings.barcode_label.clone()),
        ("barcodeAltText", settings.barcode_alt_text.clone()),
        ("barcode_encoding", settings.barcode_encoding.clone()),
    ];
    // A barcode needs a type and a value; the project's apply only when it has both.
    if headers.contains_key("barcode_type") || defaults[0].1.is_none() || defaults[1].1.is_none() {
        return;
    }
    for (header, value) in defaults {
        if let Some(value) = value {
            headers.entry(header.to_string()).or_insert_with(|| FieldSpec {
                value: Some(Value::String(value)),
                field_type: Some("barcode".into()),
                ..FieldSpec::default()
            });
        }
    }
}
