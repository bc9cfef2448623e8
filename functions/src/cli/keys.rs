//! `tessera keys import`: store a signing identity in the configured secret store.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use tessera::aws::{AwsClients, AwsResources, SecretsManagerSecrets};
use tessera::embedded::FileSecrets;
use tessera::ports::{Secrets, StoredIdentity};

use super::identity::load_identity;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Import a Pass Type ID certificate and key (a .p12, or a PEM folder) for a pass type.
    Import(ImportArgs),
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

pub async fn run(command: KeysCommand, data_dir: &Path) -> Result<String, Vec<String>> {
    let KeysCommand::Import(args) = command;
    let identity = load_identity(&args.source, args.password.as_deref(), args.wwdr.as_deref()).map_err(|e| vec![e])?;
    if identity.pass_type_id() != args.pass_type_id {
        return Err(vec![format!(
            "the certificate is for `{}`, not `{}`; check --pass-type-id",
            identity.pass_type_id(),
            args.pass_type_id
        )]);
    }
    let stored = StoredIdentity::from_identity(&identity).map_err(|e| vec![e.to_string()])?;
    let (secrets, place): (Box<dyn Secrets>, String) = match args.backend {
        Backend::Embedded => {
            let dir = data_dir.join("identities");
            (Box::new(FileSecrets::new(&dir)), format!("{}", dir.join(&args.pass_type_id).display()))
        }
        Backend::Aws => {
            let clients = AwsClients::new(&tessera::aws::config::sdk_config_from_env().await);
            let secrets = SecretsManagerSecrets::new(clients.secrets, AwsResources::from_env().secret_prefix);
            let name = secrets.secret_name(&args.pass_type_id);
            (Box::new(secrets), format!("Secrets Manager secret {name}"))
        }
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
