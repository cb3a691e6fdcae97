//! The project's shared test data (`../shared/data` beside the repository, as
//! `crates/running/tests/golden.rs` finds it): a path into it, or `None` with a printed note so a
//! test that needs it can skip.

use std::path::PathBuf;

/// `../shared/data/<relative>` from the repository's root, when it is there; otherwise prints
/// why the calling test is skipped and answers `None`.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        println!(
            "skipped: shared test data {} not found (../shared/data beside the repository)",
            path.display()
        );
        None
    }
}
