//! The QI Commons server: the JSON REST API under `/api/v1`, the OpenAPI document and Swagger UI,
//! and the built web app, all from one binary.
//!
//! - `startup`: builds the application (listener, database, migrations, first run) and runs it.
//! - `routes`: every route, and the OpenAPI document they make.
//! - `handlers`: one module per resource; thin.
//! - `db`: persistence functions and entities.
//! - `auth`: passwords, tokens and the `AuthUser` extractor.
//! - `access`: the guards that decide, once per request, who may see or change a project.
//! - `error`, `extract`: the problem-document policy, and request extractors.
//! - `state`, `cache`, `middleware`: what handlers share, per-node caches and their invalidation.
//! - `board_pack`: the board pack drawn as a printable HTML page and as a PDF.
//! - `markdown`: comments' and bulletins' Markdown to safe HTML.
//! - `retention`: removes the changes feed's old changes.
//! - `pull`: `qi pull`, a partner's copy of what its API token reads, kept from the changes feed.
//! - `webhooks`: the worker that fans the changes feed out to webhooks and delivers it.
//! - `demo` (feature `demo`, on by default): the demo partnership.

pub mod access;
pub mod auth;
pub mod board_pack;
pub mod bootstrap;
pub mod cache;
pub mod db;
#[cfg(feature = "demo")]
pub mod demo;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod mail;
pub mod markdown;
pub mod middleware;
pub mod pull;
pub mod retention;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod web_app;
pub mod webhooks;
