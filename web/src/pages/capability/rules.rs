//! The partnership's tier rules, edited by partnership admins. Saving works out everyone's tier
//! again.

use qi_shared::{
    FieldError,
    capability::{Tier, TierRules},
    project::{ProjectStatus, TeamRole},
};
use yew::prelude::*;

use crate::{
    api::capability as api,
    components::{
        form::{Checkbox, ErrorSummary, Submit, TextField, error_for},
        states::{ErrorPanel, Forbidden, Loading},
    },
    hooks::{Load, use_load},
    session::use_session,
};

fn toggle<T: PartialEq + Copy>(list: &mut Vec<T>, value: T, on: bool) {
    list.retain(|v| *v != value);
    if on {
        list.push(value);
    }
}

#[function_component(RulesEditor)]
pub fn rules_editor() -> Html {
    let session = use_session();
    let loaded = use_load((), |_| async move { api::rules().await });
    if !session
        .person()
        .is_some_and(|p| p.has_role(qi_shared::person::Role::PartnershipAdmin))
    {
        return html! { <Forbidden /> };
    }
    match &*loaded {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(rules) => html! { <RulesForm rules={rules.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    rules: TierRules,
}

#[function_component(RulesForm)]
fn rules_form(props: &FormProps) -> Html {
    let draft = use_state(|| props.rules.clone());
    let projects = use_state(|| props.rules.live_min_projects.to_string());
    let sessions = use_state(|| props.rules.lead_min_coaching_sessions.to_string());
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let saved = use_state(|| false);
    let busy = use_state(|| false);
    let onsubmit = {
        let (draft, projects, sessions, errors, message, saved, busy) = (
            draft.clone(),
            projects.clone(),
            sessions.clone(),
            errors.clone(),
            message.clone(),
            saved.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut rules = (*draft).clone();
            let mut found = Vec::new();
            match projects.trim().parse() {
                Ok(n) => rules.live_min_projects = n,
                Err(_) => found.push(FieldError::new("live_min_projects", "Enter a whole number")),
            }
            match sessions.trim().parse() {
                Ok(n) => rules.lead_min_coaching_sessions = n,
                Err(_) => found.push(FieldError::new(
                    "lead_min_coaching_sessions",
                    "Enter a whole number",
                )),
            }
            if let Err(more) = rules.validate() {
                found.extend(more.0);
            }
            if !found.is_empty() {
                errors.set(found);
                return;
            }
            busy.set(true);
            saved.set(false);
            let (errors, message, saved, busy, draft) = (
                errors.clone(),
                message.clone(),
                saved.clone(),
                busy.clone(),
                draft.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_rules(&rules).await {
                    Ok(rules) => {
                        errors.set(Vec::new());
                        message.set(None);
                        draft.set(rules);
                        saved.set(true);
                    }
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    let d = &*draft;
    let tier_boxes = |group: &str, list: &[Tier], set: fn(&mut TierRules, Tier, bool)| {
        html! {
            { for Tier::ALL.iter().map(|t| {
                let t = *t;
                let draft = draft.clone();
                html! {
                    <Checkbox id={format!("{group}-{}", t.as_str())} label={format!("{} courses", t.label())}
                        checked={list.contains(&t)}
                        onchange={Callback::from(move |on| { let mut d = (*draft).clone(); set(&mut d, t, on); draft.set(d); })} />
                }
            }) }
        }
    };
    html! {
        <>
            <h1>{ "Tier rules" }</h1>
            <p class="lead">{ "How each person's tier follows from their record. Each tier needs the one below it. Saving works out everyone's tier again; their history keeps what they held before." }</p>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            if *saved {
                <p class="notice" role="status">{ "The rules are saved and everyone's tier is up to date." }</p>
            }
            <form {onsubmit} novalidate=true id="rules-form">
                <fieldset class="fieldset" id="learn_course_tiers">
                    <legend>{ "Learn: a completed course of these tiers" }</legend>
                    if let Some(e) = error_for(&errors, "learn_course_tiers") { <p class="error-message">{ e }</p> }
                    { tier_boxes("learn", &d.learn_course_tiers, |r, t, on| toggle(&mut r.learn_course_tiers, t, on)) }
                </fieldset>
                <fieldset class="fieldset" id="live_project_statuses">
                    <legend>{ "Live: membership of projects that have had these statuses" }</legend>
                    if let Some(e) = error_for(&errors, "live_project_statuses") { <p class="error-message">{ e }</p> }
                    { for ProjectStatus::ALL.iter().map(|s| {
                        let s = *s;
                        let draft = draft.clone();
                        html! {
                            <Checkbox id={format!("status-{}", s.as_str())} label={s.label()}
                                checked={d.live_project_statuses.contains(&s)}
                                onchange={Callback::from(move |on| { let mut d = (*draft).clone(); toggle(&mut d.live_project_statuses, s, on); draft.set(d); })} />
                        }
                    }) }
                </fieldset>
                <fieldset class="fieldset" id="live_team_roles">
                    <legend>{ "Live: in these team roles" }</legend>
                    if let Some(e) = error_for(&errors, "live_team_roles") { <p class="error-message">{ e }</p> }
                    { for TeamRole::ALL.iter().map(|role| {
                        let role = *role;
                        let draft = draft.clone();
                        html! {
                            <Checkbox id={format!("role-{}", role.as_str())} label={role.label()}
                                checked={d.live_team_roles.contains(&role)}
                                onchange={Callback::from(move |on| { let mut d = (*draft).clone(); toggle(&mut d.live_team_roles, role, on); draft.set(d); })} />
                        }
                    }) }
                </fieldset>
                <TextField name="live_min_projects" label="Live: at least this many projects" input_type="number" width="4"
                    value={(*projects).clone()} oninput={{ let projects = projects.clone(); Callback::from(move |v| projects.set(v)) }}
                    error={error_for(&errors, "live_min_projects")} />
                <fieldset class="fieldset" id="lead_course_tiers">
                    <legend>{ "Lead: a completed course of these tiers (or the coaching below)" }</legend>
                    { tier_boxes("lead", &d.lead_course_tiers, |r, t, on| toggle(&mut r.lead_course_tiers, t, on)) }
                </fieldset>
                <TextField name="lead_min_coaching_sessions" label="Lead: or at least this many coaching sessions given" input_type="number" width="4"
                    value={(*sessions).clone()} oninput={{ let sessions = sessions.clone(); Callback::from(move |v| sessions.set(v)) }}
                    error={error_for(&errors, "lead_min_coaching_sessions")} />
                <Submit label="Save the rules" busy={*busy} />
            </form>
        </>
    }
}
