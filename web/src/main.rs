//! The QI Commons web app (Yew, compiled to wasm and served by the `qi` server).
//!
//! - `route`: every address; `app`: the page shell; `full`: the switch from route to page.
//! - With the `entry` feature, the small build of the pages before signing in instead (`entry`:
//!   its switch), which the server sends for those addresses so that a first visit is light.
//! - `pages/`: one page per file, in folders by capability; `components/`: shared pieces;
//!   `hooks/`: shared hooks (data loading, filters from the address).
//! - `api`: every call to the server; `session`: who is signed in; `browser`: the document title
//!   and today's date.

// The entry build compiles only the modules and pages it shows (see each `mod.rs`), and of the
// shared ones (the API's endpoints, the form fields) uses a few; the rest is the full app's.
#![cfg_attr(feature = "entry", allow(dead_code))]

mod api;
mod app;
mod browser;
mod components;
#[cfg(feature = "entry")]
mod entry;
#[cfg(not(feature = "entry"))]
mod full;
mod hooks;
mod pages;
mod route;
mod session;
#[cfg(not(feature = "entry"))]
mod unread;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
