//! The search page: words in, results ranked by relevance with the words found marked, and
//! the counts by kind, organisation, status and theme to narrow them (each a link that adds
//! or removes its filter).

use qi_shared::{
    search::{SearchHit, SearchKind, SearchQuery, SearchResults, SnippetPart},
    uk_time,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        form::TextField,
        pagination::Pagination,
        project_status::status_tag,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::{Route, TrainingRoute},
};

fn snippet(parts: &[SnippetPart]) -> Html {
    html! {
        { for parts.iter().map(|p| if p.hit {
            html! { <mark>{ &p.text }</mark> }
        } else {
            html! { { &p.text } }
        }) }
    }
}

/// Where a result leads, and what it is.
fn link_and_what(h: &SearchHit) -> (Html, String) {
    let organisation = &h.organisation.name;
    let project = h.project_id.unwrap_or_default();
    match h.kind {
        SearchKind::Project => (
            html! { <Link<Route> to={Route::Project { id: h.id }}>{ &h.title }</Link<Route>> },
            format!("Project led by {organisation}"),
        ),
        SearchKind::Measure => (
            html! { <Link<Route> to={Route::Measure { id: project, measure_id: h.id }}>{ &h.title }</Link<Route>> },
            format!(
                "Measure of “{}”, led by {organisation}",
                h.project_title.as_deref().unwrap_or_default()
            ),
        ),
        SearchKind::Course => (
            html! { <Link<TrainingRoute> to={TrainingRoute::Course { id: h.id }}>{ &h.title }</Link<TrainingRoute>> },
            format!("Course provided by {organisation}"),
        ),
        SearchKind::Person => (
            html! { { &h.title } },
            format!(
                "{}, {organisation}",
                h.job_role.as_deref().unwrap_or("Colleague")
            ),
        ),
        SearchKind::Event => (
            html! { <Link<Route> to={Route::Event { id: h.id }}>{ &h.title }</Link<Route>> },
            match h.starts_at {
                Some(at) => format!(
                    "Event organised by {organisation}, {}",
                    uk_time::local(at).format("%-d %B %Y")
                ),
                None => format!("Event organised by {organisation}"),
            },
        ),
    }
}

fn hit(h: &SearchHit) -> Html {
    let (link, what) = link_and_what(h);
    html! {
        <li class="project-card search-hit">
            <h2 class="project-card__title">{ link }</h2>
            <p class="project-card__meta">
                if let Some(status) = h.status { { status_tag(status) }{ " " } }
                <span>{ what }</span>
            </p>
            if !h.snippet.is_empty() {
                <p class="search-hit__snippet">
                    if let Some(from) = &h.snippet_from {
                        <span class="search-hit__from">{ format!("{from}: ") }</span>
                    }
                    { snippet(&h.snippet) }
                </p>
            }
            if !h.tags.is_empty() {
                <ul class="tag-list" aria-label="Themes">
                    { for h.tags.iter().map(|t| html! { <li class="tag tag--white">{ t }</li> }) }
                </ul>
            }
        </li>
    }
}

/// A facet's list: each value a link to the search with it chosen (or, if chosen, without it).
fn facet<'a>(
    title: &str,
    values: impl Iterator<Item = (String, u64, SearchQuery, bool)> + 'a,
) -> Html {
    let items: Vec<Html> = values
        .map(|(label, count, query, chosen)| {
            html! {
                <li>
                    <Link<Route, SearchQuery> to={Route::Search} query={Some(query)}
                        classes={classes!("facet__link", chosen.then_some("facet__link--chosen"))}>
                        { format!("{label} ({count})") }
                        if chosen { <span class="visually-hidden">{ ", chosen: remove this filter" }</span> }
                    </Link<Route, SearchQuery>>
                </li>
            }
        })
        .collect();
    if items.is_empty() {
        return Html::default();
    }
    html! {
        <div class="facet">
            <h3 class="facet__title">{ title.to_owned() }</h3>
            <ul class="facet__list">{ for items }</ul>
        </div>
    }
}

fn facets(results: &SearchResults, query: &SearchQuery) -> Html {
    let base = SearchQuery {
        page: None,
        ..query.clone()
    };
    let f = &results.facets;
    html! {
        <nav class="facets" aria-label="Narrow the results">
            { facet("Kind", f.kinds.iter().map(|k| {
                let chosen = query.kind == Some(k.kind);
                (k.kind.label().to_owned(), k.count, SearchQuery { kind: (!chosen).then_some(k.kind), ..base.clone() }, chosen)
            })) }
            { facet("Status", f.statuses.iter().map(|s| {
                let chosen = query.status == Some(s.status);
                (s.status.label().to_owned(), s.count, SearchQuery { status: (!chosen).then_some(s.status), ..base.clone() }, chosen)
            })) }
            { facet("Organisation", f.organisations.iter().map(|o| {
                let chosen = query.organisation_id == Some(o.organisation.id);
                (o.organisation.name.clone(), o.count, SearchQuery { organisation_id: (!chosen).then_some(o.organisation.id), ..base.clone() }, chosen)
            })) }
            { facet("Theme", f.themes.iter().map(|t| {
                let chosen = query.theme.as_deref().is_some_and(|q| q.trim().eq_ignore_ascii_case(&t.theme));
                (t.theme.clone(), t.count, SearchQuery { theme: (!chosen).then(|| t.theme.clone()), ..base.clone() }, chosen)
            })) }
        </nav>
    }
}

#[function_component(SearchPage)]
pub fn search_page() -> Html {
    crate::browser::set_title("Search");
    let navigator = use_navigator();
    let query: SearchQuery = use_query();
    let words = use_state(|| query.q.clone());
    {
        let words = words.clone();
        use_effect_with(query.q.clone(), move |q| words.set(q.clone()));
    }
    let asked = !query.q.trim().is_empty();
    let results = use_load(query.clone(), |q: SearchQuery| async move {
        if q.q.trim().is_empty() {
            Ok(None)
        } else {
            api::search::search(&q).await.map(Some)
        }
    });
    let onsubmit = {
        let (words, navigator) = (words.clone(), navigator.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(navigator) = &navigator {
                let q = SearchQuery {
                    q: (*words).clone(),
                    ..SearchQuery::default()
                };
                let _ = navigator.push_with_query(&Route::Search, &q);
            }
        })
    };
    let oninput = {
        let words = words.clone();
        Callback::from(move |v: String| words.set(v))
    };
    let body = match &*results {
        _ if !asked => html! {
            <p class="hint">{ "Search projects (titles, problems, aims, change ideas, PDSA learning and themes), measures, courses and events. Words match their other forms (falls, fall, falling) and other names for the same thing (bedsores, pressure ulcers)." }</p>
        },
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(None) => Html::default(),
        Load::Loaded(Some(found)) => {
            let onchange = {
                let (navigator, query) = (navigator.clone(), query.clone());
                Callback::from(move |p: u64| {
                    if let Some(navigator) = &navigator {
                        let _ = navigator.push_with_query(
                            &Route::Search,
                            &SearchQuery {
                                page: Some(p),
                                ..query.clone()
                            },
                        );
                    }
                })
            };
            html! {
                <div class="search-layout">
                    { facets(found, &query) }
                    <div class="search-results">
                        <p class="results-count" role="status">{ match found.page.total {
                            1 => "1 result".to_owned(),
                            n => format!("{n} results"),
                        } }</p>
                        if found.items.is_empty() {
                            <Empty>{ "Nothing found. Try other words, or fewer filters." }</Empty>
                        } else {
                            <ol class="project-list">{ for found.items.iter().map(hit) }</ol>
                            <Pagination info={found.page} {onchange} />
                        }
                    </div>
                </div>
            }
        }
    };
    html! {
        <>
            <h1>{ "Search" }</h1>
            <form class="filters" role="search" aria-label="Everything" {onsubmit}>
                <TextField name="q" label="Search for" hint="For example: falls at night, sepsis screening, bedsores" value={(*words).clone()} {oninput} />
                <button type="submit" class="button">{ "Search" }</button>
            </form>
            <p class="hint">
                { "Looking for a change from outside the partnership, such as PINCER? See " }
                <Link<Route> to={Route::Innovations}>{ "Outside innovations" }</Link<Route>>{ "." }
            </p>
            { body }
        </>
    }
}
