use crate::ports::{BlobError, SecretError, StoreError};

/// A problem with one input field, named by its path in the request (`fields.Seat.value`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldProblem {
        FieldProblem { field: field.into(), message: message.into() }
    }
}

/// What a use case can answer besides success; the HTTP layer maps each to a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid request: {}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Gone(String),
    /// The deployment lacks what this needs (say, a Google Wallet account); the text says how to add it.
    #[error("{0}")]
    NotConfigured(String),
    /// Another service (Google Wallet) refused or could not be reached; the text names it.
    #[error("{0}")]
    Upstream(String),
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
        }
    }
}

impl From<BlobError> for ServiceError {
    fn from(e: BlobError) -> Self {
        ServiceError::Internal(e.to_string())
    }
}

impl From<SecretError> for ServiceError {
    fn from(e: SecretError) -> Self {
        ServiceError::Internal(e.to_string())
    }
}
