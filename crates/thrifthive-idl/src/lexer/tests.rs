use super::*;

fn kinds(text: &str) -> Vec<TokenKind> {
    let lexed = lex(FileId(0), text);
    assert!(lexed.diagnostics.is_empty(), "{:?}", lexed.diagnostics);
    lexed.tokens.iter().map(|t| t.kind).collect()
}

fn errors(text: &str) -> Vec<(String, Span)> {
    lex(FileId(0), text)
        .diagnostics
        .into_iter()
        .map(|d| (d.message, d.span))
        .collect()
}

#[test]
fn words_keywords_and_dotted_identifiers() {
    use TokenKind::*;
    assert_eq!(
        kinds("struct shared.SharedStruct return e10 a.1"),
        vec![
            Keyword(token::Keyword::Struct),
            Ident,
            Ident,
            Ident,
            Ident,
            Eof
        ]
    );
    // A trailing dot is not part of the name.
    assert_eq!(
        errors("a. b"),
        vec![("unexpected character `.`".into(), Span::new(1, 2))]
    );
}

#[test]
fn integers_hex_signs_and_doubles() {
    use TokenKind::*;
    assert_eq!(
        kinds("0 42 -7 +3 0x10 -0x1F 9223372036854775807 -9223372036854775808"),
        vec![
            Int(0),
            Int(42),
            Int(-7),
            Int(3),
            Int(16),
            Int(-31),
            Int(i64::MAX),
            Int(i64::MIN),
            Eof
        ]
    );
    assert_eq!(
        kinds("1.5 -2e10 .5 1e3 +1.25E-2 -.5"),
        vec![
            Double(1.5),
            Double(-2e10),
            Double(0.5),
            Double(1e3),
            Double(0.0125),
            Double(-0.5),
            Eof
        ]
    );
}

#[test]
fn integer_overflow_is_an_error_at_the_literal() {
    let text = "const i64 x = 9876543210987654321";
    let errs = errors(text);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].0,
        "integer literal `9876543210987654321` does not fit in 64 bits"
    );
    assert_eq!(errs[0].1, Span::new(14, text.len()));
    assert_eq!(errors("0x8000000000000000").len(), 1);
    assert!(errors("-0x8000000000000000").is_empty());
}

#[test]
fn string_literals_and_escapes() {
    let lexed = lex(FileId(0), r#""a\"b\n" 'it\'s' "中文\\" "#);
    assert!(lexed.diagnostics.is_empty());
    let values: Vec<&str> = lexed
        .tokens
        .iter()
        .filter_map(|t| match t.kind {
            TokenKind::Literal(range) => Some(lexed.literal(range)),
            _ => None,
        })
        .collect();
    assert_eq!(values, vec!["a\"b\n", "it's", "中文\\"]);
}

#[test]
fn bad_escapes_and_unterminated_strings() {
    assert_eq!(
        errors(r#"x = "a\qb""#),
        vec![(
            "unknown escape sequence `\\q` in string literal".into(),
            Span::new(6, 8)
        )]
    );
    assert_eq!(
        errors("x = \"abc\r\ny"),
        vec![("unterminated string literal".into(), Span::new(4, 8))]
    );
    assert_eq!(
        errors("'abc"),
        vec![("unterminated string literal".into(), Span::new(0, 4))]
    );
}

#[test]
fn comments_are_skipped_and_doc_comments_kept() {
    let text = "# unix\n// line\n/* block */ /**/ /***/\n/** doc */ struct";
    let lexed = lex(FileId(0), text);
    assert!(lexed.diagnostics.is_empty());
    let first = lexed.tokens[0];
    assert_eq!(first.kind, TokenKind::Keyword(Keyword::Struct));
    assert_eq!(
        first.doc.map(|s| &text[s.start as usize..s.end as usize]),
        Some("/** doc */")
    );
    assert!(first.first_on_line);
}

#[test]
fn first_on_line_marks_line_starts() {
    let lexed = lex(FileId(0), "a b\n  c /* x\n */ d");
    let flags: Vec<bool> = lexed.tokens.iter().map(|t| t.first_on_line).collect();
    assert_eq!(flags, vec![true, false, true, true, false]);
}

#[test]
fn unterminated_comment_is_reported_once() {
    let lexed = lex(FileId(0), "struct A { /* never closed");
    assert_eq!(lexed.diagnostics.len(), 1);
    assert_eq!(lexed.diagnostics[0].message, "unterminated comment");
    assert_eq!(lexed.diagnostics[0].span, Span::new(11, 13));
    assert!(lexed.ends_in_comment);
}

#[test]
fn stray_characters_are_one_error_per_line() {
    assert_eq!(
        errors("a @@é b $\n$"),
        vec![
            ("unexpected characters `@@é`".into(), Span::new(2, 6)),
            ("unexpected character `$`".into(), Span::new(11, 12)),
        ]
    );
    assert_eq!(
        errors("- 5"),
        vec![("unexpected character `-`".into(), Span::new(0, 1))]
    );
}

#[test]
fn byte_order_mark_is_ignored() {
    assert_eq!(
        kinds("\u{feff}i32"),
        vec![TokenKind::Keyword(Keyword::I32), TokenKind::Eof]
    );
}
