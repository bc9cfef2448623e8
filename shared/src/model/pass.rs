//! The typed model of Apple's pass.json. Every documented key has a field; keys Tessera does
//! not know yet land in `extra` maps and are written back unchanged, so new Apple keys work
//! before this model learns them. Enumerated values stay strings here and are checked by
//! `pkpass::validate`, which reports every problem at once with its path.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

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

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PassJson {
    pub format_version: Option<i64>,
    pub pass_type_identifier: Option<String>,
    pub serial_number: Option<String>,
    pub team_identifier: Option<String>,
    pub organization_name: Option<String>,
    pub description: Option<String>,

    pub boarding_pass: Option<PassFields>,
    pub coupon: Option<PassFields>,
    pub event_ticket: Option<PassFields>,
    pub generic: Option<PassFields>,
    pub store_card: Option<PassFields>,

    pub logo_text: Option<String>,
    pub background_color: Option<String>,
    pub foreground_color: Option<String>,
    pub label_color: Option<String>,
    pub footer_background_color: Option<String>,
    pub suppress_strip_shine: Option<bool>,
    pub grouping_identifier: Option<String>,
    pub sharing_prohibited: Option<bool>,

    pub barcode: Option<Barcode>,
    pub barcodes: Option<Vec<Barcode>>,

    pub locations: Option<Vec<Location>>,
    pub beacons: Option<Vec<Beacon>>,
    pub max_distance: Option<f64>,
    pub relevant_date: Option<String>,
    pub relevant_dates: Option<Vec<RelevantDate>>,
    pub expiration_date: Option<String>,
    pub voided: Option<bool>,

    #[serde(rename = "webServiceURL")]
    pub web_service_url: Option<String>,
    pub authentication_token: Option<String>,
    #[serde(rename = "appLaunchURL")]
    pub app_launch_url: Option<String>,
    pub associated_store_identifiers: Option<Vec<u64>>,
    pub user_info: Option<Value>,
    pub nfc: Option<Nfc>,
    pub semantics: Option<SemanticTags>,

    // iOS 18+ event tickets (poster style) and iOS 26 multi-event tickets.
    pub preferred_style_schemes: Option<Vec<String>>,
    pub event_logo_text: Option<String>,
    #[serde(rename = "bagPolicyURL")]
    pub bag_policy_url: Option<String>,
    #[serde(rename = "orderFoodURL")]
    pub order_food_url: Option<String>,
    #[serde(rename = "parkingInformationURL")]
    pub parking_information_url: Option<String>,
    #[serde(rename = "purchaseParkingURL")]
    pub purchase_parking_url: Option<String>,
    #[serde(rename = "merchandiseURL")]
    pub merchandise_url: Option<String>,
    #[serde(rename = "directionsInformationURL")]
    pub directions_information_url: Option<String>,
    #[serde(rename = "transitInformationURL")]
    pub transit_information_url: Option<String>,
    #[serde(rename = "accessibilityURL")]
    pub accessibility_url: Option<String>,
    #[serde(rename = "addOnURL")]
    pub add_on_url: Option<String>,
    #[serde(rename = "sellURL")]
    pub sell_url: Option<String>,
    #[serde(rename = "transferURL")]
    pub transfer_url: Option<String>,
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
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PassFields {
    pub transit_type: Option<String>,
    pub header_fields: Option<Vec<Field>>,
    pub primary_fields: Option<Vec<Field>>,
    pub secondary_fields: Option<Vec<Field>>,
    pub auxiliary_fields: Option<Vec<Field>>,
    pub back_fields: Option<Vec<Field>>,
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
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub key: Option<String>,
    pub value: Option<Value>,
    pub label: Option<String>,
    pub attributed_value: Option<Value>,
    pub change_message: Option<String>,
    pub currency_code: Option<String>,
    pub data_detector_types: Option<Vec<String>>,
    pub date_style: Option<String>,
    pub time_style: Option<String>,
    pub ignores_time_zone: Option<bool>,
    pub is_relative: Option<bool>,
    pub number_style: Option<String>,
    pub text_alignment: Option<String>,
    pub row: Option<i64>,
    pub semantics: Option<SemanticTags>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Barcode {
    pub format: Option<String>,
    pub message: Option<String>,
    pub message_encoding: Option<String>,
    pub alt_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub altitude: Option<f64>,
    pub relevant_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Beacon {
    #[serde(rename = "proximityUUID")]
    pub proximity_uuid: Option<String>,
    pub major: Option<i64>,
    pub minor: Option<i64>,
    pub relevant_text: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `relevantDates`: a single `date` (`relevantDate` in iOS 18), or an interval.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelevantDate {
    pub date: Option<String>,
    pub relevant_date: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Nfc {
    pub message: Option<String>,
    pub encryption_public_key: Option<String>,
    pub requires_authentication: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// iOS 26 multi-event tickets: one upcoming event on the ticket.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpcomingPassInformationEntry {
    #[serde(rename = "type")]
    pub entry_type: Option<String>,
    pub identifier: Option<String>,
    pub name: Option<String>,
    pub date_information: Option<Value>,
    pub semantics: Option<SemanticTags>,
    #[serde(flatten)]
    pub extra: Extra,
}
