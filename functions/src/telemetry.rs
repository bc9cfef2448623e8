//! The one tracing setup of every Tessera process: JSON lines for CloudWatch in Lambdas,
//! readable lines locally; `RUST_LOG` filters (default `info`) as a list of `level` and
//! `target=level` directives. Not `EnvFilter`: its span and regex matching would put a regex
//! engine into every function for filters nobody here writes.

use std::str::FromStr;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

pub fn init(format: LogFormat) {
    let directives = std::env::var("RUST_LOG").unwrap_or_default();
    let filter = log_filter(&directives);
    let registry = tracing_subscriber::registry().with(filter);
    // A second call (tests start several servers in one process) keeps the first setup.
    let _ = match format {
        LogFormat::Json => registry.with(tracing_subscriber::fmt::layer().json()).try_init(),
        LogFormat::Pretty => registry.with(tracing_subscriber::fmt::layer()).try_init(),
    };
}

/// The filter `RUST_LOG`'s directives name; `info` when they are empty or do not parse.
fn log_filter(directives: &str) -> Targets {
    let info = || Targets::new().with_default(tracing::Level::INFO);
    if directives.trim().is_empty() {
        return info();
    }
    Targets::from_str(directives).unwrap_or_else(|_| info())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn empty_or_unparsable_directives_log_at_info() {
        for directives in ["", "  ", "tessera=loud"] {
            let filter = log_filter(directives);
            assert!(filter.would_enable("tessera", &Level::INFO), "{directives:?}");
            assert!(!filter.would_enable("tessera", &Level::DEBUG), "{directives:?}");
        }
    }

    #[test]
    fn directives_set_levels_per_target() {
        let filter = log_filter("warn,tessera=debug");
        assert!(filter.would_enable("tessera::http", &Level::DEBUG));
        assert!(!filter.would_enable("aws_smithy_runtime", &Level::INFO));
        assert!(filter.would_enable("aws_smithy_runtime", &Level::WARN));
    }
}
