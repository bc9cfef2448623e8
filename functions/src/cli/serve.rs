//! `tessera serve`: the whole API as one local process.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use tessera::app::App;
use tessera::aws::AwsClients;
use tessera::aws::apns::ApnsPusher;
use tessera::config::{PusherKind, Settings};
use tessera::embedded::RecordingPusher;
use tessera::service::api_keys::ensure_initial_key;

#[derive(Clone, Copy, ValueEnum)]
pub enum Backend {
    /// SQLite, files and the development PKI under $TESSERA_DATA_DIR.
    Embedded,
    /// DynamoDB, S3 and Secrets Manager from the standard AWS environment.
    Aws,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PusherArg {
    /// APNs with each pass type's certificate (needs imported identities and network).
    Apns,
    /// Record what would be pushed, and log it (no network).
    Record,
}

#[derive(Args)]
pub struct ServeArgs {
    /// How change notifications go out (overrides TESSERA_PUSHER); default: apns on the aws
    /// backend, record on embedded.
    #[arg(long, value_enum)]
    pusher: Option<PusherArg>,
    #[arg(long, value_enum, env = "TESSERA_BACKEND", default_value = "embedded")]
    backend: Backend,
    #[arg(long, env = "PORT", default_value_t = 8080)]
    port: u16,
    /// The address to listen on.
    #[arg(long, env = "TESSERA_BIND", default_value = "127.0.0.1")]
    bind: String,
    /// Base of the URLs Tessera hands out (overrides TESSERA_PUBLIC_URL); default
    /// http://127.0.0.1:$PORT.
    #[arg(long)]
    public_url: Option<String>,
    /// `<keyId>:<secret>`: the API key to create or accept (scripts and tests).
    #[arg(long, env = "TESSERA_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Local testing only: image URLs and callback receivers may be plain http and private or
    /// loopback addresses (a receiver on this machine).
    #[arg(long)]
    allow_private_urls: bool,
    /// Seconds a client has to send a request's headers.
    #[arg(long, env = "TESSERA_HEADER_TIMEOUT", default_value_t = 10)]
    header_timeout: u64,
    /// Seconds a client has to send a request's body once its headers are in.
    #[arg(long, env = "TESSERA_BODY_TIMEOUT", default_value_t = 30)]
    body_timeout: u64,
    /// Seconds a kept-alive connection may sit with no request before it is closed.
    #[arg(long, env = "TESSERA_IDLE_TIMEOUT", default_value_t = 60)]
    idle_timeout: u64,
    /// Connections served at once; more wait until one closes.
    #[arg(long, env = "TESSERA_MAX_CONNECTIONS", default_value_t = 1024)]
    max_connections: usize,
}

pub async fn run(args: ServeArgs, settings: Settings, data_dir: &Path) -> Result<String, Vec<String>> {
    let listener = tokio::net::TcpListener::bind((args.bind.as_str(), args.port))
        .await
        .map_err(|e| vec![format!("cannot listen on {}:{}: {e}", args.bind, args.port)])?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    let public_url =
        args.public_url.or(settings.public_url.clone()).unwrap_or_else(|| format!("http://127.0.0.1:{port}"));
    let mut config = settings.app_config(&public_url);
    if args.allow_private_urls {
        config.image_fetch.allow_private = true;
        config.image_fetch.allow_http = true;
        println!("Image URLs and callback receivers may be http and private addresses (--allow-private-urls)");
    }
    let app = match args.backend {
        Backend::Embedded => App::embedded(data_dir, config).map_err(|e| vec![e.to_string()])?,
        Backend::Aws => App::aws(&AwsClients::from_env().await, &settings.aws, config),
    };
    let pusher = match args.pusher {
        Some(PusherArg::Apns) => PusherKind::Apns,
        Some(PusherArg::Record) => PusherKind::Record,
        None => settings.pusher.unwrap_or(match args.backend {
            Backend::Aws => PusherKind::Apns,
            Backend::Embedded => PusherKind::Record,
        }),
    };
    let app = match pusher {
        PusherKind::Apns => {
            let apns = ApnsPusher::new(app.secrets.clone(), settings.apns.clone());
            println!("Pushes go to APNs (production) with each pass type's certificate");
            app.with_pusher(Arc::new(apns))
        }
        PusherKind::Record => {
            println!("Pushes are recorded and logged, not sent (TESSERA_PUSHER=apns sends them)");
            app.with_pusher(Arc::new(RecordingPusher::new()))
        }
    };
    if let Some(created) = ensure_initial_key(&app, args.api_key.as_deref()).await.map_err(|e| vec![e.to_string()])? {
        println!("Created an API key (shown once; it is stored hashed):");
        println!("  key id: {}\n  secret: {}", created.key_id, created.secret);
        println!(
            "  try:    curl -u {}:{} -H 'Api-Revision: 1.2' {public_url}/v1/template",
            created.key_id, created.secret
        );
    }
    println!("Tessera is listening on http://{}:{port} (public URL {public_url})", args.bind);
    let limits = crate::server::ConnectionLimits {
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        body_timeout: Duration::from_secs(args.body_timeout.max(1)),
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        max_connections: args.max_connections.max(1),
    };
    crate::server::serve_with(listener, Arc::new(app), limits, shutdown_signal()).await;
    Ok("stopped".into())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
