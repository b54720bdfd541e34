//! Names that are Python keywords. They are valid Thrift (Apache's own test corpus names things
//! `return`), so they only draw a warning: Python code cannot write them as attribute or argument
//! names and has to reach them indirectly.

use crate::ast::Ident;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// Where a name appears, which decides how Python code can still reach it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Role {
    Definition,
    Field,
    Argument,
    Method,
    EnumValue,
}

impl Role {
    fn workaround(self) -> &'static str {
        match self {
            Role::Definition => "reaches this definition only through getattr() on its module",
            Role::Field => "reaches this field only through getattr()/setattr()",
            Role::Argument => "can pass this argument only by position or through **kwargs",
            Role::Method => "reaches this method only through getattr()",
            Role::EnumValue => "reaches this enum value only through getattr() or by name lookup",
        }
    }
}

/// Whether `name` is in Python 3.11's `keyword.kwlist`.
pub(super) fn is_python_keyword(name: &str) -> bool {
    matches!(
        name,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

/// Warns when `name` is a Python keyword.
pub(super) fn warn(diagnostics: &mut Vec<Diagnostic>, file: FileId, name: &Ident, role: Role) {
    if is_python_keyword(&name.name) {
        diagnostics.push(
            Diagnostic::warning(
                file,
                name.span,
                format!(
                    "`{}` is a Python keyword: Python code {}",
                    name.name,
                    role.workaround()
                ),
            )
            .with_hint(format!("rename it if you can, e.g. to `{}_`", name.name)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn keywords_match_exactly() {
        assert!(is_python_keyword("return"));
        assert!(is_python_keyword("nonlocal"));
        assert!(is_python_keyword("None"));
        assert!(!is_python_keyword("TRUE"));
        assert!(!is_python_keyword("print"));
    }

    #[test]
    fn warns_with_the_role_specific_workaround() {
        let mut diagnostics = Vec::new();
        let name = Ident {
            name: "return".into(),
            span: Span::new(3, 9),
        };
        warn(&mut diagnostics, FileId(0), &name, Role::Field);
        let [warning] = diagnostics.as_slice() else {
            panic!("one warning expected: {diagnostics:?}")
        };
        assert!(!warning.is_error());
        assert_eq!(
            warning.message,
            "`return` is a Python keyword: Python code reaches this field only through getattr()/setattr()"
        );
        warn(
            &mut diagnostics,
            FileId(0),
            &Ident {
                name: "value".into(),
                span: Span::default(),
            },
            Role::Field,
        );
        assert_eq!(diagnostics.len(), 1);
    }
}
