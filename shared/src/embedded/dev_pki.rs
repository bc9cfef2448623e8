//! A development PKI: its own root, a stand-in "WWDR" intermediate and Pass Type ID signer
//! certificates carrying UID = pass type identifier and OU = team identifier, like Apple's.
//! Passes signed with it are structurally valid and verify with openssl against `root.pem`;
//! no iPhone accepts them, since the root is not Apple's.
//!
//! On disk (`<dir>` is usually `$TESSERA_DATA_DIR/pki`):
//! `root.pem`, `wwdr.pem` (public), `root-key.pem`, `wwdr-key.pem` (mode 0600) and one
//! identity folder per pass type, `passes/<passTypeId>/{certificate.pem,private-key.pem,wwdr.pem}`,
//! the same layout `tessera sign --identity <dir>` reads.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier};
use openssl::x509::{X509, X509Builder, X509Name, X509NameBuilder};

use crate::pkpass::{IdentityError, SigningIdentity};

const ROOT_DAYS: u32 = 20 * 365;
const SIGNER_DAYS: u32 = 365;
/// A signer this close to expiry is replaced on its next use.
const RENEW_BEFORE_SECONDS: i64 = 30 * 86_400;

#[derive(Debug, thiserror::Error)]
pub enum DevPkiError {
    #[error("dev PKI file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("dev PKI: {0}")]
    Crypto(#[from] ErrorStack),
    #[error("dev PKI identity: {0}")]
    Identity(#[from] IdentityError),
}

/// A certificate and its private key.
pub struct Issued {
    pub certificate: X509,
    pub key: PKey<Private>,
}

/// Generates a root CA and a "WWDR" intermediate issued by it, in memory.
pub fn generate_root_and_wwdr() -> Result<(Issued, Issued), ErrorStack> {
    let root_key = rsa_key()?;
    let root_name = name(&[("CN", "Tessera Development Root CA"), ("O", "Tessera (development only)")])?;
    let root = ca_certificate(&root_name, &root_key, &root_name, &root_key, None)?;
    let wwdr_key = rsa_key()?;
    let wwdr_name = name(&[
        ("CN", "Tessera Development WWDR Intermediate (not Apple)"),
        ("OU", "G4"),
        ("O", "Tessera (development only)"),
    ])?;
    let wwdr = ca_certificate(&wwdr_name, &wwdr_key, &root_name, &root_key, Some(&root))?;
    Ok((Issued { certificate: root, key: root_key }, Issued { certificate: wwdr, key: wwdr_key }))
}

/// Issues a Pass Type ID signer certificate under `wwdr`, named as Apple names them.
pub fn issue_pass_certificate(wwdr: &Issued, pass_type_id: &str, team_id: &str) -> Result<Issued, ErrorStack> {
    let key = rsa_key()?;
    let subject = name(&[
        ("UID", pass_type_id),
        ("CN", &format!("Pass Type ID: {pass_type_id}")),
        ("OU", team_id),
        ("O", "Tessera (development only)"),
    ])?;
    let mut b = builder(&subject, &key, wwdr.certificate.subject_name(), SIGNER_DAYS)?;
    b.append_extension(BasicConstraints::new().critical().build()?)?;
    b.append_extension(KeyUsage::new().critical().digital_signature().build()?)?;
    let ctx = b.x509v3_context(Some(&wwdr.certificate), None);
    let ski = SubjectKeyIdentifier::new().build(&ctx)?;
    let aki = AuthorityKeyIdentifier::new().keyid(true).build(&ctx)?;
    b.append_extension(ski)?;
    b.append_extension(aki)?;
    b.sign(&wwdr.key, MessageDigest::sha256())?;
    Ok(Issued { certificate: b.build(), key })
}

/// The development PKI kept in a folder.
pub struct DevPki {
    dir: PathBuf,
    wwdr: Issued,
}

impl DevPki {
    /// Opens the PKI in `dir`, creating the root and intermediate on first use. Several
    /// processes starting at once agree on one root (a file lock guards creation).
    pub fn open_or_create(dir: &Path) -> Result<DevPki, DevPkiError> {
        fs::create_dir_all(dir).map_err(io(dir))?;
        let _lock = lock(dir)?;
        let (root_pem, wwdr_pem, wwdr_key_pem) = (dir.join("root.pem"), dir.join("wwdr.pem"), dir.join("wwdr-key.pem"));
        if !(root_pem.exists() && wwdr_pem.exists() && wwdr_key_pem.exists()) {
            let (root, wwdr) = generate_root_and_wwdr()?;
            write_private(&dir.join("root-key.pem"), &root.key.private_key_to_pem_pkcs8()?)?;
            write_private(&wwdr_key_pem, &wwdr.key.private_key_to_pem_pkcs8()?)?;
            write_public(&wwdr_pem, &wwdr.certificate.to_pem()?)?;
            write_public(&root_pem, &root.certificate.to_pem()?)?;
        }
        let wwdr = Issued {
            certificate: X509::from_pem(&read(&wwdr_pem)?)?,
            key: PKey::private_key_from_pem(&read(&wwdr_key_pem)?)?,
        };
        Ok(DevPki { dir: dir.to_path_buf(), wwdr })
    }

    pub fn root_path(&self) -> PathBuf {
        self.dir.join("root.pem")
    }

    pub fn wwdr_path(&self) -> PathBuf {
        self.dir.join("wwdr.pem")
    }

    /// The folder holding the identity of `pass_type_id`.
    pub fn identity_dir(&self, pass_type_id: &str) -> PathBuf {
        self.dir.join("passes").join(pass_type_id)
    }

    /// The signing identity for a pass type and team, issued on first use and reissued when
    /// the team differs or the certificate is about to expire.
    pub fn identity(&self, pass_type_id: &str, team_id: &str, now: i64) -> Result<SigningIdentity, DevPkiError> {
        let dir = self.identity_dir(pass_type_id);
        let _lock = lock(&self.dir)?;
        if let Ok(identity) = load_identity_dir(&dir, None) {
            let fresh = identity.expires_at() - now > RENEW_BEFORE_SECONDS;
            if identity.team_id() == team_id && identity.pass_type_id() == pass_type_id && fresh {
                return Ok(identity);
            }
        }
        let issued = issue_pass_certificate(&self.wwdr, pass_type_id, team_id)?;
        fs::create_dir_all(&dir).map_err(io(&dir))?;
        write_private(&dir.join("private-key.pem"), &issued.key.private_key_to_pem_pkcs8()?)?;
        write_public(&dir.join("wwdr.pem"), &self.wwdr.certificate.to_pem()?)?;
        write_public(&dir.join("certificate.pem"), &issued.certificate.to_pem()?)?;
        Ok(SigningIdentity::new(issued.certificate, issued.key, self.wwdr.certificate.clone())?)
    }
}

/// Reads an identity folder: `certificate.pem`, `private-key.pem` and `wwdr.pem`.
pub fn load_identity_dir(dir: &Path, key_password: Option<&[u8]>) -> Result<SigningIdentity, DevPkiError> {
    let certificate = read(&dir.join("certificate.pem"))?;
    let key = read(&dir.join("private-key.pem"))?;
    let wwdr = read(&dir.join("wwdr.pem"))?;
    Ok(match key_password {
        Some(password) => SigningIdentity::from_encrypted_pem(&certificate, &key, password, &wwdr)?,
        None => SigningIdentity::from_pem(&certificate, &key, &wwdr)?,
    })
}

fn rsa_key() -> Result<PKey<Private>, ErrorStack> {
    PKey::from_rsa(Rsa::generate(2048)?)
}

fn name(parts: &[(&str, &str)]) -> Result<X509Name, ErrorStack> {
    let mut b = X509NameBuilder::new()?;
    for (field, value) in parts {
        b.append_entry_by_text(field, value)?;
    }
    Ok(b.build())
}

fn builder(
    subject: &X509Name,
    key: &PKey<Private>,
    issuer: &openssl::x509::X509NameRef,
    days: u32,
) -> Result<X509Builder, ErrorStack> {
    let mut b = X509Builder::new()?;
    b.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    b.set_serial_number(&serial)?;
    b.set_subject_name(subject)?;
    b.set_issuer_name(issuer)?;
    b.set_pubkey(key)?;
    // Backdated an hour so a machine with a slightly slow clock accepts a fresh certificate.
    let (not_before, not_after) = (Asn1Time::from_unix(now_unix() - 3600)?, Asn1Time::days_from_now(days)?);
    b.set_not_before(&not_before)?;
    b.set_not_after(&not_after)?;
    Ok(b)
}

fn ca_certificate(
    subject: &X509Name,
    key: &PKey<Private>,
    issuer: &X509Name,
    issuer_key: &PKey<Private>,
    issuer_cert: Option<&X509>,
) -> Result<X509, ErrorStack> {
    let mut b = builder(subject, key, issuer, ROOT_DAYS)?;
    let constraints = match issuer_cert {
        Some(_) => BasicConstraints::new().critical().ca().pathlen(0).build()?,
        None => BasicConstraints::new().critical().ca().build()?,
    };
    b.append_extension(constraints)?;
    b.append_extension(KeyUsage::new().critical().key_cert_sign().crl_sign().build()?)?;
    let ctx = b.x509v3_context(issuer_cert.map(|c| &**c), None);
    let ski = SubjectKeyIdentifier::new().build(&ctx)?;
    b.append_extension(ski)?;
    if issuer_cert.is_some() {
        let ctx = b.x509v3_context(issuer_cert.map(|c| &**c), None);
        let aki = AuthorityKeyIdentifier::new().keyid(true).build(&ctx)?;
        b.append_extension(aki)?;
    }
    b.sign(issuer_key, MessageDigest::sha256())?;
    Ok(b.build())
}

fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DevPkiError + '_ {
    move |source| DevPkiError::Io { path: path.to_path_buf(), source }
}

fn read(path: &Path) -> Result<Vec<u8>, DevPkiError> {
    fs::read(path).map_err(io(path))
}

fn lock(dir: &Path) -> Result<fs::File, DevPkiError> {
    let path = dir.join(".lock");
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io(&path))?;
    file.lock().map_err(io(&path))?;
    Ok(file)
}

fn write_public(path: &Path, bytes: &[u8]) -> Result<(), DevPkiError> {
    write_file_atomically(path, bytes, 0o644)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), DevPkiError> {
    write_file_atomically(path, bytes, 0o600)
}

/// Writes via a temporary file and a rename, so a reader never sees half a key.
pub(crate) fn write_file_atomically(path: &Path, bytes: &[u8], mode: u32) -> Result<(), DevPkiError> {
    // A name of its own, so writers racing on one file never share a temporary one.
    let tmp = path.with_extension(format!("tmp-{:08x}", rand::random::<u32>()));
    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(&tmp).map_err(io(&tmp))?;
    file.write_all(bytes).map_err(io(&tmp))?;
    file.sync_all().map_err(io(&tmp))?;
    fs::rename(&tmp, path).map_err(io(path))
}

/// The `DevIdentities` port on a development PKI folder (created on first use).
pub struct DevPkiIssuer {
    dir: PathBuf,
}

impl DevPkiIssuer {
    pub fn new(dir: &Path) -> DevPkiIssuer {
        DevPkiIssuer { dir: dir.to_path_buf() }
    }
}

#[async_trait::async_trait]
impl crate::ports::DevIdentities for DevPkiIssuer {
    async fn issue(&self, pass_type_id: &str, team_id: &str, now_seconds: i64) -> Result<SigningIdentity, String> {
        let (dir, pass_type_id, team_id) = (self.dir.clone(), pass_type_id.to_string(), team_id.to_string());
        tokio::task::spawn_blocking(move || {
            let pki = DevPki::open_or_create(&dir).map_err(|e| e.to_string())?;
            pki.identity(&pass_type_id, &team_id, now_seconds).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
    }
}
