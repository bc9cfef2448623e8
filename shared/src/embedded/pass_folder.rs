//! Reading a pass source folder, as Apple's signpass takes it: pass.json, images and
//! `<lang>.lproj/` folders. Hidden files are skipped, and so are a stale manifest.json and
//! signature (Tessera writes new ones).

use std::fs;
use std::path::{Path, PathBuf};

use crate::model::{ParseError, PassJson};

#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}: no pass.json in this folder")]
    MissingPassJson(PathBuf),
    #[error("pass.json: {0}")]
    BadPassJson(#[from] ParseError),
}

/// A pass source read from disk: pass.json and every other file by its bundle path.
#[derive(Debug)]
pub struct PassFolder {
    pub pass: PassJson,
    pub files: Vec<(String, Vec<u8>)>,
}

pub fn read_pass_folder(dir: &Path) -> Result<PassFolder, FolderError> {
    let pass_path = dir.join("pass.json");
    let pass_bytes = match fs::read(&pass_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(FolderError::MissingPassJson(dir.to_path_buf()));
        }
        Err(source) => return Err(FolderError::Io { path: pass_path, source }),
    };
    let pass = PassJson::from_slice(&pass_bytes)?;
    let mut files = read_folder_files(dir)?;
    files.retain(|(path, _)| !matches!(path.as_str(), "pass.json" | "manifest.json" | "signature"));
    Ok(PassFolder { pass, files })
}

/// Every file under `dir` by its bundle path (`fr.lproj/pass.strings`), sorted; hidden files
/// (.DS_Store) are left out, as zip tools leave them out.
pub fn read_folder_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, FolderError> {
    let mut files = Vec::new();
    collect(dir, "", &mut files)?;
    Ok(files)
}

fn collect(dir: &Path, prefix: &str, files: &mut Vec<(String, Vec<u8>)>) -> Result<(), FolderError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FolderError::Io { path, source }
    };
    let mut entries: Vec<_> = fs::read_dir(dir).map_err(io(dir))?.collect::<Result<_, _>>().map_err(io(dir))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let bundle_path = format!("{prefix}{name}");
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type().map_err(io(&path))?.is_dir() {
            collect(&path, &format!("{bundle_path}/"), files)?;
        } else {
            files.push((bundle_path, fs::read(&path).map_err(io(&path))?));
        }
    }
    Ok(())
}
