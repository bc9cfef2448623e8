//! Google Wallet: the issuer's service account, RS256 JWTs (save links and OAuth assertions),
//! the mapping of a rendered pass to a class and an object, and the walletobjects REST client.

pub mod account;
pub mod callback_message;
pub mod client;
pub mod jwt;
pub mod mapping;
pub mod modules;
pub mod translations;

pub use account::GoogleAccount;
pub use client::{GoogleEndpoints, WalletClient};
pub use mapping::{GoogleImages, GoogleInput, GoogleKind, GooglePass};

/// What can go wrong talking to Google (or preparing to).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoogleError {
    #[error("invalid Google service account: {0}")]
    InvalidAccount(String),
    #[error("Google Wallet answered {status}{}: {message}", reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default())]
    Rejected { status: u16, reason: Option<String>, message: String },
    #[error("Google Wallet could not be reached: {0}")]
    Unavailable(String),
}

impl GoogleError {
    /// Throttling, server errors and network trouble pass; anything else will fail again.
    pub fn retryable(&self) -> bool {
        match self {
            GoogleError::Rejected { status, .. } => *status == 429 || *status >= 500,
            GoogleError::Unavailable(_) => true,
            GoogleError::InvalidAccount(_) => false,
        }
    }
}
