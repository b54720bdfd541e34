//! Reads the root file and its includes, parses each once, and hands them to the resolver. (Being written.)

use crate::{Compilation, Options};
use std::path::PathBuf;

/// What to compile: a file on disk, or IDL text held in memory under a name.
pub enum Root {
    Path(PathBuf),
    Source { name: PathBuf, text: String },
}

pub fn compile(_root: Root, _options: &Options) -> Compilation {
    todo!("loader")
}
