//! Feedback forms and their answers. Who answered and what they answered are stored apart (see
//! migration 21), so an anonymous answer names nobody.

use chrono::{DateTime, Utc};
use qi_shared::event::{
    BookingStatus,
    feedback::{FeedbackFormInput, FeedbackInput, FeedbackResponse},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use crate::db::entity::events::{booking, event, feedback_answer, feedback_form, feedback_given};

/// An event's form: whether it is anonymous, and its questions.
pub struct Form {
    pub anonymous: bool,
    pub questions: Vec<String>,
}

pub async fn form(db: &impl ConnectionTrait, event_id: i64) -> Result<Option<Form>, DbErr> {
    Ok(feedback_form::Entity::find_by_id(event_id)
        .one(db)
        .await?
        .map(|f| Form {
            anonymous: f.anonymous,
            questions: serde_json::from_str(&f.questions).unwrap_or_default(),
        }))
}

/// Sets an event's form (made if it has none).
pub async fn set_form(
    db: &impl ConnectionTrait,
    event_id: i64,
    input: &FeedbackFormInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let questions = serde_json::to_string(&input.questions)
        .map_err(|e| DbErr::Custom(format!("questions: {e}")))?;
    let model = feedback_form::ActiveModel {
        event_id: Set(event_id),
        anonymous: Set(input.anonymous),
        questions: Set(questions),
        updated_at: Set(now),
    };
    if feedback_form::Entity::find_by_id(event_id)
        .one(db)
        .await?
        .is_some()
    {
        model.update(db).await?;
    } else {
        model.insert(db).await?;
    }
    Ok(())
}

pub async fn responses(db: &impl ConnectionTrait, event_id: i64) -> Result<u64, DbErr> {
    feedback_answer::Entity::find()
        .filter(feedback_answer::Column::EventId.eq(event_id))
        .count(db)
        .await
}

/// Whether the holder of this booking has answered.
pub async fn given(db: &impl ConnectionTrait, booking_id: i64) -> Result<bool, DbErr> {
    Ok(feedback_given::Entity::find_by_id(booking_id)
        .one(db)
        .await?
        .is_some())
}

/// Records an answer. `Ok(false)`: this booking's holder has answered already (the primary key
/// of `event_feedback_given` holds that under concurrency too).
pub async fn answer(
    txn: &impl ConnectionTrait,
    event_id: i64,
    booking_id: i64,
    respondent_name: Option<String>,
    input: &FeedbackInput,
) -> Result<bool, DbErr> {
    let given = feedback_given::ActiveModel {
        booking_id: Set(booking_id),
        event_id: Set(event_id),
    }
    .insert(txn)
    .await;
    match given {
        Ok(_) => {}
        Err(err) if crate::db::is_unique_violation(&err) => return Ok(false),
        Err(err) => return Err(err),
    }
    let answers = serde_json::to_string(&input.answers)
        .map_err(|e| DbErr::Custom(format!("answers: {e}")))?;
    feedback_answer::ActiveModel {
        event_id: Set(event_id),
        respondent_name: Set(respondent_name),
        rating: Set(i32::from(input.rating)),
        different: Set(input.different.clone()),
        answers: Set(answers),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(true)
}

/// Every answer, latest first.
pub async fn answers(
    db: &impl ConnectionTrait,
    event_id: i64,
) -> Result<Vec<FeedbackResponse>, DbErr> {
    Ok(feedback_answer::Entity::find()
        .filter(feedback_answer::Column::EventId.eq(event_id))
        .order_by_desc(feedback_answer::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| FeedbackResponse {
            name: a.respondent_name,
            rating: u8::try_from(a.rating).unwrap_or(0),
            different: a.different,
            answers: serde_json::from_str(&a.answers).unwrap_or_default(),
        })
        .collect())
}

/// How long after an event ends its attendees are still asked for feedback: attendance marked
/// later than this asks nobody (a reminder of an event long past is noise).
pub const ASK_WITHIN_DAYS: i64 = 14;

/// The attendees to ask for feedback now: marked as attending an event with a form that ended
/// within [`ASK_WITHIN_DAYS`], not asked yet, and not answered yet; with their events and forms.
pub async fn to_ask(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<(booking::Model, event::Model, Form)>, DbErr> {
    let ended: Vec<event::Model> = event::Entity::find()
        .filter(event::Column::EndsAt.lte(now))
        .filter(event::Column::EndsAt.gte(now - chrono::Duration::days(ASK_WITHIN_DAYS)))
        .all(db)
        .await?;
    let mut asked = Vec::new();
    for event in ended {
        let Some(form) = form(db, event.id).await? else {
            continue;
        };
        let bookings = booking::Entity::find()
            .filter(booking::Column::EventId.eq(event.id))
            .filter(booking::Column::Attended.eq(true))
            .filter(booking::Column::Status.ne(BookingStatus::Cancelled))
            .filter(booking::Column::FeedbackAskedAt.is_null())
            .order_by_asc(booking::Column::Id)
            .all(db)
            .await?;
        for b in bookings {
            if !given(db, b.id).await? {
                let form = Form {
                    anonymous: form.anonymous,
                    questions: form.questions.clone(),
                };
                asked.push((b, event.clone(), form));
            }
        }
    }
    Ok(asked)
}

/// Marks a booking's holder as asked. `Ok(false)`: they were asked already (by another node).
pub async fn claim_ask(
    txn: &impl ConnectionTrait,
    booking_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = booking::Entity::update_many()
        .col_expr(booking::Column::FeedbackAskedAt, Expr::value(now))
        .filter(booking::Column::Id.eq(booking_id))
        .filter(booking::Column::FeedbackAskedAt.is_null())
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}
