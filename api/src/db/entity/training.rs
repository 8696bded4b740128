//! Entities of the training tables.
