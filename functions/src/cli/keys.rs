//! `tessera keys import`: store a signing identity in the configured secret store;
//! `tessera keys import-google`: store the Google Wallet issuer's service account.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use tessera::aws::{AwsClients, SecretsManagerSecrets};
use tessera::embedded::FileSecrets;
use tessera::google::GoogleAccount;
use tessera::ports::{Secrets, StoredGoogleAccount, StoredIdentity};

use super::identity::load_identity;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Import a Pass Type ID certificate and key (a .p12, or a PEM folder) for a pass type.
    Import(ImportArgs),
    /// Import the Google Wallet issuer's service-account key (the JSON file Google's console
    /// downloads) with the issuer id it acts for.
    ImportGoogle(ImportGoogleArgs),
}

#[derive(Args)]
pub struct ImportGoogleArgs {
    /// The issuer id shown in the Google Pay & Wallet console.
    #[arg(long)]
    issuer_id: String,
    /// The service account's JSON key file.
    key_file: PathBuf,
    #[arg(long, value_enum, env = "TESSERA_BACKEND", default_value = "embedded")]
    backend: Backend,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Backend {
    /// Files under $TESSERA_DATA_DIR/identities/<passTypeId>/.
    Embedded,
    /// AWS Secrets Manager, secret <TESSERA_SECRET_PREFIX>/pass-type/<passTypeId>.
    Aws,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The pass type identifier the certificate was issued for (its UID must match).
    #[arg(long)]
    pass_type_id: String,
    /// A .p12 (as exported from Keychain Access) or a folder with certificate.pem,
    /// private-key.pem and wwdr.pem.
    source: PathBuf,
    /// The .p12 or private-key password.
    #[arg(long, env = "TESSERA_IDENTITY_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Apple's WWDR intermediate (PEM), when the .p12 does not include it.
    #[arg(long)]
    wwdr: Option<PathBuf>,
    #[arg(long, value_enum, env = "TESSERA_BACKEND", default_value = "embedded")]
    backend: Backend,
}

/// The secret store of a backend, and how to name a secret in it for people.
type NamedSecrets = (Box<dyn Secrets>, Box<dyn Fn(&str) -> String>);

async fn secrets_of(backend: Backend, data_dir: &Path) -> Result<NamedSecrets, Vec<String>> {
    match backend {
        Backend::Embedded => {
            let dir = data_dir.join("identities");
            let place = dir.clone();
            Ok((Box::new(FileSecrets::new(&dir)), Box::new(move |name| format!("{}", place.join(name).display()))))
        }
        Backend::Aws => {
            let clients = AwsClients::from_env().await;
            let prefix = tessera::config::Settings::from_env().map_err(|e| vec![e])?.aws.secret_prefix;
            let secrets = SecretsManagerSecrets::new(clients.secrets, prefix.clone());
            Ok((Box::new(secrets), Box::new(move |name| format!("Secrets Manager secret {prefix}/{name}"))))
        }
    }
}

pub async fn run(command: KeysCommand, data_dir: &Path) -> Result<String, Vec<String>> {
    let args = match command {
        KeysCommand::Import(args) => args,
        KeysCommand::ImportGoogle(args) => return import_google(args, data_dir).await,
    };
    let identity = load_identity(&args.source, args.password.as_deref(), args.wwdr.as_deref()).map_err(|e| vec![e])?;
    if identity.pass_type_id() != args.pass_type_id {
        return Err(vec![format!(
            "the certificate is for `{}`, not `{}`; check --pass-type-id",
            identity.pass_type_id(),
            args.pass_type_id
        )]);
    }
    let stored = StoredIdentity::from_identity(&identity).map_err(|e| vec![e.to_string()])?;
    let (secrets, place) = secrets_of(args.backend, data_dir).await?;
    let place = match args.backend {
        Backend::Embedded => place(&args.pass_type_id),
        Backend::Aws => place(&format!("pass-type/{}", args.pass_type_id)),
    };
    secrets.put_signing_identity(&args.pass_type_id, &stored).await.map_err(|e| vec![e.to_string()])?;
    let expires = tessera::model::date::civil_from_unix(identity.expires_at());
    Ok(format!(
        "imported the signing identity of {} (team {}, certificate valid until {:04}-{:02}-{:02}) into {place}",
        identity.pass_type_id(),
        identity.team_id(),
        expires.0,
        expires.1,
        expires.2
    ))
}

async fn import_google(args: ImportGoogleArgs, data_dir: &Path) -> Result<String, Vec<String>> {
    let text = std::fs::read(&args.key_file).map_err(|e| vec![format!("{}: {e}", args.key_file.display())])?;
    let key: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|_| vec![format!("{}: is not a JSON service-account key", args.key_file.display())])?;
    let stored = StoredGoogleAccount { issuer_id: args.issuer_id.trim().to_string(), service_account: key };
    let account = GoogleAccount::load(&stored).map_err(|e| vec![e.to_string()])?;
    let (secrets, place) = secrets_of(args.backend, data_dir).await?;
    secrets.put_google_account(&stored).await.map_err(|e| vec![e.to_string()])?;
    let place = match args.backend {
        Backend::Embedded => place("google-account.json"),
        Backend::Aws => place("google/account"),
    };
    Ok(format!(
        "imported the Google Wallet account {} for issuer {} into {place}",
        account.client_email, account.issuer_id
    ))
}
