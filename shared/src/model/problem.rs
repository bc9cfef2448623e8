//! What is wrong with an input, by where it is in the request.

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
