//! One comment as its reader sees it (who wrote it and when, whether it was edited, an offer's
//! answer, hidden or deleted), with what the reader may do to it, and its replies below.

use std::{future::Future, pin::Pin};

use chrono::{DateTime, Utc};
use qi_shared::{
    FieldError,
    comment::{Comment, CommentEdit, CommentInput, CommentKind, HideInput, OfferStatus},
    training::PersonRef,
    uk_time,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{
    compose::{CommentBox, still_mentioned},
    prefixed,
};
use crate::{
    api,
    components::form::{TextField, error_for},
    route::Route,
};

/// "6 Dec 2026 at 14:05".
fn when(at: DateTime<Utc>) -> String {
    uk_time::local(at).format("%-d %b %Y at %H:%M").to_string()
}

/// Whether the page's address names this comment (`#comment-12`, as a notification links to
/// it). Read here rather than with CSS's `:target`, which the browser settles when the address
/// changes, before the comments have loaded.
fn linked_to(id: i64) -> bool {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|hash| hash == format!("#comment-{id}"))
}

/// Server-rendered HTML of a comment's Markdown.
fn rendered(html: &str) -> Html {
    // The server renders the Markdown and sanitises the result (no scripts, event handlers,
    // styles or `javascript:` links: qi_shared::comment::Comment::html), so it is safe to put in
    // the page as markup. What a person typed (`body`) is never rendered as HTML.
    Html::from_html_unchecked(AttrValue::from(format!(
        "<div class=\"comment__text\">{html}</div>"
    )))
}

fn offer_tag(status: Option<OfferStatus>) -> Html {
    let class = match status {
        Some(OfferStatus::Accepted) => "tag tag--green",
        Some(OfferStatus::Declined) => "tag tag--grey",
        _ => "tag tag--yellow",
    };
    html! {
        <>
            <span class="tag tag--blue">{ "Offer of help" }</span>
            { " " }
            <span class={class}>{ status.unwrap_or(OfferStatus::Open).label() }</span>
        </>
    }
}

/// A call that changes a comment, as a future of its outcome.
type Change = Pin<Box<dyn Future<Output = Result<(), api::ApiError>>>>;

/// What the reader is doing to the comment.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Reading,
    Replying,
    Editing,
    Hiding,
    Deleting,
}

#[derive(Properties, PartialEq)]
pub struct CommentProps {
    pub comment: Comment,
    pub project_id: i64,
    /// Say which cycle or measure it is about (in the project's list of every comment).
    pub subject: bool,
    /// Read-only, in the learning library.
    pub library: bool,
    /// Called with a notice after a change, so the list is read again.
    pub onchanged: Callback<String>,
    #[prop_or_default]
    pub reply: bool,
}

#[function_component(CommentView)]
pub fn comment_view(props: &CommentProps) -> Html {
    let mode = use_state(|| Mode::Reading);
    let busy = use_state(|| false);
    let failure = use_state(|| None::<String>);
    let c = &props.comment;
    let id = c.id;
    let set_mode = |to: Mode| {
        let (mode, failure) = (mode.clone(), failure.clone());
        Callback::from(move |_: MouseEvent| {
            failure.set(None);
            mode.set(to);
        })
    };
    // One call that changes the comment, then a notice and the list read again (or why not).
    let act = |done: &'static str, run: fn(i64) -> Change| {
        let (busy, failure, onchanged, mode) = (
            busy.clone(),
            failure.clone(),
            props.onchanged.clone(),
            mode.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (busy, failure, onchanged, mode) = (
                busy.clone(),
                failure.clone(),
                onchanged.clone(),
                mode.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match run(id).await {
                    Ok(()) => {
                        mode.set(Mode::Reading);
                        onchanged.emit(done.to_owned());
                    }
                    Err(error) => failure.set(Some(error.message())),
                }
                busy.set(false);
            });
        })
    };
    let subject = match (props.subject, &c.cycle_title, c.measure_id, &c.measure_name) {
        (true, Some(cycle), _, _) => {
            html! { <p class="comment__subject">{ format!("About {cycle}") }</p> }
        }
        (true, None, Some(measure_id), Some(name)) if !props.library => html! {
            <p class="comment__subject">{ "About the measure " }
                <Link<Route> to={Route::Measure { id: props.project_id, measure_id }}>{ name }</Link<Route>>
            </p>
        },
        (true, None, Some(_), Some(name)) => {
            html! { <p class="comment__subject">{ format!("About the measure “{name}”") }</p> }
        }
        _ => html! {},
    };
    let body = if c.deleted {
        html! { <p class="comment__gone">{ "This comment was deleted." }</p> }
    } else if let Some(hidden) = &c.hidden {
        html! {
            <>
                <p class="comment__gone">{ format!("Hidden by {}: {}", hidden.by.name, hidden.reason) }</p>
                if let Some(html) = &c.html {
                    <div class="comment__hidden-text">
                        <p class="hint">{ "Only its author and the project's moderators see what it said:" }</p>
                        { rendered(html) }
                    </div>
                }
            </>
        }
    } else {
        c.html.as_deref().map(rendered).unwrap_or_default()
    };
    let can_reply = !props.reply && !props.library && !c.deleted && c.hidden.is_none();
    let offer_open = c.kind == CommentKind::Offer && c.offer_status == Some(OfferStatus::Open);
    let actions = if props.library || c.deleted || *mode != Mode::Reading {
        html! {}
    } else {
        html! {
            <div class="comment__actions">
                if can_reply {
                    <button type="button" class="link-button" onclick={set_mode(Mode::Replying)}>{ "Reply" }</button>
                }
                if c.can_edit && c.hidden.is_none() {
                    <button type="button" class="link-button" onclick={set_mode(Mode::Editing)}>{ "Edit" }</button>
                }
                if c.can_edit {
                    <button type="button" class="link-button" onclick={set_mode(Mode::Deleting)}>{ "Delete" }</button>
                }
                if c.can_hide && c.hidden.is_none() {
                    <button type="button" class="link-button" onclick={set_mode(Mode::Hiding)}>{ "Hide" }</button>
                }
                if c.can_hide && c.hidden.is_some() {
                    <button type="button" class="link-button" disabled={*busy}
                        onclick={act("The comment shows again.", |id| Box::pin(async move { api::comments::unhide(id).await.map(drop) }))}>{ "Show again" }</button>
                }
                if c.can_publish && c.hidden.is_none() {
                    if c.published {
                        <button type="button" class="link-button" disabled={*busy}
                            onclick={act("The comment is no longer in the learning library.", |id| Box::pin(async move { api::comments::publish(id, false).await.map(drop) }))}>{ "Withdraw from the library" }</button>
                    } else {
                        <button type="button" class="link-button" disabled={*busy}
                            onclick={act("The comment is published in the learning library.", |id| Box::pin(async move { api::comments::publish(id, true).await.map(drop) }))}>{ "Publish in the library" }</button>
                    }
                }
                if c.can_answer && offer_open {
                    <button type="button" class="button button--small" disabled={*busy}
                        onclick={act("You accepted the offer: they have been told.", |id| Box::pin(async move { api::comments::answer(id, OfferStatus::Accepted).await.map(drop) }))}>{ "Accept the offer" }</button>
                    <button type="button" class="button button--secondary button--small" disabled={*busy}
                        onclick={act("You declined the offer with thanks.", |id| Box::pin(async move { api::comments::answer(id, OfferStatus::Declined).await.map(drop) }))}>{ "Decline with thanks" }</button>
                }
            </div>
        }
    };
    let cancel = set_mode(Mode::Reading);
    // A form that has done its work closes as the list is read again.
    let done = {
        let (mode, onchanged) = (mode.clone(), props.onchanged.clone());
        Callback::from(move |text: String| {
            mode.set(Mode::Reading);
            onchanged.emit(text);
        })
    };
    let form = match *mode {
        Mode::Reading => html! {},
        Mode::Replying => html! {
            <ReplyForm project_id={props.project_id} parent_id={id} onchanged={done.clone()} oncancel={cancel} />
        },
        Mode::Editing => html! {
            <EditForm comment={c.clone()} project_id={props.project_id} onchanged={done.clone()} oncancel={cancel} />
        },
        Mode::Hiding => html! {
            <HideForm {id} onchanged={done.clone()} oncancel={cancel} />
        },
        Mode::Deleting => html! {
            <div class="warning-callout" role="alert">
                <p>{ if c.replies.is_empty() {
                    "Delete your comment? This cannot be undone."
                } else {
                    "Delete your comment? Its replies stay, under a note that it was deleted. This cannot be undone."
                } }</p>
                <button type="button" class="button button--warning" disabled={*busy}
                    onclick={act("Your comment is deleted.", |id| Box::pin(api::comments::delete(id)))}>{ "Yes, delete it" }</button>
                { " " }
                <button type="button" class="button button--secondary" onclick={cancel}>{ "Keep it" }</button>
            </div>
        },
    };
    html! {
        <li class={classes!("comment", (c.kind == CommentKind::Offer).then_some("comment--offer"), linked_to(id).then_some("comment--target"))} id={format!("comment-{id}")}>
            <p class="comment__meta">
                <strong class="comment__author">{ &c.author.name }</strong>
                { format!(", {} · ", c.author_organisation) }
                { when(c.created_at) }
                if c.edited_at.is_some() && !c.deleted {
                    <span class="comment__edited">{ " · edited" }</span>
                }
            </p>
            if c.kind == CommentKind::Offer || (c.published && !props.library) {
                <p class="comment__tags">
                    if c.kind == CommentKind::Offer { { offer_tag(c.offer_status) } }
                    if c.published && !props.library { { " " }<span class="tag tag--white">{ "In the learning library" }</span> }
                </p>
            }
            { subject }
            { body }
            { actions }
            if let Some(text) = &*failure { <p class="error-message" role="alert">{ text }</p> }
            { form }
            if !c.replies.is_empty() {
                <ol class="comments comments--replies" aria-label={format!("Replies to {}", c.author.name)}>
                    { for c.replies.iter().map(|r| html! {
                        <CommentView key={r.id} comment={r.clone()} project_id={props.project_id} subject=false
                            library={props.library} onchanged={props.onchanged.clone()} reply=true />
                    }) }
                </ol>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ReplyProps {
    project_id: i64,
    parent_id: i64,
    onchanged: Callback<String>,
    oncancel: Callback<MouseEvent>,
}

/// A reply to a thread.
#[function_component(ReplyForm)]
fn reply_form(props: &ReplyProps) -> Html {
    let body = use_state(String::new);
    let picked = use_state(Vec::<PersonRef>::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let prefix = format!("reply-{}-", props.parent_id);
    let onsubmit = {
        let (body, picked, errors, message, busy, onchanged, prefix) = (
            body.clone(),
            picked.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onchanged.clone(),
            prefix.clone(),
        );
        let (project_id, parent_id) = (props.project_id, props.parent_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = CommentInput {
                body: (*body).clone(),
                parent_id: Some(parent_id),
                mentions: still_mentioned(&body, &picked),
                ..CommentInput::default()
            };
            let input = match input.validate() {
                Ok(input) => input,
                Err(bad) => return errors.set(prefixed(bad.0, &prefix)),
            };
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, onchanged, prefix) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onchanged.clone(),
                prefix.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::comments::post(project_id, &input).await {
                    Ok(_) => onchanged.emit("Your reply is posted.".to_owned()),
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(prefixed(error.fields(), &prefix));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let field = format!("{prefix}body");
    html! {
        <form class="comment-form comment-form--inline" {onsubmit} novalidate=true aria-label="Reply">
            if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
            <CommentBox project_id={props.project_id} id={field.clone()} label="Your reply" rows={3}
                value={(*body).clone()} oninput={{ let s = body.clone(); Callback::from(move |v| s.set(v)) }}
                onmention={{ let s = picked.clone(); Callback::from(move |p: PersonRef| { let mut v = (*s).clone(); v.push(p); s.set(v); }) }}
                error={error_for(&errors, &field)} />
            <div class="button-group">
                <button type="submit" class="button" disabled={*busy}>{ "Post reply" }</button>
                <button type="button" class="link-button" onclick={props.oncancel.clone()}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct EditProps {
    comment: Comment,
    project_id: i64,
    onchanged: Callback<String>,
    oncancel: Callback<MouseEvent>,
}

/// Changing one's own comment; it then shows as edited.
#[function_component(EditForm)]
fn edit_form(props: &EditProps) -> Html {
    let c = &props.comment;
    let body = use_state(|| c.body.clone().unwrap_or_default());
    let picked = use_state(|| c.mentions.clone());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let prefix = format!("edit-{}-", c.id);
    let onsubmit = {
        let (body, picked, errors, message, busy, onchanged, prefix, id) = (
            body.clone(),
            picked.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onchanged.clone(),
            prefix.clone(),
            c.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = CommentEdit {
                body: (*body).clone(),
                mentions: still_mentioned(&body, &picked),
            };
            let input = match input.validate() {
                Ok(input) => input,
                Err(bad) => return errors.set(prefixed(bad.0, &prefix)),
            };
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, onchanged, prefix) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onchanged.clone(),
                prefix.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::comments::edit(id, &input).await {
                    Ok(_) => onchanged.emit("Your comment is changed.".to_owned()),
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(prefixed(error.fields(), &prefix));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let field = format!("{prefix}body");
    html! {
        <form class="comment-form comment-form--inline" {onsubmit} novalidate=true aria-label="Edit your comment">
            if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
            <CommentBox project_id={props.project_id} id={field.clone()} label="Your comment" rows={4}
                value={(*body).clone()} oninput={{ let s = body.clone(); Callback::from(move |v| s.set(v)) }}
                onmention={{ let s = picked.clone(); Callback::from(move |p: PersonRef| { let mut v = (*s).clone(); v.push(p); s.set(v); }) }}
                error={error_for(&errors, &field)} />
            <div class="button-group">
                <button type="submit" class="button" disabled={*busy}>{ "Save changes" }</button>
                <button type="button" class="link-button" onclick={props.oncancel.clone()}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct HideProps {
    id: i64,
    onchanged: Callback<String>,
    oncancel: Callback<MouseEvent>,
}

/// Hiding a comment, with the reason shown in its place.
#[function_component(HideForm)]
fn hide_form(props: &HideProps) -> Html {
    let reason = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let prefix = format!("hide-{}-", props.id);
    let onsubmit = {
        let (reason, errors, message, busy, onchanged, prefix, id) = (
            reason.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onchanged.clone(),
            prefix.clone(),
            props.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = HideInput {
                reason: (*reason).clone(),
            };
            let input = match input.validate() {
                Ok(input) => input,
                Err(bad) => return errors.set(prefixed(bad.0, &prefix)),
            };
            errors.set(Vec::new());
            busy.set(true);
            let (errors, message, busy, onchanged, prefix) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                onchanged.clone(),
                prefix.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::comments::hide(id, &input.reason).await {
                    Ok(_) => onchanged
                        .emit("The comment is hidden; the reason shows in its place.".to_owned()),
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(prefixed(error.fields(), &prefix));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let field = format!("{prefix}reason");
    html! {
        <form class="comment-form comment-form--inline" {onsubmit} novalidate=true aria-label="Hide the comment">
            if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
            <TextField name={field.clone()} label="Why hide it" hint="Shown in the comment's place, with your name"
                value={(*reason).clone()} oninput={{ let s = reason.clone(); Callback::from(move |v| s.set(v)) }}
                error={error_for(&errors, &field)} />
            <div class="button-group">
                <button type="submit" class="button button--warning" disabled={*busy}>{ "Hide comment" }</button>
                <button type="button" class="link-button" onclick={props.oncancel.clone()}>{ "Cancel" }</button>
            </div>
        </form>
    }
}
