//! `tessera sign`: a pass folder in, a signed .pkpass out (several folders: a .pkpasses).

use std::fs;
use std::path::{Path, PathBuf};

use clap::Args;
use tessera::embedded::{DevPki, read_pass_folder};
use tessera::pkpass::{PassAssets, SigningIdentity, build_pkpass_with_warnings, build_pkpasses};

use super::identity::load_identity;

#[derive(Args)]
#[command(long_about = "Sign pass folders (pass.json, images, <lang>.lproj/) into a .pkpass, \
or several into a .pkpasses bundle. Without --identity the development PKI under \
$TESSERA_DATA_DIR/pki is used (created on first use); such passes verify against its root.pem \
but no iPhone accepts them.")]
pub struct SignArgs {
    /// Pass source folders; more than one makes a .pkpasses bundle.
    #[arg(required = true)]
    pass_dirs: Vec<PathBuf>,
    /// The file to write (.pkpass, or .pkpasses for several passes).
    #[arg(short, long)]
    output: PathBuf,
    /// A real identity: a folder with certificate.pem, private-key.pem and wwdr.pem, or a .p12.
    #[arg(long)]
    identity: Option<PathBuf>,
    /// The .p12 or private-key password.
    #[arg(long, env = "TESSERA_IDENTITY_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Apple's WWDR intermediate (PEM), when the .p12 does not include it.
    #[arg(long)]
    wwdr: Option<PathBuf>,
}

pub fn run(args: SignArgs, data_dir: &Path) -> Result<String, Vec<String>> {
    let bundle = args.pass_dirs.len() > 1;
    let extension = args.output.extension().and_then(|e| e.to_str()).unwrap_or_default();
    match (bundle, extension) {
        (false, "pkpass") | (true, "pkpasses") => {}
        (false, _) => {
            return Err(vec![format!("{}: the output of one pass must end in .pkpass", args.output.display())]);
        }
        (true, _) => {
            return Err(vec![format!("{}: several passes go into a file ending in .pkpasses", args.output.display())]);
        }
    }
    let now = now_unix();
    let explicit = args
        .identity
        .as_deref()
        .map(|path| load_identity(path, args.password.as_deref(), args.wwdr.as_deref()))
        .transpose()
        .map_err(|e| vec![e])?;
    let mut dev_pki = None;
    let mut built = Vec::new();
    let mut problems = Vec::new();
    for dir in &args.pass_dirs {
        let folder = match read_pass_folder(dir) {
            Ok(folder) => folder,
            Err(e) => {
                problems.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        let assets = match PassAssets::new(folder.files) {
            Ok(assets) => assets,
            Err(issues) => {
                problems.extend(issues.iter().map(|i| format!("{}: {i}", dir.display())));
                continue;
            }
        };
        let dev_identity;
        let identity = match &explicit {
            Some(identity) => identity,
            None => {
                dev_identity = dev_identity_for(&folder.pass, data_dir, &mut dev_pki, now).map_err(|e| vec![e])?;
                &dev_identity
            }
        };
        match build_pkpass_with_warnings(&folder.pass, &assets, identity, now) {
            Ok((bytes, warnings)) => {
                // Warnings do not stop the signing: they go to stderr as they are found.
                for warning in warnings {
                    eprintln!("{}: warning: {warning}", dir.display());
                }
                built.push((folder.pass.serial_number.clone().unwrap_or_default(), bytes))
            }
            Err(tessera::pkpass::BuildError::Invalid(issues)) => {
                problems.extend(issues.iter().map(|i| format!("{}: pass.json: {i}", dir.display())));
            }
            Err(e) => problems.push(format!("{}: {e}", dir.display())),
        }
    }
    if !problems.is_empty() {
        problems.push(format!("{} not written", args.output.display()));
        return Err(problems);
    }
    let bytes = if bundle {
        let named: Vec<_> =
            built.into_iter().enumerate().map(|(i, (serial, bytes))| (entry_name(i, &serial), bytes)).collect();
        build_pkpasses(&named, now).map_err(|e| vec![e.to_string()])?
    } else {
        built.pop().map(|(_, bytes)| bytes).unwrap_or_default()
    };
    write_atomically(&args.output, &bytes).map_err(|e| vec![format!("{}: {e}", args.output.display())])?;
    let mut message = format!("wrote {} ({} bytes)", args.output.display(), bytes.len());
    if let Some(pki) = &dev_pki {
        message.push_str(&format!("\nsigned with the development PKI; verify against {}", pki.root_path().display()));
    }
    Ok(message)
}

fn dev_identity_for(
    pass: &tessera::model::PassJson,
    data_dir: &Path,
    pki: &mut Option<DevPki>,
    now: i64,
) -> Result<SigningIdentity, String> {
    let pki = match pki {
        Some(pki) => pki,
        None => pki.insert(DevPki::open_or_create(&data_dir.join("pki")).map_err(|e| e.to_string())?),
    };
    // A pass without these fails validation; the identity then only needs to exist.
    let pass_type_id = pass.pass_type_identifier.as_deref().filter(|id| is_safe_dir_name(id)).unwrap_or("pass.invalid");
    let team_id = pass.team_identifier.as_deref().filter(|t| !t.is_empty()).unwrap_or("UNSET");
    pki.identity(pass_type_id, team_id, now).map_err(|e| e.to_string())
}

/// Pass type ids name folders of the dev PKI; keep them to one plain path segment.
fn is_safe_dir_name(id: &str) -> bool {
    !id.is_empty() && id != "." && id != ".." && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn entry_name(index: usize, serial: &str) -> String {
    let safe: String =
        serial.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    format!("{:02}-{}.pkpass", index + 1, safe)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("partial");
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
