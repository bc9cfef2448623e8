//! A rendered pass (the pass.json Tessera would sign for Apple) as a Google Wallet class and
//! object. Rendering first means both wallets read the same merged template + pass fields,
//! colors, barcode, dates and semantics.
//!
//! Class (shared by all passes of a template): names, issuer, logo, and for flights the
//! flight itself. Object (one holder): state, barcode, colors, validity, the type's holder
//! slots, and every field that has no slot as a `textModulesData` row.

use serde_json::{Map, Value, json};

use super::modules::{ModuleData, localized, module_id, text_of};
use crate::model::FieldProblem;
use crate::model::date::parse_wallet_date;
use crate::model::{Field, PassJson, PassStyle, Rgb};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoogleKind {
    Generic,
    EventTicket,
    Loyalty,
    Offer,
    Flight,
}

impl GoogleKind {
    pub fn for_style(style: PassStyle) -> GoogleKind {
        match style {
            PassStyle::Generic => GoogleKind::Generic,
            PassStyle::EventTicket => GoogleKind::EventTicket,
            PassStyle::StoreCard => GoogleKind::Loyalty,
            PassStyle::Coupon => GoogleKind::Offer,
            PassStyle::BoardingPass => GoogleKind::Flight,
        }
    }

    fn name(self) -> &'static str {
        match self {
            GoogleKind::Generic => "generic",
            GoogleKind::EventTicket => "eventTicket",
            GoogleKind::Loyalty => "loyalty",
            GoogleKind::Offer => "offer",
            GoogleKind::Flight => "flight",
        }
    }

    /// REST resource of classes, e.g. `eventTicketClass`.
    pub fn class_resource(self) -> String {
        format!("{}Class", self.name())
    }

    /// REST resource of objects, e.g. `eventTicketObject`.
    pub fn object_resource(self) -> String {
        format!("{}Object", self.name())
    }

    /// Save-JWT payload keys: (`eventTicketClasses`, `eventTicketObjects`).
    pub fn payload_keys(self) -> (String, String) {
        (format!("{}Classes", self.name()), format!("{}Objects", self.name()))
    }
}

/// Images Google can show: public https URLs (Google fetches them itself).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoogleImages {
    pub logo: Option<String>,
    pub hero: Option<String>,
}

/// What a class or object is made from: the pass rendered as Apple would see it, the module
/// fields of its template and pass, and the images Google can fetch.
#[derive(Debug, Clone, Default)]
pub struct GoogleInput {
    pub pass: PassJson,
    pub modules: ModuleData,
    pub images: GoogleImages,
    /// The template's localizations, given to Google as translated values.
    pub localizations: super::translations::Localizations,
}

impl GoogleInput {
    /// The title module's image, else the logo.
    fn logo(&self) -> Option<&String> {
        self.modules.title_image.as_ref().or(self.images.logo.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GooglePass {
    pub kind: GoogleKind,
    pub class: Value,
    pub object: Value,
}

pub(super) const LANGUAGE: &str = "en-US";

fn image(uri: &str) -> Value {
    json!({"sourceUri": {"uri": uri}})
}

/// `rgb(r, g, b)` (as rendered) → `#rrggbb`.
fn hex_color(css: Option<&String>) -> Option<String> {
    Rgb::parse(css?).map(Rgb::to_hex)
}

fn barcode(pass: &PassJson) -> Option<Value> {
    let barcode = pass.barcodes.as_ref().and_then(|b| b.first()).or(pass.barcode.as_ref())?;
    let kind = match barcode.format.as_deref()? {
        "PKBarcodeFormatQR" => "QR_CODE",
        "PKBarcodeFormatPDF417" => "PDF_417",
        "PKBarcodeFormatAztec" => "AZTEC",
        "PKBarcodeFormatCode128" => "CODE_128",
        _ => return None,
    };
    let mut out = json!({"type": kind, "value": barcode.message.clone()?});
    if let Some(alt) = &barcode.alt_text {
        out["alternateText"] = json!(alt);
    }
    Some(out)
}

/// Every field of the pass in reading order: header, primary, secondary, auxiliary, back.
fn all_fields(pass: &PassJson) -> Vec<&Field> {
    let Some(fields) = pass.style().and_then(|s| pass.style_fields(s)) else { return Vec::new() };
    [
        &fields.header_fields,
        &fields.primary_fields,
        &fields.secondary_fields,
        &fields.auxiliary_fields,
        &fields.back_fields,
    ]
    .into_iter()
    .flat_map(|group| group.iter().flatten())
    .collect()
}

fn first_primary(pass: &PassJson) -> Option<&Field> {
    pass.style().and_then(|s| pass.style_fields(s)).and_then(|f| f.primary_fields.as_ref()).and_then(|p| p.first())
}

fn organization(pass: &PassJson) -> String {
    pass.organization_name.clone().unwrap_or_default()
}

fn title(pass: &PassJson) -> String {
    pass.logo_text.clone().or_else(|| pass.description.clone()).unwrap_or_else(|| organization(pass))
}

/// Apple's W3C date (with offset) as Google's local date-time (without one).
fn local_date_time(date: &str) -> Option<String> {
    parse_wallet_date(date).ok()?;
    let (day, time) = date.split_once('T')?;
    let end = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let time = &time[..end];
    let time = if time.len() == 5 { format!("{time}:00") } else { time.to_string() };
    Some(format!("{day}T{time}"))
}

/// Checks what Google needs of a template's class; problems name the template input.
pub fn class_problems(kind: GoogleKind, input: &GoogleInput) -> Vec<FieldProblem> {
    let pass = &input.pass;
    let mut problems = Vec::new();
    match kind {
        GoogleKind::Loyalty if input.logo().is_none() => problems.push(FieldProblem::new(
            "headers.logo_image",
            "Google loyalty cards need a logo given as a public https URL (or a titleModule image)",
        )),
        GoogleKind::Flight => {
            let s = pass.semantics.clone().unwrap_or_default();
            let transit = pass.boarding_pass.as_ref().and_then(|b| b.transit_type.as_deref());
            if transit.is_some_and(|t| t != "PKTransitTypeAir") {
                problems
                    .push(FieldProblem::new("headers.transitType", "only air boarding passes map to Google Wallet"));
            }
            let required = [
                ("airlineCode", s.airline_code.is_some()),
                ("flightNumber", s.flight_number.is_some()),
                ("departureAirportCode", s.departure_airport_code.is_some()),
                ("destinationAirportCode", s.destination_airport_code.is_some()),
                (
                    "originalDepartureDate",
                    s.original_departure_date
                        .as_deref()
                        .or(s.current_departure_date.as_deref())
                        .and_then(local_date_time)
                        .is_some(),
                ),
            ];
            for (key, present) in required {
                if !present {
                    problems
                        .push(FieldProblem::new(format!("semantics.{key}"), "is required for Google Wallet flights"));
                }
            }
        }
        _ => {}
    }
    if pass.organization_name.as_deref().is_none_or(str::is_empty) {
        problems.push(FieldProblem::new("organizationName", "is required for Google Wallet passes"));
    }
    problems
}

/// The class of a template, from the template rendered without any pass.
pub fn class_for(kind: GoogleKind, input: &GoogleInput, class_id: &str) -> Value {
    let (pass, modules) = (&input.pass, &input.modules);
    let logo = input.logo();
    let mut class = Map::new();
    class.insert("id".into(), json!(class_id));
    if kind != GoogleKind::Generic {
        // Every write of a non-generic class must say it is ready for Google's review.
        class.insert("reviewStatus".into(), json!("UNDER_REVIEW"));
        class.insert("issuerName".into(), json!(organization(pass)));
        if let Some(color) = hex_color(pass.background_color.as_ref()) {
            class.insert("hexBackgroundColor".into(), json!(color));
        }
    }
    let semantics = pass.semantics.clone().unwrap_or_default();
    match kind {
        GoogleKind::Generic => {}
        GoogleKind::EventTicket => {
            let name = semantics.event_name.clone().or(modules.title.clone()).unwrap_or_else(|| title(pass));
            class.insert("eventName".into(), localized(&name));
            if let Some(venue) = &semantics.venue_name {
                class.insert("venue".into(), json!({"name": localized(venue), "address": localized(venue)}));
            }
            if let Some(start) = &semantics.event_start_date {
                let mut date_time = json!({"start": start});
                if let Some(end) = &semantics.event_end_date {
                    date_time["end"] = json!(end);
                }
                class.insert("dateTime".into(), date_time);
            }
            if let Some(logo) = logo {
                class.insert("logo".into(), image(logo));
            }
        }
        GoogleKind::Loyalty => {
            class.insert("programName".into(), json!(modules.title.clone().unwrap_or_else(|| title(pass))));
            if let Some(logo) = logo {
                class.insert("programLogo".into(), image(logo));
            }
            let labels = modules.account.iter().map(|(label, _)| label).filter(|l| !l.is_empty());
            for (key, label) in ["accountNameLabel", "accountIdLabel"].into_iter().zip(labels) {
                class.insert(key.into(), json!(label));
            }
        }
        GoogleKind::Offer => {
            let offer_title = modules
                .title
                .clone()
                .or_else(|| first_primary(pass).map(|f| text_of(f.value.as_ref())))
                .unwrap_or_else(|| title(pass));
            class.insert("title".into(), json!(offer_title));
            let provider = modules.offer_text("provider").map_or_else(|| organization(pass), str::to_string);
            class.insert("provider".into(), json!(provider));
            let channel = modules.redemption_channel().unwrap_or_else(|| "BOTH".into());
            class.insert("redemptionChannel".into(), json!(channel));
            if let Some(multi) = modules.offer.get("multiUseOffer").and_then(Value::as_bool) {
                let status = if multi { "MULTIPLE_HOLDERS" } else { "ONE_USER_ALL_DEVICES" };
                class.insert("multipleDevicesAndHoldersAllowedStatus".into(), json!(status));
            }
            if let Some(logo) = logo {
                class.insert("titleImage".into(), image(logo));
            }
        }
        GoogleKind::Flight => {
            let departure =
                semantics.original_departure_date.as_deref().or(semantics.current_departure_date.as_deref());
            class.insert(
                "flightHeader".into(),
                json!({
                    "carrier": {"carrierIataCode": semantics.airline_code},
                    "flightNumber": text_of(semantics.flight_number.as_ref()),
                }),
            );
            class.insert("origin".into(), json!({"airportIataCode": semantics.departure_airport_code}));
            class.insert("destination".into(), json!({"airportIataCode": semantics.destination_airport_code}));
            if let Some(local) = departure.and_then(local_date_time) {
                class.insert("localScheduledDepartureDateTime".into(), json!(local));
            }
            if let Some(gate) = &semantics.departure_gate {
                class.insert(
                    "origin".into(),
                    json!({"airportIataCode": semantics.departure_airport_code, "gate": gate}),
                );
            }
            if let Some(logo) = logo {
                class.insert("flightHeader".into(), {
                    let mut header = class["flightHeader"].clone();
                    header["carrier"]["airlineLogo"] = image(logo);
                    header
                });
            }
        }
    }
    if !modules.messages.is_empty() {
        class.insert("messages".into(), json!(modules.messages));
    }
    let mut class = Value::Object(class);
    super::translations::translate(&mut class, &input.localizations);
    class
}

/// Where a pass stands for Google: voided passes are inactive, passes past their expiration
/// date expired.
pub fn state(pass: &PassJson, now_seconds: i64) -> &'static str {
    if pass.voided == Some(true) {
        return "INACTIVE";
    }
    let expired = pass
        .expiration_date
        .as_deref()
        .and_then(|d| parse_wallet_date(d).ok())
        .is_some_and(|d| d.unix_seconds <= now_seconds);
    if expired { "EXPIRED" } else { "ACTIVE" }
}

/// The object of one pass, from the template and the pass rendered together.
pub fn object_for(kind: GoogleKind, input: &GoogleInput, object_id: &str, class_id: &str, now_seconds: i64) -> Value {
    let (pass, modules, images) = (&input.pass, &input.modules, &input.images);
    let mut object = Map::new();
    object.insert("id".into(), json!(object_id));
    object.insert("classId".into(), json!(class_id));
    object.insert("state".into(), json!(state(pass, now_seconds)));
    if let Some(barcode) = barcode(pass) {
        object.insert("barcode".into(), barcode);
    }
    // Loyalty and offer objects take their color from the class only.
    let object_has_color = !matches!(kind, GoogleKind::Loyalty | GoogleKind::Offer);
    if let Some(color) = hex_color(pass.background_color.as_ref()).filter(|_| object_has_color) {
        object.insert("hexBackgroundColor".into(), json!(color));
    }
    let offer_end = modules.offer_text("endTime").filter(|_| kind == GoogleKind::Offer);
    if let Some(end) = pass.expiration_date.as_deref().or(offer_end) {
        object.insert("validTimeInterval".into(), json!({"end": {"date": end}}));
    }
    if let Some(hero) = &images.hero {
        object.insert("heroImage".into(), image(hero));
    }
    let semantics = pass.semantics.clone().unwrap_or_default();
    let mut slotted: Option<&str> = None;
    match kind {
        GoogleKind::Generic => {
            let headline = first_primary(pass);
            slotted = headline.and_then(|f| f.key.as_deref());
            object.insert("cardTitle".into(), localized(&modules.title_label.clone().unwrap_or_else(|| title(pass))));
            let header = headline.map(|f| text_of(f.value.as_ref())).filter(|t| !t.is_empty());
            let header = modules.title.clone().or(header).unwrap_or_else(|| organization(pass));
            object.insert("header".into(), localized(&header));
            if let Some(label) = headline.and_then(|f| f.label.as_deref()) {
                object.insert("subheader".into(), localized(label));
            }
            if let Some(logo) = input.logo() {
                object.insert("logo".into(), image(logo));
            }
        }
        GoogleKind::EventTicket => {
            if let Some(seat) = semantics.seats.as_ref().and_then(|s| s.first()) {
                let mut info = Map::new();
                for (key, value) in
                    [("seat", &seat.seat_number), ("row", &seat.seat_row), ("section", &seat.seat_section)]
                {
                    if let Some(v) = value {
                        info.insert(key.into(), localized(v));
                    }
                }
                object.insert("seatInfo".into(), Value::Object(info));
            }
        }
        GoogleKind::Loyalty => {
            if let Some(points) = modules.loyalty_points() {
                object.insert("loyaltyPoints".into(), points);
            } else if let Some(points) = first_primary(pass) {
                slotted = points.key.as_deref();
                let balance = match &points.value {
                    Some(Value::Number(n)) if n.is_i64() => json!({"int": n}),
                    other => json!({"string": text_of(other.as_ref())}),
                };
                object.insert(
                    "loyaltyPoints".into(),
                    json!({"label": points.label.clone().unwrap_or_default(), "balance": balance}),
                );
            }
            for (key, (_, value)) in ["accountName", "accountId"].into_iter().zip(&modules.account) {
                object.insert(key.into(), json!(value));
            }
        }
        GoogleKind::Offer => {}
        GoogleKind::Flight => {
            if let Some(name) = &semantics.passenger_name {
                let full = [&name.given_name, &name.family_name].into_iter().flatten().cloned().collect::<Vec<_>>();
                object.insert("passengerName".into(), json!(full.join(" ")));
            }
            let mut seating = Map::new();
            if let Some(seat) = semantics.seats.as_ref().and_then(|s| s.first()).and_then(|s| s.seat_number.clone()) {
                seating.insert("seatNumber".into(), json!(seat));
            }
            if let Some(group) = &semantics.boarding_group {
                seating.insert("boardingGroup".into(), json!(group));
            }
            if !seating.is_empty() {
                object.insert("boardingAndSeatingInfo".into(), Value::Object(seating));
            }
            let code = semantics.extra.get("confirmationNumber").and_then(Value::as_str);
            if let Some(code) = code {
                object.insert("reservationInfo".into(), json!({"confirmationCode": code}));
            }
        }
    }
    let mut rows: Vec<Value> = all_fields(pass)
        .into_iter()
        .filter(|f| f.key.as_deref() != slotted || slotted.is_none())
        .map(|f| {
            json!({
                "id": module_id(f.key.as_deref().unwrap_or("field")),
                "header": f.label.clone().unwrap_or_default(),
                "body": text_of(f.value.as_ref()),
            })
        })
        .collect();
    rows.extend(modules.text.iter().cloned());
    match modules.info_module() {
        Some(_) if kind == GoogleKind::Generic => rows.extend(modules.info_as_text()),
        Some(info) => {
            object.insert("infoModuleData".into(), info);
        }
        None => {}
    }
    if !rows.is_empty() {
        object.insert("textModulesData".into(), Value::Array(rows));
    }
    if !modules.links.is_empty() {
        object.insert("linksModuleData".into(), json!({"uris": modules.links}));
    }
    if !modules.images.is_empty() {
        object.insert("imageModulesData".into(), json!(modules.images));
    }
    let mut object = Value::Object(object);
    super::translations::translate(&mut object, &input.localizations);
    object
}

#[cfg(test)]
mod tests {
    use super::local_date_time;

    #[test]
    fn wallet_dates_become_local_date_times() {
        assert_eq!(local_date_time("2027-03-05T06:40-08:00").as_deref(), Some("2027-03-05T06:40:00"));
        assert_eq!(local_date_time("2027-03-05T06:40:30Z").as_deref(), Some("2027-03-05T06:40:30"));
        assert_eq!(local_date_time("2027-03-05T06:40:00+01:00").as_deref(), Some("2027-03-05T06:40:00"));
        assert_eq!(local_date_time("not a date"), None);
    }
}
