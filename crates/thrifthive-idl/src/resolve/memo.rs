//! Memoized results of definitions that are resolved on first use (typedefs, constants), with the
//! in-progress state that detects cycles among them, and the report of such a cycle.

use super::Resolver;
use crate::ast::Ident;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub(super) enum Memo<T> {
    Pending,
    /// Being resolved: reaching it again means a cycle.
    Active,
    /// Resolved; `None` when it failed (the failure has been reported).
    Done(Option<T>),
}

impl<T> Memo<T> {
    pub(super) fn table(len: usize) -> Vec<Memo<T>> {
        (0..len).map(|_| Memo::Pending).collect()
    }

    /// Moves a resolved value out, leaving the entry failed.
    pub(super) fn take(&mut self) -> Option<T> {
        match std::mem::replace(self, Memo::Done(None)) {
            Memo::Done(value) => value,
            Memo::Pending | Memo::Active => None,
        }
    }
}

/// What a memoized kind of definition is called in a cycle report, and how to fix such a cycle.
pub(super) struct CycleReport {
    pub what: &'static str,
    pub hint: &'static str,
}

/// The memo table of one kind of definition, per file and per index.
pub(super) type MemoTable<T> = Vec<Vec<Memo<T>>>;

/// How many typedefs and constants may be resolved one inside another. Resolution recurses, so
/// this bounds the stack (a few KiB a level in debug builds); real chains are a handful long, and
/// a definition written before its users is resolved first and never nests.
const MAX_NESTING: usize = 128;

impl<'a> Resolver<'a> {
    /// The result of definition `index` of `file` (named `name`), reached at `site` in
    /// `site_file`: computed by `compute` on first use and remembered in the table `table`
    /// selects; a definition reached again while it is being computed closes a cycle, reported
    /// as `cycle` says. `None` when it fails (reported once).
    pub(super) fn memoized<T: Clone>(
        &mut self,
        table: fn(&mut Self) -> &mut MemoTable<T>,
        (file, index, name): (usize, usize, &'a Ident),
        (site_file, site): (usize, Span),
        cycle: CycleReport,
        compute: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        match &table(self)[file][index] {
            Memo::Done(result) => return result.clone(),
            Memo::Active => {
                self.report_cycle(cycle.what, cycle.hint, (file, name), site_file, site);
                return None;
            }
            Memo::Pending => {}
        }
        if !self.enter(file, name) {
            table(self)[file][index] = Memo::Done(None);
            return None;
        }
        table(self)[file][index] = Memo::Active;
        let result = compute(self);
        self.resolving.pop();
        table(self)[file][index] = Memo::Done(result.clone());
        result
    }

    /// Starts resolving the definition `name` of `file`: pushes it on the `resolving` chain, or
    /// reports and returns false when the chain is too long already.
    fn enter(&mut self, file: usize, name: &'a Ident) -> bool {
        if self.resolving.len() < MAX_NESTING {
            self.resolving.push((file, name));
            return true;
        }
        self.diagnostics.push(
            Diagnostic::error(
                self.file_id(file),
                name.span,
                format!(
                    "`{}` is reached through more than {MAX_NESTING} typedefs or constants \
                     that refer one to the next",
                    name.name
                ),
            )
            .with_hint(format!(
                "define `{}` before the definitions that use it, or shorten the chain",
                name.name
            )),
        );
        false
    }

    /// Reports the cycle closed at `site` (a span in `site_file`) by reaching `again`, which is
    /// still being resolved: the chain runs from `again` through everything resolved since.
    fn report_cycle(
        &mut self,
        what: &str,
        hint: &str,
        again: (usize, &'a Ident),
        site_file: usize,
        site: Span,
    ) {
        let start = self
            .resolving
            .iter()
            .position(|&(file, name)| file == again.0 && std::ptr::eq(name, again.1))
            .unwrap_or(0);
        let chain: Vec<String> = self.resolving[start..]
            .iter()
            .chain(std::iter::once(&again))
            .map(|&(file, name)| {
                if file == site_file {
                    format!("`{}`", name.name)
                } else {
                    format!("`{}.{}`", self.files[file].module, name.name)
                }
            })
            .collect();
        self.diagnostics.push(
            Diagnostic::error(
                self.file_id(site_file),
                site,
                format!("{what}: {}", chain.join(" -> ")),
            )
            .with_hint(hint),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::test_support::{compile, errors};

    /// Constants `C0 = 1`, `C1 = C0`, …, listed deepest-first when `reversed`.
    fn chain(len: usize, reversed: bool) -> String {
        let mut lines: Vec<String> = (1..len)
            .map(|i| format!("const i32 C{i} = C{}", i - 1))
            .collect();
        lines.insert(0, "const i32 C0 = 1".into());
        if reversed {
            lines.reverse();
        }
        lines.join("\n")
    }

    #[test]
    fn long_chains_resolve_when_written_in_order_and_are_refused_beyond_the_limit_otherwise() {
        assert!(!compile(&chain(2000, false)).has_errors());
        assert!(!compile(&chain(MAX_NESTING, true)).has_errors());
        assert_eq!(
            errors(&chain(MAX_NESTING + 50, true)),
            ["`C49` is reached through more than 128 typedefs or constants that refer one to the next"]
        );
    }

    #[test]
    fn take_moves_the_value_out_once() {
        let mut memo = Memo::Done(Some(7));
        assert_eq!(memo.take(), Some(7));
        assert_eq!(memo.take(), None);
        assert_eq!(Memo::<i32>::Pending.take(), None);
    }
}
