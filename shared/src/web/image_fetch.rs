//! The `ImageSource` on the web: template images given as URLs, fetched once, with guards: https only, no private,
//! loopback or link-local addresses (checked on every connection, redirects included, so DNS
//! tricks do not get around it), a timeout, a size cap, and PNG only (Wallet reads PNG).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_trait::async_trait;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::ports::{FetchPolicy, ImageSource};

pub struct ImageFetcher {
    /// Or why there is none: then every fetch fails with that reason.
    client: Result<reqwest::Client, String>,
    policy: FetchPolicy,
}

/// Whether an address is one no fetch may reach: anything not globally reachable
/// ([`super::public_address`]).
pub fn is_forbidden(ip: IpAddr) -> bool {
    !super::public_address::is_public(ip)
}

struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                found.into_iter().filter(|a| allow_private || !is_forbidden(a.ip())).collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// A client that keeps `policy`'s guards on every connection and redirect (at most 3).
pub(crate) fn guarded_client(policy: &FetchPolicy, user_agent: &'static str) -> Result<reqwest::Client, String> {
    let redirect_policy = policy.clone();
    let builder = reqwest::Client::builder()
        .timeout(policy.timeout)
        .connect_timeout(policy.timeout)
        .dns_resolver(Arc::new(GuardedResolver { allow_private: policy.allow_private }))
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 3 {
                attempt.error("too many redirects")
            } else if let Err(reason) = check_url(attempt.url(), &redirect_policy) {
                attempt.error(reason)
            } else {
                attempt.follow()
            }
        }))
        .user_agent(user_agent);
    crate::tls::with_bundled_roots(builder)
}

impl ImageFetcher {
    pub fn new(policy: FetchPolicy) -> ImageFetcher {
        ImageFetcher { client: guarded_client(&policy, "Tessera image fetcher"), policy }
    }
}

#[async_trait]
impl ImageSource for ImageFetcher {
    async fn fetch_png(&self, url: &str) -> Result<Vec<u8>, String> {
        let bytes = self.fetch_image(url).await?;
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Err("is a JPEG; Apple Wallet needs PNG images".into());
        }
        if !bytes.starts_with(&crate::pkpass::files::PNG_SIGNATURE) {
            return Err("is not a PNG image".into());
        }
        Ok(bytes)
    }

    async fn fetch_image(&self, url: &str) -> Result<Vec<u8>, String> {
        let parsed = reqwest::Url::parse(url).map_err(|_| "is not a valid URL".to_string())?;
        check_url(&parsed, &self.policy)?;
        let client = self.client.as_ref().map_err(|reason| format!("could not be fetched: {reason}"))?;
        let mut response = client.get(parsed).send().await.map_err(|e| describe(&e))?;
        if !response.status().is_success() {
            return Err(format!("could not be fetched: the server answered {}", response.status().as_u16()));
        }
        if response.content_length().is_some_and(|n| n as usize > self.policy.max_bytes) {
            return Err(format!("is larger than {} KiB", self.policy.max_bytes / 1024));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
            if bytes.len() + chunk.len() > self.policy.max_bytes {
                return Err(format!("is larger than {} KiB", self.policy.max_bytes / 1024));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

pub(crate) fn check_url(url: &reqwest::Url, policy: &FetchPolicy) -> Result<(), String> {
    match url.scheme() {
        "https" => {}
        "http" if policy.allow_http => {}
        _ => return Err("must be an https URL".into()),
    }
    // Literal addresses skip DNS, so the resolver cannot guard them.
    let literal = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => None,
        None => return Err("has no host".into()),
    };
    if let Some(ip) = literal
        && is_forbidden(ip)
        && !policy.allow_private
    {
        return Err("points at a private or local address".into());
    }
    Ok(())
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "could not be fetched in time".into()
    } else if e.is_redirect() {
        "redirects too often or to a forbidden address".into()
    } else if e.is_connect() {
        "could not be reached (or resolves to a private or local address)".into()
    } else {
        "could not be fetched".into()
    }
}
