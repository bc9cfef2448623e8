use crate::ports::{BlobError, SecretError, StoreError};

pub use crate::model::FieldProblem;

/// A pass that a template change would break, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenPass {
    pub pass_id: u64,
    pub problems: Vec<FieldProblem>,
}

/// Why a public or dynamic link gives no pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    Unknown,
    /// A single-use link already used.
    Used,
    Expired,
    /// An adaptive link that has made all the passes it may.
    Exhausted,
}

/// What a use case can answer besides success; the HTTP layer maps each to a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid request: {}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A device's pass token is missing or wrong (or names no pass).
    #[error("missing or wrong ApplePass/AndroidPass token")]
    Unauthorized,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Gone(String),
    /// A link that gives no pass (the holder's page names why).
    #[error("{0:?} link")]
    LinkRefused(LinkRefusal),
    /// A template change refused because passes of the template would no longer render:
    /// how many, and the first few with their problems.
    #[error("the change would break {count} passes of the template")]
    BreaksPasses { count: usize, first: Vec<BrokenPass> },
    /// The deployment lacks what this needs (say, a Google Wallet account); the text says how to add it.
    #[error("{0}")]
    NotConfigured(String),
    /// Another service (Google Wallet) refused or could not be reached; the text names it.
    #[error("{0}")]
    Upstream(String),
    /// Too much from one source: it may try again after this many seconds.
    #[error("too many requests from this source; try again in {0} s")]
    RateLimited(u64),
    /// A service Tessera stores in (the database, the blob or secret store) did not answer
    /// in time or is busy: the caller may try again. The text goes to logs only.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Our fault; the text goes to logs only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(vec![FieldProblem::new(field, message)])
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ServiceError::NotFound(what),
            StoreError::Conflict(what) => {
                ServiceError::Conflict(format!("the {what} was changed by another request; reload it and try again"))
            }
            StoreError::Duplicate { what, key } => ServiceError::Conflict(format!("{what} `{key}` already exists")),
            StoreError::Backend(message) => ServiceError::Internal(message),
            StoreError::Unavailable(message) => ServiceError::Unavailable(message),
        }
    }
}

impl From<BlobError> for ServiceError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::Unavailable(_) => ServiceError::Unavailable(e.to_string()),
            _ => ServiceError::Internal(e.to_string()),
        }
    }
}

impl From<SecretError> for ServiceError {
    fn from(e: SecretError) -> Self {
        match e {
            SecretError::Unavailable(_) => ServiceError::Unavailable(e.to_string()),
            _ => ServiceError::Internal(e.to_string()),
        }
    }
}
