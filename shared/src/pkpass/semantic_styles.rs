//! The rules Apple's Pass Builder applies to its semantic-driven styles, with its severities:
//! a poster event ticket (an eventTicket whose preferredStyleSchemes names
//! `posterEventTicket`) and a semantic boarding pass (a boardingPass naming
//! `semanticBoardingPass`) draw their layout from semantics, so the tags they draw from are
//! required. Their image rule (artwork or background) is in `PassAssets::check_for`.

use super::issue::{Issues, join};
use crate::model::semantics::SemanticTags;
use crate::model::{PassJson, PassStyle, parse_wallet_date};

pub const POSTER_EVENT_TICKET: &str = "posterEventTicket";
pub const SEMANTIC_BOARDING_PASS: &str = "semanticBoardingPass";

/// Whether Wallet lays this pass out from its semantics (Pass Builder's
/// `supportSemanticDrivenPassStyle`).
pub fn is_semantic_driven(pass: &PassJson) -> bool {
    let prefers = |scheme: &str| pass.preferred_style_schemes.iter().flatten().any(|s| s == scheme);
    match pass.style() {
        Some(PassStyle::EventTicket) => prefers(POSTER_EVENT_TICKET),
        Some(PassStyle::BoardingPass) => prefers(SEMANTIC_BOARDING_PASS),
        _ => false,
    }
}

pub(crate) fn check_semantic_styles(pass: &PassJson, v: &mut Issues) {
    if !is_semantic_driven(pass) {
        return;
    }
    let empty = SemanticTags::default();
    let tags = pass.semantics.as_ref().unwrap_or(&empty);
    v.check_warn(
        tags.seats.as_ref().is_some_and(|s| !s.is_empty()),
        || "semantics.seats".into(),
        "is recommended: Wallet shows the seat from it",
    );
    match pass.style() {
        Some(PassStyle::EventTicket) => check_poster_event_ticket(pass, tags, v),
        Some(PassStyle::BoardingPass) => check_semantic_boarding_pass(tags, v),
        _ => {}
    }
}

fn check_poster_event_ticket(pass: &PassJson, tags: &SemanticTags, v: &mut Issues) {
    let why = "is required on a poster event ticket (preferredStyleSchemes names posterEventTicket)";
    match &pass.nfc {
        None => v.fail("nfc", why),
        Some(nfc) => v.check(nfc.requires_authentication.is_some(), || "nfc.requiresAuthentication".into(), why),
    }
    v.check(filled(&tags.event_name), || "semantics.eventName".into(), why);
    v.check(filled(&tags.venue_name), || "semantics.venueName".into(), why);
    v.check_warn(
        filled(&tags.event_start_date),
        || "semantics.eventStartDate".into(),
        "is recommended on a poster event ticket: Wallet shows the date from it",
    );
    let instant = |date: &Option<String>| date.as_deref().and_then(|d| parse_wallet_date(d).ok());
    if let (Some(start), Some(end)) = (instant(&tags.event_start_date), instant(&tags.event_end_date)) {
        v.check_warn(start <= end, || "semantics.eventEndDate".into(), "is before eventStartDate");
    }
    match tags.event_type.as_deref() {
        Some("PKEventTypeSports") => {
            let why = "is required on a poster ticket for a sports event";
            v.check(filled(&tags.away_team_abbreviation), || "semantics.awayTeamAbbreviation".into(), why);
            v.check(filled(&tags.home_team_abbreviation), || "semantics.homeTeamAbbreviation".into(), why);
        }
        Some("PKEventTypeLivePerformance") => {
            v.check(
                tags.performer_names.as_ref().is_some_and(|n| !n.is_empty()),
                || "semantics.performerNames".into(),
                "is required on a poster ticket for a live performance",
            );
            v.check_warn(
                tags.artist_ids.as_ref().is_some_and(|n| !n.is_empty()),
                || "semantics.artistIDs".into(),
                "is recommended on a poster ticket for a live performance (Apple Music artist ids)",
            );
        }
        _ => {}
    }
}

fn check_semantic_boarding_pass(tags: &SemanticTags, v: &mut Issues) {
    let required = [
        ("airlineCode", filled(&tags.airline_code)),
        ("flightNumber", tags.flight_number.is_some()),
        ("originalDepartureDate", filled(&tags.original_departure_date)),
        ("originalBoardingDate", filled(&tags.original_boarding_date)),
        ("originalArrivalDate", filled(&tags.original_arrival_date)),
        ("departureAirportTimeZone", filled(&tags.departure_airport_time_zone)),
        ("departureAirportCode", filled(&tags.departure_airport_code)),
        ("destinationAirportCode", filled(&tags.destination_airport_code)),
        ("passengerName", tags.passenger_name.as_ref().is_some_and(|n| n != &Default::default())),
    ];
    for (key, present) in required {
        v.check(
            present,
            || join("semantics", key),
            "is required on a semantic boarding pass (preferredStyleSchemes names semanticBoardingPass)",
        );
    }
    let recommended = [
        ("departureCityName", &tags.departure_city_name),
        ("destinationAirportTimeZone", &tags.destination_airport_time_zone),
        ("destinationCityName", &tags.destination_city_name),
    ];
    for (key, value) in recommended {
        v.check_warn(filled(value), || join("semantics", key), "is recommended on a semantic boarding pass");
    }
}

fn filled(text: &Option<String>) -> bool {
    text.as_deref().is_some_and(|t| !t.is_empty())
}
