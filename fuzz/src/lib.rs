//! The checks the fuzz targets run on one input. They live in `checks.rs`, which `tests/fuzz_corpus.rs`
//! includes as well, so `cargo test` runs the seed corpus through the very same code on stable.

include!("../checks.rs");
