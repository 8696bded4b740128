//! Pages of the register and of the learning library, their totals, and the project page, read
//! through the per-node cache (`crate::cache::projects`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::lock::Mutex;
use qi_shared::{
    access::Actor,
    project::OrganisationPart,
    project::{
        OrganisationRef, ProjectQuery, ProjectStatus, ProjectSummary, ProjectType, Spread,
        Visibility,
    },
    score::ProgressScore,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::db::{
    entity::{organisation, project},
    events::submissions::AwardsOf,
};

use super::read::{context, get};
use super::{DIMENSIONS, ORGANISATIONS, TAGS, dimensions, joined_of, lines};
use crate::cache::projects::{ListCache, ReadPage, ReadProject};

/// A project as its page shows it, with its access context: from [`ListCache`] if no project has
/// changed since it was read, else read again (two queries and a few small ones).
pub async fn page(
    db: &DatabaseConnection,
    cache: &ListCache,
    id: i64,
) -> Result<Option<Arc<ReadProject>>, DbErr> {
    let slot = cache.projects.get_with(id, || Arc::new(Mutex::new(None)));
    let mut slot = slot.lock().await;
    let stamp = cache.stamp(db).await?;
    if let Some(read) = slot.as_ref()
        && read.stamp == stamp
    {
        return Ok(Some(read.clone()));
    }
    let Some((_, context)) = context(db, id).await? else {
        return Ok(None);
    };
    let Some(project) = get(db, id).await? else {
        return Ok(None);
    };
    // Kept with the stamp read before the project: if it changed in between, the next request
    // sees a newer stamp and reads it again.
    let read = Arc::new(ReadProject {
        stamp,
        context,
        project,
    });
    *slot = Some(read.clone());
    Ok(Some(read))
}

/// A page of the projects `actor` may see that match `query` (already checked), and how many
/// there are in all.
///
/// From [`ListCache`] if no project has changed since it was read; otherwise which projects,
/// in which order and how many from the register's index in memory
/// (`crate::cache::register`), and what the list shows of the page's projects in one query.
pub async fn list(
    db: &DatabaseConnection,
    cache: &ListCache,
    actor: Option<&Actor>,
    query: &ProjectQuery,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ProjectSummary>, u64), DbErr> {
    // Keyed by who asks and what: the same few pages (the first of the register, of a theme)
    // are asked for again and again, by many people.
    let page_key = format!("{actor:?}\n{query:?}\n{page} {per_page}");
    let slot = cache
        .pages
        .get_with(page_key, || Arc::new(Mutex::new(None)));
    let mut slot = slot.lock().await;
    let stamp = cache.stamp(db).await?;
    if let Some(read) = slot.clone()
        && read.stamp == stamp
    {
        return Ok((read.items.clone(), read.total));
    }
    cache.register.catch_up(db, stamp).await?;
    let offset = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let limit = usize::try_from(per_page).unwrap_or(usize::MAX);
    let (ids, total) = cache.register.select(actor, query, (offset, limit))?;
    let items = summaries_of(db, &ids).await?;
    *slot = Some(Arc::new(ReadPage {
        stamp,
        items: items.clone(),
        total,
    }));
    Ok((items, total))
}

/// Of the projects `ids` (a figure's), a page of those `actor` may see, with how many they may
/// see and how many they may not.
pub async fn visible_page(
    db: &DatabaseConnection,
    cache: &ListCache,
    actor: &Actor,
    ids: &[i64],
    (page, per_page): (u64, u64),
) -> Result<(Vec<ProjectSummary>, u64, u64), DbErr> {
    let stamp = cache.stamp(db).await?;
    cache.register.catch_up(db, stamp).await?;
    let visible = cache.register.visible_among(Some(actor), ids)?;
    let hidden = (ids.len() - visible.len()) as u64;
    let offset = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let limit = usize::try_from(per_page).unwrap_or(usize::MAX);
    let on_page: Vec<i64> = visible.iter().skip(offset).take(limit).copied().collect();
    let items = summaries_of(db, &on_page).await?;
    Ok((items, visible.len() as u64, hidden))
}

/// What the list shows of up to `limit` projects that meet `condition`, with ids above `after`,
/// in id order: one page of a bulk export, read by key (never `OFFSET`, which reads and skips
/// every earlier row) in two queries.
pub async fn summaries_after(
    db: &impl ConnectionTrait,
    condition: Condition,
    after: i64,
    limit: u64,
) -> Result<Vec<ProjectSummary>, DbErr> {
    let select = project::Entity::find()
        .filter(condition)
        .filter(project::Column::Id.gt(after))
        .order_by_asc(project::Column::Id)
        .limit(limit);
    let rows = summary_columns(select, db.get_database_backend())
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut items = summaries(rows);
    with_awards(db, &ids, &mut items).await?;
    Ok(items)
}

/// What the list shows of the projects `ids`, in that order.
pub async fn summaries_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<ProjectSummary>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = project::Entity::find().filter(project::Column::Id.is_in(ids.iter().copied()));
    let mut rows = summary_columns(select, db.get_database_backend())
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    let mut items = summaries(rows);
    with_awards(db, ids, &mut items).await?;
    Ok(items)
}

/// Fills in the awards of `items`, the projects `ids`, in one query.
async fn with_awards(
    db: &impl ConnectionTrait,
    ids: &[i64],
    items: &mut [ProjectSummary],
) -> Result<(), DbErr> {
    let awards = crate::db::events::submissions::awards(db, AwardsOf::Projects(ids)).await?;
    if awards.is_empty() {
        return Ok(());
    }
    for item in items {
        item.awards = awards
            .iter()
            .filter(|a| a.project.id == item.id)
            .cloned()
            .collect();
    }
    Ok(())
}

/// What the list shows of a project: its row, the name of its lead organisation, how many
/// partners it has and its tags, in one query.
#[derive(FromQueryResult)]
struct SummaryRow {
    id: i64,
    title: String,
    aim: String,
    lead_organisation_id: i64,
    lead_organisation_name: Option<String>,
    partner_count: i64,
    /// One a line.
    tags: Option<String>,
    /// One a line.
    dimensions: Option<String>,
    status: ProjectStatus,
    project_type: ProjectType,
    spread: Spread,
    visibility: Visibility,
    score_tenths: Option<i32>,
    involvement: bool,
    sustainability: bool,
    updated_at: DateTime<Utc>,
}

/// `select` narrowed to what [`SummaryRow`] needs.
fn summary_columns(select: Select<project::Entity>, backend: DbBackend) -> Select<project::Entity> {
    use project::Column as C;
    // Every tag in one text, one a line (a tag holds no control characters): one row a project.
    let tags = joined_of(backend, TAGS, "tag");
    let dimensions_of = joined_of(backend, DIMENSIONS, "dimension");
    let lead_name = Query::select()
        .column((organisation::Entity, organisation::Column::Name))
        .from(organisation::Entity)
        .and_where(
            Expr::col((organisation::Entity, organisation::Column::Id))
                .equals((project::Entity, C::LeadOrganisationId)),
        )
        .to_owned();
    let partner_count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(ORGANISATIONS)
        .and_where(Expr::col((ORGANISATIONS, "project_id")).equals((project::Entity, C::Id)))
        .and_where(Expr::col((ORGANISATIONS, "kind")).eq(OrganisationPart::Partner))
        .to_owned();
    select
        .select_only()
        .columns([
            C::Id,
            C::Title,
            C::Aim,
            C::LeadOrganisationId,
            C::Status,
            C::ProjectType,
            C::Spread,
            C::Visibility,
            C::ScoreTenths,
            C::Involvement,
            C::Sustainability,
            C::UpdatedAt,
        ])
        .expr_as(Expr::from(lead_name), "lead_organisation_name")
        .expr_as(Expr::from(partner_count), "partner_count")
        .expr_as(Expr::from(tags), "tags")
        .expr_as(Expr::from(dimensions_of), "dimensions")
}

/// What the list shows of these projects.
fn summaries(rows: Vec<SummaryRow>) -> Vec<ProjectSummary> {
    rows.into_iter()
        .map(|m| ProjectSummary {
            id: m.id,
            title: m.title,
            aim: m.aim,
            lead_organisation: OrganisationRef {
                id: m.lead_organisation_id,
                name: m.lead_organisation_name.unwrap_or_default(),
            },
            partner_count: u64::try_from(m.partner_count).unwrap_or(0),
            tags: {
                let mut tags = lines(m.tags);
                tags.sort_unstable();
                tags
            },
            status: m.status,
            project_type: m.project_type,
            quality_dimensions: dimensions(m.dimensions),
            spread: m.spread,
            visibility: m.visibility,
            score: m.score_tenths.and_then(ProgressScore::from_tenths),
            involvement: m.involvement,
            sustainability: m.sustainability,
            // Filled by `summaries_of`, in one query for the page.
            awards: Vec::new(),
            updated_at: m.updated_at,
        })
        .collect()
}
