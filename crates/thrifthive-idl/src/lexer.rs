//! Tokens of the Thrift IDL. (Being written.)
