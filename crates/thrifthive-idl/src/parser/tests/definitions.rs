//! Enums, structs and their fields, services and their functions, doc comments.

use super::*;

#[test]
fn enums_with_hex_negative_and_implicit_values() {
    let text = "enum E {
  A = 0x10,
  B
  C = -3 (deprecated = \"yes\", hidden);
  /** The last one. */
  D = 0
} (foo.bar = \"baz\")";
    let document = parse_ok(text);
    let Definition::Enum(e) = &document.definitions[0] else {
        panic!()
    };
    let vals: Vec<_> = e
        .values
        .iter()
        .map(|v| (v.name.name.as_str(), v.value.map(|(n, _)| n)))
        .collect();
    assert_eq!(
        vals,
        vec![
            ("A", Some(16)),
            ("B", None),
            ("C", Some(-3)),
            ("D", Some(0))
        ]
    );
    assert_eq!(
        annotation_pairs(&e.values[2].annotations),
        vec![("deprecated", Some("yes")), ("hidden", None)]
    );
    assert_eq!(e.values[3].doc.as_deref(), Some("The last one."));
    let (_, span) = e.values[0].value.unwrap();
    assert_eq!(&text[span.start as usize..span.end as usize], "0x10");
    assert_eq!(
        annotation_pairs(&e.annotations),
        vec![("foo.bar", Some("baz"))]
    );
}

#[test]
fn enum_values_must_be_integers() {
    assert_eq!(
        diagnostics("enum E { A = 1.5, B }"),
        vec![(
            "expected an integer, found `1.5`".into(),
            "1.5".into(),
            Some("enum values are integers".into())
        )]
    );
}

#[test]
fn struct_union_exception() {
    let document = parse_ok("struct S {} union U { 1: i32 a } exception E { 1: string message }");
    let kinds: Vec<_> = document
        .definitions
        .iter()
        .map(|d| match d {
            Definition::Struct(s) => (s.kind, s.name.name.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (StructKind::Struct, "S"),
            (StructKind::Union, "U"),
            (StructKind::Exception, "E")
        ]
    );
}

#[test]
fn fields_in_all_their_forms() {
    let text = r#"struct User xsd_all {
  1: required i64 id = -1 xsd_optional xsd_nillable (k = "v"),
  -2: optional string name;
  string no_id
  4: Tree & tree xsd_attrs { 1: i32 attr }
  0x5: i32 type, 6: string list
}"#;
    let document = parse_ok(text);
    let user = only_struct(&document);
    assert!(user.xsd_all);
    let summary: Vec<_> = user
        .fields
        .iter()
        .map(|f| (f.id, f.requiredness, f.name.name.as_str(), f.reference))
        .collect();
    use Requiredness::*;
    assert_eq!(
        summary,
        vec![
            (Some(1), Required, "id", false),
            (Some(-2), Optional, "name", false),
            (None, Default, "no_id", false),
            (Some(4), Default, "tree", true),
            (Some(5), Default, "type", false),
            (Some(6), Default, "list", false),
        ]
    );
    let id = &user.fields[0];
    assert_eq!(id.default.as_ref().map(|v| v.kind.clone()), Some(int(-1)));
    assert_eq!(annotation_pairs(&id.annotations), vec![("k", Some("v"))]);
    let requiredness = id.requiredness_span.unwrap();
    assert_eq!(
        &text[requiredness.start as usize..requiredness.end as usize],
        "required"
    );
    let covered = |span: Span| &text[span.start as usize..span.end as usize];
    assert_eq!(
        covered(id.span),
        "1: required i64 id = -1 xsd_optional xsd_nillable (k = \"v\")"
    );
    assert_eq!(covered(id.id_span), "1");
    assert_eq!(covered(user.fields[2].id_span), "string");
    assert_eq!(covered(user.fields[3].ty.span), "Tree");
}

#[test]
fn annotations_on_structs_and_fields() {
    let text = r#"struct foo {
  1: i32 bar ( presence = "required" );
  2: i32 baz ( presence = "manual", cpp.use_pointer = "", );
} (
  cpp.type = "DenseFoo",
  annotation.without.value,
)"#;
    let document = parse_ok(text);
    let foo = only_struct(&document);
    assert_eq!(
        annotation_pairs(&foo.annotations),
        vec![
            ("cpp.type", Some("DenseFoo")),
            ("annotation.without.value", None)
        ]
    );
    assert_eq!(
        annotation_pairs(&foo.fields[1].annotations),
        vec![("presence", Some("manual")), ("cpp.use_pointer", Some(""))]
    );
}

#[test]
fn target_language_keywords_are_plain_names() {
    let document = parse_ok("struct return { 1: required bool class = 1 }");
    let s = only_struct(&document);
    assert_eq!(
        (s.name.name.as_str(), s.fields[0].name.name.as_str()),
        ("return", "class")
    );
}

#[test]
fn doc_comments_attach_to_what_follows() {
    let text = r#"/** Dropped: a header follows. */
namespace py x

/**
 * A user.
 *
 * Has a name.
 */
struct User {
  /** The id. */
  1: i64 id
  // not a doc comment
  2: string name /** dropped: nothing follows */
}
/* plain */ struct Plain {}"#;
    let document = parse_ok(text);
    let Definition::Struct(user) = &document.definitions[0] else {
        panic!()
    };
    assert_eq!(user.doc.as_deref(), Some("A user.\n\nHas a name."));
    assert_eq!(user.fields[0].doc.as_deref(), Some("The id."));
    assert_eq!(user.fields[1].doc, None);
    let Definition::Struct(plain) = &document.definitions[1] else {
        panic!()
    };
    assert_eq!(plain.doc, None);
}

#[test]
fn definition_docs_for_every_kind() {
    let text = "/** c */ const i32 C = 1\n/** t */ typedef i32 T\n/** e */ enum E {}\n\
                /** s */ service S {}";
    let docs: Vec<_> = parse_ok(text)
        .definitions
        .iter()
        .map(|d| match d {
            Definition::Const(x) => x.doc.clone(),
            Definition::Typedef(x) => x.doc.clone(),
            Definition::Enum(x) => x.doc.clone(),
            Definition::Service(x) => x.doc.clone(),
            Definition::Struct(x) => x.doc.clone(),
        })
        .collect();
    let expected = ["c", "t", "e", "s"].map(|d| Some(d.to_string()));
    assert_eq!(docs, expected);
}

#[test]
fn missing_field_colon() {
    let output = parse(FileId(0), "struct User {\n  1: i32 id\n  2 string name\n}");
    assert_eq!(
        output
            .diagnostics
            .iter()
            .map(|d| (d.message.as_str(), d.hint.as_deref()))
            .collect::<Vec<_>>(),
        vec![(
            "expected `:` after field id 2, found keyword `string`",
            Some("field ids are written `2: i32 name`")
        )]
    );
    assert_eq!(output.diagnostics[0].span, Span::new(30, 36));
    // Parsing went on as if the colon were there.
    assert_eq!(only_struct(&output.document).fields[1].name.name, "name");
}

#[test]
fn names_cannot_contain_dots() {
    assert_eq!(
        messages("struct a.b {}"),
        vec!["`a.b` cannot be declared: a name cannot contain `.`".to_string()]
    );
}

#[test]
fn reserved_words_are_not_definition_names() {
    let found = diagnostics("struct list { 1: i32 a }");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0,
        "expected a name after `struct`, found keyword `list`"
    );
    assert_eq!(found[0].1, "list");
}

#[test]
fn separators_after_structs_are_rejected() {
    let found = diagnostics("struct A {};\nstruct B {}");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0,
        "expected a definition (`struct`, `enum`, `service`, …), found `;`"
    );
}

#[test]
fn misspelt_definition_keyword() {
    let found = diagnostics("Struct A {}");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].2.as_deref(), Some("did you mean `struct`?"));
}

#[test]
fn annotation_values_are_strings() {
    let found = diagnostics("struct A {} (deprecated = 1)");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0,
        "expected a quoted value for annotation `deprecated`, found `1`"
    );
    assert_eq!(
        found[0].2.as_deref(),
        Some("annotation values are strings: write `deprecated = \"1\"`")
    );
}

#[test]
fn services_and_functions() {
    let text = r#"service Calculator extends shared.SharedService {
  /** Pings. */
  oneway void ping(),
  i32 add(1: i32 num1, 2: i32 num2) throws (1: InvalidOperation ouch);
  list<i32> (a = "b") many(1: i32 n) (deprecated = "x")
  void zip()
} (svc = "yes")"#;
    let document = parse_ok(text);
    let service = only_service(&document);
    assert_eq!(
        service.extends.as_ref().unwrap().name,
        "shared.SharedService"
    );
    assert_eq!(
        annotation_pairs(&service.annotations),
        vec![("svc", Some("yes"))]
    );
    let names: Vec<_> = service
        .functions
        .iter()
        .map(|f| f.name.name.as_str())
        .collect();
    assert_eq!(names, vec!["ping", "add", "many", "zip"]);
    let ping = &service.functions[0];
    assert!(ping.oneway && ping.return_type.is_none());
    assert_eq!(ping.doc.as_deref(), Some("Pings."));
    let add = &service.functions[1];
    assert_eq!(add.params.len(), 2);
    assert_eq!(add.throws[0].name.name, "ouch");
    assert_eq!(named(&add.throws[0].ty), "InvalidOperation");
    let many = &service.functions[2];
    assert_eq!(
        annotation_pairs(&many.return_type.as_ref().unwrap().annotations),
        vec![("a", Some("b"))]
    );
    assert_eq!(
        annotation_pairs(&many.annotations),
        vec![("deprecated", Some("x"))]
    );
    let covered = |span: Span| &text[span.start as usize..span.end as usize];
    assert_eq!(covered(many.return_span), "list<i32> (a = \"b\")");
    assert_eq!(covered(service.functions[3].span), "void zip()");
}

#[test]
fn async_is_a_deprecated_oneway_unless_it_is_a_type() {
    let output = parse(
        FileId(0),
        "service S {\n  async void old()\n  async get()\n}",
    );
    let service = only_service(&output.document);
    assert!(service.functions[0].oneway);
    assert_eq!(
        named(service.functions[1].return_type.as_ref().unwrap()),
        "async"
    );
    let [warning] = &output.diagnostics[..] else {
        panic!("{:?}", output.diagnostics)
    };
    assert!(!warning.is_error());
    assert_eq!(warning.message, "`async` is deprecated");
}

#[test]
fn function_without_return_type() {
    let found = diagnostics("service S {\n  get(1: i64 id),\n}");
    assert_eq!(
        found,
        vec![(
            "expected a function name, found `(`".into(),
            "(".into(),
            Some("write the return type first: `void get(…)` or `i32 get(…)`".into())
        )]
    );
}

#[test]
fn function_without_parentheses() {
    let found = diagnostics("service S {\n  void ping\n  void pong()\n}");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0,
        "expected `(` after function name `ping`, found keyword `void`"
    );
}
