//! Start a project, or edit one. When someone else saved the project while this form was open,
//! nothing is overwritten: the form shows what they changed, keeps what was typed, and a second
//! save (now against their version) is a deliberate choice.

use qi_shared::{
    FieldError,
    person::DirectoryEntry,
    project::{
        Involvement, Project, ProjectInput, ProjectStatus, ProjectType, QualityDimension,
        Sustainability, TeamMemberInput, TeamRole, Visibility,
    },
    search::ProjectDraft,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::{
        form::{Checkbox, ErrorSummary, SelectField, TextArea, TextField, error_for, options},
        project_sections::DoneBefore,
        states::{ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options},
    route::Route,
    session::use_session,
};

/// A team member with the name to show.
#[derive(Clone, PartialEq)]
struct Member {
    person_id: i64,
    name: String,
    role: TeamRole,
    /// Invited, not yet on the team (of another organisation, waiting for their answer).
    invited: bool,
}

/// A change to the draft team from a button.
type TeamChange = dyn Fn(&mut Vec<Member>);

#[derive(Clone, PartialEq)]
struct Draft {
    input: ProjectInput,
    tags: String,
    team: Vec<Member>,
    co2e: String,
    money: String,
}

fn draft_of(p: &Project) -> Draft {
    Draft {
        // The team is the draft's own list below.
        input: ProjectInput {
            team: Vec::new(),
            ..p.input()
        },
        tags: p.tags.join(", "),
        // The invited stay in the team a save asks for; leaving one out withdraws the invitation.
        team: p
            .team
            .iter()
            .map(|m| (m, false))
            .chain(p.invited.iter().map(|m| (m, true)))
            .map(|(m, invited)| Member {
                person_id: m.person_id,
                name: m.name.clone(),
                role: m.role,
                invited,
            })
            .collect(),
        co2e: p
            .sustainability
            .co2e_kg_per_year
            .map(|v| v.to_string())
            .unwrap_or_default(),
        money: p
            .sustainability
            .money_per_year
            .map(|v| v.to_string())
            .unwrap_or_default(),
    }
}

fn new_draft(organisation_id: i64, me: Member) -> Draft {
    Draft {
        input: ProjectInput {
            title: String::new(),
            problem: String::new(),
            aim: String::new(),
            lead_organisation_id: organisation_id,
            partner_organisation_ids: Vec::new(),
            team: Vec::new(),
            tags: Vec::new(),
            start_date: None,
            expected_end_date: None,
            status: ProjectStatus::Proposed,
            project_type: ProjectType::QiProject,
            quality_dimensions: Vec::new(),
            involvement: Involvement::default(),
            sustainability: Sustainability::default(),
            visibility: Visibility::Partnership,
        },
        tags: String::new(),
        team: vec![me],
        co2e: String::new(),
        money: String::new(),
    }
}

/// The input to send, and the problems the form itself can see.
fn to_input(d: &Draft) -> (ProjectInput, Vec<FieldError>) {
    let mut problems = Vec::new();
    let mut number = |field: &str, raw: &str| -> Option<f64> {
        if raw.trim().is_empty() {
            return None;
        }
        match raw.trim().replace(',', "").parse::<f64>() {
            Ok(v) => Some(v),
            Err(_) => {
                problems.push(FieldError::new(field, "Enter a number, like 1200"));
                None
            }
        }
    };
    let co2e = number("sustainability.co2e_kg_per_year", &d.co2e);
    let money = number("sustainability.money_per_year", &d.money);
    let input = ProjectInput {
        tags: d
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        team: d
            .team
            .iter()
            .map(|m| TeamMemberInput {
                person_id: m.person_id,
                role: m.role,
            })
            .collect(),
        sustainability: Sustainability {
            co2e_kg_per_year: co2e,
            money_per_year: money,
            ..d.input.sustainability.clone()
        },
        ..d.input.clone()
    };
    (input, problems)
}

/// What differs between the project as this form loaded it and as it is now.
fn changes(before: &Project, now: &Project) -> Vec<String> {
    let mut list = Vec::new();
    let mut check = |label: &str, a: String, b: String| {
        if a != b {
            list.push(format!("{label}: now “{b}” (you loaded “{a}”)"));
        }
    };
    check("Title", before.title.clone(), now.title.clone());
    check("Aim", before.aim.clone(), now.aim.clone());
    check("Problem", before.problem.clone(), now.problem.clone());
    check(
        "Status",
        before.status.label().to_owned(),
        now.status.label().to_owned(),
    );
    check(
        "Who can see it",
        before.visibility.label().to_owned(),
        now.visibility.label().to_owned(),
    );
    check("Themes", before.tags.join(", "), now.tags.join(", "));
    check(
        "Type of work",
        before.project_type.label().to_owned(),
        now.project_type.label().to_owned(),
    );
    let dimensions = |p: &Project| {
        p.quality_dimensions
            .iter()
            .map(|d| d.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    check("Quality dimensions", dimensions(before), dimensions(now));
    let team = |p: &Project| {
        p.team
            .iter()
            .map(|m| format!("{} ({})", m.name, m.role.label()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    check("Team", team(before), team(now));
    let partners = |p: &Project| {
        p.partner_organisations
            .iter()
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    check("Partner organisations", partners(before), partners(now));
    if list.is_empty() {
        list.push("Its driver diagram or progress score changed.".to_owned());
    }
    list
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `None` to start a new project.
    pub id: Option<i64>,
}

#[function_component(ProjectForm)]
pub fn project_form(props: &Props) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let existing = use_load(props.id, |id| async move {
        match id {
            Some(id) => api::project(id).await.map(Some),
            None => Ok(None),
        }
    });
    let draft = use_state(|| None::<Draft>);
    // The project as last loaded: its version is what a save must match.
    let base = use_state(|| None::<Project>);
    let conflict = use_state(Vec::<String>::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let search = use_state(String::new);
    let found = use_state(Vec::<DirectoryEntry>::new);
    let organisations = use_organisation_options(None, true);
    let Some(me) = session.person().cloned() else {
        return html! {};
    };

    let current = match (&*draft, &*existing) {
        (Some(d), _) => d.clone(),
        (None, Load::Loading) => return html! { <Loading /> },
        (None, Load::Failed(error)) => return html! { <ErrorPanel error={error.clone()} /> },
        (None, Load::Loaded(Some(p))) => {
            let d = draft_of(p);
            draft.set(Some(d.clone()));
            base.set(Some(p.clone()));
            d
        }
        (None, Load::Loaded(None)) => {
            let d = new_draft(
                me.organisation_id,
                Member {
                    person_id: me.id,
                    name: me.name.clone(),
                    role: TeamRole::Lead,
                    invited: false,
                },
            );
            draft.set(Some(d.clone()));
            d
        }
    };
    let title = if props.id.is_some() {
        "Edit project"
    } else {
        "Start a project"
    };
    crate::browser::set_title(title);
    let partnership_admin = session.actor().is_some_and(|a| a.is_partnership_admin());
    // The team, roles, visibility and organisations are its managers' to change (a new project
    // is its starter's).
    let manages = match (&*base, session.actor()) {
        (Some(loaded), Some(actor)) => actor.can_manage_project(&loaded.access_context()),
        (None, _) => true,
        (Some(_), None) => false,
    };

    let update = |apply: fn(&mut Draft, String)| {
        let (draft, current) = (draft.clone(), current.clone());
        Callback::from(move |value: String| {
            let mut next = current.clone();
            apply(&mut next, value);
            draft.set(Some(next));
        })
    };
    let toggle = |apply: fn(&mut Draft, bool)| {
        let (draft, current) = (draft.clone(), current.clone());
        Callback::from(move |on: bool| {
            let mut next = current.clone();
            apply(&mut next, on);
            draft.set(Some(next));
        })
    };
    let toggle_dimension = |dimension: QualityDimension| {
        let (draft, current) = (draft.clone(), current.clone());
        Callback::from(move |on: bool| {
            let mut next = current.clone();
            let named = &mut next.input.quality_dimensions;
            named.retain(|d| *d != dimension);
            if on {
                named.push(dimension);
                named.sort_unstable();
            }
            draft.set(Some(next));
        })
    };
    let change_team = |apply: Box<TeamChange>| {
        let (draft, current) = (draft.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = current.clone();
            apply(&mut next.team);
            draft.set(Some(next));
        })
    };

    let onsubmit = {
        let (current, base, conflict, errors, message, busy, navigator, id) = (
            current.clone(),
            base.clone(),
            conflict.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            navigator.clone(),
            props.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let (input, mut problems) = to_input(&current);
            if let Err(found) = input.validate() {
                problems.extend(found.0);
            }
            errors.set(problems.clone());
            if !problems.is_empty() {
                return;
            }
            busy.set(true);
            let (base, conflict, errors, message, busy, navigator) = (
                base.clone(),
                conflict.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                navigator.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match (id, (*base).clone()) {
                    (Some(id), Some(loaded)) => {
                        api::replace_project(id, loaded.version, &input).await
                    }
                    _ => api::create_project(&input).await,
                };
                match saved {
                    Ok(project) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Project { id: project.id });
                        }
                    }
                    Err(error) if error.is_stale() => {
                        // Show what they changed; the next save is made against their version.
                        if let (Some(id), Some(loaded)) = (id, (*base).clone())
                            && let Ok(latest) = api::project(id).await
                        {
                            conflict.set(changes(&loaded, &latest));
                            base.set(Some(latest));
                        }
                        busy.set(false);
                    }
                    Err(error) => {
                        errors.set(error.fields());
                        if error.fields().is_empty() {
                            message.set(Some(error.message()));
                        }
                        busy.set(false);
                    }
                }
            });
        })
    };
    let find_people = {
        let (search, found) = (search.clone(), found.clone());
        Callback::from(move |_: MouseEvent| {
            let (q, found) = ((*search).clone(), found.clone());
            wasm_bindgen_futures::spawn_local(async move {
                found.set(api::directory(&q).await.unwrap_or_default());
            });
        })
    };
    let d = &current;
    let i = &d.input;
    let org_name = |id: i64| {
        organisations
            .iter()
            .find(|(v, _)| *v == id.to_string())
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let role_options = options(None, TeamRole::ALL.iter().map(|r| (r.as_str(), r.label())));
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();

    html! {
        <div class="narrow">
            <p>{ match props.id {
                Some(id) => html! { <Link<Route> to={Route::Project { id }} classes="back-link">{ "Back to the project" }</Link<Route>> },
                None => html! { <Link<Route> to={Route::Projects} classes="back-link">{ "Back to projects" }</Link<Route>> },
            } }</p>
            <h1>{ title }</h1>
            if !conflict.is_empty() {
                <div class="warning-callout" role="alert">
                    <h2 class="warning-callout__title">{ "Someone else changed this project while you were editing" }</h2>
                    <p>{ "Nothing was overwritten. Their changes:" }</p>
                    <ul>{ for conflict.iter().map(|c| html! { <li>{ c }</li> }) }</ul>
                    <p>{ "Your changes are still in the form. Check them against theirs, then save again to replace their version with yours." }</p>
                </div>
            }
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true>
                <TextField name="title" label="Title" value={i.title.clone()} oninput={update(|d, v| d.input.title = v)} error={error_for(&errors, "title")} />
                <TextArea name="problem" label="Problem" hint="What is the problem, and why does it matter?" value={i.problem.clone()}
                    oninput={update(|d, v| d.input.problem = v)} error={error_for(&errors, "problem")} />
                <TextArea name="aim" label="Aim statement" hint="What are we trying to accomplish? Specific, measurable and time-bound: reduce falls on ward 7 by 30% by March."
                    value={i.aim.clone()} oninput={update(|d, v| d.input.aim = v)} error={error_for(&errors, "aim")} rows={3} />
                if props.id.is_none() {
                    <DoneBefore draft={ProjectDraft { title: i.title.clone(), problem: i.problem.clone(), aim: i.aim.clone(), tags: Vec::new() }} />
                }
                if !manages {
                    <div class="inset-text">
                        <p><strong>{ "Lead organisation: " }</strong>{ org_name(i.lead_organisation_id) }</p>
                        <p><strong>{ "Partner organisations: " }</strong>{ if i.partner_organisation_ids.is_empty() { "none".to_owned() } else { i.partner_organisation_ids.iter().map(|o| org_name(*o)).collect::<Vec<_>>().join(", ") } }</p>
                        <p><strong>{ "Team: " }</strong>{ d.team.iter().map(|m| format!("{} ({}{})", m.name, m.role.label().to_lowercase(), if m.invited { ", invited" } else { "" })).collect::<Vec<_>>().join(", ") }</p>
                        <p><strong>{ "Who can see it: " }</strong>{ i.visibility.label() }</p>
                        <p class="hint">{ "Only the project's lead, its lead organisation's admins and partnership admins change its team, organisations and who can see it." }</p>
                    </div>
                } else if partnership_admin || props.id.is_some() {
                    <SelectField name="lead_organisation_id" label="Lead organisation" options={organisations.clone()} value={i.lead_organisation_id.to_string()}
                        onchange={update(|d, v| d.input.lead_organisation_id = v.parse().unwrap_or_default())} error={error_for(&errors, "lead_organisation_id")} />
                } else {
                    <p><strong>{ "Lead organisation: " }</strong>{ org_name(i.lead_organisation_id) }</p>
                }
                if manages {
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Partner organisations" }</legend>
                    <div class="hint">{ "For a joint project, choose the other organisations running it." }</div>
                    if !i.partner_organisation_ids.is_empty() {
                        <ul class="chosen">
                            { for i.partner_organisation_ids.iter().map(|id| {
                                let id = *id;
                                let (draft, current) = (draft.clone(), current.clone());
                                let remove = Callback::from(move |_: MouseEvent| {
                                    let mut next = current.clone();
                                    next.input.partner_organisation_ids.retain(|o| *o != id);
                                    draft.set(Some(next));
                                });
                                html! { <li>{ org_name(id) }{ " " }<button type="button" class="link-button" onclick={remove}>{ format!("Remove {}", org_name(id)) }</button></li> }
                            }) }
                        </ul>
                    }
                    <SelectField name="add_partner" label="Add a partner organisation"
                        options={std::iter::once((String::new(), "Choose an organisation".to_owned())).chain(organisations.iter().filter(|(v, _)| *v != i.lead_organisation_id.to_string()).cloned()).collect::<Vec<_>>()}
                        value="" onchange={update(|d, v| if let Ok(id) = v.parse::<i64>() && !d.input.partner_organisation_ids.contains(&id) { d.input.partner_organisation_ids.push(id) })}
                        error={error_for(&errors, "partner_organisation_ids[0]")} />
                </fieldset>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Team" }</legend>
                    if let Some(error) = error_for(&errors, "team") {
                        <p class="error-message" id="team-error"><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                    }
                    <ul class="team-editor">
                        { for d.team.iter().enumerate().map(|(n, m)| {
                            let (draft, current) = (draft.clone(), current.clone());
                            let set_role = Callback::from(move |v: String| {
                                let mut next = current.clone();
                                if let (Some(member), Some(role)) = (next.team.get_mut(n), TeamRole::parse(&v)) { member.role = role; }
                                draft.set(Some(next));
                            });
                            html! {
                                <li class="team-editor__member">
                                    <SelectField name={format!("team[{n}].role")} label={format!("Role of {}", m.name)} options={role_options.clone()} value={m.role.as_str()} onchange={set_role}
                                        error={error_for(&errors, &format!("team[{n}].role"))} />
                                    if m.invited {
                                        <span class="tag">{ "Invited: waiting for their answer" }</span>
                                    }
                                    <button type="button" class="link-button" onclick={change_team(Box::new(move |t| { t.remove(n); }))}>{ format!("Remove {}", m.name) }</button>
                                </li>
                            }
                        }) }
                    </ul>
                    <div class="form-group">
                        <label class="label" for="person-search">{ "Add a team member" }</label>
                        <div class="hint" id="person-search-hint">{ "Type part of their name. People of your organisation join at once; people of other organisations are invited, and join when they or their organisation's admin accept." }</div>
                        <div class="tree-node__row">
                            <input class="input" id="person-search" aria-describedby="person-search-hint" value={(*search).clone()}
                                oninput={let search = search.clone(); Callback::from(move |e: InputEvent| if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() { search.set(input.value()) })} />
                            <button type="button" class="button button--secondary button--small" onclick={find_people}>{ "Find people" }</button>
                        </div>
                    </div>
                    if !found.is_empty() {
                        <ul class="search-results" aria-live="polite">
                            { for found.iter().filter(|p| !d.team.iter().any(|m| m.person_id == p.id)).map(|p| {
                                let member = Member { person_id: p.id, name: p.name.clone(), role: if p.coach { TeamRole::Coach } else { TeamRole::Member }, invited: false };
                                let (found, draft, current) = (found.clone(), draft.clone(), current.clone());
                                let add = Callback::from(move |_: MouseEvent| {
                                    let mut next = current.clone();
                                    next.team.push(member.clone());
                                    draft.set(Some(next));
                                    found.set(Vec::new());
                                });
                                html! {
                                    <li>{ format!("{}, {} ({})", p.name, p.job_role, p.organisation_name) }{ " " }
                                        <button type="button" class="link-button" onclick={add}>{ format!("Add {}", p.name) }</button></li>
                                }
                            }) }
                        </ul>
                    }
                </fieldset>
                }
                <TextField name="tags" label="Themes" hint="Clinical areas and themes, separated by commas: falls, older people" value={d.tags.clone()}
                    oninput={update(|d, v| d.tags = v)} error={error_for(&errors, "tags").or_else(|| errors.iter().find(|e| e.field.starts_with("tags[")).map(|e| e.message.clone()))} />
                <TextField name="start_date" label="Start date" input_type="date" width="10" value={date(i.start_date)}
                    oninput={update(|d, v| d.input.start_date = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())} error={error_for(&errors, "start_date")} />
                <TextField name="expected_end_date" label="Expected end date" input_type="date" width="10" value={date(i.expected_end_date)}
                    oninput={update(|d, v| d.input.expected_end_date = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())} error={error_for(&errors, "expected_end_date")} />
                <SelectField name="status" label="Status" options={options(None, ProjectStatus::ALL.iter().map(|s| (s.as_str(), s.label())))} value={i.status.as_str()}
                    onchange={update(|d, v| if let Some(s) = ProjectStatus::parse(&v) { d.input.status = s })} />
                <SelectField name="project_type" label="Type of work" options={options(None, ProjectType::ALL.iter().map(|t| (t.as_str(), t.label())))} value={i.project_type.as_str()}
                    hint="A QI project tests changes in PDSA cycles; a clinical audit measures practice against a standard; a service evaluation judges how a service works."
                    onchange={update(|d, v| if let Some(t) = ProjectType::parse(&v) { d.input.project_type = t })} />
                <fieldset class="fieldset" aria-describedby="quality_dimensions-hint">
                    <legend class="fieldset__legend">{ "Quality dimensions" }</legend>
                    <div class="hint" id="quality_dimensions-hint">{ "Which parts of quality does the project serve? Choose all that apply." }</div>
                    if let Some(message) = errors.iter().find(|e| e.field.starts_with("quality_dimensions")).map(|e| e.message.clone()) {
                        <p class="error-message" id="quality_dimensions-error"><span class="visually-hidden">{ "Error: " }</span>{ message }</p>
                    }
                    { for QualityDimension::ALL.iter().map(|dimension| html! {
                        <Checkbox id={format!("quality_dimensions-{}", dimension.as_str())} label={dimension.label()} hint={AttrValue::from(dimension.hint())}
                            checked={i.quality_dimensions.contains(dimension)} onchange={toggle_dimension(*dimension)} />
                    }) }
                </fieldset>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Patient and public involvement" }</legend>
                    <Checkbox id="involvement-involved" label="Patients or the public are involved" checked={i.involvement.involved} onchange={toggle(|d, on| d.input.involvement.involved = on)} />
                    if i.involvement.involved {
                        <TextArea name="involvement.how" label="How are they involved?" value={i.involvement.how.clone()} oninput={update(|d, v| d.input.involvement.how = v)} error={error_for(&errors, "involvement.how")} rows={2} />
                    }
                </fieldset>
                <fieldset class="fieldset">
                    <legend class="fieldset__legend">{ "Sustainability" }</legend>
                    <Checkbox id="sustainability-has_aspect" label="The project has an environmental or financial sustainability aspect" checked={i.sustainability.has_aspect}
                        onchange={toggle(|d, on| d.input.sustainability.has_aspect = on)} />
                    if i.sustainability.has_aspect {
                        <TextArea name="sustainability.description" label="Describe it" value={i.sustainability.description.clone()}
                            oninput={update(|d, v| d.input.sustainability.description = v)} error={error_for(&errors, "sustainability.description")} rows={2} />
                        <TextField name="sustainability.co2e_kg_per_year" label="Estimated CO2e saved a year, in kg" width="10" value={d.co2e.clone()}
                            oninput={update(|d, v| d.co2e = v)} error={error_for(&errors, "sustainability.co2e_kg_per_year")} />
                        <TextField name="sustainability.money_per_year" label="Estimated money saved a year, in pounds" width="10" value={d.money.clone()}
                            oninput={update(|d, v| d.money = v)} error={error_for(&errors, "sustainability.money_per_year")} />
                    }
                </fieldset>
                if manages {
                    <SelectField name="visibility" label="Who can see it" options={options(None, Visibility::ALL.iter().map(|s| (s.as_str(), s.label())))}
                        value={i.visibility.as_str()} onchange={update(|d, v| if let Some(s) = Visibility::parse(&v) { d.input.visibility = s })} />
                }
                <button type="submit" class="button" disabled={*busy}>{ "Save project" }</button>
            </form>
        </div>
    }
}
