//! Writing a comment: the comment box with its @-mention picker (typing "@" and part of a name
//! suggests people who may see the project; picking one writes "@Full Name " into the text and
//! remembers who), and the mentions a text still names when it is sent.

use qi_shared::training::PersonRef;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api;

/// The longest name fragment after "@" that is still looked up.
const MAX_QUERY: usize = 40;

/// The "@name" being typed just before the caret: the byte offset of its "@" and the name so far.
fn mention_at(text: &str, caret: usize) -> Option<(usize, &str)> {
    let before = text.get(..caret)?;
    let at = before.rfind('@')?;
    // An "@" inside a word (an email address) is not a mention.
    if before[..at]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace() && c != '(')
    {
        return None;
    }
    let query = &before[at + 1..];
    let fits = !query.is_empty()
        && query.chars().count() <= MAX_QUERY
        && !query.starts_with(' ')
        && !query.contains('\n');
    fits.then_some((at, query))
}

/// The byte offset of a UTF-16 position (the browser's `selectionStart`) in `text`.
fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (offset, c) in text.char_indices() {
        if units >= utf16 {
            return offset;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The people picked whose "@Name" the text still has: the ones a comment is sent with.
pub fn still_mentioned(body: &str, picked: &[PersonRef]) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    for person in picked {
        if body.contains(&format!("@{}", person.name)) && !ids.contains(&person.id) {
            ids.push(person.id);
        }
    }
    ids
}

#[derive(Properties, PartialEq)]
pub struct CommentBoxProps {
    pub project_id: i64,
    /// The element id (unique on the page, as several boxes may be open at once).
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    /// A person picked from the suggestions.
    pub onmention: Callback<PersonRef>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or(4)]
    pub rows: u32,
}

/// A labelled text area (as `form::TextArea`) that suggests people to mention after an "@".
#[function_component(CommentBox)]
pub fn comment_box(props: &CommentBoxProps) -> Html {
    let node = use_node_ref();
    let suggestions = use_state(Vec::<PersonRef>::new);
    // Where the "@name" being typed sits, to replace it with the name picked.
    let typing = use_state(|| None::<(usize, usize)>);
    // Only the latest lookup's answer is shown, whatever order the answers come in.
    let asked = use_mut_ref(|| 0u32);
    let id = props.id.to_string();
    let oninput = {
        let (suggestions, typing, asked, oninput, project_id) = (
            suggestions.clone(),
            typing.clone(),
            asked.clone(),
            props.oninput.clone(),
            props.project_id,
        );
        Callback::from(move |e: InputEvent| {
            let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let text = area.value();
            let caret = area
                .selection_start()
                .ok()
                .flatten()
                .map(|c| byte_offset(&text, c))
                .unwrap_or(text.len());
            let found = mention_at(&text, caret).map(|(at, q)| (at, q.to_owned()));
            oninput.emit(text);
            *asked.borrow_mut() += 1;
            let Some((at, query)) = found else {
                typing.set(None);
                suggestions.set(Vec::new());
                return;
            };
            typing.set(Some((at, caret)));
            let ticket = *asked.borrow();
            let (suggestions, asked) = (suggestions.clone(), asked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // A failed lookup just suggests nobody; the text is still sent as typed.
                let people = api::comments::mentionable(project_id, &query)
                    .await
                    .unwrap_or_default();
                if *asked.borrow() == ticket {
                    suggestions.set(people);
                }
            });
        })
    };
    let pick = |person: &PersonRef| {
        let (suggestions, typing, node, oninput, onmention, value, person) = (
            suggestions.clone(),
            typing.clone(),
            node.clone(),
            props.oninput.clone(),
            props.onmention.clone(),
            props.value.to_string(),
            person.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some((at, caret)) = *typing else {
                return;
            };
            let (Some(head), Some(tail)) = (value.get(..at), value.get(caret..)) else {
                return;
            };
            let inserted = format!("@{} ", person.name);
            let text = format!("{head}{inserted}{tail}");
            let caret = (head.encode_utf16().count() + inserted.encode_utf16().count()) as u32;
            oninput.emit(text);
            onmention.emit(person.clone());
            typing.set(None);
            suggestions.set(Vec::new());
            if let Some(area) = node.cast::<HtmlTextAreaElement>() {
                let _ = area.focus();
                let _ = area.set_selection_range(caret, caret);
            }
        })
    };
    let described: Vec<String> = [
        props.hint.as_ref().map(|_| format!("{id}-hint")),
        props.error.as_ref().map(|_| format!("{id}-error")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let status = match suggestions.len() {
        0 => String::new(),
        1 => "1 person to mention: choose below".to_owned(),
        n => format!("{n} people to mention: choose below"),
    };
    html! {
        <div class={classes!("form-group", props.error.is_some().then_some("form-group--error"))}>
            <label class="label" for={id.clone()}>{ &props.label }</label>
            if let Some(hint) = &props.hint {
                <div class="hint" id={format!("{id}-hint")}>{ hint }</div>
            }
            if let Some(error) = &props.error {
                <p class="error-message" id={format!("{id}-error")}><span class="visually-hidden">{ "Error: " }</span>{ error }</p>
            }
            <textarea ref={node.clone()}
                class={classes!("textarea", props.error.is_some().then_some("input--error"))}
                id={id.clone()} name={id.clone()} rows={props.rows.to_string()}
                value={props.value.clone()}
                aria-describedby={(!described.is_empty()).then(|| described.join(" "))}
                aria-invalid={props.error.is_some().then_some("true")}
                {oninput}
            />
            <p class="visually-hidden" role="status" aria-live="polite">{ status }</p>
            if !suggestions.is_empty() {
                <ul class="mentions" aria-label="People to mention">
                    { for suggestions.iter().map(|p| html! {
                        <li><button type="button" class="link-button" onclick={pick(p)}>{ format!("Mention {}", p.name) }</button></li>
                    }) }
                </ul>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_is_the_at_sign_and_a_name_before_the_caret() {
        assert_eq!(mention_at("Thanks @Gra", 11), Some((7, "Gra")));
        assert_eq!(mention_at("@Grace L", 8), Some((0, "Grace L")));
        assert_eq!(mention_at("mail a@b.org", 12), None);
        assert_eq!(mention_at("@ Grace", 7), None);
        assert_eq!(mention_at("@", 1), None);
        assert_eq!(mention_at("@Grace\nthanks", 13), None);
    }

    #[test]
    fn only_the_people_still_named_are_mentioned() {
        let grace = PersonRef {
            id: 3,
            name: "Grace Lee".into(),
            organisation_id: 1,
        };
        let tom = PersonRef {
            id: 4,
            name: "Tom Okafor".into(),
            organisation_id: 1,
        };
        assert_eq!(
            still_mentioned("Ask @Grace Lee", &[grace.clone(), tom, grace]),
            vec![3]
        );
        assert_eq!(byte_offset("é@a", 2), 3);
    }
}
