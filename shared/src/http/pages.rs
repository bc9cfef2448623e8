//! HTML pages for people who open a link in a browser.

use super::barcodes::{self, Symbology};
use super::page_words::{Language, Words, say};
use crate::service::LinkRefusal;

/// Text as HTML or XML text and attribute values.
pub(super) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The page a holder sees for a link that gives no pass: what happened and what to do, in
/// their language; no script, no remote asset.
pub fn link_refused(refusal: LinkRefusal, language: Language) -> String {
    let (title, text) = match refusal {
        LinkRefusal::Unknown => (Words::UnknownLinkTitle, Words::UnknownLinkText),
        LinkRefusal::Used => (Words::UsedLinkTitle, Words::UsedLinkText),
        LinkRefusal::Expired => (Words::ExpiredLinkTitle, Words::ExpiredLinkText),
        LinkRefusal::Exhausted => (Words::ExhaustedLinkTitle, Words::ExpiredLinkText),
    };
    let (title, text) = (escape_html(say(title, language)), escape_html(say(text, language)));
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title><style>{PAGE_CSS}</style></head>\n<body><main>\n<h1>{title}</h1>\n<p>{text}</p>\n</main></body></html>\n",
        lang = language.code(),
    )
}

/// Where the page is opened, which decides what comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// iPhone, iPad (iPadOS asks as a Mac with touch) or iPod: Apple Wallet.
    ApplePhone,
    Android,
    /// Anything else: the QR code carries the link to a phone.
    Computer,
}

impl Platform {
    pub fn of_user_agent(user_agent: &str) -> Platform {
        if user_agent.contains("Android") {
            Platform::Android
        } else if ["iPhone", "iPad", "iPod"].iter().any(|device| user_agent.contains(device)) {
            Platform::ApplePhone
        } else {
            Platform::Computer
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wallet {
    Apple,
    Google,
}

/// A button adding the pass (or passes) to one wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletButton {
    pub wallet: Wallet,
    pub href: String,
}

/// What a pass page shows.
pub struct PassPage<'a> {
    /// The page's title: the pass's description, or "Your passes".
    pub title: &'a str,
    /// The passes, drawn (`pass_preview::fragment`); none when no pass can be drawn.
    pub passes: Vec<String>,
    /// One per wallet the link serves, in any order: the page puts the platform's first.
    pub buttons: Vec<WalletButton>,
    /// This page's own address, for the QR code shown on computers.
    pub page_url: &'a str,
    pub language: Language,
    pub platform: Platform,
}

/// The buttons in the order the platform wants them: Google Wallet first on Android, Apple
/// Wallet first everywhere else (iPhone, iPad, and Macs, whose Safari hands passes to the
/// iPhone).
pub fn ordered(mut buttons: Vec<WalletButton>, platform: Platform) -> Vec<WalletButton> {
    buttons.sort_by_key(|b| (b.wallet == Wallet::Google) != (platform == Platform::Android));
    buttons
}

fn button(button: &WalletButton, language: Language) -> String {
    let (class, glyph, words, media_type) = match button.wallet {
        Wallet::Apple => {
            ("apple-wallet", APPLE_WALLET_GLYPH, Words::AddToAppleWallet, " type=\"application/vnd.apple.pkpass\"")
        }
        Wallet::Google => ("google-wallet", GOOGLE_WALLET_GLYPH, Words::AddToGoogleWallet, ""),
    };
    format!(
        "<a class=\"wallet {class}\" href=\"{href}\"{media_type}>{glyph}<span>{words}</span></a>",
        href = escape_html(&button.href),
        words = escape_html(say(words, language)),
    )
}

/// The page a browser gets for a link: the pass (or passes) as it will look, a button per
/// wallet in the platform's order, and on a computer a QR code of the link for the phone.
/// No script, no remote asset.
pub fn pass_page(page: &PassPage) -> String {
    let language = page.language;
    let buttons: String =
        ordered(page.buttons.clone(), page.platform).iter().map(|b| button(b, language)).collect::<Vec<_>>().join("");
    let qr = if page.platform == Platform::Computer {
        let words = if page.passes.len() > 1 { Words::ScanForAll } else { Words::ScanWithPhone };
        format!(
            "<figure class=\"phone\">{}<figcaption>{}</figcaption></figure>",
            qr_svg(page.page_url, 160),
            escape_html(say(words, language))
        )
    } else {
        String::new()
    };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title><style>{PAGE_CSS}{PASS_PAGE_CSS}</style></head>\n<body><main>\n<h1>{title}</h1>\n{passes}\n\
<p class=\"wallets\">{buttons}</p>\n{qr}\n</main></body></html>\n",
        lang = language.code(),
        title = escape_html(page.title),
        passes = page.passes.concat(),
    )
}

/// A QR code of `text` (UTF-8) as inline SVG `size` pixels square (sized by CSS when 0),
/// labelled for screen readers; empty if the text is too long for a QR code.
pub(crate) fn qr_svg(text: &str, size: u32) -> String {
    let Some(symbol) = barcodes::encode(Symbology::Qr, text, Some("utf-8")) else { return String::new() };
    let svg = barcodes::svg(&symbol, "qr");
    if size == 0 { svg } else { svg.replacen("<svg", &format!("<svg width=\"{size}\" height=\"{size}\""), 1) }
}

/// Apple's badge: black, rounded, the Wallet cards beside the words.
const APPLE_WALLET_GLYPH: &str = "<svg aria-hidden=\"true\" width=\"28\" height=\"22\" viewBox=\"0 0 28 22\">\
<rect x=\"1\" y=\"1\" width=\"26\" height=\"20\" rx=\"4\" fill=\"#d9d9d9\"/>\
<rect x=\"1\" y=\"4\" width=\"26\" height=\"5\" fill=\"#34a853\"/><rect x=\"1\" y=\"7\" width=\"26\" height=\"5\" fill=\"#fbbc04\"/>\
<rect x=\"1\" y=\"10\" width=\"26\" height=\"5\" fill=\"#ea4335\"/><rect x=\"1\" y=\"13\" width=\"26\" height=\"8\" rx=\"3\" fill=\"#1d1d1f\"/></svg>";

/// Google's badge: black, rounded, the Google Wallet mark (its four coloured bands) beside the
/// words.
const GOOGLE_WALLET_GLYPH: &str = "<svg aria-hidden=\"true\" width=\"28\" height=\"22\" viewBox=\"0 0 28 22\">\
<rect x=\"2\" y=\"2\" width=\"24\" height=\"9\" rx=\"3\" fill=\"#ea4335\"/>\
<rect x=\"2\" y=\"6\" width=\"24\" height=\"9\" rx=\"3\" fill=\"#fbbc04\"/>\
<rect x=\"2\" y=\"10\" width=\"24\" height=\"9\" rx=\"3\" fill=\"#34a853\"/>\
<path d=\"M2 14h7.5a4.5 4.5 0 0 0 9 0H26v5a3 3 0 0 1-3 3H5a3 3 0 0 1-3-3z\" fill=\"#4285f4\"/></svg>";

const PASS_PAGE_CSS: &str = ".tessera-pass{margin:1rem auto}.wallets{display:flex;flex-direction:column;\
align-items:center;gap:.75rem}.wallet{display:inline-flex;align-items:center;gap:.6rem;min-width:15rem;\
justify-content:center;background:#000;color:#fff;border-radius:.6rem;padding:.7rem 1.2rem;text-decoration:none;\
font-weight:600}.google-wallet{border-radius:1.6rem}.wallet:focus-visible{outline:3px solid #0a84ff;outline-offset:3px}main{text-align:center}\
.phone{margin:2rem 0}.phone figcaption{font-size:.9rem;color:#3a3a3c}";

/// System fonts, dark text on white (contrast over 15:1), a readable measure.
const PAGE_CSS: &str = "body{font-family:system-ui,-apple-system,sans-serif;color:#1d1d1f;background:#fff;\
margin:0;line-height:1.5}main{max-width:32rem;margin:4rem auto;padding:0 1.25rem}h1{font-size:1.5rem;margin:0 0 1rem}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platform_s_wallet_comes_first() {
        let both = vec![
            WalletButton { wallet: Wallet::Google, href: "g".into() },
            WalletButton { wallet: Wallet::Apple, href: "a".into() },
        ];
        let first = |platform| ordered(both.clone(), platform)[0].wallet;
        assert_eq!(first(Platform::Android), Wallet::Google);
        assert_eq!(first(Platform::ApplePhone), Wallet::Apple);
        assert_eq!(first(Platform::Computer), Wallet::Apple);
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36";
        assert_eq!(Platform::of_user_agent(android), Platform::Android);
        assert_eq!(
            Platform::of_user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"),
            Platform::ApplePhone
        );
        assert_eq!(Platform::of_user_agent("Mozilla/5.0 (X11; Linux x86_64) Chrome/126"), Platform::Computer);
    }

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
