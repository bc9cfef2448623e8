//! Apple's Pass Builder rules (Sources/PassBuilder/Validation/Validators and its decoder), one
//! test per rule named after Pass Builder's message, each with an input that trips it and
//! Pass Builder's severity; then Tessera's own bounds on text and image sizes.

use serde_json::{Value, json};
use tessera::model::PassJson;
use tessera::pkpass::png::solid_png;
use tessera::pkpass::{Issue, PassAssets, Severity, validate_pass};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/passes");

fn fixture(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(format!("{FIXTURES}/{name}/pass.json")).unwrap()).unwrap()
}

fn pass_json(pass: &Value) -> PassJson {
    serde_json::from_value(pass.clone()).unwrap()
}

/// A poster event ticket for a live performance with everything Pass Builder asks for.
fn poster_ticket() -> Value {
    let mut pass = fixture("event-ticket");
    pass["preferredStyleSchemes"] = json!(["posterEventTicket", "eventTicket"]);
    pass["nfc"] = fixture("store-card")["nfc"].clone();
    pass["semantics"]["performerNames"] = json!(["The Example Band"]);
    pass["semantics"]["artistIDs"] = json!(["1234567"]);
    pass["semantics"]["eventEndDate"] = json!("2026-12-12T23:00:00+01:00");
    pass
}

/// A semantic boarding pass with every tag Pass Builder asks for.
fn semantic_boarding_pass() -> Value {
    let mut pass = fixture("boarding-pass");
    pass["preferredStyleSchemes"] = json!(["semanticBoardingPass", "boardingPass"]);
    let tags = &mut pass["semantics"];
    tags["originalBoardingDate"] = json!("2026-12-01T09:40:00+01:00");
    tags["originalArrivalDate"] = json!("2026-12-01T12:05:00+00:00");
    tags["departureAirportTimeZone"] = json!("Europe/Amsterdam");
    tags["destinationAirportTimeZone"] = json!("Europe/Lisbon");
    tags["departureCityName"] = json!("Amsterdam");
    tags["destinationCityName"] = json!("Lisbon");
    tags["seats"] = json!([{"seatRow": "14", "seatNumber": "C"}]);
    pass
}

/// Expects exactly one issue at `path`, of `severity`.
fn expect(pass: &Value, path: &str, severity: Severity) {
    let found = validate_pass(&pass_json(pass));
    let at: Vec<&Issue> = found.iter().filter(|i| i.path == path).collect();
    assert!(at.len() == 1 && at[0].severity == severity, "expected one {severity:?} at `{path}`, got {found:#?}");
}

fn without(mut pass: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    pass.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(key);
    pass
}

#[test]
fn the_complete_semantic_passes_have_no_issues() {
    assert_eq!(validate_pass(&pass_json(&poster_ticket())), vec![]);
    assert_eq!(validate_pass(&pass_json(&semantic_boarding_pass())), vec![]);
}

#[test]
fn the_rules_apply_only_to_semantic_driven_styles() {
    // A classic event ticket (no posterEventTicket) needs no NFC, performers or artwork.
    let classic = without(without(poster_ticket(), "/nfc"), "/preferredStyleSchemes");
    assert_eq!(validate_pass(&pass_json(&classic)), vec![]);
    let classic = without(semantic_boarding_pass(), "/preferredStyleSchemes");
    assert_eq!(validate_pass(&pass_json(&without(classic, "/semantics/originalArrivalDate"))), vec![]);
}

#[test]
fn event_missing_nfc() {
    expect(&without(poster_ticket(), "/nfc"), "nfc", Severity::Error);
}

#[test]
fn event_missing_nfc_auth() {
    expect(&without(poster_ticket(), "/nfc/requiresAuthentication"), "nfc.requiresAuthentication", Severity::Error);
}

#[test]
fn event_missing_event_name() {
    expect(&without(poster_ticket(), "/semantics/eventName"), "semantics.eventName", Severity::Error);
    let mut empty = poster_ticket();
    empty["semantics"]["eventName"] = json!("");
    expect(&empty, "semantics.eventName", Severity::Error);
}

#[test]
fn event_missing_venue_name() {
    expect(&without(poster_ticket(), "/semantics/venueName"), "semantics.venueName", Severity::Error);
}

#[test]
fn event_missing_start_date() {
    expect(&without(poster_ticket(), "/semantics/eventStartDate"), "semantics.eventStartDate", Severity::Warning);
}

#[test]
fn event_start_after_end() {
    let mut pass = poster_ticket();
    pass["semantics"]["eventEndDate"] = json!("2026-12-12T19:00:00+01:00");
    expect(&pass, "semantics.eventEndDate", Severity::Warning);
}

#[test]
fn event_missing_away_and_home_team_abbreviations() {
    let mut sports = without(poster_ticket(), "/semantics/performerNames");
    sports["semantics"]["eventType"] = json!("PKEventTypeSports");
    expect(&sports, "semantics.awayTeamAbbreviation", Severity::Error);
    expect(&sports, "semantics.homeTeamAbbreviation", Severity::Error);
    sports["semantics"]["awayTeamAbbreviation"] = json!("AWY");
    sports["semantics"]["homeTeamAbbreviation"] = json!("HOM");
    assert_eq!(validate_pass(&pass_json(&sports)), vec![]);
}

#[test]
fn event_missing_live_performers() {
    let mut pass = poster_ticket();
    pass["semantics"]["performerNames"] = json!([]);
    expect(&pass, "semantics.performerNames", Severity::Error);
}

#[test]
fn event_missing_artist_ids() {
    expect(&without(poster_ticket(), "/semantics/artistIDs"), "semantics.artistIDs", Severity::Warning);
}

#[test]
fn event_missing_seat() {
    expect(&without(poster_ticket(), "/semantics/seats"), "semantics.seats", Severity::Warning);
    expect(&without(semantic_boarding_pass(), "/semantics/seats"), "semantics.seats", Severity::Warning);
}

#[test]
fn boarding_pass_missing_flight_plan() {
    for key in ["airlineCode", "flightNumber", "originalDepartureDate", "originalBoardingDate", "originalArrivalDate"] {
        expect(
            &without(semantic_boarding_pass(), &format!("/semantics/{key}")),
            &format!("semantics.{key}"),
            Severity::Error,
        );
    }
}

#[test]
fn boarding_pass_missing_departure_airport() {
    let pass = semantic_boarding_pass();
    expect(
        &without(pass.clone(), "/semantics/departureAirportTimeZone"),
        "semantics.departureAirportTimeZone",
        Severity::Error,
    );
    expect(
        &without(pass.clone(), "/semantics/departureAirportCode"),
        "semantics.departureAirportCode",
        Severity::Error,
    );
    expect(&without(pass, "/semantics/departureCityName"), "semantics.departureCityName", Severity::Warning);
}

#[test]
fn boarding_pass_missing_destination_airport() {
    let pass = semantic_boarding_pass();
    expect(
        &without(pass.clone(), "/semantics/destinationAirportTimeZone"),
        "semantics.destinationAirportTimeZone",
        Severity::Warning,
    );
    expect(
        &without(pass.clone(), "/semantics/destinationAirportCode"),
        "semantics.destinationAirportCode",
        Severity::Error,
    );
    expect(&without(pass, "/semantics/destinationCityName"), "semantics.destinationCityName", Severity::Warning);
}

#[test]
fn boarding_pass_missing_passenger_name() {
    expect(&without(semantic_boarding_pass(), "/semantics/passengerName"), "semantics.passengerName", Severity::Error);
    let mut empty = semantic_boarding_pass();
    empty["semantics"]["passengerName"] = json!({});
    expect(&empty, "semantics.passengerName", Severity::Error);
}

#[test]
fn currency_code_and_number_formatter() {
    let mut pass = fixture("store-card");
    let field = &mut pass["storeCard"]["primaryFields"][0];
    field["value"] = json!(12.5);
    field["currencyCode"] = json!("EUR");
    field["numberStyle"] = json!("PKNumberStyleDecimal");
    expect(&pass, "storeCard.primaryFields[0].numberStyle", Severity::Warning);
}

// The decoder's refusals (Pass Builder cannot even open these passes).

#[test]
fn decoder_nfc_needs_an_encryption_public_key() {
    expect(&without(fixture("store-card"), "/nfc/encryptionPublicKey"), "nfc.encryptionPublicKey", Severity::Error);
}

#[test]
fn decoder_flight_number_is_an_integer() {
    let mut pass = fixture("boarding-pass");
    pass["semantics"]["flightNumber"] = json!("TS101");
    expect(&pass, "semantics.flightNumber", Severity::Error);
}

#[test]
fn decoder_event_type_is_a_known_value() {
    let mut pass = fixture("event-ticket");
    pass["semantics"]["eventType"] = json!("PKEventTypeParty");
    expect(&pass, "semantics.eventType", Severity::Error);
}

#[test]
fn arrival_airport_code_is_not_a_semantic_tag() {
    let mut pass = fixture("boarding-pass");
    pass["semantics"]["arrivalAirportCode"] = json!("LIS");
    expect(&pass, "semantics.arrivalAirportCode", Severity::Warning);
}

// Tessera's own bounds.

#[test]
fn text_is_bounded() {
    let mut pass = fixture("coupon");
    pass["description"] = json!("x".repeat(1025));
    expect(&pass, "description", Severity::Error);
    let mut pass = fixture("coupon");
    pass["coupon"]["backFields"] = json!([{"key": "terms", "label": "Terms", "value": "t".repeat(65_537)}]);
    expect(&pass, "coupon.backFields[0].value", Severity::Error);
    let mut pass = fixture("coupon");
    pass["coupon"]["backFields"] = json!([{"key": "terms", "label": "Terms", "value": "t".repeat(65_536)}]);
    assert_eq!(validate_pass(&pass_json(&pass)), vec![]);
}

#[test]
fn barcode_messages_fit_their_format() {
    let mut pass = fixture("coupon");
    pass["barcodes"] =
        json!([{"format": "PKBarcodeFormatPDF417", "message": "9".repeat(1109), "messageEncoding": "iso-8859-1"}]);
    expect(&pass, "barcodes[0].message", Severity::Error);
    pass["barcodes"][0]["format"] = json!("PKBarcodeFormatQR");
    assert_eq!(validate_pass(&pass_json(&pass)), vec![]);
}

// Rules on the bundle's images (RequiredImagesValidator, the poster's artwork, sizes).

fn bundle(name: &str) -> (PassJson, Vec<(String, Vec<u8>)>) {
    let folder = tessera::embedded::read_pass_folder(std::path::Path::new(&format!("{FIXTURES}/{name}"))).unwrap();
    (folder.pass, folder.files)
}

fn issues_of(pass: &PassJson, files: Vec<(String, Vec<u8>)>) -> Vec<Issue> {
    PassAssets::new(files).unwrap().check_for(pass)
}

fn one(issues: &[Issue], path: &str, severity: Severity) {
    let at: Vec<&Issue> = issues.iter().filter(|i| i.path == path).collect();
    assert!(at.len() == 1 && at[0].severity == severity, "expected one {severity:?} at `{path}`, got {issues:#?}");
}

#[test]
fn recommended_image_not_provided() {
    let (pass, files) = bundle("coupon");
    assert_eq!(issues_of(&pass, files.clone()), vec![]);
    let only_1x: Vec<_> = files.into_iter().filter(|(p, _)| !p.starts_with("icon@")).collect();
    let found = issues_of(&pass, only_1x);
    one(&found, "icon@2x.png", Severity::Warning);
    one(&found, "icon@3x.png", Severity::Warning);
}

#[test]
fn required_image_not_provided() {
    let (pass, files) = bundle("coupon");
    let no_icon: Vec<_> = files.into_iter().filter(|(p, _)| !p.starts_with("icon")).collect();
    one(&issues_of(&pass, no_icon), "icon.png", Severity::Error);
}

#[test]
fn event_missing_artwork_image() {
    let poster = pass_json(&poster_ticket());
    let (_, files) = bundle("event-ticket");
    // The fixture's background counts; without it (and without artwork) the poster is refused.
    assert_eq!(issues_of(&poster, files.clone()), vec![]);
    let bare: Vec<_> = files.into_iter().filter(|(p, _)| !p.starts_with("background")).collect();
    one(&issues_of(&poster, bare.clone()), "artwork.png", Severity::Error);
    let mut with_artwork = bare;
    with_artwork.push(("artwork@2x.png".into(), solid_png(716, 896, [40, 90, 160])));
    assert_eq!(issues_of(&poster, with_artwork), vec![]);
}

#[test]
fn image_sizes_match_what_wallet_shows() {
    let (pass, mut files) = bundle("coupon");
    files.retain(|(p, _)| p != "logo@2x.png" && p != "icon@3x.png");
    files.push(("logo@2x.png".into(), solid_png(640, 100, [0, 0, 0])));
    files.push(("icon@3x.png".into(), solid_png(87, 60, [0, 0, 0])));
    let found = issues_of(&pass, files);
    one(&found, "logo@2x.png", Severity::Warning);
    one(&found, "icon@3x.png", Severity::Warning);
    assert!(found.iter().any(|i| i.reason.contains("at most 320×100 px at @2x")), "{found:#?}");
}
