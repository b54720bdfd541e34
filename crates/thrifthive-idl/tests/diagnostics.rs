//! Snapshot tests: every `tests/diagnostics/*.thrift` is compiled and its rendered diagnostics are
//! compared with the `.stderr` file beside it. `BLESS=1 cargo test` rewrites the snapshots; review
//! the diff before committing. Files named `warnings_*` must compile with warnings only; every
//! other file must be rejected.

use std::fs;
use std::path::{Path, PathBuf};
use thrifthive_idl::{compile_file, Options};

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir("tests/diagnostics")
        .expect("tests/diagnostics exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "thrift"))
        .collect();
    cases.sort();
    cases
}

fn check_case(path: &Path, bless: bool) -> Result<(), String> {
    let compilation = compile_file(path, &Options::default());
    let rendered = compilation.render_diagnostics(false);
    let expects_errors = !path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("warnings_"));
    if compilation.has_errors() != expects_errors {
        return Err(format!(
            "{}: expected {}, got:\n{rendered}",
            path.display(),
            if expects_errors {
                "errors"
            } else {
                "no errors"
            }
        ));
    }
    if compilation.diagnostics.is_empty() {
        return Err(format!(
            "{}: expected diagnostics, got none",
            path.display()
        ));
    }
    if compilation.has_errors() == compilation.program.is_some() {
        return Err(format!(
            "{}: the IR must exist exactly when there are no errors",
            path.display()
        ));
    }
    let snapshot = path.with_extension("stderr");
    if bless {
        fs::write(&snapshot, &rendered).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = fs::read_to_string(&snapshot).map_err(|e| {
        format!(
            "{}: {e} (run with BLESS=1 to create it)",
            snapshot.display()
        )
    })?;
    if expected != rendered {
        return Err(format!(
            "{} differs from its snapshot.\n--- expected\n{expected}\n--- actual\n{rendered}",
            path.display()
        ));
    }
    Ok(())
}

#[test]
fn invalid_inputs_match_their_diagnostic_snapshots() {
    let bless = std::env::var_os("BLESS").is_some();
    let cases = cases();
    assert!(cases.len() >= 30, "the snapshot suite lost its cases");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|path| check_case(path, bless).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
