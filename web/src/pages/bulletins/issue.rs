//! An issue of the bulletin at its own address: for anyone once published; a draft for its
//! editors, who change, publish (confirmed) or delete (confirmed) it here.

use qi_shared::bulletin::{Bulletin, BulletinStatus};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{day_text, sections};
use crate::{
    api::{self, bulletins::FEED},
    components::states::{ErrorPanel, Loading},
    hooks::{Load, use_load},
    route::BulletinRoute,
    session::{SessionState, use_session},
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(IssuePage)]
pub fn issue_page(props: &Props) -> Html {
    let session = use_session();
    let restoring = session.state == SessionState::Restoring;
    let signed_in = session.person().is_some();
    // Asked once the session is known: as the editor, or as anyone.
    let loaded = use_load(
        (props.id, restoring, signed_in),
        |(id, restoring, signed_in)| async move {
            if restoring {
                // Never shown: the page waits for the session below.
                return Err(api::ApiError::Network);
            }
            api::bulletins::bulletin(id, signed_in).await
        },
    );
    // After publishing, read again in place, keeping the page and its notice on screen.
    let reload = {
        let (loaded, id) = (loaded.clone(), props.id);
        Callback::from(move |()| {
            let loaded = loaded.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(b) = api::bulletins::bulletin(id, true).await {
                    loaded.set(Load::Loaded(b));
                }
            });
        })
    };
    let notice = use_state(|| None::<String>);
    if restoring {
        return html! { <Loading /> };
    }
    let b = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(b) => b,
    };
    crate::browser::set_title(&b.title);
    let from = b
        .organisation
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_else(|| "The partnership".to_owned());
    let draft = b.status == BulletinStatus::Draft;
    let onchanged = {
        let (notice, reload) = (notice.clone(), reload.clone());
        Callback::from(move |text: String| {
            notice.set(Some(text));
            reload.emit(());
        })
    };
    html! {
        <>
            <p><Link<BulletinRoute> to={BulletinRoute::List} classes="back-link">{ "All issues of the bulletin" }</Link<BulletinRoute>></p>
            <span class="caption">{ "Sharing the Learning" }</span>
            <h1>{ &b.title }</h1>
            if let Some(text) = &*notice { <div class="notice notice--success" role="status"><p>{ text }</p></div> }
            if draft {
                <div class="warning-callout" id="draft-notice">
                    <p><strong>{ "Draft: " }</strong>{ "only its editors see it until it is published." }</p>
                    if b.can_edit { <DraftActions bulletin={b.clone()} {onchanged} /> }
                </div>
            }
            <p class="bulletin-meta">
                { from }
                if let Some(at) = b.published_at { { format!(" · Published {}", day_text(at)) } }
            </p>
            if !b.summary.is_empty() { <p class="lead">{ &b.summary }</p> }
            { sections(b, 2, signed_in) }
            if !draft {
                <p class="bulletin-feed"><a href={FEED} type="application/atom+xml">{ "Follow the bulletin with its Atom feed" }</a></p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct DraftProps {
    bulletin: Bulletin,
    onchanged: Callback<String>,
}

/// What a draft's editor does next: change it, publish it or delete it, each of the last two
/// confirmed first.
#[function_component(DraftActions)]
fn draft_actions(props: &DraftProps) -> Html {
    #[derive(Clone, Copy, PartialEq)]
    enum Confirming {
        Nothing,
        Publish,
        Delete,
    }
    let navigator = use_navigator();
    let confirming = use_state(|| Confirming::Nothing);
    let busy = use_state(|| false);
    let failure = use_state(|| None::<String>);
    let id = props.bulletin.id;
    let ask = |what: Confirming| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(what))
    };
    let publish = {
        let (busy, failure, confirming, onchanged) = (
            busy.clone(),
            failure.clone(),
            confirming.clone(),
            props.onchanged.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (busy, failure, confirming, onchanged) = (
                busy.clone(),
                failure.clone(),
                confirming.clone(),
                onchanged.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::bulletins::publish(id).await {
                    Ok(_) => onchanged.emit(
                        "Published: anyone can read it at this address, and it is in the feed."
                            .to_owned(),
                    ),
                    Err(error) => failure.set(Some(error.message())),
                }
                confirming.set(Confirming::Nothing);
                busy.set(false);
            });
        })
    };
    let delete = {
        let (busy, failure, navigator) = (busy.clone(), failure.clone(), navigator.clone());
        Callback::from(move |_: MouseEvent| {
            let (busy, failure, navigator) = (busy.clone(), failure.clone(), navigator.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::bulletins::delete(id).await {
                    Ok(()) => {
                        if let Some(n) = navigator {
                            n.push(&BulletinRoute::List);
                        }
                    }
                    Err(error) => {
                        failure.set(Some(error.message()));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let keep = ask(Confirming::Nothing);
    html! {
        <>
            if let Some(text) = &*failure { <p class="error-message" role="alert">{ text }</p> }
            { match *confirming {
                Confirming::Nothing => html! {
                    <div class="button-group">
                        <Link<BulletinRoute> to={BulletinRoute::Edit { id }} classes="button button--secondary">{ "Edit the draft" }</Link<BulletinRoute>>
                        <button type="button" class="button" onclick={ask(Confirming::Publish)}>{ "Publish" }</button>
                        <button type="button" class="link-button" onclick={ask(Confirming::Delete)}>{ "Delete the draft" }</button>
                    </div>
                },
                Confirming::Publish => html! {
                    <div role="alert">
                        <p>{ "Publish this issue? Anyone will be able to read it, without signing in, and it goes into the feed. A published issue cannot be changed." }</p>
                        <div class="button-group">
                            <button type="button" class="button" onclick={publish} disabled={*busy}>{ "Yes, publish it" }</button>
                            <button type="button" class="button button--secondary" onclick={keep}>{ "Not yet" }</button>
                        </div>
                    </div>
                },
                Confirming::Delete => html! {
                    <div role="alert">
                        <p>{ "Delete this draft? This cannot be undone." }</p>
                        <div class="button-group">
                            <button type="button" class="button button--warning" onclick={delete} disabled={*busy}>{ "Yes, delete it" }</button>
                            <button type="button" class="button button--secondary" onclick={keep}>{ "Keep it" }</button>
                        </div>
                    </div>
                },
            } }
        </>
    }
}
