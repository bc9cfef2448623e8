//! The typed model of Apple's pass.json. Every documented key has a field; keys Tessera does
//! not know yet land in `extra` maps and are written back unchanged, so new Apple keys work
//! before this model learns them. Enumerated values stay strings here and are checked by
//! `pkpass::validate`, which reports every problem at once with its path.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::semantics::SemanticTags;

pub type Extra = Map<String, Value>;

/// The five pass styles, in the order Apple documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PassStyle {
    BoardingPass,
    Coupon,
    EventTicket,
    Generic,
    StoreCard,
}

impl PassStyle {
    pub const ALL: [PassStyle; 5] =
        [Self::BoardingPass, Self::Coupon, Self::EventTicket, Self::Generic, Self::StoreCard];

    /// The pass.json key that holds this style's fields.
    pub fn key(self) -> &'static str {
        match self {
            Self::BoardingPass => "boardingPass",
            Self::Coupon => "coupon",
            Self::EventTicket => "eventTicket",
            Self::Generic => "generic",
            Self::StoreCard => "storeCard",
        }
    }

    pub fn from_key(key: &str) -> Option<PassStyle> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PassJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format_version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass_type_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    #[serde(skip_serializing_if = "Option::is_none")]
    pub boarding_pass: Option<PassFields>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon: Option<PassFields>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_ticket: Option<PassFields>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generic: Option<PassFields>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_card: Option<PassFields>,

    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foreground_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer_background_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppress_strip_shine: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grouping_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing_prohibited: Option<bool>,

    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<Barcode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcodes: Option<Vec<Barcode>>,

    #[serde(skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<Location>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beacons: Option<Vec<Beacon>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_distance: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevant_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevant_dates: Option<Vec<RelevantDate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voided: Option<bool>,

    #[serde(rename = "webServiceURL", skip_serializing_if = "Option::is_none")]
    pub web_service_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_token: Option<String>,
    #[serde(rename = "appLaunchURL", skip_serializing_if = "Option::is_none")]
    pub app_launch_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associated_store_identifiers: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_info: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nfc: Option<Nfc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantics: Option<SemanticTags>,

    // iOS 18+ event tickets (poster style) and iOS 26 multi-event tickets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_style_schemes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_logo_text: Option<String>,
    #[serde(rename = "bagPolicyURL", skip_serializing_if = "Option::is_none")]
    pub bag_policy_url: Option<String>,
    #[serde(rename = "orderFoodURL", skip_serializing_if = "Option::is_none")]
    pub order_food_url: Option<String>,
    #[serde(rename = "parkingInformationURL", skip_serializing_if = "Option::is_none")]
    pub parking_information_url: Option<String>,
    #[serde(rename = "purchaseParkingURL", skip_serializing_if = "Option::is_none")]
    pub purchase_parking_url: Option<String>,
    #[serde(rename = "merchandiseURL", skip_serializing_if = "Option::is_none")]
    pub merchandise_url: Option<String>,
    #[serde(rename = "directionsInformationURL", skip_serializing_if = "Option::is_none")]
    pub directions_information_url: Option<String>,
    #[serde(rename = "transitInformationURL", skip_serializing_if = "Option::is_none")]
    pub transit_information_url: Option<String>,
    #[serde(rename = "accessibilityURL", skip_serializing_if = "Option::is_none")]
    pub accessibility_url: Option<String>,
    #[serde(rename = "addOnURL", skip_serializing_if = "Option::is_none")]
    pub add_on_url: Option<String>,
    #[serde(rename = "sellURL", skip_serializing_if = "Option::is_none")]
    pub sell_url: Option<String>,
    #[serde(rename = "transferURL", skip_serializing_if = "Option::is_none")]
    pub transfer_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upcoming_pass_information: Option<Vec<UpcomingPassInformationEntry>>,

    #[serde(flatten)]
    pub extra: Extra,
}

impl PassJson {
    /// The styles present, in Apple's order (a valid pass has exactly one).
    pub fn styles(&self) -> Vec<(PassStyle, &PassFields)> {
        PassStyle::ALL.into_iter().filter_map(|s| self.style_fields(s).map(|f| (s, f))).collect()
    }

    pub fn style_fields(&self, style: PassStyle) -> Option<&PassFields> {
        match style {
            PassStyle::BoardingPass => self.boarding_pass.as_ref(),
            PassStyle::Coupon => self.coupon.as_ref(),
            PassStyle::EventTicket => self.event_ticket.as_ref(),
            PassStyle::Generic => self.generic.as_ref(),
            PassStyle::StoreCard => self.store_card.as_ref(),
        }
    }

    /// The one style of a valid pass (the first present otherwise).
    pub fn style(&self) -> Option<PassStyle> {
        PassStyle::ALL.into_iter().find(|s| self.style_fields(*s).is_some())
    }

    /// Parses pass.json bytes; the error names the JSON path of the first type mismatch.
    pub fn from_slice(bytes: &[u8]) -> Result<PassJson, ParseError> {
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(de)
            .map_err(|e| ParseError { path: e.path().to_string(), message: e.inner().to_string() })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ParseError {
    pub path: String,
    pub message: String,
}

/// The field groups of a style (`PassFields` in Apple's reference).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PassFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_fields: Option<Vec<Field>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_fields: Option<Vec<Field>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary_fields: Option<Vec<Field>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auxiliary_fields: Option<Vec<Field>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_fields: Option<Vec<Field>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_info_fields: Option<Vec<Field>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Where a field sits on the pass; each group has its own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldGroup {
    Header,
    Primary,
    Secondary,
    Auxiliary,
    Back,
    AdditionalInfo,
}

impl FieldGroup {
    pub const ALL: [FieldGroup; 6] =
        [Self::Header, Self::Primary, Self::Secondary, Self::Auxiliary, Self::Back, Self::AdditionalInfo];

    pub fn key(self) -> &'static str {
        match self {
            Self::Header => "headerFields",
            Self::Primary => "primaryFields",
            Self::Secondary => "secondaryFields",
            Self::Auxiliary => "auxiliaryFields",
            Self::Back => "backFields",
            Self::AdditionalInfo => "additionalInfoFields",
        }
    }
}

impl PassFields {
    pub fn group(&self, group: FieldGroup) -> Option<&Vec<Field>> {
        match group {
            FieldGroup::Header => self.header_fields.as_ref(),
            FieldGroup::Primary => self.primary_fields.as_ref(),
            FieldGroup::Secondary => self.secondary_fields.as_ref(),
            FieldGroup::Auxiliary => self.auxiliary_fields.as_ref(),
            FieldGroup::Back => self.back_fields.as_ref(),
            FieldGroup::AdditionalInfo => self.additional_info_fields.as_ref(),
        }
    }

    pub fn group_mut(&mut self, group: FieldGroup) -> &mut Option<Vec<Field>> {
        match group {
            FieldGroup::Header => &mut self.header_fields,
            FieldGroup::Primary => &mut self.primary_fields,
            FieldGroup::Secondary => &mut self.secondary_fields,
            FieldGroup::Auxiliary => &mut self.auxiliary_fields,
            FieldGroup::Back => &mut self.back_fields,
            FieldGroup::AdditionalInfo => &mut self.additional_info_fields,
        }
    }
}

/// One field (`PassFieldContent` in Apple's reference).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_detector_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_style: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_style: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignores_time_zone: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_relative: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_style: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_alignment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantics: Option<SemanticTags>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Barcode {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub altitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevant_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Beacon {
    #[serde(rename = "proximityUUID", skip_serializing_if = "Option::is_none")]
    pub proximity_uuid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub major: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minor: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevant_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `relevantDates`: a single `date` (`relevantDate` in iOS 18), or an interval.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelevantDate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevant_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Nfc {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_public_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_authentication: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// iOS 26 multi-event tickets: one upcoming event on the ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpcomingPassInformationEntry {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub entry_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_information: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantics: Option<SemanticTags>,
    #[serde(flatten)]
    pub extra: Extra,
}
