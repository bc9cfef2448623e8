//! What every Lambda binary runs: read the settings and build the app once per cold start
//! (the AWS adapters), then serve one route of the routes table through the same `handle`
//! the local server uses; or, for the stream-fed dispatcher, push the changes it is fed.

use std::convert::Infallible;
use std::sync::Arc;

use tessera::app::App;
use tessera::aws::AwsClients;
use tessera::aws::apns::ApnsPusher;
use tessera::aws::dynamo::stream::dispatch_stream_batch;
use tessera::config::{PusherKind, Settings};
use tessera::embedded::RecordingPusher;
use tessera::http::Route;
use tessera::work_unit;

use crate::telemetry::{self, LogFormat};

/// The app of a Lambda: AWS adapters named by the settings; `TESSERA_PUBLIC_URL` is the API's
/// public base (custom domain or stage URL).
async fn app(settings: &Settings) -> Result<App, lambda_http::Error> {
    let started = std::time::Instant::now();
    let public_url = settings.public_url.as_deref().ok_or("TESSERA_PUBLIC_URL is not set")?;
    let clients = AwsClients::from_function_env();
    clients.warm(&settings.aws.table).await;
    let app = App::aws(&clients, &settings.aws, settings.app_config(public_url));
    tracing::info!(init_ms = started.elapsed().as_secs_f64() * 1000.0, "ready");
    Ok(app)
}

/// The app of an API route's function. It dispatches no changes: the table's stream feeds the
/// dispatcher function, and a request's process may be frozen as soon as it has answered.
pub async fn route_app(settings: &Settings) -> Result<App, lambda_http::Error> {
    Ok(app(settings).await?.dispatching_elsewhere())
}

/// The app of the dispatcher function: it pushes through APNs, or only records with
/// `TESSERA_PUSHER=record`.
pub async fn dispatcher_app(settings: &Settings) -> Result<App, lambda_http::Error> {
    let app = app(settings).await?;
    Ok(match settings.pusher.unwrap_or(PusherKind::Apns) {
        PusherKind::Apns => {
            let apns = ApnsPusher::new(app.secrets.clone(), settings.apns.clone());
            app.with_pusher(Arc::new(apns))
        }
        PusherKind::Record => app.with_pusher(Arc::new(RecordingPusher::new())),
    })
}

/// Serves `route` on the Lambda runtime until it shuts the function down. Its app has no
/// pusher, so APNs's client is not even linked into the function.
pub async fn serve_route(route: &'static Route) -> Result<(), lambda_http::Error> {
    if route.sends_pushes() {
        return Err(format!("{} pushes to devices: serve it with serve_pushing_route", route.name).into());
    }
    telemetry::init(LogFormat::Json);
    let settings = Settings::from_env()?;
    serve_app(route, route_app(&settings).await?).await
}

/// Serves a route that pushes to devices in the request (it has the dispatcher's pusher).
pub async fn serve_pushing_route(route: &'static Route) -> Result<(), lambda_http::Error> {
    telemetry::init(LogFormat::Json);
    let settings = Settings::from_env()?;
    serve_app(route, dispatcher_app(&settings).await?).await
}

async fn serve_app(route: &'static Route, app: App) -> Result<(), lambda_http::Error> {
    use lambda_http::lambda_runtime::{self, LambdaEvent};
    use lambda_http::request::LambdaRequest;

    let app = Arc::new(app);
    lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<LambdaRequest>| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(crate::api_gateway::answer(&app, route, event).await) }
    }))
    .await
}

/// The push dispatcher: fed by the table's DynamoDB stream, it tells devices (APNs, or only
/// recorded with `TESSERA_PUSHER=record`) and Google about content changes of passes and
/// templates, away from the API path.
pub async fn serve_push_dispatcher() -> Result<(), lambda_http::Error> {
    use lambda_http::lambda_runtime::{self, LambdaEvent};

    telemetry::init(LogFormat::Json);
    let settings = Settings::from_env()?;
    let app = Arc::new(dispatcher_app(&settings).await?);
    lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let app = app.clone();
        async move { run_stream_event(&app, &event.payload).await }
    }))
    .await
}

/// Dispatches a stream batch; answers Lambda's partial batch response, so a change that fails
/// is retried from its record on without the ones before it.
pub async fn run_stream_event(app: &App, event: &serde_json::Value) -> Result<serde_json::Value, lambda_http::Error> {
    work_unit::run(work_unit::PUSH_DISPATCHER, dispatch_stream_event(app, event)).await
}

async fn dispatch_stream_event(app: &App, event: &serde_json::Value) -> Result<serde_json::Value, lambda_http::Error> {
    let dispatcher = app.dispatcher().ok_or("no dispatcher")?;
    let response = dispatch_stream_batch(event, |change| async move {
        let report = dispatcher.dispatch(change).await.map_err(|e| e.to_string())?;
        tracing::info!(
            ?change,
            delivered = report.delivered,
            dead = report.dead_tokens_removed,
            failed = report.failed,
            unanswered = report.unanswered,
            "dispatched"
        );
        // Lambda retries the change from its record (pushing again to the devices reached).
        match report.unanswered {
            0 => Ok(()),
            n => Err(format!("{n} pushes were not accepted yet")),
        }
    })
    .await?;
    Ok(response)
}

/// A worker function that changes passes (their pushes go out through the table's stream):
/// each invocation's event goes to `run` with the app built once.
async fn serve_worker<F, Fut>(run: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Arc<App>, serde_json::Value) -> Fut,
    Fut: std::future::Future<Output = Result<serde_json::Value, lambda_http::Error>>,
{
    use lambda_http::lambda_runtime::{self, LambdaEvent};

    telemetry::init(LogFormat::Json);
    let settings = Settings::from_env()?;
    let app = Arc::new(route_app(&settings).await?);
    lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<serde_json::Value>| {
        run(app.clone(), event.payload)
    }))
    .await
}

/// The job worker: fed by the job queue (SQS, one message a step), it runs bulk updates a
/// step at a time, each step queueing the next.
pub async fn serve_job_worker() -> Result<(), lambda_http::Error> {
    serve_worker(|app, event| async move { run_job_event(&app, &event).await.map(|_| serde_json::Value::Null) }).await
}

/// The timer worker: EventBridge Scheduler invokes it with a timer's job (a pass reaching its
/// expiration date).
pub async fn serve_timer_worker() -> Result<(), lambda_http::Error> {
    serve_worker(|app, event| async move { run_timer_event(&app, &event).await.map(|_| serde_json::Value::Null) }).await
}

/// The callback worker: fed by the callback queue (each new delivery, from the table's
/// stream through EventBridge Pipes, and each retry), it makes one attempt per message.
pub async fn serve_callback_worker() -> Result<(), lambda_http::Error> {
    serve_worker(|app, event| async move { run_callback_event(&app, &event).await }).await
}

/// Attempts the deliveries an SQS event names and answers the partial batch response: a
/// message whose attempt could not be recorded (the store or the queue failing, not the
/// receiver) comes back by SQS's own retry, and after a few, the dead-letter queue.
pub async fn run_callback_event(app: &App, event: &serde_json::Value) -> Result<serde_json::Value, lambda_http::Error> {
    work_unit::run(work_unit::CALLBACK_DRAIN, run_callback_messages(app, event)).await
}

async fn run_callback_messages(app: &App, event: &serde_json::Value) -> Result<serde_json::Value, lambda_http::Error> {
    let mut failures = Vec::new();
    for record in event["Records"].as_array().into_iter().flatten() {
        let body = record["body"].as_str().unwrap_or_default();
        let Some(delivery) = tessera::aws::sqs_deliveries::delivery_of_message(body) else {
            tracing::warn!("a callback queue message names no delivery; dropped");
            continue;
        };
        match tessera::service::callbacks::run_delivery(app, &delivery).await {
            Ok(attempt) => tracing::info!(delivery, ?attempt, "callback attempt"),
            Err(error) => {
                tracing::warn!(delivery, %error, "a callback attempt could not be recorded; SQS brings it back");
                failures.push(serde_json::json!({"itemIdentifier": record["messageId"]}));
            }
        }
    }
    Ok(serde_json::json!({"batchItemFailures": failures}))
}

/// Runs the job a schedule's input carries. A failure fails the invocation, so EventBridge
/// Scheduler retries it.
pub async fn run_timer_event(app: &App, event: &serde_json::Value) -> Result<(), lambda_http::Error> {
    work_unit::run(work_unit::TIMER_WORKER, run_timer_job(app, event)).await
}

async fn run_timer_job(app: &App, event: &serde_json::Value) -> Result<(), lambda_http::Error> {
    let job: tessera::ports::TimerJob = serde_json::from_value(event.clone())?;
    tessera::service::timers::run(app, &job).await?;
    tracing::info!(?job, "ran a timer's job");
    Ok(())
}

/// Runs the steps an SQS event carries; answers how many ran. A step that fails fails the
/// event, so SQS delivers it again (and dead-letters it after a few tries).
pub async fn run_job_event(app: &App, event: &serde_json::Value) -> Result<usize, lambda_http::Error> {
    work_unit::run(work_unit::JOB_WORKER, run_job_steps(app, event)).await
}

async fn run_job_steps(app: &App, event: &serde_json::Value) -> Result<usize, lambda_http::Error> {
    let mut ran = 0;
    for record in event["Records"].as_array().into_iter().flatten() {
        let body = record["body"].as_str().ok_or("an SQS record without a body")?;
        let step: tessera::ports::JobStep = serde_json::from_str(body)?;
        tessera::service::bulk_updates::run_step(app, step).await?;
        tracing::info!(ticket = step.ticket_id, after = step.after_pass_id, "ran a bulk update step");
        ran += 1;
    }
    Ok(ran)
}
