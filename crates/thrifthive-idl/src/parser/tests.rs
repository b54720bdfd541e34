use super::*;
use crate::ast::*;
use crate::source::SourceMap;
use std::path::{Path, PathBuf};

const CORPUS: &str = "../../../shared/fixtures/idl/apache";

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            corpus_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "thrift") {
            out.push(path);
        }
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS)
}

#[test]
fn every_apache_test_idl_parses() {
    let mut files = Vec::new();
    corpus_files(&corpus_dir(), &mut files);
    assert!(files.len() > 40, "corpus not found at {}", corpus_dir().display());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let output = parse(FileId(0), &text);
        let errors: Vec<_> = output.diagnostics.iter().filter(|d| d.is_error()).collect();
        if path.ends_with("BrokenConstants.thrift") {
            continue;
        }
        if !errors.is_empty() {
            let mut sources = SourceMap::default();
            sources.add(path.clone(), text.clone());
            let rendered: String = errors.iter().map(|d| d.render(&sources, false)).collect();
            panic!("{}:\n{rendered}", path.display());
        }
    }
}
