//! Integration tests of training.
