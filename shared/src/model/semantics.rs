//! Semantic tags: machine-readable facts Wallet uses for suggestions (event times, venue,
//! seats, flights). The keys whose shape Tessera checks are typed; every other tag is kept
//! in `extra` and written back unchanged.

use serde::{Deserialize, Serialize};

use super::pass::Extra;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SemanticTags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue_location: Option<SemanticLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer_names: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<Vec<Seat>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_price: Option<CurrencyAmount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance: Option<CurrencyAmount>,

    #[serde(skip_serializing_if = "Option::is_none")]
    pub airline_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flight_number: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_airport_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_airport_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_gate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boarding_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_location: Option<SemanticLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_location: Option<SemanticLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_departure_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_departure_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_arrival_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_arrival_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_boarding_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_boarding_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_name: Option<PersonNameComponents>,

    #[serde(flatten)]
    pub extra: Extra,
}

type Value = serde_json::Value;

impl SemanticTags {
    /// The typed date-time tags, by their JSON key, for validation.
    pub fn dates(&self) -> [(&'static str, Option<&String>); 8] {
        [
            ("eventStartDate", self.event_start_date.as_ref()),
            ("eventEndDate", self.event_end_date.as_ref()),
            ("originalDepartureDate", self.original_departure_date.as_ref()),
            ("currentDepartureDate", self.current_departure_date.as_ref()),
            ("originalArrivalDate", self.original_arrival_date.as_ref()),
            ("currentArrivalDate", self.current_arrival_date.as_ref()),
            ("originalBoardingDate", self.original_boarding_date.as_ref()),
            ("currentBoardingDate", self.current_boarding_date.as_ref()),
        ]
    }

    pub fn locations(&self) -> [(&'static str, Option<&SemanticLocation>); 3] {
        [
            ("venueLocation", self.venue_location.as_ref()),
            ("departureLocation", self.departure_location.as_ref()),
            ("destinationLocation", self.destination_location.as_ref()),
        ]
    }

    pub fn amounts(&self) -> [(&'static str, Option<&CurrencyAmount>); 2] {
        [("totalPrice", self.total_price.as_ref()), ("balance", self.balance.as_ref())]
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SemanticLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seat {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_section: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_row: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_description: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyAmount {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonNameComponents {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}
