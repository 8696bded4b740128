//! The QI Commons web app (Yew, compiled to wasm and served by the `qi` server).
//!
//! - `route`: every address; `app`: the page shell and the switch from route to page.
//! - `pages/`: one page per file, in folders by capability; `components/`: shared pieces;
//!   `hooks/`: shared hooks (data loading, filters from the address).
//! - `api`: every call to the server; `session`: who is signed in; `browser`: the document title
//!   and today's date.

mod api;
mod app;
mod browser;
mod components;
mod hooks;
mod pages;
mod route;
mod session;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
