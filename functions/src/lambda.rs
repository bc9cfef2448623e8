//! What every Lambda binary runs: build the app once per cold start from the environment
//! (the AWS adapters, APNs pushes off the API path), then serve one route of the routes table
//! through the same `handle` the local server uses.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Request, service_fn};
use tessera::app::{App, AppConfig};
use tessera::aws::{AwsClients, AwsResources, DynamoStore, S3Blobs, SecretsManagerSecrets};
use tessera::http::{ROUTES, Route, handle};
use tessera::ports::SystemClock;

/// The app of a Lambda: AWS adapters named by the environment; `TESSERA_PUBLIC_URL` is the
/// API's public base (custom domain or stage URL). Pushes are dispatched from the table's
/// stream by their own function, so API functions only record.
pub async fn app_from_env() -> Result<App, lambda_http::Error> {
    let public_url = std::env::var("TESSERA_PUBLIC_URL").map_err(|_| "TESSERA_PUBLIC_URL is not set")?;
    let clients = AwsClients::new(&tessera::aws::config::sdk_config_from_env().await);
    let names = AwsResources::from_env();
    Ok(App::new(
        Arc::new(DynamoStore::new(clients.dynamodb.clone(), &names.table)),
        Arc::new(S3Blobs::new(clients.s3.clone(), &names.bucket, &names.blob_prefix)),
        Arc::new(SecretsManagerSecrets::new(clients.secrets.clone(), &names.secret_prefix)),
        Arc::new(SystemClock),
        AppConfig::new(&public_url).with_env(),
    ))
}

pub fn route(name: &str) -> Result<&'static Route, lambda_http::Error> {
    ROUTES.iter().find(|r| r.name == name).ok_or_else(|| format!("no route named {name}").into())
}

/// Serves `route_name` on the Lambda runtime until it shuts the function down.
pub async fn serve_route(route_name: &str) -> Result<(), lambda_http::Error> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().json().with_env_filter(filter).try_init();
    let route = route(route_name)?;
    let mut app = app_from_env().await?;
    // The stream-fed dispatcher writes changes to Google; a request's process may be frozen
    // as soon as it has answered.
    app.dispatcher = app.dispatcher.without_google();
    let app = Arc::new(app);
    lambda_http::run(service_fn(move |request: Request| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(handle(&app, route, request).await) }
    }))
    .await
}

/// The push dispatcher: fed by the table's DynamoDB stream, it sends APNs pushes for content
/// changes of passes and templates (see `tessera::service::stream`), away from the API path.
pub async fn serve_push_dispatcher() -> Result<(), lambda_http::Error> {
    use lambda_http::lambda_runtime::{self, LambdaEvent};
    use tessera::aws::apns::{ApnsOptions, ApnsPusher};
    use tessera::service::stream::changes_from_stream;

    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().json().with_env_filter(filter).try_init();
    let app = app_from_env().await?;
    let pusher = Arc::new(ApnsPusher::new(app.secrets.clone(), ApnsOptions::from_env()));
    let app = Arc::new(app.with_pusher(pusher));
    lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let app = app.clone();
        async move {
            for change in changes_from_stream(&event.payload) {
                let report = app.dispatcher.dispatch(change).await?;
                tracing::info!(
                    ?change,
                    delivered = report.delivered,
                    dead = report.dead_tokens_removed,
                    failed = report.failed,
                    "dispatched"
                );
            }
            Ok::<(), lambda_http::Error>(())
        }
    }))
    .await
}
