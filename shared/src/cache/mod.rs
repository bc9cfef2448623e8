//! In-process caches in front of the ports: decorators that implement a port by wrapping
//! another implementation of it, for the hot paths (a device poll serves the same .pkpass
//! to every device that holds the pass).

mod hot_blobs;

pub use hot_blobs::HotBlobs;
