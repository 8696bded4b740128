//! Integration tests live in `api/` (HTTP API) and, later, `browser/`; this crate has no library code.
