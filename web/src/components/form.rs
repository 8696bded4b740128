//! Accessible form fields, NHS style: a label, an optional hint, the error (announced, tied to the
//! control with `aria-describedby`), and an error summary at the top of the form that links to
//! each failing field.

use qi_shared::FieldError;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The element id of a field named by the API (`organisation.ods_code` -> `organisation-ods_code`).
pub fn field_id(field: &str) -> String {
    field
        .replace(['.', '[', ']'], "-")
        .trim_end_matches('-')
        .to_owned()
}

/// The message for `field`, if it failed.
pub fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

#[derive(Properties, PartialEq)]
pub struct ErrorSummaryProps {
    pub errors: Vec<FieldError>,
    /// A problem that belongs to no field.
    #[prop_or_default]
    pub message: Option<String>,
}

/// "There is a problem", with a link to each field; takes focus so it is read out at once.
#[function_component(ErrorSummary)]
pub fn error_summary(props: &ErrorSummaryProps) -> Html {
    let node = use_node_ref();
    let shown = !props.errors.is_empty() || props.message.is_some();
    {
        let node = node.clone();
        use_effect_with((props.errors.clone(), props.message.clone()), move |_| {
            if let Some(element) = node.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    if !shown {
        return html! {};
    }
    html! {
        <div class="error-summary" role="alert" tabindex="-1" ref={node} aria-labelledby="error-summary-title">
            <h2 class="error-summary__title" id="error-summary-title">{ "There is a problem" }</h2>
            <ul class="error-summary__list">
                if let Some(message) = &props.message {
                    <li>{ message }</li>
                }
                { for props.errors.iter().map(|e| html! {
                    <li><a href={format!("#{}", field_id(&e.field))}>{ &e.message }</a></li>
                }) }
            </ul>
        </div>
    }
}

/// What every labelled field shares: its element id, and the ids its control names in
/// `aria-describedby` (its hint and its error, when shown).
struct Frame {
    id: String,
    described: Option<String>,
}

impl Frame {
    fn new(name: &str, hint: bool, error: bool) -> Self {
        let id = field_id(name);
        let parts: Vec<String> = [
            hint.then(|| format!("{id}-hint")),
            error.then(|| format!("{id}-error")),
        ]
        .into_iter()
        .flatten()
        .collect();
        Self {
            described: (!parts.is_empty()).then(|| parts.join(" ")),
            id,
        }
    }

    /// The form group around `control`: label, hint and error, in the NHS order.
    fn wrap(
        &self,
        label: &AttrValue,
        hint: Option<&AttrValue>,
        error: Option<&String>,
        control: Html,
    ) -> Html {
        let id = &self.id;
        html! {
            <div class={classes!("form-group", error.is_some().then_some("form-group--error"))}>
                <label class="label" for={id.clone()}>{ label }</label>
                if let Some(hint) = hint {
                    <div class="hint" id={format!("{id}-hint")}>{ hint }</div>
                }
                if let Some(error) = error {
                    <p class="error-message" id={format!("{id}-error")}><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
                }
                { control }
            </div>
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The API's name for the field; the element id derives from it.
    pub name: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or(AttrValue::Static("text"))]
    pub input_type: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub width: Option<AttrValue>,
    /// The latest value a date field takes (`YYYY-MM-DD`): the browser's picker stops there.
    #[prop_or_default]
    pub max: Option<AttrValue>,
}

#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let frame = Frame::new(&props.name, props.hint.is_some(), props.error.is_some());
    let oninput = {
        let oninput = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                oninput.emit(input.value());
            }
        })
    };
    let control = html! {
            <input
                class={classes!("input", props.width.as_ref().map(|w| format!("input--{w}")), props.error.is_some().then_some("input--error"))}
                id={frame.id.clone()}
                name={props.name.clone()}
                type={props.input_type.clone()}
                value={props.value.clone()}
                autocomplete={props.autocomplete.clone()}
                max={props.max.clone()}
                aria-describedby={frame.described.clone()}
                aria-invalid={props.error.is_some().then_some("true")}
                {oninput}
            />
    };
    frame.wrap(
        &props.label,
        props.hint.as_ref(),
        props.error.as_ref(),
        control,
    )
}

#[derive(Properties, PartialEq)]
pub struct SelectFieldProps {
    pub name: AttrValue,
    pub label: AttrValue,
    /// (value, label) pairs.
    pub options: Vec<(String, String)>,
    pub value: AttrValue,
    pub onchange: Callback<String>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

#[function_component(SelectField)]
pub fn select_field(props: &SelectFieldProps) -> Html {
    let frame = Frame::new(&props.name, props.hint.is_some(), props.error.is_some());
    let onchange = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                onchange.emit(select.value());
            }
        })
    };
    let control = html! {
            <select
                class={classes!("select", props.error.is_some().then_some("select--error"))}
                id={frame.id.clone()}
                name={props.name.clone()}
                aria-describedby={frame.described.clone()}
                aria-invalid={props.error.is_some().then_some("true")}
                {onchange}
            >
                { for props.options.iter().map(|(value, label)| html! {
                    <option value={value.clone()} selected={*value == *props.value}>{ label }</option>
                }) }
            </select>
    };
    frame.wrap(
        &props.label,
        props.hint.as_ref(),
        props.error.as_ref(),
        control,
    )
}

#[derive(Properties, PartialEq)]
pub struct CheckboxProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    pub onchange: Callback<bool>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

#[function_component(Checkbox)]
pub fn checkbox(props: &CheckboxProps) -> Html {
    let hint_id = format!("{}-hint", props.id);
    let onchange = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                onchange.emit(input.checked());
            }
        })
    };
    html! {
        <div class="checkbox">
            <input class="checkbox__input" type="checkbox" id={props.id.clone()} checked={props.checked}
                aria-describedby={props.hint.as_ref().map(|_| hint_id.clone())} {onchange} />
            <label class="checkbox__label" for={props.id.clone()}>{ &props.label }</label>
            if let Some(hint) = &props.hint {
                <div class="hint checkbox__hint" id={hint_id}>{ hint }</div>
            }
        </div>
    }
}

/// A button that shows it is working while a request is in flight.
#[derive(Properties, PartialEq)]
pub struct SubmitProps {
    pub label: AttrValue,
    pub busy: bool,
    #[prop_or_default]
    pub secondary: bool,
}

#[function_component(Submit)]
pub fn submit(props: &SubmitProps) -> Html {
    html! {
        <button type="submit" class={classes!("button", props.secondary.then_some("button--secondary"))}
            disabled={props.busy} aria-disabled={props.busy.then_some("true")}>
            { if props.busy { AttrValue::from("Please wait…") } else { props.label.clone() } }
        </button>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextAreaProps {
    pub name: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or(4)]
    pub rows: u32,
}

#[function_component(TextArea)]
pub fn text_area(props: &TextAreaProps) -> Html {
    let frame = Frame::new(&props.name, props.hint.is_some(), props.error.is_some());
    let oninput = {
        let oninput = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                oninput.emit(area.value());
            }
        })
    };
    let control = html! {
            <textarea
                class={classes!("textarea", props.error.is_some().then_some("input--error"))}
                id={frame.id.clone()}
                name={props.name.clone()}
                rows={props.rows.to_string()}
                value={props.value.clone()}
                aria-describedby={frame.described.clone()}
                aria-invalid={props.error.is_some().then_some("true")}
                {oninput}
            />
    };
    frame.wrap(
        &props.label,
        props.hint.as_ref(),
        props.error.as_ref(),
        control,
    )
}

/// Select options from (value, label) pairs, with a first "any" option when given.
pub fn options<'a>(
    any: Option<&str>,
    values: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(String, String)> {
    any.map(|label| (String::new(), label.to_owned()))
        .into_iter()
        .chain(
            values
                .into_iter()
                .map(|(v, l)| (v.to_owned(), l.to_owned())),
        )
        .collect()
}
