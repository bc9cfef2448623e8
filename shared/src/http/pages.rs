//! HTML pages for people who open a link in a browser.

use super::barcodes::{self, Symbology};
use super::page_words::{Language, Words, say};
use crate::model::records::AdaptiveLink;
use crate::service::LinkRefusal;

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The page for devices without a wallet: a button per wallet, and a QR code of the link to
/// scan with a phone.
pub fn adaptive_choice(base: &str, link: &AdaptiveLink) -> String {
    let url = format!("{base}/v1/pass/adaptive/{}", link.id);
    let qr = qr_svg(&url, 200);
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

/// The page a holder sees for a link that gives no pass: what happened and what to do, in
/// their language; no script, no remote asset.
pub fn link_refused(refusal: LinkRefusal, language: Language) -> String {
    let (title, text) = match refusal {
        LinkRefusal::Unknown => (Words::UnknownLinkTitle, Words::UnknownLinkText),
        LinkRefusal::Used => (Words::UsedLinkTitle, Words::UsedLinkText),
        LinkRefusal::Expired => (Words::ExpiredLinkTitle, Words::ExpiredLinkText),
    };
    let (title, text) = (escape_html(say(title, language)), escape_html(say(text, language)));
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title><style>{PAGE_CSS}</style></head>\n<body><main>\n<h1>{title}</h1>\n<p>{text}</p>\n</main></body></html>\n",
        lang = language.code(),
    )
}

/// What the pass page shows around the pass.
pub struct PassPage<'a> {
    /// The pass, drawn (`pass_preview::fragment`).
    pub pass: &'a str,
    /// The page's title: the pass's description.
    pub title: &'a str,
    /// Where the Apple button downloads the .pkpass.
    pub download_url: &'a str,
    /// This page's own address, for the QR code shown on computers.
    pub page_url: &'a str,
    pub language: Language,
    /// A phone or tablet (the QR code to carry the pass to one is left out).
    pub on_phone: bool,
}

/// The page a browser gets for a pass's link: the pass as it will look, an "Add to Apple
/// Wallet" button that downloads it, and on a computer a QR code of the link for the phone.
/// No script, no remote asset.
pub fn pass_page(page: &PassPage) -> String {
    let language = page.language;
    let add = escape_html(say(Words::AddToAppleWallet, language));
    let qr = if page.on_phone {
        String::new()
    } else {
        let code = qr_svg(page.page_url, 160);
        format!(
            "<figure class=\"phone\">{code}<figcaption>{}</figcaption></figure>",
            escape_html(say(Words::ScanWithPhone, language))
        )
    };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title><style>{PAGE_CSS}{PASS_PAGE_CSS}</style></head>\n<body><main>\n<h1>{title}</h1>\n{pass}\n\
<p><a class=\"apple-wallet\" href=\"{download}\" type=\"application/vnd.apple.pkpass\">{WALLET_GLYPH}<span>{add}</span></a></p>\n\
{qr}\n</main></body></html>\n",
        lang = language.code(),
        title = escape_html(page.title),
        pass = page.pass,
        download = escape_html(page.download_url),
    )
}

/// A QR code of `text` (UTF-8) as inline SVG `size` pixels square (sized by CSS when 0),
/// labelled for screen readers; empty if the text is too long for a QR code.
pub(crate) fn qr_svg(text: &str, size: u32) -> String {
    let Some(symbol) = barcodes::encode(Symbology::Qr, text, Some("utf-8")) else { return String::new() };
    let svg = barcodes::svg(&symbol, "qr");
    if size == 0 { svg } else { svg.replacen("<svg", &format!("<svg width=\"{size}\" height=\"{size}\""), 1) }
}

/// Apple's badge shape: black, rounded, the Wallet cards beside the words.
const WALLET_GLYPH: &str = "<svg aria-hidden=\"true\" width=\"28\" height=\"22\" viewBox=\"0 0 28 22\">\
<rect x=\"1\" y=\"1\" width=\"26\" height=\"20\" rx=\"4\" fill=\"#d9d9d9\"/>\
<rect x=\"1\" y=\"4\" width=\"26\" height=\"5\" fill=\"#34a853\"/><rect x=\"1\" y=\"7\" width=\"26\" height=\"5\" fill=\"#fbbc04\"/>\
<rect x=\"1\" y=\"10\" width=\"26\" height=\"5\" fill=\"#ea4335\"/><rect x=\"1\" y=\"13\" width=\"26\" height=\"8\" rx=\"3\" fill=\"#1d1d1f\"/></svg>";

const PASS_PAGE_CSS: &str = ".tessera-pass{margin:1rem auto}.apple-wallet{display:inline-flex;align-items:center;gap:.6rem;\
background:#000;color:#fff;border-radius:.6rem;padding:.7rem 1.2rem;text-decoration:none;font-weight:600}\
.apple-wallet:focus-visible{outline:3px solid #0a84ff;outline-offset:3px}main{text-align:center}\
.phone{margin:2rem 0}.phone figcaption{font-size:.9rem;color:#3a3a3c}";

/// System fonts, dark text on white (contrast over 15:1), a readable measure.
const PAGE_CSS: &str = "body{font-family:system-ui,-apple-system,sans-serif;color:#1d1d1f;background:#fff;\
margin:0;line-height:1.5}main{max-width:32rem;margin:4rem auto;padding:0 1.25rem}h1{font-size:1.5rem;margin:0 0 1rem}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_link_pages_say_why_in_the_holder_s_language() {
        let page = link_refused(LinkRefusal::Used, Language::German);
        assert!(page.contains("<html lang=\"de\">"), "{page}");
        assert!(page.contains("<h1>Dieser Link wurde bereits verwendet</h1>"), "{page}");
        assert!(!page.contains("<script"), "no script");
        let french = link_refused(LinkRefusal::Unknown, Language::French);
        assert!(french.contains("Ce lien ne mène à aucun pass") && french.contains("l’adresse"), "{french}");
    }
}
