//! Plain data types: pass.json, colors and Wallet dates.

pub mod callback;
pub mod color;
pub mod date;
pub mod decimal;
pub mod document;
pub mod google_modules;
pub mod pass;
pub mod problem;
pub mod public_ids;
pub mod segment;
pub mod semantics;
pub mod template;
pub mod trail;

pub use color::Rgb;
pub use date::{WalletDate, parse_wallet_date};
pub use pass::{
    Barcode, Beacon, Field, FieldGroup, Location, Nfc, ParseError, PassFields, PassJson, PassStyle, RelevantDate,
    UpcomingPassInformationEntry,
};
pub use problem::FieldProblem;
pub use semantics::SemanticTags;
pub mod records;
