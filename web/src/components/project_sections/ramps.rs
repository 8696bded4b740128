//! Change ideas and their PDSA ramps, a section of the project page.

use qi_shared::{improvement::PdsaCycle, project::Project};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{comments::Comments, states::Loading},
    hooks::{Load, use_load},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct RampsProps {
    pub project: Project,
    pub can_edit: bool,
}

fn field(label: &str, text: &str) -> Html {
    if text.is_empty() {
        return html! {};
    }
    html! { <><dt>{ label.to_owned() }</dt><dd>{ text.to_owned() }</dd></> }
}

/// Each change idea that has been tested, with its cycles in order.
#[function_component(Ramps)]
pub fn ramps(props: &RampsProps) -> Html {
    let id = props.project.id;
    let cycles = use_load(id, |id| async move { api::cycles(id).await });
    let body = match &*cycles {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <p>{ error.message() }</p> },
        Load::Loaded(list) if list.is_empty() => {
            html! { <p class="empty">{ "No PDSA cycles recorded yet." }</p> }
        }
        Load::Loaded(list) => {
            // Cycles come grouped by change idea, in diagram order.
            let mut groups: Vec<(String, Vec<&PdsaCycle>)> = Vec::new();
            for cycle in list {
                match groups.last_mut() {
                    Some((idea, cycles)) if *idea == cycle.change_idea => cycles.push(cycle),
                    _ => groups.push((cycle.change_idea.clone(), vec![cycle])),
                }
            }
            html! {
                { for groups.into_iter().map(|(idea, cycles)| html! {
                    <section class="ramp">
                        <h3 class="ramp__title">{ format!("Change idea: {idea}") }</h3>
                        <ol class="ramp__cycles">
                            { for cycles.into_iter().map(|c| html! {
                                <li class="ramp__cycle">
                                    <details class="details">
                                        <summary>
                                            { format!("Cycle {}: {}", c.sequence, c.objective) }
                                            <span class="ramp__stage">
                                                { format!(" – {}", c.stage()) }
                                                { c.act.map(|a| format!(": {}", a.label())).unwrap_or_default() }
                                            </span>
                                        </summary>
                                        <dl class="pdsa">
                                            { field("Plan: questions", &c.questions) }
                                            { field("Plan: predictions", &c.predictions) }
                                            { field("Plan: who, what, when, where", &c.plan) }
                                            { field("Plan: data to collect", &c.data_to_collect) }
                                            { field("Do: what happened", &c.what_happened) }
                                            { field("Do: problems", &c.problems) }
                                            { field("Study: results against predictions", &c.study) }
                                            { field("Act: next step", &c.next_step) }
                                        </dl>
                                        if props.can_edit {
                                            <Link<Route> to={Route::EditCycle { id, cycle_id: c.id }}>{ format!("Edit cycle {}", c.sequence) }</Link<Route>>
                                        }
                                        <CycleComments project_id={id} cycle_id={c.id} sequence={c.sequence} />
                                    </details>
                                </li>
                            }) }
                        </ol>
                    </section>
                }) }
            }
        }
    };
    html! {
        <>
            <h2 id="pdsa">{ "Change ideas and PDSA cycles" }</h2>
            { body }
            if props.can_edit {
                <p><Link<Route> to={Route::NewCycle { id }} classes="button button--secondary">{ "Record a PDSA cycle" }</Link<Route>></p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct CycleCommentsProps {
    project_id: i64,
    cycle_id: i64,
    sequence: i32,
}

/// A cycle's comments, read when asked for: a project has many cycles, and most are read
/// without their comments.
#[function_component(CycleComments)]
fn cycle_comments(props: &CycleCommentsProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <div class="cycle-comments">
            <button type="button" class="link-button" aria-expanded={open.to_string()} onclick={toggle}>
                { if *open { format!("Hide the comments on cycle {}", props.sequence) } else { format!("Comments on cycle {}", props.sequence) } }
            </button>
            if *open {
                <Comments project_id={props.project_id} cycle_id={props.cycle_id} />
            }
        </div>
    }
}
