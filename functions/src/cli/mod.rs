//! The `tessera` command line.

mod sign;

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
    Sign(sign::SignArgs),
}

/// Exit codes: 0 done, 1 the input was refused (problems printed), 2 bad usage.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(args) => sign::run(args, &cli.data_dir),
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
