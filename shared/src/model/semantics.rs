//! Semantic tags: machine-readable facts Wallet uses for suggestions (event times, venue,
//! seats, flights). The keys whose shape Tessera checks are typed; every other tag is kept
//! in `extra` and written back unchanged.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::pass::Extra;

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SemanticTags {
    pub event_name: Option<String>,
    pub event_type: Option<String>,
    pub event_start_date: Option<String>,
    pub event_end_date: Option<String>,
    pub venue_name: Option<String>,
    pub venue_location: Option<SemanticLocation>,
    pub performer_names: Option<Vec<String>>,
    #[serde(rename = "artistIDs")]
    pub artist_ids: Option<Vec<String>>,
    pub home_team_abbreviation: Option<String>,
    pub away_team_abbreviation: Option<String>,
    pub seats: Option<Vec<Seat>>,
    pub total_price: Option<CurrencyAmount>,
    pub balance: Option<CurrencyAmount>,

    pub airline_code: Option<String>,
    pub flight_number: Option<Value>,
    pub departure_airport_code: Option<String>,
    pub departure_airport_time_zone: Option<String>,
    pub departure_city_name: Option<String>,
    pub destination_airport_code: Option<String>,
    pub destination_airport_time_zone: Option<String>,
    pub destination_city_name: Option<String>,
    pub departure_gate: Option<String>,
    pub boarding_group: Option<String>,
    pub departure_location: Option<SemanticLocation>,
    pub destination_location: Option<SemanticLocation>,
    pub original_departure_date: Option<String>,
    pub current_departure_date: Option<String>,
    pub original_arrival_date: Option<String>,
    pub current_arrival_date: Option<String>,
    pub original_boarding_date: Option<String>,
    pub current_boarding_date: Option<String>,
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

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SemanticLocation {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seat {
    pub seat_section: Option<String>,
    pub seat_row: Option<String>,
    pub seat_number: Option<String>,
    pub seat_identifier: Option<String>,
    pub seat_type: Option<String>,
    pub seat_description: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyAmount {
    pub amount: Option<String>,
    pub currency_code: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonNameComponents {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}
