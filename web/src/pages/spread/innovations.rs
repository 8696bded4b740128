//! Outside innovations: changes from outside the partnership (a national programme such as
//! PINCER, a NICE-endorsed tool, another system's published change), the partner organisations
//! that adopted each and where they stand, recording that one's organisation adopted one, and
//! adding a new innovation (organisation and partnership admins).

use qi_shared::{
    FieldError,
    spread::{AdoptionQuery, AdoptionStage, Innovation, InnovationInput},
};
use yew::prelude::*;

use crate::{
    api::spread as api,
    components::{
        adoptions::{Adopters, AdoptionList, Origin, RecordAdoption},
        form::{ErrorSummary, Submit, TextArea, TextField, error_for},
        pagination::Pagination,
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_reload},
    session::use_session,
};

#[function_component(InnovationsPage)]
pub fn innovations_page() -> Html {
    crate::browser::set_title("Outside innovations");
    let page = use_state(|| 1_u64);
    let (innovations, reload) = use_reload(*page, api::innovations);
    let onadded = {
        let (page, reload) = (page.clone(), reload.clone());
        Callback::from(move |()| {
            if *page == 1 {
                reload.emit(());
            } else {
                page.set(1);
            }
        })
    };
    let list = match &*innovations {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(found) if found.items.is_empty() => html! {
            <Empty>{ "No outside innovations yet. Add the first one below." }</Empty>
        },
        Load::Loaded(found) => html! {
            <>
                { for found.items.iter().map(|i| html! {
                    <InnovationItem key={i.id} innovation={i.clone()} onchanged={reload.clone()} />
                }) }
                <Pagination info={found.page} onchange={{ let page = page.clone(); Callback::from(move |p| page.set(p)) }} />
            </>
        },
    };
    html! {
        <>
            <span class="caption">{ "Adoption and spread" }</span>
            <h1>{ "Outside innovations" }</h1>
            <p class="lead">{ "Changes from outside the partnership, such as national programmes, NICE-endorsed tools and other systems' published changes, and the partner organisations that have adopted them." }</p>
            { list }
            <AddInnovation {onadded} />
        </>
    }
}

fn adoptions_text(n: u32) -> String {
    match n {
        0 => "Not adopted by a partner organisation yet".to_owned(),
        1 => "1 adoption by a partner organisation".to_owned(),
        n => format!("{n} adoptions by partner organisations"),
    }
}

#[derive(Properties, PartialEq)]
struct ItemProps {
    innovation: Innovation,
    /// After an adoption was recorded or changed: its count moved.
    onchanged: Callback<()>,
}

/// An innovation, its adoptions and the form to record one.
#[function_component(InnovationItem)]
fn innovation_item(props: &ItemProps) -> Html {
    let i = &props.innovation;
    let id = i.id;
    let page = use_state(|| 1_u64);
    let recording = use_state(|| false);
    let (adoptions, reload) = use_reload((id, *page), |(id, page)| async move {
        let query = AdoptionQuery {
            innovation_id: Some(id),
            page: Some(page),
            ..Default::default()
        };
        api::adoptions(&query).await
    });
    // Partnership admins record any partner's adoption; everyone else their own organisation's.
    let adopters = match use_session().actor() {
        Some(actor) if actor.can_record_adoption(None, None) => Adopters::Partners,
        _ => Adopters::Own,
    };
    let onchanged = {
        let (reload, onchanged) = (reload.clone(), props.onchanged.clone());
        Callback::from(move |()| {
            reload.emit(());
            onchanged.emit(());
        })
    };
    let toggle = {
        let recording = recording.clone();
        Callback::from(move |_: MouseEvent| recording.set(!*recording))
    };
    let title_id = format!("innovation-{id}");
    let list = match &*adoptions {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => {
            html! { <p class="error-message" role="alert">{ error.message() }</p> }
        }
        Load::Loaded(found) => html! {
            <>
                <AdoptionList adoptions={found.items.clone()} onchanged={onchanged.clone()}
                    empty="No partner organisation has recorded adopting it yet." />
                <Pagination info={found.page} onchange={{ let page = page.clone(); Callback::from(move |p| page.set(p)) }} />
            </>
        },
    };
    html! {
        <section class="innovation" aria-labelledby={title_id.clone()}>
            <h2 id={title_id}>{ &i.name }</h2>
            if !i.source.is_empty() {
                <p class="innovation__source">{ format!("From {}", i.source) }</p>
            }
            if !i.description.is_empty() {
                <p class="innovation__description">{ &i.description }</p>
            }
            <p class="innovation__count"><strong>{ adoptions_text(i.adoptions) }</strong></p>
            <h3>{ format!("Adoptions of {}", i.name) }</h3>
            { list }
            <button type="button" class="button button--secondary" aria-expanded={recording.to_string()} onclick={toggle}>
                { if *recording { format!("Close the form for {}", i.name) } else { format!("Record that we adopted {}", i.name) } }
            </button>
            if *recording {
                <RecordAdoption origin={Origin::Innovation(id)} {adopters} prefix={format!("innovation-{id}-")}
                    title={format!("Record that we adopted {}", i.name)} submit="Record the adoption"
                    stage={AdoptionStage::Adopted} onrecorded={onchanged} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AddProps {
    onadded: Callback<()>,
}

/// A new innovation: shown to everyone, added by organisation and partnership admins.
#[function_component(AddInnovation)]
fn add_innovation(props: &AddProps) -> Html {
    let draft = use_state(|| InnovationInput {
        name: String::new(),
        source: String::new(),
        description: String::new(),
    });
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let added = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let update = |edit: fn(&mut InnovationInput, String)| {
        let draft = draft.clone();
        Callback::from(move |value: String| {
            let mut next = (*draft).clone();
            edit(&mut next, value);
            draft.set(next);
        })
    };
    let onsubmit = {
        let (draft, errors, message, added, busy, onadded) = (
            draft.clone(),
            errors.clone(),
            message.clone(),
            added.clone(),
            busy.clone(),
            props.onadded.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            added.set(None);
            let input = (*draft).clone();
            if let Err(found) = input.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (draft, errors, message, added, busy, onadded) = (
                draft.clone(),
                errors.clone(),
                message.clone(),
                added.clone(),
                busy.clone(),
                onadded.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::create_innovation(&input).await {
                    Ok(innovation) => {
                        added.set(Some(format!("Added {}.", innovation.name)));
                        draft.set(InnovationInput {
                            name: String::new(),
                            source: String::new(),
                            description: String::new(),
                        });
                        onadded.emit(());
                    }
                    Err(error) if error.is_forbidden() => message.set(Some(
                        "Only organisation admins and partnership admins can add an innovation. Ask your organisation's QI lead to add it.".to_owned(),
                    )),
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
    html! {
        <form class="panel narrow innovation-form" {onsubmit} novalidate=true aria-labelledby="add-innovation">
            <h2 id="add-innovation">{ "Add an innovation" }</h2>
            <p class="hint">{ "Organisation admins and partnership admins add innovations; anyone can record that their organisation adopted one." }</p>
            <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
            if let Some(text) = &*added {
                <p class="adoption-form__done" role="status">{ text }</p>
            }
            <TextField name="name" label="Name" hint="For example: PINCER" value={d.name.clone()}
                oninput={update(|d, v| d.name = v)} error={error_for(&errors, "name")} />
            <TextField name="source" label="Source (optional)" hint="Who runs or published it" value={d.source.clone()}
                oninput={update(|d, v| d.source = v)} error={error_for(&errors, "source")} />
            <TextArea name="description" label="Description (optional)" value={d.description.clone()}
                oninput={update(|d, v| d.description = v)} error={error_for(&errors, "description")} rows={4} />
            <Submit label="Add the innovation" busy={*busy} />
        </form>
    }
}
