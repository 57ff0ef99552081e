//! Tidy checks over the workspace's own sources (see `tests/tidy.rs`): the architecture rules
//! that a compiler cannot check, enforced by `cargo test` so they cannot drift.
