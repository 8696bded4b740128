//! What the demo people can help with ("I can help with" on their profile): the QI leads and
//! coaches list improvement methods, and some of the others what their job has taught them, so
//! that a search for "run charts" or "medicines" finds colleagues to ask.

use qi_shared::person::Role;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use crate::db::entity::{person, person_role};

/// The methods a QI lead or coach lists, a few each, taken in turn.
const METHODS: &[&str] = &[
    "Run charts and SPC",
    "PDSA cycles",
    "Driver diagrams",
    "Making Data Count",
    "Process mapping",
    "Co-design with patients",
    "Measurement for improvement",
    "Spread and sustainability",
    "Human factors",
    "Demand and capacity",
];

/// What some jobs teach, listed by one in three of the people who do them.
fn from_job(job_role: &str) -> &'static [&'static str] {
    match job_role {
        "Pharmacist" | "Clinical pharmacist" => {
            &["Medicines reconciliation", "Antimicrobial stewardship"]
        }
        "Physiotherapist" => &["Falls prevention", "Early mobilisation"],
        "District nurse" | "Community matron" => &["Pressure ulcer prevention", "Frailty"],
        "Practice manager" => &["Appointment systems", "Patient access"],
        "Ward sister" | "Ward manager" => &["Safety huddles", "Rostering"],
        "Clinical psychologist" => &["Staff wellbeing", "Reflective practice"],
        "Occupational therapist" => &["Discharge planning", "Reablement"],
        "Consultant" | "GP" => &["Sepsis", "Deterioration and NEWS2"],
        _ => &[],
    }
}

pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let methodists: Vec<i64> = person_role::Entity::find()
        .filter(person_role::Column::Role.is_in([Role::OrganisationAdmin, Role::Coach]))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    let mut listed = 0;
    for (i, person) in person::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .enumerate()
    {
        let mut items: Vec<&str> = Vec::new();
        if methodists.contains(&person.id) {
            items.extend((0..3).map(|k| METHODS[(i * 3 + k) % METHODS.len()]));
        }
        if i % 3 == 0 {
            items.extend(from_job(&person.job_role));
        }
        if items.is_empty() {
            continue;
        }
        let mut active = person.into_active_model();
        active.expertise = Set(items.join("\n"));
        person::Entity::update(active).exec(db).await?;
        listed += 1;
    }
    Ok(listed)
}
