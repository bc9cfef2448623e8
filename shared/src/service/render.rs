//! Template + pass → pass.json. Airship headers become pass.json keys, fields go to their
//! group ordered by `order`, and the pass's overrides replace the template's values.
//! Every input that cannot be placed is reported with its path in the request.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::error::{FieldProblem, ServiceError};
use crate::model::google_modules::Module;
use crate::model::records::ProjectSettings;
use crate::model::template::{BeaconSpec, FieldSpec, LocationSpec, PassContent, TemplateContent};
use crate::model::{Barcode, Beacon, Field, FieldGroup, Location, PassFields, PassJson, PassStyle};
use crate::pkpass::validate::NEW_BARCODE_FORMATS;
use crate::pkpass::{Issue, PassAssets, split_issues, validate_pass};

/// Headers that set pass.json keys (images are handled apart, see `IMAGE_HEADERS`).
pub const KNOWN_HEADERS: [&str; 22] = [
    "logo_text",
    "background_color",
    "foreground_color",
    "label_color",
    "logo_color",
    "footer_background_color",
    "barcode_type",
    "barcode_value",
    "barcode_encoding",
    "barcodeAltText",
    "barcode_label",
    "relevantDate",
    "expirationDate",
    "sharingStatus",
    "suppress_strip_shine",
    "transitType",
    "groupingIdentifier",
    "appLaunchURL",
    "associatedStoreIdentifiers",
    "organization_name",
    "description",
    "maxDistance",
];

/// Image headers and the file each becomes (`icon_image` → icon.png, `icon_image_2x` → icon@2x.png).
/// The image header that supplies a bundle file (`icon@2x.png` → `icon_image_2x`).
pub fn image_header(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".png")?;
    let (base, suffix) = match (stem.strip_suffix("@2x"), stem.strip_suffix("@3x")) {
        (Some(base), _) => (base, "_2x"),
        (_, Some(base)) => (base, "_3x"),
        _ => (stem, ""),
    };
    let header = format!("{base}_image{suffix}");
    (image_file(&header).as_deref() == Some(file)).then_some(header)
}

pub fn image_file(header: &str) -> Option<String> {
    const BASES: [&str; 10] = [
        "icon",
        "logo",
        "strip",
        "thumbnail",
        "background",
        "footer",
        "personalizationLogo",
        "artwork",
        "primaryLogo",
        "secondaryLogo",
    ];
    let (base, scale) = match header.strip_suffix("_2x") {
        Some(rest) => (rest, "@2x"),
        None => match header.strip_suffix("_3x") {
            Some(rest) => (rest, "@3x"),
            None => (header, ""),
        },
    };
    let name = base.strip_suffix("_image")?;
    BASES.contains(&name).then(|| format!("{name}{scale}.png"))
}

/// Everything per pass that is not content: identifiers and the web service.
pub struct PassIdentity<'a> {
    pub pass_type_id: &'a str,
    pub team_id: &'a str,
    pub serial_number: &'a str,
    pub authentication_token: &'a str,
    pub web_service_url: Option<&'a str>,
}

pub fn style_of(content: &TemplateContent) -> Result<PassStyle, ServiceError> {
    let style = content.style.as_deref().unwrap_or_default();
    PassStyle::from_key(style).ok_or_else(|| {
        ServiceError::invalid("type", "must be one of boardingPass, coupon, eventTicket, generic, storeCard")
    })
}

/// Checks that a pass only overrides what its template has.
pub fn check_overrides(template: &TemplateContent, pass: &PassContent) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for name in pass.fields.keys() {
        if !template.fields.contains_key(name) {
            problems.push(FieldProblem::new(format!("fields.{name}"), "is not a field of the template"));
        }
    }
    for name in pass.headers.keys() {
        if !KNOWN_HEADERS.contains(&name.as_str()) && image_file(name).is_none() {
            problems.push(FieldProblem::new(format!("headers.{name}"), "is not a header Tessera knows"));
        }
    }
    problems
}

/// Checks a pass's content against its template: it overrides only what the template has,
/// and every field the template marks `required` ends up with a value (its own, or the
/// template's).
pub fn check_pass_content(template: &TemplateContent, pass: &PassContent) -> Vec<FieldProblem> {
    let mut problems = check_overrides(template, pass);
    for (name, spec) in template.fields.iter().filter(|(_, spec)| spec.required == Some(true)) {
        let own = pass.fields.get(name).and_then(|f| f.value.as_ref());
        if own.or(spec.value.as_ref()).is_none_or(is_empty) {
            problems.push(FieldProblem::new(format!("fields.{name}.value"), "is required by the template"));
        }
    }
    problems
}

/// Builds pass.json. Problems in the inputs come back with their request paths; the result
/// still has to pass `pkpass::validate_pass`.
pub fn render(
    template_name: &str,
    template: &TemplateContent,
    pass: &PassContent,
    id: &PassIdentity,
) -> Result<PassJson, ServiceError> {
    let style = style_of(template)?;
    let mut problems = check_overrides(template, pass);
    let headers = if pass.own_design {
        let shared = template.headers.iter().filter(|(name, _)| !is_design_header(name));
        merged(&shared.map(|(n, s)| (n.clone(), s.clone())).collect(), &pass.headers)
    } else {
        merged(&template.headers, &pass.headers)
    };
    let header = |name: &str| headers.get(name).and_then(|h| h.value.as_ref()).filter(|v| !is_empty(v));
    let text = |name: &str| header(name).map(value_text);

    let mut out = PassJson {
        format_version: Some(1),
        pass_type_identifier: Some(id.pass_type_id.to_string()),
        serial_number: Some(id.serial_number.to_string()),
        team_identifier: Some(id.team_id.to_string()),
        organization_name: Some(
            text("organization_name")
                .or_else(|| template.organization_name.clone())
                .unwrap_or_else(|| template_name.to_string()),
        ),
        description: Some(
            text("description").or_else(|| template.description.clone()).unwrap_or_else(|| template_name.to_string()),
        ),
        logo_text: text("logo_text"),
        background_color: text("background_color"),
        foreground_color: text("foreground_color"),
        label_color: text("label_color"),
        footer_background_color: text("footer_background_color"),
        relevant_date: text("relevantDate"),
        expiration_date: text("expirationDate"),
        grouping_identifier: text("groupingIdentifier"),
        app_launch_url: text("appLaunchURL"),
        suppress_strip_shine: header("suppress_strip_shine").map(truthy),
        sharing_prohibited: text("sharingStatus").map(|s| s == "oneUserOneDevice").filter(|p| *p),
        web_service_url: id.web_service_url.map(str::to_string),
        authentication_token: id.web_service_url.map(|_| id.authentication_token.to_string()),
        semantics: None,
        ..PassJson::default()
    };
    if headers.get("expirationDate").and_then(|h| h.label.as_deref()) == Some("voided") || pass.deactivated_at.is_some()
    {
        out.voided = Some(true);
    }
    if let Some(ids) = header("associatedStoreIdentifiers") {
        match serde_json::from_value::<Vec<u64>>(ids.clone()) {
            Ok(ids) => out.associated_store_identifiers = Some(ids),
            Err(_) => problems
                .push(FieldProblem::new("headers.associatedStoreIdentifiers", "must be an array of App Store ids")),
        }
    }
    if let Some(distance) = header("maxDistance") {
        match number(distance) {
            Some(d) => out.max_distance = Some(d),
            None => problems.push(FieldProblem::new("headers.maxDistance", "must be a number of meters")),
        }
    }
    let locations = pass.locations.as_ref().unwrap_or(&template.locations);
    // PassEntry gives each location a radius; Wallet has one per pass: the largest applies.
    let radii: Vec<f64> = locations.iter().filter_map(|l| l.extra.get("maxDistance").and_then(number)).collect();
    if out.max_distance.is_none() && !radii.is_empty() {
        out.max_distance = radii.iter().copied().reduce(f64::max);
    }
    if let Some(distance) = out.max_distance {
        let limit = if style == PassStyle::EventTicket { 1000.0 } else { 100.0 };
        if distance > limit {
            let field = if radii.is_empty() { "headers.maxDistance" } else { "locations.maxDistance" };
            problems.push(FieldProblem::new(field, format!("at most {limit} meters on a {} pass", style.key())));
        }
    }
    out.barcodes = barcode(&headers, &mut problems).map(with_fallback);

    let mut groups = PassFields::default();
    if style == PassStyle::BoardingPass {
        groups.transit_type = Some(transit_type(text("transitType").as_deref().unwrap_or("PKTransitTypeGeneric")));
    }
    let fields = merged(&template.fields, &pass.fields);
    let mut ordered: Vec<(&String, &FieldSpec)> = fields.iter().collect();
    ordered.sort_by_key(|(name, spec)| (spec.order.unwrap_or(i64::MAX), (*name).clone()));
    for (name, spec) in ordered {
        let Some(group) = field_group(spec.field_type.as_deref()) else {
            problems.push(FieldProblem::new(
                format!("fields.{name}.fieldType"),
                "must be one of header, primary, secondary, auxiliary, back",
            ));
            continue;
        };
        if spec.value.as_ref().is_none_or(is_empty) && spec.hide_empty.unwrap_or(false) {
            continue;
        }
        groups.group_mut(group).get_or_insert_with(Vec::new).push(field(name, spec, group));
    }
    if let Some(message) = pass.message.as_ref().filter(|m| !m.is_empty()) {
        // Wallet notifies when a field with a changeMessage changes: a back field carries it.
        let field = Field {
            key: Some(MESSAGE_FIELD.into()),
            label: Some("Message".into()),
            value: Some(json!(message)),
            change_message: Some("%@".into()),
            ..Field::default()
        };
        groups.back_fields.get_or_insert_with(Vec::new).push(field);
    }
    match style {
        PassStyle::BoardingPass => out.boarding_pass = Some(groups),
        PassStyle::Coupon => out.coupon = Some(groups),
        PassStyle::EventTicket => out.event_ticket = Some(groups),
        PassStyle::Generic => out.generic = Some(groups),
        PassStyle::StoreCard => out.store_card = Some(groups),
    }

    out.locations = non_empty(locations.iter().enumerate().map(|(i, l)| location(l, i, &mut problems)).collect());
    let beacons = pass.beacons.as_ref().unwrap_or(&template.beacons);
    out.beacons = non_empty(beacons.iter().map(beacon).collect());
    for (key, value) in [
        ("semantics", pass.semantics.as_ref().or(template.semantics.as_ref())),
        ("nfc", pass.nfc.as_ref().or(template.nfc.as_ref())),
    ] {
        if let Some(value) = value {
            match (key, value.clone()) {
                ("semantics", v) => match serde_json::from_value(v) {
                    Ok(s) => out.semantics = Some(s),
                    Err(e) => problems.push(FieldProblem::new("semantics", e.to_string())),
                },
                (_, v) => match serde_json::from_value(v) {
                    Ok(n) => out.nfc = Some(n),
                    Err(e) => problems.push(FieldProblem::new("nfc", e.to_string())),
                },
            }
        }
    }
    // The newest keys, a pass's own over its template's.
    let own_or_template = |own: &Option<Value>, shared: &Option<Value>| own.as_ref().or(shared.as_ref()).cloned();
    let newest = own_or_template(&pass.preferred_style_schemes, &template.preferred_style_schemes);
    parse_into("preferredStyleSchemes", newest, &mut out.preferred_style_schemes, &mut problems);
    let newest = own_or_template(&pass.relevant_dates, &template.relevant_dates);
    parse_into("relevantDates", newest, &mut out.relevant_dates, &mut problems);
    let newest = own_or_template(&pass.upcoming_pass_information, &template.upcoming_pass_information);
    parse_into("upcomingPassInformation", newest, &mut out.upcoming_pass_information, &mut problems);
    if pass.nfc_enabled {
        let mut nfc = out.nfc.take().unwrap_or_default();
        if nfc.encryption_public_key.is_none() {
            problems.push(FieldProblem::new(
                "nfcEnabled",
                "needs the terminal's key: give the template an nfc header with encryptionPublicKey \
                 (the base64 SubjectPublicKeyInfo of the reader's P-256 key)",
            ));
        }
        nfc.message = Some(pass.nfc_message.clone().unwrap_or_else(|| id.serial_number.to_string()));
        out.nfc = Some(nfc);
    } else if out.nfc.as_ref().is_some_and(|nfc| nfc.message.is_none()) {
        // A template's nfc without a message (its key) is for the passes that enable NFC.
        out.nfc = None;
    }
    if problems.is_empty() { Ok(out) } else { Err(ServiceError::Invalid(problems)) }
}

/// Reads `value` (when given) as pass.json's `key` into `slot`, or names why it cannot be.
fn parse_into<T: serde::de::DeserializeOwned>(
    key: &str,
    value: Option<Value>,
    slot: &mut Option<T>,
    problems: &mut Vec<FieldProblem>,
) {
    match value.map(serde_json::from_value) {
        None => {}
        Some(Ok(parsed)) => *slot = Some(parsed),
        Some(Err(e)) => problems.push(FieldProblem::new(key, e.to_string())),
    }
}

/// Checks a rendered pass.json and the files that go with it as Wallet would: errors refuse,
/// warnings come back. Both name the request paths they come from.
pub fn check_rendered(pass: &PassJson, assets: &PassAssets) -> Result<Vec<FieldProblem>, ServiceError> {
    let mut issues = validate_pass(pass);
    issues.extend(assets.check_for(pass));
    let (errors, warnings) = split_issues(issues);
    if errors.is_empty() { Ok(request_problems(warnings, pass)) } else { Err(problems_from_issues(errors, pass)) }
}

/// The back field that carries push messages.
pub const MESSAGE_FIELD: &str = "tessera_message";

/// Validation errors as the request's problems.
pub fn problems_from_issues(issues: Vec<Issue>, pass: &PassJson) -> ServiceError {
    ServiceError::Invalid(request_problems(issues, pass))
}

/// Maps pass.json validation issues back to request paths where they come from a field.
pub fn request_problems(issues: Vec<Issue>, pass: &PassJson) -> Vec<FieldProblem> {
    let field_names: BTreeMap<String, String> =
        pass.styles()
            .into_iter()
            .flat_map(|(style, groups)| {
                FieldGroup::ALL.into_iter().flat_map(move |g| {
                    groups.group(g).into_iter().flatten().enumerate().map(move |(i, f)| {
                        (format!("{}.{}[{i}]", style.key(), g.key()), f.key.clone().unwrap_or_default())
                    })
                })
            })
            .collect();
    issues
        .into_iter()
        .map(|issue| {
            let field = field_names
                .iter()
                .find(|(prefix, _)| issue.path.starts_with(prefix.as_str()))
                .map(|(_, name)| format!("fields.{name}"))
                .or_else(|| image_header(&issue.path).map(|header| format!("headers.{header}")))
                .unwrap_or_else(|| issue.path.clone());
            FieldProblem::new(field, format!("{} ({})", issue.reason, issue.path))
        })
        .collect()
}

/// What a pass shows of its template's headers or fields: the template's entries, with the
/// pass's value, label and changeMessage over them (and an offer's properties).
pub fn merged(
    template: &BTreeMap<String, FieldSpec>,
    pass: &BTreeMap<String, FieldSpec>,
) -> BTreeMap<String, FieldSpec> {
    let mut out = template.clone();
    for (name, spec) in pass {
        let base = out.entry(name.clone()).or_default();
        if spec.value.is_some() {
            base.value = spec.value.clone();
        }
        if spec.label.is_some() {
            base.label = spec.label.clone();
        }
        if spec.change_message.is_some() {
            base.change_message = spec.change_message.clone();
        }
        if Module::of(base) == Some(Module::Offer) {
            base.extra.extend(spec.extra.clone());
        }
    }
    out
}

/// Airship writes `textAlignmentRight` and `numberStyleDecimal`; Wallet wants
/// `PKTextAlignmentRight` and `PKNumberStyleDecimal`.
fn wallet_constant(name: &str) -> String {
    if name.starts_with("PK") {
        return name.to_string();
    }
    let mut chars = name.chars();
    let first: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    format!("PK{first}{}", chars.as_str())
}

fn field(name: &str, spec: &FieldSpec, group: FieldGroup) -> Field {
    let numeric = matches!(spec.format_type.as_deref(), Some("Number" | "Currency"))
        || spec.number_style.is_some()
        || spec.currency_code.is_some();
    let value = spec.value.clone().map(|v| match (&v, numeric) {
        (Value::String(s), true) => s.trim().parse::<f64>().map(|n| json!(n)).unwrap_or(v),
        _ => v,
    });
    let alignment = spec.text_alignment.as_deref().map(wallet_constant);
    // Airship templates mark every field "natural"; Wallet refuses alignment on primary and back fields.
    let alignment = alignment
        .filter(|a| !(matches!(group, FieldGroup::Primary | FieldGroup::Back) && a == "PKTextAlignmentNatural"));
    Field {
        key: Some(name.to_string()),
        value: value.or(Some(json!(""))),
        label: spec.label.clone().filter(|l| !l.is_empty()),
        change_message: spec.change_message.clone().filter(|m| !m.is_empty()),
        date_style: spec.date_style.clone(),
        time_style: spec.time_style.clone(),
        number_style: spec.number_style.as_deref().map(wallet_constant),
        currency_code: spec.currency_code.clone(),
        ignores_time_zone: spec.ignores_time_zone,
        is_relative: spec.is_relative,
        text_alignment: alignment,
        semantics: spec.semantics.clone().and_then(|s| serde_json::from_value(s).ok()),
        ..Field::default()
    }
}

/// The headers that make a pass's design: its colours and its strip, logo and thumbnail.
pub fn is_design_header(name: &str) -> bool {
    matches!(name, "background_color" | "label_color" | "foreground_color")
        || ["strip_image", "logo_image", "thumbnail_image"].iter().any(|base| name.starts_with(base))
}

/// Whether a `fieldType` names one of Wallet's field groups.
pub fn is_field_group(field_type: &str) -> bool {
    field_group(Some(field_type)).is_some()
}

fn field_group(field_type: Option<&str>) -> Option<FieldGroup> {
    match field_type?.to_ascii_lowercase().as_str() {
        "header" => Some(FieldGroup::Header),
        "primary" => Some(FieldGroup::Primary),
        "secondary" => Some(FieldGroup::Secondary),
        "auxiliary" => Some(FieldGroup::Auxiliary),
        "back" => Some(FieldGroup::Back),
        _ => None,
    }
}

fn barcode(headers: &BTreeMap<String, FieldSpec>, problems: &mut Vec<FieldProblem>) -> Option<Barcode> {
    let text = |name: &str| headers.get(name).and_then(|h| h.value.as_ref()).filter(|v| !is_empty(v)).map(value_text);
    let kind = text("barcode_type")?;
    if kind.eq_ignore_ascii_case("none") {
        return None;
    }
    let format = match ProjectSettings::apple_barcode_type(&kind) {
        _ if kind.starts_with("PKBarcodeFormat") => kind,
        Some(format) => format.to_string(),
        None => format!("PKBarcodeFormat{kind}"),
    };
    let Some(message) = text("barcode_value") else {
        problems.push(FieldProblem::new("headers.barcode_value", "is required when barcode_type is set"));
        return None;
    };
    Some(Barcode {
        format: Some(format),
        message: Some(message),
        message_encoding: Some(text("barcode_encoding").unwrap_or_else(|| "iso-8859-1".into())),
        alt_text: text("barcodeAltText"),
        ..Barcode::default()
    })
}

/// A barcode in a format only iOS 27 reads, followed by one every device reads (Code 128 for
/// ASCII text, else QR) with the same message: Wallet shows the first format it knows.
fn with_fallback(barcode: Barcode) -> Vec<Barcode> {
    let is_new = barcode.format.as_deref().is_some_and(|f| NEW_BARCODE_FORMATS.contains(&f));
    if !is_new {
        return vec![barcode];
    }
    let ascii = barcode.message.as_deref().is_some_and(|m| m.chars().all(|c| c.is_ascii() && !c.is_ascii_control()));
    let format = if ascii { "PKBarcodeFormatCode128" } else { "PKBarcodeFormatQR" };
    let fallback = Barcode { format: Some(format.into()), ..barcode.clone() };
    vec![barcode, fallback]
}

fn transit_type(value: &str) -> String {
    if value.starts_with("PKTransitType") {
        return value.to_string();
    }
    let name = value.strip_prefix("transit").unwrap_or(value);
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("PKTransitType{}{}", first.to_uppercase(), chars.as_str()),
        None => "PKTransitTypeGeneric".into(),
    }
}

fn location(spec: &LocationSpec, index: usize, problems: &mut Vec<FieldProblem>) -> Location {
    let mut coordinate = |name: &str, value: Option<&Value>| -> Option<f64> {
        let parsed = value.and_then(number);
        if parsed.is_none() {
            problems.push(FieldProblem::new(format!("locations[{index}].{name}"), "must be a number"));
        }
        parsed
    };
    let latitude = coordinate("latitude", spec.latitude.as_ref());
    let longitude = coordinate("longitude", spec.longitude.as_ref());
    let altitude = spec.altitude.as_ref().filter(|a| !a.is_null()).and_then(|a| coordinate("altitude", Some(a)));
    Location { latitude, longitude, altitude, relevant_text: spec.relevant_text.clone(), ..Location::default() }
}

fn beacon(spec: &BeaconSpec) -> Beacon {
    Beacon {
        proximity_uuid: spec.uuid.clone(),
        major: spec.major,
        minor: spec.minor,
        relevant_text: spec.relevant_text.clone(),
        ..Beacon::default()
    }
}

fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn is_empty(value: &Value) -> bool {
    matches!(value, Value::Null) || value.as_str().is_some_and(str::is_empty)
}

fn truthy(value: &Value) -> bool {
    matches!(value, Value::Bool(true)) || value.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template(json: serde_json::Value) -> TemplateContent {
        serde_json::from_value(json).unwrap()
    }

    fn pass(json: serde_json::Value) -> PassContent {
        serde_json::from_value(json).unwrap()
    }

    const ID: PassIdentity = PassIdentity {
        pass_type_id: "pass.x",
        team_id: "TEAM",
        serial_number: "S-1",
        authentication_token: "token-0123456789abcdef",
        web_service_url: Some("https://wallet.example.com"),
    };

    fn problems(result: Result<PassJson, ServiceError>) -> Vec<String> {
        match result {
            Err(ServiceError::Invalid(problems)) => problems.into_iter().map(|p| p.field).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn fields_merge_the_passes_overrides_in_order() {
        let t = template(json!({"type": "eventTicket", "organizationName": "Arena",
            "headers": {"barcode_type": {"value": "QR"}, "barcode_value": {"value": "T-1"}},
            "fields": {
                "Seat": {"fieldType": "auxiliary", "label": "SEAT", "value": "12", "order": 2, "changeMessage": "Now %@"},
                "Gate": {"fieldType": "auxiliary", "label": "GATE", "value": "A", "order": 1},
                "Note": {"fieldType": "back", "value": "", "hideEmpty": true},
                "Event": {"fieldType": "primary", "value": "The Tour"}}}));
        let p = pass(json!({"fields": {"Seat": {"value": "14"}}, "message": "See you"}));
        let out = render("Concerts", &t, &p, &ID).unwrap();
        let groups = out.event_ticket.unwrap();
        let aux = groups.auxiliary_fields.unwrap();
        assert_eq!(aux.iter().map(|f| f.key.clone().unwrap()).collect::<Vec<_>>(), ["Gate", "Seat"], "by order");
        assert_eq!(
            (aux[1].value.clone(), aux[1].label.as_deref()),
            (Some(json!("14")), Some("SEAT")),
            "the label stays"
        );
        assert_eq!(aux[1].change_message.as_deref(), Some("Now %@"));
        let back = groups.back_fields.unwrap();
        assert_eq!(back.len(), 1, "an empty hideEmpty field is left out; the message is a back field");
        assert_eq!(back[0].key.as_deref(), Some(MESSAGE_FIELD));
        let barcode = &out.barcodes.unwrap()[0];
        assert_eq!(barcode.format.as_deref(), Some("PKBarcodeFormatQR"));
        assert_eq!(barcode.message_encoding.as_deref(), Some("iso-8859-1"));
        assert_eq!(out.organization_name.as_deref(), Some("Arena"));
        assert_eq!(out.description.as_deref(), Some("Concerts"), "the template's name when none is given");
        assert_eq!(out.authentication_token.as_deref(), Some(ID.authentication_token));
        assert_eq!(out.voided, None);
    }

    #[test]
    fn a_barcode_only_ios_27_reads_gets_a_classic_fallback() {
        let formats = |kind: &str, message: &str| {
            let t = template(json!({"type": "storeCard", "organizationName": "Shop",
                "headers": {"barcode_type": {"value": kind}, "barcode_value": {"value": message}},
                "fields": {"Points": {"fieldType": "primary", "value": "10"}}}));
            let out = render("Cards", &t, &PassContent::default(), &ID).unwrap();
            let barcodes = out.barcodes.unwrap();
            assert!(barcodes.iter().all(|b| b.message.as_deref() == Some(message)));
            barcodes.into_iter().map(|b| b.format.unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(formats("EAN13", "4006381333931"), ["PKBarcodeFormatEAN13", "PKBarcodeFormatCode128"]);
        assert_eq!(formats("Codabar", "A40156B"), ["PKBarcodeFormatCodabar", "PKBarcodeFormatCode128"]);
        assert_eq!(formats("Code39", "CAFÉ"), ["PKBarcodeFormatCode39", "PKBarcodeFormatQR"]);
        assert_eq!(formats("QR", "T-1"), ["PKBarcodeFormatQR"], "a classic format stands alone");
    }

    #[test]
    fn what_cannot_be_placed_is_named() {
        let t = template(json!({"type": "storeCard", "headers": {"barcode_type": {"value": "QR"}},
            "fields": {"Points": {"fieldType": "primary", "value": "10"}},
            "locations": [{"latitude": "x", "longitude": 2.35, "maxDistance": 150}]}));
        let found = problems(render("Cards", &t, &pass(json!({"fields": {"Nope": {"value": "1"}}})), &ID));
        let expected = [
            "fields.Nope",
            "locations.maxDistance",
            "headers.barcode_value",
            "fields.Nope.fieldType",
            "locations[0].latitude",
        ];
        assert_eq!(found, expected);
        let bad_type = template(json!({"type": "ticket"}));
        assert_eq!(problems(render("X", &bad_type, &PassContent::default(), &ID)), ["type"]);
    }

    #[test]
    fn required_fields_need_a_value_from_the_pass_or_the_template() {
        let t = template(json!({"type": "generic", "fields": {
            "Name": {"fieldType": "primary", "required": true},
            "Tier": {"fieldType": "secondary", "required": true, "value": "Silver"},
            "Note": {"fieldType": "back"}}}));
        let fields = |p: PassContent| check_pass_content(&t, &p).into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(fields(PassContent::default()), ["fields.Name.value"]);
        assert_eq!(fields(pass(json!({"fields": {"Name": {"value": ""}}}))), ["fields.Name.value"]);
        assert!(fields(pass(json!({"fields": {"Name": {"value": "Ada"}}}))).is_empty());
        assert!(render("X", &t, &PassContent::default(), &ID).is_ok(), "a template alone renders without them");
    }

    #[test]
    fn voided_by_label_or_deactivation() {
        let t = template(json!({"type": "generic"}));
        let by_label =
            pass(json!({"headers": {"expirationDate": {"value": "2030-01-01T00:00:00Z", "label": "voided"}}}));
        assert_eq!(render("X", &t, &by_label, &ID).unwrap().voided, Some(true));
        let deactivated = PassContent { deactivated_at: Some(1), ..PassContent::default() };
        assert_eq!(render("X", &t, &deactivated, &ID).unwrap().voided, Some(true));
    }
}
