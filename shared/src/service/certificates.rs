//! Certificates (`/v1/certificates`): Apple Pass Type ID identities (.p12) and the Google
//! Wallet service account, stored through the Secrets port; a record per certificate (a
//! document) says what it is and when it expires, never the key. Renewing keeps the record
//! and replaces the secret: the next signature uses the new identity, and passes signed
//! before keep working (Wallet checks a pass's signature when it is added or updated).
//!
//! From 30 days before a certificate expires a timer logs a warning each day; `GET
//! /v1/health` shows it; signing with an expired one is refused.

use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ServiceError;
use crate::google::GoogleAccount;
use crate::model::document::{Collection, Document, numeric_id};
use crate::model::records::{Millis, PageRequest, Sequence, TemplateQuery, Vendor};
use crate::pkpass::{IdentityError, SigningIdentity};
use crate::ports::timers::TimerJob;
use crate::ports::{StoreError, StoredGoogleAccount, StoredIdentity};
use crate::service::App;

/// Certificates a deployment keeps (listing reads them all).
pub const MAX_CERTIFICATES: usize = 500;
/// Warnings start this long before a certificate expires.
pub const WARN_BEFORE_MS: Millis = 30 * DAY_MS;
const DAY_MS: Millis = 24 * 3_600_000;
/// A .p12 as Keychain Access exports it is a few KB.
const MAX_P12_BYTES: usize = 64 * 1024;
const MAX_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum Holder {
    Apple { pass_type_id: String, team_id: String, subject: String, not_after: Millis },
    Google { issuer_id: String, client_email: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub id: u64,
    pub name: String,
    pub holder: Holder,
    pub created_at: Millis,
    pub updated_at: Millis,
    version: u64,
}

impl Certificate {
    pub fn vendor(&self) -> Vendor {
        match self.holder {
            Holder::Apple { .. } => Vendor::Apple,
            Holder::Google { .. } => Vendor::Google,
        }
    }

    /// When an Apple certificate stops signing (Google keys carry no date).
    pub fn not_after(&self) -> Option<Millis> {
        match self.holder {
            Holder::Apple { not_after, .. } => Some(not_after),
            Holder::Google { .. } => None,
        }
    }

    /// Whole days until it expires (negative once expired).
    pub fn days_left(&self, now: Millis) -> Option<i64> {
        self.not_after().map(|at| (at - now).div_euclid(DAY_MS))
    }

    /// Whether it expires within [`WARN_BEFORE_MS`] (or has).
    pub fn expiring(&self, now: Millis) -> bool {
        self.not_after().is_some_and(|at| at - now <= WARN_BEFORE_MS)
    }
}

/// The body of `POST /v1/certificates` and `PUT /v1/certificates/{id}`: for Apple, the .p12
/// (base64) and its password (and the WWDR intermediate as PEM if the .p12 lacks it); for
/// Google, the service account's JSON key and the issuer id.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertificateRequest {
    pub vendor: String,
    pub name: Option<String>,
    pub certificate: Option<String>,
    pub password: Option<String>,
    pub wwdr: Option<String>,
    pub issuer_id: Option<String>,
    pub service_account: Option<Value>,
}

/// What a request uploads, checked and ready to store.
enum Secret {
    Apple { pass_type_id: String, identity: StoredIdentity },
    Google(StoredGoogleAccount),
}

fn upload(request: &CertificateRequest) -> Result<(Secret, Holder), ServiceError> {
    match request.vendor.to_ascii_lowercase().as_str() {
        "apple" => {
            let text = request
                .certificate
                .as_deref()
                .ok_or_else(|| ServiceError::invalid("certificate", "is required: the .p12 file, base64-encoded"))?;
            let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let p12 = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|_| ServiceError::invalid("certificate", "is not base64"))?;
            if p12.len() > MAX_P12_BYTES {
                return Err(ServiceError::invalid("certificate", "is larger than a .p12 of one identity can be"));
            }
            let wwdr = request.wwdr.as_deref().map(str::as_bytes);
            let identity = SigningIdentity::from_p12(&p12, request.password.as_deref().unwrap_or(""), wwdr).map_err(
                |e| match e {
                    IdentityError::BadP12 => ServiceError::invalid("password", e.to_string()),
                    IdentityError::MissingWwdr => ServiceError::invalid(
                        "wwdr",
                        "is required: the .p12 does not include Apple's WWDR intermediate",
                    ),
                    IdentityError::NotIssuedByWwdr => ServiceError::invalid("wwdr", e.to_string()),
                    other => ServiceError::invalid("certificate", other.to_string()),
                },
            )?;
            let stored = StoredIdentity::from_identity(&identity)
                .map_err(|e| ServiceError::invalid("certificate", e.to_string()))?;
            let holder = Holder::Apple {
                pass_type_id: identity.pass_type_id().to_string(),
                team_id: identity.team_id().to_string(),
                subject: identity.certificate().subject_attribute(COMMON_NAME).unwrap_or_default(),
                not_after: identity.expires_at() * 1000,
            };
            let secret = Secret::Apple { pass_type_id: identity.pass_type_id().to_string(), identity: stored };
            Ok((secret, holder))
        }
        "google" => {
            let issuer_id = request.issuer_id.as_deref().map(str::trim).unwrap_or_default();
            if issuer_id.is_empty() || issuer_id.len() > 64 || !issuer_id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ServiceError::invalid("issuerId", "is required: the issuer id, digits only"));
            }
            let key = request.service_account.clone().ok_or_else(|| {
                ServiceError::invalid("serviceAccount", "is required: the service account's JSON key")
            })?;
            let stored = StoredGoogleAccount { issuer_id: issuer_id.to_string(), service_account: key };
            let account =
                GoogleAccount::load(&stored).map_err(|e| ServiceError::invalid("serviceAccount", e.to_string()))?;
            let holder = Holder::Google { issuer_id: account.issuer_id.clone(), client_email: account.client_email };
            Ok((Secret::Google(stored), holder))
        }
        _ => Err(ServiceError::invalid("vendor", "must be apple or google")),
    }
}

const COMMON_NAME: &str = "2.5.4.3";

fn name_of(request: &CertificateRequest, holder: &Holder) -> Result<String, ServiceError> {
    match request.name.as_deref() {
        Some(name) => super::check_name("name", name, MAX_NAME_CHARS),
        None => Ok(match holder {
            Holder::Apple { pass_type_id, .. } => pass_type_id.clone(),
            Holder::Google { client_email, .. } => client_email.clone(),
        }),
    }
}

fn body(certificate: &Certificate) -> Value {
    let mut body = json!({"name": certificate.name, "createdAt": certificate.created_at});
    match &certificate.holder {
        Holder::Apple { pass_type_id, team_id, subject, not_after } => {
            body["vendor"] = json!("apple");
            body["passTypeId"] = json!(pass_type_id);
            body["teamId"] = json!(team_id);
            body["subject"] = json!(subject);
            body["notAfter"] = json!(not_after);
        }
        Holder::Google { issuer_id, client_email } => {
            body["vendor"] = json!("google");
            body["issuerId"] = json!(issuer_id);
            body["clientEmail"] = json!(client_email);
        }
    }
    body
}

fn from_document(document: &Document) -> Result<Certificate, ServiceError> {
    let corrupt = || ServiceError::Internal(format!("stored certificate {} does not decode", document.id));
    let b = &document.body;
    let text = |key: &str| b[key].as_str().map(str::to_string).ok_or_else(corrupt);
    let holder = match b["vendor"].as_str() {
        Some("apple") => Holder::Apple {
            pass_type_id: text("passTypeId")?,
            team_id: text("teamId")?,
            subject: text("subject")?,
            not_after: b["notAfter"].as_i64().ok_or_else(corrupt)?,
        },
        Some("google") => Holder::Google { issuer_id: text("issuerId")?, client_email: text("clientEmail")? },
        _ => return Err(corrupt()),
    };
    Ok(Certificate {
        id: document.id.parse().map_err(|_| corrupt())?,
        name: text("name")?,
        holder,
        created_at: b["createdAt"].as_i64().ok_or_else(corrupt)?,
        updated_at: document.updated_at,
        version: document.version,
    })
}

/// Every certificate, by id.
pub async fn list(app: &App) -> Result<Vec<Certificate>, ServiceError> {
    let found = app.store.list_documents(Collection::Certificate, "", MAX_CERTIFICATES).await?;
    found.iter().map(from_document).collect()
}

pub async fn get(app: &App, id: u64) -> Result<Certificate, ServiceError> {
    let document = app.store.get_document(Collection::Certificate, &numeric_id(id)).await?;
    from_document(&document.ok_or(ServiceError::NotFound("certificate"))?)
}

/// The claim that makes one record per pass type (or Google account).
fn claim_key(holder: &Holder) -> String {
    match holder {
        Holder::Apple { pass_type_id, .. } => format!("apple:{pass_type_id}"),
        Holder::Google { .. } => "google".into(),
    }
}

/// The record already kept for what `holder` identifies (the pass type; the Google account).
fn same_holder(existing: &Certificate, holder: &Holder) -> bool {
    match (&existing.holder, holder) {
        (Holder::Apple { pass_type_id: a, .. }, Holder::Apple { pass_type_id: b, .. }) => a == b,
        (Holder::Google { .. }, Holder::Google { .. }) => true,
        _ => false,
    }
}

/// Uploads a certificate: a pass type (or Google account) already kept is renewed in place,
/// anything else gets a new record.
pub async fn create(app: &App, request: CertificateRequest) -> Result<Certificate, ServiceError> {
    let (secret, holder) = upload(&request)?;
    let name = name_of(&request, &holder)?;
    // Uploads of one pass type racing each other meet at its record: the losers renew it
    // after the winner, reading it again each time.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let all = list(app).await?;
        let existing = all.iter().find(|c| same_holder(c, &holder));
        if existing.is_none() && all.len() >= MAX_CERTIFICATES {
            return Err(ServiceError::Conflict(format!("a deployment keeps at most {MAX_CERTIFICATES} certificates")));
        }
        match store(app, existing, name.clone(), &secret, holder.clone()).await {
            Err(ServiceError::Conflict(_) | ServiceError::NotFound(_)) if attempt < CREATE_ATTEMPTS => {
                let pause = 10 * u64::from(attempt) + u64::from(rand::random::<u8>() % 20);
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

/// How often an upload racing others for one pass type tries.
const CREATE_ATTEMPTS: u32 = 6;

/// Renews a certificate in place: the upload must be for the same pass type (or Google).
pub async fn renew(app: &App, id: u64, request: CertificateRequest) -> Result<Certificate, ServiceError> {
    let (secret, holder) = upload(&request)?;
    let existing = get(app, id).await?;
    if !same_holder(&existing, &holder) {
        let what = match &existing.holder {
            Holder::Apple { pass_type_id, .. } => format!("pass type {pass_type_id}"),
            Holder::Google { .. } => "the Google Wallet account".to_string(),
        };
        return Err(ServiceError::invalid("certificate", format!("must be for {what}, which this certificate is for")));
    }
    let name = if request.name.is_some() { name_of(&request, &holder)? } else { existing.name.clone() };
    store(app, Some(&existing), name, &secret, holder).await
}

/// Writes the secret, then the record; sets the expiry warning's timer.
async fn store(
    app: &App,
    existing: Option<&Certificate>,
    name: String,
    secret: &Secret,
    holder: Holder,
) -> Result<Certificate, ServiceError> {
    match secret {
        Secret::Apple { pass_type_id, identity } => {
            app.secrets.put_signing_identity(pass_type_id, identity).await?;
            app.identities.forget(pass_type_id);
        }
        Secret::Google(account) => app.secrets.put_google_account(account).await?,
    }
    let now = app.now();
    let (id, created_at, expected) = match existing {
        Some(c) => (c.id, c.created_at, Some(c.version)),
        None => {
            let id = app.store.allocate_id(Sequence::Certificate).await?;
            let claim = json!({"id": id});
            match app.store.put_document(Collection::CertificateClaim, &claim_key(&holder), &claim, None, now).await {
                Ok(_) => (id, now, None),
                // Another upload of the same pass type made its record first: renew that one.
                Err(StoreError::Duplicate { .. }) => {
                    let claimed = app.store.get_document(Collection::CertificateClaim, &claim_key(&holder)).await?;
                    let winner = claimed.and_then(|c| c.body["id"].as_u64()).ok_or(ServiceError::Conflict(
                        "another upload of this certificate is under way; try again".into(),
                    ))?;
                    let current = get(app, winner).await?;
                    (current.id, current.created_at, Some(current.version))
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let mut certificate = Certificate { id, name, holder, created_at, updated_at: now, version: 0 };
    let written =
        app.store.put_document(Collection::Certificate, &numeric_id(id), &body(&certificate), expected, now).await?;
    certificate.version = written.version;
    follow_expiry(app, &certificate).await;
    Ok(certificate)
}

/// Sets the timer of the certificate's first expiry warning (a day's warning sets the next).
async fn follow_expiry(app: &App, certificate: &Certificate) {
    let (Some(timers), Some(not_after)) = (&app.timers, certificate.not_after()) else { return };
    let job = TimerJob::CertificateExpiry { certificate_id: certificate.id };
    // A minute ahead at the soonest: a one-time schedule is not set in the past.
    let at = (not_after - WARN_BEFORE_MS).max(app.now() + 60_000);
    if let Err(e) = timers.set(&job, at).await {
        tracing::error!(certificate = certificate.id, error = %e, "the certificate's expiry warning could not be set");
    }
}

/// The expiry timer fired: logs a warning (daily until it expires, then once more).
pub async fn warn_expiry(app: &App, id: u64) -> Result<(), ServiceError> {
    let certificate = match get(app, id).await {
        Err(ServiceError::NotFound(_)) => return Ok(()),
        other => other?,
    };
    let (Some(not_after), now) = (certificate.not_after(), app.now()) else { return Ok(()) };
    if !certificate.expiring(now) {
        follow_expiry(app, &certificate).await;
        return Ok(());
    }
    let days = certificate.days_left(now).unwrap_or_default();
    if now > not_after {
        tracing::error!(certificate = id, name = %certificate.name, "a signing certificate has expired; passes cannot be signed with it");
        return Ok(());
    }
    tracing::warn!(certificate = id, name = %certificate.name, days_left = days, "a signing certificate expires soon; renew it");
    let pass_type_id = match &certificate.holder {
        Holder::Apple { pass_type_id, .. } => Some(pass_type_id.as_str()),
        Holder::Google { .. } => None,
    };
    super::callbacks::certificate_event(app, id, pass_type_id, not_after).await;
    if let Some(timers) = &app.timers {
        let next = (now + DAY_MS).min(not_after + 1);
        let job = TimerJob::CertificateExpiry { certificate_id: id };
        timers.set(&job, next).await.map_err(|e| ServiceError::Internal(e.to_string()))?;
    }
    Ok(())
}

/// Deletes the certificate and its secret; refused while templates sign with it.
pub async fn delete(app: &App, id: u64) -> Result<(), ServiceError> {
    let certificate = get(app, id).await?;
    let users = templates_using(app, &certificate).await?;
    if users > 0 {
        return Err(ServiceError::Conflict(format!(
            "{users} templates use this certificate; delete them or give them another first"
        )));
    }
    match &certificate.holder {
        Holder::Apple { pass_type_id, .. } => {
            app.secrets.delete_signing_identity(pass_type_id).await?;
            app.identities.forget(pass_type_id);
        }
        Holder::Google { .. } => {
            app.secrets.delete_google_account().await?;
        }
    }
    app.store.delete_document(Collection::Certificate, &numeric_id(id)).await?;
    app.store.delete_document(Collection::CertificateClaim, &claim_key(&certificate.holder)).await?;
    if let Some(timers) = &app.timers
        && let Err(e) = timers.cancel(&TimerJob::CertificateExpiry { certificate_id: id }).await
    {
        tracing::warn!(certificate = id, error = %e, "a deleted certificate's timer could not be cancelled");
    }
    Ok(())
}

/// How many templates sign with the certificate (Apple: of its pass type; Google: any).
async fn templates_using(app: &App, certificate: &Certificate) -> Result<u64, ServiceError> {
    let mut count = 0;
    let mut page = PageRequest { page: 1, page_size: PageRequest::MAX_PAGE_SIZE, ..PageRequest::default() };
    loop {
        let found = app.store.list_templates(&TemplateQuery { project_id: None, page }).await?;
        count += found
            .items
            .iter()
            .filter(|t| match &certificate.holder {
                Holder::Apple { pass_type_id, .. } => {
                    t.vendor == Vendor::Apple && t.pass_type_id.as_deref() == Some(pass_type_id)
                }
                Holder::Google { .. } => t.vendor == Vendor::Google,
            })
            .count() as u64;
        if found.items.len() < page.page_size as usize {
            return Ok(count);
        }
        page.page += 1;
    }
}
