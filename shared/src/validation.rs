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

/// Trims `raw` and checks it is between `min` and `max` characters long.
pub fn text(raw: &str, what: &str, min: usize, max: usize) -> Result<String, String> {
    let trimmed = raw.trim();
    let len = trimmed.chars().count();
    if len < min {
        return Err(if min <= 1 {
            format!("Enter {what}")
        } else {
            format!("{} must be at least {min} characters", capitalise(what))
        });
    }
    if len > max {
        return Err(format!(
            "{} must be {max} characters or fewer",
            capitalise(what)
        ));
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(format!(
            "{} must not contain control characters",
            capitalise(what)
        ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_trims_and_enforces_length() {
        assert_eq!(text("  Ward 7  ", "a name", 1, 10), Ok("Ward 7".to_owned()));
        assert_eq!(text("   ", "a name", 1, 10), Err("Enter a name".to_owned()));
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
    fn field_errors_collect_every_problem() {
        let mut errors = FieldErrors::new();
        let a = errors.check("a", Ok::<_, String>(1));
        let b: Option<i32> = errors.check("b", Err("bad".to_owned()));
        assert_eq!(a, Some(1));
        assert_eq!(b, None);
        assert_eq!(errors.0, vec![FieldError::new("b", "bad")]);
    }
}
