//! The course catalogue, with filters by tier, provider and words.

use qi_shared::{
    capability::Tier,
    training::{CohortQuery, CourseQuery, When, dates_text},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        form::{SelectField, TextField},
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options, use_query},
    route::TrainingRoute,
    session::use_session,
};

#[function_component(CourseList)]
pub fn course_list() -> Html {
    crate::browser::set_title("Training");
    let session = use_session();
    let navigator = use_navigator();
    let query: CourseQuery = use_query();
    let page = use_load(query.clone(), |q| async move {
        api::training::courses(&q).await
    });
    let search = use_state(|| query.q.clone().unwrap_or_default());
    let tier = use_state(|| {
        query
            .tier
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default()
    });
    let provider = use_state(|| {
        query
            .provider_organisation_id
            .map(|id| id.to_string())
            .unwrap_or_default()
    });
    let organisations = use_organisation_options(Some("Any provider"), true);
    let can_add = session.actor().is_some_and(|a| {
        a.is_partnership_admin() || a.has(qi_shared::person::Role::OrganisationAdmin)
    });

    let go = {
        let navigator = navigator.clone();
        Callback::from(move |q: CourseQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&TrainingRoute::Courses, &q);
            }
        })
    };
    let onsubmit = {
        let (search, tier, provider, go) =
            (search.clone(), tier.clone(), provider.clone(), go.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            go.emit(CourseQuery {
                q: (!search.trim().is_empty()).then(|| search.trim().to_owned()),
                tier: Tier::parse(&tier),
                provider_organisation_id: provider.parse().ok(),
                page: None,
                per_page: None,
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let tier_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Any tier".to_owned()))
            .chain(
                Tier::ALL
                    .iter()
                    .map(|t| (t.as_str().to_owned(), t.label().to_owned())),
            )
            .collect();

    let results = match &*page {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => html! {
            <Empty>{ if query == CourseQuery::default() {
                "There are no courses yet."
            } else {
                "No course matches. Try other words or filters."
            } }</Empty>
        },
        Load::Loaded(page) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(CourseQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <table class="table">
                        <caption class="table__caption">{ format!("{} courses", page.page.total) }</caption>
                        <thead><tr>
                            <th scope="col">{ "Course" }</th>
                            <th scope="col">{ "Tier" }</th>
                            <th scope="col">{ "Provider" }</th>
                            <th scope="col">{ "Delivery" }</th>
                            <th scope="col">{ "Length" }</th>
                            <th scope="col">{ "Cohorts to come" }</th>
                        </tr></thead>
                        <tbody>
                            { for page.items.iter().map(|c| html! {
                                <tr>
                                    <td data-label="Course"><Link<TrainingRoute> to={TrainingRoute::Course { id: c.id }}>{ &c.title }</Link<TrainingRoute>></td>
                                    <td data-label="Tier"><span class={classes!("tag", format!("tag--{}", c.tier.as_str()))}>{ c.tier.label() }</span></td>
                                    <td data-label="Provider">{ &c.provider_name }</td>
                                    <td data-label="Delivery">{ c.delivery.label() }</td>
                                    <td data-label="Length">{ format!("{} hours", c.length_hours) }</td>
                                    <td data-label="Cohorts to come">{ c.upcoming_cohorts }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    <Pagination info={page.page} {onchange} />
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ "Training" }</h1>
            <p>{ "Courses that build QI capability, at each tier: Learn, Live and Lead. Choose a course to see its cohorts and enrol." }</p>
            if can_add {
                <p><Link<TrainingRoute> to={TrainingRoute::NewCourse} classes="button button--secondary">{ "Add a course" }</Link<TrainingRoute>></p>
            }
            <form class="filters" role="search" aria-label="Courses" {onsubmit}>
                <TextField name="q" label="Search courses" hint="Words in the title or description" value={(*search).clone()} oninput={set(&search)} />
                <SelectField name="tier" label="Tier" options={tier_options} value={(*tier).clone()} onchange={set(&tier)} />
                <SelectField name="provider_organisation_id" label="Provider" options={organisations} value={(*provider).clone()} onchange={set(&provider)} />
                <button type="submit" class="button">{ "Search" }</button>
            </form>
            { results }
            <UpcomingCohorts />
        </>
    }
}

/// The next cohorts of any course, soonest first.
#[function_component(UpcomingCohorts)]
fn upcoming_cohorts() -> Html {
    let cohorts = use_load((), |()| async move {
        api::training::cohorts(&CohortQuery {
            when: Some(When::Upcoming),
            per_page: Some(10),
            ..CohortQuery::default()
        })
        .await
    });
    let body = match &*cohorts {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <p>{ error.message() }</p> },
        Load::Loaded(page) if page.items.is_empty() => {
            html! { <Empty>{ "No cohorts are planned yet." }</Empty> }
        }
        Load::Loaded(page) => html! {
            <ul class="list">{ for page.items.iter().map(|c| html! {
                <li>
                    <Link<TrainingRoute> to={TrainingRoute::Cohort { id: c.id }}>{ format!("{}: {}", c.course_title, c.name) }</Link<TrainingRoute>>
                    { format!(", {} ({} of {} places taken{})", dates_text(c.start_date, c.end_date), c.taken, c.capacity,
                        if c.waiting > 0 { format!(", {} waiting", c.waiting) } else { String::new() }) }
                </li>
            }) }</ul>
        },
    };
    html! {
        <>
            <h2>{ "Cohorts coming up" }</h2>
            { body }
        </>
    }
}
