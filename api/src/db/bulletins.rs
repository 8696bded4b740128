//! Persistence of the bulletin: issues and their sections, and an issue rendered for a reader
//! (what they may see of the projects, events and awards it picks).

use chrono::{DateTime, Utc};
use qi_shared::{
    access::{Actor, ProjectContext},
    bulletin::{
        Bulletin, BulletinEvent, BulletinInput, BulletinProject, BulletinQuery, BulletinStatus,
        BulletinSummary, Section, SectionKind,
    },
    chart::measure_chart,
    event::rules,
    person::Role,
    project::{OrganisationRef, Visibility},
    training::PersonRef,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::ExprTrait,
};

use crate::{
    db::{
        self,
        entity::{
            bulletins::{bulletin, section},
            events::event,
            measure,
        },
        events::submissions::AwardsOf,
        training::{organisation_names, people},
    },
    markdown,
};

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<bulletin::Model>, DbErr> {
    bulletin::Entity::find_by_id(id).one(db).await
}

/// Whether this reader may see the issue: anyone a published one, its editors a draft.
pub fn may_see(model: &bulletin::Model, reader: Option<&Actor>) -> bool {
    model.status == BulletinStatus::Published
        || reader.is_some_and(|a| a.can_edit_bulletin_for(model.organisation_id))
}

pub async fn sections(
    db: &impl ConnectionTrait,
    bulletin_id: i64,
) -> Result<Vec<section::Model>, DbErr> {
    section::Entity::find()
        .filter(section::Column::BulletinId.eq(bulletin_id))
        .order_by_asc(section::Column::Position)
        .all(db)
        .await
}

/// A new draft.
pub async fn create(
    db: &impl ConnectionTrait,
    input: &BulletinInput,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bulletin::Model, DbErr> {
    let model = bulletin::ActiveModel {
        organisation_id: Set(input.organisation_id),
        title: Set(input.title.clone()),
        summary: Set(input.summary.clone()),
        status: Set(BulletinStatus::Draft),
        published_at: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    write_sections(db, model.id, input).await?;
    Ok(model)
}

/// A draft changed as a whole.
pub async fn replace(
    db: &impl ConnectionTrait,
    model: bulletin::Model,
    input: &BulletinInput,
    now: DateTime<Utc>,
) -> Result<bulletin::Model, DbErr> {
    let id = model.id;
    let mut active: bulletin::ActiveModel = model.into();
    active.organisation_id = Set(input.organisation_id);
    active.title = Set(input.title.clone());
    active.summary = Set(input.summary.clone());
    active.updated_at = Set(now);
    let model = active.update(db).await?;
    section::Entity::delete_many()
        .filter(section::Column::BulletinId.eq(id))
        .exec(db)
        .await?;
    write_sections(db, id, input).await?;
    Ok(model)
}

async fn write_sections(
    db: &impl ConnectionTrait,
    bulletin_id: i64,
    input: &BulletinInput,
) -> Result<(), DbErr> {
    if input.sections.is_empty() {
        return Ok(());
    }
    let rows = input.sections.iter().enumerate().map(|(i, s)| {
        let items = match s.kind {
            SectionKind::Projects => &s.project_ids,
            _ => &s.event_ids,
        };
        section::ActiveModel {
            bulletin_id: Set(bulletin_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            kind: Set(s.kind),
            heading: Set(s.heading.clone()),
            body: Set(s.body.clone()),
            items: Set(items
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")),
            ..Default::default()
        }
    });
    section::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    bulletin::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

pub async fn publish(
    db: &impl ConnectionTrait,
    model: bulletin::Model,
    now: DateTime<Utc>,
) -> Result<bulletin::Model, DbErr> {
    let mut active: bulletin::ActiveModel = model.into();
    active.status = Set(BulletinStatus::Published);
    active.published_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(db).await
}

/// One page of the issues this reader may see: drafts they may edit first (latest changed
/// first), then published ones, latest first; and how many.
pub async fn list(
    db: &impl ConnectionTrait,
    reader: Option<&Actor>,
    query: &BulletinQuery,
    page: u64,
    per_page: u64,
) -> Result<(Vec<BulletinSummary>, u64), DbErr> {
    let published = bulletin::Column::Status.eq(BulletinStatus::Published);
    let drafts = match reader {
        Some(a) if a.has(Role::PartnershipAdmin) => {
            Some(bulletin::Column::Status.eq(BulletinStatus::Draft))
        }
        Some(a) if a.has(Role::OrganisationAdmin) => Some(
            bulletin::Column::Status
                .eq(BulletinStatus::Draft)
                .and(bulletin::Column::OrganisationId.eq(a.organisation_id)),
        ),
        _ => None,
    };
    let seen = match (query.status, drafts) {
        (Some(BulletinStatus::Published), _) | (None, None) => Condition::all().add(published),
        (Some(BulletinStatus::Draft), Some(drafts)) => Condition::all().add(drafts),
        (Some(BulletinStatus::Draft), None) => return Ok((Vec::new(), 0)),
        (None, Some(drafts)) => Condition::any().add(published).add(drafts),
    };
    let mut select = bulletin::Entity::find().filter(seen);
    if let Some(organisation) = query.organisation_id {
        select = select.filter(bulletin::Column::OrganisationId.eq(organisation));
    }
    let total = select.clone().count(db).await?;
    let rows = select
        // 'draft' sorts before 'published'; a draft has no publishing date.
        .order_by_asc(bulletin::Column::Status)
        .order_by_desc(bulletin::Column::PublishedAt)
        .order_by_desc(bulletin::Column::UpdatedAt)
        .order_by_desc(bulletin::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let names = organisation_names(db, rows.iter().filter_map(|b| b.organisation_id)).await?;
    let items = rows
        .into_iter()
        .map(|b| BulletinSummary {
            id: b.id,
            organisation: b.organisation_id.map(|id| OrganisationRef {
                id,
                name: names.get(&id).cloned().unwrap_or_default(),
            }),
            can_edit: reader.is_some_and(|a| a.can_edit_bulletin_for(b.organisation_id))
                && b.status == BulletinStatus::Draft,
            title: b.title,
            summary: b.summary,
            status: b.status,
            published_at: b.published_at,
            updated_at: b.updated_at,
        })
        .collect();
    Ok((items, total))
}

/// The latest published issues with their sections, for the feed.
pub async fn latest_published(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<(bulletin::Model, Vec<section::Model>)>, DbErr> {
    let rows = bulletin::Entity::find()
        .filter(bulletin::Column::Status.eq(BulletinStatus::Published))
        .order_by_desc(bulletin::Column::PublishedAt)
        .order_by_desc(bulletin::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut issues = Vec::with_capacity(rows.len());
    for row in rows {
        let sections = sections(db, row.id).await?;
        issues.push((row, sections));
    }
    Ok(issues)
}

/// The ids a section picked, in order.
pub fn items(section: &section::Model) -> Vec<i64> {
    section
        .items
        .split(',')
        .filter_map(|id| id.parse().ok())
        .collect()
}

/// Whether an issue's projects come with their charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charts {
    Drawn,
    /// The feed: readers take no inline SVG, and drawing every issue's charts on each request
    /// was most of the feed's time.
    Left,
}

/// An issue as this reader sees it (`None`: the public). Picks they may not see are left out.
pub async fn render(
    db: &impl ConnectionTrait,
    model: &bulletin::Model,
    sections: &[section::Model],
    reader: Option<&Actor>,
    charts: Charts,
) -> Result<Bulletin, DbErr> {
    let editor = reader.is_some_and(|a| a.can_edit_bulletin_for(model.organisation_id));
    let mut rendered = Vec::with_capacity(sections.len());
    for s in sections {
        let ids = items(s);
        let mut section = Section {
            kind: s.kind,
            heading: s.heading.clone(),
            body: s.body.clone(),
            html: markdown::to_html(&s.body),
            project_ids: Vec::new(),
            event_ids: Vec::new(),
            projects: Vec::new(),
            events: Vec::new(),
            awards: Vec::new(),
        };
        match s.kind {
            SectionKind::Text => {}
            SectionKind::Projects => {
                section.projects = projects(db, &ids, reader, charts).await?;
                section.project_ids = ids;
            }
            SectionKind::Events => {
                section.events = events(db, &ids, reader).await?;
                section.event_ids = ids;
            }
            SectionKind::Awards => {
                for &event_id in &ids {
                    let awards =
                        db::events::submissions::awards(db, AwardsOf::Event(event_id)).await?;
                    for award in awards {
                        if project_seen(db, award.project.id, reader).await? {
                            section.awards.push(award);
                        }
                    }
                }
                section.event_ids = ids;
            }
        }
        if !editor {
            // What was picked but is not shown stays the editors' business.
            section.project_ids = section.projects.iter().map(|p| p.id).collect();
            section.event_ids = match s.kind {
                SectionKind::Awards => {
                    let mut ids: Vec<i64> = section.awards.iter().map(|a| a.event_id).collect();
                    ids.dedup();
                    ids
                }
                _ => section.events.iter().map(|e| e.id).collect(),
            };
        }
        rendered.push(section);
    }
    let organisation = match model.organisation_id {
        Some(id) => Some(OrganisationRef {
            id,
            name: organisation_names(db, [id])
                .await?
                .remove(&id)
                .unwrap_or_default(),
        }),
        None => None,
    };
    let author = people(db, [model.created_by])
        .await?
        .remove(&model.created_by);
    Ok(Bulletin {
        id: model.id,
        title: model.title.clone(),
        summary: model.summary.clone(),
        organisation,
        status: model.status,
        published_at: model.published_at,
        created_by: PersonRef {
            id: model.created_by,
            name: author
                .as_ref()
                .map_or_else(|| "A former colleague".to_owned(), |p| p.name.clone()),
            organisation_id: author.map_or(0, |p| p.organisation_id),
        },
        created_at: model.created_at,
        updated_at: model.updated_at,
        sections: rendered,
        can_edit: editor,
    })
}

/// Whether this reader (`None`: the public) may see the project.
fn sees(context: &ProjectContext, reader: Option<&Actor>) -> bool {
    match reader {
        Some(actor) => actor.can_view_project(context),
        None => context.visibility == Visibility::Public,
    }
}

async fn project_seen(
    db: &impl ConnectionTrait,
    id: i64,
    reader: Option<&Actor>,
) -> Result<bool, DbErr> {
    Ok(db::projects::context(db, id)
        .await?
        .is_some_and(|(_, context)| sees(&context, reader)))
}

/// Whether this reader may see the event (`None`: a guest).
pub fn event_seen(event: &event::Model, reader: Option<&Actor>) -> bool {
    match reader {
        Some(actor) => rules::can_see(actor, event.audience, event.organiser_organisation_id),
        None => rules::guest_may_see(event.audience),
    }
}

async fn projects(
    db: &impl ConnectionTrait,
    ids: &[i64],
    reader: Option<&Actor>,
    charts: Charts,
) -> Result<Vec<BulletinProject>, DbErr> {
    let mut found = Vec::new();
    for &id in ids {
        let Some((project, context)) = db::projects::context(db, id).await? else {
            continue;
        };
        if !sees(&context, reader) {
            continue;
        }
        let chart = match charts {
            Charts::Drawn => charted_measure(db, id).await?,
            Charts::Left => None,
        };
        let lead = organisation_names(db, [context.lead_organisation_id])
            .await?
            .remove(&context.lead_organisation_id)
            .unwrap_or_default();
        found.push(BulletinProject {
            id,
            title: project.title,
            aim: project.aim,
            status: project.status,
            lead_organisation: OrganisationRef {
                id: context.lead_organisation_id,
                name: lead,
            },
            public: context.visibility == Visibility::Public,
            measure_id: chart.as_ref().map(|c| c.0),
            measure_name: chart.as_ref().map(|c| c.1.clone()),
            chart_svg: chart.as_ref().map(|c| c.2.clone()),
            chart_description: chart.map(|c| c.3),
        });
    }
    Ok(found)
}

/// The first of a project's measures (of its first three) that has data: (id, name, its chart
/// as SVG, what the chart shows).
async fn charted_measure(
    db: &impl ConnectionTrait,
    project_id: i64,
) -> Result<Option<(i64, String, String, String)>, DbErr> {
    let ids = measure::Entity::find()
        .filter(measure::Column::ProjectId.eq(project_id))
        .order_by_asc(measure::Column::Id)
        .limit(3)
        .all(db)
        .await?;
    for m in ids {
        let Some(measure) = db::measures::get(db, m.id).await? else {
            continue;
        };
        if let Some((svg, description)) = measure_chart(&measure, None, (640, 300)) {
            return Ok(Some((measure.id, measure.name, svg, description)));
        }
    }
    Ok(None)
}

async fn events(
    db: &impl ConnectionTrait,
    ids: &[i64],
    reader: Option<&Actor>,
) -> Result<Vec<BulletinEvent>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = event::Entity::find()
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let names = organisation_names(db, rows.iter().map(|e| e.organiser_organisation_id)).await?;
    Ok(ids
        .iter()
        .filter_map(|id| rows.iter().find(|e| e.id == *id))
        .filter(|e| event_seen(e, reader))
        .map(|e| BulletinEvent {
            id: e.id,
            title: e.title.clone(),
            kind: e.kind,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            place: if e.venue.is_empty() {
                "Online".to_owned()
            } else {
                e.venue.clone()
            },
            organiser_name: names
                .get(&e.organiser_organisation_id)
                .cloned()
                .unwrap_or_default(),
        })
        .collect())
}
