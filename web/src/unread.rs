//! The header's count of unread notifications: read when the signed-in person changes page, every
//! minute, and at once when a page marks some read (`Unread::refresh`).

use std::time::Duration;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{api, route::Route, session::use_session};

/// How often the count is read while the app stays on one page.
const EVERY: Duration = Duration::from_secs(60);

/// A new value for the effect that reads the count to depend on.
fn ask() -> u32 {
    // Truncation intended: any value unlike the last will do.
    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
}

#[derive(Clone, PartialEq)]
pub struct Unread {
    /// None until read, or when signed out.
    pub count: Option<u64>,
    pub refresh: Callback<()>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub children: Html,
}

#[function_component(UnreadProvider)]
pub fn unread_provider(props: &Props) -> Html {
    let session = use_session();
    let route = use_route::<Route>();
    let count = use_state(|| None::<u64>);
    let asked = use_state(|| 0u32);
    let signed_in = session.person().map(|p| p.id);
    {
        let count = count.clone();
        use_effect_with((signed_in, route, *asked), move |(signed_in, _, _)| {
            if signed_in.is_some() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(found) = api::notifications::unread().await {
                        count.set(Some(found.unread));
                    }
                });
            } else {
                count.set(None);
            }
        });
    }
    {
        let asked = asked.clone();
        use_effect_with((), move |()| {
            let alive = std::rc::Rc::new(std::cell::Cell::new(true));
            let running = alive.clone();
            wasm_bindgen_futures::spawn_local(async move {
                while running.get() {
                    yew::platform::time::sleep(EVERY).await;
                    asked.set(ask());
                }
            });
            move || alive.set(false)
        });
    }
    let refresh = {
        let asked = asked.clone();
        Callback::from(move |()| asked.set(ask()))
    };
    let context = Unread {
        count: *count,
        refresh,
    };
    html! {
        <ContextProvider<Unread> {context}>{ props.children.clone() }</ContextProvider<Unread>>
    }
}
