//! A pass drawn as a picture: an SVG laid out as Wallet lays out the style (the same parts as
//! the HTML preview), rasterised to PNG by resvg with a bundled font, so the server draws it
//! with no browser and no system fonts (a Lambda has none).

use std::sync::{Arc, OnceLock};

use base64::Engine;
use resvg::{tiny_skia, usvg};

use super::barcodes;
use super::pages::escape_html as escape;
use super::pass_preview::{colour, value_text};
use crate::model::PassJson;
use crate::model::pass::{Field, PassFields, PassStyle};
use crate::pkpass::png_inspect::inspect_png;
use crate::service::preview::PassPreview;

/// The pass's width in CSS pixels (Wallet's card on a phone); the PNG doubles it.
const WIDTH: f32 = 320.0;
const PADDING: f32 = 12.0;
const PNG_SCALE: f32 = 2.0;
const FONT: &str = "DejaVu Sans";

/// `text` cut with an ellipsis to what fits `width` at `size` (DejaVu Sans averages 0.6 em
/// a character; the picture is a likeness, not a typesetter).
fn fitted(text: &str, width: f32, size: f32) -> String {
    let fits = ((width / (size * 0.6)).floor() as usize).max(1);
    if text.chars().count() <= fits {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(fits.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// How a line of text is set: size, colour, anchor (`start`, `middle`, `end`), weight.
struct Look<'a> {
    size: f32,
    fill: &'a str,
    anchor: &'a str,
    bold: bool,
}

impl<'a> Look<'a> {
    fn plain(size: f32, fill: &'a str) -> Look<'a> {
        Look { size, fill, anchor: "start", bold: false }
    }

    fn bold(self) -> Look<'a> {
        Look { bold: true, ..self }
    }

    fn anchored(self, anchor: &'a str) -> Look<'a> {
        Look { anchor, ..self }
    }
}

struct Canvas {
    svg: String,
    y: f32,
    foreground: String,
    label: String,
}

impl Canvas {
    fn text(&mut self, (x, y): (f32, f32), look: Look, text: &str) {
        let Look { size, fill, anchor, bold } = look;
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        self.svg.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" fill=\"{fill}\" text-anchor=\"{anchor}\"{weight}>{}</text>",
            escape(text)
        ));
    }

    /// A PNG at (x, y) fitted into `max_width` × `max_height`; the size it took.
    fn image(&mut self, png: &[u8], x: f32, y: f32, max_width: f32, max_height: f32) -> (f32, f32) {
        let Ok(info) = inspect_png(png) else { return (0.0, 0.0) };
        let (w, h) = (info.width.max(1) as f32, info.height.max(1) as f32);
        let scale = (max_width / w).min(max_height / h);
        let (width, height) = (w * scale, h * scale);
        let data = base64::engine::general_purpose::STANDARD.encode(png);
        self.svg.push_str(&format!(
            "<image x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" href=\"data:image/png;base64,{data}\"/>"
        ));
        (width, height)
    }

    /// A row of fields sharing `width` from `x`: labels above values.
    fn fields(&mut self, fields: &[&Field], x: f32, width: f32, value_size: f32) {
        if fields.is_empty() {
            return;
        }
        let cell = width / fields.len() as f32;
        let (label_colour, foreground) = (self.label.clone(), self.foreground.clone());
        for (index, field) in fields.iter().enumerate() {
            let left = x + cell * index as f32;
            let label = field.label.as_deref().unwrap_or_default().to_uppercase();
            self.text((left, self.y + 10.0), Look::plain(9.0, &label_colour).bold(), &fitted(&label, cell - 6.0, 9.0));
            let value = value_text(field.value.as_ref());
            let fitted_value = fitted(&value, cell - 6.0, value_size);
            self.text((left, self.y + 13.0 + value_size), Look::plain(value_size, &foreground), &fitted_value);
        }
        self.y += 20.0 + value_size;
    }
}

fn group(fields: Option<&Vec<Field>>) -> Vec<&Field> {
    fields.map(|f| f.iter().collect()).unwrap_or_default()
}

fn header(canvas: &mut Canvas, preview: &PassPreview, fields: &PassFields) {
    let top = canvas.y;
    let mut x = PADDING;
    if let Some(logo) = preview.images.get("logo") {
        let (width, _) = canvas.image(logo, x, top, 120.0, 40.0);
        x += width + 8.0;
    }
    // Header fields sit at the right, each as wide as its longer line.
    let mut right = WIDTH - PADDING;
    for field in group(fields.header_fields.as_ref()).iter().rev() {
        let label = field.label.as_deref().unwrap_or_default().to_uppercase();
        let value = value_text(field.value.as_ref());
        let width = (label.chars().count() as f32 * 5.6).max(value.chars().count() as f32 * 9.0).min(110.0);
        let (label_colour, foreground) = (canvas.label.clone(), canvas.foreground.clone());
        canvas.text(
            (right, top + 14.0),
            Look::plain(9.0, &label_colour).bold().anchored("end"),
            &fitted(&label, width, 9.0),
        );
        canvas.text((right, top + 32.0), Look::plain(15.0, &foreground).anchored("end"), &fitted(&value, width, 15.0));
        right -= width + 10.0;
    }
    if let Some(text) = preview.pass.logo_text.as_deref() {
        let foreground = canvas.foreground.clone();
        canvas.text((x, top + 26.0), Look::plain(16.0, &foreground).bold(), &fitted(text, right - x, 16.0));
    }
    canvas.y += 52.0;
}

fn primary(canvas: &mut Canvas, style: PassStyle, fields: &PassFields, width: f32) {
    let primary = group(fields.primary_fields.as_ref());
    if style == PassStyle::BoardingPass && primary.len() == 2 {
        let symbol = if fields.transit_type.as_deref() == Some("PKTransitTypeAir") { "✈" } else { "→" };
        let foreground = canvas.foreground.clone();
        canvas.text((WIDTH / 2.0, canvas.y + 38.0), Look::plain(22.0, &foreground).anchored("middle"), symbol);
        let half = (width - 30.0) / 2.0;
        let top = canvas.y;
        canvas.fields(&primary[..1], PADDING, half, 28.0);
        canvas.y = top;
        canvas.fields(&primary[1..], PADDING + half + 30.0, half, 28.0);
    } else {
        canvas.fields(&primary, PADDING, width, 26.0);
    }
}

fn barcode(canvas: &mut Canvas, pass: &PassJson) {
    let Some(code) = barcodes::of_pass(pass) else { return };
    let (symbol, message) = (code.symbol, code.message);
    let alt = code.alt_text.unwrap_or_default();
    let (drawn_width, drawn_height) = match &symbol {
        Some(s) if s.symbology.is_square() => (150.0, 150.0),
        Some(s) => {
            let svg_size = barcodes::svg_size(s);
            (260.0, 260.0 * svg_size.1 as f32 / svg_size.0 as f32)
        }
        None => (0.0, 0.0),
    };
    let text_lines = [if symbol.is_none() { message } else { "" }, alt].into_iter().filter(|t| !t.is_empty());
    let texts: Vec<&str> = text_lines.collect();
    let box_width = if symbol.is_some() { drawn_width + 16.0 } else { WIDTH - 2.0 * PADDING };
    let box_height = 16.0 + drawn_height + texts.len() as f32 * 16.0;
    let left = (WIDTH - box_width) / 2.0;
    let top = canvas.y + 8.0;
    canvas.svg.push_str(&format!(
        "<rect x=\"{left}\" y=\"{top}\" width=\"{box_width}\" height=\"{box_height}\" rx=\"6\" fill=\"#fff\"/>"
    ));
    if let Some(symbol) = &symbol {
        let svg = barcodes::svg(symbol, "symbol");
        let placed = svg.replacen(
            "<svg",
            &format!("<svg x=\"{}\" y=\"{}\" width=\"{drawn_width}\" height=\"{drawn_height}\"", left + 8.0, top + 8.0),
            1,
        );
        canvas.svg.push_str(&placed);
    }
    let mut line_y = top + 8.0 + drawn_height + 13.0;
    for text in texts {
        canvas.text(
            (WIDTH / 2.0, line_y),
            Look::plain(11.0, "#000").anchored("middle"),
            &fitted(text, box_width - 12.0, 11.0),
        );
        line_y += 16.0;
    }
    canvas.y = top + box_height + 4.0;
}

/// The pass as one SVG document (`WIDTH` wide, as tall as its content).
pub fn svg(preview: &PassPreview) -> String {
    let pass = &preview.pass;
    let style = pass.style().unwrap_or(PassStyle::Generic);
    let empty = PassFields::default();
    let fields = pass.style_fields(style).unwrap_or(&empty);
    let background = colour(pass.background_color.as_ref(), "rgb(255,255,255)");
    let foreground = colour(pass.foreground_color.as_ref(), "rgb(0,0,0)");
    let label = colour(pass.label_color.as_ref(), &foreground);
    let mut canvas = Canvas { svg: String::new(), y: PADDING, foreground, label };
    header(&mut canvas, preview, fields);
    let mut width = WIDTH - 2.0 * PADDING;
    if let Some(strip) = preview.images.get("strip") {
        let (_, height) = canvas.image(strip, 0.0, canvas.y, WIDTH, 130.0);
        canvas.y += height + 8.0;
    } else if let Some(thumbnail) = preview.images.get("thumbnail") {
        canvas.image(thumbnail, WIDTH - PADDING - 80.0, canvas.y, 80.0, 80.0);
        width -= 90.0;
    }
    primary(&mut canvas, style, fields, width);
    canvas.fields(&group(fields.secondary_fields.as_ref()), PADDING, width, 15.0);
    canvas.fields(&group(fields.auxiliary_fields.as_ref()), PADDING, WIDTH - 2.0 * PADDING, 15.0);
    barcode(&mut canvas, pass);
    let height = (canvas.y + PADDING).ceil();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" font-family=\"{FONT}\">\
<rect width=\"{WIDTH}\" height=\"{height}\" rx=\"14\" fill=\"{background}\"/>{}</svg>",
        canvas.svg
    )
}

fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = usvg::fontdb::Database::new();
            for font in [dejavu::sans::regular(), dejavu::sans::bold()] {
                database.load_font_source(usvg::fontdb::Source::Binary(Arc::new(font)));
            }
            Arc::new(database)
        })
        .clone()
}

/// The pass as a PNG at twice its CSS size, or why it could not be drawn.
pub fn png(preview: &PassPreview) -> Result<Vec<u8>, String> {
    let options = usvg::Options { font_family: FONT.into(), fontdb: fonts(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&svg(preview), &options).map_err(|e| format!("the pass's picture: {e}"))?;
    let size = tree.size().to_int_size().scale_by(PNG_SCALE).ok_or("the pass's picture has no size")?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the pass's picture is too large")?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("the pass's picture: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_its_room() {
        assert_eq!(fitted("Gate", 100.0, 10.0), "Gate");
        assert_eq!(fitted("abcdefghijklmnopqrstuvwxyz", 60.0, 10.0), "abcdefghi…");
        assert_eq!(fitted("ab", 1.0, 10.0), "…");
    }
}
