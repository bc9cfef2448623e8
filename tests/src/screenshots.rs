//! Screenshots held to committed references within a tolerance: the same page drawn by the
//! same browser may differ by anti-aliasing, not by layout. `TESSERA_UPDATE_SCREENSHOTS=1`
//! writes the references instead (then look at them before committing).

use std::path::Path;

/// A channel differing by more than this counts the pixel as changed.
const CHANNEL_TOLERANCE: u8 = 24;
/// At most this share of pixels may change.
const MAX_CHANGED_SHARE: f64 = 0.005;

/// Compares `actual` with the reference of the same name in `references`; the reason when
/// they differ beyond the tolerance.
pub fn compare(actual: &Path, references: &Path) -> Result<(), String> {
    let name = actual.file_name().ok_or("a screenshot without a name")?;
    let reference = references.join(name);
    if std::env::var_os("TESSERA_UPDATE_SCREENSHOTS").is_some() {
        std::fs::copy(actual, &reference).map_err(|e| format!("writing {}: {e}", reference.display()))?;
        return Ok(());
    }
    let open = |path: &Path| image::open(path).map(|i| i.to_rgba8()).map_err(|e| format!("{}: {e}", path.display()));
    let (actual_image, expected) = (open(actual)?, open(&reference)?);
    if actual_image.dimensions() != expected.dimensions() {
        return Err(format!("{name:?} is {:?}, its reference {:?}", actual_image.dimensions(), expected.dimensions()));
    }
    let changed = actual_image
        .pixels()
        .zip(expected.pixels())
        .filter(|(a, b)| a.0.iter().zip(b.0.iter()).any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE))
        .count();
    let share = changed as f64 / f64::from(expected.width() * expected.height()).max(1.0);
    if share > MAX_CHANGED_SHARE {
        return Err(format!("{name:?}: {:.2} % of its pixels differ from the reference", share * 100.0));
    }
    Ok(())
}
