//! Every validation rule, each with an input that breaks it: the issue must name the path
//! and the reason. Valid fixtures must produce no issue at all.

use serde_json::{Value, json};
use tessera::model::PassJson;
use tessera::pkpass::{Issue, validate_pass};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/passes");

fn fixture(name: &str) -> Value {
    let bytes = std::fs::read(format!("{FIXTURES}/{name}/pass.json")).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn issues(pass: &Value) -> Vec<Issue> {
    validate_pass(&serde_json::from_value::<PassJson>(pass.clone()).unwrap())
}

/// Breaks a copy of fixture `base` with `change` and expects an issue at `path` whose reason
/// contains `reason`.
fn case(base: &str, change: impl FnOnce(&mut Value), path: &str, reason: &str) {
    let mut pass = fixture(base);
    change(&mut pass);
    let found = issues(&pass);
    assert!(
        found.iter().any(|i| i.path == path && i.reason.contains(reason)),
        "expected `{path}: …{reason}…` for {base}, got {found:#?}"
    );
}

fn remove(pass: &mut Value, key: &str) {
    pass.as_object_mut().unwrap().remove(key);
}

#[test]
fn valid_fixtures_have_no_issues() {
    for name in ["boarding-pass", "coupon", "event-ticket", "generic", "store-card", "store-card-personalizable"] {
        assert_eq!(issues(&fixture(name)), vec![], "{name}");
    }
}

#[test]
fn required_top_level_keys() {
    case("coupon", |p| remove(p, "formatVersion"), "formatVersion", "is required");
    case("coupon", |p| p["formatVersion"] = json!(2), "formatVersion", "must be 1");
    for key in ["passTypeIdentifier", "serialNumber", "teamIdentifier", "organizationName", "description"] {
        case("coupon", |p| remove(p, key), key, "is required");
        case("coupon", |p| p[key] = json!("  "), key, "must not be empty");
    }
    case(
        "coupon",
        |p| p["passTypeIdentifier"] = json!("com.example.x"),
        "passTypeIdentifier",
        "must start with `pass.`",
    );
    case("coupon", |p| p["teamIdentifier"] = json!("team1"), "teamIdentifier", "10-character Apple team ID");
}

#[test]
fn exactly_one_style_and_transit_type() {
    case("coupon", |p| remove(p, "coupon"), "", "exactly one style key is required");
    case("coupon", |p| p["generic"] = json!({}), "generic", "exactly one style, found coupon, generic");
    case("boarding-pass", |p| remove(&mut p["boardingPass"], "transitType"), "boardingPass.transitType", "is required");
    case(
        "boarding-pass",
        |p| p["boardingPass"]["transitType"] = json!("PKTransitTypeRocket"),
        "boardingPass.transitType",
        "must be one of PKTransitTypeAir",
    );
    case(
        "coupon",
        |p| p["coupon"]["transitType"] = json!("PKTransitTypeAir"),
        "coupon.transitType",
        "only allowed on boardingPass",
    );
}

#[test]
fn field_groups_and_keys() {
    let four = json!([{"key":"a","value":"1"},{"key":"b","value":"2"},{"key":"c","value":"3"},{"key":"d","value":"4"}]);
    case("coupon", |p| p["coupon"]["headerFields"] = four.clone(), "coupon.headerFields", "at most 3 fields");
    case(
        "coupon",
        |p| p["coupon"]["primaryFields"] = json!([{"key":"a","value":"1"},{"key":"b","value":"2"}]),
        "coupon.primaryFields",
        "at most 1 fields",
    );
    let five = json!([{"key":"a","value":1},{"key":"b","value":2},{"key":"c","value":3},{"key":"d","value":4},{"key":"e","value":5}]);
    case("generic", |p| p["generic"]["secondaryFields"] = five.clone(), "generic.secondaryFields", "at most 4 fields");
    case("generic", |p| p["generic"]["auxiliaryFields"] = five.clone(), "generic.auxiliaryFields", "at most 4 fields");
    case(
        "coupon",
        |p| p["coupon"]["additionalInfoFields"] = json!([{"key":"x","value":"y"}]),
        "coupon.additionalInfoFields",
        "only allowed on eventTicket",
    );
    case(
        "coupon",
        |p| remove(&mut p["coupon"]["primaryFields"][0], "key"),
        "coupon.primaryFields[0].key",
        "is required",
    );
    case(
        "coupon",
        |p| p["coupon"]["primaryFields"][0]["key"] = json!(""),
        "coupon.primaryFields[0].key",
        "must not be empty",
    );
    case(
        "coupon",
        |p| remove(&mut p["coupon"]["primaryFields"][0], "value"),
        "coupon.primaryFields[0].value",
        "is required",
    );
    case(
        "coupon",
        |p| p["coupon"]["primaryFields"][0]["value"] = json!(true),
        "coupon.primaryFields[0].value",
        "must be a string, a number",
    );
    case(
        "coupon",
        |p| p["coupon"]["backFields"][0]["key"] = json!("offer"),
        "coupon.backFields[0].key",
        "duplicate field key `offer` (first used at coupon.primaryFields[0])",
    );
    case(
        "coupon",
        |p| p["coupon"]["primaryFields"][0]["changeMessage"] = json!("Changed"),
        "coupon.primaryFields[0].changeMessage",
        "must contain %@",
    );
}

#[test]
fn field_formatting_keys() {
    case(
        "event-ticket",
        |p| p["eventTicket"]["headerFields"][0]["dateStyle"] = json!("PKDateStyleHuge"),
        "eventTicket.headerFields[0].dateStyle",
        "must be one of PKDateStyleNone",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["headerFields"][0]["timeStyle"] = json!("short"),
        "eventTicket.headerFields[0].timeStyle",
        "must be one of",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["headerFields"][0]["value"] = json!("next Friday"),
        "eventTicket.headerFields[0].value",
        "must be an ISO 8601 date-time because dateStyle/timeStyle is set",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["headerFields"][0]["value"] = json!("2026-12-12T20:00"),
        "eventTicket.headerFields[0].value",
        "time zone",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["headerFields"][0]["value"] = json!(20261212),
        "eventTicket.headerFields[0].value",
        "must be an ISO 8601 date-time string",
    );
    case(
        "store-card",
        |p| p["storeCard"]["secondaryFields"][0]["numberStyle"] = json!("PKNumberStyleRoman"),
        "storeCard.secondaryFields[0].numberStyle",
        "must be one of PKNumberStyleDecimal",
    );
    case(
        "store-card",
        |p| p["storeCard"]["secondaryFields"][0]["value"] = json!("1250"),
        "storeCard.secondaryFields[0].value",
        "must be a number because numberStyle is set",
    );
    case(
        "store-card",
        |p| p["storeCard"]["primaryFields"][0]["currencyCode"] = json!("euro"),
        "storeCard.primaryFields[0].currencyCode",
        "ISO 4217",
    );
    case(
        "store-card",
        |p| p["storeCard"]["primaryFields"][0]["value"] = json!("21.75"),
        "storeCard.primaryFields[0].value",
        "must be a number because currencyCode is set",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["primaryFields"][0]["textAlignment"] = json!("PKTextAlignmentLeft"),
        "eventTicket.primaryFields[0].textAlignment",
        "not allowed on primary and back fields",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["backFields"][0]["textAlignment"] = json!("PKTextAlignmentLeft"),
        "eventTicket.backFields[0].textAlignment",
        "not allowed on primary and back fields",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["auxiliaryFields"][2]["textAlignment"] = json!("right"),
        "eventTicket.auxiliaryFields[2].textAlignment",
        "must be one of PKTextAlignmentLeft",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["secondaryFields"][0]["dataDetectorTypes"] = json!(["PKDataDetectorTypeLink"]),
        "eventTicket.secondaryFields[0].dataDetectorTypes",
        "only allowed on back fields",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["backFields"][0]["dataDetectorTypes"] = json!(["PKDataDetectorTypeEmail"]),
        "eventTicket.backFields[0].dataDetectorTypes[0]",
        "must be one of PKDataDetectorTypePhoneNumber",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["secondaryFields"][0]["row"] = json!(0),
        "eventTicket.secondaryFields[0].row",
        "only allowed on the auxiliary fields of event tickets",
    );
    case(
        "boarding-pass",
        |p| p["boardingPass"]["auxiliaryFields"][0]["row"] = json!(0),
        "boardingPass.auxiliaryFields[0].row",
        "only allowed on the auxiliary fields of event tickets",
    );
    case(
        "event-ticket",
        |p| p["eventTicket"]["auxiliaryFields"][0]["row"] = json!(2),
        "eventTicket.auxiliaryFields[0].row",
        "must be 0 or 1",
    );
}

#[test]
fn barcodes() {
    case("coupon", |p| remove(&mut p["barcodes"][0], "format"), "barcodes[0].format", "is required");
    case(
        "coupon",
        |p| p["barcodes"][0]["format"] = json!("PKBarcodeFormatDataMatrix"),
        "barcodes[0].format",
        "must be one of PKBarcodeFormatQR",
    );
    case("coupon", |p| remove(&mut p["barcodes"][0], "message"), "barcodes[0].message", "is required");
    case("coupon", |p| p["barcodes"][0]["message"] = json!(""), "barcodes[0].message", "must not be empty");
    case("coupon", |p| remove(&mut p["barcodes"][0], "messageEncoding"), "barcodes[0].messageEncoding", "is required");
    case("coupon", |p| p["barcodes"][0]["message"] = json!("Price 5 €"), "barcodes[0].message", "outside ISO-8859-1");
    case(
        "coupon",
        |p| p["barcodes"][0]["format"] = json!("PKBarcodeFormatEAN13"),
        "barcodes[0].format",
        "add a QR, PDF417, Aztec or Code128 barcode after it",
    );
    case(
        "coupon",
        |p| p["barcode"] = json!({"format":"PKBarcodeFormatCodabar","message":"A1B","messageEncoding":"iso-8859-1"}),
        "barcode.format",
        "the legacy barcode key takes only",
    );
    // A new format followed by a classic fallback is fine.
    let mut pass = fixture("coupon");
    pass["barcodes"] = json!([
        {"format":"PKBarcodeFormatEAN13","message":"4006381333931","messageEncoding":"iso-8859-1"},
        {"format":"PKBarcodeFormatQR","message":"4006381333931","messageEncoding":"iso-8859-1"}
    ]);
    assert_eq!(issues(&pass), vec![]);
}

#[test]
fn colors() {
    for key in ["backgroundColor", "foregroundColor", "labelColor", "footerBackgroundColor"] {
        case("event-ticket", |p| p[key] = json!("navy"), key, "must be a color as #rrggbb or rgb(r, g, b)");
        case("event-ticket", |p| p[key] = json!("rgb(300, 0, 0)"), key, "must be a color");
    }
}

#[test]
fn dates_and_relevance() {
    case(
        "event-ticket",
        |p| p["relevantDate"] = json!("2026-12-12 18:00"),
        "relevantDate",
        "must be an ISO 8601 date-time",
    );
    case("coupon", |p| p["expirationDate"] = json!("2026-02-30T10:00Z"), "expirationDate", "no such calendar date");
    case(
        "boarding-pass",
        |p| p["relevantDates"] = json!([{}]),
        "relevantDates[0]",
        "needs either date, or startDate and endDate",
    );
    case(
        "boarding-pass",
        |p| p["relevantDates"][0]["endDate"] = json!("2026-12-01T06:00:00+01:00"),
        "relevantDates[0].endDate",
        "must be after startDate",
    );
    case("boarding-pass", |p| p["relevantDates"] = json!([{"date":"soon"}]), "relevantDates[0].date", "ISO 8601");
}

#[test]
fn locations_beacons_and_distance() {
    let eleven: Vec<Value> =
        (0..11).map(|i| json!({"latitude": 50.0 + f64::from(i) / 100.0, "longitude": 4.0})).collect();
    case("coupon", |p| p["locations"] = json!(eleven), "locations", "at most 10 locations, found 11");
    case("coupon", |p| p["locations"][0]["latitude"] = json!(91.0), "locations[0].latitude", "between -90 and 90");
    case(
        "coupon",
        |p| p["locations"][0]["longitude"] = json!(-180.5),
        "locations[0].longitude",
        "between -180 and 180",
    );
    case("coupon", |p| remove(&mut p["locations"][0], "longitude"), "locations[0].longitude", "is required");
    let uuid = "E2C56DB5-DFFB-48D2-B060-D0F5A71096E0";
    let eleven: Vec<Value> = (0..11).map(|i| json!({"proximityUUID": uuid, "major": i})).collect();
    case("event-ticket", |p| p["beacons"] = json!(eleven), "beacons", "at most 10 beacons, found 11");
    case(
        "event-ticket",
        |p| p["beacons"][0]["proximityUUID"] = json!("not-a-uuid"),
        "beacons[0].proximityUUID",
        "must be a UUID",
    );
    case("event-ticket", |p| remove(&mut p["beacons"][0], "proximityUUID"), "beacons[0].proximityUUID", "is required");
    case("event-ticket", |p| p["beacons"][0]["major"] = json!(70000), "beacons[0].major", "between 0 and 65535");
    case("event-ticket", |p| remove(&mut p["beacons"][0], "major"), "beacons[0].minor", "needs major");
    case("coupon", |p| p["maxDistance"] = json!(0), "maxDistance", "positive number of meters");
}

#[test]
fn web_service_and_app_links() {
    case(
        "store-card",
        |p| remove(p, "authenticationToken"),
        "authenticationToken",
        "required when webServiceURL is set",
    );
    case("store-card", |p| remove(p, "webServiceURL"), "webServiceURL", "required when authenticationToken is set");
    case(
        "store-card",
        |p| p["authenticationToken"] = json!("short-token-15c"),
        "authenticationToken",
        "at least 16 characters",
    );
    case(
        "store-card",
        |p| p["webServiceURL"] = json!("https://wallet.example.com/passes/"),
        "webServiceURL",
        "must not end with /",
    );
    case(
        "store-card",
        |p| p["webServiceURL"] = json!("ftp://wallet.example.com"),
        "webServiceURL",
        "absolute https://",
    );
    case(
        "store-card",
        |p| remove(p, "associatedStoreIdentifiers"),
        "associatedStoreIdentifiers",
        "required when appLaunchURL is set",
    );
    case(
        "coupon",
        |p| p["groupingIdentifier"] = json!("g1"),
        "groupingIdentifier",
        "only used by boardingPass and eventTicket",
    );
    // Exactly 16 characters is enough.
    let mut pass = fixture("store-card");
    pass["authenticationToken"] = json!("0123456789abcdef");
    assert_eq!(issues(&pass), vec![]);
}

#[test]
fn nfc() {
    case("store-card", |p| p["nfc"]["message"] = json!("x".repeat(65)), "nfc.message", "at most 64 bytes, found 65");
    case("store-card", |p| p["nfc"]["message"] = json!("é".repeat(33)), "nfc.message", "at most 64 bytes, found 66");
    case("store-card", |p| remove(&mut p["nfc"], "message"), "nfc.message", "is required");
    case("store-card", |p| remove(&mut p["nfc"], "encryptionPublicKey"), "nfc.encryptionPublicKey", "is required");
    case("store-card", |p| p["nfc"]["encryptionPublicKey"] = json!("bm90IGEga2V5"), "nfc.encryptionPublicKey", "P-256");
    // An RSA key is not a P-256 key; a real P-256 key passes.
    use base64::Engine;
    let b64 = |der: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(der);
    let rsa = openssl::pkey::PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    case(
        "store-card",
        |p| p["nfc"]["encryptionPublicKey"] = json!(b64(rsa.public_key_to_der().unwrap())),
        "nfc.encryptionPublicKey",
        "P-256",
    );
    let group = openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
    let ec = openssl::pkey::PKey::from_ec_key(openssl::ec::EcKey::generate(&group).unwrap()).unwrap();
    let mut pass = fixture("store-card");
    pass["nfc"]["encryptionPublicKey"] = json!(b64(ec.public_key_to_der().unwrap()));
    pass["nfc"]["message"] = json!("x".repeat(64));
    assert_eq!(issues(&pass), vec![]);
}

#[test]
fn event_ticket_extensions() {
    case(
        "event-ticket",
        |p| p["preferredStyleSchemes"] = json!(["posterEventTicket", "fancy"]),
        "preferredStyleSchemes[1]",
        "must be one of posterEventTicket",
    );
    case(
        "coupon",
        |p| p["preferredStyleSchemes"] = json!(["posterEventTicket"]),
        "preferredStyleSchemes[0]",
        "does not match the pass style",
    );
    case("event-ticket", |p| p["bagPolicyURL"] = json!("/bags"), "bagPolicyURL", "absolute http(s) URL");
    let entry = json!({"type":"event","identifier":"night-2","name":"Night 2","semantics":{"eventStartDate":"2026-12-13T20:00:00+01:00"}});
    case(
        "coupon",
        |p| p["upcomingPassInformation"] = json!([entry.clone()]),
        "upcomingPassInformation",
        "only allowed on eventTicket",
    );
    case(
        "event-ticket",
        |p| p["upcomingPassInformation"] = json!([entry.clone(), entry.clone()]),
        "upcomingPassInformation[1].identifier",
        "duplicate identifier `night-2`",
    );
    case(
        "event-ticket",
        |p| p["upcomingPassInformation"] = json!([{"type":"party","name":"x","identifier":"a"}]),
        "upcomingPassInformation[0].type",
        "must be \"event\"",
    );
    case(
        "event-ticket",
        |p| p["upcomingPassInformation"] = json!([{"type":"event","name":"x"}]),
        "upcomingPassInformation[0].identifier",
        "is required",
    );
    case(
        "event-ticket",
        |p| p["upcomingPassInformation"] = json!([{"type":"event","identifier":"a"}]),
        "upcomingPassInformation[0].name",
        "is required",
    );
    case(
        "event-ticket",
        |p| {
            p["upcomingPassInformation"] =
                json!([{"type":"event","identifier":"a","name":"A","semantics":{"eventStartDate":"tomorrow"}}])
        },
        "upcomingPassInformation[0].semantics.eventStartDate",
        "ISO 8601",
    );
    let mut pass = fixture("event-ticket");
    pass["preferredStyleSchemes"] = json!(["posterEventTicket", "eventTicket"]);
    pass["upcomingPassInformation"] = json!([entry]);
    // What a poster ticket for a live performance needs besides (see pass_builder.rs).
    pass["nfc"] = fixture("store-card")["nfc"].clone();
    pass["semantics"]["performerNames"] = json!(["The Example Band"]);
    pass["semantics"]["artistIDs"] = json!(["1234567"]);
    assert_eq!(issues(&pass), vec![]);
}

#[test]
fn semantics() {
    case(
        "event-ticket",
        |p| p["semantics"]["eventStartDate"] = json!("2026-12-12"),
        "semantics.eventStartDate",
        "ISO 8601",
    );
    case(
        "event-ticket",
        |p| p["semantics"]["venueLocation"]["latitude"] = json!(123.0),
        "semantics.venueLocation.latitude",
        "between -90 and 90",
    );
    case(
        "event-ticket",
        |p| p["semantics"]["totalPrice"]["amount"] = json!("fifty"),
        "semantics.totalPrice.amount",
        "decimal number",
    );
    case(
        "event-ticket",
        |p| p["semantics"]["totalPrice"]["currencyCode"] = json!("eur"),
        "semantics.totalPrice.currencyCode",
        "ISO 4217",
    );
    case(
        "boarding-pass",
        |p| p["semantics"]["currentDepartureDate"] = json!("10:10"),
        "semantics.currentDepartureDate",
        "ISO 8601",
    );
    case(
        "coupon",
        |p| p["coupon"]["primaryFields"][0]["semantics"] = json!({"eventEndDate": "later"}),
        "coupon.primaryFields[0].semantics.eventEndDate",
        "ISO 8601",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut pass = fixture("coupon");
    pass["formatVersion"] = json!(3);
    pass["backgroundColor"] = json!("teal");
    pass["barcodes"][0]["format"] = json!("QR");
    let found = issues(&pass);
    let paths: Vec<&str> = found.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["formatVersion", "barcodes[0].format", "backgroundColor"]);
}

#[test]
fn wrong_json_types_name_their_path() {
    let err = PassJson::from_slice(br#"{"formatVersion":"1"}"#).unwrap_err();
    assert_eq!(err.path, "formatVersion");
    let err = PassJson::from_slice(br#"{"locations":[{"latitude":"north"}]}"#).unwrap_err();
    assert_eq!(err.path, "locations[0].latitude");
    let err = PassJson::from_slice(br#"{"eventTicket":{"primaryFields":{"key":"a"}}}"#).unwrap_err();
    assert_eq!(err.path, "eventTicket.primaryFields");
    assert!(PassJson::from_slice(b"{not json").is_err());
}

#[test]
fn featured_actions_are_at_most_two_objects() {
    let two = json!([{"title": "Directions"}, {"title": "Menu"}]);
    let mut pass = fixture("generic");
    pass["featuredActions"] = two;
    assert_eq!(issues(&pass), vec![], "two are fine");
    let three = json!([{}, {}, {}]);
    case("generic", |p| p["featuredActions"] = three, "featuredActions", "at most 2 actions, found 3");
    case("generic", |p| p["featuredActions"] = json!({}), "featuredActions", "must be an array");
    case("generic", |p| p["featuredActions"] = json!([{}, "x"]), "featuredActions[1]", "must be an object");
}
