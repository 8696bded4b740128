//! HTTP handlers: extract, parse into domain types, call persistence, return a DTO.
//! Authorisation rules live in `qi_shared::access`; handlers only ask them.

pub mod account;
pub mod analysis;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod board_pack;
pub mod bulletins;
pub mod capability;
pub mod changes;
pub mod comments;
pub mod dashboard;
pub mod events;
pub mod evidence;
pub mod export;
pub mod follow_ups;
pub mod health;
pub mod home;
pub mod improvement;
pub mod invitations;
pub mod me;
pub mod measures;
pub mod notifications;
pub mod organisations;
pub mod outbox;
pub mod partnership;
pub mod people;
pub mod programmes;
pub mod projects;
pub mod search;
pub mod setup;
pub mod spread;
pub mod targets;
pub mod team;
pub mod training;
pub mod webhooks;
