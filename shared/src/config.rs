//! Every deployment setting Tessera takes from its environment, read once at startup into one
//! typed value. The local server's flags override it; Lambdas use it as it is.
//!
//! | variable | what |
//! |---|---|
//! | `TESSERA_PUBLIC_URL` | base of every URL handed out (required for Lambdas) |
//! | `TESSERA_TEAM_ID` | the Apple team this deployment signs for |
//! | `TESSERA_PASS_TYPE_ID` | the pass type of Apple templates that name none |
//! | `TESSERA_GOOGLE_ORIGINS` | sites allowed to show the save button (comma-separated) |
//! | `TESSERA_GOOGLE_API_URL`, `TESSERA_GOOGLE_TOKEN_URL`, `TESSERA_GOOGLE_KEYS_URL` | Google's endpoints (tests) |
//! | `TESSERA_TABLE`, `TESSERA_BUCKET`, `TESSERA_BLOB_PREFIX`, `TESSERA_SECRET_PREFIX` | AWS resources |
//! | `TESSERA_AWS_ENDPOINT` | one endpoint for every AWS client, e.g. an emulator's (empty: AWS's own) |
//! | `TESSERA_JOB_QUEUE_URL` | the SQS queue bulk updates run through (AWS) |
//! | `TESSERA_CALLBACK_QUEUE_URL` | the SQS queue callback deliveries wait on between attempts (AWS, callback worker) |
//! | `TESSERA_TIMER_FUNCTION_ARN`, `TESSERA_TIMER_ROLE_ARN` | what EventBridge Scheduler invokes when a timer fires, and as whom (AWS) |
//! | `TESSERA_PUSHER` | `apns` or `record`: how the process that dispatches changes pushes |
//! | `TESSERA_APNS_PUSH_TYPE`, `TESSERA_APNS_PRIORITY` | APNs headers (unset: APNs decides) |
//! | `TESSERA_APNS_ENDPOINT` | `https://host[:port]` of APNs (unset: Apple's production host) |
//! | `TESSERA_HOT_CACHE_MB` | memory for recently served .pkpass files (default 64) |
//!
//! Empty values count as unset.

use crate::app::AppConfig;
use crate::aws::AwsResources;
use crate::aws::apns::ApnsOptions;
use crate::aws::apns_connection::ApnsEndpoint;

/// How change notifications leave the process that dispatches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PusherKind {
    /// APNs with each pass type's certificate.
    Apns,
    /// Recorded and logged, not sent (no network).
    Record,
}

impl PusherKind {
    pub fn parse(text: &str) -> Option<PusherKind> {
        match text {
            "apns" => Some(PusherKind::Apns),
            "record" => Some(PusherKind::Record),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub public_url: Option<String>,
    pub team_id: Option<String>,
    pub default_pass_type_id: Option<String>,
    pub google_origins: Vec<String>,
    pub google_api_url: Option<String>,
    pub google_token_url: Option<String>,
    pub google_keys_url: Option<String>,
    pub aws: AwsResources,
    pub pusher: Option<PusherKind>,
    pub apns: ApnsOptions,
    pub hot_cache_bytes: Option<usize>,
}

impl Settings {
    /// The process environment, read once.
    pub fn from_env() -> Result<Settings, String> {
        Settings::from_vars(|name| std::env::var(name).ok())
    }

    /// Settings from any source of variables (a map in tests).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
        let var = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let or = |name: &str, default: &str| var(name).unwrap_or_else(|| default.to_string());
        let pusher = match var("TESSERA_PUSHER") {
            None => None,
            Some(kind) => Some(PusherKind::parse(&kind).ok_or("TESSERA_PUSHER must be apns or record")?),
        };
        let hot_cache_bytes = match var("TESSERA_HOT_CACHE_MB") {
            None => None,
            Some(mb) => Some(
                mb.parse::<usize>()
                    .ok()
                    .and_then(|mb| mb.checked_mul(1024 * 1024))
                    .ok_or("TESSERA_HOT_CACHE_MB must be a number of MiB")?,
            ),
        };
        Ok(Settings {
            public_url: var("TESSERA_PUBLIC_URL"),
            team_id: var("TESSERA_TEAM_ID"),
            default_pass_type_id: var("TESSERA_PASS_TYPE_ID"),
            google_origins: var("TESSERA_GOOGLE_ORIGINS")
                .map(|o| o.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect())
                .unwrap_or_default(),
            google_api_url: var("TESSERA_GOOGLE_API_URL"),
            google_token_url: var("TESSERA_GOOGLE_TOKEN_URL"),
            google_keys_url: var("TESSERA_GOOGLE_KEYS_URL"),
            aws: AwsResources {
                table: or("TESSERA_TABLE", "tessera"),
                bucket: or("TESSERA_BUCKET", "tessera-blobs"),
                blob_prefix: or("TESSERA_BLOB_PREFIX", ""),
                secret_prefix: or("TESSERA_SECRET_PREFIX", "tessera"),
                job_queue_url: var("TESSERA_JOB_QUEUE_URL"),
                callback_queue_url: var("TESSERA_CALLBACK_QUEUE_URL"),
                timer_target: var("TESSERA_TIMER_FUNCTION_ARN")
                    .zip(var("TESSERA_TIMER_ROLE_ARN"))
                    .map(|(function_arn, role_arn)| crate::aws::TimerTarget { function_arn, role_arn }),
            },
            pusher,
            apns: ApnsOptions {
                endpoint: match var("TESSERA_APNS_ENDPOINT") {
                    Some(url) => ApnsEndpoint::parse(&url)?,
                    None => ApnsEndpoint::default(),
                },
                ..ApnsOptions::parse(var("TESSERA_APNS_PUSH_TYPE").as_deref(), var("TESSERA_APNS_PRIORITY").as_deref())
            },
            hot_cache_bytes,
        })
    }

    /// The application's configuration, with `public_url` as the base of the URLs it hands out.
    pub fn app_config(&self, public_url: &str) -> AppConfig {
        let mut config = AppConfig::new(public_url);
        config.team_id = self.team_id.clone();
        config.default_pass_type_id = self.default_pass_type_id.clone();
        config.google.origins = self.google_origins.clone();
        if let Some(url) = &self.google_api_url {
            config.google.endpoints.api_base = url.clone();
        }
        if let Some(url) = &self.google_token_url {
            config.google.endpoints.token_url = url.clone();
        }
        if let Some(url) = &self.google_keys_url {
            config.google.endpoints.keys_url = url.clone();
        }
        if let Some(bytes) = self.hot_cache_bytes {
            config.hot_pkpass_bytes = bytes;
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_vars(|name| vars.get(name).cloned())
    }

    #[test]
    fn reads_every_setting_and_defaults_the_rest() {
        let s = settings(&[
            ("TESSERA_PUBLIC_URL", "https://wallet.example.com/"),
            ("TESSERA_TEAM_ID", " ABCDE12345 "),
            ("TESSERA_PASS_TYPE_ID", ""),
            ("TESSERA_GOOGLE_ORIGINS", "https://a.example, ,https://b.example"),
            ("TESSERA_TABLE", "passes"),
            ("TESSERA_PUSHER", "record"),
            ("TESSERA_HOT_CACHE_MB", "16"),
        ])
        .unwrap();
        assert_eq!(s.public_url.as_deref(), Some("https://wallet.example.com/"));
        assert_eq!(s.team_id.as_deref(), Some("ABCDE12345"));
        assert_eq!(s.default_pass_type_id, None, "empty counts as unset");
        assert_eq!(s.google_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(
            (s.aws.table.as_str(), s.aws.bucket.as_str(), s.aws.secret_prefix.as_str()),
            ("passes", "tessera-blobs", "tessera")
        );
        assert_eq!(s.pusher, Some(PusherKind::Record));
        let config = s.app_config("https://wallet.example.com/");
        assert_eq!(config.public_url, "https://wallet.example.com");
        assert_eq!(config.team_id.as_deref(), Some("ABCDE12345"));
        assert_eq!(config.hot_pkpass_bytes, 16 * 1024 * 1024);
        assert!(settings(&[("TESSERA_PUSHER", "carrier-pigeon")]).is_err());
        assert!(settings(&[("TESSERA_HOT_CACHE_MB", "lots")]).is_err());
        assert_eq!(s.apns.endpoint.host, "api.push.apple.com", "Wallet's pushes come from production");
        let local = settings(&[("TESSERA_APNS_ENDPOINT", "https://localhost:8443")]).unwrap();
        assert_eq!((local.apns.endpoint.host.as_str(), local.apns.endpoint.port), ("localhost", 8443));
        assert!(settings(&[("TESSERA_APNS_ENDPOINT", "apns.example")]).is_err());
    }
}
