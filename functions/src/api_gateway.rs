//! API Gateway's proxy events in, and its proxy responses out, for the route functions.
//! lambda_http reads the events; the responses are written here because lambda_http's own
//! conversion decodes text bodies by charset, which links a whole encoding library
//! (encoding_rs, about 0.2 MiB) into every function for bodies that are UTF-8 already.

use lambda_http::http::Response;
use lambda_http::lambda_runtime::LambdaEvent;
use lambda_http::request::{LambdaRequest, RequestOrigin};
use lambda_http::{Body, Request, RequestExt};
use serde_json::{Map, Value, json};
use tessera::app::App;
use tessera::http::{Route, handle};

/// Serves one event of `route`: the request as lambda_http reads it, the response as API
/// Gateway takes it.
pub async fn answer(app: &App, route: &'static Route, event: LambdaEvent<LambdaRequest>) -> Value {
    let LambdaEvent { payload, context } = event;
    let origin = payload.request_origin();
    let mut request: Request = payload.into();
    if let Some(trace) = context.xray_trace_id.as_deref()
        && let Ok(value) = lambda_http::http::HeaderValue::from_str(trace)
    {
        request.headers_mut().insert("x-amzn-trace-id", value);
    }
    let response = handle(app, route, request.with_lambda_context(context)).await;
    response_event(&origin, response)
}

/// A response as API Gateway wants it: HTTP APIs (payload 2.0) take cookies apart; REST APIs
/// and load balancers (1.0) take every header in `multiValueHeaders`. Binary bodies travel
/// base64-encoded.
pub fn response_event(origin: &RequestOrigin, response: Response<Body>) -> Value {
    let (parts, body) = response.into_parts();
    let v2 = matches!(origin, RequestOrigin::ApiGatewayV2);
    let mut headers = Map::new();
    let mut multi = Map::new();
    let mut cookies = Vec::new();
    for name in parts.headers.keys() {
        let values: Vec<&str> = parts.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
        if v2 && name == "set-cookie" {
            cookies.extend(values.iter().map(|v| json!(v)));
            continue;
        }
        headers.insert(name.to_string(), json!(values.join(",")));
        multi.insert(name.to_string(), json!(values));
    }
    let (body, base64) = match body {
        Body::Empty => (Value::Null, false),
        Body::Text(text) => (json!(text), false),
        Body::Binary(bytes) => {
            use base64::Engine;
            (json!(base64::engine::general_purpose::STANDARD.encode(bytes)), true)
        }
        // lambda_http's Body has no other kind today; anything new travels empty.
        _ => (Value::Null, false),
    };
    let mut event = json!({
        "statusCode": parts.status.as_u16(),
        "headers": headers,
        "multiValueHeaders": multi,
        "isBase64Encoded": base64,
    });
    if !body.is_null() {
        event["body"] = body;
    }
    if v2 {
        event["cookies"] = json!(cookies);
    }
    event
}
