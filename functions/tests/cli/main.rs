//! The `tessera` command line, run as a process.

mod cli_crash;
mod cli_doctor;
mod cli_issue;
mod cli_resources;
mod cli_serve;
mod cli_sign;
mod cli_storage;
