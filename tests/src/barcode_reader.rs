//! Reads the barcodes in a picture with zxing-cpp (from PyPI, in the workspace's `.venv`;
//! `infra/test.sh` installs it): an oracle nobody here wrote for the barcodes Tessera draws.

use std::path::PathBuf;
use std::process::Command;

/// A barcode found: its format as zxing-cpp names it (`PDF417`, `Aztec`, `Code128`, `QRCode`) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub format: String,
    pub text: String,
}

const READER: &str = "import sys, json, zxingcpp, PIL.Image
found = zxingcpp.read_barcodes(PIL.Image.open(sys.argv[1]))
print(json.dumps([[b.format.name, b.text] for b in found]))";

/// Every barcode zxing-cpp finds in a PNG.
pub fn read_png(png: &[u8]) -> Vec<Read> {
    let python = std::env::var_os("TESSERA_ZXING_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python"));
    let file = tempfile::Builder::new().suffix(".png").tempfile().unwrap();
    std::fs::write(file.path(), png).unwrap();
    let output =
        Command::new(&python).args(["-c", READER]).arg(file.path()).output().unwrap_or_else(|e| {
            panic!("zxing-cpp needs {}: run infra/test.sh, which installs it ({e})", python.display())
        });
    assert!(output.status.success(), "zxing-cpp: {}", String::from_utf8_lossy(&output.stderr));
    let found: Vec<(String, String)> = serde_json::from_slice(&output.stdout).unwrap();
    found.into_iter().map(|(format, text)| Read { format, text }).collect()
}
