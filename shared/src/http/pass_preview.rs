//! A pass drawn in HTML as Wallet lays out its style: the colours, logo and logo text, header
//! fields, the strip or thumbnail, primary, secondary and auxiliary fields, and the barcode
//! with its alt text. One self-contained fragment (inline CSS scoped to `.tessera-pass`, images
//! as data URLs, no script), for integrators' dashboards and the holder's pages.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::Value;

use super::barcodes;
use super::pages::escape_html as escape;
use crate::model::pass::{Field, PassFields, PassStyle};
use crate::model::{PassJson, Rgb};
use crate::service::preview::PassPreview;

const CSS: &str = ".tessera-pass{box-sizing:border-box;width:20rem;border-radius:.9rem;padding:.75rem;\
font-family:system-ui,-apple-system,sans-serif;overflow:hidden;box-shadow:0 1px 4px rgba(0,0,0,.3);text-align:left}\
.tessera-pass *{box-sizing:border-box}.tessera-pass header{display:flex;align-items:center;gap:.5rem;min-height:2.5rem}\
.tessera-pass header img{max-height:2.5rem;max-width:8rem}.tessera-pass header .field{text-align:right}.tessera-pass .logo-text{flex:1;font-weight:600}\
.tessera-pass .row{display:flex;gap:.75rem;margin:.6rem 0}.tessera-pass .field{flex:1;min-width:0}\
.tessera-pass .label{font-size:.65rem;font-weight:600;text-transform:uppercase;letter-spacing:.02em}\
.tessera-pass .value{font-size:1rem;overflow-wrap:anywhere}.tessera-pass .primary .value{font-size:1.6rem}\
.tessera-pass .strip{display:block;width:calc(100% + 1.5rem);margin:.5rem -.75rem}\
.tessera-pass .thumbnail{float:right;max-width:5rem;max-height:5rem;margin-left:.5rem}\
.tessera-pass .barcode{clear:both;background:#fff;color:#000;border-radius:.4rem;padding:.5rem;margin-top:.75rem;\
text-align:center}.tessera-pass .barcode .square{width:9rem;height:9rem}\
.tessera-pass .barcode .wide{width:100%;max-width:17rem;height:auto}.tessera-pass .barcode p{margin:.25rem 0 0;\
font-size:.75rem}.tessera-pass .transit{align-self:center;font-size:1.4rem}";

/// A pass.json colour (validated when the pass was signed) as CSS, or the fallback.
pub(super) fn colour(value: Option<&String>, fallback: &str) -> String {
    value.and_then(|c| Rgb::parse(c)).map_or(fallback.to_string(), |Rgb(r, g, b)| format!("rgb({r},{g},{b})"))
}

/// Where the fragment's images come from.
pub enum ImageSources<'a> {
    /// Inside the fragment, as data URLs.
    Inline,
    /// Published images (`/v1/images/{name}` under this base): base name → name.
    Hosted { base_url: &'a str, names: &'a BTreeMap<&'static str, String> },
}

fn image(preview: &PassPreview, sources: &ImageSources, base: &str, class: &str, alt: &str) -> String {
    let Some(png) = preview.images.get(base) else { return String::new() };
    let src = match sources {
        ImageSources::Hosted { base_url, names } if names.contains_key(base) => {
            format!("{base_url}/v1/images/{}", names[base])
        }
        _ => format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)),
    };
    format!("<img class=\"{class}\" alt=\"{}\" src=\"{}\">", escape(alt), escape(&src))
}

/// A field's value as Wallet would show it before formatting (numbers and dates as written).
pub(super) fn value_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn cells(group: Option<&Vec<Field>>, label_colour: &str) -> Vec<String> {
    let cell = |field: &Field| {
        format!(
            "<div class=\"field\"><div class=\"label\" style=\"color:{label_colour}\">{}</div>\
<div class=\"value\">{}</div></div>",
            escape(field.label.as_deref().unwrap_or_default()),
            escape(&value_text(field.value.as_ref())),
        )
    };
    group.map(|fields| fields.iter().map(cell).collect()).unwrap_or_default()
}

fn row(class: &str, cells: Vec<String>) -> String {
    if cells.is_empty() { String::new() } else { format!("<div class=\"row {class}\">{}</div>", cells.concat()) }
}

fn fields(group: Option<&Vec<Field>>, class: &str, label_colour: &str) -> String {
    row(class, cells(group, label_colour))
}

/// The primary row; a boarding pass shows its transit type between origin and destination.
fn primary(style: PassStyle, group: &PassFields, label_colour: &str) -> String {
    let mut primary = cells(group.primary_fields.as_ref(), label_colour);
    if style == PassStyle::BoardingPass && primary.len() == 2 {
        let symbol = match group.transit_type.as_deref() {
            Some("PKTransitTypeAir") => "✈",
            Some("PKTransitTypeTrain") => "🚆",
            Some("PKTransitTypeBus") => "🚌",
            Some("PKTransitTypeBoat") => "⛴",
            _ => "→",
        };
        primary.insert(1, format!("<div class=\"transit\" aria-hidden=\"true\">{symbol}</div>"));
    }
    row("primary", primary)
}

/// The barcode drawn as Wallet draws it, with its alt text; its message as text when the
/// symbology cannot carry it.
fn barcode(pass: &PassJson) -> String {
    let Some(code) = barcodes::of_pass(pass) else { return String::new() };
    let alt = code.alt_text.map(|t| format!("<p>{}</p>", escape(t))).unwrap_or_default();
    let drawn = match &code.symbol {
        Some(symbol) => barcodes::svg(symbol, if symbol.symbology.is_square() { "square" } else { "wide" }),
        None => format!("<p><code>{}</code></p>", escape(code.message)),
    };
    format!("<div class=\"barcode\">{drawn}{alt}</div>")
}

/// The fragment: a `<style>` and one `<article>`.
pub fn fragment(preview: &PassPreview, sources: &ImageSources) -> String {
    let pass = &preview.pass;
    let Some(style) = pass.style() else { return String::new() };
    let empty = PassFields::default();
    let group = pass.style_fields(style).unwrap_or(&empty);
    let background = colour(pass.background_color.as_ref(), "rgb(255,255,255)");
    let foreground = colour(pass.foreground_color.as_ref(), "rgb(0,0,0)");
    let label = colour(pass.label_color.as_ref(), &foreground);
    let organization = pass.organization_name.as_deref().unwrap_or_default();
    let logo_text = pass.logo_text.as_deref().map(|t| format!("<span class=\"logo-text\">{}</span>", escape(t)));
    let header = format!(
        "<header>{}{}{}</header>",
        image(preview, sources, "logo", "logo", organization),
        logo_text.unwrap_or_else(|| "<span class=\"logo-text\"></span>".into()),
        fields(group.header_fields.as_ref(), "header-fields", &label),
    );
    let strip = image(preview, sources, "strip", "strip", "");
    let thumbnail =
        if strip.is_empty() { image(preview, sources, "thumbnail", "thumbnail", "") } else { String::new() };
    format!(
        "<style>{CSS}</style><article class=\"tessera-pass tessera-pass--{kind}\" lang=\"en\" \
aria-label=\"{description}\" style=\"background:{background};color:{foreground}\">{header}{strip}{thumbnail}\
{primary}{secondary}{auxiliary}{barcode}</article>",
        kind = style.key(),
        description = escape(pass.description.as_deref().unwrap_or(organization)),
        primary = primary(style, group, &label),
        secondary = fields(group.secondary_fields.as_ref(), "secondary", &label),
        auxiliary = fields(group.auxiliary_fields.as_ref(), "auxiliary", &label),
        barcode = barcode(pass),
    )
}
