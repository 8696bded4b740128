//! A programme's page: its aim and lead, its projects (the ones the reader may see) with their
//! status, score and spread, and its measures, each the system's figure pooled from its
//! projects' measures, drawn as an SPC chart. Its lead and admins change it here.

use qi_shared::{
    chart::unit_label,
    measure::Unit,
    programme::{Programme, ProgrammeMeasure},
};
use yew::prelude::*;
use yew_router::prelude::{Link, use_navigator};

use super::{list::status_tag, measure_form::MeasureForm};
use crate::{
    api::programmes as api,
    components::{
        project_status::{score_text, status_tag as project_status_tag},
        spc_chart::SpcChart,
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_reload},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[function_component(ProgrammePage)]
pub fn programme_page(props: &Props) -> Html {
    let (found, reload) = use_reload(props.id, api::programme);
    match &*found {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(p) => html! { <Shown programme={p.clone()} onchanged={reload.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct ShownProps {
    programme: Programme,
    onchanged: Callback<()>,
}

#[function_component(Shown)]
fn shown(props: &ShownProps) -> Html {
    let p = &props.programme;
    crate::browser::set_title(&p.name);
    let adding = use_state(|| false);
    let onsaved = {
        let (adding, onchanged) = (adding.clone(), props.onchanged.clone());
        Callback::from(move |()| {
            adding.set(false);
            onchanged.emit(());
        })
    };
    let toggle = {
        let adding = adding.clone();
        Callback::from(move |_: MouseEvent| adding.set(!*adding))
    };
    let organisations: std::collections::BTreeSet<&str> = p
        .projects
        .iter()
        .map(|x| x.lead_organisation.name.as_str())
        .collect();
    html! {
        <>
            <span class="caption">{ "Programme" }</span>
            <h1>{ &p.name }</h1>
            <p class="programme__status">{ status_tag(p.status) }</p>
            <p class="lead">{ &p.aim }</p>
            if !p.description.is_empty() {
                { for p.description.split("\n\n").map(|para| html! { <p>{ para }</p> }) }
            }
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "Lead" }</dt><dd>{ format!("{}, {}", p.lead.name, p.lead_organisation.name) }</dd></div>
                <div class="summary-list__row"><dt>{ "Started" }</dt><dd>{ p.started_on.format("%-d %B %Y").to_string() }</dd></div>
                <div class="summary-list__row"><dt>{ "Reach" }</dt><dd>{ reach(p.projects.len(), organisations.len()) }</dd></div>
            </dl>
            if p.may_manage {
                <Manage programme={p.clone()} />
            }
            <section aria-labelledby="programme-projects">
                <h2 id="programme-projects">{ "Projects" }</h2>
                { projects(p) }
            </section>
            <section aria-labelledby="programme-measures">
                <h2 id="programme-measures">{ "Programme measures" }</h2>
                <p class="hint">{ "Each pools its projects' like measures into the system's figure, period by period: a percentage or a rate from their numerators and denominators, a count by adding up the periods every site reported." }</p>
                if p.measures.is_empty() {
                    <p class="empty">{ if p.may_manage {
                        "No measures yet. Add one to chart the system's figure from its projects' measures."
                    } else {
                        "No measures yet."
                    } }</p>
                }
                { for p.measures.iter().map(|m| html! {
                    <MeasureItem key={m.id} programme={p.clone()} measure={m.clone()} onchanged={props.onchanged.clone()} />
                }) }
                if p.may_manage {
                    <button type="button" class="button button--secondary" aria-expanded={adding.to_string()} onclick={toggle}>
                        { if *adding { "Close the new measure" } else { "Add a measure" } }
                    </button>
                    if *adding {
                        <MeasureForm programme={p.clone()} measure={None::<ProgrammeMeasure>} {onsaved} />
                    }
                }
            </section>
        </>
    }
}

fn reach(projects: usize, organisations: usize) -> String {
    match (projects, organisations) {
        (0, _) => "No projects you can see yet".to_owned(),
        (1, _) => "1 project".to_owned(),
        (n, 1) => format!("{n} projects in 1 organisation"),
        (n, o) => format!("{n} projects across {o} organisations"),
    }
}

fn projects(p: &Programme) -> Html {
    if p.projects.is_empty() {
        return html! {
            <p class="empty">{ if p.may_manage {
                "No projects yet. Change the programme to add the projects that belong to it."
            } else {
                "No projects you can see yet."
            } }</p>
        };
    }
    html! {
        <div class="table-wrap" tabindex="0" role="group" aria-label="Projects (scroll sideways on a small screen)">
            <table class="table programme-projects">
                <caption class="visually-hidden">{ "The programme's projects with their status, progress score and spread" }</caption>
                <thead><tr>
                    <th scope="col">{ "Project" }</th>
                    <th scope="col">{ "Organisation" }</th>
                    <th scope="col">{ "Status" }</th>
                    <th scope="col">{ "Progress score" }</th>
                    <th scope="col">{ "Spread" }</th>
                </tr></thead>
                <tbody>
                    { for p.projects.iter().map(|x| html! {
                        <tr key={x.id}>
                            <td><Link<Route> to={Route::Project { id: x.id }}>{ &x.title }</Link<Route>></td>
                            <td data-label="Organisation">{ &x.lead_organisation.name }</td>
                            <td data-label="Status">{ project_status_tag(x.status) }</td>
                            <td data-label="Progress score">{ score_text(x.score) }</td>
                            <td data-label="Spread">{ x.spread.label() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ManageProps {
    programme: Programme,
}

/// Change or remove the programme, after a confirmation.
#[function_component(Manage)]
fn manage(props: &ManageProps) -> Html {
    let p = &props.programme;
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let message = use_state(|| None::<String>);
    let navigator = use_navigator();
    let remove = {
        let (busy, message, id, version) = (busy.clone(), message.clone(), p.id, p.version);
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let (busy, message, navigator) = (busy.clone(), message.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete(id, version).await {
                    Ok(()) => {
                        if let Some(n) = navigator {
                            n.push(&Route::Programmes);
                        }
                    }
                    Err(error) if error.is_stale() => message.set(Some(
                        "Someone changed the programme since you opened it: reload the page, check it and try again.".to_owned(),
                    )),
                    Err(error) => message.set(Some(error.message())),
                }
                busy.set(false);
            });
        })
    };
    let set = |state: &UseStateHandle<bool>, to: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(to))
    };
    html! {
        <div class="programme__manage">
            if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
            if *confirming {
                <div class="confirm" role="alertdialog" aria-labelledby="remove-programme-title">
                    <h2 id="remove-programme-title" class="confirm__title">{ format!("Remove {}?", p.name) }</h2>
                    <p>{ "Its measures go with it. Its projects and their own measures stay as they are." }</p>
                    <div class="button-group">
                        <button type="button" class="button button--warning" onclick={remove} disabled={*busy}>{ "Yes, remove it" }</button>
                        <button type="button" class="button button--secondary" onclick={set(&confirming, false)}>{ "Cancel" }</button>
                    </div>
                </div>
            } else {
                <div class="button-group">
                    <Link<Route> to={Route::EditProgramme { id: p.id }} classes="button button--secondary">{ "Change the programme" }</Link<Route>>
                    <button type="button" class="button button--secondary" onclick={set(&confirming, true)}>{ "Remove the programme" }</button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct MeasureProps {
    programme: Programme,
    measure: ProgrammeMeasure,
    onchanged: Callback<()>,
}

/// One programme measure: its chart, the measures it pools, and for its managers, change and
/// remove.
#[function_component(MeasureItem)]
fn measure_item(props: &MeasureProps) -> Html {
    let m = &props.measure;
    let editing = use_state(|| false);
    let confirming = use_state(|| false);
    let message = use_state(|| None::<String>);
    let onsaved = {
        let (editing, onchanged) = (editing.clone(), props.onchanged.clone());
        Callback::from(move |()| {
            editing.set(false);
            onchanged.emit(());
        })
    };
    let remove = {
        let (message, onchanged, id, measure_id) = (
            message.clone(),
            props.onchanged.clone(),
            props.programme.id,
            m.id,
        );
        Callback::from(move |_: MouseEvent| {
            let (message, onchanged) = (message.clone(), onchanged.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_measure(id, measure_id).await {
                    Ok(()) => onchanged.emit(()),
                    Err(error) => message.set(Some(error.message())),
                }
            });
        })
    };
    let set = |state: &UseStateHandle<bool>, to: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(to))
    };
    let title_id = format!("programme-measure-{}", m.id);
    let points: Vec<(chrono::NaiveDate, Option<f64>)> =
        m.points.iter().map(|p| (p.date, Some(p.value))).collect();
    let pooled = match m.sources.len() {
        0 => "It pools no measure you can see yet.".to_owned(),
        1 => "Pooled from 1 project's measure:".to_owned(),
        n => format!("Pooled from {n} projects' measures:"),
    };
    html! {
        <section class="programme-measure" aria-labelledby={title_id.clone()}>
            <h3 id={title_id}>{ &m.name }</h3>
            if !m.definition.is_empty() { <p>{ &m.definition }</p> }
            <p class="hint">{ format!("{} · {} · {}", unit_text(m), m.frequency.label(), m.improvement_direction.label()) }</p>
            <p>{ pooled }</p>
            if !m.sources.is_empty() {
                <ul class="programme-measure__sources">
                    { for m.sources.iter().map(|s| html! {
                        <li key={s.measure_id}>
                            <Link<Route> to={Route::Measure { id: s.project_id, measure_id: s.measure_id }}>{ &s.name }</Link<Route>>
                            { format!(" in {} ({})", s.project_title, s.organisation.name) }
                        </li>
                    }) }
                </ul>
            }
            if m.left_out > 0 {
                <p class="hint">{ match m.left_out {
                    1 => "1 period is left out: not every site reported in it, so its total would not compare.".to_owned(),
                    n => format!("{n} periods are left out: not every site reported in them, so their totals would not compare."),
                } }</p>
            }
            <SpcChart title={m.name.clone()} unit_label={unit_label(m.unit, m.rate_per)}
                direction={m.improvement_direction} target={m.target} {points}
                annotations={Vec::new()} prefix={format!("pm-{}-", m.id)} />
            if props.programme.may_manage {
                if let Some(text) = &*message { <p class="error-message" role="alert">{ text }</p> }
                if *editing {
                    <MeasureForm programme={props.programme.clone()} measure={Some(m.clone())} {onsaved} />
                    <button type="button" class="button button--secondary" onclick={set(&editing, false)}>{ "Cancel the change" }</button>
                } else if *confirming {
                    <div class="confirm" role="alertdialog" aria-labelledby={format!("remove-pm-{}", m.id)}>
                        <h4 id={format!("remove-pm-{}", m.id)} class="confirm__title">{ format!("Remove the measure {}?", m.name) }</h4>
                        <p>{ "The projects' own measures and their data stay." }</p>
                        <div class="button-group">
                            <button type="button" class="button button--warning" onclick={remove}>{ "Yes, remove it" }</button>
                            <button type="button" class="button button--secondary" onclick={set(&confirming, false)}>{ "Cancel" }</button>
                        </div>
                    </div>
                } else {
                    <div class="button-group">
                        <button type="button" class="button button--secondary button--small" onclick={set(&editing, true)}>
                            { "Change" }<span class="visually-hidden">{ format!(" the measure {}", m.name) }</span>
                        </button>
                        <button type="button" class="button button--secondary button--small" onclick={set(&confirming, true)}>
                            { "Remove" }<span class="visually-hidden">{ format!(" the measure {}", m.name) }</span>
                        </button>
                    </div>
                }
            }
        </section>
    }
}

fn unit_text(m: &ProgrammeMeasure) -> String {
    match m.unit {
        Unit::Rate => format!("Rate per {}", m.rate_per.unwrap_or(1)),
        Unit::Percentage => "Percentage".to_owned(),
        _ => "Count".to_owned(),
    }
}
