//! Name resolution and semantic checks: parsed files to the IR. (Being written.)
