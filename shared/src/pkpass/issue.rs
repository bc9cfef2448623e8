use serde::Serialize;

/// How much an issue matters, as Apple's Pass Builder grades it: errors refuse the pass,
/// warnings are reported and the pass is still signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One validation problem: where (a pass.json path such as `eventTicket.primaryFields[0].key`,
/// or a file in the bundle such as `strip@2x.png`), why, and whether it refuses the pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub path: String,
    pub reason: String,
    pub severity: Severity,
}

impl Issue {
    /// An error: the pass is refused.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Issue {
        Issue { path: path.into(), reason: reason.into(), severity: Severity::Error }
    }

    pub fn warning(path: impl Into<String>, reason: impl Into<String>) -> Issue {
        Issue { path: path.into(), reason: reason.into(), severity: Severity::Warning }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// Splits issues into errors (which refuse) and warnings, keeping their order.
pub fn split_issues(issues: Vec<Issue>) -> (Vec<Issue>, Vec<Issue>) {
    issues.into_iter().partition(Issue::is_error)
}

/// Collects issues; paths are only formatted when something fails.
#[derive(Debug, Default)]
pub(crate) struct Issues(pub Vec<Issue>);

impl Issues {
    pub fn fail(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.0.push(Issue::new(path, reason));
    }

    pub fn warn(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.0.push(Issue::warning(path, reason));
    }

    pub fn check(&mut self, ok: bool, path: impl FnOnce() -> String, reason: impl Into<String>) {
        if !ok {
            self.0.push(Issue::new(path(), reason));
        }
    }

    pub fn check_warn(&mut self, ok: bool, path: impl FnOnce() -> String, reason: impl Into<String>) {
        if !ok {
            self.0.push(Issue::warning(path(), reason));
        }
    }
}

/// `parent.key`, or `key` at the top level.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}
