//! Composing an issue of the bulletin: its title, summary and whose it is (the partnership's or
//! an organisation's), then its sections in order (added, removed, moved up and down), each a
//! kind, a heading and Markdown, with the projects (from the register) or events (from the
//! calendar) it shows picked by searching. Preview asks the server to render it as it would
//! publish, keeping nothing; saving keeps the draft, which is published from its own page.

use qi_shared::{
    FieldError,
    bulletin::{Bulletin, BulletinInput, BulletinStatus, SectionInput, SectionKind},
    event::{EventQuery, EventWhen},
    project::ProjectQuery,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::sections;
use crate::{
    api::{self, ApiError},
    components::{
        form::{ErrorSummary, SelectField, TextArea, TextField, error_for, field_id, options},
        states::{ErrorPanel, Forbidden, Loading},
    },
    hooks::{Load, use_load, use_organisation_options},
    route::BulletinRoute,
    session::use_session,
};

/// A project or event picked for a section, with its title to show.
#[derive(Debug, Clone, PartialEq)]
struct Picked {
    id: i64,
    title: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Draft {
    /// Keeps each section's fields with it as sections move.
    key: u64,
    kind: SectionKind,
    heading: String,
    body: String,
    projects: Vec<Picked>,
    events: Vec<Picked>,
}

impl Draft {
    fn new(key: u64) -> Self {
        Self {
            key,
            kind: SectionKind::Text,
            heading: String::new(),
            body: String::new(),
            projects: Vec::new(),
            events: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Form {
    title: String,
    summary: String,
    /// An organisation's id, or empty for the partnership's.
    organisation: String,
    sections: Vec<Draft>,
    next_key: u64,
}

impl Form {
    fn new(organisation: String) -> Self {
        Self {
            title: String::new(),
            summary: String::new(),
            organisation,
            sections: vec![Draft::new(0)],
            next_key: 1,
        }
    }

    /// The form of a saved draft. A picked project the editor may no longer see keeps its place
    /// under its number.
    fn of(b: &Bulletin) -> Self {
        let sections: Vec<Draft> = b
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| Draft {
                key: i as u64,
                kind: s.kind,
                heading: s.heading.clone(),
                body: s.body.clone(),
                projects: s
                    .project_ids
                    .iter()
                    .map(|id| Picked {
                        id: *id,
                        title: s
                            .projects
                            .iter()
                            .find(|p| p.id == *id)
                            .map(|p| p.title.clone())
                            .unwrap_or_else(|| format!("Project {id}")),
                    })
                    .collect(),
                events: s
                    .event_ids
                    .iter()
                    .map(|id| Picked {
                        id: *id,
                        title: s
                            .events
                            .iter()
                            .find(|e| e.id == *id)
                            .map(|e| e.title.clone())
                            .or_else(|| {
                                s.awards
                                    .iter()
                                    .find(|a| a.event_id == *id)
                                    .map(|a| a.event_title.clone())
                            })
                            .unwrap_or_else(|| format!("Event {id}")),
                    })
                    .collect(),
            })
            .collect();
        Self {
            title: b.title.clone(),
            summary: b.summary.clone(),
            organisation: b
                .organisation
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default(),
            next_key: sections.len() as u64,
            sections,
        }
    }

    fn input(&self) -> BulletinInput {
        BulletinInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            organisation_id: self.organisation.parse().ok(),
            sections: self
                .sections
                .iter()
                .map(|s| SectionInput {
                    kind: s.kind,
                    heading: s.heading.clone(),
                    body: s.body.clone(),
                    project_ids: match s.kind {
                        SectionKind::Projects => s.projects.iter().map(|p| p.id).collect(),
                        _ => Vec::new(),
                    },
                    event_ids: match s.kind {
                        SectionKind::Events | SectionKind::Awards => {
                            s.events.iter().map(|e| e.id).collect()
                        }
                        _ => Vec::new(),
                    },
                })
                .collect(),
        }
    }
}

/// A change to one section.
enum Change {
    Kind(SectionKind),
    Heading(String),
    Body(String),
    AddProject(Picked),
    RemoveProject(i64),
    AddEvent(Picked),
    RemoveEvent(i64),
    Up,
    Down,
    Remove,
}

fn apply(form: &mut Form, i: usize, change: Change) {
    let count = form.sections.len();
    if i >= count {
        return;
    }
    let s = &mut form.sections[i];
    match change {
        Change::Kind(kind) => {
            // Events picked for an events section are no awards' events, nor the other way.
            if matches!(
                (s.kind, kind),
                (SectionKind::Events, SectionKind::Awards)
                    | (SectionKind::Awards, SectionKind::Events)
            ) {
                s.events.clear();
            }
            s.kind = kind;
        }
        Change::Heading(text) => s.heading = text,
        Change::Body(text) => s.body = text,
        Change::AddProject(p) => {
            if !s.projects.iter().any(|q| q.id == p.id) {
                s.projects.push(p);
            }
        }
        Change::RemoveProject(id) => s.projects.retain(|p| p.id != id),
        Change::AddEvent(e) => {
            if !s.events.iter().any(|q| q.id == e.id) {
                s.events.push(e);
            }
        }
        Change::RemoveEvent(id) => s.events.retain(|e| e.id != id),
        Change::Up if i > 0 => form.sections.swap(i - 1, i),
        Change::Down if i + 1 < count => form.sections.swap(i, i + 1),
        Change::Up | Change::Down => {}
        Change::Remove => {
            form.sections.remove(i);
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `None` to compose a new issue.
    pub id: Option<i64>,
}

#[function_component(BulletinEditor)]
pub fn bulletin_editor(props: &Props) -> Html {
    let session = use_session();
    let actor = session.actor();
    let partnership_admin = actor.as_ref().is_some_and(|a| a.is_partnership_admin());
    let organisations = use_organisation_options(Some("The partnership"), partnership_admin);
    let loaded = use_load(props.id, |id| async move {
        match id {
            Some(id) => api::bulletins::bulletin(id, true).await.map(Some),
            None => Ok::<_, ApiError>(None),
        }
    });
    let form = use_state(|| None::<Form>);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let preview = use_state(|| None::<Bulletin>);
    let navigator = use_navigator();

    let Some(actor) = actor else {
        return html! { <Loading /> };
    };
    let saved = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(saved) => saved.clone(),
    };
    match &saved {
        Some(b) if b.status == BulletinStatus::Published => {
            return html! {
                <>
                    <h1>{ "This issue is published" }</h1>
                    <p>{ "A published issue stays as it was published, at its own address." }</p>
                    <p><Link<BulletinRoute> to={BulletinRoute::Bulletin { id: b.id }}>{ "Read the issue" }</Link<BulletinRoute>></p>
                </>
            };
        }
        Some(b) if !b.can_edit => return html! { <Forbidden /> },
        None if !(actor.can_edit_bulletin_for(None)
            || actor.can_edit_bulletin_for(Some(actor.organisation_id))) =>
        {
            return html! { <Forbidden /> };
        }
        _ => {}
    }
    let Some(f) = (*form).clone() else {
        // Filled in once: from the saved draft, or empty (an organisation admin's own organisation's).
        form.set(Some(match &saved {
            Some(b) => Form::of(b),
            None if partnership_admin => Form::new(String::new()),
            None => Form::new(actor.organisation_id.to_string()),
        }));
        return html! { <Loading /> };
    };
    let title = if props.id.is_some() {
        "Edit the draft"
    } else {
        "Compose a bulletin"
    };
    crate::browser::set_title(title);

    let set = {
        let form = form.clone();
        move |edit: Box<dyn Fn(&mut Form)>| {
            if let Some(mut f) = (*form).clone() {
                edit(&mut f);
                form.set(Some(f));
            }
        }
    };
    let change = {
        let set = set.clone();
        Callback::from(move |(i, c): (usize, Change)| {
            let c = std::cell::Cell::new(Some(c));
            set(Box::new(move |f: &mut Form| {
                if let Some(c) = c.take() {
                    apply(f, i, c);
                }
            }));
        })
    };
    let field = |edit: fn(&mut Form, String)| {
        let set = set.clone();
        Callback::from(move |v: String| set(Box::new(move |f: &mut Form| edit(f, v.clone()))))
    };
    let add_section = {
        let set = set.clone();
        Callback::from(move |_: MouseEvent| {
            set(Box::new(|f: &mut Form| {
                f.sections.push(Draft::new(f.next_key));
                f.next_key += 1;
            }))
        })
    };
    // Checked here first with the server's own rules, so most mistakes never leave the browser.
    let checked = {
        let (form, errors, message) = (form.clone(), errors.clone(), message.clone());
        move || -> Option<BulletinInput> {
            message.set(None);
            let input = (*form).as_ref()?.input();
            match input.validate() {
                Ok(input) => {
                    errors.set(Vec::new());
                    Some(input)
                }
                Err(bad) => {
                    errors.set(bad.0);
                    None
                }
            }
        }
    };
    let failed = {
        let (errors, message) = (errors.clone(), message.clone());
        move |error: ApiError| {
            message.set(error.fields().is_empty().then(|| error.message()));
            errors.set(error.fields());
        }
    };
    let onpreview = {
        let (checked, failed, busy, preview) = (
            checked.clone(),
            failed.clone(),
            busy.clone(),
            preview.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(input) = checked() else {
                return;
            };
            let (failed, busy, preview) = (failed.clone(), busy.clone(), preview.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::bulletins::preview(&input).await {
                    Ok(b) => preview.set(Some(b)),
                    Err(error) => failed(error),
                }
                busy.set(false);
            });
        })
    };
    let onsubmit = {
        let (checked, failed, busy, id) = (checked.clone(), failed.clone(), busy.clone(), props.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = checked() else {
                return;
            };
            let (failed, busy, navigator) = (failed.clone(), busy.clone(), navigator.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let saved = match id {
                    Some(id) => api::bulletins::update(id, &input).await,
                    None => api::bulletins::create(&input).await,
                };
                match saved {
                    Ok(b) => {
                        if let Some(n) = navigator {
                            n.push(&BulletinRoute::Bulletin { id: b.id });
                        }
                    }
                    Err(error) => {
                        failed(error);
                        busy.set(false);
                    }
                }
            });
        })
    };
    let organisation_options = if partnership_admin {
        organisations
    } else {
        vec![(
            actor.organisation_id.to_string(),
            session
                .person()
                .map(|p| p.organisation_name.clone())
                .unwrap_or_default(),
        )]
    };
    let count = f.sections.len();
    let back = match props.id {
        Some(id) => {
            html! { <Link<BulletinRoute> to={BulletinRoute::Bulletin { id }} classes="back-link">{ "Back to the draft" }</Link<BulletinRoute>> }
        }
        None => {
            html! { <Link<BulletinRoute> to={BulletinRoute::List} classes="back-link">{ "All issues of the bulletin" }</Link<BulletinRoute>> }
        }
    };
    html! {
        <>
            <p>{ back }</p>
            <span class="caption">{ "Sharing the Learning" }</span>
            <h1>{ title }</h1>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form class="bulletin-editor" onsubmit={onsubmit} novalidate=true>
                <div class="narrow">
                    <TextField name="title" label="Title" hint="Such as “Sharing the Learning: winter 2026”"
                        value={f.title.clone()} oninput={field(|f, v| f.title = v)} error={error_for(&errors, "title")} />
                    <TextArea name="summary" label="Summary (optional)" hint="One or two sentences, for the list of issues and the feed" rows={2}
                        value={f.summary.clone()} oninput={field(|f, v| f.summary = v)} error={error_for(&errors, "summary")} />
                    <SelectField name="organisation_id" label="Whose bulletin"
                        hint={if partnership_admin { "The partnership's, or one organisation's" } else { "Your organisation's" }}
                        options={organisation_options} value={f.organisation.clone()}
                        onchange={field(|f, v| f.organisation = v)} error={error_for(&errors, "organisation_id")} />
                </div>
                <h2 id="sections" tabindex="-1">{ "Sections" }</h2>
                if let Some(e) = error_for(&errors, "sections") {
                    <p class="error-message">{ e }</p>
                }
                <ol class="section-list">
                    { for f.sections.iter().enumerate().map(|(i, s)| html! {
                        <SectionEditor key={s.key} index={i} {count} section={s.clone()}
                            errors={(*errors).clone()} onchange={change.clone()} />
                    }) }
                </ol>
                <p><button type="button" class="button button--secondary" onclick={add_section}
                    disabled={count >= qi_shared::bulletin::MAX_SECTIONS}>{ "Add a section" }</button></p>
                <div class="button-group">
                    <button type="submit" class="button" disabled={*busy}>{ "Save draft" }</button>
                    <button type="button" class="button button--secondary" onclick={onpreview} disabled={*busy}>{ "Preview" }</button>
                </div>
            </form>
            if let Some(b) = &*preview {
                <section class="bulletin-preview" aria-labelledby="preview-title">
                    <h2 id="preview-title">{ "Preview" }</h2>
                    <p class="hint">{ "As it will read once published; nothing is saved until you save the draft." }</p>
                    <p class="bulletin-preview__title">{ &b.title }</p>
                    if !b.summary.is_empty() { <p class="lead">{ &b.summary }</p> }
                    { sections(b, 3, true) }
                </section>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SectionProps {
    index: usize,
    count: usize,
    section: Draft,
    errors: Vec<FieldError>,
    onchange: Callback<(usize, Change)>,
}

impl PartialEq for Change {
    // Changes are only ever sent, never compared; callbacks compare by identity.
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// One section: its kind, heading and Markdown, what it shows, and its place in the order.
#[function_component(SectionEditor)]
fn section_editor(props: &SectionProps) -> Html {
    let (i, s) = (props.index, &props.section);
    let n = i + 1;
    let name = |field: &str| format!("sections[{i}].{field}");
    let send = |make: fn(String) -> Change| {
        let onchange = props.onchange.clone();
        Callback::from(move |v: String| onchange.emit((i, make(v))))
    };
    let button = |change: fn() -> Change| {
        let onchange = props.onchange.clone();
        Callback::from(move |_: MouseEvent| onchange.emit((i, change())))
    };
    let kinds = options(
        None,
        SectionKind::ALL.iter().map(|k| (k.as_str(), k.label())),
    );
    let body_label = if s.kind == SectionKind::Text {
        format!("Section {n}: text")
    } else {
        format!("Section {n}: introduction (optional)")
    };
    let picker = match s.kind {
        SectionKind::Text => html! {},
        SectionKind::Projects => {
            let (add, remove) = (props.onchange.clone(), props.onchange.clone());
            html! {
                <Picker index={i} what={Find::Projects} chosen={s.projects.clone()}
                    error={error_for(&props.errors, &name("project_ids"))}
                    onadd={Callback::from(move |p| add.emit((i, Change::AddProject(p))))}
                    onremove={Callback::from(move |id| remove.emit((i, Change::RemoveProject(id))))} />
            }
        }
        kind => {
            let (add, remove) = (props.onchange.clone(), props.onchange.clone());
            let what = if kind == SectionKind::Events {
                Find::UpcomingEvents
            } else {
                Find::PastEvents
            };
            html! {
                <Picker index={i} {what} chosen={s.events.clone()}
                    error={error_for(&props.errors, &name("event_ids"))}
                    onadd={Callback::from(move |e| add.emit((i, Change::AddEvent(e))))}
                    onremove={Callback::from(move |id| remove.emit((i, Change::RemoveEvent(id))))} />
            }
        }
    };
    html! {
        <li class="section-editor">
            <fieldset class="fieldset">
                <legend class="fieldset__legend">{ format!("Section {n}") }</legend>
                <SelectField name={name("kind")} label={format!("Section {n}: kind")} options={kinds}
                    value={s.kind.as_str()} onchange={send(|v| Change::Kind(SectionKind::parse(&v).unwrap_or(SectionKind::Text)))}
                    error={error_for(&props.errors, &name("kind"))} />
                <TextField name={name("heading")} label={format!("Section {n}: heading")} value={s.heading.clone()}
                    oninput={send(Change::Heading)} error={error_for(&props.errors, &name("heading"))} />
                <TextArea name={name("body")} label={body_label} rows={if s.kind == SectionKind::Text { 8 } else { 3 }}
                    hint="Markdown: **bold**, *italic*, lists starting with -, links as [words](https://…); a blank line between paragraphs"
                    value={s.body.clone()} oninput={send(Change::Body)} error={error_for(&props.errors, &name("body"))} />
                { picker }
                <div class="button-group section-editor__order">
                    if i > 0 {
                        <button type="button" class="link-button" onclick={button(|| Change::Up)}>{ format!("Move section {n} up") }</button>
                    }
                    if i + 1 < props.count {
                        <button type="button" class="link-button" onclick={button(|| Change::Down)}>{ format!("Move section {n} down") }</button>
                    }
                    if props.count > 1 {
                        <button type="button" class="link-button" onclick={button(|| Change::Remove)}>{ format!("Remove section {n}") }</button>
                    }
                </div>
            </fieldset>
        </li>
    }
}

/// What a picker looks for.
#[derive(Clone, Copy, PartialEq)]
enum Find {
    Projects,
    /// For an events section: what is to come.
    UpcomingEvents,
    /// For an awards section: the events whose awards it shows.
    PastEvents,
}

#[derive(Properties, PartialEq)]
struct PickerProps {
    index: usize,
    what: Find,
    chosen: Vec<Picked>,
    error: Option<String>,
    onadd: Callback<Picked>,
    onremove: Callback<i64>,
}

/// Searching the register or the calendar and adding what is found; the picked ones in order,
/// each removable.
#[function_component(Picker)]
fn picker(props: &PickerProps) -> Html {
    let query = use_state(String::new);
    let results = use_state(|| None::<Result<Vec<Picked>, String>>);
    let n = props.index + 1;
    let (field, noun, label) = match props.what {
        Find::Projects => (
            format!("sections[{}].project_ids", props.index),
            "project",
            format!("Section {n}: find a project"),
        ),
        Find::UpcomingEvents => (
            format!("sections[{}].event_ids", props.index),
            "event",
            format!("Section {n}: find an upcoming event"),
        ),
        Find::PastEvents => (
            format!("sections[{}].event_ids", props.index),
            "event",
            format!("Section {n}: find an event whose awards to show"),
        ),
    };
    let id = field_id(&field);
    let search = {
        let (query, results, what) = (query.clone(), results.clone(), props.what);
        Callback::from(move |()| {
            let (q, results) = ((*query).trim().to_owned(), results.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let q = (!q.is_empty()).then_some(q);
                let found = match what {
                    Find::Projects => api::projects(&ProjectQuery {
                        q,
                        per_page: Some(10),
                        ..ProjectQuery::default()
                    })
                    .await
                    .map(|page| {
                        page.items
                            .into_iter()
                            .map(|p| Picked {
                                id: p.id,
                                title: format!("{} ({})", p.title, p.lead_organisation.name),
                            })
                            .collect()
                    }),
                    Find::UpcomingEvents | Find::PastEvents => {
                        let when = if what == Find::UpcomingEvents {
                            EventWhen::Upcoming
                        } else {
                            EventWhen::Past
                        };
                        api::events::events(&EventQuery {
                            q,
                            when: Some(when),
                            per_page: Some(10),
                            ..EventQuery::default()
                        })
                        .await
                        .map(|page| {
                            page.items
                                .into_iter()
                                .map(|e| Picked {
                                    id: e.id,
                                    title: e.title,
                                })
                                .collect()
                        })
                    }
                };
                results.set(Some(found.map_err(|e| e.message())));
            });
        })
    };
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                query.set(input.value());
            }
        })
    };
    // Enter in the search box searches, rather than saving the whole form.
    let onkeydown = {
        let search = search.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                search.emit(());
            }
        })
    };
    let onfind = {
        let search = search.clone();
        Callback::from(move |_: MouseEvent| search.emit(()))
    };
    let described = [
        Some(format!("{id}-hint")),
        props.error.as_ref().map(|_| format!("{id}-error")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let chosen_ids: Vec<i64> = props.chosen.iter().map(|p| p.id).collect();
    html! {
        <div class={classes!("form-group", "picker", props.error.is_some().then_some("form-group--error"))}>
            if props.chosen.is_empty() {
                <p class="hint">{ format!("No {noun} picked yet.") }</p>
            } else {
                <p class="label">{ format!("Section {n}: picked, in order") }</p>
                <ol class="chosen">
                    { for props.chosen.iter().map(|p| {
                        let (onremove, id) = (props.onremove.clone(), p.id);
                        html! {
                            <li>{ &p.title }{ " " }
                                <button type="button" class="link-button" onclick={Callback::from(move |_: MouseEvent| onremove.emit(id))}>
                                    { "Remove" }<span class="visually-hidden">{ format!(" {}", p.title) }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ol>
            }
            <label class="label" for={id.clone()}>{ label }</label>
            <div class="hint" id={format!("{id}-hint")}>{ format!("Words from its title; up to {} in a section", qi_shared::bulletin::MAX_ITEMS) }</div>
            if let Some(error) = &props.error {
                <p class="error-message" id={format!("{id}-error")}><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
            }
            <div class="picker__search">
                <input class={classes!("input", props.error.is_some().then_some("input--error"))} id={id.clone()} type="search"
                    value={(*query).clone()} aria-describedby={described} aria-invalid={props.error.is_some().then_some("true")}
                    {oninput} {onkeydown} />
                <button type="button" class="button button--secondary button--small" onclick={onfind}>
                    { "Find" }<span class="visually-hidden">{ format!(" for section {n}") }</span>
                </button>
            </div>
            { match &*results {
                None => html! {},
                Some(Err(message)) => html! { <p class="error-message" role="alert">{ message }</p> },
                Some(Ok(found)) if found.is_empty() => html! { <p role="status">{ format!("No {noun} matches.") }</p> },
                Some(Ok(found)) => html! {
                    <ul class="search-results" aria-label={format!("Section {n}: found")}>
                        { for found.iter().map(|p| {
                            let (onadd, picked) = (props.onadd.clone(), p.clone());
                            let added = chosen_ids.contains(&p.id);
                            html! {
                                <li>
                                    if added {
                                        { format!("{} (added)", p.title) }
                                    } else {
                                        <button type="button" class="link-button" onclick={Callback::from(move |_: MouseEvent| onadd.emit(picked.clone()))}>
                                            { format!("Add {}", p.title) }
                                        </button>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                },
            } }
        </div>
    }
}
