//! Local adapters used when Tessera runs on one machine: SQLite store, files for blobs and
//! secrets, the development PKI, pass source folders.

pub mod dev_pki;
pub mod file_blobs;
pub mod file_secrets;
pub mod local_jobs;
pub mod local_timers;
pub mod pass_folder;
pub mod recording_pusher;
mod sqlite_documents;
pub mod sqlite_store;
mod sqlite_trail;

pub use dev_pki::{DevPki, DevPkiError, DevPkiIssuer, load_identity_dir};
pub use file_blobs::FileBlobs;
pub use file_secrets::FileSecrets;
pub use local_jobs::LocalJobQueue;
pub use local_timers::LocalTimers;
pub use pass_folder::{FolderError, PassFolder, read_folder_files, read_pass_folder};
pub use recording_pusher::RecordingPusher;
pub use sqlite_store::SqliteStore;
