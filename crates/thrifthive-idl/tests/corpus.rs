//! Apache Thrift's own test IDLs (../shared/fixtures/idl/apache) all compile, and the one
//! deliberately broken file is rejected at its broken lines.

use std::path::{Path, PathBuf};
use thrifthive_idl::{compile_file, Options, Severity};

fn corpus_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/idl/apache");
    assert!(
        root.is_dir(),
        "the IDL corpus is missing at {}: the repository expects shared/ beside it",
        root.display()
    );
    root
}

fn thrift_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable corpus dir") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            thrift_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "thrift") {
            out.push(path);
        }
    }
}

fn options_for(path: &Path) -> Options {
    Options {
        include_dirs: vec![path.parent().expect("file in a dir").to_path_buf()],
    }
}

#[test]
fn every_valid_corpus_file_compiles() {
    let mut files = Vec::new();
    thrift_files(&corpus_root(), &mut files);
    assert!(
        files.len() >= 50,
        "expected the whole corpus, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in files
        .iter()
        .filter(|p| !p.ends_with("BrokenConstants.thrift"))
    {
        let compilation = compile_file(path, &options_for(path));
        if compilation.has_errors() || compilation.program.is_none() {
            failures.push(compilation.render_diagnostics(false));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn thrift_test_resolves_its_service_and_types() {
    let path = corpus_root().join("test/ThriftTest.thrift");
    let compilation = compile_file(&path, &options_for(&path));
    let program = compilation.program.expect("ThriftTest.thrift compiles");
    let root = program.root_file();
    let service = root
        .services
        .iter()
        .find(|s| s.name == "ThriftTest")
        .expect("service ThriftTest");
    let names: Vec<&str> = service.functions.iter().map(|f| f.name.as_str()).collect();
    for expected in [
        "testVoid",
        "testString",
        "testStruct",
        "testMapMap",
        "testException",
        "testOneway",
    ] {
        assert!(names.contains(&expected), "missing {expected} in {names:?}");
    }
    let oneway = service
        .functions
        .iter()
        .find(|f| f.name == "testOneway")
        .unwrap();
    assert!(oneway.oneway && oneway.return_type.is_none());
    assert!(root.structs.iter().any(|s| s.name == "Xtruct"));
}

#[test]
fn broken_constants_is_rejected_at_its_lines() {
    let path = corpus_root().join("test/BrokenConstants.thrift");
    let compilation = compile_file(&path, &options_for(&path));
    assert!(compilation.program.is_none());
    let error_lines: Vec<u32> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let file = compilation.sources.file(d.file);
            file.line_col(d.span.start).line
        })
        .collect();
    assert!(
        error_lines.contains(&21),
        "no error at line 21: {error_lines:?}"
    );
    assert!(
        error_lines.contains(&24),
        "no error at line 24: {error_lines:?}"
    );
}
