//! A signing identity: the Pass Type ID certificate and its key, the Apple WWDR intermediate
//! that issued it, and the pass type and team the certificate names. Loaded from PEM or a
//! .p12; checked once at load so signing itself cannot fail on a mismatched pair.

use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::x509::{X509, X509NameRef, X509VerifyResult};

use super::issue::Issue;
use crate::model::PassJson;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("{0} is not a readable PEM certificate")]
    BadCertificate(&'static str),
    #[error("the private key could not be read (wrong password, or not a PEM private key)")]
    BadPrivateKey,
    #[error("the .p12 could not be opened (wrong password, or not a PKCS#12 file)")]
    BadP12,
    #[error("the .p12 holds no certificate and private key pair")]
    IncompleteP12,
    #[error("no WWDR intermediate: the .p12 does not include it, so pass it as a PEM file")]
    MissingWwdr,
    #[error("the private key does not belong to the pass certificate")]
    KeyMismatch,
    #[error("the pass certificate was not issued by the given WWDR intermediate")]
    NotIssuedByWwdr,
    #[error("the pass certificate has no {0} in its subject; is it a Pass Type ID certificate?")]
    MissingSubjectPart(&'static str),
}

pub struct SigningIdentity {
    certificate: X509,
    key: PKey<Private>,
    wwdr: X509,
    chain: Stack<X509>,
    pass_type_id: String,
    team_id: String,
    not_before: i64,
    not_after: i64,
    wwdr_not_after: i64,
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("pass_type_id", &self.pass_type_id)
            .field("team_id", &self.team_id)
            .finish_non_exhaustive()
    }
}

impl SigningIdentity {
    pub fn from_pem(
        certificate_pem: &[u8],
        key_pem: &[u8],
        key_password: Option<&[u8]>,
        wwdr_pem: &[u8],
    ) -> Result<Self, IdentityError> {
        let certificate =
            X509::from_pem(certificate_pem).map_err(|_| IdentityError::BadCertificate("the pass certificate"))?;
        let key = match key_password {
            Some(password) => PKey::private_key_from_pem_passphrase(key_pem, password),
            None => PKey::private_key_from_pem(key_pem),
        }
        .map_err(|_| IdentityError::BadPrivateKey)?;
        let wwdr = X509::from_pem(wwdr_pem).map_err(|_| IdentityError::BadCertificate("the WWDR intermediate"))?;
        Self::new(certificate, key, wwdr)
    }

    /// Loads a .p12 as exported by Keychain Access (legacy RC2/3DES encryption included). The
    /// WWDR intermediate comes from `wwdr_pem` or, failing that, from the .p12's chain.
    pub fn from_p12(der: &[u8], password: &str, wwdr_pem: Option<&[u8]>) -> Result<Self, IdentityError> {
        let parsed = parse_p12(der, password)?;
        let (certificate, key) = parsed.cert.zip(parsed.pkey).ok_or(IdentityError::IncompleteP12)?;
        let wwdr = match wwdr_pem {
            Some(pem) => X509::from_pem(pem).map_err(|_| IdentityError::BadCertificate("the WWDR intermediate"))?,
            None => parsed
                .ca
                .into_iter()
                .flatten()
                .find(|ca| ca.issued(&certificate) == X509VerifyResult::OK)
                .ok_or(IdentityError::MissingWwdr)?,
        };
        Self::new(certificate, key, wwdr)
    }

    pub fn new(certificate: X509, key: PKey<Private>, wwdr: X509) -> Result<Self, IdentityError> {
        let public = certificate.public_key().map_err(|_| IdentityError::BadCertificate("the pass certificate"))?;
        if !public.public_eq(&key) {
            return Err(IdentityError::KeyMismatch);
        }
        let signed_by_wwdr = wwdr.public_key().ok().and_then(|k| certificate.verify(&k).ok()).unwrap_or(false);
        if wwdr.issued(&certificate) != X509VerifyResult::OK || !signed_by_wwdr {
            return Err(IdentityError::NotIssuedByWwdr);
        }
        let subject = certificate.subject_name();
        let pass_type_id =
            name_entry(subject, Nid::USERID).ok_or(IdentityError::MissingSubjectPart("UID (pass type identifier)"))?;
        let team_id = name_entry(subject, Nid::ORGANIZATIONALUNITNAME)
            .ok_or(IdentityError::MissingSubjectPart("OU (team identifier)"))?;
        let mut chain = Stack::new().map_err(|_| IdentityError::BadCertificate("the WWDR intermediate"))?;
        chain.push(wwdr.clone()).map_err(|_| IdentityError::BadCertificate("the WWDR intermediate"))?;
        Ok(SigningIdentity {
            not_before: unix_time(certificate.not_before()),
            not_after: unix_time(certificate.not_after()),
            wwdr_not_after: unix_time(wwdr.not_after()),
            certificate,
            key,
            wwdr,
            chain,
            pass_type_id,
            team_id,
        })
    }

    pub fn pass_type_id(&self) -> &str {
        &self.pass_type_id
    }

    pub fn team_id(&self) -> &str {
        &self.team_id
    }

    pub fn certificate(&self) -> &X509 {
        &self.certificate
    }

    pub fn wwdr(&self) -> &X509 {
        &self.wwdr
    }

    pub(crate) fn key(&self) -> &PKey<Private> {
        &self.key
    }

    pub(crate) fn chain(&self) -> &Stack<X509> {
        &self.chain
    }

    /// The identity as three PEM documents (certificate, private key, WWDR), for a secret store.
    pub fn to_pem(&self) -> Result<[String; 3], IdentityError> {
        let pem = |r: Result<Vec<u8>, openssl::error::ErrorStack>, what| {
            r.ok().and_then(|b| String::from_utf8(b).ok()).ok_or(IdentityError::BadCertificate(what))
        };
        Ok([
            pem(self.certificate.to_pem(), "the pass certificate")?,
            pem(self.key.private_key_to_pem_pkcs8(), "the private key")?,
            pem(self.wwdr.to_pem(), "the WWDR intermediate")?,
        ])
    }

    /// When the pass certificate stops being valid (Unix seconds).
    pub fn expires_at(&self) -> i64 {
        self.not_after
    }

    /// Why this identity cannot sign `pass` at `now`: Wallet rejects a pass whose
    /// passTypeIdentifier or teamIdentifier differ from the certificate's UID and OU.
    pub fn check_for(&self, pass: &PassJson, now: i64) -> Vec<Issue> {
        let mut issues = Vec::new();
        if let Some(id) = pass.pass_type_identifier.as_deref().filter(|id| *id != self.pass_type_id) {
            issues.push(Issue::new(
                "passTypeIdentifier",
                format!("`{id}` does not match the signing certificate's pass type identifier `{}`", self.pass_type_id),
            ));
        }
        if let Some(team) = pass.team_identifier.as_deref().filter(|team| *team != self.team_id) {
            issues.push(Issue::new(
                "teamIdentifier",
                format!("`{team}` does not match the signing certificate's team identifier `{}`", self.team_id),
            ));
        }
        if now < self.not_before || now > self.not_after {
            issues.push(Issue::new("signature", "the pass certificate is expired or not yet valid; renew it"));
        }
        if now > self.wwdr_not_after {
            issues.push(Issue::new(
                "signature",
                "the WWDR intermediate has expired (G1 expired in 2023); use Apple's WWDR G4",
            ));
        }
        issues
    }
}

fn parse_p12(der: &[u8], password: &str) -> Result<openssl::pkcs12::ParsedPkcs12_2, IdentityError> {
    let p12 = Pkcs12::from_der(der).map_err(|_| IdentityError::BadP12)?;
    if let Ok(parsed) = p12.parse2(password) {
        return Ok(parsed);
    }
    // Keychain Access exports with RC2/3DES, which OpenSSL 3 only reads with its legacy
    // provider; load it (and keep the default one) and try once more.
    load_legacy_provider();
    p12.parse2(password).map_err(|_| IdentityError::BadP12)
}

fn load_legacy_provider() {
    use std::sync::OnceLock;
    static PROVIDERS: OnceLock<Vec<openssl::provider::Provider>> = OnceLock::new();
    PROVIDERS.get_or_init(|| {
        ["legacy", "default"]
            .into_iter()
            .filter_map(|name| openssl::provider::Provider::try_load(None, name, true).ok())
            .collect()
    });
}

fn name_entry(name: &X509NameRef, nid: Nid) -> Option<String> {
    let entry = name.entries_by_nid(nid).next()?;
    entry.data().to_string().ok().filter(|s| !s.is_empty())
}

fn unix_time(time: &Asn1TimeRef) -> i64 {
    let Ok(epoch) = Asn1Time::from_unix(0) else { return 0 };
    match epoch.diff(time) {
        Ok(diff) => i64::from(diff.days) * 86_400 + i64::from(diff.secs),
        Err(_) => 0,
    }
}
