//! Integrations: the API tokens an organisation's admins (and partnership admins) make for
//! partners' systems, the webhooks that send them changes, data exports to download, and the
//! audit log of who did what. See `docs/integrations.md`.

pub mod api_tokens;
pub mod audit_log;
pub mod exports;
pub mod webhooks;
