//! Reading a signing identity named on the command line: a PEM folder or a .p12.

use std::fs;
use std::path::Path;

use tessera::embedded::load_identity_dir;
use tessera::pkpass::SigningIdentity;

/// Loads `path` (folder with certificate.pem, private-key.pem, wwdr.pem; or a .p12 whose
/// WWDR comes from `wwdr` or its own chain).
pub fn load_identity(path: &Path, password: Option<&str>, wwdr: Option<&Path>) -> Result<SigningIdentity, String> {
    let wwdr = wwdr.map(|p| fs::read(p).map_err(|e| format!("{}: {e}", p.display()))).transpose()?;
    if path.is_dir() {
        return load_identity_dir(path, password.map(str::as_bytes)).map_err(|e| format!("{}: {e}", path.display()));
    }
    let der = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    SigningIdentity::from_p12(&der, password.unwrap_or(""), wwdr.as_deref())
        .map_err(|e| format!("{}: {e}", path.display()))
}
