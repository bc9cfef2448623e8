//! Documents: small JSON records kept by collection and id, each with a version that every
//! write names (segments, schedules, certificates). The store only keeps and orders them; what a body
//! means belongs to the use case of its collection.

use serde_json::Value;

use crate::model::records::Millis;

/// The kinds of documents, each a collection of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Segment,
    Schedule,
    Certificate,
    /// Which certificate holds a pass type (or the Google account): one each, however
    /// uploads race.
    CertificateClaim,
    /// A project's callback settings (by project id): where events go, headers, secrets.
    CallbackSettings,
    /// Callback deliveries still to make (the outbox): delivered ones are removed.
    CallbackDelivery,
    /// Deliveries given up on, with their last error, until re-sent or the project's
    /// callbacks are removed.
    DeadCallback,
    /// A dynamic link's pass being made (by link token): one opener makes it, racing ones
    /// wait for it instead of making passes to throw away.
    LinkMint,
}

impl Collection {
    pub fn as_str(self) -> &'static str {
        match self {
            Collection::Segment => "segment",
            Collection::Schedule => "schedule",
            Collection::Certificate => "certificate",
            Collection::CertificateClaim => "certificateClaim",
            Collection::CallbackSettings => "callbackSettings",
            Collection::CallbackDelivery => "callbackDelivery",
            Collection::DeadCallback => "deadCallback",
            Collection::LinkMint => "linkMint",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Unique in its collection; collections list in the string order of ids.
    pub id: String,
    /// 1 when created, one more with each write.
    pub version: u64,
    pub body: Value,
    pub updated_at: Millis,
}

/// A numeric id as a document id whose string order is numeric order.
pub fn numeric_id(id: u64) -> String {
    format!("{id:020}")
}
