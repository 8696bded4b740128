//! Hooks the pages share: loading data (`Loading`, then `Loaded` or `Failed`, again whenever the
//! inputs change), a list's filters from the address, and the organisations to choose from.

#[cfg(not(feature = "entry"))]
mod organisation_options;
#[cfg(not(feature = "entry"))]
mod query;

#[cfg(not(feature = "entry"))]
pub use organisation_options::use_organisation_options;
#[cfg(not(feature = "entry"))]
pub use query::use_query;

use std::future::Future;

use yew::prelude::*;

use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    Failed(ApiError),
}

/// Runs `fetch(deps)` when the component mounts and whenever `deps` change. The handle can also
/// be set directly, after a change the page made itself.
#[hook]
pub fn use_load<T, D, F, Fut>(deps: D, fetch: F) -> UseStateHandle<Load<T>>
where
    T: 'static,
    D: PartialEq + Clone + 'static,
    F: Fn(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let state = use_state(|| Load::Loading);
    {
        let state = state.clone();
        use_effect_with(deps, move |deps| {
            state.set(Load::Loading);
            let future = fetch(deps.clone());
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match future.await {
                    Ok(value) => Load::Loaded(value),
                    Err(error) => Load::Failed(error),
                });
            });
        });
    }
    state
}

/// As [`use_load`], with a callback that loads again without going back to `Loading`, so a page
/// refreshed after a change it made keeps itself, and the message it shows, on screen.
#[hook]
pub fn use_reload<T, D, F, Fut>(deps: D, fetch: F) -> (UseStateHandle<Load<T>>, Callback<()>)
where
    T: 'static,
    D: PartialEq + Clone + 'static,
    F: Fn(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let state = use_state(|| Load::Loading);
    let reload = {
        let (state, deps) = (state.clone(), deps.clone());
        Callback::from(move |()| {
            let state = state.clone();
            let future = fetch(deps.clone());
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match future.await {
                    Ok(value) => Load::Loaded(value),
                    Err(error) => Load::Failed(error),
                });
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(deps, move |_| reload.emit(()));
    }
    (state, reload)
}
