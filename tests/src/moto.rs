//! An AWS-API emulator for tests: moto_server (PyPI `moto[server]`) serving DynamoDB, S3 and
//! Secrets Manager over the real wire protocols on 127.0.0.1.
//!
//! `TESSERA_TEST_AWS_ENDPOINT` points at a running one (infra/test.sh starts it). Without it,
//! the first test that needs AWS starts `infra/moto_serial.py` (with `TESSERA_MOTO_PYTHON`
//! or the workspace's `.venv`) on a free port; a watchdog stops it when the tests exit.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region};
use tessera::aws::bootstrap::bootstrap;
use tessera::aws::{AwsClients, AwsResources, DynamoStore, S3Blobs, SecretsManagerSecrets};

use crate::aws_operations::OperationLog;
use crate::conformance::Backend;

pub fn endpoint() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        std::env::var("TESSERA_TEST_AWS_ENDPOINT").ok().filter(|e| !e.is_empty()).unwrap_or_else(start_moto)
    })
}

/// A Python with moto installed: `TESSERA_MOTO_PYTHON`, or the workspace's `.venv`.
fn moto_python() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TESSERA_MOTO_PYTHON") {
        return Some(PathBuf::from(path));
    }
    let venv = workspace().join(".venv/bin/python");
    let has_moto = Command::new(&venv).args(["-c", "import moto.server"]).output().is_ok_and(|o| o.status.success());
    has_moto.then_some(venv)
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn start_moto() -> String {
    let python = moto_python().unwrap_or_else(|| {
        panic!(
            "the AWS tests need moto: run `infra/test.sh` (installs it in .venv and starts it), \
             or set TESSERA_TEST_AWS_ENDPOINT to a running moto_server"
        )
    });
    let launcher = workspace().join("infra/moto_serial.py");
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port");
    let script = format!(
        "\"$0\" \"$1\" 127.0.0.1 {port} >/dev/null 2>&1 & moto=$!; trap 'kill $moto 2>/dev/null' EXIT; \
         while kill -0 {parent} 2>/dev/null && kill -0 $moto 2>/dev/null; do sleep 1; done",
        parent = std::process::id()
    );
    // The watchdog outlives every test and ends on its own when this process exits.
    static WATCHDOG: OnceLock<std::sync::Mutex<std::process::Child>> = OnceLock::new();
    let watchdog = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(&python)
        .arg(&launcher)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let _ = WATCHDOG.set(std::sync::Mutex::new(watchdog));
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    format!("http://127.0.0.1:{port}")
}

/// Clients for the emulator, as the SDK builds them from the standard AWS environment, noting
/// the operations each route or worker makes ([`crate::aws_operations`]).
pub async fn clients() -> AwsClients {
    clients_of(sdk_config().await)
}

/// [`clients`] reaching the emulator through `endpoint` (say, a [`crate::fault_proxy`]), with
/// the timeouts and the three attempts Tessera's own clients have; only the pause between
/// attempts is shorter (50 ms at first), so that a test can break hundreds of calls.
pub async fn clients_through(endpoint: &str) -> AwsClients {
    let retries = aws_config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(std::time::Duration::from_millis(50));
    let config = sdk_config_at(endpoint)
        .await
        .into_builder()
        .timeout_config(tessera::aws::config::timeouts())
        .retry_config(retries);
    clients_of(config.build())
}

fn clients_of(config: aws_config::SdkConfig) -> AwsClients {
    // Built as AwsClients::new builds them, each noting its operations.
    let s3 = aws_sdk_s3::config::Builder::from(&config).force_path_style(true).interceptor(OperationLog);
    AwsClients {
        dynamodb: aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&config).interceptor(OperationLog).build(),
        ),
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        secrets: aws_sdk_secretsmanager::Client::from_conf(
            aws_sdk_secretsmanager::config::Builder::from(&config).interceptor(OperationLog).build(),
        ),
        sqs: aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&config).interceptor(OperationLog).build(),
        ),
        scheduler: aws_sdk_scheduler::Client::from_conf(
            aws_sdk_scheduler::config::Builder::from(&config).interceptor(OperationLog).build(),
        ),
    }
}

/// Resource names no other test uses (tests share one emulator and run in parallel).
pub fn unique_resources() -> AwsResources {
    let suffix: String = (0..10).map(|_| (b'a' + rand::random_range(0..26u8)) as char).collect();
    AwsResources {
        table: format!("tessera-{suffix}"),
        bucket: format!("tessera-{suffix}"),
        blob_prefix: "blobs/".into(),
        secret_prefix: format!("tessera-{suffix}"),
        job_queue_url: None,
        callback_queue_url: None,
        timer_target: Some(tessera::aws::TimerTarget {
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:tessera-{suffix}-timer-worker"),
            role_arn: "arn:aws:iam::123456789012:role/tessera-scheduler".into(),
        }),
    }
}

/// The app on fresh, bootstrapped AWS resources on the emulator (reached by `clients`), assembled the way Lambdas
/// and `tessera serve --backend aws` assemble it.
pub async fn aws_app(clients: AwsClients, config: tessera::app::AppConfig) -> (tessera::app::App, AwsResources) {
    let mut resources = unique_resources();
    bootstrap(&clients, &resources).await.expect("bootstrap on the emulator");
    let queue = clients.sqs.create_queue().queue_name(&resources.table).send().await.expect("a queue on the emulator");
    resources.job_queue_url = queue.queue_url;
    (tessera::app::App::aws(&clients, &resources, config).with_dev_pki(), resources)
}

/// [`aws_app`] with a callback queue, as template.yaml gives the callback worker: callback
/// deliveries wait on it between attempts instead of being walked in the process.
pub async fn aws_app_with_callbacks(config: tessera::app::AppConfig) -> (tessera::app::App, AwsResources) {
    let clients = clients().await;
    let mut resources = unique_resources();
    bootstrap(&clients, &resources).await.expect("bootstrap on the emulator");
    let queue = clients.sqs.create_queue().queue_name(format!("{}-callbacks", resources.table)).send();
    resources.callback_queue_url = queue.await.expect("a queue on the emulator").queue_url;
    (tessera::app::App::aws(&clients, &resources, config).with_dev_pki(), resources)
}

/// Plays the EventBridge pipe of template.yaml (CallbackPipe): reads the table's stream on
/// the emulator from its start and sends each record that inserts a callback delivery (the
/// pipe's filter: `insert_filter_pattern`) to the callback queue, as the record's JSON, for
/// as long as `alive` holds.
pub fn feed_outbox_stream(alive: std::sync::Weak<tessera::app::App>, table: String, queue_url: String) {
    use aws_sdk_dynamodbstreams::types::ShardIteratorType;
    tokio::spawn(async move {
        let streams = streams_client().await;
        let sqs = clients().await.sqs;
        let listed = streams.list_streams().table_name(&table).send().await.expect("the table's stream");
        let arn = listed.streams()[0].stream_arn().expect("a stream ARN").to_string();
        let described = streams.describe_stream().stream_arn(&arn).send().await.expect("the stream's shards");
        let shards = described.stream_description().map(|d| d.shards().to_vec()).unwrap_or_default();
        let shard = shards[0].shard_id().expect("a shard id").to_string();
        // A fresh iterator each round, after the last record read: the emulator replaces a
        // table's shard when it rolls back a failed transaction, and an old iterator reads on
        // from the shard it was made for.
        let mut last: Option<String> = None;
        while alive.strong_count() > 0 {
            let iterator = streams.get_shard_iterator().stream_arn(&arn).shard_id(&shard);
            let iterator = match &last {
                None => iterator.shard_iterator_type(ShardIteratorType::TrimHorizon),
                Some(sequence) => {
                    iterator.shard_iterator_type(ShardIteratorType::AfterSequenceNumber).sequence_number(sequence)
                }
            };
            let records = match iterator.send().await.ok().and_then(|i| i.shard_iterator) {
                Some(iterator) => streams.get_records().shard_iterator(iterator).send().await.ok(),
                None => None,
            };
            for record in records.as_ref().map(|r| r.records()).unwrap_or_default() {
                let json = stream_record_json(record);
                let collection = tessera::model::document::Collection::CallbackDelivery;
                if tessera::aws::dynamo::inserted_document_id(&json, collection).is_some() {
                    let sent = sqs.send_message().queue_url(&queue_url).message_body(json.to_string()).send();
                    sent.await.expect("the pipe's send to the callback queue");
                }
                last = record.dynamodb().and_then(|d| d.sequence_number()).map(str::to_string).or(last);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
}

/// The SDK's configuration for the emulator, as the SDK builds it from the standard AWS
/// environment.
async fn sdk_config() -> aws_config::SdkConfig {
    sdk_config_at(endpoint()).await
}

async fn sdk_config_at(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(tessera::aws::http_client::sdk_http_client())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "tessera-tests"))
        .load()
        .await
}

async fn streams_client() -> aws_sdk_dynamodbstreams::Client {
    aws_sdk_dynamodbstreams::Client::new(&sdk_config().await)
}

/// A stream record as the pipe forwards it: the event's name and the item's keys.
fn stream_record_json(record: &aws_sdk_dynamodbstreams::types::Record) -> serde_json::Value {
    use aws_sdk_dynamodbstreams::types::AttributeValue;
    let keys: serde_json::Map<String, serde_json::Value> = record
        .dynamodb()
        .and_then(|d| d.keys())
        .into_iter()
        .flatten()
        .filter_map(|(name, value)| match value {
            AttributeValue::S(text) => Some((name.clone(), serde_json::json!({ "S": text }))),
            _ => None,
        })
        .collect();
    serde_json::json!({
        "eventID": record.event_id(),
        "eventName": record.event_name().map(|n| n.as_str()),
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": keys,
            "SequenceNumber": record.dynamodb().and_then(|d| d.sequence_number()),
        },
    })
}

/// Plays the callback queue's event source mapping (batches of five, partial batch
/// responses) for the callback worker's handler.
pub fn feed_callback_queue(app: std::sync::Weak<tessera::app::App>, queue_url: String) {
    feed_queue(app, queue_url, 5, |app, event| async move {
        let answer = tessera_functions::lambda::run_callback_event(&app, &event).await.map_err(|_| ())?;
        let failures = answer["batchItemFailures"].as_array().cloned().unwrap_or_default();
        Ok(failures.iter().filter_map(|f| f["itemIdentifier"].as_str().map(str::to_string)).collect())
    });
}

/// A fresh, bootstrapped AWS backend on the emulator.
pub async fn aws_backend() -> Backend {
    let clients = clients().await;
    let resources = unique_resources();
    bootstrap(&clients, &resources).await.expect("bootstrap on the emulator");
    Backend {
        store: Arc::new(DynamoStore::new(clients.dynamodb.clone(), &resources.table)),
        blobs: Arc::new(S3Blobs::new(clients.s3.clone(), &resources.bucket, &resources.blob_prefix)),
        secrets: Arc::new(SecretsManagerSecrets::new(clients.secrets.clone(), &resources.secret_prefix)),
        guard: Box::new(()),
    }
}

/// Plays the Lambda event source mapping for the job queue: each message goes to the job
/// worker's handler; a failed step stays, to be received again.
pub fn feed_job_queue(app: std::sync::Weak<tessera::app::App>, queue_url: String) {
    feed_queue(app, queue_url, 1, |app, event| async move {
        match tessera_functions::lambda::run_job_event(&app, &event).await {
            Ok(_) => Ok(Vec::new()),
            Err(_) => Err(()),
        }
    });
}

/// Plays a queue's Lambda event source mapping, for as long as the app lives: receives up to
/// `batch` messages from the emulator's queue, hands them to `handle` as an SQS event, and
/// deletes each one `handle` does not answer as failed (by message id; `Err`: all failed),
/// as `ReportBatchItemFailures` does.
fn feed_queue<F, Fut>(app: std::sync::Weak<tessera::app::App>, queue_url: String, batch: i32, handle: F)
where
    F: Fn(Arc<tessera::app::App>, serde_json::Value) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Vec<String>, ()>> + Send,
{
    tokio::spawn(async move {
        let sqs = clients().await.sqs;
        loop {
            if app.strong_count() == 0 {
                return;
            }
            // Short polls: a long poll would hold the one-request-at-a-time emulator.
            let received = sqs.receive_message().queue_url(&queue_url).max_number_of_messages(batch).send();
            let messages = match received.await {
                Ok(received) => received.messages.unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            if messages.is_empty() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            let Some(app) = app.upgrade() else { return };
            let records: Vec<serde_json::Value> = messages
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "messageId": m.message_id, "receiptHandle": m.receipt_handle, "body": m.body,
                        "eventSource": "aws:sqs", "awsRegion": "us-east-1",
                    })
                })
                .collect();
            let failed = handle(app, serde_json::json!({ "Records": records })).await;
            for message in &messages {
                let kept = match &failed {
                    Ok(failed) => message.message_id.as_ref().is_some_and(|id| failed.contains(id)),
                    Err(()) => true,
                };
                if let (false, Some(receipt)) = (kept, &message.receipt_handle) {
                    let _ = sqs.delete_message().queue_url(&queue_url).receipt_handle(receipt).send().await;
                }
            }
        }
    });
}
