//! Where the resource commands send their calls: a running Tessera over HTTP (`--url`,
//! `--key`, or a profile), or the embedded store under `--data-dir` opened in this process
//! (`--local`: no server), through the very routes the server runs.

use std::path::{Path, PathBuf};

use clap::Args;
use lambda_http::Body;
use reqwest::Method;
use serde_json::Value;
use tessera::app::App;
use tessera::config::Settings;
use tessera::http::Caller;
use tessera::service::AppConfig;

use super::profiles;
use super::remote::{Answer, Remote};

#[derive(Args, Clone)]
pub struct TargetArgs {
    /// The Tessera to talk to (default: the profile's, else http://127.0.0.1:8080).
    #[arg(long, env = "TESSERA_URL", global = true)]
    url: Option<String>,
    /// Its API key (`id:secret`) or token (`tess_…`) (default: the profile's).
    #[arg(long, env = "TESSERA_KEY", hide_env_values = true, global = true)]
    key: Option<String>,
    /// A profile of the profile file ($TESSERA_PROFILES, default ~/.config/tessera/profiles):
    /// a `[name]` section with `url = …` and `key = …` lines. Default: `default`, if there is one.
    #[arg(long, env = "TESSERA_PROFILE", global = true)]
    profile: Option<String>,
    /// Work on the embedded store under --data-dir in this process, without a server
    /// (--url, --key and profiles are not used then).
    #[arg(long, global = true)]
    local: bool,
}

/// Where `tessera serve` listens unless told otherwise.
pub const LOCAL_URL: &str = "http://127.0.0.1:8080";

/// The environment's settings, and the app config of a command that opens a store itself
/// (its public URL the environment's, else [`LOCAL_URL`]).
pub fn command_config() -> Result<(Settings, AppConfig), String> {
    let settings = Settings::from_env()?;
    let public_url = settings.public_url.clone().unwrap_or_else(|| LOCAL_URL.into());
    let config = settings.app_config(&public_url);
    Ok((settings, config))
}

/// A path segment from what the user typed: percent-encoded, so `a/b` stays one segment.
pub fn path_segment(text: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

pub enum Target {
    Remote(Remote),
    Local(Box<App>),
}

impl Target {
    pub fn open(args: &TargetArgs, data_dir: &Path) -> Result<Target, String> {
        if args.local {
            let (_, config) = command_config()?;
            let app = App::embedded(data_dir, config)
                .map_err(|e| format!("the embedded store in {}: {e}", data_dir.display()))?;
            return Ok(Target::Local(Box::new(app)));
        }
        let profile = match &args.profile {
            Some(name) => Some(profiles::load(&profiles_file()?, name)?),
            None if args.url.is_none() || args.key.is_none() => profiles::load_default(&profiles_file()?)?,
            None => None,
        };
        let url = args.url.clone().or_else(|| profile.as_ref().map(|p| p.url.clone()));
        let key = args.key.clone().or_else(|| profile.map(|p| p.key)).unwrap_or_default();
        Remote::new(url.as_deref().unwrap_or(LOCAL_URL), &key).map(Target::Remote)
    }

    /// Calls the API; answers its answer, or why none came.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Answer, String> {
        match self {
            Target::Remote(remote) => remote.call(method, path, body).await,
            Target::Local(app) => {
                let body = body.map_or(Body::Empty, |b| Body::Text(b.to_string()));
                let request = lambda_http::http::Request::builder()
                    .method(method)
                    .uri(path)
                    .header("content-type", "application/json")
                    .body(body)
                    .map_err(|e| format!("{path}: {e}"))?;
                let (response, _) = tessera::http::dispatch_as(app, request, Caller::Operator).await;
                let status = response.status().as_u16();
                let bytes: &[u8] = match response.body() {
                    Body::Text(text) => text.as_bytes(),
                    Body::Binary(bytes) => bytes,
                    _ => &[],
                };
                Ok(Answer { status, body: serde_json::from_slice(bytes).unwrap_or(Value::Null) })
            }
        }
    }
}

/// `$TESSERA_PROFILES`, else `$XDG_CONFIG_HOME/tessera/profiles`, else
/// `~/.config/tessera/profiles`.
fn profiles_file() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("TESSERA_PROFILES") {
        return Ok(PathBuf::from(path));
    }
    let config = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("HOME") {
            Some(home) => PathBuf::from(home).join(".config"),
            None => return Err("no profile file: set TESSERA_PROFILES or HOME".into()),
        },
    };
    Ok(config.join("tessera").join("profiles"))
}
