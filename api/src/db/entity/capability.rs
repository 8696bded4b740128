//! Entities of the capability tables.
