//! The profile file: named Tessera deployments and their keys, so commands need no `--url`
//! and `--key` (and keys stay out of shell history).
//!
//! ```text
//! [default]
//! url = http://127.0.0.1:8080
//! key = 1a2b3c:secret
//!
//! [production]
//! url = https://passes.example.com
//! key = tess_…
//! ```
//!
//! It holds keys, so like ssh's files it must not be readable by other users.

use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub url: String,
    pub key: String,
}

/// The named profile; an error when the file or the profile is missing or wrong.
pub fn load(path: &Path, name: &str) -> Result<Profile, String> {
    let profiles =
        read(path)?.ok_or_else(|| format!("profile {name:?}: there is no profile file {}", path.display()))?;
    profiles.get(name).cloned().ok_or_else(|| {
        let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
        format!("no profile {name:?} in {} (it has: {})", path.display(), known.join(", "))
    })
}

/// The `default` profile when the file exists and has one.
pub fn load_default(path: &Path) -> Result<Option<Profile>, String> {
    Ok(read(path)?.and_then(|mut profiles| profiles.remove("default")))
}

fn read(path: &Path) -> Result<Option<BTreeMap<String, Profile>>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    check_private(path)?;
    parse(&text).map(Some).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "{} holds API keys but other users may read it (mode {:o}): chmod 600 it",
            path.display(),
            mode & 0o777
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), String> {
    Ok(())
}

/// `[name]` sections of `url = …` and `key = …`; blank lines and `#` comments skipped.
pub fn parse(text: &str) -> Result<BTreeMap<String, Profile>, String> {
    let mut sections: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((name.trim().to_string(), BTreeMap::new()));
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("line {}: expected `[name]` or `key = value`", n + 1));
        };
        let Some((_, settings)) = sections.last_mut() else {
            return Err(format!("line {}: a setting before any [profile] line", n + 1));
        };
        let key = key.trim();
        if key != "url" && key != "key" {
            return Err(format!("line {}: unknown setting {key:?} (url and key are known)", n + 1));
        }
        settings.insert(key.to_string(), value.trim().to_string());
    }
    let mut profiles = BTreeMap::new();
    for (name, mut settings) in sections {
        let (Some(url), Some(key)) = (settings.remove("url"), settings.remove("key")) else {
            return Err(format!("profile [{name}] needs both url and key"));
        };
        if profiles.insert(name.clone(), Profile { url, key }).is_some() {
            return Err(format!("profile [{name}] appears twice"));
        }
    }
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_become_profiles() {
        let text = "# mine\n[default]\nurl = http://127.0.0.1:8080\nkey = a:b=c\n\n[prod]\nkey=tess_x\nurl=https://p.example\n";
        let profiles = parse(text).unwrap();
        assert_eq!(profiles["default"], Profile { url: "http://127.0.0.1:8080".into(), key: "a:b=c".into() });
        assert_eq!(profiles["prod"].url, "https://p.example");
    }

    #[test]
    fn mistakes_are_named_by_line() {
        assert_eq!(parse("url = x\n").unwrap_err(), "line 1: a setting before any [profile] line");
        assert_eq!(parse("[a]\nurl x\n").unwrap_err(), "line 2: expected `[name]` or `key = value`");
        assert_eq!(parse("[a]\ntoken = x\n").unwrap_err(), "line 2: unknown setting \"token\" (url and key are known)");
        assert_eq!(parse("[a]\nurl = x\n").unwrap_err(), "profile [a] needs both url and key");
        assert_eq!(parse("[a]\nurl=x\nkey=y\n[a]\nurl=x\nkey=y\n").unwrap_err(), "profile [a] appears twice");
    }
}
