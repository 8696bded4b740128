//! The QI Commons web app (Yew, compiled to wasm and served by the `qi` server).
//!
//! - `app`: routes and the page shell; `pages/`: one page per file; `components/`: shared pieces.
//! - `api`: every call to the server; `session`: who is signed in; `hooks`: data loading.

mod api;
mod app;
mod components;
mod hooks;
mod pages;
mod session;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
