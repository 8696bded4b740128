//! Webhooks' delivery (`docs/integrations.md`, "Webhooks"): every node runs a worker
//! ([`worker::start`]) that fans the changes feed out into each enabled webhook's deliveries
//! and POSTs them, signed, in order, retrying with a doubling wait, and turns off a webhook
//! whose deliveries keep failing. The rows are `db::webhooks`'; the wire types and the
//! signature are `qi_shared::webhook`'s.

pub mod worker;
