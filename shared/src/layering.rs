//! The layering rule, held by a test: imports point one way. `http` → `service` → `ports` /
//! `model` / `pkpass`; the adapters (`aws`, `embedded`, `web`, `cache`, `google`) → `ports` /
//! `model` / `pkpass`. The service layer also speaks Google's protocol through `google`
//! (its JWTs and class/object mapping). The outbound adapters (`web`, `google`) build their
//! HTTPS clients with `tls`, a leaf; `work_unit`, another leaf, names the route or worker a
//! task serves. Only the composition roots (`app`, `config`) see
//! everything.

/// Which top-level modules each module may name (`crate::<module>`), besides itself.
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("tls", &[]),
    ("work_unit", &[]),
    ("pkpass", &["model"]),
    ("ports", &["model", "pkpass"]),
    ("service", &["ports", "model", "pkpass", "google", "work_unit"]),
    ("http", &["service", "model", "pkpass", "work_unit"]),
    ("aws", &["ports", "model", "pkpass", "tls"]),
    ("embedded", &["ports", "model", "pkpass"]),
    ("web", &["ports", "model", "pkpass", "tls"]),
    ("cache", &["ports", "model", "pkpass"]),
    ("google", &["ports", "model", "pkpass", "tls"]),
];

/// The top-level modules a source text names through `crate::` paths, comments left out.
pub fn crate_paths(source: &str) -> Vec<String> {
    let mut named = Vec::new();
    for line in source.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let module: String =
                rest[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !module.is_empty() && !named.contains(&module) {
                named.push(module);
            }
            rest = &rest[at + 7..];
        }
    }
    named
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }

    #[test]
    fn crate_paths_are_found_outside_comments() {
        let text = "use crate::model::records::Pass;\n// crate::aws is only mentioned\nlet x = crate::ports::Blob { a: crate::model::X };";
        assert_eq!(crate_paths(text), ["model", "ports"]);
    }

    #[test]
    fn imports_point_one_way() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut violations = Vec::new();
        for (module, allowed) in ALLOWED {
            let mut files = Vec::new();
            let dir = src.join(module);
            if dir.is_dir() {
                sources(&dir, &mut files);
            }
            let single = src.join(format!("{module}.rs"));
            if single.is_file() {
                files.push((single.display().to_string(), std::fs::read_to_string(&single).unwrap()));
            }
            assert!(!files.is_empty(), "no sources for {module}");
            for (file, text) in files {
                for named in crate_paths(&text) {
                    if named != *module && !allowed.contains(&named.as_str()) {
                        violations.push(format!("{file} uses crate::{named}"));
                    }
                }
            }
        }
        assert!(violations.is_empty(), "imports against the layering rule:\n{}", violations.join("\n"));
    }
}
