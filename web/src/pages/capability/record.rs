//! A person's capability record: their own (with downloads), or anyone's for the admins who may
//! see it (with the override form).

use qi_shared::uk_time;
use qi_shared::{
    FieldError,
    capability::coaching::CoachingSession,
    capability::{PersonRecord, PersonTier, Tier, TierOverrideInput, long_date, tier_label},
};
use yew::prelude::*;

use crate::{
    api::capability as api,
    components::{
        form::{ErrorSummary, SelectField, Submit, TextArea, error_for},
        save_file::{Fetch, SaveFile},
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load},
    session::use_session,
};

/// The signed-in person's own record.
#[function_component(MyRecord)]
pub fn my_record() -> Html {
    let session = use_session();
    let Some(me) = session.person() else {
        return html! { <Loading /> };
    };
    html! {
        <>
            <h1>{ "My capability record" }</h1>
            <p class="actions">
                <SaveFile label="Download as JSON" file_name="qi-record.json" mime="application/json" fetch={record_file("json")} />
                <SaveFile label="Download as CSV" file_name="qi-record.csv" mime="text/csv" fetch={record_file("csv")} />
            </p>
            <RecordView person_id={me.id} editable={false} />
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct PersonProps {
    pub id: i64,
}

/// A person's record, for their organisation's admins and partnership admins.
#[function_component(PersonRecordPage)]
pub fn person_record_page(props: &PersonProps) -> Html {
    let session = use_session();
    let me = session.person().map(|p| p.id);
    html! {
        <>
            <h1>{ "Capability record" }</h1>
            <RecordView person_id={props.id} editable={me != Some(props.id)} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct RecordProps {
    person_id: i64,
    /// Offer the override form (the server still decides).
    editable: bool,
}

#[function_component(RecordView)]
fn record_view(props: &RecordProps) -> Html {
    let record = use_load(props.person_id, |id| async move { api::record(id).await });
    let onchanged = {
        let record = record.clone();
        Callback::from(move |tier: PersonTier| {
            if let Load::Loaded(current) = &*record {
                let mut updated = current.clone();
                updated.tier = tier;
                record.set(Load::Loaded(updated));
            }
        })
    };
    match &*record {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(r) => html! {
            <>
                <p class="lead">{ format!("{}, {} ({})", r.name, r.job_role, r.organisation_name) }</p>
                <TierSection tier={r.tier.clone()} />
                if props.editable {
                    <OverrideForm person_id={r.person_id} tier={r.tier.clone()} {onchanged} />
                }
                { history(&r.tier) }
                { training(r) }
                { projects(r) }
                { sessions("Coaching given", "coaching-given", &r.coaching_given, "No coaching sessions given.") }
                { sessions("Coaching received", "coaching-received", &r.coaching_received, "No coaching sessions with their projects' teams.") }
            </>
        },
    }
}

#[derive(Properties, PartialEq)]
struct TierProps {
    tier: PersonTier,
}

#[function_component(TierSection)]
fn tier_section(props: &TierProps) -> Html {
    let t = &props.tier;
    html! {
        <section aria-labelledby="tier-title" id="tier-now">
            <h2 id="tier-title">{ "Tier: " }<span class="tier-label">{ tier_label(t.tier) }</span></h2>
            if let Some(o) = &t.tier_override {
                <div class="notice" id="tier-override">
                    <p><strong>{ format!("Set by hand to {}", o.tier.label()) }</strong>
                        { format!(" by {} on {}", o.set_by_name, long_date(uk_time::day_of(o.set_at))) }</p>
                    <p>{ format!("Reason: {}", o.reason) }</p>
                    <p class="hint">{ format!("Their record alone earns: {}", tier_label(t.derived.tier)) }</p>
                </div>
            }
            <h3>{ "Why" }</h3>
            <ul class="reasons">
                { for t.derived.reasons.iter().map(|r| html! { <li>{ r }</li> }) }
            </ul>
        </section>
    }
}

fn history(t: &PersonTier) -> Html {
    html! {
        <section aria-labelledby="history-title">
            <h2 id="history-title">{ "Tier history" }</h2>
            if t.history.is_empty() {
                <Empty>{ "No tier held yet." }</Empty>
            } else {
                <table class="table">
                    <thead><tr>
                        <th scope="col">{ "Tier" }</th><th scope="col">{ "From" }</th>
                        <th scope="col">{ "Until" }</th><th scope="col">{ "Source" }</th>
                    </tr></thead>
                    <tbody>
                        { for t.history.iter().map(|p| html! {
                            <tr>
                                <td data-label="Tier">{ p.tier.label() }</td>
                                <td data-label="From">{ long_date(uk_time::day_of(p.valid_from)) }</td>
                                <td data-label="Until">{ p.valid_to.map_or("Now".to_owned(), |t| long_date(uk_time::day_of(t))) }</td>
                                <td data-label="Source">{ p.source.label() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

fn training(r: &PersonRecord) -> Html {
    html! {
        <section aria-labelledby="training-title">
            <h2 id="training-title">{ "Training" }</h2>
            if r.training.is_empty() {
                <Empty>{ "No courses yet." }</Empty>
            } else {
                <table class="table">
                    <thead><tr>
                        <th scope="col">{ "Course" }</th><th scope="col">{ "Cohort" }</th>
                        <th scope="col">{ "Status" }</th><th scope="col">{ "Completed" }</th>
                        <th scope="col" class="numeric">{ "Sessions attended" }</th>
                    </tr></thead>
                    <tbody>
                        { for r.training.iter().map(|t| html! {
                            <tr>
                                <td data-label="Course">{ format!("{} ({})", t.course_title, Tier::parse(&t.course_tier).map_or(t.course_tier.as_str(), |x| x.label())) }</td>
                                <td data-label="Cohort">{ &t.cohort_name }</td>
                                <td data-label="Status">{ &t.status }</td>
                                <td data-label="Completed">{ t.completed_on.map(long_date).unwrap_or_default() }</td>
                                <td data-label="Sessions attended" class="numeric">{ t.sessions_attended }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

fn projects(r: &PersonRecord) -> Html {
    html! {
        <section aria-labelledby="projects-title">
            <h2 id="projects-title">{ "Projects" }</h2>
            if r.projects.is_empty() {
                <Empty>{ "Not on any project yet." }</Empty>
            } else {
                <ul>
                    { for r.projects.iter().map(|p| html! {
                        <li>
                            <a href={format!("/projects/{}", p.project_id)}>{ &p.title }</a>
                            { format!(": {}, {}", p.role.label(), p.status.label()) }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

fn sessions(title: &str, id: &str, list: &[CoachingSession], empty: &str) -> Html {
    html! {
        <section aria-labelledby={format!("{id}-title")} id={id.to_owned()}>
            <h2 id={format!("{id}-title")}>{ title }</h2>
            if list.is_empty() {
                <Empty>{ empty.to_owned() }</Empty>
            } else {
                <table class="table">
                    <thead><tr>
                        <th scope="col">{ "Date" }</th><th scope="col">{ "Project" }</th>
                        <th scope="col">{ "Coach" }</th><th scope="col">{ "Length" }</th>
                        <th scope="col">{ "Model" }</th>
                    </tr></thead>
                    <tbody>
                        { for list.iter().map(|s| html! {
                            <tr>
                                <td data-label="Date">{ long_date(s.held_on) }</td>
                                <td data-label="Project">{ &s.project_title }</td>
                                <td data-label="Coach">{ &s.coach_name }</td>
                                <td data-label="Length">{ format!("{} minutes", s.minutes) }</td>
                                <td data-label="Model">{ s.model.label() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OverrideProps {
    person_id: i64,
    tier: PersonTier,
    onchanged: Callback<PersonTier>,
}

/// Set the tier by hand (a reason is required), or clear the override after confirming.
#[function_component(OverrideForm)]
fn override_form(props: &OverrideProps) -> Html {
    let tier = use_state(|| Tier::Live);
    let reason = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    let onsubmit = {
        let (tier, reason, errors, message, busy) = (
            tier.clone(),
            reason.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
        );
        let (id, onchanged) = (props.person_id, props.onchanged.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = TierOverrideInput {
                tier: *tier,
                reason: (*reason).clone(),
            };
            if let Err(found) = input.validate() {
                errors.set(found.0);
                return;
            }
            busy.set(true);
            let (reason, errors, message, busy, onchanged) = (
                reason.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                onchanged.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_override(id, &input).await {
                    Ok(updated) => {
                        errors.set(Vec::new());
                        message.set(None);
                        reason.set(String::new());
                        onchanged.emit(updated);
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
    let clear = {
        let (message, busy, confirming) = (message.clone(), busy.clone(), confirming.clone());
        let (id, onchanged) = (props.person_id, props.onchanged.clone());
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let (message, busy, confirming, onchanged) = (
                message.clone(),
                busy.clone(),
                confirming.clone(),
                onchanged.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = match api::clear_override(id).await {
                    Ok(()) => api::person_tier(id).await,
                    Err(error) => Err(error),
                };
                match result {
                    Ok(updated) => onchanged.emit(updated),
                    Err(error) => message.set(Some(error.message())),
                }
                confirming.set(false);
                busy.set(false);
            });
        })
    };
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let options: Vec<(String, String)> = Tier::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), t.label().to_owned()))
        .collect();
    html! {
        <section aria-labelledby="override-title" class="panel">
            <h2 id="override-title">{ "Set the tier by hand" }</h2>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form onsubmit={onsubmit} novalidate=true id="override-form">
                <SelectField name="tier" label="Tier" options={options} value={tier.as_str()}
                    onchange={{ let tier = tier.clone(); Callback::from(move |v: String| if let Some(t) = Tier::parse(&v) { tier.set(t) }) }}
                    error={error_for(&errors, "tier")} />
                <TextArea name="reason" label="Reason" hint="Why their record does not tell the whole story. Shown with the tier."
                    value={(*reason).clone()} oninput={{ let reason = reason.clone(); Callback::from(move |v| reason.set(v)) }}
                    error={error_for(&errors, "reason")} rows={3} />
                <Submit label="Set tier" busy={*busy} />
            </form>
            if props.tier.tier_override.is_some() {
                if *confirming {
                    <div role="group" aria-label="Clear the override?" class="confirm">
                        <p>{ "Clear the override? Their tier will follow their record again." }</p>
                        <button type="button" class="button button--warning" onclick={clear} disabled={*busy}>{ "Yes, clear it" }</button>
                        <button type="button" class="button button--secondary" onclick={cancel}>{ "Cancel" }</button>
                    </div>
                } else {
                    <button type="button" class="button button--secondary" onclick={ask}>{ "Clear override" }</button>
                }
            }
        </section>
    }
}

/// The signed-in person's record as a file in `format` (`json` or `csv`).
fn record_file(format: &'static str) -> Fetch {
    Callback::from(move |()| Box::pin(api::my_record_file(format)) as _)
}
