//! The bulletin's issues: the published ones for anyone, latest first, with the Atom feed; for
//! an editor, their drafts first and a way to compose a new one.

use qi_shared::bulletin::{BulletinPage, BulletinQuery, BulletinStatus, BulletinSummary};
use yew::prelude::*;
use yew_router::prelude::*;

use super::day_text;
use crate::{
    api::{self, bulletins::FEED},
    components::{
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::BulletinRoute,
    session::{SessionState, use_session},
};

#[function_component(BulletinList)]
pub fn bulletin_list() -> Html {
    crate::browser::set_title("Sharing the Learning");
    let session = use_session();
    let restoring = session.state == SessionState::Restoring;
    let actor = session.actor();
    let editor = actor.as_ref().is_some_and(|a| {
        a.can_edit_bulletin_for(None) || a.can_edit_bulletin_for(Some(a.organisation_id))
    });
    html! {
        <>
            <span class="caption">{ "The partnership's bulletin" }</span>
            <h1>{ "Sharing the Learning" }</h1>
            <p class="lead">{ "Improvement projects worth knowing about, with their charts, the events to come and the awards won across the partnership." }</p>
            <p>
                <a href={FEED} type="application/atom+xml">{ "Follow the bulletin with its Atom feed" }</a>
                <span class="secondary">{ " (for a feed reader: new issues arrive as they are published)" }</span>
            </p>
            if editor {
                <p><Link<BulletinRoute> to={BulletinRoute::New} classes="button">{ "Compose a bulletin" }</Link<BulletinRoute>></p>
            }
            if restoring {
                <Loading />
            } else {
                if editor {
                    <Issues status={BulletinStatus::Draft} signed_in=true />
                }
                <Issues status={BulletinStatus::Published} signed_in={session.person().is_some()} />
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct IssuesProps {
    status: BulletinStatus,
    signed_in: bool,
}

/// One list of issues, published or drafts, a page at a time.
#[function_component(Issues)]
fn issues(props: &IssuesProps) -> Html {
    let page = use_state(|| 1u64);
    let loaded = use_load(
        (props.status, props.signed_in, *page),
        |(status, signed_in, page)| async move {
            let query = BulletinQuery {
                status: Some(status),
                page: Some(page),
                ..BulletinQuery::default()
            };
            api::bulletins::bulletins(&query, signed_in).await
        },
    );
    let drafts = props.status == BulletinStatus::Draft;
    let (id, title) = if drafts {
        ("drafts", "Drafts")
    } else {
        ("issues", "Published issues")
    };
    let body = match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(found) if found.items.is_empty() => html! {
            <Empty>{ if drafts {
                "You have no drafts. Compose a bulletin to start one."
            } else {
                "No issue has been published yet."
            } }</Empty>
        },
        Load::Loaded(found) => list(found, page.clone()),
    };
    html! {
        <section {id} aria-labelledby={format!("{id}-title")}>
            <h2 id={format!("{id}-title")}>{ title }</h2>
            { body }
        </section>
    }
}

fn list(found: &BulletinPage, page: UseStateHandle<u64>) -> Html {
    let onchange = Callback::from(move |p: u64| page.set(p));
    html! {
        <>
            <ul class="project-list">{ for found.items.iter().map(card) }</ul>
            <Pagination info={found.page} {onchange} />
        </>
    }
}

fn card(b: &BulletinSummary) -> Html {
    let when = match (b.status, b.published_at) {
        (BulletinStatus::Published, Some(at)) => format!("Published {}", day_text(at)),
        _ => format!("Draft, last changed {}", day_text(b.updated_at)),
    };
    html! {
        <li class="project-card">
            <h3 class="project-card__title">
                <Link<BulletinRoute> to={BulletinRoute::Bulletin { id: b.id }}>{ &b.title }</Link<BulletinRoute>>
            </h3>
            <p class="project-card__meta">
                if b.status == BulletinStatus::Draft { <span class="tag tag--yellow">{ "Draft" }</span> }
                <span>{ when }</span>
                <span>{ b.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| "The partnership".to_owned()) }</span>
            </p>
            if !b.summary.is_empty() { <p class="project-card__aim">{ &b.summary }</p> }
        </li>
    }
}
