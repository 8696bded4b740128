//! Feedback after an event: a rating from 1 to 5, "what will you do differently", and up to five
//! questions of the organiser's; one answer per attendee, anonymous to the organiser if the form
//! says so.

use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    validation::{paragraphs, text},
};

pub const MAX_QUESTIONS: usize = 5;
pub const MAX_QUESTION: usize = 300;
pub const MAX_ANSWER: usize = 2000;

/// The API document's schema of a list of at most five texts, each as `pattern` and `min` to
/// `max` characters.
#[cfg(feature = "openapi")]
fn texts_schema(min: usize, max: usize, pattern: &str) -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length((min > 0).then_some(min))
                .max_length(Some(max))
                .pattern(Some(pattern)),
        )
        .max_items(Some(MAX_QUESTIONS))
        .build()
}

#[cfg(feature = "openapi")]
fn questions_schema() -> utoipa::openapi::schema::Array {
    texts_schema(1, MAX_QUESTION, crate::validation::REQUIRED_TEXT_PATTERN)
}

#[cfg(feature = "openapi")]
fn answers_schema() -> utoipa::openapi::schema::Array {
    texts_schema(0, MAX_ANSWER, crate::validation::PARAGRAPHS_PATTERN)
}

/// The form an organiser sets: whether answers are anonymous, and their own questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackFormInput {
    /// The organiser sees no names beside the answers.
    #[serde(default)]
    pub anonymous: bool,
    /// Up to five free-text questions besides the rating and "what will you do differently",
    /// each 1 to 300 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = questions_schema))]
    pub questions: Vec<String>,
}

impl FeedbackFormInput {
    pub fn validate(&self) -> Result<FeedbackFormInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.questions.len() > MAX_QUESTIONS {
            errors.push(
                "questions",
                format!("A form has at most {MAX_QUESTIONS} questions of your own"),
            );
        }
        let questions: Vec<Option<String>> = self
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                errors.check(
                    &format!("questions[{i}]"),
                    text(q, "the question", 1, MAX_QUESTION),
                )
            })
            .collect();
        errors.finish(|| {
            Some(FeedbackFormInput {
                anonymous: self.anonymous,
                questions: questions.into_iter().collect::<Option<_>>()?,
            })
        })
    }
}

/// An event's feedback form, as the signed-in person sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackForm {
    pub event_id: i64,
    pub anonymous: bool,
    pub questions: Vec<String>,
    /// Answers given so far.
    pub responses: u32,
    /// The signed-in person (or the guest whose link it is) attended, the event has ended, and
    /// they have not answered yet.
    pub can_answer: bool,
    /// The signed-in person (or the guest) has answered.
    pub answered: bool,
}

/// A guest's request for the feedback form, with the token from the link in the email that
/// asked for their feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestFeedbackFormQuery {
    /// 1 to 200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
}

/// A guest's answer, with the token from the link in their email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestFeedbackInput {
    /// 1 to 200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
    pub feedback: FeedbackInput,
}

/// How a guest (who has no account) is named beside an answer on a form that names people.
pub fn guest_respondent(name: &str) -> String {
    format!("{name} (guest)")
}

/// One attendee's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackInput {
    /// 1 (poor) to 5 (excellent).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub rating: u8,
    /// What will you do differently? (at most 2000 characters)
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub different: String,
    /// An answer to each of the form's questions, in order (each at most 2000 characters; may
    /// be empty).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = answers_schema))]
    pub answers: Vec<String>,
}

impl FeedbackInput {
    /// Checks the answer against the form's `questions`.
    pub fn validate(&self, questions: usize) -> Result<FeedbackInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(1..=5).contains(&self.rating) {
            errors.push("rating", "Choose a rating from 1 to 5");
        }
        let different = errors.check(
            "different",
            paragraphs(&self.different, "Your answer", MAX_ANSWER),
        );
        if self.answers.len() > questions {
            errors.push(
                "answers",
                format!("The form has {questions} questions: answer each at most once"),
            );
        }
        let answers: Vec<Option<String>> = (0..questions)
            .map(|i| {
                let raw = self.answers.get(i).map(String::as_str).unwrap_or_default();
                errors.check(
                    &format!("answers[{i}]"),
                    paragraphs(raw, "Your answer", MAX_ANSWER),
                )
            })
            .collect();
        errors.finish(|| {
            Some(FeedbackInput {
                rating: self.rating,
                different: different?,
                answers: answers.into_iter().collect::<Option<_>>()?,
            })
        })
    }
}

/// One answer, as the organiser reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackResponse {
    /// Who answered; none on an anonymous form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub rating: u8,
    pub different: String,
    pub answers: Vec<String>,
}

/// What the attendees said, for the organiser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackSummary {
    pub event_id: i64,
    pub anonymous: bool,
    pub questions: Vec<String>,
    /// People marked as attended (who may answer), guests among them.
    pub attendees: u32,
    pub responses: u32,
    /// How many gave each rating, from 1 to 5.
    pub distribution: Vec<u32>,
    /// The mean rating, if anyone answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Every answer, latest first.
    pub items: Vec<FeedbackResponse>,
}

impl FeedbackSummary {
    /// Summarises the answers.
    pub fn of(
        event_id: i64,
        anonymous: bool,
        questions: Vec<String>,
        attendees: u32,
        items: Vec<FeedbackResponse>,
    ) -> Self {
        let mut distribution = vec![0u32; 5];
        for r in &items {
            if let Some(n) = distribution.get_mut(usize::from(r.rating).wrapping_sub(1)) {
                *n += 1;
            }
        }
        let responses = u32::try_from(items.len()).unwrap_or(u32::MAX);
        let mean = (responses > 0)
            .then(|| items.iter().map(|r| f64::from(r.rating)).sum::<f64>() / f64::from(responses));
        Self {
            event_id,
            anonymous,
            questions,
            attendees,
            responses,
            distribution,
            mean,
            items,
        }
    }
}

impl FeedbackSummary {
    /// Every answer as a CSV file for a spreadsheet (UTF-8 with a byte order mark; cells a
    /// spreadsheet would run as formulas neutralised): respondent (blank on an anonymous form),
    /// rating, what they will do differently, then a column per question.
    pub fn to_csv(&self) -> String {
        use crate::dashboard::board_pack::neutralise;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut header = vec![
            "respondent".to_owned(),
            "rating".to_owned(),
            "what will you do differently".to_owned(),
        ];
        header.extend(self.questions.iter().cloned());
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(header.iter().map(|c| neutralise(c)));
        for r in &self.items {
            let mut row = vec![
                r.name.clone().unwrap_or_default(),
                r.rating.to_string(),
                r.different.clone(),
            ];
            row.extend(r.answers.iter().cloned());
            let _ = writer.write_record(row.iter().map(|c| neutralise(c)));
        }
        let bytes = writer.into_inner().unwrap_or_default();
        format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_has_at_most_five_questions_each_worded() {
        let form = FeedbackFormInput {
            anonymous: true,
            questions: vec![" What was most useful? ".into(), String::new()],
        };
        let fields: Vec<String> = form
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, vec!["questions[1]"]);
        let six = FeedbackFormInput {
            anonymous: false,
            questions: vec!["Q".into(); 6],
        };
        assert!(six.validate().is_err());
    }

    #[test]
    fn an_answer_rates_1_to_5_and_answers_each_question_once() {
        let answer = |rating, answers: Vec<&str>| FeedbackInput {
            rating,
            different: " Use run charts at huddles.\nAsk patients. ".into(),
            answers: answers.into_iter().map(str::to_owned).collect(),
        };
        let ok = answer(4, vec!["The examples"]).validate(2);
        assert_eq!(
            ok.map(|a| (a.different, a.answers)),
            Ok((
                "Use run charts at huddles.\nAsk patients.".to_owned(),
                vec!["The examples".to_owned(), String::new()]
            ))
        );
        assert!(answer(0, vec![]).validate(0).is_err());
        assert!(answer(6, vec![]).validate(0).is_err());
        assert!(answer(3, vec!["a", "b"]).validate(1).is_err());
    }

    #[test]
    fn the_summary_counts_each_rating_and_the_mean() {
        let r = |rating| FeedbackResponse {
            name: None,
            rating,
            different: String::new(),
            answers: vec![],
        };
        let s = FeedbackSummary::of(1, true, vec![], 10, vec![r(5), r(4), r(4), r(1)]);
        assert_eq!(s.distribution, vec![1, 0, 0, 2, 1]);
        assert_eq!(s.mean, Some(3.5));
        assert_eq!(s.responses, 4);
        assert_eq!(FeedbackSummary::of(1, true, vec![], 0, vec![]).mean, None);
    }

    #[test]
    fn the_csv_names_nobody_on_an_anonymous_form_and_runs_no_formula() {
        let s = FeedbackSummary::of(
            1,
            true,
            vec!["Most useful?".into()],
            3,
            vec![FeedbackResponse {
                name: None,
                rating: 5,
                different: "=HYPERLINK(\"x\")".into(),
                answers: vec!["The café, \"really\"".into()],
            }],
        );
        assert_eq!(
            s.to_csv(),
            "\u{feff}respondent,rating,what will you do differently,Most useful?\n\
             ,5,\"'=HYPERLINK(\"\"x\"\")\",\"The café, \"\"really\"\"\"\n"
        );
    }
}
