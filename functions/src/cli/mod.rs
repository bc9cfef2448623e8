//! The `tessera` command line.

mod aws;
mod doctor;
mod identity;
mod issue;
mod issue_plan;
mod issue_progress;
mod keys;
mod output;
mod profiles;
mod remote;
mod resources;
mod serve;
mod sign;
mod target;
mod tokens;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tessera", version, about = "Issue and update Apple Wallet and Google Wallet passes")]
struct Cli {
    /// Where Tessera keeps local state: the dev PKI, the embedded store.
    #[arg(long, env = "TESSERA_DATA_DIR", default_value = ".tessera", global = true)]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign pass folders into a .pkpass (or .pkpasses).
    Sign(sign::SignArgs),
    /// Diagnose passes from any generator (.pkpass, .pkpasses, folders).
    Doctor(doctor::DoctorArgs),
    /// Manage signing identities.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Serve the whole API locally (embedded store by default).
    Serve(serve::ServeArgs),
    /// Manage API tokens (`Authorization: Bearer <token>`).
    #[command(subcommand)]
    Tokens(tokens::TokensCommand),
    /// Make a pass for every row of a CSV (on a running Tessera, or --local).
    Issue(issue::IssueArgs),
    /// Templates: list, get, create, update, delete (on a running Tessera, or --local).
    Templates(resources::ResourceArgs),
    /// Passes: list, get, create, update, delete.
    Passes(resources::ResourceArgs),
    /// Projects: list, get, create, update, delete.
    Projects(resources::ResourceArgs),
    /// Tags: list, delete.
    Tags(resources::ResourceArgs),
    /// Signing certificates (Apple) and Google accounts: list, get, create, update (renew), delete.
    Certificates(resources::ResourceArgs),
    /// Adaptive links (one link, the right wallet per device): list, get, create, delete.
    Links(resources::ResourceArgs),
    /// Work on Tessera's AWS resources.
    #[command(subcommand)]
    Aws(aws::AwsCommand),
}

/// Exit codes: 0 done, 1 the input was refused (problems printed), 2 bad usage.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        // The doctor's exit code tells errors (1) from bad usage (2).
        Command::Doctor(args) => return doctor::run(args),
        // Interrupted (130) differs from refused or failed rows (1).
        Command::Issue(args) => return issue_blocking(args, &cli.data_dir),
        Command::Templates(args) => resource(&resources::TEMPLATES, args, &cli.data_dir),
        Command::Passes(args) => resource(&resources::PASSES, args, &cli.data_dir),
        Command::Projects(args) => resource(&resources::PROJECTS, args, &cli.data_dir),
        Command::Tags(args) => resource(&resources::TAGS, args, &cli.data_dir),
        Command::Certificates(args) => resource(&resources::CERTIFICATES, args, &cli.data_dir),
        Command::Links(args) => resource(&resources::LINKS, args, &cli.data_dir),
        Command::Sign(args) => sign::run(args, &cli.data_dir),
        Command::Keys(command) => block_on(keys::run(command, &cli.data_dir)),
        Command::Aws(command) => block_on(aws::run(command)),
        Command::Tokens(command) => block_on(tokens::run(command, &cli.data_dir)),
        Command::Serve(args) => serve_blocking(args, &cli.data_dir),
    };
    match result {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            ExitCode::from(1)
        }
    }
}

fn issue_blocking(args: issue::IssueArgs, data_dir: &std::path::Path) -> ExitCode {
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| (1, vec![e.to_string()]))
        .and_then(|runtime| runtime.block_on(issue::run(args, data_dir)));
    match outcome {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err((code, problems)) => {
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            ExitCode::from(code)
        }
    }
}

fn resource(
    resource: &resources::Resource,
    args: resources::ResourceArgs,
    data_dir: &std::path::Path,
) -> Result<String, Vec<String>> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| vec![e.to_string()])?;
    runtime.block_on(resources::run(resource, args, data_dir))
}

fn block_on<T>(work: impl std::future::Future<Output = Result<T, Vec<String>>>) -> Result<T, Vec<String>> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| vec![e.to_string()])?;
    runtime.block_on(work)
}

fn serve_blocking(args: serve::ServeArgs, data_dir: &std::path::Path) -> Result<String, Vec<String>> {
    crate::telemetry::init(crate::telemetry::LogFormat::Pretty);
    let settings = tessera::config::Settings::from_env().map_err(|e| vec![e])?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| vec![e.to_string()])?;
    runtime.block_on(serve::run(args, settings, data_dir))
}
