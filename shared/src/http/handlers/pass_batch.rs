//! `POST /v1/pass/batch`: up to [`MAX_PASSES`] passes of one template in one request, each
//! with its own result (what `POST /v1/pass/{templateId}` would have answered for it).

use lambda_http::http::Response;
use lambda_http::{Body, Request};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::request::{from_json_value, json_body};
use crate::http::views::{self, PassExtras};
use crate::http::{ApiError, ok_json};
use crate::service::pass_batch::{self, MAX_PASSES};
use crate::service::passes::PassRequest;
use crate::service::{App, number_or_text};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BatchBody {
    template_id: Option<Value>,
    passes: Option<Vec<Value>>,
}

pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let body: BatchBody = json_body(&request)?;
    let template_id = template_id(body.template_id.as_ref())?;
    let passes = body.passes.ok_or_else(|| ApiError::bad_request("passes", "is required: the pass requests"))?;
    if passes.is_empty() || passes.len() > MAX_PASSES {
        let message = format!("must hold 1 to {MAX_PASSES} passes, found {}", passes.len());
        return Err(ApiError::bad_request("passes", message));
    }
    // Items that are not pass requests get their error here; the rest go to be made.
    let mut results: Vec<Option<Value>> = Vec::with_capacity(passes.len());
    let mut requests = Vec::new();
    for (index, item) in passes.into_iter().enumerate() {
        match pass_request(item) {
            Ok(request) => {
                results.push(None);
                requests.push(request);
            }
            Err(e) => results.push(Some(failed(index, e))),
        }
    }
    let mut outcomes = pass_batch::create(app, template_id, requests).await?.into_iter();
    let now = app.now();
    let base = &app.config.public_url;
    let passes: Vec<Value> = results
        .into_iter()
        .enumerate()
        .map(|(index, result)| {
            result.unwrap_or_else(|| match outcomes.next() {
                Some(Ok(issued)) => {
                    let pass = views::pass(base, &issued.record, now, &PassExtras::default());
                    json!({"index": index, "status": 200, "pass": views::with_warnings(pass, &issued.warnings)})
                }
                Some(Err(e)) => failed(index, ApiError::from(e)),
                None => failed(index, ApiError::from(crate::service::ServiceError::Internal("no outcome".into()))),
            })
        })
        .collect();
    let created = passes.iter().filter(|p| p["status"] == 200).count();
    let failures = passes.len() - created;
    ok_json(&json!({"templateId": template_id, "created": created, "failed": failures, "passes": passes}))
}

fn template_id(given: Option<&Value>) -> Result<u64, ApiError> {
    let given = given.ok_or_else(|| ApiError::bad_request("templateId", "is required: the template of every pass"))?;
    number_or_text(given)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request("templateId", "must be a template id"))
}

/// One item read as the body of `POST /v1/pass/{templateId}`; a mistake names its path.
fn pass_request(item: Value) -> Result<PassRequest, ApiError> {
    if !item.is_object() {
        return Err(ApiError::bad_request("", "must be a JSON object (a pass request)"));
    }
    from_json_value(item, "")
}

/// An item's error, its field named from the batch's body (`passes[3].fields.seat`).
fn failed(index: usize, mut error: ApiError) -> Value {
    let within = error.field.take().filter(|f| !f.is_empty());
    error.field = Some(match within {
        Some(field) => format!("passes[{index}].{field}"),
        None => format!("passes[{index}]"),
    });
    json!({"index": index, "status": error.status.as_u16(), "error": error.error_json()})
}
