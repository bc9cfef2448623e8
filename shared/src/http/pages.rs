//! HTML pages for people who open a link in a browser.

use crate::model::records::AdaptiveLink;

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The page for devices without a wallet: a button per wallet, and a QR code of the link to
/// scan with a phone.
pub fn adaptive_choice(base: &str, link: &AdaptiveLink) -> String {
    let url = format!("{base}/v1/pass/adaptive/{}", link.id);
    let qr = qrcode::QrCode::new(url.as_bytes())
        .map(|code| code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build())
        .unwrap_or_default();
    // The renderer starts with an XML declaration, which has no place inside HTML.
    let qr = qr.find("<svg").map(|start| qr[start..].to_string()).unwrap_or_default();
    let mut buttons = String::new();
    if link.apple_template_id.is_some() {
        buttons.push_str(&format!("<a class=\"button\" href=\"{}/ios\">Add to Apple Wallet</a>\n", escape_html(&url)));
    }
    if link.google_template_id.is_some() {
        buttons.push_str(&format!(
            "<a class=\"button\" href=\"{}/android\">Add to Google Wallet</a>\n",
            escape_html(&url)
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Add this pass to your wallet</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;text-align:center}}\
.button{{display:block;margin:1rem 0;padding:.9rem;border-radius:.6rem;background:#111;color:#fff;text-decoration:none}}\
figure{{margin:2rem 0}}</style></head><body>\n<h1>Add this pass to your wallet</h1>\n{buttons}\
<figure>{qr}<figcaption>Or scan this code with your phone's camera.</figcaption></figure>\n</body></html>\n"
    )
}
