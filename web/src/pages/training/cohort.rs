//! A cohort: its details and sessions, places per organisation, enrolment (yours, or someone
//! else's as an admin), the waiting list in order, and, for facilitators, the register of each
//! session, the CSV sign-in import and who has completed.

use qi_shared::uk_time;
use std::collections::HashSet;

use qi_shared::{
    FieldError,
    person::{DirectoryEntry, Role},
    training::{
        Cohort, Enrolment, EnrolmentStatus, Mark, RegisterInput, Session, SessionRegister,
        dates_text, day_text,
    },
};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError},
    components::{
        csv_upload::CsvUpload,
        form::{ErrorSummary, TextArea, TextField, error_for},
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_reload},
    route::TrainingRoute,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    cohort: Cohort,
    enrolments: Vec<Enrolment>,
    registers: Vec<SessionRegister>,
}

fn status_text(e: &Enrolment) -> String {
    match (e.status, e.waiting_position, e.completed_on) {
        (EnrolmentStatus::Waitlisted, Some(p), _) => format!("On the waiting list (number {p})"),
        (EnrolmentStatus::Completed, _, Some(on)) => format!("Completed on {}", day_text(on)),
        (status, _, _) => status.label().to_owned(),
    }
}

async fn load(id: i64) -> Result<Loaded, ApiError> {
    let cohort = api::training::cohort(id).await?;
    let enrolments = api::training::enrolments(id).await?;
    let registers = if cohort.can_record_attendance {
        api::training::registers(id).await?
    } else {
        Vec::new()
    };
    Ok(Loaded {
        cohort,
        enrolments,
        registers,
    })
}

#[function_component(CohortPage)]
pub fn cohort_page(props: &Props) -> Html {
    let session = use_session();
    // Loaded by hand rather than with `use_load`, so a refresh after a change keeps the page (and
    // the messages in it) on screen instead of going back to "Loading".
    let (loaded, refresh) = use_reload(props.id, load);
    let notice = use_state(|| None::<String>);
    let confirming = use_state(|| None::<i64>);
    let releasing = use_state(|| false);
    let Load::Loaded(data) = &*loaded else {
        return match &*loaded {
            Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
            _ => html! { <Loading /> },
        };
    };
    let c = &data.cohort;
    let s = &c.summary;
    crate::browser::set_title(&format!("{}: {}", s.course_title, s.name));
    let actor = session.actor();
    let enrols_others = c.can_manage
        || actor
            .as_ref()
            .is_some_and(|a| a.has(Role::OrganisationAdmin));

    // Withdrawing needs a second click: "Yes, withdraw".
    let withdraw = |enrolment_id: i64| {
        let (confirming, notice, refresh) = (confirming.clone(), notice.clone(), refresh.clone());
        Callback::from(move |_: MouseEvent| {
            if *confirming != Some(enrolment_id) {
                confirming.set(Some(enrolment_id));
                return;
            }
            let (confirming, notice, refresh) =
                (confirming.clone(), notice.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::training::withdraw(enrolment_id).await {
                    Ok(_) => notice.set(Some(
                        "Withdrawn: the place has gone to the next person waiting, if any."
                            .to_owned(),
                    )),
                    Err(e) => notice.set(Some(e.message())),
                }
                confirming.set(None);
                refresh.emit(());
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(None))
    };
    let withdraw_button = |e: &Enrolment, label: &str| -> Html {
        if *confirming == Some(e.id) {
            html! { <span role="alert">
                { "Give up this place? Someone waiting may take it. " }
                <button type="button" class="button button--warning button--small" onclick={withdraw(e.id)}>{ "Yes, withdraw" }</button>
                { " " }
                <button type="button" class="button button--secondary button--small" onclick={keep.clone()}>{ "Keep it" }</button>
            </span> }
        } else {
            html! { <button type="button" class="button button--secondary button--small" onclick={withdraw(e.id)}>{ label.to_owned() }</button> }
        }
    };
    let enrol_me = {
        let (notice, refresh, id) = (notice.clone(), refresh.clone(), s.id);
        Callback::from(move |_: MouseEvent| {
            let (notice, refresh) = (notice.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::training::enrol(id, None).await {
                    Ok(e) => notice.set(Some(status_text(&e))),
                    Err(e) => notice.set(Some(e.message())),
                }
                refresh.emit(());
            });
        })
    };
    let release = {
        let (releasing, notice, refresh, id) =
            (releasing.clone(), notice.clone(), refresh.clone(), s.id);
        Callback::from(move |_: MouseEvent| {
            if !*releasing {
                releasing.set(true);
                return;
            }
            let (releasing, notice, refresh) = (releasing.clone(), notice.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::training::release_places(id).await {
                    Ok(_) => notice.set(Some(
                        "Unused places released: any organisation may now take the places left."
                            .to_owned(),
                    )),
                    Err(e) => notice.set(Some(e.message())),
                }
                releasing.set(false);
                refresh.emit(());
            });
        })
    };

    let mine = c
        .my_enrolment
        .as_ref()
        .filter(|e| e.status != EnrolmentStatus::Withdrawn);
    let holders: Vec<&Enrolment> = data
        .enrolments
        .iter()
        .filter(|e| e.status.holds_place())
        .collect();
    let waiting: Vec<&Enrolment> = data
        .enrolments
        .iter()
        .filter(|e| e.status == EnrolmentStatus::Waitlisted)
        .collect();
    let can_withdraw = |e: &Enrolment| {
        c.can_manage
            || actor.as_ref().is_some_and(|a| {
                a.person_id == e.person_id
                    || (a.has(Role::OrganisationAdmin) && a.organisation_id == e.organisation_id)
            })
    };
    let ended = s.end_date < crate::browser::today();

    html! {
        <>
            <p><Link<TrainingRoute> to={TrainingRoute::Course { id: s.course_id }} classes="back-link">{ format!("Back to {}", s.course_title) }</Link<TrainingRoute>></p>
            <span class={classes!("tag", format!("tag--{}", s.tier.as_str()))}>{ s.tier.label() }</span>
            <h1>{ format!("{}: {}", s.course_title, s.name) }</h1>
            if let Some(text) = &*notice { <div class="success-callout" role="status"><p>{ text }</p></div> }
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "Dates" }</dt><dd>{ dates_text(s.start_date, s.end_date) }</dd></div>
                if !c.venue.is_empty() { <div class="summary-list__row"><dt>{ "Venue" }</dt><dd>{ &c.venue }</dd></div> }
                if !c.online_link.is_empty() { <div class="summary-list__row"><dt>{ "Online" }</dt><dd><a href={c.online_link.clone()}>{ &c.online_link }</a></dd></div> }
                <div class="summary-list__row"><dt>{ "Places" }</dt><dd id="places">{ format!("{} of {} taken, {} left; {} waiting", s.taken, s.capacity, s.capacity.saturating_sub(s.taken), s.waiting) }</dd></div>
                <div class="summary-list__row"><dt>{ "Facilitators" }</dt><dd>{ if c.facilitators.is_empty() { "None yet".to_owned() } else { c.facilitators.iter().map(|f| f.name.clone()).collect::<Vec<_>>().join(", ") } }</dd></div>
            </dl>
            if c.can_manage {
                <p><Link<TrainingRoute> to={TrainingRoute::EditCohort { id: s.id }} classes="button button--secondary">{ "Change the cohort" }</Link<TrainingRoute>></p>
            }

            <h2>{ "Your place" }</h2>
            { match mine {
                Some(e) => html! { <p id="my-status">{ status_text(e) }{ " " }
                    if e.status != EnrolmentStatus::Completed { { withdraw_button(e, "Withdraw") } }
                </p> },
                None if ended => html! { <p>{ "This cohort has ended." }</p> },
                None if !c.can_enrol => html! { <p id="not-open">{ "This cohort is for the people of the organisation that runs the course. Ask your training lead about a cohort open to the whole partnership." }</p> },
                None => html! { <p><button type="button" class="button" onclick={enrol_me}>{ "Enrol me" }</button></p> },
            } }

            <h2>{ "Sessions" }</h2>
            if c.sessions.is_empty() {
                <Empty>{ "No sessions yet." }</Empty>
            } else {
                <ol>{ for c.sessions.iter().map(|x| html! {
                    <li>{ format!("{}: {} {}, {} minutes", x.title, uk_time::local(x.starts_at).format("%-d %b %Y %H:%M"), uk_time::zone_name(x.starts_at), x.length_minutes) }</li>
                }) }</ol>
            }

            if s.partnership_wide {
                <h2>{ "Places per organisation" }</h2>
                if c.places_released {
                    <p>{ "Unused places have been released: any organisation may take the places left." }</p>
                }
                <table class="table">
                    <caption class="visually-hidden">{ "Each organisation's allocation of places, taken and left" }</caption>
                    <thead><tr><th scope="col">{ "Organisation" }</th><th scope="col">{ "Allocated" }</th><th scope="col">{ "Taken" }</th><th scope="col">{ "Left" }</th></tr></thead>
                    <tbody>{ for c.allocations.iter().map(|a| html! {
                        <tr><td data-label="Organisation">{ &a.organisation_name }</td><td data-label="Allocated">{ a.places }</td>
                            <td data-label="Taken">{ a.taken }</td><td data-label="Left">{ a.places.saturating_sub(a.taken) }</td></tr>
                    }) }</tbody>
                </table>
                if c.can_manage && !c.places_released {
                    if *releasing {
                        <div class="warning-callout" role="alert">
                            <p>{ "Release the unused places? Any organisation's people may then take the places left, and the waiting list moves up in order." }</p>
                            <button type="button" class="button button--warning" onclick={release.clone()}>{ "Yes, release them" }</button>
                            { " " }
                            <button type="button" class="button button--secondary" onclick={{ let r = releasing.clone(); Callback::from(move |_: MouseEvent| r.set(false)) }}>{ "Not yet" }</button>
                        </div>
                    } else {
                        <button type="button" class="button button--secondary" onclick={release}>{ "Release unused places" }</button>
                    }
                }
            }

            if enrols_others && !ended {
                <EnrolSomeone cohort_id={s.id} onchanged={refresh.clone()}
                    already={data.enrolments.iter().filter(|e| e.status != EnrolmentStatus::Withdrawn).map(|e| (e.person_id, status_text(e))).collect::<Vec<_>>()} />
            }

            <h2>{ "Enrolled" }</h2>
            if holders.is_empty() {
                <Empty>{ "Nobody you can see holds a place yet." }</Empty>
            } else {
                <table class="table" id="enrolled">
                    <caption class="visually-hidden">{ "People holding a place, with their attendance and completion" }</caption>
                    <thead><tr><th scope="col">{ "Name" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Sessions attended" }</th><th scope="col"><span class="visually-hidden">{ "Actions" }</span></th></tr></thead>
                    <tbody>{ for holders.iter().map(|e| html! {
                        <tr>
                            <td data-label="Name">{ &e.person_name }</td>
                            <td data-label="Status" class="enrolment-status">{ status_text(e) }</td>
                            <td data-label="Sessions attended">{ format!("{} of {}", e.attended, c.sessions.len()) }</td>
                            <td>if can_withdraw(e) && e.status == EnrolmentStatus::Enrolled { { withdraw_button(e, &format!("Withdraw {}", e.person_name)) } }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
            <h2>{ "Waiting list" }</h2>
            if waiting.is_empty() {
                <Empty>{ "Nobody you can see is waiting." }</Empty>
            } else {
                <ol id="waiting-list">{ for waiting.iter().map(|e| html! {
                    <li>{ format!("{} (number {})", e.person_name, e.waiting_position.unwrap_or_default()) }{ " " }
                        if can_withdraw(e) { { withdraw_button(e, &format!("Take {} off the list", e.person_name)) } }
                    </li>
                }) }</ol>
            }

            if c.can_record_attendance {
                <h2>{ "Attendance" }</h2>
                <p>{ "Tick who attended each session and save its register. People who meet the course's attendance rule complete it." }</p>
                if holders.is_empty() {
                    <Empty>{ "Enrol people to record their attendance." }</Empty>
                } else {
                    { for c.sessions.iter().map(|session| {
                        let marks = data.registers.iter().find(|r| r.session_id == session.id).map(|r| r.marks.clone()).unwrap_or_default();
                        let people: Vec<(i64, String)> = holders.iter().map(|e| (e.person_id, e.person_name.clone())).collect();
                        html! { <Register session={session.clone()} {people} {marks} onchanged={refresh.clone()} /> }
                    }) }
                    <SignInImport cohort_id={s.id} onchanged={refresh.clone()} />
                }
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct RegisterProps {
    session: Session,
    people: Vec<(i64, String)>,
    marks: Vec<Mark>,
    onchanged: Callback<()>,
}

/// One session's register: a checkbox per person.
#[function_component(Register)]
fn register(props: &RegisterProps) -> Html {
    let present = use_state(|| {
        props
            .marks
            .iter()
            .filter(|m| m.present)
            .map(|m| m.person_id)
            .collect::<HashSet<i64>>()
    });
    {
        let present = present.clone();
        use_effect_with(props.marks.clone(), move |marks| {
            present.set(
                marks
                    .iter()
                    .filter(|m| m.present)
                    .map(|m| m.person_id)
                    .collect(),
            );
        });
    }
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let session_id = props.session.id;
    let onsubmit = {
        let (present, message, busy, onchanged) = (
            present.clone(),
            message.clone(),
            busy.clone(),
            props.onchanged.clone(),
        );
        let people = props.people.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let register = RegisterInput {
                attendance: people
                    .iter()
                    .map(|(id, _)| Mark {
                        person_id: *id,
                        present: present.contains(id),
                    })
                    .collect(),
            };
            let (message, busy, onchanged) = (message.clone(), busy.clone(), onchanged.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::training::record_attendance(session_id, &register).await {
                    Ok(saved) => {
                        message.set(Some(format!(
                            "Register saved. {} completed, {} no longer complete.",
                            saved.completed.len(),
                            saved.reverted.len()
                        )));
                        onchanged.emit(());
                    }
                    Err(e) => message.set(Some(e.message())),
                }
                busy.set(false);
            });
        })
    };
    let legend = format!(
        "{}, {}",
        props.session.title,
        uk_time::day_of(props.session.starts_at).format("%-d %b %Y")
    );
    html! {
        <form class="register" {onsubmit} aria-label={format!("Register: {legend}")}>
            <fieldset class="fieldset">
                <legend class="fieldset__legend">{ legend }</legend>
                { for props.people.iter().map(|(id, name)| {
                    let id = *id;
                    let checkbox_id = format!("present-{session_id}-{id}");
                    let onchange = {
                        let present = present.clone();
                        Callback::from(move |e: Event| {
                            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                                let mut next = (*present).clone();
                                if input.checked() { next.insert(id); } else { next.remove(&id); }
                                present.set(next);
                            }
                        })
                    };
                    html! {
                        <div class="checkbox">
                            <input class="checkbox__input" type="checkbox" id={checkbox_id.clone()} checked={present.contains(&id)} {onchange} />
                            <label class="checkbox__label" for={checkbox_id}>{ name }</label>
                        </div>
                    }
                }) }
            </fieldset>
            <button type="submit" class="button button--secondary" disabled={*busy}>{ format!("Save the register for {}", props.session.title) }</button>
            if let Some(text) = &*message { <p role="status">{ text }</p> }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ImportProps {
    cohort_id: i64,
    onchanged: Callback<()>,
}

/// A CSV sign-in sheet, pasted or chosen as a file; every bad row is listed.
#[function_component(SignInImport)]
fn sign_in_import(props: &ImportProps) -> Html {
    let text = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let done = use_state(|| None::<String>);
    let onfile = {
        let text = text.clone();
        Callback::from(move |content: String| text.set(content))
    };
    let onsubmit = {
        let (text, errors, message, done, onchanged, id) = (
            text.clone(),
            errors.clone(),
            message.clone(),
            done.clone(),
            props.onchanged.clone(),
            props.cohort_id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            done.set(None);
            message.set(None);
            errors.set(Vec::new());
            if text.trim().is_empty() {
                errors.set(vec![FieldError::new(
                    "csv",
                    "Paste the sign-in sheet or choose a file",
                )]);
                return;
            }
            let (text, errors, message, done, onchanged) = (
                text.clone(),
                errors.clone(),
                message.clone(),
                done.clone(),
                onchanged.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::training::import_sign_in(id, &text).await {
                    Ok(saved) => {
                        done.set(Some(format!(
                            "Imported {} marks; {} people completed.",
                            saved.marks,
                            saved.completed.len()
                        )));
                        onchanged.emit(());
                    }
                    Err(e) => {
                        message.set(Some(if e.fields().is_empty() {
                            e.message()
                        } else {
                            "Nothing was imported: fix these rows and import again.".to_owned()
                        }));
                        errors.set(e.fields());
                    }
                }
            });
        })
    };
    // Row errors name rows, not fields on this form, so they are listed rather than linked.
    html! {
        <section aria-labelledby="sign-in-title">
            <h3 id="sign-in-title">{ "Import a sign-in sheet" }</h3>
            <p class="hint">{ "A CSV file with the columns email, date and present (yes or no), a row per person per session. Dates as dd/mm/yyyy or yyyy-mm-dd. If any row is wrong, nothing is imported." }</p>
            <ErrorSummary errors={errors.iter().filter(|e| e.field == "csv").cloned().collect::<Vec<_>>()} message={(*message).clone()} />
            if errors.iter().any(|e| e.field != "csv") {
                <ul class="error-list" id="sign-in-errors">{ for errors.iter().filter(|e| e.field != "csv").map(|e| html! {
                    <li>{ format!("{}: {}", e.field.replace("rows[", "Row ").replace("].", ", ").replace(']', ""), e.message) }</li>
                }) }</ul>
            }
            if let Some(text) = &*done { <p role="status">{ text }</p> }
            <form {onsubmit} novalidate=true>
                <CsvUpload id="sign-in-file" label="Choose a file" onload={onfile} />
                <TextArea name="csv" label="Or paste the sheet" value={(*text).clone()} oninput={{ let t = text.clone(); Callback::from(move |v| t.set(v)) }} error={error_for(&errors, "csv")} rows={6} />
                <button type="submit" class="button button--secondary">{ "Import attendance" }</button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EnrolProps {
    cohort_id: i64,
    onchanged: Callback<()>,
    /// People already in the cohort (not withdrawn), with where they stand.
    already: Vec<(i64, String)>,
}

/// An admin enrols someone: find them, then enrol.
#[function_component(EnrolSomeone)]
fn enrol_someone(props: &EnrolProps) -> Html {
    let search = use_state(String::new);
    let found = use_state(|| None::<Vec<DirectoryEntry>>);
    let message = use_state(|| None::<String>);
    let onsubmit = {
        let (search, found) = (search.clone(), found.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (q, found) = ((*search).clone(), found.clone());
            wasm_bindgen_futures::spawn_local(async move {
                found.set(Some(api::directory(&q).await.unwrap_or_default()));
            });
        })
    };
    let enrol = |person_id: i64| {
        let (message, onchanged, id) = (message.clone(), props.onchanged.clone(), props.cohort_id);
        Callback::from(move |_: MouseEvent| {
            let (message, onchanged) = (message.clone(), onchanged.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::training::enrol(id, Some(person_id)).await {
                    Ok(e) => message.set(Some(format!("{}: {}", e.person_name, status_text(&e)))),
                    Err(e) => message.set(Some(e.message())),
                }
                onchanged.emit(());
            });
        })
    };
    html! {
        <section aria-labelledby="enrol-someone">
            <h2 id="enrol-someone">{ "Enrol someone" }</h2>
            <form class="filters" role="search" aria-label="Find a person to enrol" {onsubmit}>
                <TextField name="enrol_search" label="Find a person" hint="Name or job role" value={(*search).clone()} oninput={{ let s = search.clone(); Callback::from(move |v| s.set(v)) }} />
                <button type="submit" class="button button--secondary">{ "Find" }</button>
            </form>
            if let Some(text) = &*message { <p role="status">{ text }</p> }
            { match &*found {
                Some(list) if list.is_empty() => html! { <Empty>{ "Nobody matches." }</Empty> },
                Some(list) => html! { <ul>{ for list.iter().map(|p| html! {
                    <li>{ format!("{} ({}, {})", p.name, p.job_role, p.organisation_name) }{ " " }
                        { match props.already.iter().find(|(id, _)| *id == p.id) {
                            Some((_, standing)) => html! { <span class="hint">{ format!("Already here: {standing}") }</span> },
                            None => html! { <button type="button" class="button button--small" onclick={enrol(p.id)}>{ format!("Enrol {}", p.name) }</button> },
                        } }</li>
                }) }</ul> },
                None => html! {},
            } }
        </section>
    }
}
