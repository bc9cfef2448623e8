//! `tessera tokens create|list|revoke`: opaque API tokens (`Authorization: Bearer <token>`),
//! managed by the operator on either backend. A token is printed once; only its hash is kept.

use std::path::Path;

use clap::{Args, Subcommand};
use tessera::app::App;
use tessera::aws::AwsClients;
use tessera::model::date::format_millis;
use tessera::service::api_keys;

use super::serve::Backend;

#[derive(Subcommand)]
pub enum TokensCommand {
    /// Create a token (printed once) named for what will use it.
    Create(CreateArgs),
    /// List every API key and token, without secrets.
    List(BackendArg),
    /// Revoke a key or token by its id (the last one is kept).
    Revoke(RevokeArgs),
}

#[derive(Args)]
pub struct BackendArg {
    #[arg(long, value_enum, env = "TESSERA_BACKEND", default_value = "embedded")]
    backend: Backend,
}

#[derive(Args)]
pub struct CreateArgs {
    /// What the token is for, e.g. `ticketing-backend`.
    #[arg(long)]
    name: String,
    #[command(flatten)]
    backend: BackendArg,
}

#[derive(Args)]
pub struct RevokeArgs {
    /// The token's id (`tess_…`, as `tokens list` shows it).
    id: String,
    #[command(flatten)]
    backend: BackendArg,
}

async fn app_for(backend: Backend, data_dir: &Path) -> Result<App, Vec<String>> {
    let (settings, config) = super::target::command_config().map_err(|e| vec![e])?;
    match backend {
        Backend::Embedded => App::embedded(data_dir, config).map_err(|e| vec![e.to_string()]),
        Backend::Aws => Ok(App::aws(&AwsClients::from_env().await, &settings.aws, config)),
    }
}

pub async fn run(command: TokensCommand, data_dir: &Path) -> Result<String, Vec<String>> {
    let problem = |e: tessera::service::ServiceError| vec![e.to_string()];
    match command {
        TokensCommand::Create(args) => {
            let app = app_for(args.backend.backend, data_dir).await?;
            let created = api_keys::create_token(&app, &args.name).await.map_err(problem)?;
            Ok(format!(
                "created API token {} ({}); shown once, only its hash is kept:\n{}",
                created.key.key_id, created.key.name, created.token
            ))
        }
        TokensCommand::List(args) => {
            let app = app_for(args.backend, data_dir).await?;
            let keys = api_keys::list(&app).await.map_err(problem)?;
            let lines: Vec<String> = keys
                .iter()
                .map(|k| format!("{}\t{}\t{}\t{}", k.key_id, api_keys::kind(k), format_millis(k.created_at), k.name))
                .collect();
            Ok(lines.join("\n"))
        }
        TokensCommand::Revoke(args) => {
            let app = app_for(args.backend.backend, data_dir).await?;
            api_keys::revoke(&app, &args.id).await.map_err(problem)?;
            Ok(format!("revoked {}", args.id))
        }
    }
}
