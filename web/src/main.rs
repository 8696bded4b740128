//! The QI Commons web app (Yew, compiled to wasm and served by the `qi` server).

mod api;
mod app;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
