//! Local adapters used when Tessera runs on one machine: the development PKI and pass
//! source folders on disk.

pub mod dev_pki;
pub mod pass_folder;

pub use dev_pki::{DevPki, DevPkiError, load_identity_dir};
pub use pass_folder::{FolderError, PassFolder, read_pass_folder};
