//! Diagnostics: what went wrong, where, and what to do about it; rendered rustc-style.

use crate::source::{FileId, SourceMap, Span};
use serde::Serialize;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary location, e.g. "first defined here".
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub file: FileId,
    pub span: Span,
    /// One line telling the user what to do, e.g. "did you mean `UserId`?".
    pub hint: Option<String>,
    pub notes: Vec<Note>,
}

impl Diagnostic {
    pub fn error(file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file,
            span,
            hint: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, span, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_optional_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint;
        self
    }

    pub fn with_note(mut self, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        self.notes.push(Note {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic with the offending line and a caret under the spot.
    pub fn render(&self, sources: &SourceMap, color: bool) -> String {
        let palette = Palette::new(color);
        let (label, label_color) = match self.severity {
            Severity::Error => ("error", palette.red),
            Severity::Warning => ("warning", palette.yellow),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{label_color}{}{label}{}: {}{}{}",
            palette.bold, palette.reset, palette.bold, self.message, palette.reset
        );
        // One gutter width for the whole diagnostic, so that every `|` and the hint line up.
        let gutter = std::iter::once((self.file, self.span))
            .chain(self.notes.iter().map(|n| (n.file, n.span)))
            .map(|(file, span)| {
                sources
                    .file(file)
                    .line_col(span.start)
                    .line
                    .to_string()
                    .len()
            })
            .max()
            .unwrap_or(1);
        let primary = Snippet {
            file: self.file,
            span: self.span,
            label: None,
            caret_color: label_color,
        };
        primary.render(&mut out, sources, gutter, &palette);
        for note in &self.notes {
            let snippet = Snippet {
                file: note.file,
                span: note.span,
                label: Some(&note.message),
                caret_color: palette.blue,
            };
            snippet.render(&mut out, sources, gutter, &palette);
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(
                out,
                "{:gutter$} {}= hint:{} {hint}",
                "", palette.blue, palette.reset
            );
        }
        out
    }

    /// `file:line:col`, as the first line of an editor-friendly location.
    pub fn location(&self, sources: &SourceMap) -> String {
        let file = sources.file(self.file);
        let lc = file.line_col(self.span.start);
        format!("{}:{}:{}", file.path.display(), lc.line, lc.col)
    }
}

/// Lines longer than this are shown as a window around the caret.
const MAX_SNIPPET_CHARS: usize = 100;

/// One location shown as `--> file:line:col`, the line, and carets under the span.
struct Snippet<'a> {
    file: FileId,
    span: Span,
    label: Option<&'a str>,
    caret_color: &'a str,
}

impl Snippet<'_> {
    fn render(&self, out: &mut String, sources: &SourceMap, gutter: usize, palette: &Palette) {
        let source = sources.file(self.file);
        if source.text.is_empty() {
            // Nothing to show: typically a file that could not be read.
            let _ = writeln!(
                out,
                "{:gutter$}{}-->{} {}",
                "",
                palette.blue,
                palette.reset,
                source.path.display()
            );
            return;
        }
        let start = source.line_col(self.span.start);
        let end = source.line_col(self.span.end.max(self.span.start));
        let line: Vec<char> = source.line_text(start.line).chars().collect();
        let (blue, reset) = (palette.blue, palette.reset);
        let _ = writeln!(
            out,
            "{:gutter$}{blue}-->{reset} {}:{}:{}",
            "",
            source.path.display(),
            start.line,
            start.col
        );
        let _ = writeln!(out, "{:gutter$} {blue}|{reset}", "");

        let caret_start = (start.col - 1) as usize;
        let caret_end = if end.line == start.line {
            (end.col - 1) as usize
        } else {
            line.len()
        }
        .max(caret_start + 1);
        let window_start = caret_start.saturating_sub(MAX_SNIPPET_CHARS / 2);
        let window_start = if line.len() <= MAX_SNIPPET_CHARS {
            0
        } else {
            window_start
        };
        let window_end = (window_start + MAX_SNIPPET_CHARS).min(line.len());
        let prefix = if window_start > 0 { "..." } else { "" };
        let suffix = if window_end < line.len() { "..." } else { "" };
        let shown: String = line[window_start..window_end]
            .iter()
            .map(|&c| if c == '\t' { ' ' } else { c })
            .collect();
        let _ = writeln!(
            out,
            "{blue}{:>gutter$}{reset} {blue}|{reset} {prefix}{shown}{suffix}",
            start.line
        );
        let pad = prefix.len() + caret_start - window_start;
        let width = caret_end.min(window_end.max(caret_start + 1)) - caret_start;
        let label = self.label.map(|l| format!(" {l}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{:gutter$} {blue}|{reset} {:pad$}{}{}{label}{reset}",
            "",
            "",
            self.caret_color,
            "^".repeat(width)
        );
    }
}

struct Palette {
    red: &'static str,
    yellow: &'static str,
    blue: &'static str,
    bold: &'static str,
    reset: &'static str,
}

impl Palette {
    fn new(color: bool) -> Palette {
        if color {
            Palette {
                red: "\x1b[31m",
                yellow: "\x1b[33m",
                blue: "\x1b[34m",
                bold: "\x1b[1m",
                reset: "\x1b[0m",
            }
        } else {
            Palette {
                red: "",
                yellow: "",
                blue: "",
                bold: "",
                reset: "",
            }
        }
    }
}

/// The candidate nearest to `name` by edit distance, if it is near enough to be a likely typo.
pub fn closest_name<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c.len()))
        .map(|(_, c)| c)
}

/// "did you mean `X`?" for the nearest candidate, if any.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest_name(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let names = ["UserId", "Address", "Status"];
        assert_eq!(closest_name("UserID", names), Some("UserId"));
        assert_eq!(closest_name("Adress", names), Some("Address"));
        assert_eq!(closest_name("Banana", names), None);
    }

    #[test]
    fn renders_caret_under_span() {
        let mut sources = SourceMap::default();
        let file = sources.add("x.thrift".into(), "struct A {\n  1: Foo f\n}\n".into());
        let d = Diagnostic::error(file, Span::new(16, 19), "unknown type `Foo`")
            .with_hint("did you mean `Food`?");
        let text = d.render(&sources, false);
        assert_eq!(
            text,
            "error: unknown type `Foo`\n --> x.thrift:2:6\n  |\n2 |   1: Foo f\n  |      ^^^\n  = hint: did you mean `Food`?\n"
        );
        assert_eq!(d.location(&sources), "x.thrift:2:6");
    }

    #[test]
    fn a_file_without_text_gets_no_snippet() {
        let mut sources = SourceMap::default();
        let file = sources.add("gone.thrift".into(), String::new());
        let d = Diagnostic::error(file, Span::default(), "cannot read `gone.thrift`")
            .with_hint("check the path");
        assert_eq!(
            d.render(&sources, false),
            "error: cannot read `gone.thrift`\n --> gone.thrift\n  = hint: check the path\n"
        );
    }
}
