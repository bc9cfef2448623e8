//! `tessera doctor`: a diagnosis of passes from any generator, one line per finding.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use tessera::embedded::read_folder_files;
use tessera::model::parse_wallet_date;
use tessera::pkpass::doctor::{Diagnosis, DoctorOptions, Report, diagnose_archive, diagnose_files, diagnose_unsigned};
use tessera::pkpass::x509::Certificate;

#[derive(Args)]
#[command(long_about = "Diagnose passes made by any generator: a .pkpass, a .pkpasses bundle, an \
unzipped pass folder (with manifest.json and signature), a pass source folder (what `tessera \
sign` takes), or a folder of .pkpass files. Checks the ZIP, the manifest against every file, the \
CMS signature, its certificates against pass.json and their validity, then every validation rule \
(Apple's Pass Builder's and Tessera's). Exit codes: 0 no errors (warnings allowed), 1 errors \
found, 2 bad usage or unreadable input.")]
pub struct DoctorArgs {
    /// Files or folders to diagnose.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// One JSON document on stdout instead of lines.
    #[arg(long)]
    json: bool,
    /// Apple's WWDR intermediate (PEM) the signer must chain to; otherwise the one the
    /// signature carries.
    #[arg(long)]
    wwdr: Option<PathBuf>,
    /// Check the certificates as of this ISO 8601 date-time instead of now (will the pass
    /// still open then?).
    #[arg(long)]
    at: Option<String>,
}

pub fn run(args: DoctorArgs) -> ExitCode {
    match diagnose_all(&args) {
        Ok(diagnoses) => {
            let report = Report::new(diagnoses);
            if args.json {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
            } else {
                print!("{}", as_lines(&report));
            }
            if report.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::from(2)
        }
    }
}

fn diagnose_all(args: &DoctorArgs) -> Result<Vec<Diagnosis>, String> {
    let wwdr = match &args.wwdr {
        None => None,
        Some(path) => {
            let pem = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Some(Certificate::from_pem(&pem).map_err(|_| format!("{}: is not a PEM certificate", path.display()))?)
        }
    };
    let now = match &args.at {
        Some(at) => {
            parse_wallet_date(at).map_err(|e| format!("--at: must be an ISO 8601 date-time: {e}"))?.unix_seconds
        }
        None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
    };
    let options = DoctorOptions { now, wwdr };
    let mut diagnoses = Vec::new();
    for path in &args.paths {
        diagnoses.extend(diagnose_path(path, &options)?);
    }
    Ok(diagnoses)
}

fn diagnose_path(path: &Path, options: &DoctorOptions) -> Result<Vec<Diagnosis>, String> {
    let name = path.display().to_string();
    let unreadable = |e: std::io::Error| format!("{name}: {e}");
    if !path.is_dir() {
        return Ok(diagnose_archive(&name, &fs::read(path).map_err(unreadable)?, options));
    }
    if path.join("pass.json").is_file() {
        let files = read_folder_files(path).map_err(|e| e.to_string())?;
        let signed = files.iter().any(|(f, _)| f == "manifest.json" || f == "signature");
        return Ok(vec![if signed { diagnose_files(&name, files, options) } else { diagnose_unsigned(&name, files) }]);
    }
    let mut archives: Vec<PathBuf> = fs::read_dir(path)
        .map_err(unreadable)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pkpass" || e == "pkpasses"))
        .collect();
    archives.sort();
    if archives.is_empty() {
        return Err(format!("{name}: holds no pass.json and no .pkpass files"));
    }
    let mut diagnoses = Vec::new();
    for archive in archives {
        diagnoses.extend(diagnose_path(&archive, options)?);
    }
    Ok(diagnoses)
}

fn as_lines(report: &Report) -> String {
    let mut out = String::new();
    for diagnosis in &report.passes {
        let serial = diagnosis.serial_number.as_deref().map(|s| format!(" (serial {s})")).unwrap_or_default();
        let (errors, warnings) = diagnosis.counts();
        let verdict = if errors == 0 { "ok" } else { "refused by Wallet" };
        out.push_str(&format!("{}{serial}: {verdict}, {errors} errors, {warnings} warnings\n", diagnosis.name));
        for finding in &diagnosis.findings {
            let fix = finding.fix.as_deref().map(|f| format!(" (fix: {f})")).unwrap_or_default();
            out.push_str(&format!("  {:<7} {}: {}{fix}\n", finding.severity.as_str(), finding.path, finding.reason));
        }
    }
    out
}
