//! The driver diagram section of a project page: the drawing, and for the team an editor that
//! works on the tree (add, rename, remove nodes) and saves it whole.

use qi_shared::{
    FieldError,
    improvement::{ChangeIdeaNode, DriverDiagram, PrimaryDriver, SecondaryDriver},
    project::Project,
};
use yew::prelude::*;

use crate::{
    api,
    components::{
        driver_diagram::DriverDiagramView,
        form::{ErrorSummary, error_for, field_id},
        states::Loading,
    },
    hooks::{Load, use_load},
};

/// A change to the draft diagram from a text field.
type Edit = dyn Fn(&mut DriverDiagram, String);

#[derive(Properties, PartialEq)]
pub struct Props {
    pub project: Project,
    pub can_edit: bool,
    /// After a save: the project's version has moved on.
    pub onsaved: Callback<()>,
}

#[function_component(DiagramSection)]
pub fn diagram_section(props: &Props) -> Html {
    let id = props.project.id;
    let loaded = use_load(id, |id| async move { api::driver_diagram(id).await });
    let editing = use_state(|| None::<DriverDiagram>);
    let errors = use_state(Vec::<FieldError>::new);
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let diagram = match &*loaded {
        Load::Loading => {
            return html! { <><h2 id="driver-diagram">{ "Driver diagram" }</h2><Loading /></> };
        }
        Load::Failed(error) => {
            return html! { <><h2 id="driver-diagram">{ "Driver diagram" }</h2><p>{ error.message() }</p></> };
        }
        Load::Loaded(d) => d.clone(),
    };

    let Some(draft) = (*editing).clone() else {
        let start = {
            let (editing, diagram) = (editing.clone(), diagram.clone());
            Callback::from(move |_: MouseEvent| editing.set(Some(diagram.clone())))
        };
        return html! {
            <>
                <h2 id="driver-diagram">{ "Driver diagram" }</h2>
                <DriverDiagramView diagram={diagram} />
                if props.can_edit {
                    <button type="button" class="button button--secondary" onclick={start}>{ "Edit driver diagram" }</button>
                }
            </>
        };
    };

    // Every edit clones the draft, changes it, and stores it back.
    let edit = |change: Box<Edit>| {
        let (editing, draft) = (editing.clone(), draft.clone());
        let change = std::rc::Rc::new(change);
        Callback::from(move |value: String| {
            let mut next = draft.clone();
            change(&mut next, value);
            editing.set(Some(next));
        })
    };
    let click = |change: Box<dyn Fn(&mut DriverDiagram)>| {
        let (editing, draft) = (editing.clone(), draft.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = draft.clone();
            change(&mut next);
            editing.set(Some(next));
        })
    };
    let save = {
        let (draft, loaded, editing, errors, message, busy, onsaved, version) = (
            draft.clone(),
            loaded.clone(),
            editing.clone(),
            errors.clone(),
            message.clone(),
            busy.clone(),
            props.onsaved.clone(),
            props.project.version,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            message.set(None);
            if let Err(found) = draft.validate() {
                errors.set(found.0);
                return;
            }
            errors.set(Vec::new());
            busy.set(true);
            let (draft, loaded, editing, errors, message, busy, onsaved) = (
                draft.clone(),
                loaded.clone(),
                editing.clone(),
                errors.clone(),
                message.clone(),
                busy.clone(),
                onsaved.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::replace_driver_diagram(id, version, &draft).await {
                    Ok(saved) => {
                        loaded.set(Load::Loaded(saved));
                        editing.set(None);
                        onsaved.emit(());
                    }
                    Err(error) if error.is_stale() => message.set(Some(
                        "Someone else changed this project while you were editing. Copy anything you need, then cancel and edit again to see their changes.".to_owned(),
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
    let cancel = {
        let (editing, errors, message) = (editing.clone(), errors.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            editing.set(None);
            errors.set(Vec::new());
            message.set(None);
        })
    };

    let node_input = |field: String,
                      label: String,
                      value: &str,
                      on: Callback<String>,
                      remove: Callback<MouseEvent>| {
        let id = field_id(&field);
        let error = error_for(&errors, &field);
        html! {
            <div class={classes!("tree-node", error.is_some().then_some("form-group--error"))}>
                <label class="label" for={id.clone()}>{ label.clone() }</label>
                if let Some(error) = error {
                    <p class="error-message" id={format!("{id}-error")}><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                }
                <div class="tree-node__row">
                    <input class="input" id={id.clone()} value={value.to_owned()}
                        oninput={Callback::from(move |e: InputEvent| {
                            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() { on.emit(input.value()); }
                        })} />
                    <button type="button" class="button button--secondary button--small" onclick={remove} aria-label={format!("Remove {}", label.to_lowercase())}>{ "Remove" }</button>
                </div>
            </div>
        }
    };

    let primaries = draft.primary_drivers.iter().enumerate().map(|(p, primary)| {
        let base = format!("primary_drivers[{p}]");
        let secondaries = primary.secondary_drivers.iter().enumerate().map(|(s, secondary)| {
            let sbase = format!("{base}.secondary_drivers[{s}]");
            let ideas = secondary.change_ideas.iter().enumerate().map(|(c, idea)| {
                node_input(
                    format!("{sbase}.change_ideas[{c}].text"),
                    format!("Change idea {}.{}.{}", p + 1, s + 1, c + 1),
                    &idea.text,
                    edit(Box::new(move |d, v| d.primary_drivers[p].secondary_drivers[s].change_ideas[c].text = v)),
                    click(Box::new(move |d| {
                        d.primary_drivers[p].secondary_drivers[s].change_ideas.remove(c);
                    })),
                )
            });
            html! {
                <li class="tree__item">
                    { node_input(format!("{sbase}.text"), format!("Secondary driver {}.{}", p + 1, s + 1), &secondary.text,
                        edit(Box::new(move |d, v| d.primary_drivers[p].secondary_drivers[s].text = v)),
                        click(Box::new(move |d| { d.primary_drivers[p].secondary_drivers.remove(s); }))) }
                    <ul class="tree">{ for ideas.map(|i| html! { <li class="tree__item">{ i }</li> }) }</ul>
                    <button type="button" class="link-button" onclick={click(Box::new(move |d| {
                        d.primary_drivers[p].secondary_drivers[s].change_ideas.push(ChangeIdeaNode::default());
                    }))}>{ format!("Add a change idea to secondary driver {}.{}", p + 1, s + 1) }</button>
                </li>
            }
        });
        let ideas = primary.change_ideas.iter().enumerate().map(|(c, idea)| {
            node_input(
                format!("{base}.change_ideas[{c}].text"),
                format!("Change idea {}.{}", p + 1, c + 1),
                &idea.text,
                edit(Box::new(move |d, v| d.primary_drivers[p].change_ideas[c].text = v)),
                click(Box::new(move |d| {
                    d.primary_drivers[p].change_ideas.remove(c);
                })),
            )
        });
        html! {
            <li class="tree__item tree__item--primary">
                { node_input(format!("{base}.text"), format!("Primary driver {}", p + 1), &primary.text,
                    edit(Box::new(move |d, v| d.primary_drivers[p].text = v)),
                    click(Box::new(move |d| { d.primary_drivers.remove(p); }))) }
                <ul class="tree">
                    { for secondaries }
                    { for ideas.map(|i| html! { <li class="tree__item">{ i }</li> }) }
                </ul>
                <div class="button-group">
                    <button type="button" class="link-button" onclick={click(Box::new(move |d| {
                        d.primary_drivers[p].secondary_drivers.push(SecondaryDriver::default());
                    }))}>{ format!("Add a secondary driver to primary driver {}", p + 1) }</button>
                    <button type="button" class="link-button" onclick={click(Box::new(move |d| {
                        d.primary_drivers[p].change_ideas.push(ChangeIdeaNode::default());
                    }))}>{ format!("Add a change idea to primary driver {}", p + 1) }</button>
                </div>
            </li>
        }
    });

    html! {
        <>
            <h2 id="driver-diagram">{ "Driver diagram" }</h2>
            <form class="diagram-editor" onsubmit={save} novalidate=true>
                <ErrorSummary errors={(*errors).clone()} message={(*message).clone()} />
                <p>{ format!("Aim: {}", draft.aim) }</p>
                <p class="hint">{ "Change the aim by editing the project. Change ideas with PDSA cycles cannot be removed." }</p>
                <ul class="tree tree--root">{ for primaries }</ul>
                <button type="button" class="button button--secondary" onclick={click(Box::new(|d| d.primary_drivers.push(PrimaryDriver::default())))}>
                    { "Add a primary driver" }
                </button>
                <div class="button-group">
                    <button type="submit" class="button" disabled={*busy}>{ "Save driver diagram" }</button>
                    <button type="button" class="button button--secondary" onclick={cancel}>{ "Cancel" }</button>
                </div>
            </form>
        </>
    }
}
