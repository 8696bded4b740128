//! Demo programmes: system-wide pieces of work that bring the demo's like projects of several
//! organisations together (falls, sepsis, pressure ulcers), each led by an organisation's QI
//! lead, with a measure that pools its projects' outcome measures into the system's figure.

use qi_shared::{
    measure::Frequency,
    programme::{ProgrammeInput, ProgrammeMeasureInput, ProgrammeStatus},
    project::Visibility,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::measure_texts::OUTCOMES;
use crate::db::{
    self,
    entity::{person, project, project_tag},
};

/// The most projects a demo programme holds: a system collaborative of a dozen sites.
const MOST_PROJECTS: usize = 12;

struct Demo {
    tag: &'static str,
    /// The theme's outcome measure, in `OUTCOMES`.
    outcome: usize,
    name: &'static str,
    aim: &'static str,
    description: &'static str,
    status: ProgrammeStatus,
}

const PROGRAMMES: [Demo; 3] = [
    Demo {
        tag: "falls",
        outcome: 0,
        name: "Reducing inpatient falls across the system",
        aim: "Reduce inpatient falls across the partnership's wards by 25%, from 7.4 to 5.5 per 1,000 occupied bed days, by March 2027, with no rise in the use of bed rails or 1:1 observation.",
        description: "A falls collaborative of the partnership's acute and community wards. Each ward runs its own PDSA cycles on the falls bundle (risk assessment on admission, lying and standing blood pressure, medicines review, call bells and toilet rounds at night) and shares its monthly data.\n\nSites join by adding their project; the programme measure pools every ward's falls and bed days into the system's rate.",
        status: ProgrammeStatus::Active,
    },
    Demo {
        tag: "sepsis",
        outcome: 2,
        name: "Sepsis: antibiotics within the hour, everywhere",
        aim: "90% of patients with suspected sepsis across the system given IV antibiotics within one hour of a positive screen by December 2027.",
        description: "Emergency departments, assessment units and wards working to the same screening tool and the same grab bags, learning from each other's cycles at a monthly huddle.",
        status: ProgrammeStatus::Active,
    },
    Demo {
        tag: "pressure ulcers",
        outcome: 1,
        name: "Stop the pressure: hospital-acquired pressure ulcers",
        aim: "Halve category 2 and above hospital-acquired pressure ulcers across the partnership's inpatient wards by March 2026.",
        description: "The partnership's first programme: the SSKIN bundle spread from two pilot wards to the system. Closed when its aim was met; the wards keep their own charts.",
        status: ProgrammeStatus::Closed,
    },
];

/// Seeds the demo programmes; returns how many measures they pool from.
pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let mut pooled = 0;
    for demo in &PROGRAMMES {
        let tagged: Vec<i64> = project_tag::Entity::find()
            .filter(project_tag::Column::Tag.eq(demo.tag))
            .all(db)
            .await?
            .into_iter()
            .map(|t| t.project_id)
            .collect();
        let projects = project::Entity::find()
            .filter(project::Column::Id.is_in(tagged))
            .filter(
                project::Column::Visibility.is_in([Visibility::Partnership, Visibility::Public]),
            )
            .order_by_asc(project::Column::Id)
            .all(db)
            .await?;
        let projects: Vec<project::Model> = projects.into_iter().take(MOST_PROJECTS).collect();
        let Some(first) = projects.first() else {
            continue;
        };
        let lead = person::Entity::find()
            .filter(person::Column::OrganisationId.eq(first.lead_organisation_id))
            .filter(person::Column::JobRole.eq("QI lead"))
            .order_by_asc(person::Column::Id)
            .one(db)
            .await?;
        let Some(lead) = lead else {
            continue;
        };
        let started_on = projects
            .iter()
            .filter_map(|p| p.start_date)
            .min()
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        let input = ProgrammeInput {
            name: demo.name.to_owned(),
            aim: demo.aim.to_owned(),
            description: demo.description.to_owned(),
            lead_person_id: lead.id,
            status: demo.status,
            started_on,
            project_ids: projects.iter().map(|p| p.id).collect(),
        };
        let made = db::programmes::create(db, &input, lead.organisation_id, lead.id).await?;
        let outcome = &OUTCOMES[demo.outcome];
        let mut sources = Vec::new();
        let mut rate_per = None;
        for p in &projects {
            for m in db::measures::of_project(db, p.id).await? {
                if m.name == outcome.name && m.frequency == Frequency::Monthly {
                    rate_per = rate_per.or(m.rate_per);
                    sources.push(m);
                }
            }
        }
        let measure = ProgrammeMeasureInput {
            name: format!("{} (system)", outcome.name),
            definition: format!(
                "{}, pooled across the programme's projects.",
                outcome.definition
            ),
            unit: outcome.unit,
            rate_per,
            improvement_direction: outcome.direction,
            target: None,
            frequency: Frequency::Monthly,
            source_measure_ids: Vec::new(),
        };
        let ids: Vec<i64> = sources
            .iter()
            .filter(|m| measure.source_mismatch(*m).is_none())
            .map(|m| m.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        pooled += ids.len();
        db::programmes::create_measure(db, made.id, &measure, &ids).await?;
    }
    Ok(pooled)
}
