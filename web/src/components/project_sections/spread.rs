//! Spread and adoption, a section of the project page: how far its changes have spread as of a
//! day (derived from its adoptions, or set by hand with a reason) and how that changed; setting
//! it by hand and going back; the organisations and units that adopted it, with their stages;
//! and recording a new adoption.

use chrono::NaiveDate;
use qi_shared::{
    FieldError,
    capability::long_date,
    project::{Project, Spread},
    spread::{AdoptionQuery, AdoptionStage, SpreadSetting, SpreadView, network::NetworkQuery},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError, spread as spread_api},
    browser::today,
    components::{
        adoptions::{Adopters, AdoptionList, Origin, RecordAdoption, prefixed},
        form::{ErrorSummary, SelectField, Submit, TextArea, TextField, error_for},
        pagination::Pagination,
        states::Loading,
    },
    hooks::{Load, use_reload},
    route::Route,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub project: Project,
    /// After its level may have changed: the project's own spread (in its overview) with it.
    pub onchanged: Callback<()>,
}

#[function_component(SpreadSection)]
pub fn spread_section(props: &Props) -> Html {
    let id = props.project.id;
    let as_of = use_state(|| None::<NaiveDate>);
    let page = use_state(|| 1_u64);
    let (view, reload_view) = use_reload((id, *as_of), |(id, as_of)| spread_api::spread(id, as_of));
    let (adoptions, reload_adoptions) = use_reload((id, *page), |(id, page)| async move {
        let query = AdoptionQuery {
            project_id: Some(id),
            page: Some(page),
            ..Default::default()
        };
        spread_api::adoptions(&query).await
    });
    // The change ideas an adopter may take up, read again when the project (its diagram) changes,
    // keeping the form (and what it says) on screen meanwhile.
    let (ideas, _) = use_reload((id, props.project.version), |(id, _)| async move {
        let diagram = api::driver_diagram(id).await?;
        Ok::<_, ApiError>(
            diagram
                .change_ideas()
                .into_iter()
                .filter_map(|(idea, _, _)| Some((idea.id?, idea.text.clone())))
                .collect::<Vec<_>>(),
        )
    });
    let adopters = match use_session().actor() {
        Some(actor) if actor.can_record_adoption(Some(&props.project.access_context()), None) => {
            Adopters::Anyone
        }
        _ => Adopters::Own,
    };
    // An adoption's change moves the level too.
    let onchanged = {
        let (reload_view, reload_adoptions, changed) = (
            reload_view.clone(),
            reload_adoptions.clone(),
            props.onchanged.clone(),
        );
        Callback::from(move |()| {
            reload_view.emit(());
            reload_adoptions.emit(());
            changed.emit(());
        })
    };
    let onrecorded = {
        let (page, onchanged) = (page.clone(), onchanged.clone());
        Callback::from(move |()| {
            page.set(1);
            onchanged.emit(());
        })
    };
    let onset = {
        let (view, as_of, changed) = (view.clone(), as_of.clone(), props.onchanged.clone());
        Callback::from(move |now: SpreadView| {
            view.set(Load::Loaded(now));
            as_of.set(None);
            changed.emit(());
        })
    };

    let level = match &*view {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <p class="error-message" role="alert">{ error.message() }</p> }
        }
        Load::Loaded(v) => html! {
            <>
                { summary(v) }
                { as_of_field(*as_of, &as_of) }
                { history(v) }
                if v.can_set && as_of.is_none() {
                    <SetByHand project_id={id} view={v.clone()} onset={onset} />
                } else if v.can_set {
                    <p class="hint">{ "Show it as of today to set the level by hand." }</p>
                }
            </>
        },
    };
    let list = match &*adoptions {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <p class="error-message" role="alert">{ error.message() }</p> }
        }
        Load::Loaded(found) => html! {
            <>
                <AdoptionList adoptions={found.items.clone()} show_change_ideas=true onchanged={onchanged.clone()}
                    empty="No organisation has recorded adopting this project yet." />
                <Pagination info={found.page} onchange={{ let page = page.clone(); Callback::from(move |p| page.set(p)) }} />
            </>
        },
    };
    let form = match &*ideas {
        Load::Loading => html! { <Loading /> },
        loaded => {
            // Without the diagram the adoption is of the project as a whole.
            let ideas = match loaded {
                Load::Loaded(ideas) => ideas.clone(),
                _ => Vec::new(),
            };
            html! {
                <RecordAdoption origin={Origin::Project { id, ideas }} {adopters} prefix="adopt-"
                    title="Record an adoption" submit="Record the adoption" stage={AdoptionStage::Considering} {onrecorded} />
            }
        }
    };
    html! {
        <section class="section spread" aria-labelledby="spread">
            <h2 id="spread">{ "Spread and adoption" }</h2>
            <p class="hint">{ "How far this project's changes have spread: worked out from the organisations and units that record adopting them, unless set by hand with a reason." }</p>
            { level }
            <p>
                <Link<Route, NetworkQuery> to={Route::SpreadNetwork} query={Some(NetworkQuery { project_id: Some(id), ..NetworkQuery::default() })}>
                    { "See the path its idea travelled" }
                </Link<Route, NetworkQuery>>
            </p>
            <h3 id="adoptions">{ "Adoptions" }</h3>
            { list }
            { form }
            <p>
                { "Changes from outside the partnership, such as PINCER, have their own adoptions: see " }
                <Link<Route> to={Route::Innovations}>{ "Outside innovations" }</Link<Route>>{ "." }
            </p>
        </section>
    }
}

/// The level that day, and how it is known.
fn summary(v: &SpreadView) -> Html {
    let how = match v.set_by_hand.as_ref().filter(|s| s.level.is_some()) {
        Some(set) => {
            let by = set
                .by
                .as_ref()
                .map(|p| format!(" by {}", p.name))
                .unwrap_or_default();
            html! {
                <>
                    <strong class="tag tag--yellow">{ "Set by hand" }</strong>
                    { format!("{by} on {}: “{}”. ", long_date(set.on), set.reason) }
                    { format!("The adoptions say: {}.", v.derived.label()) }
                </>
            }
        }
        None => {
            let counting = match v.counting_adoptions {
                0 => "none counts yet (adopted or sustained)".to_owned(),
                1 => "1 adoption counts (adopted or sustained)".to_owned(),
                n => format!("{n} adoptions count (adopted or sustained)"),
            };
            html! {
                <>
                    <strong class="tag tag--blue">{ "Derived" }</strong>
                    { format!(" from its adoptions: {counting}.") }
                </>
            }
        }
    };
    html! {
        <dl class="summary-list spread__summary">
            <div class="summary-list__row">
                <dt>{ format!("Spread on {}", long_date(v.as_of)) }</dt>
                <dd class="spread__level"><strong>{ v.level.label() }</strong></dd>
            </div>
            <div class="summary-list__row">
                <dt>{ "How it is known" }</dt>
                <dd class="spread__how">{ how }</dd>
            </div>
        </dl>
    }
}

/// The day to show the spread as of (today when left as it is).
fn as_of_field(as_of: Option<NaiveDate>, state: &UseStateHandle<Option<NaiveDate>>) -> Html {
    let today = today();
    let oninput = {
        let state = state.clone();
        Callback::from(move |v: String| {
            // A day being typed is not a day yet: keep what is shown until it is one.
            if let Ok(day) = v.parse::<NaiveDate>() {
                state.set((day < today).then_some(day));
            }
        })
    };
    let back = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(None))
    };
    html! {
        <div class="spread__as-of">
            <TextField name="spread_as_of" label="As of" hint="See how far it had spread on an earlier day"
                input_type="date" width="10" value={as_of.unwrap_or(today).to_string()} max={today.to_string()} {oninput} />
            if as_of.is_some() {
                <button type="button" class="link-button" onclick={back}>{ "Show it as of today" }</button>
            }
        </div>
    }
}

/// Every change of level up to that day.
fn history(v: &SpreadView) -> Html {
    if v.history.is_empty() {
        return html! {
            <p class="empty">{ format!("No change of level up to {}: {}.", long_date(v.as_of), Spread::Unit.label().to_lowercase()) }</p>
        };
    }
    html! {
        <table class="table table--compact spread__history">
            <caption class="table__caption">{ format!("How its spread changed, up to {}", long_date(v.as_of)) }</caption>
            <thead><tr>
                <th scope="col">{ "From" }</th><th scope="col">{ "Level" }</th>
                <th scope="col">{ "How" }</th><th scope="col">{ "Reason" }</th>
            </tr></thead>
            <tbody>
                { for v.history.iter().map(|s| html! {
                    <tr>
                        <td data-label="From">{ long_date(s.from) }</td>
                        <td data-label="Level">{ s.level.label() }</td>
                        <td data-label="How">{ if s.by_hand { "Set by hand" } else { "Derived from adoptions" } }</td>
                        <td data-label="Reason">{ &s.reason }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// Starts the names of the setting's fields: the project page has other fields named `reason`.
const PREFIX: &str = "spread_";

#[derive(Properties, PartialEq)]
struct SetProps {
    project_id: i64,
    /// As of today.
    view: SpreadView,
    onset: Callback<SpreadView>,
}

/// For those who may change the project: set the level by hand with a reason, or go back to
/// what the adoptions say (after a confirmation).
#[function_component(SetByHand)]
fn set_by_hand(props: &SetProps) -> Html {
    let level = use_state(|| props.view.level);
    let reason = use_state(String::new);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    // The choice starts at the level now, and follows it when an adoption moves it.
    {
        let level = level.clone();
        use_effect_with(props.view.level, move |now| level.set(*now));
    }
    let id = props.project_id;
    let onsubmit = {
        let (level, reason, errors, message, busy, onset) = (
            level.clone(),
            reason.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onset.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            let setting = SpreadSetting {
                level: *level,
                reason: (*reason).clone(),
            };
            if let Err(found) = setting.validate() {
                errors.set(prefixed(PREFIX, found.0));
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (reason, errors, message, busy, onset) = (
                reason.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                onset.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match spread_api::set_spread(id, &setting).await {
                    Ok(now) => {
                        reason.set(String::new());
                        onset.emit(now);
                    }
                    Err(error) => {
                        errors.set(prefixed(PREFIX, error.fields()));
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
        let (message, busy, confirming, onset) = (
            message.clone(),
            busy.clone(),
            confirming.clone(),
            props.onset.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let (message, busy, confirming, onset) = (
                message.clone(),
                busy.clone(),
                confirming.clone(),
                onset.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match spread_api::clear_spread(id).await {
                    Ok(now) => onset.emit(now),
                    Err(error) => message.set(Some(error.message())),
                }
                confirming.set(false);
                busy.set(false);
            });
        })
    };
    let ask = |value: bool| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(value))
    };
    let options: Vec<(String, String)> = Spread::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect();
    let by_hand = props
        .view
        .set_by_hand
        .as_ref()
        .is_some_and(|s| s.level.is_some());
    html! {
        <div class="panel spread__set">
            <h3 id="spread-set-title">{ "Set the level by hand" }</h3>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            <form {onsubmit} novalidate=true aria-labelledby="spread-set-title">
                <p class="hint">{ "When the adoptions recorded here do not tell the whole story. It stays set until someone goes back to what the adoptions say." }</p>
                <SelectField name="spread_level" label="Spread level" options={options} value={level.as_str()}
                    onchange={{ let level = level.clone(); Callback::from(move |v: String| if let Some(s) = Spread::parse(&v) { level.set(s) }) }}
                    error={error_for(&errors, "spread_level")} />
                <TextArea name="spread_reason" label="Reason" hint="Why the adoptions do not tell it. Shown with the level."
                    value={(*reason).clone()} oninput={{ let reason = reason.clone(); Callback::from(move |v| reason.set(v)) }}
                    error={error_for(&errors, "spread_reason")} rows={2} />
                <Submit label="Set the level" busy={*busy} />
            </form>
            if by_hand {
                if *confirming {
                    <div class="confirm" role="alertdialog" aria-labelledby="spread-clear-title">
                        <h4 id="spread-clear-title" class="confirm__title">{ "Go back to what the adoptions say?" }</h4>
                        <p>{ format!("The level will follow the adoptions again: today they say “{}”. The setting by hand stays in the history.", props.view.derived.label()) }</p>
                        <div class="button-group">
                            <button type="button" class="button button--warning" onclick={clear} disabled={*busy}>{ "Yes, go back to the adoptions" }</button>
                            <button type="button" class="button button--secondary" onclick={ask(false)}>{ "Cancel" }</button>
                        </div>
                    </div>
                } else {
                    <button type="button" class="button button--secondary" onclick={ask(true)}>{ "Go back to what the adoptions say" }</button>
                }
            }
        </div>
    }
}
