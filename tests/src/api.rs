//! A real Tessera server for HTTP tests: `tessera serve`'s own code on a free 127.0.0.1
//! port, on the embedded backend (a temporary folder) or the AWS one (moto).

use std::sync::Arc;

use base64::Engine;
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{Value, json};
use tessera::app::{App, AppConfig};
use tessera::service::api_keys::ensure_initial_key;

use crate::counting::{Calls, CountingBlobs, CountingStore};
use tokio::sync::oneshot;

pub const KEY_ID: &str = "test-key";
pub const SECRET: &str = "test-secret-0123456789abcdef";

pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub app: Arc<App>,
    /// What the server would have pushed to APNs.
    pub pusher: Arc<tessera::embedded::RecordingPusher>,
    pub data_dir: Option<tempfile::TempDir>,
    /// The AWS backend's resources on the emulator.
    pub aws: Option<tessera::aws::AwsResources>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn embedded() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let (listener, base) = listen().await;
        let app = App::embedded(dir.path(), AppConfig::new(&base)).unwrap();
        TestServer::start(listener, base, app, Some(dir)).await
    }

    /// The embedded backend with every store call and every blob-store call counted (the
    /// counts see through the in-memory caches to the backend).
    pub async fn embedded_counted() -> (TestServer, Arc<Calls>, Arc<Calls>) {
        let dir = tempfile::tempdir().unwrap();
        let (listener, base) = listen().await;
        let (store_calls, blob_calls) = (Arc::new(Calls::default()), Arc::new(Calls::default()));
        let sqlite = tessera::embedded::SqliteStore::open(&dir.path().join("tessera.db")).unwrap();
        let store = CountingStore { inner: Arc::new(sqlite), calls: store_calls.clone() };
        let files = tessera::embedded::FileBlobs::new(&dir.path().join("blobs"));
        let blobs = CountingBlobs { inner: Arc::new(files), calls: blob_calls.clone() };
        let secrets = tessera::embedded::FileSecrets::new(&dir.path().join("identities"));
        let mut config = AppConfig::new(&base);
        config.dev_pki_dir = Some(dir.path().join("pki"));
        let app = tessera::app::assemble(Arc::new(store), Arc::new(blobs), Arc::new(secrets), config).with_dev_pki();
        (TestServer::start(listener, base, app, Some(dir)).await, store_calls, blob_calls)
    }

    /// The embedded backend with a configuration the test adjusts.
    pub async fn embedded_configured(adjust: impl FnOnce(&mut AppConfig)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let (listener, base) = listen().await;
        let mut config = AppConfig::new(&base);
        config.dev_pki_dir = Some(dir.path().join("pki"));
        adjust(&mut config);
        let app = App::embedded(dir.path(), config).unwrap();
        TestServer::start(listener, base, app, Some(dir)).await
    }

    /// The embedded backend on a clock the test sets.
    pub async fn embedded_with_clock(clock: Arc<tessera::ports::ManualClock>) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let (listener, base) = listen().await;
        let mut app = App::embedded(dir.path(), AppConfig::new(&base)).unwrap();
        app.clock = clock;
        TestServer::start(listener, base, app, Some(dir)).await
    }

    pub async fn aws() -> TestServer {
        TestServer::aws_configured(|_| {}).await
    }

    /// The AWS backend (on moto) with a configuration the test adjusts.
    pub async fn aws_configured(adjust: impl FnOnce(&mut AppConfig)) -> TestServer {
        TestServer::aws_on(crate::moto::clients().await, adjust).await
    }

    /// The AWS backend reaching the emulator through `endpoint` (a [`crate::fault_proxy`]),
    /// sending callbacks to local receivers. Its callback deliveries wait on a queue between
    /// attempts, as the callback worker's do, and nothing in the process drains them: the
    /// test runs the worker.
    pub async fn aws_through(endpoint: &str) -> TestServer {
        let clients = crate::moto::clients_through(endpoint).await;
        let (listener, base) = listen().await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = local_receivers(AppConfig::new(&base));
        config.dev_pki_dir = Some(dir.path().join("pki"));
        let (app, mut resources) = crate::moto::aws_app(clients.clone(), config).await;
        let queue = clients.sqs.create_queue().queue_name(format!("{}-callbacks", resources.table)).send().await;
        let queue = queue.expect("a queue on the emulator").queue_url.expect("its URL");
        let deliveries = tessera::aws::SqsDeliveryQueue::new(clients.sqs.clone(), &queue);
        let app = app.with_delivery_queue(Arc::new(deliveries));
        resources.callback_queue_url = Some(queue);
        let mut server = TestServer::start(listener, base, app, Some(dir)).await;
        server.aws = Some(resources);
        server
    }

    async fn aws_on(clients: tessera::aws::AwsClients, adjust: impl FnOnce(&mut AppConfig)) -> TestServer {
        let (listener, base) = listen().await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = AppConfig::new(&base);
        config.dev_pki_dir = Some(dir.path().join("pki"));
        adjust(&mut config);
        let (app, resources) = crate::moto::aws_app(clients, config).await;
        let mut server = TestServer::start(listener, base, app, Some(dir)).await;
        server.aws = Some(resources);
        server
    }

    /// The embedded backend on a clock the test sets, sending callbacks to local receivers
    /// (plain http, loopback: the operator's flag for local testing).
    pub async fn embedded_for_callbacks(clock: Arc<tessera::ports::ManualClock>) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let (listener, base) = listen().await;
        let mut app = App::embedded(dir.path(), local_receivers(AppConfig::new(&base))).unwrap();
        app.clock = clock;
        TestServer::start(listener, base, app, Some(dir)).await
    }

    /// The AWS backend on a clock the test sets, its callbacks going as template.yaml sends
    /// them: each new delivery from the table's stream (the pipe, played by the test kit) to
    /// the callback queue (SQS on moto), whose messages the callback worker's handler takes.
    pub async fn aws_for_callbacks(clock: Arc<tessera::ports::ManualClock>) -> TestServer {
        let (listener, base) = listen().await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = local_receivers(AppConfig::new(&base));
        config.dev_pki_dir = Some(dir.path().join("pki"));
        let (mut app, resources) = crate::moto::aws_app_with_callbacks(config).await;
        app.clock = clock;
        let mut server = TestServer::start(listener, base, app, Some(dir)).await;
        let queue = resources.callback_queue_url.clone().unwrap();
        crate::moto::feed_outbox_stream(Arc::downgrade(&server.app), resources.table.clone(), queue.clone());
        crate::moto::feed_callback_queue(Arc::downgrade(&server.app), queue);
        server.aws = Some(resources);
        server
    }

    /// The AWS backend with the job worker fed from its queue, as Lambda would feed it (the
    /// emulator serves one request at a time, so only tests that need it poll the queue).
    pub async fn aws_with_job_worker(adjust: impl FnOnce(&mut AppConfig)) -> TestServer {
        let server = TestServer::aws_configured(adjust).await;
        if let Some(queue) = server.aws.as_ref().and_then(|r| r.job_queue_url.clone()) {
            crate::moto::feed_job_queue(Arc::downgrade(&server.app), queue);
        }
        server
    }

    async fn start(
        listener: tokio::net::TcpListener,
        base: String,
        app: App,
        data_dir: Option<tempfile::TempDir>,
    ) -> TestServer {
        ensure_initial_key(&app, Some(&format!("{KEY_ID}:{SECRET}"))).await.unwrap();
        let pusher = Arc::new(tessera::embedded::RecordingPusher::new());
        let app = Arc::new(app.with_pusher(pusher.clone()));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(tessera_functions::server::serve(listener, app.clone(), async move {
            let _ = rx.await;
        }));
        TestServer { base, client: Client::new(), app, pusher, data_dir, aws: None, shutdown: Some(tx) }
    }

    /// A management API request with the test key and `Api-Revision: 1.2`.
    pub fn api(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .basic_auth(KEY_ID, Some(SECRET))
            .header("Api-Revision", "1.2")
    }

    pub fn anonymous(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    pub async fn create_template(&self, body: &Value) -> Value {
        let response = self.api(Method::POST, "/v1/template").json(body).send().await.unwrap();
        expect_json(response, 200).await
    }

    pub async fn create_pass(&self, template_id: u64, body: &Value) -> Value {
        let response = self.api(Method::POST, &format!("/v1/pass/{template_id}")).json(body).send().await.unwrap();
        expect_json(response, 200).await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn local_receivers(mut config: AppConfig) -> AppConfig {
    config.image_fetch.allow_http = true;
    config.image_fetch.allow_private = true;
    config
}

async fn listen() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (listener, base)
}

/// Asserts the status and returns the JSON body.
pub async fn expect_json(response: Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// Asserts an error response: status, code and the field it names.
pub async fn expect_error(response: Response, status: u16, code: &str, field: Option<&str>) -> Value {
    let body = expect_json(response, status).await;
    assert_eq!(body["error"]["code"], code, "{body}");
    if let Some(field) = field {
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body
}

pub fn png_data_url(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
}

/// An event ticket template in Airship's shape.
/// The public key of an NFC reader (base64 SubjectPublicKeyInfo, P-256), for templates whose
/// passes enable NFC. Only public: no test ever needs its private half.
pub const NFC_READER_PUBLIC_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWza9d+SyN/2HMUZVxRZSX9ztN7I5xcDD917vobjZwe7EmkZAv8E30wYDorvhPige54vzb2pSYNg1ZdwHUE/GmA==";

pub fn event_template() -> Value {
    let icon = |file: &str| png_data_url(&std::fs::read(crate::pass_fixture("event-ticket").join(file)).unwrap());
    json!({
        "name": "Concerts",
        "description": "Concert tickets",
        "vendor": "apple",
        "type": "eventTicket",
        "passTypeIdentifier": "pass.dev.tessera.example",
        "organizationName": "Example Arena",
        "headers": {
            "logo_text": {"value": "Arena"},
            "background_color": {"value": "#3c414c"},
            "foreground_color": {"value": "rgb(255,255,255)"},
            "barcode_type": {"value": "PKBarcodeFormatQR"},
            "barcode_value": {"value": "TICKET-1"},
            "icon_image": {"value": icon("icon.png")},
            "icon_image_2x": {"value": icon("icon@2x.png")},
            "icon_image_3x": {"value": icon("icon@3x.png")}
        },
        "nfc": {"encryptionPublicKey": NFC_READER_PUBLIC_KEY},
        "fields": {
            "Event": {"fieldType": "primary", "label": "EVENT", "value": "The Tour", "order": 1},
            "Seat": {"fieldType": "auxiliary", "label": "SEAT", "value": "12", "order": 2, "changeMessage": "Your seat is now %@"},
            "Terms": {"fieldType": "back", "label": "Terms", "value": "No re-entry", "textAlignment": "textAlignmentNatural"}
        }
    })
}
