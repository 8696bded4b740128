//! The demo partnership's strategy: the targets its real plans name, for 2025 and 2026, with
//! a change or two in their history (a target raised at the mid-year review), so the targets
//! page and the dashboard's target lines are alive on first run.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use qi_shared::dashboard::{
    Metric,
    target::{Comparator, TargetInput, TargetPer},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::db::{self, entity::person};

/// The Northmoor QI lead, an organisation admin (`DEMO_LOGINS`), who sets their trust's target.
const ORGANISATION_LEAD: &str = "qi.lead@demo.qicommons.org";

fn day(year: i32, month: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, d).context("a demo date")
}

fn at(year: i32, month: u32, d: u32) -> anyhow::Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(year, month, d, 10, 0, 0)
        .single()
        .context("a demo time")
}

/// (metric, value, per, label): the partnership's yearly targets.
const STRATEGY: &[(Metric, f64, TargetPer, &str)] = &[
    (
        Metric::CompletedImproved,
        75.0,
        TargetPer::Period,
        "75% of completed projects score 3.0 or more",
    ),
    (
        Metric::InvolvementShare,
        20.0,
        TargetPer::Period,
        "20% of projects with patient and public involvement",
    ),
    (
        Metric::SustainabilityShare,
        25.0,
        TargetPer::Period,
        "25% of projects with a sustainability aspect",
    ),
    (
        Metric::PeopleTrained,
        100.0,
        TargetPer::Period,
        "100 staff trained",
    ),
    (
        Metric::ProjectsCoached,
        40.0,
        TargetPer::Period,
        "40 projects coached",
    ),
];

/// Seeds the strategy for 2025 and 2026: the partnership's targets set by `admin_id`, and ten
/// places a month for `organisation_id` set by its QI lead, and (from 2026) a QI café every
/// month. Returns how many targets.
pub async fn seed(
    db: &impl ConnectionTrait,
    admin_id: i64,
    organisation_id: i64,
) -> anyhow::Result<usize> {
    let lead = person::Entity::find()
        .filter(person::Column::Email.eq(ORGANISATION_LEAD))
        .one(db)
        .await?
        .map_or(admin_id, |p| p.id);
    let mut n = 0;
    for year in [2025, 2026] {
        let set_on = at(year, 1, 6)?;
        for (metric, value, per, label) in STRATEGY {
            let mut input = TargetInput {
                organisation_id: None,
                metric: *metric,
                comparator: Comparator::AtLeast,
                value: *value,
                per: *per,
                period_from: day(year, 1, 1)?,
                period_to: day(year, 12, 31)?,
                label: (*label).to_owned(),
            };
            // Coaching began the year with a lower aim, raised at the mid-year review.
            let raised = *metric == Metric::ProjectsCoached;
            if raised {
                input.value = 30.0;
                input.label = "30 projects coached".to_owned();
            }
            let input = input.validate().map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let target = db::targets::create(db, &input, admin_id, set_on).await?;
            if raised {
                let input = TargetInput {
                    value: *value,
                    label: (*label).to_owned(),
                    ..input
                };
                db::targets::update(db, target.id, 1, &input, admin_id, at(year, 7, 1)?)
                    .await?
                    .context("the demo target raised")?;
            }
            n += 1;
        }
        let places = TargetInput {
            organisation_id: Some(organisation_id),
            metric: Metric::PlacesOffered,
            comparator: Comparator::AtLeast,
            value: 10.0,
            per: TargetPer::Month,
            period_from: day(year, 1, 1)?,
            period_to: day(year, 12, 31)?,
            label: "10 training places a month".to_owned(),
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        db::targets::create(db, &places, lead, at(year, 1, 13)?).await?;
        n += 1;
    }
    // The 2026 strategy added the community's own learning: a QI café every month.
    let cafes = TargetInput {
        organisation_id: None,
        metric: Metric::QiCafes,
        comparator: Comparator::AtLeast,
        value: 1.0,
        per: TargetPer::Month,
        period_from: day(2026, 1, 1)?,
        period_to: day(2026, 12, 31)?,
        label: "A QI café every month".to_owned(),
    }
    .validate()
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    db::targets::create(db, &cafes, admin_id, at(2026, 1, 6)?).await?;
    n += 1;
    Ok(n)
}
