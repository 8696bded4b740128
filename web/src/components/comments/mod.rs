//! Comments and peer support on a project, its PDSA cycles and its measures: the threads (newest
//! first, a page at a time, each with its replies), writing a comment or an "I can help" offer
//! with @-mentions, replying, editing and deleting one's own, hiding one with a reason (the
//! project's organisations' admins and its lead), publishing one to the learning library (the
//! team of a public project) and answering an offer. The learning library's pages show the
//! published ones, read-only. What each reader may do comes with each comment (`can_*`). The lists
//! of one page (a project's and its cycles') are kept in step by `CommentLists`.

mod compose;
mod thread;

use qi_shared::{
    FieldError,
    comment::{CommentInput, CommentPage, CommentQuery},
    training::PersonRef,
};
use yew::prelude::*;

use crate::{
    api::{self, ApiError},
    components::{
        form::{Checkbox, ErrorSummary, Submit, error_for},
        pagination::Pagination,
        states::{Empty, Loading},
    },
    hooks::{Load, use_reload},
};
use compose::{CommentBox, still_mentioned};
use thread::CommentView;

/// Field errors named for a form of this page: `body` becomes `{prefix}body`, so that each form's
/// fields (several may be open at once) have ids of their own.
fn prefixed(errors: Vec<FieldError>, prefix: &str) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError::new(format!("{prefix}{}", e.field), e.message))
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct CommentsProps {
    pub project_id: i64,
    /// Only the comments about this PDSA cycle (and new ones are about it).
    #[prop_or_default]
    pub cycle_id: Option<i64>,
    /// Only the comments about this measure (and new ones are about it).
    #[prop_or_default]
    pub measure_id: Option<i64>,
    /// The learning library's page: the comments the team published, read-only, for anyone.
    #[prop_or_default]
    pub library: bool,
}

/// Scrolls to the element the address's fragment names, if it is a comment on this page.
fn scroll_to_target() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hash = window.location().hash().unwrap_or_default();
    let Some(id) = hash
        .strip_prefix('#')
        .filter(|id| id.starts_with("comment-"))
    else {
        return;
    };
    if let Some(element) = window.document().and_then(|d| d.get_element_by_id(id)) {
        element.scroll_into_view();
    }
}

/// What the comments are about, for element ids: several lists may share a page.
fn scope(props: &CommentsProps) -> String {
    match (props.cycle_id, props.measure_id) {
        (Some(cycle), _) => format!("cycle-{cycle}-"),
        (None, Some(measure)) => format!("measure-{measure}-"),
        (None, None) => String::new(),
    }
}

/// How the comment lists of one page keep in step: the project's list shows its cycles' and
/// measures' comments too, so a comment posted, replied to, edited, deleted or hidden in one list
/// is news to the others.
#[derive(Clone, PartialEq)]
struct InStep {
    /// How many changes the lists have made; each list's key includes it.
    generation: u64,
    /// Called by a list after it changes something.
    changed: Callback<()>,
}

#[derive(Properties, PartialEq)]
pub struct CommentListsProps {
    pub children: Html,
}

/// Keeps the comment lists within it in step: after a change in any of them, every one reads its
/// page again. A list outside it reads only itself again.
#[function_component(CommentLists)]
pub fn comment_lists(props: &CommentListsProps) -> Html {
    let generation = use_state(|| 0u64);
    let context = InStep {
        generation: *generation,
        changed: {
            let generation = generation.clone();
            Callback::from(move |()| generation.set(*generation + 1))
        },
    };
    html! {
        <ContextProvider<InStep> {context}>{ props.children.clone() }</ContextProvider<InStep>>
    }
}

/// The project, cycle and measure, whether read as the library, only offers, the page, and the
/// generation of the lists kept in step with this one.
type Key = (i64, Option<i64>, Option<i64>, bool, bool, u64, u64);

async fn load(
    (project_id, cycle_id, measure_id, library, offers, page, _generation): Key,
) -> Result<CommentPage, ApiError> {
    let query = CommentQuery {
        cycle_id,
        measure_id,
        offers: offers.then_some(true),
        page: Some(page),
        ..CommentQuery::default()
    };
    if library {
        api::comments::published(project_id, &query).await
    } else {
        api::comments::comments(project_id, &query).await
    }
}

/// A project's comments (or a cycle's, or a measure's), with the form to add one.
#[function_component(Comments)]
pub fn comments(props: &CommentsProps) -> Html {
    let page = use_state(|| 1u64);
    let offers = use_state(|| false);
    let in_step = use_context::<InStep>();
    let key: Key = (
        props.project_id,
        props.cycle_id,
        props.measure_id,
        props.library,
        *offers,
        *page,
        in_step.as_ref().map_or(0, |s| s.generation),
    );
    let (loaded, reload) = use_reload(key, load);
    // After a change made here: every list kept in step reads again (this one too, its key
    // having changed), or, alone, this one.
    let changed = match &in_step {
        Some(s) => s.changed.clone(),
        None => reload.clone(),
    };
    {
        // Opened at a comment (`#comment-12`, as a notification links to it): once the list is
        // there, bring that comment into view.
        let shown = matches!(&*loaded, Load::Loaded(_));
        use_effect_with(shown, |shown| {
            if *shown {
                scroll_to_target();
            }
        });
    }
    let notice = use_state(|| None::<String>);
    let scope = scope(props);
    let filtered = props.cycle_id.is_some() || props.measure_id.is_some();
    let onchanged = {
        let (notice, changed) = (notice.clone(), changed.clone());
        Callback::from(move |text: String| {
            notice.set(Some(text));
            changed.emit(());
        })
    };
    let onposted = {
        let (notice, changed, page, in_step) = (notice.clone(), changed, page.clone(), in_step);
        Callback::from(move |text: String| {
            notice.set(Some(text));
            // The new thread is the newest: on the first page. Going there reads this list
            // again, so alone it needs no more (reading the old page too could answer last).
            if *page != 1 {
                page.set(1);
            }
            if *page == 1 || in_step.is_some() {
                changed.emit(());
            }
        })
    };
    let list = match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <p class="error-message" role="alert">{ error.message() }</p> }
        }
        Load::Loaded(found) if found.items.is_empty() && props.library => html! {},
        Load::Loaded(found) if found.items.is_empty() && *offers => html! {
            <Empty>{ "No offers of help yet." }</Empty>
        },
        Load::Loaded(found) if found.items.is_empty() => html! {
            <Empty>{ if filtered {
                "No comments about this yet."
            } else {
                "No comments yet. Ask the team a question, share what worked for you, or offer to help."
            } }</Empty>
        },
        Load::Loaded(found) => {
            let onchange = {
                let page = page.clone();
                Callback::from(move |p: u64| page.set(p))
            };
            html! {
                <>
                    <ol class="comments" aria-label="Comments, newest first">
                        { for found.items.iter().map(|c| html! {
                            <CommentView key={c.id} comment={c.clone()} project_id={props.project_id}
                                subject={!filtered} library={props.library} onchanged={onchanged.clone()} />
                        }) }
                    </ol>
                    <Pagination info={found.page} {onchange} />
                </>
            }
        }
    };
    if props.library {
        // The library's page shows the section only when the team has published something.
        return match &*loaded {
            Load::Loaded(found) if !found.items.is_empty() => html! {
                <section class="discussion" aria-labelledby="comments-title">
                    <h2 id="comments-title">{ "Comments" }</h2>
                    <p class="hint">{ "What people across the partnership said about this project, published by its team." }</p>
                    { list }
                </section>
            },
            _ => html! {},
        };
    }
    // A cycle's comments sit within its change idea's section of the project page (an h3).
    let title_id = format!("{scope}comments");
    let heading = match (props.cycle_id, props.measure_id) {
        (Some(_), _) => html! { <h4 id={title_id.clone()}>{ "Comments on this cycle" }</h4> },
        (None, Some(_)) => html! { <h2 id={title_id.clone()}>{ "Comments on this measure" }</h2> },
        (None, None) => html! { <h2 id={title_id.clone()}>{ "Comments and offers of help" }</h2> },
    };
    html! {
        <section class="discussion" aria-labelledby={title_id}>
            { heading }
            if let Some(text) = &*notice { <div class="notice notice--success" role="status"><p>{ text }</p></div> }
            <NewComment project_id={props.project_id} cycle_id={props.cycle_id} measure_id={props.measure_id}
                prefix={format!("{scope}comment-")} {onposted} />
            if !filtered {
                <div class="view-switch" role="group" aria-label="Show">
                    { for [(false, "All comments"), (true, "Offers of help")].into_iter().map(|(only, label)| {
                        let (offers, page) = (offers.clone(), page.clone());
                        let current = *offers == only;
                        html! {
                            <button type="button" class={classes!("view-switch__option", current.then_some("view-switch__option--current"))}
                                aria-pressed={current.to_string()}
                                onclick={Callback::from(move |_: MouseEvent| { offers.set(only); page.set(1); })}>{ label }</button>
                        }
                    }) }
                </div>
            }
            { list }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NewCommentProps {
    project_id: i64,
    cycle_id: Option<i64>,
    measure_id: Option<i64>,
    /// Of the form's field ids.
    prefix: AttrValue,
    /// Called with a notice once posted.
    onposted: Callback<String>,
}

/// A new thread: a comment, or an offer of help, with people mentioned.
#[function_component(NewComment)]
fn new_comment(props: &NewCommentProps) -> Html {
    let body = use_state(String::new);
    let offer = use_state(|| false);
    let picked = use_state(Vec::<PersonRef>::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let prefix = props.prefix.to_string();
    let onsubmit = {
        let (body, offer, picked, errors, message, busy, onposted, prefix) = (
            body.clone(),
            offer.clone(),
            picked.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onposted.clone(),
            prefix.clone(),
        );
        let (project_id, cycle_id, measure_id) =
            (props.project_id, props.cycle_id, props.measure_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let input = CommentInput {
                body: (*body).clone(),
                cycle_id,
                measure_id,
                offer: *offer,
                mentions: still_mentioned(&body, &picked),
                ..CommentInput::default()
            };
            let input = match input.validate() {
                Ok(input) => input,
                Err(bad) => {
                    errors.set(prefixed(bad.0, &prefix));
                    return;
                }
            };
            errors.set(Vec::new());
            busy.set(true);
            let (body, offer, picked, errors, message, busy, onposted, prefix) = (
                body.clone(),
                offer.clone(),
                picked.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                onposted.clone(),
                prefix.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::comments::post(project_id, &input).await {
                    Ok(c) => {
                        body.set(String::new());
                        offer.set(false);
                        picked.set(Vec::new());
                        onposted.emit(match (input.offer, c.mentions.len()) {
                            (true, _) => "Thank you for offering to help: the team has been told.".to_owned(),
                            (false, 0) => "Your comment is posted.".to_owned(),
                            (false, 1) => format!("Your comment is posted, and {} has been told.", c.mentions[0].name),
                            (false, n) => format!("Your comment is posted, and the {n} people you mentioned have been told."),
                        });
                    }
                    Err(error) => {
                        message.set(error.fields().is_empty().then(|| error.message()));
                        errors.set(prefixed(error.fields(), &prefix));
                    }
                }
                busy.set(false);
            });
        })
    };
    let field = format!("{prefix}body");
    html! {
        <form class="panel narrow comment-form" {onsubmit} novalidate=true aria-label="Add a comment">
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <CommentBox project_id={props.project_id} id={field.clone()} label="Your comment"
                hint="Ask a question, share what worked, or suggest an idea. Type @ and a name to mention someone: they will be told. Markdown works, such as **bold** and lists."
                value={(*body).clone()} oninput={{ let s = body.clone(); Callback::from(move |v| s.set(v)) }}
                onmention={{ let s = picked.clone(); Callback::from(move |p: PersonRef| { let mut v = (*s).clone(); v.push(p); s.set(v); }) }}
                error={error_for(&errors, &field)} />
            <Checkbox id={format!("{prefix}offer")} label="I can help" checked={*offer}
                hint="Make this an offer of help: the project's lead is told, and the team can accept it."
                onchange={{ let s = offer.clone(); Callback::from(move |v| s.set(v)) }} />
            <Submit label={if *offer { "Offer help" } else { "Post comment" }} busy={*busy} />
        </form>
    }
}
