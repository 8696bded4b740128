//! Integrations: the API tokens an organisation's admins (and partnership admins) make for
//! partners' systems. See `docs/integrations.md`.

pub mod api_tokens;
