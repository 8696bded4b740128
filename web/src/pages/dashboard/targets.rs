//! The strategy targets: the partnership's and each organisation's, with their progress as of a
//! chosen day and whether each is on track; setting, changing and removing them (for those the
//! rules in `qi_shared::access` allow), and each target's history.

use chrono::NaiveDate;
use qi_shared::{
    FieldError,
    access::Actor,
    dashboard::{
        Metric, format_value,
        target::{
            Comparator, Target, TargetDetail, TargetInput, TargetPer, TargetProgress, TargetQuery,
            TargetStatus, accumulates,
        },
    },
};
use yew::prelude::*;

use crate::{
    api::{ApiError, targets as api},
    components::{
        form::{ErrorSummary, SelectField, Submit, TextField, error_for},
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_organisation_options},
    session::use_session,
};

/// What the form is doing: setting a new target, or changing one.
#[derive(Clone, PartialEq)]
enum Editing {
    New,
    Change(Box<Target>),
}

#[function_component(TargetsPage)]
pub fn targets_page() -> Html {
    crate::browser::set_title("Strategy targets");
    let session = use_session();
    let actor = session.actor();
    // The day as typed; the targets load for the last valid one.
    let typed = use_state(String::new);
    let as_of = use_state(|| None::<NaiveDate>);
    let organisation = use_state(String::new);
    // Bumped after a change, to load the list again.
    let reload = use_state(|| 0_u32);
    let editing = use_state(|| None::<Editing>);
    let notice = use_state(|| None::<String>);
    let organisations = use_organisation_options(Some("Every target"), true);
    let query = TargetQuery {
        organisation_id: organisation.parse().ok(),
        as_of: *as_of,
    };
    let list = use_load((query, *reload), |(query, _)| async move {
        api::list(&query).await
    });
    let date_error = (!typed.is_empty() && typed.parse::<NaiveDate>().is_err())
        .then(|| "Enter a date like 2026-05-03".to_owned());
    let on_date = {
        let (typed, as_of) = (typed.clone(), as_of.clone());
        Callback::from(move |value: String| {
            if value.is_empty() {
                as_of.set(None);
            } else if let Ok(day) = value.parse::<NaiveDate>() {
                as_of.set(Some(day));
            }
            typed.set(value);
        })
    };
    let on_organisation = {
        let organisation = organisation.clone();
        Callback::from(move |value: String| organisation.set(value))
    };
    let may_set_any = actor.as_ref().is_some_and(|a| {
        a.can_set_targets_for(None) || a.can_set_targets_for(Some(a.organisation_id))
    });
    let done = {
        let (editing, reload, notice) = (editing.clone(), reload.clone(), notice.clone());
        Callback::from(move |message: String| {
            editing.set(None);
            notice.set(Some(message));
            reload.set(*reload + 1);
        })
    };
    let start_new = {
        let (editing, notice) = (editing.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            notice.set(None);
            editing.set(Some(Editing::New));
        })
    };
    let on_change = {
        let (editing, notice) = (editing.clone(), notice.clone());
        Callback::from(move |target: Target| {
            notice.set(None);
            editing.set(Some(Editing::Change(Box::new(target))));
        })
    };
    let cancel = {
        let editing = editing.clone();
        Callback::from(move |_: ()| editing.set(None))
    };
    html! {
        <>
            <h1>{ "Strategy targets" }</h1>
            <p class="lead">{ "What the partnership, and each organisation, means to reach this year on its own measures, and how far it has come." }</p>
            <div class="inset-text" id="how-targets-are-judged">
                <p><strong>{ "How progress is judged." }</strong>{ " A count over a period (such as 100 staff trained this year) follows a " }
                    <strong>{ "straight-line expectation" }</strong>
                    { ": the target times the share of the period gone by. Half way through the year, 50 trained is on track for 100." }</p>
                <p>{ "A count every month (such as 10 places a month) is judged on the mean of the complete months so far. A level or a share (such as 20% of projects with patient involvement) is judged as it stands on the day: it is on track when it meets the target now. Once the period has ended, a target is met or not met." }</p>
            </div>
            if let Some(message) = &*notice {
                <p class="notice" role="status">{ message }</p>
            }
            if let Some(mode) = &*editing {
                <TargetForm editing={mode.clone()} actor={actor.clone()} done={done.clone()} cancel={cancel.clone()} />
            } else if may_set_any {
                <p><button type="button" class="button" onclick={start_new}>{ "Set a target" }</button></p>
            }
            <form class="filters" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <TextField name="as_of" label="Progress as of" input_type="date" hint="Leave empty for today"
                    value={(*typed).clone()} oninput={on_date} error={date_error} width="10" />
                <SelectField name="organisation_id" label="Whose targets" options={organisations}
                    value={(*organisation).clone()} onchange={on_organisation} />
            </form>
            { match &*list {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(list) if list.items.is_empty() => html! {
                    <Empty>{ "No targets have been set yet." }</Empty>
                },
                Load::Loaded(list) => html! {
                    <>
                        <p>{ format!("Progress at the end of {}.", qi_shared::capability::long_date(list.as_of)) }</p>
                        <ul class="target-list">
                            { for list.items.iter().map(|t| html! {
                                <TargetItem key={t.id} target={t.clone()} actor={actor.clone()}
                                    as_of={*as_of} on_change={on_change.clone()} done={done.clone()} />
                            }) }
                        </ul>
                    </>
                },
            } }
        </>
    }
}

/// "on track", "not on track", "not started", as a coloured tag.
fn status_tag(status: TargetStatus) -> Html {
    let colour = match status {
        TargetStatus::OnTrack | TargetStatus::Met => "tag--green",
        TargetStatus::NotOnTrack | TargetStatus::NotMet => "tag--red",
        TargetStatus::NotStarted | TargetStatus::NoData => "tag--grey",
    };
    html! { <strong class={classes!("tag", colour)}>{ status.label() }</strong> }
}

/// The target in words: "At least 75.0%", "At least 10 a month".
fn target_text(target: &Target) -> String {
    let d = &target.definition;
    let per = match d.per {
        TargetPer::Month => " a month",
        TargetPer::Period => "",
    };
    format!(
        "{} {}{per}",
        d.comparator.label(),
        format_value(d.metric.unit(), Some(d.value))
    )
}

/// The progress bar: the figure against the whole target (or the monthly one).
fn progress_bar(target: &Target, progress: &TargetProgress) -> Html {
    let Some(current) = progress.current else {
        return html! {};
    };
    let max = target.definition.value.max(f64::MIN_POSITIVE);
    html! {
        <progress max={max.to_string()} value={current.min(max).to_string()}
            aria-label={format!("{} of {}", format_value(target.definition.metric.unit(), Some(current)), target_text(target))}>
        </progress>
    }
}

#[derive(Properties, PartialEq)]
struct TargetItemProps {
    target: Target,
    actor: Option<Actor>,
    as_of: Option<NaiveDate>,
    on_change: Callback<Target>,
    done: Callback<String>,
}

/// One target: what it is, its progress, and (for those who may) change and remove.
#[function_component(TargetItem)]
fn target_item(props: &TargetItemProps) -> Html {
    let target = &props.target;
    let d = &target.definition;
    let p = &target.progress;
    let unit = d.metric.unit();
    let may_edit = props
        .actor
        .as_ref()
        .is_some_and(|a| a.can_set_targets_for(d.organisation_id));
    let confirming = use_state(|| false);
    let failed = use_state(|| None::<String>);
    let history = use_state(|| false);
    let remove = {
        let (confirming, failed, done) = (confirming.clone(), failed.clone(), props.done.clone());
        let (id, version, label) = (target.id, target.version, d.label.clone());
        Callback::from(move |_: MouseEvent| {
            if !*confirming {
                confirming.set(true);
                return;
            }
            let (failed, done, label) = (failed.clone(), done.clone(), label.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::remove(id, version).await {
                    Ok(()) => done.emit(format!("Removed the target “{label}”.")),
                    Err(e) if e.is_stale() => failed.set(Some(
                        "Someone changed this target since the page loaded: load the page again."
                            .to_owned(),
                    )),
                    Err(e) => failed.set(Some(e.message())),
                }
            });
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let change = {
        let (on_change, target) = (props.on_change.clone(), target.clone());
        Callback::from(move |_: MouseEvent| on_change.emit(target.clone()))
    };
    let toggle_history = {
        let history = history.clone();
        Callback::from(move |_: MouseEvent| history.set(!*history))
    };
    let heading_id = format!("target-{}", target.id);
    html! {
        <li class="summary-list target-item" aria-labelledby={heading_id.clone()}>
            <h2 id={heading_id}>{ &d.label }</h2>
            <p>
                { status_tag(p.status) }
                { " " }
                { target.organisation_name.clone().unwrap_or_else(|| "The partnership".to_owned()) }
                { format!(" · {} · {} to {}", d.metric.label(), d.period_from, d.period_to) }
            </p>
            { progress_bar(target, p) }
            <dl>
                <div class="summary-list__row"><dt>{ "Target" }</dt><dd>{ target_text(target) }</dd></div>
                <div class="summary-list__row"><dt>{ "Now" }</dt><dd>{ format_value(unit, p.current) }</dd></div>
                <div class="summary-list__row"><dt>{ "Expected by now" }</dt><dd>{ format_value(unit, p.expected) }</dd></div>
                if let Some(met) = p.months_met {
                    <div class="summary-list__row"><dt>{ "Months meeting it" }</dt><dd>{ met }</dd></div>
                }
                <div class="summary-list__row"><dt>{ "How it is judged" }</dt><dd>{ &p.explanation }</dd></div>
            </dl>
            if let Some(message) = &*failed {
                <p class="error-message" role="alert">{ message }</p>
            }
            <p>
                <button type="button" class="button button--secondary button--small" onclick={toggle_history}
                    aria-expanded={(*history).to_string()}>
                    { if *history { "Hide its history" } else { "Show its history" } }
                </button>
                if may_edit {
                    <button type="button" class="button button--secondary button--small" onclick={change}>{ "Change" }</button>
                    if *confirming {
                        <button type="button" class="button button--warning button--small" onclick={remove}>{ "Yes, remove it" }</button>
                        <button type="button" class="button button--secondary button--small" onclick={keep}>{ "Keep it" }</button>
                    } else {
                        <button type="button" class="button button--warning button--small" onclick={remove}>{ "Remove" }</button>
                    }
                }
            </p>
            if *history {
                <History id={target.id} as_of={props.as_of} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct HistoryProps {
    id: i64,
    as_of: Option<NaiveDate>,
}

/// A target's changes, newest first: what it was after each, who changed it and when.
#[function_component(History)]
fn history(props: &HistoryProps) -> Html {
    let detail = use_load((props.id, props.as_of), |(id, as_of)| async move {
        api::target(id, as_of).await
    });
    match &*detail {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <p class="error-message">{ error.message() }</p> },
        Load::Loaded(TargetDetail { history, .. }) => html! {
            <table class="table">
                <caption>{ "Its history, newest first" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "When" }</th>
                        <th scope="col">{ "Who" }</th>
                        <th scope="col">{ "What" }</th>
                        <th scope="col">{ "The target after it" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for history.iter().map(|c| html! {
                        <tr>
                            <td data-label="When">{ c.changed_at.format("%Y-%m-%d %H:%M").to_string() }</td>
                            <td data-label="Who">{ &c.changed_by_name }</td>
                            <td data-label="What">{ c.action.label() }</td>
                            <td data-label="The target after it">{ format!(
                                "{}: {} {}{}, {} to {}",
                                c.definition.label,
                                c.definition.comparator.label(),
                                format_value(c.definition.metric.unit(), Some(c.definition.value)),
                                if c.definition.per == TargetPer::Month { " a month" } else { "" },
                                c.definition.period_from,
                                c.definition.period_to,
                            ) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
    }
}

#[derive(Properties, PartialEq)]
struct TargetFormProps {
    editing: Editing,
    actor: Option<Actor>,
    done: Callback<String>,
    cancel: Callback<()>,
}

/// The fields as typed.
#[derive(Clone, PartialEq)]
struct Fields {
    organisation: String,
    metric: String,
    comparator: String,
    value: String,
    per: String,
    period_from: String,
    period_to: String,
    label: String,
}

impl Fields {
    fn of(editing: &Editing, actor: Option<&Actor>) -> Self {
        match editing {
            Editing::Change(target) => {
                let d = &target.definition;
                Self {
                    organisation: d.organisation_id.map(|o| o.to_string()).unwrap_or_default(),
                    metric: d.metric.as_str().to_owned(),
                    comparator: d.comparator.as_str().to_owned(),
                    value: d.value.to_string(),
                    per: d.per.as_str().to_owned(),
                    period_from: d.period_from.to_string(),
                    period_to: d.period_to.to_string(),
                    label: d.label.clone(),
                }
            }
            Editing::New => {
                let year = crate::browser::today().format("%Y").to_string();
                // An organisation admin sets their own organisation's; a partnership admin
                // starts with the partnership's.
                let organisation = actor
                    .filter(|a| !a.can_set_targets_for(None))
                    .map(|a| a.organisation_id.to_string())
                    .unwrap_or_default();
                Self {
                    organisation,
                    metric: Metric::CompletedImproved.as_str().to_owned(),
                    comparator: Comparator::AtLeast.as_str().to_owned(),
                    value: String::new(),
                    per: TargetPer::Period.as_str().to_owned(),
                    period_from: format!("{year}-01-01"),
                    period_to: format!("{year}-12-31"),
                    label: String::new(),
                }
            }
        }
    }

    /// The input to send, or the fields that could not be read.
    fn input(&self) -> Result<TargetInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let metric = Metric::parse(&self.metric);
        if metric.is_none() {
            errors.push(FieldError::new("metric", "Choose a metric"));
        }
        let comparator = Comparator::parse(&self.comparator).unwrap_or(Comparator::AtLeast);
        let per = TargetPer::parse(&self.per).unwrap_or(TargetPer::Period);
        let value = self.value.trim().parse::<f64>().ok();
        if value.is_none() {
            errors.push(FieldError::new(
                "value",
                "Enter the target as a number, like 75",
            ));
        }
        let date = |field: &str, raw: &str, errors: &mut Vec<FieldError>| {
            let parsed = raw.parse::<NaiveDate>().ok();
            if parsed.is_none() {
                errors.push(FieldError::new(field, "Enter a date like 2026-12-31"));
            }
            parsed
        };
        let period_from = date("period_from", &self.period_from, &mut errors);
        let period_to = date("period_to", &self.period_to, &mut errors);
        match (metric, value, period_from, period_to) {
            (Some(metric), Some(value), Some(period_from), Some(period_to))
                if errors.is_empty() =>
            {
                let input = TargetInput {
                    organisation_id: self.organisation.parse().ok(),
                    metric,
                    comparator,
                    value,
                    // Only a count may be per month; the field is hidden for the others.
                    per: if accumulates(metric) {
                        per
                    } else {
                        TargetPer::Period
                    },
                    period_from,
                    period_to,
                    label: self.label.clone(),
                };
                // The same checks as the server's.
                input.validate().map_err(|e| e.0)?;
                Ok(input)
            }
            _ => Err(errors),
        }
    }
}

/// Set or change a target, checked here with the server's own rules first.
#[function_component(TargetForm)]
fn target_form(props: &TargetFormProps) -> Html {
    let fields = use_state(|| Fields::of(&props.editing, props.actor.as_ref()));
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let all_organisations = use_organisation_options(None, true);
    let actor = props.actor.clone();
    // Only the scopes this person may set targets for.
    let mut organisations: Vec<(String, String)> = Vec::new();
    if actor.as_ref().is_some_and(|a| a.can_set_targets_for(None)) {
        organisations.push((String::new(), "The partnership".to_owned()));
    }
    organisations.extend(all_organisations.into_iter().filter(|(id, _)| {
        actor
            .as_ref()
            .is_some_and(|a| a.can_set_targets_for(id.parse().ok()))
    }));
    let set = |apply: fn(&mut Fields, String)| {
        let fields = fields.clone();
        Callback::from(move |value: String| {
            let mut next = (*fields).clone();
            apply(&mut next, value);
            fields.set(next);
        })
    };
    let metric = Metric::parse(&fields.metric);
    let is_count = metric.is_some_and(accumulates);
    let unit_hint = metric.map(|m| {
        format!(
            "{} In {}{}.",
            m.definition(),
            m.unit().label().to_lowercase(),
            if m.unit() == qi_shared::dashboard::MetricUnit::Percent {
                ", 0 to 100"
            } else {
                ""
            }
        )
    });
    let onsubmit = {
        let (fields, errors, message, busy) = (
            fields.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
        );
        let (editing, done) = (props.editing.clone(), props.done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match fields.input() {
                Ok(input) => input,
                Err(found) => {
                    errors.set(found);
                    return;
                }
            };
            errors.set(Vec::new());
            message.set(None);
            busy.set(true);
            let (errors, message, busy, editing, done) = (
                errors.clone(),
                message.clone(),
                busy.clone(),
                editing.clone(),
                done.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = match &editing {
                    Editing::New => api::create(&input).await,
                    Editing::Change(target) => api::update(target.id, target.version, &input).await,
                };
                busy.set(false);
                match result {
                    Ok(saved) => done.emit(format!("Saved the target “{}”.", saved.target.definition.label)),
                    Err(e) if e.is_stale() => message.set(Some(
                        "Someone changed this target since you opened it: cancel and load the page again to see their change.".to_owned(),
                    )),
                    Err(ApiError::Problem(p)) if !p.errors.is_empty() => errors.set(p.errors),
                    Err(e) => message.set(Some(e.message())),
                }
            });
        })
    };
    let cancel = {
        let cancel = props.cancel.clone();
        Callback::from(move |_: MouseEvent| cancel.emit(()))
    };
    let metric_options: Vec<(String, String)> = Metric::ALL
        .iter()
        .map(|m| (m.as_str().to_owned(), m.label().to_owned()))
        .collect();
    let comparator_options: Vec<(String, String)> = Comparator::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.label().to_owned()))
        .collect();
    let per_options: Vec<(String, String)> = TargetPer::ALL
        .iter()
        .map(|p| (p.as_str().to_owned(), p.label().to_owned()))
        .collect();
    let title = match &props.editing {
        Editing::New => "Set a target",
        Editing::Change(_) => "Change the target",
    };
    html! {
        <form class="form" {onsubmit} novalidate=true aria-labelledby="target-form-title">
            <h2 id="target-form-title">{ title }</h2>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <SelectField name="organisation_id" label="Whose target" options={organisations}
                value={fields.organisation.clone()} onchange={set(|f, v| f.organisation = v)}
                error={error_for(&errors, "organisation_id")} />
            <SelectField name="metric" label="Metric" options={metric_options}
                value={fields.metric.clone()} onchange={set(|f, v| f.metric = v)}
                hint={unit_hint.map(AttrValue::from)} error={error_for(&errors, "metric")} />
            <SelectField name="comparator" label="The figure should be" options={comparator_options}
                value={fields.comparator.clone()} onchange={set(|f, v| f.comparator = v)}
                error={error_for(&errors, "comparator")} />
            <TextField name="value" label="Target" input_type="text" width="5"
                value={fields.value.clone()} oninput={set(|f, v| f.value = v)}
                error={error_for(&errors, "value")} />
            if is_count {
                <SelectField name="per" label="Counted" options={per_options}
                    value={fields.per.clone()} onchange={set(|f, v| f.per = v)}
                    hint="Every month: each month of the period should reach the target (such as 10 places a month)"
                    error={error_for(&errors, "per")} />
            }
            <TextField name="period_from" label="Period from" input_type="date" width="10"
                value={fields.period_from.clone()} oninput={set(|f, v| f.period_from = v)}
                error={error_for(&errors, "period_from")} />
            <TextField name="period_to" label="Period to" input_type="date" width="10"
                value={fields.period_to.clone()} oninput={set(|f, v| f.period_to = v)}
                error={error_for(&errors, "period_to")} />
            <TextField name="label" label="How people read it (optional)"
                hint="Such as “75% of completed projects score 3.0 or more”; made from the metric and target when left empty"
                value={fields.label.clone()} oninput={set(|f, v| f.label = v)}
                error={error_for(&errors, "label")} />
            <Submit label="Save the target" busy={*busy} />
            <button type="button" class="button button--secondary" onclick={cancel}>{ "Cancel" }</button>
        </form>
    }
}
