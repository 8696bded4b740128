//! My notifications, newest first: open one (marked read as it opens), mark all read, show only
//! the unread.

use qi_shared::uk_time;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, notifications::NotificationQuery},
    components::{
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::Route,
    unread::Unread,
};

#[function_component(NotificationList)]
pub fn notification_list() -> Html {
    crate::browser::set_title("Notifications");
    let navigator = use_navigator();
    let query: NotificationQuery = use_query();
    // Bumped to read the list again after marking.
    let version = use_state(|| 0u32);
    let page = use_load((query.clone(), *version), |(q, _)| async move {
        api::notifications::notifications(&q).await
    });
    let error = use_state(|| None::<String>);
    let refresh = use_context::<Unread>().map_or_else(Callback::noop, |u| u.refresh);

    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: NotificationQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::Notifications, &q);
            }
        })
    };
    let mark_all = {
        let (version, error, refresh) = (version.clone(), error.clone(), refresh.clone());
        Callback::from(move |_: MouseEvent| {
            let (version, error, refresh) = (version.clone(), error.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::notifications::mark_all_read().await {
                    Ok(()) => {
                        refresh.emit(());
                        version.set(*version + 1);
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        })
    };
    let open = |id: i64, link: String, unread: bool| {
        let (navigator, refresh) = (navigator.clone(), refresh.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            let (navigator, link, refresh) = (navigator.clone(), link.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if unread && api::notifications::mark_read(id).await.is_ok() {
                    refresh.emit(());
                }
                // A link may end in a fragment (a comment: `/projects/7#comment-12`), which
                // is no part of the route: the page is opened, then the fragment set, for the
                // page to bring that part into view once it has loaded.
                let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
                match (Route::recognize(path), navigator) {
                    (Some(route), Some(navigator)) if route != Route::NotFound => {
                        navigator.push(&route);
                        if !fragment.is_empty()
                            && let Some(window) = web_sys::window()
                        {
                            let _ = window.location().set_hash(fragment);
                        }
                    }
                    _ => crate::browser::load_page(&link),
                }
            });
        })
    };
    let filter = {
        let go = go.clone();
        let unread = query.unread;
        Callback::from(move |_: MouseEvent| {
            go.emit(NotificationQuery {
                unread: !unread,
                page: None,
            })
        })
    };

    let results = match &*page {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => html! {
            <Empty>{
                if query.unread { "Nothing unread: you are up to date." }
                else { "No notifications yet. When something happens on your projects, your training or your account, it shows here." }
            }</Empty>
        },
        Load::Loaded(page) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(NotificationQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <ul class="notifications">
                        { for page.items.iter().map(|n| {
                            let unread = n.read_at.is_none();
                            let when = uk_time::local(n.created_at).format("%-d %b %Y, %H:%M").to_string();
                            html! {
                                <li class={classes!("notification", unread.then_some("notification--unread"))}>
                                    <a href={n.link.clone()} class="notification__subject" onclick={open(n.id, n.link.clone(), unread)}>
                                        { &n.subject }
                                    </a>
                                    if unread { <span class="tag tag--blue notification__tag">{ "New" }</span> }
                                    <p class="notification__summary">{ &n.summary }</p>
                                    <p class="secondary">{ format!("{} · {when}", n.kind.label()) }</p>
                                </li>
                            }
                        }) }
                    </ul>
                    <Pagination info={page.page} {onchange} />
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ "Notifications" }</h1>
            <p class="actions">
                <button type="button" class="button button--secondary" onclick={filter}>
                    { if query.unread { "Show all" } else { "Show unread only" } }
                </button>
                <button type="button" class="button button--secondary" onclick={mark_all}>{ "Mark all as read" }</button>
                <Link<Route> to={Route::Profile} classes="button button--secondary">{ "Choose what you hear about" }</Link<Route>>
            </p>
            if let Some(message) = &*error {
                <div class="notice notice--error" role="alert">{ message }</div>
            }
            { results }
        </>
    }
}
