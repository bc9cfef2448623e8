//! Template and pass content in Airship's shape: `headers` (pass-level settings such as
//! logo_text, colors, barcode_*, *_image) and `fields` (named fields placed by `fieldType`).
//! A pass carries the same shape with only what differs from its template.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::pass::Extra;

/// One header or field, as Airship writes them.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSpec {
    pub value: Option<Value>,
    pub label: Option<String>,
    pub change_message: Option<String>,
    /// header | primary | secondary | auxiliary | back (fields); topLevel | image | barcode (headers).
    pub field_type: Option<String>,
    pub order: Option<i64>,
    pub format_type: Option<String>,
    pub number_style: Option<String>,
    pub text_alignment: Option<String>,
    pub date_style: Option<String>,
    pub time_style: Option<String>,
    pub currency_code: Option<String>,
    pub ignores_time_zone: Option<bool>,
    pub is_relative: Option<bool>,
    pub required: Option<bool>,
    pub hide_empty: Option<bool>,
    pub semantics: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl FieldSpec {
    /// Applies a partial update: every key the update gives replaces this one's, every key
    /// it leaves out keeps its value (a value-only update keeps the label and changeMessage).
    pub fn merge(&mut self, update: FieldSpec) {
        fn take<T>(into: &mut Option<T>, from: Option<T>) {
            if from.is_some() {
                *into = from;
            }
        }
        take(&mut self.value, update.value);
        take(&mut self.label, update.label);
        take(&mut self.change_message, update.change_message);
        take(&mut self.field_type, update.field_type);
        take(&mut self.order, update.order);
        take(&mut self.format_type, update.format_type);
        take(&mut self.number_style, update.number_style);
        take(&mut self.text_alignment, update.text_alignment);
        take(&mut self.date_style, update.date_style);
        take(&mut self.time_style, update.time_style);
        take(&mut self.currency_code, update.currency_code);
        take(&mut self.ignores_time_zone, update.ignores_time_zone);
        take(&mut self.is_relative, update.is_relative);
        take(&mut self.required, update.required);
        take(&mut self.hide_empty, update.hide_empty);
        take(&mut self.semantics, update.semantics);
        self.extra.extend(update.extra);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::FieldSpec;

    #[test]
    fn a_partial_update_keeps_what_it_leaves_out() {
        let mut seat: FieldSpec =
            serde_json::from_value(json!({"value": "14", "label": "ROW", "changeMessage": "Now %@", "x": 1})).unwrap();
        seat.merge(serde_json::from_value(json!({"value": "15", "y": 2})).unwrap());
        let expected = json!({"value": "15", "label": "ROW", "changeMessage": "Now %@", "x": 1, "y": 2});
        assert_eq!(serde_json::to_value(&seat).unwrap(), expected);
    }
}

/// A location in Airship's shape (coordinates may come as numbers or numeric strings).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationSpec {
    pub latitude: Option<Value>,
    pub longitude: Option<Value>,
    pub altitude: Option<Value>,
    pub relevant_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BeaconSpec {
    pub uuid: Option<String>,
    pub major: Option<i64>,
    pub minor: Option<i64>,
    pub relevant_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// What a template holds besides its name, vendor and pass type (kept in `Template::body`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateContent {
    pub description: Option<String>,
    /// boardingPass | coupon | eventTicket | generic | storeCard
    #[serde(rename = "type")]
    pub style: Option<String>,
    /// Airship's kind of pass, as the template was given it.
    pub project_type: Option<String>,
    pub organization_name: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub locations: Vec<LocationSpec>,
    /// Ids of the locations (same order as `locations`), to delete one by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location_ids: Vec<u64>,
    #[serde(default)]
    pub beacons: Vec<BeaconSpec>,
    pub semantics: Option<Value>,
    pub nfc: Option<Value>,
    /// Rewards enrollment: becomes personalization.json in every pass not yet personalized.
    pub personalization: Option<Value>,
    /// The newest pass.json keys, written as given (pass.json's validation checks them):
    /// `preferredStyleSchemes` (poster event tickets, semantic boarding passes),
    /// `relevantDates` and `upcomingPassInformation`. A pass's own replace its template's.
    pub preferred_style_schemes: Option<Value>,
    pub relevant_dates: Option<Value>,
    pub upcoming_pass_information: Option<Value>,
    /// Strings per language (`{"fr": {"EVENT": "ÉVÉNEMENT"}}`), each language becoming
    /// `<lang>.lproj/pass.strings`: labels and values equal to a key are shown translated.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub localizations: BTreeMap<String, BTreeMap<String, String>>,
    /// Stored images: header name (`icon_image`) → blob key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub image_blobs: BTreeMap<String, String>,
    /// Where images given as URLs were fetched from: header name → URL.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub image_urls: BTreeMap<String, String>,
}

/// What a pass holds (kept in `Pass::body`): overrides of its template.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PassContent {
    #[serde(default)]
    pub headers: BTreeMap<String, FieldSpec>,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldSpec>,
    /// Replaces the template's locations when present.
    pub locations: Option<Vec<LocationSpec>>,
    pub beacons: Option<Vec<BeaconSpec>>,
    pub semantics: Option<Value>,
    pub nfc: Option<Value>,
    /// The newest pass.json keys, written as given (pass.json's validation checks them):
    /// `preferredStyleSchemes` (poster event tickets, semantic boarding passes),
    /// `relevantDates` and `upcomingPassInformation`. A pass's own replace its template's.
    pub preferred_style_schemes: Option<Value>,
    pub relevant_dates: Option<Value>,
    pub upcoming_pass_information: Option<Value>,
    /// Ids handed out for locations added through the API (same order as `locations`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location_ids: Vec<u64>,
    /// The token of the pass's public download link, if it has one.
    pub public_link: Option<String>,
    /// Google passes: the save link handed out when the pass was issued.
    pub google_save_url: Option<String>,
    /// The last push message (shown as a notification when it changes).
    pub message: Option<String>,
    /// When the pass was deactivated (voided); `None` while active.
    pub deactivated_at: Option<i64>,
    /// PassEntry's `nfcEnabled`: the NFC message is `nfc_message`, else the serial number.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nfc_enabled: bool,
    /// The NFC message of an `nfc_enabled` pass made through PassEntry's API: its UUID.
    pub nfc_message: Option<String>,
    /// PassEntry's template override: the pass's design (colours, strip, logo, thumbnail) is
    /// its own; the template's no longer applies.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own_design: bool,
    /// What the holder gave when personalizing the pass (Apple's requiredPersonalizationInfo).
    pub personalization_info: Option<Value>,
    /// Images this pass shows instead of its template's: header name → blob key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub image_blobs: BTreeMap<String, String>,
    /// Where the pass's own images come from, header name → URL: on Google passes the
    /// public https URL Google fetches; on Apple passes the source of a PassEntry override.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub image_urls: BTreeMap<String, String>,
}
