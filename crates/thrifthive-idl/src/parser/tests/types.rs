//! Types, typedefs and misspelt base types.

use super::*;

#[test]
fn typedefs_with_annotations_everywhere() {
    let text = r#"typedef list<double (cpp.fixed_point = "16")> (cpp.template = "std::list") Floats (foo = "bar");
typedef string (unicode.encoding = "UTF-16") Text
typedef shared.Thing Alias,"#;
    let document = parse_ok(text);
    let typedefs: Vec<&Typedef> = document
        .definitions
        .iter()
        .map(|d| match d {
            Definition::Typedef(t) => t,
            other => panic!("{other:?}"),
        })
        .collect();
    let floats = typedefs[0];
    assert_eq!(floats.name.name, "Floats");
    assert_eq!(
        annotation_pairs(&floats.annotations),
        vec![("foo", Some("bar"))]
    );
    assert_eq!(
        annotation_pairs(&floats.ty.annotations),
        vec![("cpp.template", Some("std::list"))]
    );
    let TypeKind::List(element) = &floats.ty.kind else {
        panic!()
    };
    assert_eq!(base(element), BaseType::Double);
    assert_eq!(
        annotation_pairs(&element.annotations),
        vec![("cpp.fixed_point", Some("16"))]
    );
    assert_eq!(base(&typedefs[1].ty), BaseType::String);
    assert_eq!(named(&typedefs[2].ty), "shared.Thing");
}

#[test]
fn all_base_types() {
    let text = "struct A { 1: bool a 2: byte b 3: i8 c 4: i16 d 5: i32 e 6: i64 f 7: double g
        8: string h 9: binary i 10: uuid j }";
    let document = parse_ok(text);
    let types: Vec<BaseType> = only_struct(&document)
        .fields
        .iter()
        .map(|f| base(&f.ty))
        .collect();
    use BaseType::*;
    assert_eq!(
        types,
        vec![Bool, I8, I8, I16, I32, I64, Double, String, Binary, Uuid]
    );
}

#[test]
fn containers_and_cpp_type() {
    let text = r#"struct A {
  1: list<i32> cpp_type "std::vector<int>" old_style
  2: list cpp_type "std::deque<int>" <i32> new_style
  3: set cpp_type "std::set<int>" <i32> s
  4: map cpp_type "std::map" <string, map<i32, list<set<binary>>>> (a = "b") m
}"#;
    let document = parse_ok(text);
    let fields = &only_struct(&document).fields;
    let cpp: Vec<_> = fields.iter().map(|f| f.ty.cpp_type.as_deref()).collect();
    assert_eq!(
        cpp,
        vec![
            Some("std::vector<int>"),
            Some("std::deque<int>"),
            Some("std::set<int>"),
            Some("std::map")
        ]
    );
    assert!(matches!(fields[2].ty.kind, TypeKind::Set(_)));
    let TypeKind::Map(key, value) = &fields[3].ty.kind else {
        panic!()
    };
    assert_eq!(base(key), BaseType::String);
    assert!(matches!(value.kind, TypeKind::Map(..)));
    assert_eq!(
        annotation_pairs(&fields[3].ty.annotations),
        vec![("a", Some("b"))]
    );
    let span = fields[3].ty.span;
    assert!(text[span.start as usize..span.end as usize].starts_with("map cpp_type"));
    assert!(text[span.start as usize..span.end as usize].ends_with("(a = \"b\")"));
}

#[test]
fn misspelt_base_type_suggests_the_right_one() {
    assert_eq!(
        diagnostics("struct A { 1: strng name }"),
        vec![(
            "unknown type `strng`".into(),
            "strng".into(),
            Some("did you mean `string`?".into())
        )]
    );
    // The base type stands in, so later stages do not report the name again.
    let output = parse(FileId(0), "struct A { 1: I32 a }");
    assert_eq!(output.diagnostics.len(), 1);
    assert_eq!(
        base(&only_struct(&output.document).fields[0].ty),
        BaseType::I32
    );
}

#[test]
fn other_languages_type_names_suggest_thrifts() {
    let found =
        diagnostics("struct A { 1: long a, }\nstruct B { 1: boolean b }\nstruct C { 1: myUUID c }");
    let hints: Vec<_> = found
        .iter()
        .map(|(_, covered, hint)| (covered.as_str(), hint.as_deref()))
        .collect();
    assert_eq!(
        hints,
        vec![
            ("long", Some("did you mean `i64`?")),
            ("boolean", Some("did you mean `bool`?"))
        ]
    );
}

#[test]
fn names_near_a_local_definition_are_left_to_the_resolver() {
    assert_eq!(
        diagnostics("struct Strang {}\nstruct A { 1: Strng a }"),
        vec![]
    );
}

#[test]
fn names_defined_in_the_file_are_not_typos() {
    parse_ok(
        "typedef i32 Int\nstruct Strng {}\nstruct A { 1: Int a, 2: Strng b, 3: shared.Strin c }",
    );
}

#[test]
fn dropped_base_types_name_their_replacement() {
    assert_eq!(
        diagnostics("struct A { 1: slist names }"),
        vec![(
            "`slist` is no longer supported by Thrift".into(),
            "slist".into(),
            Some("use `string` instead".into())
        )]
    );
    assert_eq!(
        messages("senum Fruit { \"apple\" }\nstruct A {}"),
        vec!["`senum` is no longer supported by Thrift".to_string()]
    );
}

#[test]
fn misspelt_container_is_caught_at_the_angle_bracket() {
    let found = diagnostics("struct A { 1: lst<i32> xs }");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].0,
        "expected a field name after type `lst`, found `<`"
    );
    assert_eq!(found[0].2.as_deref(), Some("did you mean `list`?"));
}

#[test]
fn missing_closing_angle_bracket_before_the_name() {
    let output = parse(FileId(0), "struct A { 1: list<i32 xs, 2: i32 y }");
    assert_eq!(output.diagnostics.len(), 1);
    assert_eq!(
        output.diagnostics[0].message,
        "expected `>` to close `list<`, found `xs`"
    );
    assert_eq!(only_struct(&output.document).fields.len(), 2);
}

#[test]
fn void_is_not_a_field_type() {
    let found = diagnostics("struct A { 1: void x }");
    assert_eq!(found[0].0, "expected a field type, found keyword `void`");
    assert_eq!(
        found[0].2.as_deref(),
        Some("`void` may only be a function's return type")
    );
}
