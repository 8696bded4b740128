//! Demo bulletins: three published issues of "Sharing the Learning" (seven, four and one month
//! ago), each with a welcome in Markdown, projects from the library, the events then coming up,
//! and in the latest last celebration's award winners; and a draft of the next issue for the
//! partnership's editor to finish.

use chrono::{DateTime, Duration, Utc};
use qi_shared::{
    bulletin::{BulletinInput, SectionInput, SectionKind},
    event::{Audience, EventKind},
    project::{ProjectStatus, Visibility},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::{
    self,
    entity::{events::event, project},
};

const WELCOMES: &[&str] = &[
    "Welcome to this issue of **Sharing the Learning**, the partnership's round-up of improvement \
     work worth copying.\n\nThis time: three projects that moved their measures, the events \
     coming up, and how to get your own work into the next issue. If you have tested a change \
     this quarter, *tell us*: reply to your QI lead or add a comment on your project.",
    "Spring has been busy. Teams across the trusts, practices and care homes have run more than \
     forty PDSA cycles since the last issue.\n\n- The falls collaborative reached its first \
     shift on the run chart\n- Two practices have adopted the sepsis screening tool\n- The QI \
     café moved online for the summer\n\nRead on for the details.",
    "This issue celebrates last year's award winners and looks ahead to the winter QI cafés.\n\n\
     > \"The data made the case for us: once the board saw the chart, the change sold itself.\"\n\n\
     Thank you to every team that submitted a poster, a masterclass or a story.",
];

const HOW_TO: &str = "### Get your project into the bulletin\n\n1. Keep your measures up to \
date: charts in the bulletin are drawn from your data.\n2. Set your project to *Public learning \
library* if it can be shared beyond the partnership.\n3. Tell your organisation's QI lead what \
you learned, including what did not work.\n\nSee the [QI Commons guide](https://qicommons.org/guide) \
for more.";

pub async fn seed(db: &impl ConnectionTrait, editor: i64) -> anyhow::Result<usize> {
    let now = Utc::now();
    let projects: Vec<i64> = project::Entity::find()
        .filter(project::Column::Visibility.eq(Visibility::Public))
        .filter(project::Column::Status.is_in([ProjectStatus::Active, ProjectStatus::Completed]))
        .order_by_asc(project::Column::Id)
        .limit(9)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let celebrations = event::Entity::find()
        .filter(event::Column::Kind.eq(EventKind::Celebration))
        .filter(event::Column::EndsAt.lt(now))
        .order_by_desc(event::Column::StartsAt)
        .limit(1)
        .all(db)
        .await?;
    let mut published = 0;
    for (i, months_ago) in [7i64, 4, 1].into_iter().enumerate() {
        let at = now - Duration::days(months_ago * 30);
        let mut sections = vec![text("Welcome", WELCOMES[i])];
        let picked: Vec<i64> = projects.iter().skip(i * 3).take(3).copied().collect();
        if !picked.is_empty() {
            sections.push(SectionInput {
                kind: SectionKind::Projects,
                heading: "Projects to learn from".to_owned(),
                body: "Each chart is the project's own data, as its team records it.".to_owned(),
                project_ids: picked,
                event_ids: Vec::new(),
            });
        }
        let coming = coming_up(db, at).await?;
        if !coming.is_empty() {
            sections.push(SectionInput {
                kind: SectionKind::Events,
                heading: "Coming up".to_owned(),
                body: "Book from the events calendar; open events welcome guests from outside \
                       the partnership."
                    .to_owned(),
                project_ids: Vec::new(),
                event_ids: coming,
            });
        }
        if let Some(celebration) = celebrations.first().filter(|_| i == 2) {
            sections.push(SectionInput {
                kind: SectionKind::Awards,
                heading: "Award winners".to_owned(),
                body: format!(
                    "Congratulations to the teams honoured at {}.",
                    celebration.title
                ),
                project_ids: Vec::new(),
                event_ids: vec![celebration.id],
            });
        }
        sections.push(text("Get your project into the bulletin", HOW_TO));
        let input = BulletinInput {
            title: format!("Sharing the Learning: {}", at.format("%B %Y")),
            summary: "Improvement work worth copying from across the partnership, the events \
                      coming up, and how to share your own."
                .to_owned(),
            organisation_id: None,
            sections,
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("a demo bulletin is not valid: {e:?}"))?;
        let draft = db::bulletins::create(db, &input, editor, at - Duration::days(5)).await?;
        db::bulletins::publish(db, draft, at).await?;
        published += 1;
    }
    let next = BulletinInput {
        title: format!(
            "Sharing the Learning: {}",
            (now + Duration::days(60)).format("%B %Y")
        ),
        summary: String::new(),
        organisation_id: None,
        sections: vec![text(
            "Welcome",
            "Draft: the winter issue. Ask the collaboratives for their latest charts by the \
             end of the month.",
        )],
    };
    db::bulletins::create(db, &next, editor, now - Duration::days(2)).await?;
    Ok(published)
}

fn text(heading: &str, body: &str) -> SectionInput {
    SectionInput {
        kind: SectionKind::Text,
        heading: heading.to_owned(),
        body: body.to_owned(),
        project_ids: Vec::new(),
        event_ids: Vec::new(),
    }
}

/// The next few events anyone may book (open or partnership-wide) after `at`.
async fn coming_up(db: &impl ConnectionTrait, at: DateTime<Utc>) -> anyhow::Result<Vec<i64>> {
    Ok(event::Entity::find()
        .filter(event::Column::StartsAt.gt(at))
        .filter(event::Column::Audience.is_in([Audience::Open, Audience::Partnership]))
        .order_by_asc(event::Column::StartsAt)
        .limit(4)
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect())
}
