use serde::Serialize;

/// One validation problem: where (a pass.json path such as `eventTicket.primaryFields[0].key`,
/// or a file in the bundle such as `strip@2x.png`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub path: String,
    pub reason: String,
}

impl Issue {
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Issue {
        Issue { path: path.into(), reason: reason.into() }
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// Collects issues; paths are only formatted when something fails.
#[derive(Debug, Default)]
pub(crate) struct Issues(pub Vec<Issue>);

impl Issues {
    pub fn fail(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.0.push(Issue::new(path, reason));
    }

    pub fn check(&mut self, ok: bool, path: impl FnOnce() -> String, reason: impl Into<String>) {
        if !ok {
            self.0.push(Issue::new(path(), reason));
        }
    }
}

/// `parent.key`, or `key` at the top level.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}
