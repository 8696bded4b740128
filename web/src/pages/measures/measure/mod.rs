//! A measure's page: its definition, its chart (SPC or run chart) with the Making Data Count icons,
//! and for the team the data grid (the chart follows it as it is typed), CSV import and export,
//! and the chart's phase changes and annotations.

mod annotations;
mod csv_import;
mod data_grid;

use chrono::NaiveDate;
use qi_shared::{
    chart::unit_label,
    measure::{Measure, Unit},
    spc::ImprovementDirection,
};
use yew::prelude::*;
use yew_router::prelude::*;

use annotations::Marks;
use csv_import::CsvImport;
use data_grid::{Grid, rows_of};

use super::capitalised;
use crate::{
    api::{self, ApiError},
    components::{
        comments::Comments,
        spc_chart::SpcChart,
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    route::Route,
    session::use_session,
};

fn direction_text(direction: ImprovementDirection) -> &'static str {
    match direction {
        ImprovementDirection::Increase => "Higher is better",
        ImprovementDirection::Decrease => "Lower is better",
        ImprovementDirection::Neutral => "Neither: a change either way is worth knowing about",
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
    pub measure_id: i64,
    /// Read-only, from the learning library (no sign-in).
    #[prop_or_default]
    pub library: bool,
}

#[function_component(MeasurePage)]
pub fn measure_page(props: &Props) -> Html {
    let session = use_session();
    let library = props.library;
    let loaded = use_load(
        (props.id, props.measure_id),
        move |(id, measure_id)| async move {
            if library {
                let project = api::library_project(id).await?;
                let measure = api::library_measure(id, measure_id).await?;
                Ok((project, measure))
            } else {
                let project = api::project(id).await?;
                let measure = api::measure(measure_id).await?;
                Ok::<_, ApiError>((project, measure))
            }
        },
    );
    let (project, measure) = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(pair) => pair.clone(),
    };
    crate::browser::set_title(&measure.name);
    let can_edit = !library
        && session
            .actor()
            .is_some_and(|a| a.can_edit_project(&project.access_context()));
    let onchanged = {
        let loaded = loaded.clone();
        let project = project.clone();
        Callback::from(move |measure: Measure| {
            loaded.set(Load::Loaded((project.clone(), measure)));
        })
    };
    let back = if library {
        html! { <Link<Route> to={Route::LibraryProject { id: project.id }} classes="back-link">{ format!("Back to {}", project.title) }</Link<Route>> }
    } else {
        html! { <Link<Route> to={Route::Project { id: project.id }} classes="back-link">{ format!("Back to {}", project.title) }</Link<Route>> }
    };
    html! {
        <>
            <p>{ back }</p>
            <span class="caption">{ format!("{} measure", capitalised(measure.measure_type.as_str())) }</span>
            <h1>{ &measure.name }</h1>
            if can_edit {
                <p><Link<Route> to={Route::EditMeasure { id: project.id, measure_id: measure.id }} classes="button button--secondary">{ "Edit measure" }</Link<Route>></p>
            }
            { definition(&measure) }
            if !library && !measure.change_idea_ids.is_empty() {
                <FollowedIdeas project_id={project.id} ids={measure.change_idea_ids.clone()} />
            }
            <Workspace measure={measure.clone()} {can_edit} {onchanged} />
            <Comments project_id={project.id} measure_id={measure.id} {library} />
        </>
    }
}

fn definition(m: &Measure) -> Html {
    let row = |label: &str, value: String| {
        if value.is_empty() {
            return html! {};
        }
        html! { <div class="summary-list__row"><dt>{ label.to_owned() }</dt><dd>{ value }</dd></div> }
    };
    let unit = match (m.unit, m.rate_per) {
        (Unit::Rate, Some(per)) => format!("Rate per {per}"),
        (unit, _) => capitalised(unit.as_str()),
    };
    html! {
        <dl class="summary-list">
            { row("Operational definition", m.operational_definition.clone()) }
            { row("Unit", unit) }
            { row("Numerator", m.numerator_definition.clone()) }
            { row("Denominator", m.denominator_definition.clone()) }
            { row("Improvement", direction_text(m.improvement_direction).to_owned()) }
            { row("Target", m.target.map(qi_shared::chart::fmt_num).unwrap_or_else(|| "None set".to_owned())) }
            { row("Collected", capitalised(m.frequency.as_str())) }
        </dl>
    }
}

#[derive(Properties, PartialEq)]
struct FollowedIdeasProps {
    project_id: i64,
    ids: Vec<i64>,
}

/// The change ideas a measure follows, by name (from the project's driver diagram).
#[function_component(FollowedIdeas)]
fn followed_ideas(props: &FollowedIdeasProps) -> Html {
    let diagram = use_load(props.project_id, api::driver_diagram);
    let Load::Loaded(diagram) = &*diagram else {
        return html! {};
    };
    let names: Vec<String> = diagram
        .change_ideas()
        .into_iter()
        .filter(|(idea, _, _)| idea.id.is_some_and(|id| props.ids.contains(&id)))
        .map(|(idea, _, _)| idea.text.clone())
        .collect();
    html! {
        <div class="followed-ideas">
            <h2>{ "Change ideas it follows" }</h2>
            <ul>{ for names.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct WorkspaceProps {
    measure: Measure,
    can_edit: bool,
    onchanged: Callback<Measure>,
}

/// The chart and, for the team, everything that changes its data.
#[function_component(Workspace)]
fn workspace(props: &WorkspaceProps) -> Html {
    let m = &props.measure;
    let rows = use_state(|| rows_of(m));
    let next_key = use_mut_ref(|| m.points.len() as u64);
    {
        // After a save or an import, the grid shows the data as stored. Only then: a new phase
        // change or annotation also moves the measure's version, and must not throw away rows
        // typed but not yet saved.
        let rows = rows.clone();
        let measure = m.clone();
        let next_key = next_key.clone();
        use_effect_with(m.points.clone(), move |_| {
            rows.set(rows_of(&measure));
            *next_key.borrow_mut() = measure.points.len() as u64;
        });
    }
    let points: Vec<(NaiveDate, Option<f64>)> = if props.can_edit {
        rows.iter()
            .filter_map(|r| Some((r.date()?, r.chart_value(m.unit, m.rate_per))))
            .collect()
    } else {
        m.points.iter().map(|p| (p.date, p.value)).collect()
    };
    html! {
        <>
            <h2 id="chart">{ "Chart" }</h2>
            <SpcChart title={m.name.clone()} unit_label={unit_label(m.unit, m.rate_per)}
                direction={m.improvement_direction} target={m.target}
                points={points} annotations={m.annotations.clone()} />
            if props.can_edit {
                <Grid measure={m.clone()} current={(*rows).clone()} rows={rows.clone()} next_key={next_key.clone()} onchanged={props.onchanged.clone()} />
                <CsvImport measure={m.clone()} onchanged={props.onchanged.clone()} />
            }
            <Marks measure={m.clone()} can_edit={props.can_edit} onchanged={props.onchanged.clone()} />
        </>
    }
}
