//! The rules a pass.json must satisfy before Tessera signs it. `validate_pass` reports every
//! problem at once, each with its pass.json path, so a caller can fix them in one round.

use std::collections::HashMap;

use serde_json::Value;

use super::issue::{Issue, Issues, join};
use crate::model::semantics::SemanticTags;
use crate::model::{Barcode, Field, FieldGroup, PassFields, PassJson, PassStyle, Rgb, parse_wallet_date};

pub const MAX_LOCATIONS: usize = 10;
pub const MAX_BEACONS: usize = 10;
pub const MAX_NFC_MESSAGE_BYTES: usize = 64;
pub const MIN_AUTHENTICATION_TOKEN_CHARS: usize = 16;

pub const TRANSIT_TYPES: [&str; 5] =
    ["PKTransitTypeAir", "PKTransitTypeBoat", "PKTransitTypeBus", "PKTransitTypeGeneric", "PKTransitTypeTrain"];
/// Formats every Wallet version reads.
pub const CLASSIC_BARCODE_FORMATS: [&str; 4] =
    ["PKBarcodeFormatQR", "PKBarcodeFormatPDF417", "PKBarcodeFormatAztec", "PKBarcodeFormatCode128"];
/// Formats only iOS 27 reads; older devices need a classic format listed after them.
pub const NEW_BARCODE_FORMATS: [&str; 4] =
    ["PKBarcodeFormatCode39", "PKBarcodeFormatCodabar", "PKBarcodeFormatEAN13", "PKBarcodeFormatI2of5"];
pub const DATE_STYLES: [&str; 5] =
    ["PKDateStyleNone", "PKDateStyleShort", "PKDateStyleMedium", "PKDateStyleLong", "PKDateStyleFull"];
pub const NUMBER_STYLES: [&str; 4] =
    ["PKNumberStyleDecimal", "PKNumberStylePercent", "PKNumberStyleScientific", "PKNumberStyleSpellOut"];
pub const TEXT_ALIGNMENTS: [&str; 4] =
    ["PKTextAlignmentLeft", "PKTextAlignmentCenter", "PKTextAlignmentRight", "PKTextAlignmentNatural"];
pub const DATA_DETECTOR_TYPES: [&str; 4] = [
    "PKDataDetectorTypePhoneNumber",
    "PKDataDetectorTypeLink",
    "PKDataDetectorTypeAddress",
    "PKDataDetectorTypeCalendarEvent",
];
pub const STYLE_SCHEMES: [&str; 5] =
    ["posterEventTicket", "eventTicket", "boardingPass", "semanticBoardingPass", "posterGeneric"];

/// Checks every rule of pass.json; an empty list means the pass may be signed.
pub fn validate_pass(pass: &PassJson) -> Vec<Issue> {
    let mut v = Issues::default();
    check_identity_keys(pass, &mut v);
    let style = check_style(pass, &mut v);
    if let Some((style, fields)) = style {
        check_fields(style, fields, &mut v);
    }
    check_barcodes(pass, &mut v);
    check_featured_actions(pass, &mut v);
    check_colors(pass, &mut v);
    check_relevance(pass, &mut v);
    check_web_service(pass, &mut v);
    check_app_and_nfc(pass, &mut v);
    check_event_ticket_keys(pass, style.map(|(s, _)| s), &mut v);
    if let Some(semantics) = &pass.semantics {
        check_semantics(semantics, "semantics", &mut v);
    }
    super::semantic_styles::check_semantic_styles(pass, &mut v);
    super::text_limits::check_text_limits(pass, &mut v);
    v.0
}

fn check_identity_keys(pass: &PassJson, v: &mut Issues) {
    match pass.format_version {
        Some(1) => {}
        Some(_) => v.fail("formatVersion", "must be 1"),
        None => v.fail("formatVersion", "is required (use 1)"),
    }
    let required = [
        ("passTypeIdentifier", &pass.pass_type_identifier),
        ("serialNumber", &pass.serial_number),
        ("teamIdentifier", &pass.team_identifier),
        ("organizationName", &pass.organization_name),
        ("description", &pass.description),
    ];
    for (key, value) in required {
        match value.as_deref().map(str::trim) {
            None => v.fail(key, "is required"),
            Some("") => v.fail(key, "must not be empty"),
            Some(_) => {}
        }
    }
    if let Some(id) = pass.pass_type_identifier.as_deref().filter(|s| !s.trim().is_empty()) {
        v.check(
            id.starts_with("pass.") && id.len() > 5,
            || "passTypeIdentifier".into(),
            "must start with `pass.` (e.g. pass.com.example.tickets)",
        );
    }
    if let Some(team) = pass.team_identifier.as_deref().filter(|s| !s.trim().is_empty()) {
        let ok = team.len() == 10 && team.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        v.check(ok, || "teamIdentifier".into(), "must be a 10-character Apple team ID (A-Z, 0-9)");
    }
}

fn check_style<'p>(pass: &'p PassJson, v: &mut Issues) -> Option<(PassStyle, &'p PassFields)> {
    let styles = pass.styles();
    match styles.as_slice() {
        [] => {
            v.fail("", "exactly one style key is required: boardingPass, coupon, eventTicket, generic or storeCard");
            None
        }
        [one] => Some(*one),
        many => {
            let names: Vec<&str> = many.iter().map(|(s, _)| s.key()).collect();
            v.fail(names[1], format!("a pass has exactly one style, found {}", names.join(", ")));
            Some(many[0])
        }
    }
}

fn check_fields(style: PassStyle, fields: &PassFields, v: &mut Issues) {
    let base = style.key();
    match (style, fields.transit_type.as_deref()) {
        (PassStyle::BoardingPass, None) => v.fail(join(base, "transitType"), "is required for boarding passes"),
        (PassStyle::BoardingPass, Some(t)) => {
            v.check(TRANSIT_TYPES.contains(&t), || join(base, "transitType"), one_of(&TRANSIT_TYPES))
        }
        (_, Some(_)) => v.fail(join(base, "transitType"), "is only allowed on boardingPass"),
        (_, None) => {}
    }
    let mut seen_keys: HashMap<&str, String> = HashMap::new();
    for group in FieldGroup::ALL {
        let Some(list) = fields.group(group) else { continue };
        let group_path = join(base, group.key());
        let limit = match group {
            FieldGroup::Header => Some(3),
            FieldGroup::Primary if style == PassStyle::BoardingPass => Some(2),
            FieldGroup::Primary => Some(1),
            FieldGroup::Secondary | FieldGroup::Auxiliary => Some(4),
            FieldGroup::Back | FieldGroup::AdditionalInfo => None,
        };
        if let Some(limit) = limit {
            v.check(
                list.len() <= limit,
                || group_path.clone(),
                format!("at most {limit} fields are shown on a {base}, found {}", list.len()),
            );
        }
        if group == FieldGroup::AdditionalInfo && style != PassStyle::EventTicket {
            v.fail(group_path.clone(), "is only allowed on eventTicket");
        }
        for (i, field) in list.iter().enumerate() {
            let path = format!("{group_path}[{i}]");
            check_field(field, style, group, &path, v);
            if let Some(key) = field.key.as_deref().filter(|k| !k.is_empty()) {
                match seen_keys.get(key) {
                    Some(first) => {
                        v.fail(join(&path, "key"), format!("duplicate field key `{key}` (first used at {first})"))
                    }
                    None => {
                        seen_keys.insert(key, path);
                    }
                }
            }
        }
    }
}

fn check_field(field: &Field, style: PassStyle, group: FieldGroup, path: &str, v: &mut Issues) {
    match field.key.as_deref() {
        None => v.fail(join(path, "key"), "is required"),
        Some("") => v.fail(join(path, "key"), "must not be empty"),
        Some(_) => {}
    }
    let numeric = match &field.value {
        None => {
            v.fail(join(path, "value"), "is required");
            false
        }
        Some(Value::Number(_)) => true,
        Some(Value::String(_)) => false,
        Some(_) => {
            v.fail(join(path, "value"), "must be a string, a number or an ISO 8601 date-time");
            false
        }
    };
    if let Some(message) = &field.change_message {
        v.check(message.contains("%@"), || join(path, "changeMessage"), "must contain %@ where the new value goes");
    }
    let is_date = field.date_style.is_some() || field.time_style.is_some();
    for (key, style) in [("dateStyle", &field.date_style), ("timeStyle", &field.time_style)] {
        if let Some(style) = style {
            v.check(DATE_STYLES.contains(&style.as_str()), || join(path, key), one_of(&DATE_STYLES));
        }
    }
    if is_date && let Some(Value::String(text)) = &field.value {
        if let Err(e) = parse_wallet_date(text) {
            v.fail(
                join(path, "value"),
                format!("must be an ISO 8601 date-time because dateStyle/timeStyle is set: {e}"),
            );
        }
    } else if is_date {
        v.fail(join(path, "value"), "must be an ISO 8601 date-time string because dateStyle/timeStyle is set");
    }
    if let Some(style) = &field.number_style {
        v.check(NUMBER_STYLES.contains(&style.as_str()), || join(path, "numberStyle"), one_of(&NUMBER_STYLES));
        v.check(numeric, || join(path, "value"), "must be a number because numberStyle is set");
    }
    if let Some(code) = &field.currency_code {
        v.check(is_currency_code(code), || join(path, "currencyCode"), "must be an ISO 4217 code such as EUR");
        v.check(numeric, || join(path, "value"), "must be a number because currencyCode is set");
    }
    v.check_warn(
        field.currency_code.is_none() || field.number_style.is_none(),
        || join(path, "numberStyle"),
        "is ignored when currencyCode is set: Wallet formats the value as currency",
    );
    if let Some(alignment) = &field.text_alignment {
        v.check(
            TEXT_ALIGNMENTS.contains(&alignment.as_str()),
            || join(path, "textAlignment"),
            one_of(&TEXT_ALIGNMENTS),
        );
        v.check(
            !matches!(group, FieldGroup::Primary | FieldGroup::Back),
            || join(path, "textAlignment"),
            "is not allowed on primary and back fields",
        );
    }
    if let Some(types) = &field.data_detector_types {
        v.check(group == FieldGroup::Back, || join(path, "dataDetectorTypes"), "is only allowed on back fields");
        for (i, t) in types.iter().enumerate() {
            v.check(
                DATA_DETECTOR_TYPES.contains(&t.as_str()),
                || format!("{path}.dataDetectorTypes[{i}]"),
                one_of(&DATA_DETECTOR_TYPES),
            );
        }
    }
    if let Some(row) = field.row {
        v.check(
            style == PassStyle::EventTicket && group == FieldGroup::Auxiliary,
            || join(path, "row"),
            "is only allowed on the auxiliary fields of event tickets",
        );
        v.check(row == 0 || row == 1, || join(path, "row"), "must be 0 or 1");
    }
    if let Some(semantics) = &field.semantics {
        check_semantics(semantics, &join(path, "semantics"), v);
    }
    super::text_limits::check_field_text(field, group, path, v);
}

fn check_barcodes(pass: &PassJson, v: &mut Issues) {
    if let Some(barcode) = &pass.barcode {
        check_barcode(barcode, "barcode", v);
        if let Some(format) = &barcode.format {
            v.check(
                !NEW_BARCODE_FORMATS.contains(&format.as_str()),
                || "barcode.format".into(),
                "the legacy barcode key takes only QR, PDF417, Aztec or Code128; put newer formats in barcodes",
            );
        }
    }
    let Some(barcodes) = &pass.barcodes else { return };
    for (i, barcode) in barcodes.iter().enumerate() {
        check_barcode(barcode, &format!("barcodes[{i}]"), v);
    }
    let is_classic = |b: &Barcode| b.format.as_deref().is_some_and(|f| CLASSIC_BARCODE_FORMATS.contains(&f));
    let is_new = |b: &Barcode| b.format.as_deref().is_some_and(|f| NEW_BARCODE_FORMATS.contains(&f));
    if let Some(first_new) = barcodes.iter().position(is_new) {
        v.check(
            barcodes[first_new..].iter().any(is_classic),
            || format!("barcodes[{first_new}].format"),
            "older devices cannot read this format: add a QR, PDF417, Aztec or Code128 barcode after it as a fallback",
        );
    }
}

/// iOS 27's `featuredActions` (previewed: only its bound is published): at most two entries,
/// each an object, and the pass as it is for every earlier Wallet.
fn check_featured_actions(pass: &PassJson, v: &mut Issues) {
    let Some(actions) = pass.extra.get("featuredActions") else { return };
    match actions.as_array() {
        None => v.fail("featuredActions", "must be an array"),
        Some(list) if list.len() > 2 => v.fail("featuredActions", format!("at most 2 actions, found {}", list.len())),
        Some(list) => {
            if let Some(i) = list.iter().position(|a| !a.is_object()) {
                v.fail(format!("featuredActions[{i}]"), "must be an object");
            }
        }
    }
}

fn check_barcode(barcode: &Barcode, path: &str, v: &mut Issues) {
    let latin1 = barcode.message_encoding.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("iso-8859-1"));
    match barcode.format.as_deref() {
        None => v.fail(join(path, "format"), "is required"),
        Some(f) if CLASSIC_BARCODE_FORMATS.contains(&f) || NEW_BARCODE_FORMATS.contains(&f) => {}
        Some(_) => v.fail(
            join(path, "format"),
            format!("{}, {}", one_of(&CLASSIC_BARCODE_FORMATS), NEW_BARCODE_FORMATS.join(", ")),
        ),
    }
    match barcode.message.as_deref() {
        None => v.fail(join(path, "message"), "is required"),
        Some("") => v.fail(join(path, "message"), "must not be empty"),
        Some(message) => v.check(
            !latin1 || message.chars().all(|c| (c as u32) < 256),
            || join(path, "message"),
            "has characters outside ISO-8859-1: set messageEncoding to utf-8",
        ),
    }
    match barcode.message_encoding.as_deref() {
        None => v.fail(join(path, "messageEncoding"), "is required (usually iso-8859-1)"),
        Some(e) => v.check(
            !e.trim().is_empty(),
            || join(path, "messageEncoding"),
            "must name a character set such as iso-8859-1",
        ),
    }
    super::text_limits::check_barcode_size(barcode, latin1, path, v);
}

fn check_colors(pass: &PassJson, v: &mut Issues) {
    let colors = [
        ("backgroundColor", &pass.background_color),
        ("foregroundColor", &pass.foreground_color),
        ("labelColor", &pass.label_color),
        ("footerBackgroundColor", &pass.footer_background_color),
    ];
    for (key, color) in colors {
        if let Some(color) = color {
            v.check(Rgb::parse(color).is_some(), || key.into(), "must be a color as #rrggbb or rgb(r, g, b)");
        }
    }
}

fn check_relevance(pass: &PassJson, v: &mut Issues) {
    check_date(pass.relevant_date.as_deref(), || "relevantDate".into(), v);
    check_date(pass.expiration_date.as_deref(), || "expirationDate".into(), v);
    if let Some(dates) = &pass.relevant_dates {
        for (i, entry) in dates.iter().enumerate() {
            let path = format!("relevantDates[{i}]");
            let single = entry.date.as_deref().or(entry.relevant_date.as_deref());
            match (single, entry.start_date.as_deref(), entry.end_date.as_deref()) {
                (Some(date), None, None) => check_date(Some(date), || join(&path, "date"), v),
                (None, Some(start), Some(end)) => {
                    let (s, e) = (parse_wallet_date(start), parse_wallet_date(end));
                    check_date(Some(start), || join(&path, "startDate"), v);
                    check_date(Some(end), || join(&path, "endDate"), v);
                    if let (Ok(s), Ok(e)) = (s, e) {
                        v.check(s < e, || join(&path, "endDate"), "must be after startDate");
                    }
                }
                _ => v.fail(path, "needs either date, or startDate and endDate"),
            }
        }
    }
    if let Some(locations) = &pass.locations {
        v.check(
            locations.len() <= MAX_LOCATIONS,
            || "locations".into(),
            format!("at most {MAX_LOCATIONS} locations, found {}", locations.len()),
        );
        for (i, location) in locations.iter().enumerate() {
            let path = format!("locations[{i}]");
            check_coordinates(location.latitude, location.longitude, &path, v);
        }
    }
    if let Some(beacons) = &pass.beacons {
        v.check(
            beacons.len() <= MAX_BEACONS,
            || "beacons".into(),
            format!("at most {MAX_BEACONS} beacons, found {}", beacons.len()),
        );
        for (i, beacon) in beacons.iter().enumerate() {
            let path = format!("beacons[{i}]");
            match &beacon.proximity_uuid {
                None => v.fail(join(&path, "proximityUUID"), "is required"),
                Some(uuid) => v.check(
                    is_uuid(uuid),
                    || join(&path, "proximityUUID"),
                    "must be a UUID like E2C56DB5-DFFB-48D2-B060-D0F5A71096E0",
                ),
            }
            for (key, n) in [("major", beacon.major), ("minor", beacon.minor)] {
                if let Some(n) = n {
                    v.check((0..=65535).contains(&n), || join(&path, key), "must be between 0 and 65535");
                }
            }
            v.check(
                beacon.minor.is_none() || beacon.major.is_some(),
                || join(&path, "minor"),
                "needs major to be set too",
            );
        }
    }
    if let Some(distance) = pass.max_distance {
        v.check(distance > 0.0, || "maxDistance".into(), "must be a positive number of meters");
    }
}

fn check_web_service(pass: &PassJson, v: &mut Issues) {
    match (&pass.web_service_url, &pass.authentication_token) {
        (Some(url), Some(token)) => {
            v.check(
                is_http_url(url),
                || "webServiceURL".into(),
                "must be an absolute https:// (or http:// for development) URL",
            );
            v.check(!url.ends_with('/'), || "webServiceURL".into(), "must not end with / (Wallet appends /v1/...)");
            v.check(
                token.chars().count() >= MIN_AUTHENTICATION_TOKEN_CHARS,
                || "authenticationToken".into(),
                format!("must be at least {MIN_AUTHENTICATION_TOKEN_CHARS} characters"),
            );
        }
        (Some(_), None) => v.fail("authenticationToken", "is required when webServiceURL is set"),
        (None, Some(_)) => v.fail("webServiceURL", "is required when authenticationToken is set"),
        (None, None) => {}
    }
}

fn check_app_and_nfc(pass: &PassJson, v: &mut Issues) {
    if let Some(url) = &pass.app_launch_url {
        v.check(!url.trim().is_empty(), || "appLaunchURL".into(), "must not be empty");
        v.check(
            pass.associated_store_identifiers.is_some(),
            || "associatedStoreIdentifiers".into(),
            "is required when appLaunchURL is set",
        );
    }
    if let Some(group) = &pass.grouping_identifier {
        let groupable = matches!(pass.style(), Some(PassStyle::BoardingPass | PassStyle::EventTicket));
        v.check(groupable, || "groupingIdentifier".into(), "is only used by boardingPass and eventTicket passes");
        v.check(!group.is_empty(), || "groupingIdentifier".into(), "must not be empty");
    }
    let Some(nfc) = &pass.nfc else { return };
    match nfc.message.as_deref() {
        None => v.fail("nfc.message", "is required"),
        Some(message) => v.check(
            message.len() <= MAX_NFC_MESSAGE_BYTES,
            || "nfc.message".into(),
            format!("must be at most {MAX_NFC_MESSAGE_BYTES} bytes, found {}", message.len()),
        ),
    }
    match &nfc.encryption_public_key {
        None => v.fail(
            "nfc.encryptionPublicKey",
            "is required: Wallet refuses an nfc dictionary without the terminal's P-256 public key",
        ),
        Some(key) => v.check(
            is_p256_public_key(key),
            || "nfc.encryptionPublicKey".into(),
            "must be a base64 X.509 SubjectPublicKeyInfo of a P-256 key",
        ),
    }
}

fn check_event_ticket_keys(pass: &PassJson, style: Option<PassStyle>, v: &mut Issues) {
    if let Some(schemes) = &pass.preferred_style_schemes {
        for (i, scheme) in schemes.iter().enumerate() {
            let path = || format!("preferredStyleSchemes[{i}]");
            v.check(STYLE_SCHEMES.contains(&scheme.as_str()), path, one_of(&STYLE_SCHEMES));
            let fits = match scheme.as_str() {
                "posterEventTicket" | "eventTicket" => style == Some(PassStyle::EventTicket),
                "boardingPass" | "semanticBoardingPass" => style == Some(PassStyle::BoardingPass),
                "posterGeneric" => style == Some(PassStyle::Generic),
                _ => true,
            };
            v.check(fits, path, "does not match the pass style");
        }
    }
    let urls = [
        ("bagPolicyURL", &pass.bag_policy_url),
        ("orderFoodURL", &pass.order_food_url),
        ("parkingInformationURL", &pass.parking_information_url),
        ("purchaseParkingURL", &pass.purchase_parking_url),
        ("merchandiseURL", &pass.merchandise_url),
        ("directionsInformationURL", &pass.directions_information_url),
        ("transitInformationURL", &pass.transit_information_url),
        ("accessibilityURL", &pass.accessibility_url),
        ("addOnURL", &pass.add_on_url),
        ("sellURL", &pass.sell_url),
        ("transferURL", &pass.transfer_url),
    ];
    for (key, url) in urls {
        if let Some(url) = url {
            v.check(is_http_url(url), || key.into(), "must be an absolute http(s) URL");
        }
    }
    if let Some(entries) = &pass.upcoming_pass_information {
        v.check(
            style == Some(PassStyle::EventTicket),
            || "upcomingPassInformation".into(),
            "is only allowed on eventTicket",
        );
        let mut identifiers = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            let path = format!("upcomingPassInformation[{i}]");
            v.check(entry.entry_type.as_deref() == Some("event"), || join(&path, "type"), "must be \"event\"");
            match entry.identifier.as_deref() {
                None | Some("") => v.fail(join(&path, "identifier"), "is required"),
                Some(id) => {
                    if identifiers.insert(id, i).is_some() {
                        v.fail(join(&path, "identifier"), format!("duplicate identifier `{id}`"));
                    }
                }
            }
            v.check(entry.name.as_deref().is_some_and(|n| !n.is_empty()), || join(&path, "name"), "is required");
            if let Some(semantics) = &entry.semantics {
                check_semantics(semantics, &join(&path, "semantics"), v);
            }
        }
    }
}

pub const EVENT_TYPES: [&str; 8] = [
    "PKEventTypeGeneric",
    "PKEventTypeLivePerformance",
    "PKEventTypeMovie",
    "PKEventTypeSports",
    "PKEventTypeConference",
    "PKEventTypeConvention",
    "PKEventTypeWorkshop",
    "PKEventTypeSocialGathering",
];

fn check_semantics(tags: &SemanticTags, path: &str, v: &mut Issues) {
    if let Some(event_type) = &tags.event_type {
        v.check(EVENT_TYPES.contains(&event_type.as_str()), || join(path, "eventType"), one_of(&EVENT_TYPES));
    }
    if let Some(number) = &tags.flight_number {
        v.check(
            number.as_u64().is_some(),
            || join(path, "flightNumber"),
            "must be a whole number: the numeric part of the flight code, e.g. 123 for EX123",
        );
    }
    v.check_warn(
        !tags.extra.contains_key("arrivalAirportCode"),
        || join(path, "arrivalAirportCode"),
        "is not a Wallet semantic tag: the arrival airport is destinationAirportCode",
    );
    for (key, date) in tags.dates() {
        check_date(date.map(String::as_str), || join(path, key), v);
    }
    for (key, location) in tags.locations() {
        if let Some(location) = location {
            check_coordinates(location.latitude, location.longitude, &join(path, key), v);
        }
    }
    for (key, amount) in tags.amounts() {
        let Some(amount) = amount else { continue };
        let at = join(path, key);
        if let Some(value) = &amount.amount {
            v.check(
                value.trim().parse::<f64>().is_ok(),
                || join(&at, "amount"),
                "must be a decimal number as a string, e.g. \"42.50\"",
            );
        }
        if let Some(code) = &amount.currency_code {
            v.check(is_currency_code(code), || join(&at, "currencyCode"), "must be an ISO 4217 code such as EUR");
        }
    }
}

fn check_date(date: Option<&str>, path: impl FnOnce() -> String, v: &mut Issues) {
    if let Some(text) = date
        && let Err(e) = parse_wallet_date(text)
    {
        v.fail(path(), format!("must be an ISO 8601 date-time: {e}"));
    }
}

fn check_coordinates(latitude: Option<f64>, longitude: Option<f64>, path: &str, v: &mut Issues) {
    match latitude {
        None => v.fail(join(path, "latitude"), "is required"),
        Some(lat) => v.check((-90.0..=90.0).contains(&lat), || join(path, "latitude"), "must be between -90 and 90"),
    }
    match longitude {
        None => v.fail(join(path, "longitude"), "is required"),
        Some(lon) => {
            v.check((-180.0..=180.0).contains(&lon), || join(path, "longitude"), "must be between -180 and 180")
        }
    }
}

fn one_of(allowed: &[&str]) -> String {
    format!("must be one of {}", allowed.join(", "))
}

fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_http_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

fn is_p256_public_key(base64_der: &str) -> bool {
    use base64::Engine;
    let Ok(der) = base64::engine::general_purpose::STANDARD.decode(base64_der.trim()) else { return false };
    super::x509::p256_point(&der).is_some()
}
