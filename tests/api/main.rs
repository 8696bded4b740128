#![allow(clippy::expect_used, clippy::unwrap_used)]

// End-to-end tests of the HTTP API: each test starts the real server on port 0 with a fresh
// database (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set) and talks to it with reqwest.

mod analysis;
mod api_tokens;
mod audit;
mod auth;
mod board_pack;
mod bulletins;
mod capability;
mod changes;
mod comments;
mod dashboard;
mod errors;
mod events;
mod evidence;
mod export;
mod follow_ups;
mod health;
mod helpers;
mod home;
mod improvement;
mod invitations;
mod list_totals;
mod measures;
mod notifications;
mod openapi;
mod organisations;
mod people;
mod programmes;
mod project_types;
mod projects;
mod pull;
mod search;
mod setup;
mod spread;
mod stored_values;
mod submissions;
mod targets;
mod team;
mod training;
mod visibility;
mod web_app;
mod webhooks;
