//! Certificates (`/v1/certificates`) and `GET /v1/health`.

use lambda_http::http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde_json::{Value, json};

use crate::http::request::{id_param, json_body};
use crate::http::{ApiError, json_response, ok_json};
use crate::model::date::format_millis;
use crate::model::records::Millis;
use crate::service::App;
use crate::service::certificates::{self, Certificate, Holder};
use crate::service::health::{self, Check};

/// A certificate as the API shows it: what it is and when it expires, never its key.
fn certificate_json(certificate: &Certificate, now: Millis) -> Value {
    let mut view = json!({
        "id": certificate.id,
        "name": certificate.name,
        "createdAt": format_millis(certificate.created_at),
        "updatedAt": format_millis(certificate.updated_at),
    });
    match &certificate.holder {
        Holder::Apple { pass_type_id, team_id, subject, not_after } => {
            view["vendor"] = json!("apple");
            view["passTypeId"] = json!(pass_type_id);
            view["teamId"] = json!(team_id);
            view["subject"] = json!(subject);
            view["notAfter"] = json!(format_millis(*not_after));
            view["daysLeft"] = json!(certificate.days_left(now));
            view["expiring"] = json!(certificate.expiring(now));
            view["expired"] = json!(now > *not_after);
        }
        Holder::Google { issuer_id, client_email } => {
            view["vendor"] = json!("google");
            view["issuerId"] = json!(issuer_id);
            view["clientEmail"] = json!(client_email);
        }
    }
    view
}

/// `POST /v1/certificates`: a new certificate, or a renewal of its pass type's.
pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let created = certificates::create(app, json_body(&request)?).await?;
    ok_json(&certificate_json(&created, app.now()))
}

pub async fn list(app: &App, _request: Request) -> Result<Response<Body>, ApiError> {
    let now = app.now();
    let all = certificates::list(app).await?;
    let items: Vec<Value> = all.iter().map(|c| certificate_json(c, now)).collect();
    ok_json(&json!({"count": items.len(), "certificates": items}))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let found = certificates::get(app, id_param(&request, "certificateId")?).await?;
    ok_json(&certificate_json(&found, app.now()))
}

/// `PUT /v1/certificates/{certificateId}`: renews in place (same pass type).
pub async fn renew(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let renewed = certificates::renew(app, id_param(&request, "certificateId")?, json_body(&request)?).await?;
    ok_json(&certificate_json(&renewed, app.now()))
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "certificateId")?;
    certificates::delete(app, id).await?;
    ok_json(&json!({"status": "deleted", "id": id}))
}

fn check_json(check: &Check) -> Value {
    json!({"status": if check.ok { "ok" } else { "unreachable" }, "ms": check.millis})
}

/// `GET /v1/health`: 200 when storage answers (`status` is `warning` while a certificate is
/// expiring or expired), 503 when it does not.
pub async fn health(app: &App, _request: Request) -> Result<Response<Body>, ApiError> {
    let found = health::check(app).await;
    let now = app.now();
    let warnings: Vec<String> = found
        .certificates
        .iter()
        .filter(|c| c.expiring(now))
        .map(|c| match c.days_left(now) {
            Some(days) if days < 0 => format!("certificate {} ({}) has expired; renew it", c.id, c.name),
            Some(days) => format!("certificate {} ({}) expires in {days} days; renew it", c.id, c.name),
            None => format!("certificate {} ({}) is expiring", c.id, c.name),
        })
        .collect();
    let status = match (found.reachable(), warnings.is_empty()) {
        (false, _) => "unavailable",
        (true, false) => "warning",
        (true, true) => "ok",
    };
    let body = json!({
        "status": status,
        "checks": {"store": check_json(&found.store), "blobs": check_json(&found.blobs)},
        "certificates": found.certificates.iter().map(|c| certificate_json(c, now)).collect::<Vec<_>>(),
        "warnings": warnings,
    });
    let code = if found.reachable() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    Ok(json_response(code, &body))
}
