//! The app's root. The full shell (routing, sign-in, administration) grows from here.

use yew::prelude::*;

use crate::api;

#[derive(Clone, PartialEq)]
enum Status {
    Loading,
    Ready(bool),
    Failed(String),
}

#[function_component(App)]
pub fn app() -> Html {
    let status = use_state(|| Status::Loading);
    {
        let status = status.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                status.set(match api::setup_status().await {
                    Ok(s) => Status::Ready(s.set_up),
                    Err(e) => Status::Failed(e.to_string()),
                });
            });
        });
    }
    let message = match &*status {
        Status::Loading => {
            html! { <p class="status" aria-busy="true">{ "Connecting to the platform…" }</p> }
        }
        Status::Ready(true) => {
            html! { <p class="status status--ok">{ "The platform is running and set up." }</p> }
        }
        Status::Ready(false) => html! {
            <p class="status">{ "The platform is not set up yet: open the one-time set-up link from the server log." }</p>
        },
        Status::Failed(e) => {
            html! { <p class="status status--error" role="alert">{ e.clone() }</p> }
        }
    };
    html! {
        <>
            <header class="header">
                <div class="container"><span class="header__name">{ "QI Commons" }</span></div>
            </header>
            <main id="main" class="container main">
                <h1>{ "QI Commons" }</h1>
                <p class="lead">{ "Quality improvement across the health and care partnership: projects, evidence, capability and learning, in one place." }</p>
                { message }
            </main>
        </>
    }
}
