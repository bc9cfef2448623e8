//! Entry points of Tessera's binaries. Each binary in `src/bin/` only calls into here or
//! into the `tessera` library crate.

pub mod api_gateway;
pub mod cli;
pub mod lambda;
pub mod server;
pub mod telemetry;
