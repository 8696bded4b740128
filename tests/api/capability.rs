//! Integration tests of capability.
