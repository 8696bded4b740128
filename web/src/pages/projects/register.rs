//! The project register: search and filter the improvement projects you may see; and the public
//! learning library, the same list of public projects without signing in.

use qi_shared::{
    project::{
        ProjectQuery, ProjectSort, ProjectStatus, ProjectSummary, ProjectType, QualityDimension,
        Spread,
    },
    score::ProgressScore,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        awards::award_badges,
        form::{SelectField, TextField, options},
        pagination::Pagination,
        project_status::{score_text, status_tag},
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options, use_query},
    route::Route,
};

/// The list's filters as typed in the form.
#[derive(Clone, Default, PartialEq)]
struct Filters {
    q: String,
    organisation_id: String,
    status: String,
    theme: String,
    project_type: String,
    quality_dimension: String,
    score_min: String,
    score_max: String,
    coach_id: String,
    involvement: String,
    sustainability: String,
    spread: String,
    sort: String,
}

impl Filters {
    fn from_query(q: &ProjectQuery) -> Self {
        let text = |v: Option<String>| v.unwrap_or_default();
        Self {
            q: text(q.q.clone()),
            organisation_id: q.organisation_id.map(|v| v.to_string()).unwrap_or_default(),
            status: q.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            theme: text(q.theme.clone()),
            project_type: q
                .project_type
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            quality_dimension: q
                .quality_dimension
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            score_min: q.score_min.map(|v| format!("{v:.1}")).unwrap_or_default(),
            score_max: q.score_max.map(|v| format!("{v:.1}")).unwrap_or_default(),
            coach_id: q.coach_id.map(|v| v.to_string()).unwrap_or_default(),
            involvement: q.involvement.map(|v| v.to_string()).unwrap_or_default(),
            sustainability: q.sustainability.map(|v| v.to_string()).unwrap_or_default(),
            spread: q.spread.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            sort: q.sort.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        }
    }

    fn to_query(&self) -> ProjectQuery {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        ProjectQuery {
            q: some(&self.q),
            organisation_id: self.organisation_id.parse().ok(),
            status: ProjectStatus::parse(&self.status),
            theme: some(&self.theme),
            project_type: ProjectType::parse(&self.project_type),
            quality_dimension: QualityDimension::parse(&self.quality_dimension),
            score_min: self.score_min.parse().ok(),
            score_max: self.score_max.parse().ok(),
            coach_id: self.coach_id.parse().ok(),
            involvement: self.involvement.parse().ok(),
            sustainability: self.sustainability.parse().ok(),
            spread: Spread::parse(&self.spread),
            sort: ProjectSort::parse(&self.sort),
            ..Default::default()
        }
    }
}

fn card(p: &ProjectSummary, library: bool) -> Html {
    let to = if library {
        Route::LibraryProject { id: p.id }
    } else {
        Route::Project { id: p.id }
    };
    let partners = match p.partner_count {
        0 => String::new(),
        1 => " with 1 partner".to_owned(),
        n => format!(" with {n} partners"),
    };
    html! {
        <li class="project-card">
            <h2 class="project-card__title"><Link<Route> to={to}>{ &p.title }</Link<Route>></h2>
            <p class="project-card__meta">
                { status_tag(p.status) }{ " " }
                if p.project_type != ProjectType::QiProject {
                    <span class="tag tag--white">{ p.project_type.label() }</span>{ " " }
                }
                <span>{ format!("Led by {}{partners}", p.lead_organisation.name) }</span>
            </p>
            <p class="project-card__aim">{ &p.aim }</p>
            <p class="project-card__meta">
                <span>{ format!("Progress: {}", score_text(p.score)) }</span>
                if p.involvement { <span class="tag tag--white">{ "Patient involvement" }</span> }
                if p.sustainability { <span class="tag tag--white">{ "Sustainability" }</span> }
            </p>
            { award_badges(&p.awards) }
            if !p.tags.is_empty() {
                <ul class="tag-list" aria-label="Themes">
                    { for p.tags.iter().map(|t| html! { <li class="tag tag--white">{ t }</li> }) }
                </ul>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct ListProps {
    /// The public learning library rather than the signed-in register.
    #[prop_or_default]
    pub library: bool,
}

#[function_component(ProjectList)]
pub fn project_list(props: &ListProps) -> Html {
    let library = props.library;
    crate::browser::set_title(if library {
        "Learning library"
    } else {
        "Projects"
    });
    let navigator = use_navigator();
    let query: ProjectQuery = use_query();
    let page = use_load((query.clone(), library), |(q, library)| async move {
        if library {
            api::library(&q).await
        } else {
            api::projects(&q).await
        }
    });
    let filters = use_state(|| Filters::from_query(&query));
    let organisations = use_organisation_options(Some("Any organisation"), !library);
    let coaches = use_load(library, |library| async move {
        if library {
            Ok(Vec::new())
        } else {
            api::coaches().await
        }
    });
    let coach_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Any coach".to_owned()))
            .chain(match &*coaches {
                Load::Loaded(list) => list
                    .iter()
                    .map(|c| {
                        (
                            c.id.to_string(),
                            format!("{} ({})", c.name, c.organisation_name),
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
    let route = if library {
        Route::Library
    } else {
        Route::Projects
    };

    let go = {
        let (navigator, route) = (navigator.clone(), route.clone());
        Callback::from(move |q: ProjectQuery| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&route, &q);
            }
        })
    };
    let onsubmit = {
        let (filters, go) = (filters.clone(), go.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            go.emit(filters.to_query());
        })
    };
    let set = |apply: fn(&mut Filters, String)| {
        let filters = filters.clone();
        Callback::from(move |v: String| {
            let mut next = (*filters).clone();
            apply(&mut next, v);
            filters.set(next);
        })
    };
    let f = &*filters;
    let statuses = options(
        Some("Any status"),
        ProjectStatus::ALL.iter().map(|s| (s.as_str(), s.label())),
    );
    let spreads = options(
        Some("Any spread"),
        Spread::ALL.iter().map(|s| (s.as_str(), s.label())),
    );
    let types = options(
        Some("Any type"),
        ProjectType::ALL.iter().map(|t| (t.as_str(), t.label())),
    );
    let dimensions = options(
        Some("Any dimension"),
        QualityDimension::ALL
            .iter()
            .map(|d| (d.as_str(), d.label())),
    );
    let sorts = options(
        None,
        ProjectSort::ALL.iter().map(|s| (s.as_str(), s.label())),
    );
    let scores = |or: &str| -> Vec<(String, String)> {
        std::iter::once((String::new(), "Any score".to_owned()))
            .chain(ProgressScore::all().map(|s| {
                (
                    format!("{:.1}", s.value()),
                    format!("{:.1} {or} ({})", s.value(), s.label()),
                )
            }))
            .collect()
    };
    let yes_no = |any: &str| options(Some(any), [("true", "Yes"), ("false", "No")]);

    let results = match &*page {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(page) if page.items.is_empty() => {
            html! { <Empty>{ "No projects match. Try other words or fewer filters." }</Empty> }
        }
        Load::Loaded(page) => {
            let onchange = {
                let (go, query) = (go.clone(), query.clone());
                Callback::from(move |p: u64| {
                    go.emit(ProjectQuery {
                        page: Some(p),
                        ..query.clone()
                    })
                })
            };
            html! {
                <>
                    <p class="results-count" role="status">{
                        if page.page.total_exact {
                            format!("{} projects", page.page.total)
                        } else {
                            format!("More than {} projects", page.page.total)
                        }
                    }</p>
                    <ul class="project-list">{ for page.items.iter().map(|p| card(p, library)) }</ul>
                    <Pagination info={page.page} {onchange} />
                </>
            }
        }
    };
    html! {
        <>
            if library {
                <h1>{ "Learning library" }</h1>
                <p class="lead">{ "Improvement projects from across the partnership, shared so others can learn from what worked." }</p>
            } else {
                <h1>{ "Projects" }</h1>
                <p><Link<Route> to={Route::NewProject} classes="button">{ "Start a project" }</Link<Route>></p>
            }
            <form class="filters" role="search" aria-label="Projects" {onsubmit}>
                <TextField name="q" label="Search projects" hint="Words in the title, aim or themes" value={f.q.clone()} oninput={set(|f, v| f.q = v)} />
                if !library {
                    <SelectField name="organisation_id" label="Organisation" options={organisations} value={f.organisation_id.clone()} onchange={set(|f, v| f.organisation_id = v)} />
                }
                <SelectField name="status" label="Status" options={statuses} value={f.status.clone()} onchange={set(|f, v| f.status = v)} />
                <TextField name="theme" label="Theme" hint="For example falls or sepsis" value={f.theme.clone()} oninput={set(|f, v| f.theme = v)} />
                <SelectField name="project_type" label="Type of work" options={types} value={f.project_type.clone()} onchange={set(|f, v| f.project_type = v)} />
                <SelectField name="quality_dimension" label="Quality dimension" options={dimensions} value={f.quality_dimension.clone()} onchange={set(|f, v| f.quality_dimension = v)} />
                <SelectField name="score_min" label="Score from" options={scores("or more")} value={f.score_min.clone()} onchange={set(|f, v| f.score_min = v)} />
                <SelectField name="score_max" label="Score up to" options={scores("or less")} value={f.score_max.clone()} onchange={set(|f, v| f.score_max = v)} />
                if !library {
                    <SelectField name="coach_id" label="Coach" options={coach_options} value={f.coach_id.clone()} onchange={set(|f, v| f.coach_id = v)} />
                }
                <SelectField name="involvement" label="Patient involvement" options={yes_no("Either")} value={f.involvement.clone()} onchange={set(|f, v| f.involvement = v)} />
                <SelectField name="sustainability" label="Sustainability" options={yes_no("Either")} value={f.sustainability.clone()} onchange={set(|f, v| f.sustainability = v)} />
                <SelectField name="spread" label="Spread" options={spreads} value={f.spread.clone()} onchange={set(|f, v| f.spread = v)} />
                <SelectField name="sort" label="Sort by" options={sorts} value={f.sort.clone()} onchange={set(|f, v| f.sort = v)} />
                <button type="submit" class="button">{ "Search" }</button>
            </form>
            { results }
        </>
    }
}
