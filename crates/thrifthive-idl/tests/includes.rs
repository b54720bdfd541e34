//! Includes across files on disk: lookup relative to the including file and in include dirs,
//! diamonds loaded once, missing and cyclic includes, and references across files by module
//! prefix (types, constants, enum values, service extends).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use thrifthive_idl::ir::{DefRef, Program, Ty, Value};
use thrifthive_idl::{compile_file, compile_source, Compilation, Options};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("thrifthive-includes-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("parent dir");
        std::fs::write(&path, text).expect("writable temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn compile(path: &Path, include_dirs: &[&Path]) -> Compilation {
    let options = Options {
        include_dirs: include_dirs.iter().map(|d| d.to_path_buf()).collect(),
    };
    compile_file(path, &options)
}

fn error_messages(compilation: &Compilation) -> Vec<String> {
    compilation.errors().map(|d| d.message.clone()).collect()
}

fn program_of(compilation: Compilation) -> Program {
    let diagnostics = compilation.render_diagnostics(false);
    compilation
        .program
        .unwrap_or_else(|| panic!("expected no errors:\n{diagnostics}"))
}

fn modules(program: &Program) -> Vec<&str> {
    program.files.iter().map(|f| f.module.as_str()).collect()
}

#[test]
fn includes_resolve_relative_to_the_including_file() {
    let dir = TempDir::new();
    let root = dir.write(
        "a.thrift",
        "include \"sub/b.thrift\"\nstruct A { 1: b.B b }",
    );
    dir.write(
        "sub/b.thrift",
        "include \"c.thrift\"\nstruct B { 1: c.C c }",
    );
    dir.write("sub/c.thrift", "struct C {}");
    let program = program_of(compile(&root, &[]));
    assert_eq!(modules(&program), ["a", "b", "c"]);
    assert_eq!(program.root_file().includes, [1]);
    assert_eq!(
        program.files[0].structs[0].fields[0].ty,
        Ty::Struct {
            def: DefRef { file: 1, index: 0 }
        }
    );
    assert!(program.files[2].path.ends_with("sub/c.thrift"));
}

#[test]
fn include_dirs_are_searched_in_order_after_the_files_own_directory() {
    let dir = TempDir::new();
    let root = dir.write(
        "app/main.thrift",
        "include \"shared.thrift\"\nconst i32 X = shared.VALUE",
    );
    dir.write("first/shared.thrift", "const i32 VALUE = 1");
    dir.write("second/shared.thrift", "const i32 VALUE = 2");
    let first = dir.0.join("first");
    let second = dir.0.join("second");
    let program = compile(&root, &[&second, &first])
        .program
        .expect("compiles");
    assert_eq!(program.files[0].consts[0].value, Value::Int(2));

    dir.write("app/shared.thrift", "const i32 VALUE = 3");
    let program = compile(&root, &[&second]).program.expect("compiles");
    assert_eq!(program.files[0].consts[0].value, Value::Int(3));
}

#[test]
fn in_memory_source_finds_includes_in_include_dirs() {
    let dir = TempDir::new();
    dir.write("shared.thrift", "struct S {}");
    let options = Options {
        include_dirs: vec![dir.0.clone()],
    };
    let compilation = compile_source(
        "mem.thrift",
        "include \"shared.thrift\"\ntypedef shared.S T",
        &options,
    );
    assert_eq!(modules(&program_of(compilation)), ["mem", "shared"]);
}

#[test]
fn a_file_reached_twice_is_loaded_once() {
    let dir = TempDir::new();
    let root = dir.write(
        "top.thrift",
        "include \"left.thrift\"\ninclude \"right.thrift\"\nstruct T { 1: left.L l, 2: right.R r }",
    );
    dir.write(
        "left.thrift",
        "include \"base.thrift\"\nstruct L { 1: base.B b }",
    );
    dir.write(
        "right.thrift",
        "include \"./base.thrift\"\nstruct R { 1: base.B b }",
    );
    dir.write("base.thrift", "struct B {}");
    let compilation = compile(&root, &[]);
    assert_eq!(compilation.sources.len(), 4);
    let program = program_of(compilation);
    assert_eq!(modules(&program), ["top", "left", "base", "right"]);
    assert_eq!(program.files[1].includes, program.files[3].includes);
}

#[test]
fn a_missing_include_is_reported_at_its_literal_with_the_dirs_searched() {
    let dir = TempDir::new();
    let root = dir.write("a.thrift", "include \"nowhere.thrift\"\nstruct A {}");
    let extra = dir.0.join("extra");
    let compilation = compile(&root, &[&extra]);
    let error = compilation.errors().next().expect("an error");
    assert_eq!(error.message, "cannot find included file `nowhere.thrift`");
    assert_eq!(
        error.location(&compilation.sources),
        format!("{}:1:9", root.display())
    );
    let hint = error.hint.as_deref().expect("a hint");
    assert!(hint.contains(&extra.display().to_string()), "{hint}");
    assert!(
        hint.ends_with("add the directory that holds it with `-I DIR`"),
        "{hint}"
    );
    assert!(compilation.program.is_none());
}

#[test]
fn a_cyclic_include_is_an_error_showing_the_chain() {
    let dir = TempDir::new();
    let root = dir.write("a.thrift", "include \"b.thrift\"\nstruct A {}");
    dir.write("b.thrift", "include \"a.thrift\"\nstruct B { 1: a.A a }");
    let compilation = compile(&root, &[]);
    assert_eq!(
        error_messages(&compilation),
        [format!(
            "cyclic include: `{}` -> `b.thrift` -> `a.thrift`",
            root.display()
        )]
    );
    let error = compilation.errors().next().expect("an error");
    assert!(compilation
        .sources
        .file(error.file)
        .path
        .ends_with("b.thrift"));
}

#[test]
fn a_self_include_is_a_cycle() {
    let dir = TempDir::new();
    let root = dir.write("a.thrift", "include \"a.thrift\"\n");
    assert_eq!(compile(&root, &[]).errors().count(), 1);
}

#[test]
fn two_includes_with_one_module_name_are_an_error() {
    let dir = TempDir::new();
    let root = dir.write(
        "a.thrift",
        "include \"x/shared.thrift\"\ninclude \"y/shared.thrift\"\n",
    );
    dir.write("x/shared.thrift", "");
    dir.write("y/shared.thrift", "");
    assert_eq!(
        error_messages(&compile(&root, &[])),
        ["two included files share the module name `shared`"]
    );
}

#[test]
fn an_unreadable_root_file_is_an_error_not_a_panic() {
    let dir = TempDir::new();
    let missing = dir.0.join("missing.thrift");
    let compilation = compile(&missing, &[]);
    let error = compilation.errors().next().expect("an error");
    assert!(
        error.message.starts_with("cannot read"),
        "{}",
        error.message
    );
    assert_eq!(compilation.sources.file(error.file).path, missing);
    assert!(compilation.program.is_none());
    let _ = compilation.render_diagnostics(false);
}

#[test]
fn module_prefixed_references_reach_every_kind_of_definition() {
    let dir = TempDir::new();
    let root = dir.write(
        "app.thrift",
        "include \"shared.thrift\"\n\
         const shared.Color FAVOURITE = shared.Color.RED\n\
         const i32 LIMIT = shared.LIMIT\n\
         struct Holder { 1: shared.Id id = shared.LIMIT, 2: shared.Color c = shared.Color.GREEN }\n\
         service App extends shared.Base { void more() throws (1: shared.Oops oops) }",
    );
    dir.write(
        "shared.thrift",
        "typedef i64 Id\nenum Color { RED = 1, GREEN = 2 }\nconst i32 LIMIT = 10\n\
         exception Oops {}\nservice Base { void ping() }",
    );
    let program = program_of(compile(&root, &[]));
    let app = &program.files[0];
    assert_eq!(
        app.consts[0].ty,
        Ty::Enum {
            def: DefRef { file: 1, index: 0 }
        }
    );
    assert_eq!(app.consts[0].value, Value::Int(1));
    assert_eq!(app.consts[1].value, Value::Int(10));
    assert_eq!(app.structs[0].fields[0].ty, Ty::I64);
    assert_eq!(app.structs[0].fields[1].default, Some(Value::Int(2)));
    assert_eq!(app.services[0].extends, Some(DefRef { file: 1, index: 0 }));
    assert_eq!(
        program.service(DefRef { file: 1, index: 0 }).functions[0].name,
        "ping"
    );
}

#[test]
fn inherited_methods_across_includes_are_checked() {
    let dir = TempDir::new();
    let root = dir.write(
        "app.thrift",
        "include \"base.thrift\"\nservice App extends base.Base { void ping() }",
    );
    dir.write("base.thrift", "service Base { void ping() }");
    assert_eq!(
        error_messages(&compile(&root, &[])),
        ["`ping` is already defined in `Base`, which `App` extends"]
    );
}

#[test]
fn only_direct_includes_are_visible() {
    let dir = TempDir::new();
    let root = dir.write("a.thrift", "include \"b.thrift\"\nstruct A { 1: c.C c }");
    dir.write("b.thrift", "include \"c.thrift\"\n");
    dir.write("c.thrift", "struct C {}");
    assert_eq!(
        error_messages(&compile(&root, &[])),
        ["unknown type `c.C`: no included file is named `c`"]
    );
}

#[test]
fn errors_in_an_included_file_point_into_that_file() {
    let dir = TempDir::new();
    let root = dir.write("a.thrift", "include \"b.thrift\"\n");
    dir.write("b.thrift", "struct B { 1: Missing m }");
    let compilation = compile(&root, &[]);
    let error = compilation.errors().next().expect("an error");
    assert!(error
        .location(&compilation.sources)
        .ends_with("b.thrift:1:15"));
}

#[test]
fn including_one_file_twice_is_a_warning() {
    let dir = TempDir::new();
    let root = dir.write("a.thrift", "include \"b.thrift\"\ninclude \"./b.thrift\"\n");
    dir.write("b.thrift", "");
    let compilation = compile(&root, &[]);
    let warnings: Vec<&str> = compilation.warnings().map(|d| d.message.as_str()).collect();
    assert_eq!(warnings, ["`./b.thrift` is included twice"]);
    assert_eq!(program_of(compilation).files[0].includes, [1]);
}

#[test]
fn an_included_name_without_its_prefix_suggests_the_prefix() {
    let dir = TempDir::new();
    let root = dir.write(
        "a.thrift",
        "include \"shared.thrift\"\nstruct A { 1: SharedStruct s }",
    );
    dir.write("shared.thrift", "struct SharedStruct {}");
    let compilation = compile(&root, &[]);
    let error = compilation.errors().next().expect("an error");
    assert_eq!(error.message, "unknown type `SharedStruct`");
    assert_eq!(
        error.hint.as_deref(),
        Some("did you mean `shared.SharedStruct`?")
    );
}
