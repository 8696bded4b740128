//! Spreading demo projects' changes: adoptions by other units of the lead organisation, by
//! partner organisations and, for a few, by systems outside the partnership, each moving through
//! dated stages (considering, testing, adopted, later sustained; now and then dropped), so the
//! spread levels, their history and the dashboard's counts come from events as they would in use.

use chrono::{Days, NaiveDate};
use qi_shared::{
    project::Spread,
    spread::{AdoptionInput, AdoptionStage, StageInput},
};
use std::collections::{HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};

use super::{AS_OF, Setting, history::Timeline, invalid};
use crate::db::{
    self,
    entity::{adoption, project, project_tag},
};

/// Systems outside the partnership that take up a project's changes.
const OUTSIDE: [&str; 4] = [
    "Harbourside and Vale ICS",
    "North Fells Health Board",
    "Kingsmere Teaching Hospitals",
    "Eastwold Primary Care Network",
];

/// What a demo project's spread needs to know.
pub(super) struct Spreading<'a> {
    pub project_id: i64,
    pub lead_organisation_id: i64,
    pub spread: Spread,
    pub adopters: &'a [i64],
    pub setting: Setting,
    /// Its change ideas' ids, in the diagram's order.
    pub ideas: &'a [i64],
    pub by: i64,
}

/// An adoption to record: the partner organisation or the outside adopter, the unit, and its
/// stages with their days.
type Planned = (
    Option<i64>,
    Option<&'static str>,
    Option<&'static str>,
    Vec<(AdoptionStage, NaiveDate)>,
);

/// Another unit of the lead organisation, to take up its changes.
fn other_unit(setting: Setting, k: usize) -> &'static str {
    let units: &[&str] = match setting {
        Setting::Acute => &[
            "Ward 12 (care of older people)",
            "Ward 4 (surgery)",
            "The acute medical unit",
        ],
        Setting::Community => &["The south locality team", "The rapid response team"],
        Setting::MentalHealth => &["Willow ward", "The crisis team"],
        Setting::GpPractice => &["The branch surgery", "The practice's second site"],
        Setting::SocialCare => &["The night team", "The reablement team"],
    };
    units
        .get(k % units.len())
        .copied()
        .unwrap_or("Another team")
}

/// `days` after `from`, never after the demo's today.
fn day(from: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days >= 0 {
        from.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        from.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(from).min(AS_OF)
}

/// Records the adoptions of one project along its history.
pub(super) async fn write(
    db: &impl ConnectionTrait,
    s: &Spreading<'_>,
    timeline: &Timeline,
) -> anyhow::Result<()> {
    use AdoptionStage::*;
    let k = usize::try_from(s.project_id).unwrap_or(0);
    // The first one or two change ideas, in turn.
    let ideas: Vec<i64> = s
        .ideas
        .iter()
        .skip(k % 2)
        .take(1 + k % 2)
        .copied()
        .collect();
    // When it spread: the day its spread was recorded.
    let spread_on = timeline.attributes;
    let mut adoptions: Vec<Planned> = Vec::new();
    if s.spread == Spread::Organisation || (s.spread > Spread::Organisation && k % 3 != 1) {
        adoptions.push((
            Some(s.lead_organisation_id),
            None,
            Some(other_unit(s.setting, k)),
            vec![(Testing, day(spread_on, -45)), (Adopted, day(spread_on, 0))],
        ));
    }
    if s.spread >= Spread::Partnership {
        for (i, adopter) in s.adopters.iter().enumerate() {
            let offset = 21 * i as i64;
            let mut stages = vec![
                (Considering, day(spread_on, offset - 70)),
                (Testing, day(spread_on, offset - 35)),
            ];
            if i == 2 && k % 2 == 0 {
                stages.push((Dropped, day(spread_on, offset + 10)));
            } else {
                let adopted = day(spread_on, offset);
                stages.push((Adopted, adopted));
                let sustained = day(adopted, 180);
                if sustained < AS_OF {
                    stages.push((Sustained, sustained));
                }
            }
            adoptions.push((Some(*adopter), None, None, stages));
        }
    }
    if s.spread == Spread::Beyond {
        adoptions.push((
            None,
            OUTSIDE.get(k % OUTSIDE.len()).copied(),
            None,
            vec![(Testing, day(spread_on, 10)), (Adopted, day(spread_on, 60))],
        ));
    }
    for (organisation_id, outside, unit, stages) in adoptions {
        let mut stages = stages.into_iter();
        let Some((first, on)) = stages.next() else {
            continue;
        };
        let input = AdoptionInput {
            project_id: Some(s.project_id),
            innovation_id: None,
            organisation_id,
            outside_adopter: outside.map(str::to_owned),
            unit: unit.map(str::to_owned),
            adopting_project_id: None,
            change_idea_ids: ideas.clone(),
            stage: first,
            on: Some(on),
            note: Some(note(first).to_owned()),
        }
        .validate(AS_OF)
        .map_err(|e| invalid("adoption", e))?;
        let adoption = db::spread::create(db, &input, s.by).await?;
        for (stage, on) in stages {
            let stage = StageInput {
                stage,
                on: Some(on),
                note: Some(note(stage).to_owned()),
            }
            .validate(AS_OF)
            .map_err(|e| invalid("adoption stage", e))?;
            db::spread::add_stage(db, &adoption, &stage, s.by).await?;
        }
    }
    Ok(())
}

/// What a team would write at each stage.
pub(in crate::demo) fn note(stage: AdoptionStage) -> &'static str {
    match stage {
        AdoptionStage::Considering => {
            "Saw it at the improvement network and talked it through at our huddle."
        }
        AdoptionStage::Testing => {
            "Testing it on a small scale first, with the original team's help."
        }
        AdoptionStage::Adopted => {
            "Now standard practice here: in our induction and our checklists."
        }
        AdoptionStage::Sustained => "Six months on, our run chart still shows the gain.",
        AdoptionStage::Dropped => {
            "Stopped: it did not fit how our service runs; we shared why with the team."
        }
    }
}

/// Names the adopter's own project on an adoption when the adopting organisation leads a
/// project of the same theme that started after the one it adopted: the way an idea travels on
/// (and what the spread network's path of one project follows).
pub(super) async fn link_own_projects(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    let projects: Vec<(i64, i64, Option<NaiveDate>)> = project::Entity::find()
        .select_only()
        .columns([
            project::Column::Id,
            project::Column::LeadOrganisationId,
            project::Column::StartDate,
        ])
        .order_by_asc(project::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut themes: HashMap<i64, HashSet<String>> = HashMap::new();
    let tags: Vec<(i64, String)> = project_tag::Entity::find()
        .select_only()
        .columns([project_tag::Column::ProjectId, project_tag::Column::Tag])
        .into_tuple()
        .all(db)
        .await?;
    for (id, tag) in tags {
        themes.entry(id).or_default().insert(tag);
    }
    let started: HashMap<i64, Option<NaiveDate>> = projects.iter().map(|p| (p.0, p.2)).collect();
    let adoptions = adoption::Entity::find()
        .filter(adoption::Column::ProjectId.is_not_null())
        .filter(adoption::Column::OrganisationId.is_not_null())
        .order_by_asc(adoption::Column::Id)
        .all(db)
        .await?;
    let mut taken: HashSet<i64> = HashSet::new();
    for a in adoptions {
        let (Some(origin), Some(adopter)) = (a.project_id, a.organisation_id) else {
            continue;
        };
        let origin_themes = themes.get(&origin).cloned().unwrap_or_default();
        let origin_start = started.get(&origin).copied().flatten();
        let own = projects.iter().find(|(id, lead, start)| {
            *lead == adopter
                && *id != origin
                && !taken.contains(id)
                && start.is_some_and(|s| origin_start.is_none_or(|o| s > o))
                && themes
                    .get(id)
                    .is_some_and(|t| !t.is_disjoint(&origin_themes))
        });
        if let Some((own, _, _)) = own {
            taken.insert(*own);
            adoption::Entity::update_many()
                .col_expr(adoption::Column::AdoptingProjectId, Expr::value(*own))
                .filter(adoption::Column::Id.eq(a.id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
