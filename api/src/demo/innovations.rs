//! Outside innovations the demo partnership adopts: national programmes and published tools,
//! each taken up by partner organisations of the kind it suits, at different stages.

use chrono::NaiveDate;
use qi_shared::{
    organisation::OrganisationType,
    spread::{AdoptionInput, AdoptionStage, InnovationInput, StageInput},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::{
    self,
    entity::{organisation, person},
};

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(day) => day,
        None => NaiveDate::MIN,
    }
}

/// The demo's today, as the projects'.
const AS_OF: NaiveDate = date(2026, 11, 23);

struct Outside {
    name: &'static str,
    source: &'static str,
    description: &'static str,
    /// The kind of organisation that adopts it.
    adopters: OrganisationType,
}

const INNOVATIONS: [Outside; 4] = [
    Outside {
        name: "PINCER",
        source: "PRIMIS, University of Nottingham (national rollout through the AHSN Network)",
        description: "A pharmacist-led IT intervention that searches GP clinical systems for patients at risk of hazardous prescribing (for example NSAIDs without gastro-protection, or methotrexate without monitoring) and helps practices act on them.",
        adopters: OrganisationType::GpPractice,
    },
    Outside {
        name: "NEWS2",
        source: "Royal College of Physicians",
        description: "The National Early Warning Score 2: one way of scoring observations to spot a deteriorating adult and escalate, the same in every setting.",
        adopters: OrganisationType::AcuteTrust,
    },
    Outside {
        name: "Red Bag scheme",
        source: "NHS England (first tested in Sutton)",
        description: "A red bag travels with a care home resident to hospital and back, holding their medicines, paperwork and belongings, so that information and dignity go with them.",
        adopters: OrganisationType::SocialCare,
    },
    Outside {
        name: "SAFER patient flow bundle",
        source: "NHS Improvement",
        description: "Five rules for adult inpatient wards: a senior review before midday, an expected discharge date, flow from the assessment units early in the day, early discharge, and a review of every patient staying seven days or more.",
        adopters: OrganisationType::CommunityTrust,
    },
];

/// Seeds the innovations and their adoptions. Returns how many adoptions it recorded.
pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    use AdoptionStage::*;
    let orgs: Vec<organisation::Model> = organisation::Entity::find()
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?;
    let mut made = 0;
    for (i, outside) in INNOVATIONS.iter().enumerate() {
        let input = InnovationInput {
            name: outside.name.to_owned(),
            source: outside.source.to_owned(),
            description: outside.description.to_owned(),
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("the demo innovation is invalid: {e:?}"))?;
        let innovation = db::spread::create_innovation(db, &input, None).await?;
        let adopters = orgs.iter().filter(|o| o.org_type == outside.adopters);
        for (j, org) in adopters.take(4).enumerate() {
            let by = person::Entity::find()
                .filter(person::Column::OrganisationId.eq(org.id))
                .order_by_asc(person::Column::Id)
                .one(db)
                .await?;
            let Some(by) = by else { continue };
            // Earlier adopters are further along.
            let stages: &[(AdoptionStage, NaiveDate)] = match (i + j) % 4 {
                0 => &[
                    (Testing, date(2025, 3, 3)),
                    (Adopted, date(2025, 6, 2)),
                    (Sustained, date(2026, 1, 12)),
                ],
                1 => &[
                    (Considering, date(2025, 9, 1)),
                    (Testing, date(2025, 11, 17)),
                    (Adopted, date(2026, 4, 20)),
                ],
                2 => &[
                    (Considering, date(2026, 6, 8)),
                    (Testing, date(2026, 9, 14)),
                ],
                _ => &[(Considering, date(2026, 10, 5))],
            };
            let mut stages = stages.iter();
            let Some((first, on)) = stages.next() else {
                continue;
            };
            let adoption = AdoptionInput {
                project_id: None,
                innovation_id: Some(innovation.id),
                organisation_id: Some(org.id),
                outside_adopter: None,
                unit: None,
                adopting_project_id: None,
                change_idea_ids: Vec::new(),
                stage: *first,
                on: Some(*on),
                note: Some(super::projects::adoption_note(*first).to_owned()),
            }
            .validate(AS_OF)
            .map_err(|e| anyhow::anyhow!("the demo adoption is invalid: {e:?}"))?;
            let model = db::spread::create(db, &adoption, by.id).await?;
            for (stage, on) in stages {
                let stage = StageInput {
                    stage: *stage,
                    on: Some(*on),
                    note: Some(super::projects::adoption_note(*stage).to_owned()),
                }
                .validate(AS_OF)
                .map_err(|e| anyhow::anyhow!("the demo stage is invalid: {e:?}"))?;
                db::spread::add_stage(db, &model, &stage, by.id).await?;
            }
            made += 1;
        }
    }
    Ok(made)
}
