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

impl<'a> Resolver<'a> {
    /// Reports the cycle closed at `site` (a span in `site_file`) by reaching `again`, which is
    /// still being resolved: the chain runs from `again` through everything resolved since.
    pub(super) fn report_cycle(
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
            Diagnostic::error(self.file_id(site_file), site, format!("{what}: {}", chain.join(" -> ")))
                .with_hint(hint),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_moves_the_value_out_once() {
        let mut memo = Memo::Done(Some(7));
        assert_eq!(memo.take(), Some(7));
        assert_eq!(memo.take(), None);
        assert_eq!(Memo::<i32>::Pending.take(), None);
    }
}
