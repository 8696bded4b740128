//! Field-level validation results, shared by the API's problem documents and the web app's forms.

use serde::{Deserialize, Serialize};

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as sent, with dots for nesting (`organisation.ods_code`).
    pub field: String,
    /// What is wrong with it, in words a person can act on.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Collects field errors while a whole input is checked, so a form shows every problem at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Records the error of a parse under `field` and gives back the value if it parsed.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.push(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The same errors, of an input sent as the field `parent` of a larger one
    /// (`rating` becomes `feedback.rating`).
    pub fn within(self, parent: &str) -> Self {
        Self(
            self.0
                .into_iter()
                .map(|e| FieldError::new(format!("{parent}.{}", e.field), e.message))
                .collect(),
        )
    }

    /// Ends a validation: `Ok(value)` when no field failed.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            // Every field parsed, so every `Option` the closure unwraps is `Some`.
            value().ok_or(self)
        } else {
            Err(self)
        }
    }
}

/// The API document's `pattern` for a text field that must be given: no control character, and
/// at least one character that is not white space (Rust's `char::is_whitespace`, spelt out
/// because `\s` differs between JavaScript, Python and Rust). Fields take it as a literal
/// (utoipa's attributes take no constants); a test of the API crate holds the two equal.
pub const REQUIRED_TEXT_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$";

/// The API document's `pattern` for a text field that may be empty: no control character.
pub const OPTIONAL_TEXT_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*$";

/// Checks a text field as sent and gives it back trimmed: at most `max` characters and no
/// control character in the value as sent, and at least `min` characters once trimmed.
///
/// The length and the control characters are those of the value as sent, not of the trimmed
/// one, so that the API document can state them (`maxLength`, `pattern`) and mean them: were
/// they checked after trimming, a value over `maxLength` with spaces around it, or with a
/// line break at its end, would be accepted although the document refuses it. Spaces around
/// a value are still dropped, and a value of white space alone is no value.
pub fn text(raw: &str, what: &str, min: usize, max: usize) -> Result<String, String> {
    let trimmed = raw.trim();
    if trimmed.chars().count() < min {
        return Err(if min <= 1 {
            format!("Enter {what}")
        } else {
            format!("{} must be at least {min} characters", capitalise(what))
        });
    }
    if raw.chars().count() > max {
        return Err(format!(
            "{} must be {max} characters or fewer",
            capitalise(what)
        ));
    }
    if raw.chars().any(char::is_control) {
        return Err(format!(
            "{} must not contain control characters",
            capitalise(what)
        ));
    }
    Ok(trimmed.to_owned())
}

/// Names each id of `ids` (field `field`) that an earlier one repeats: `field[i]`, "This {what} is
/// listed twice".
pub fn listed_twice(errors: &mut FieldErrors, field: &str, ids: &[i64], what: &str) {
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            errors.push(
                format!("{field}[{i}]"),
                format!("This {what} is listed twice"),
            );
        }
    }
}

/// The API document's `pattern` for free text of several lines: no control characters but
/// tabs and line breaks.
pub const PARAGRAPHS_PATTERN: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$";

/// Free text of several lines: at most `max` characters and no control characters but line
/// breaks and tabs, as sent (as `validation::text` says why), then trimmed.
pub fn paragraphs(raw: &str, what: &str, max: usize) -> Result<String, String> {
    if raw.chars().count() > max {
        return Err(format!("{what} must be {max} characters or fewer"));
    }
    let trimmed = raw.trim();
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(format!("{what} must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

/// An optional field after checking: absent stays `Some(None)`, parsed becomes `Some(Some(v))`,
/// and a failed parse becomes `None`, which makes the whole `finish` closure give up.
pub fn present<T>(field: Option<Option<T>>) -> Option<Option<T>> {
    match field {
        None => Some(None),
        Some(parsed) => parsed.map(Some),
    }
}

fn capitalise(s: &str) -> String {
    let s = s
        .strip_prefix("a ")
        .or_else(|| s.strip_prefix("an "))
        .or_else(|| s.strip_prefix("the "))
        .unwrap_or(s);
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The most characters of a venue, and of an online link.
pub const MAX_VENUE: usize = 300;
pub const MAX_LINK: usize = 500;

/// Where something meets: a venue, an `https://` (or `http://`) link, or both, but not neither.
/// Gives back both, trimmed, if they are good (errors on `venue` and `online_link`).
pub fn venue_or_link(
    errors: &mut FieldErrors,
    venue: &str,
    link: &str,
) -> (Option<String>, Option<String>) {
    let venue = errors.check("venue", text(venue, "the venue", 0, MAX_VENUE));
    let link = errors.check("online_link", text(link, "the online link", 0, MAX_LINK));
    if let Some(link) = &link
        && !link.is_empty()
        && !(link.starts_with("https://") || link.starts_with("http://"))
    {
        errors.push("online_link", "The online link must start with https://");
    }
    if venue.as_deref() == Some("") && link.as_deref() == Some("") {
        errors.push("venue", "Give a venue or an online link");
    }
    (venue, link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_within_a_larger_input_name_the_whole_path() {
        let mut errors = FieldErrors::new();
        errors.push("rating", "Choose a rating from 1 to 5");
        errors.push("answers[0]", "Too long");
        let fields: Vec<String> = errors
            .within("feedback")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["feedback.rating", "feedback.answers[0]"]);
    }

    #[test]
    fn text_trims_and_enforces_length() {
        assert_eq!(text("  Ward 7  ", "a name", 1, 10), Ok("Ward 7".to_owned()));
        assert_eq!(text("   ", "a name", 1, 10), Err("Enter a name".to_owned()));
        assert_eq!(text("", "the venue", 0, 10), Ok(String::new()));
        assert_eq!(
            text("abcdefghijk", "a name", 1, 10),
            Err("Name must be 10 characters or fewer".to_owned())
        );
        assert_eq!(
            text("ab", "a password", 3, 10),
            Err("Password must be at least 3 characters".to_owned())
        );
        assert!(text("a\u{0}b", "a name", 1, 10).is_err());
    }

    #[test]
    fn text_counts_and_checks_the_value_as_sent() {
        // What the document states (maxLength, pattern) holds of the value as sent.
        assert_eq!(
            text("abcdefghij", "a name", 1, 10),
            Ok("abcdefghij".to_owned())
        );
        assert_eq!(
            text(" abcdefghij", "a name", 1, 10),
            Err("Name must be 10 characters or fewer".to_owned())
        );
        assert_eq!(text("éééé", "a name", 1, 4), Ok("éééé".to_owned()));
        for raw in ["Ward 7\n", "\tWard 7", "Ward\u{7f}7", "Ward 7\u{85}"] {
            assert_eq!(
                text(raw, "a name", 1, 10),
                Err("Name must not contain control characters".to_owned()),
                "{raw:?}"
            );
        }
        // White space that is not a control character is trimmed, and alone is no value.
        assert_eq!(
            text("\u{a0}Ward\u{3000}", "a name", 1, 10),
            Ok("Ward".to_owned())
        );
        assert_eq!(
            text("\u{2003}\u{a0}", "a name", 1, 10),
            Err("Enter a name".to_owned())
        );
        assert_eq!(text("\u{feff}", "a name", 1, 10), Ok("\u{feff}".to_owned()));
    }

    #[test]
    fn field_errors_collect_every_problem() {
        let mut errors = FieldErrors::new();
        let a = errors.check("a", Ok::<_, String>(1));
        let b: Option<i32> = errors.check("b", Err("bad".to_owned()));
        assert_eq!(a, Some(1));
        assert_eq!(b, None);
        assert_eq!(errors.0, vec![FieldError::new("b", "bad")]);
    }
}
