//! Where the next JSON value goes, and so which separator precedes it; shared by the writer and
//! the reader, which both keep a stack of these.
//!
//! At the top level values stand alone; in an array they are separated by `,`; in an object
//! they alternate key `:` value `,` key ... and a number in key position is quoted.

#[derive(Debug, Clone, Copy)]
enum Context {
    TopLevel,
    Array {
        first: bool,
    },
    /// `at_key`: the value last entered is a key (so a ':' and a value come next).
    Object {
        first: bool,
        at_key: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Contexts {
    current: Context,
    outer: Vec<Context>,
}

impl Contexts {
    pub(crate) fn new() -> Contexts {
        Contexts {
            current: Context::TopLevel,
            outer: Vec::new(),
        }
    }

    pub(crate) fn push_array(&mut self) {
        self.push(Context::Array { first: true });
    }

    pub(crate) fn push_object(&mut self) {
        self.push(Context::Object {
            first: true,
            at_key: true,
        });
    }

    fn push(&mut self, context: Context) {
        self.outer.push(self.current);
        self.current = context;
    }

    pub(crate) fn pop(&mut self) {
        self.current = self.outer.pop().unwrap_or(Context::TopLevel);
    }

    /// Moves to the next value and returns the separator that precedes it, if any.
    #[inline]
    pub(crate) fn next_separator(&mut self) -> Option<u8> {
        match &mut self.current {
            Context::TopLevel => None,
            Context::Array { first } => {
                if std::mem::take(first) {
                    None
                } else {
                    Some(b',')
                }
            }
            Context::Object { first, at_key } => {
                if std::mem::take(first) {
                    *at_key = true;
                    None
                } else {
                    let separator = if *at_key { b':' } else { b',' };
                    *at_key = !*at_key;
                    Some(separator)
                }
            }
        }
    }

    /// Whether the value just entered is an object key, where numbers are quoted.
    #[inline]
    pub(crate) fn in_key_position(&self) -> bool {
        matches!(self.current, Context::Object { at_key: true, .. })
    }
}
