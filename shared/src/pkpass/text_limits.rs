//! Tessera's bounds on pass.json text (Apple publishes none): a pass is a few kilobytes that
//! every holder's phone downloads at each update, so text long enough to be a mistake or an
//! abuse is refused, and a barcode message longer than its symbology can hold (Wallet then
//! shows no code at all) is refused with the format's capacity.

use serde_json::Value;

use super::issue::{Issues, join};
use crate::model::{Barcode, Field, FieldGroup, PassJson};

/// Names, descriptions, labels, logo text and front-of-pass values: Wallet shows one line of
/// each, so anything near this bound is already cut off.
pub const MAX_SHORT_TEXT_CHARS: usize = 1024;
/// Back-of-pass and additional-info values (terms and conditions, addresses, notes).
pub const MAX_LONG_TEXT_CHARS: usize = 65_536;
/// A barcode's alternative text, shown under the code.
pub const MAX_ALT_TEXT_CHARS: usize = 256;

/// The most bytes each format holds at its lowest error correction, in binary mode.
pub fn barcode_capacity_bytes(format: &str) -> Option<usize> {
    match format {
        "PKBarcodeFormatQR" => Some(2953),
        "PKBarcodeFormatAztec" => Some(1914),
        "PKBarcodeFormatPDF417" => Some(1108),
        // Linear codes have no fixed maximum, but no scanner reads one this long.
        "PKBarcodeFormatCode128" | "PKBarcodeFormatCode39" | "PKBarcodeFormatCodabar" | "PKBarcodeFormatI2of5" => {
            Some(128)
        }
        "PKBarcodeFormatEAN13" => Some(13),
        _ => None,
    }
}

/// The top-level texts, locations and beacons; fields and barcodes are bounded as
/// `validate` walks them (`check_field_text`, `check_barcode_size`).
pub(crate) fn check_text_limits(pass: &PassJson, v: &mut Issues) {
    let top = [
        ("organizationName", &pass.organization_name),
        ("description", &pass.description),
        ("logoText", &pass.logo_text),
        ("eventLogoText", &pass.event_logo_text),
    ];
    for (key, text) in top {
        bounded(text.as_deref(), MAX_SHORT_TEXT_CHARS, || key.to_string(), v);
    }
    for (i, location) in pass.locations.iter().flatten().enumerate() {
        bounded(location.relevant_text.as_deref(), MAX_SHORT_TEXT_CHARS, || format!("locations[{i}].relevantText"), v);
    }
    for (i, beacon) in pass.beacons.iter().flatten().enumerate() {
        bounded(beacon.relevant_text.as_deref(), MAX_SHORT_TEXT_CHARS, || format!("beacons[{i}].relevantText"), v);
    }
}

/// A field's label, change message and text values (longer on the back and in additional
/// info).
pub(crate) fn check_field_text(field: &Field, group: FieldGroup, path: &str, v: &mut Issues) {
    let long = matches!(group, FieldGroup::Back | FieldGroup::AdditionalInfo);
    let max_value = if long { MAX_LONG_TEXT_CHARS } else { MAX_SHORT_TEXT_CHARS };
    bounded(field.label.as_deref(), MAX_SHORT_TEXT_CHARS, || join(path, "label"), v);
    bounded(field.change_message.as_deref(), MAX_SHORT_TEXT_CHARS, || join(path, "changeMessage"), v);
    for (key, value) in [("value", &field.value), ("attributedValue", &field.attributed_value)] {
        if let Some(Value::String(text)) = value {
            bounded(Some(text), max_value, || join(path, key), v);
        }
    }
}

/// A barcode's alternative text, and its message against its format's capacity (`latin1`:
/// the message is encoded as ISO-8859-1, a byte per character).
pub(crate) fn check_barcode_size(barcode: &Barcode, latin1: bool, path: &str, v: &mut Issues) {
    bounded(barcode.alt_text.as_deref(), MAX_ALT_TEXT_CHARS, || join(path, "altText"), v);
    let (Some(format), Some(message)) = (barcode.format.as_deref(), barcode.message.as_deref()) else { return };
    let Some(capacity) = barcode_capacity_bytes(format) else { return };
    let bytes = if latin1 { message.chars().count() } else { message.len() };
    v.check(
        bytes <= capacity,
        || join(path, "message"),
        format!("is {bytes} bytes; a {} code holds at most {capacity}", format.trim_start_matches("PKBarcodeFormat")),
    );
}

fn bounded(text: Option<&str>, max: usize, path: impl FnOnce() -> String, v: &mut Issues) {
    // Counting stops at the bound: a huge text costs no more than a long one.
    if let Some(text) = text
        && text.chars().nth(max).is_some()
    {
        v.fail(path(), format!("is longer than {max} characters"));
    }
}
