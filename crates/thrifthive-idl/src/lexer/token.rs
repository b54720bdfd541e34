//! What the lexer produces: tokens, their kinds, and the words Thrift reserves.

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// The raw `/** … */` comment that came last before this token, if any. Kept as a span so
    /// that lexing allocates nothing for comments; the parser cleans up the ones it attaches.
    pub doc: Option<Span>,
    /// No other token precedes this one on its line. Error recovery uses line starts as likely
    /// beginnings of the next field or definition.
    pub first_on_line: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TokenKind {
    /// A name, possibly dotted; its text is the token's span.
    Ident,
    Keyword(Keyword),
    Int(i64),
    Double(f64),
    /// A string literal; its unescaped value is [`crate::lexer::Lexed::literal`].
    Literal(LiteralRange),
    Colon,
    Semicolon,
    Comma,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Lt,
    Gt,
    Eq,
    Star,
    Amp,
    Eof,
}

/// Where a string literal's unescaped value sits in [`crate::lexer::Lexed`]'s literal buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiteralRange {
    pub(super) start: u32,
    pub(super) end: u32,
}

impl TokenKind {
    pub fn is_word(self) -> bool {
        matches!(self, TokenKind::Ident | TokenKind::Keyword(_))
    }

    /// `}`, `)`, `]`: tokens that end a bracketed list.
    pub fn is_closing_bracket(self) -> bool {
        matches!(
            self,
            TokenKind::RBrace | TokenKind::RParen | TokenKind::RBracket
        )
    }

    /// A keyword that can only begin a header or a definition: seeing one where a field, value
    /// or function was expected means the enclosing braces were never closed.
    pub fn starts_top_level_item(self) -> bool {
        matches!(self, TokenKind::Keyword(k) if k.starts_top_level_item())
    }
}

macro_rules! keywords {
    ($($variant:ident = $text:literal,)*) => {
        /// The words Thrift reserves. Words that are reserved only in target languages
        /// (`return`, `class`) are ordinary identifiers here.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Keyword {
            $($variant,)*
        }

        impl Keyword {
            pub fn from_word(word: &str) -> Option<Keyword> {
                match word {
                    $($text => Some(Keyword::$variant),)*
                    _ => None,
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Keyword::$variant => $text,)*
                }
            }
        }
    };
}

keywords! {
    Include = "include",
    CppInclude = "cpp_include",
    Namespace = "namespace",
    Const = "const",
    Typedef = "typedef",
    Enum = "enum",
    Struct = "struct",
    Union = "union",
    Exception = "exception",
    Service = "service",
    Extends = "extends",
    Throws = "throws",
    Oneway = "oneway",
    Void = "void",
    Required = "required",
    Optional = "optional",
    Bool = "bool",
    Byte = "byte",
    I8 = "i8",
    I16 = "i16",
    I32 = "i32",
    I64 = "i64",
    Double = "double",
    String = "string",
    Binary = "binary",
    Uuid = "uuid",
    Map = "map",
    List = "list",
    Set = "set",
    CppType = "cpp_type",
    True = "true",
    False = "false",
    XsdAll = "xsd_all",
    XsdOptional = "xsd_optional",
    XsdNillable = "xsd_nillable",
    XsdAttrs = "xsd_attrs",
}

impl Keyword {
    /// The keywords that begin a header or a definition.
    pub const TOP_LEVEL: [Keyword; 10] = [
        Keyword::Include,
        Keyword::CppInclude,
        Keyword::Namespace,
        Keyword::Const,
        Keyword::Typedef,
        Keyword::Enum,
        Keyword::Struct,
        Keyword::Union,
        Keyword::Exception,
        Keyword::Service,
    ];

    pub fn starts_top_level_item(self) -> bool {
        Keyword::TOP_LEVEL.contains(&self)
    }
}
