//! Constant values and `const` definitions.

use super::*;

#[test]
fn scalar_constants() {
    assert_eq!(const_value("const i32 A = 42"), int(42));
    assert_eq!(const_value("const i32 A = -42;"), int(-42));
    assert_eq!(const_value("const i32 A = 0x1F,"), int(31));
    assert_eq!(const_value("const i64 A = -0x10"), int(-16));
    assert_eq!(
        const_value("const double A = 1.5"),
        ConstValueKind::Double(1.5)
    );
    assert_eq!(
        const_value("const double A = -2e10"),
        ConstValueKind::Double(-2e10)
    );
    assert_eq!(
        const_value("const double A = .5"),
        ConstValueKind::Double(0.5)
    );
    assert_eq!(
        const_value("const double A = 1e3"),
        ConstValueKind::Double(1000.0)
    );
    assert_eq!(
        const_value("const bool A = true"),
        ConstValueKind::Bool(true)
    );
    assert_eq!(
        const_value("const bool A = false"),
        ConstValueKind::Bool(false)
    );
    assert_eq!(
        const_value(r#"const string A = "say \"hi\"\n""#),
        ConstValueKind::String("say \"hi\"\n".into())
    );
    assert_eq!(
        const_value("const string A = 'it\\'s'"),
        ConstValueKind::String("it's".into())
    );
    assert_eq!(
        const_value("const Color A = shared.Color.RED"),
        ConstValueKind::Ident("shared.Color.RED".into())
    );
}

#[test]
fn list_and_map_constants_with_separators() {
    let list = const_value("const list<i32> L = [1, 2; 3 4,]");
    assert_eq!(values(&list), vec![int(1), int(2), int(3), int(4)]);
    assert_eq!(values(&const_value("const list<i32> L = []")), vec![]);
    let map = const_value(r#"const map<string, list<i32>> M = {"a": [1], 'b': [], "c": [2; 3];}"#);
    let ConstValueKind::Map(entries) = map else {
        panic!("{map:?}")
    };
    let keys: Vec<_> = entries.iter().map(|(k, _)| k.kind.clone()).collect();
    assert_eq!(
        keys,
        vec![
            ConstValueKind::String("a".into()),
            ConstValueKind::String("b".into()),
            ConstValueKind::String("c".into())
        ]
    );
    assert_eq!(values(&entries[2].1.kind), vec![int(2), int(3)]);
}

#[test]
fn struct_constants_are_maps() {
    let document = parse_ok(r#"const User U = {"id": 1, "name": "x", "tags": {"a": E.B}}"#);
    let Definition::Const(constant) = &document.definitions[0] else {
        panic!()
    };
    assert_eq!(named(&constant.ty), "User");
    let text = r#"{"id": 1, "name": "x", "tags": {"a": E.B}}"#;
    assert_eq!(constant.value.span, Span::new(15, 15 + text.len()));
}

#[test]
fn const_needs_an_equals_sign() {
    assert_eq!(
        diagnostics("const i32 A 5\nstruct B {}"),
        vec![(
            "expected `=` after constant name `A`, found `5`".into(),
            "5".into(),
            Some("constants are written `const i32 A = 1`".into())
        )]
    );
}
