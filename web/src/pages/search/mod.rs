//! Search across what the signed-in person may see, and an organisation's likely duplicates.

pub mod duplicates;
pub mod results;
