//! What a file in a pass bundle is, judged by its path, and the checks on its bytes.

use super::issue::Issues;
use super::strings::parse_strings;
use crate::model::PassStyle;

pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The images Wallet reads, by base name (without `@2x`/`@3x` and `.png`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImageName {
    Icon,
    Logo,
    Strip,
    Thumbnail,
    Background,
    Footer,
    PersonalizationLogo,
    /// Poster event tickets (iOS 18) and poster generic passes: the artwork and the logos
    /// drawn over it.
    Artwork,
    PrimaryLogo,
    SecondaryLogo,
}

impl ImageName {
    const ALL: [ImageName; 10] = [
        Self::Icon,
        Self::Logo,
        Self::Strip,
        Self::Thumbnail,
        Self::Background,
        Self::Footer,
        Self::PersonalizationLogo,
        Self::Artwork,
        Self::PrimaryLogo,
        Self::SecondaryLogo,
    ];

    pub fn base(self) -> &'static str {
        match self {
            Self::Icon => "icon",
            Self::Logo => "logo",
            Self::Strip => "strip",
            Self::Thumbnail => "thumbnail",
            Self::Background => "background",
            Self::Footer => "footer",
            Self::PersonalizationLogo => "personalizationLogo",
            Self::Artwork => "artwork",
            Self::PrimaryLogo => "primaryLogo",
            Self::SecondaryLogo => "secondaryLogo",
        }
    }

    /// The size Wallet lays this image out at, in points (pixels at @1x; twice that at
    /// @2x, three times at @3x), from Apple's pass design guide and Pass Builder's slots.
    pub fn expected_size(self, style: PassStyle) -> ImageSize {
        use ImageSize::*;
        match self {
            Self::Icon => Square { min: 29 },
            Self::Logo => AtMost { width: 160, height: 50 },
            Self::Strip => match style {
                PassStyle::EventTicket => AtMost { width: 375, height: 98 },
                PassStyle::Coupon | PassStyle::StoreCard => AtMost { width: 375, height: 144 },
                _ => AtMost { width: 375, height: 123 },
            },
            Self::Thumbnail => AtMost { width: 90, height: 90 },
            Self::Background => AtMost { width: 345, height: 505 },
            Self::Footer => AtMost { width: 286, height: 15 },
            Self::PersonalizationLogo => AtMost { width: 150, height: 40 },
            Self::Artwork => AtMost { width: 358, height: 448 },
            Self::PrimaryLogo => AtMost { width: 126, height: 30 },
            Self::SecondaryLogo => AtMost { width: 135, height: 12 },
        }
    }

    /// Whether a pass of `style` shows this image (personalizationLogo is checked separately).
    pub fn allowed_for(self, style: PassStyle) -> bool {
        use ImageName::*;
        match self {
            Icon | Logo | PersonalizationLogo => true,
            Artwork | PrimaryLogo | SecondaryLogo => matches!(style, PassStyle::EventTicket | PassStyle::Generic),
            Strip => matches!(style, PassStyle::Coupon | PassStyle::EventTicket | PassStyle::StoreCard),
            Thumbnail => matches!(style, PassStyle::EventTicket | PassStyle::Generic),
            Background => style == PassStyle::EventTicket,
            Footer => style == PassStyle::BoardingPass,
        }
    }
}

/// How big an image should be, in points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSize {
    /// Square, and at least this many points a side (Wallet scales it down, not up).
    Square { min: u32 },
    /// No larger than this: Wallet scales larger images down, wasting every download.
    AtMost { width: u32, height: u32 },
}

impl ImageSize {
    /// Why an image of `width`×`height` pixels at `scale` is off, if it is.
    pub fn mismatch(self, width: u32, height: u32, scale: u32) -> Option<String> {
        let at = |points: u32| points * scale;
        match self {
            ImageSize::Square { min } if width != height || width < at(min) => Some(format!(
                "is {width}×{height} px; Wallet expects a square of at least {0}×{0} px at @{scale}x",
                at(min)
            )),
            ImageSize::AtMost { width: w, height: h } if width > at(w) || height > at(h) => Some(format!(
                "is {width}×{height} px; Wallet shows at most {}×{} px at @{scale}x and scales the rest away",
                at(w),
                at(h)
            )),
            _ => None,
        }
    }
}

/// A file of a pass bundle, classified by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetKind {
    /// `scale`: 1, 2 or 3 (`@2x`, `@3x`).
    Image {
        name: ImageName,
        scale: u32,
        lproj: Option<String>,
    },
    Strings {
        lproj: String,
    },
    Personalization,
}

/// Classifies a bundle path, or says why Wallet would not read it.
pub fn classify(path: &str) -> Result<AssetKind, String> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["pass.json" | "manifest.json" | "signature"] => {
            Err("is generated by Tessera and cannot be supplied as an asset".into())
        }
        ["personalization.json"] => Ok(AssetKind::Personalization),
        [file] => image_name(file).map(|(name, scale)| AssetKind::Image { name, scale, lproj: None }),
        [dir, file] => {
            let lang = dir
                .strip_suffix(".lproj")
                .filter(|l| is_language_tag(l))
                .ok_or_else(|| "folders must be localizations named like en.lproj or zh-Hans.lproj".to_string())?;
            if *file == "pass.strings" {
                return Ok(AssetKind::Strings { lproj: lang.to_string() });
            }
            image_name(file).map(|(name, scale)| AssetKind::Image { name, scale, lproj: Some(lang.to_string()) })
        }
        _ => Err("is nested too deep: only top-level files and <lang>.lproj/ folders are read".into()),
    }
}

fn image_name(file: &str) -> Result<(ImageName, u32), String> {
    let unknown = || {
        let names: Vec<String> = ImageName::ALL.iter().map(|n| format!("{}.png", n.base())).collect();
        format!("is not a file Wallet reads; images are {} (optionally @2x/@3x)", names.join(", "))
    };
    let stem = file.strip_suffix(".png").ok_or_else(unknown)?;
    let (base, scale) = match (stem.strip_suffix("@2x"), stem.strip_suffix("@3x")) {
        (Some(base), _) => (base, 2),
        (_, Some(base)) => (base, 3),
        _ => (stem, 1),
    };
    let name = ImageName::ALL.into_iter().find(|n| n.base() == base).ok_or_else(unknown)?;
    Ok((name, scale))
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let first_ok =
        parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks the bytes of one asset whose kind is known; an image's size in pixels comes back.
pub(crate) fn check_content(path: &str, kind: &AssetKind, bytes: &[u8], v: &mut Issues) -> Option<(u32, u32)> {
    match kind {
        AssetKind::Image { .. } => match super::png_inspect::inspect_png(bytes) {
            Ok(png) => return Some((png.width, png.height)),
            Err(reason) => v.fail(path, reason),
        },
        AssetKind::Strings { .. } => {
            if let Err(e) = parse_strings(bytes) {
                v.fail(path, e);
            }
        }
        AssetKind::Personalization => check_personalization(path, bytes, v),
    }
    None
}

pub const PERSONALIZATION_FIELDS: [&str; 4] = [
    "PKPassPersonalizationFieldName",
    "PKPassPersonalizationFieldPostalCode",
    "PKPassPersonalizationFieldEmailAddress",
    "PKPassPersonalizationFieldPhoneNumber",
];

fn check_personalization(path: &str, bytes: &[u8], v: &mut Issues) {
    let json: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(json) => json,
        Err(e) => return v.fail(path, format!("is not valid JSON: {e}")),
    };
    let at = |key: &str| format!("{path}: {key}");
    match json.get("requiredPersonalizationFields").and_then(|f| f.as_array()) {
        Some(fields) if !fields.is_empty() => {
            for (i, field) in fields.iter().enumerate() {
                let known = field.as_str().is_some_and(|f| PERSONALIZATION_FIELDS.contains(&f));
                v.check(
                    known,
                    || at(&format!("requiredPersonalizationFields[{i}]")),
                    format!("must be one of {}", PERSONALIZATION_FIELDS.join(", ")),
                );
            }
        }
        _ => v.fail(at("requiredPersonalizationFields"), "must be a non-empty array"),
    }
    let description = json.get("description").and_then(|d| d.as_str()).is_some_and(|d| !d.trim().is_empty());
    v.check(description, || at("description"), "is required");
    if let Some(terms) = json.get("termsAndConditions") {
        v.check(terms.is_string(), || at("termsAndConditions"), "must be a string");
    }
}
