//! Search across what the signed-in person may see.

pub mod results;
