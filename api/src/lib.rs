//! The QI Commons server: the JSON REST API under `/api/v1`, the OpenAPI document and Swagger UI,
//! and the built web app, all from one binary.
//!
//! - `startup`: builds the application (listener, database, migrations, first run) and runs it.
//! - `routes`: every route, and the OpenAPI document they make.
//! - `handlers`: one module per resource; thin.
//! - `db`: persistence functions and entities.
//! - `auth`: passwords, tokens and the `AuthUser` extractor.
//! - `error`, `extract`: the problem-document policy.

pub mod auth;
pub mod bootstrap;
pub mod cache;
pub mod db;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod routes;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod web_app;
