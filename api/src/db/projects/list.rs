//! Pages of the register and of the learning library, their totals, and the project page, read
//! through the per-node cache (`crate::cache::projects`).

use std::{sync::Arc, time::Instant};

use chrono::{DateTime, Utc};
use futures_util::lock::Mutex;
use qi_shared::{
    access::Actor,
    project::OrganisationPart,
    project::{
        OrganisationRef, ProjectQuery, ProjectSort, ProjectStatus, ProjectSummary, Spread,
        Visibility,
    },
    score::ProgressScore,
};
use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::db::entity::{organisation, project};

use super::filter::{Shape, matching};
use super::read::{context, get};
use super::{ORGANISATIONS, TAGS, joined, lines};
use crate::cache::projects::{
    Counted, KnownTotal, ListCache, ReadPage, ReadProject, Stamp, last_change, stamp_columns,
};

/// The count of the projects that meet `condition` (a [`Shape::In`] condition).
fn count_of(condition: Condition) -> Select<project::Entity> {
    project::Entity::find()
        .select_only()
        .expr(Expr::cust("COUNT(*)"))
        .filter(condition)
}

/// The total `count` (from [`count_of`]) gives now, and the stamp it holds at: from `entry` if
/// nothing has changed since it was counted, else counted again.
async fn current_total(
    db: &impl ConnectionTrait,
    entry: &KnownTotal,
    count: Select<project::Entity>,
) -> Result<Counted, DbErr> {
    let mut known = entry.lock().await;
    let now = last_change(db).await?;
    if let Some(counted) = *known
        && counted.stamp == now
    {
        return Ok(counted);
    }
    let at = Instant::now();
    let total: i64 = count.into_tuple().one(db).await?.unwrap_or(0);
    let counted = Counted {
        stamp: now,
        total: u64::try_from(total).unwrap_or(0),
        at,
    };
    *known = Some(counted);
    Ok(counted)
}

/// The query of a page of the projects `actor` may see that match `query`, given about how many
/// there are (`total`) of about how many in all (`all`).
fn page_of(
    actor: Option<&Actor>,
    query: &ProjectQuery,
    (offset, per_page): (u64, u64),
    (total, all): (u64, u64),
    backend: DbBackend,
) -> Select<project::Entity> {
    let sort = query.sort.unwrap_or(ProjectSort::Updated);
    // Reading projects in the page's order stops after about (offset + per_page) × all / total
    // projects; starting from the filters' rows reads at least `total` and sorts them. (Sorting
    // by score cannot be read from an index.)
    let shape = if sort != ProjectSort::Score
        && total.saturating_mul(total) > (offset + per_page).saturating_mul(all)
    {
        Shape::Exists
    } else {
        Shape::In
    };
    let mut select = project::Entity::find().filter(matching(actor, query, true, shape));
    select = match sort {
        ProjectSort::Updated => select.order_by_desc(project::Column::UpdatedAt),
        ProjectSort::Title => select.order_by_asc(project::Column::Title),
        ProjectSort::Score => select
            .order_by_asc(Expr::col(project::Column::ScoreTenths).is_null())
            .order_by_desc(project::Column::ScoreTenths),
    };
    let select = select
        .order_by_desc(project::Column::Id)
        .offset(offset)
        .limit(per_page);
    summary_columns(select, backend)
}

/// About how many projects there are: the greatest id.
fn all_projects(stamp: &Stamp) -> u64 {
    stamp.1.map_or(0, |id| u64::try_from(id).unwrap_or(0))
}

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
/// From [`ListCache`] if no project has changed since it was read; otherwise usually one query: the
/// page, with all the list shows of each project and the [`Stamp`] of the table, which says
/// whether the total in [`ListCache`] still holds.
pub async fn list(
    db: &DatabaseConnection,
    cache: &ListCache,
    actor: Option<&Actor>,
    query: &ProjectQuery,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ProjectSummary>, u64), DbErr> {
    // Keyed by who asks and what, not by the SQL: building the SQL of a member's list (its
    // visibility rules) costs more than serving the page from here.
    let page_key = format!("{actor:?}\n{query:?}\n{page} {per_page}");
    let slot = cache
        .pages
        .get_with(page_key, || Arc::new(Mutex::new(None)));
    let mut slot = slot.lock().await;
    let person = actor.map(|a| a.person_id);
    if let Some(read) = slot.clone()
        && read.stamp == cache.stamp(db).await?
        && read
            .lagging
            .is_none_or(|counted| cache.may_lag(&counted, person))
    {
        drop(slot);
        return Ok((read.items.clone(), read.total));
    }
    let count = count_of(matching(actor, query, false, Shape::In));
    let count_sql = QueryTrait::build(&count, db.get_database_backend()).to_string();
    let entry = cache
        .totals
        .get_with(count_sql, || Arc::new(Mutex::new(None)));
    let read = read_page(db, cache, actor, query, (page, per_page), &entry, count).await?;
    let result = (read.items.clone(), read.total);
    *slot = Some(Arc::new(read));
    Ok(result)
}

/// Reads a page of a list from the database, with the total from `entry` if it still holds, or
/// may still be shown ([`ListCache::may_lag`]).
async fn read_page(
    db: &impl ConnectionTrait,
    cache: &ListCache,
    actor: Option<&Actor>,
    query: &ProjectQuery,
    (page, per_page): (u64, u64),
    entry: &KnownTotal,
    count: Select<project::Entity>,
) -> Result<ReadPage, DbErr> {
    let backend = db.get_database_backend();
    let offset = (page - 1) * per_page;
    let known = *entry.lock().await;
    let counted = match known {
        Some(known) => known,
        None => current_total(db, entry, count.clone()).await?,
    };
    if offset < counted.total {
        let select = page_of(
            actor,
            query,
            (offset, per_page),
            (counted.total, all_projects(&counted.stamp)),
            backend,
        );
        let rows = select.into_model::<SummaryRow>().all(db).await?;
        if let Some(first) = rows.first() {
            let read_at = (first.last_change, first.last_id);
            let (total, lagging) = if read_at == counted.stamp {
                (counted.total, None)
            } else if cache.may_lag(&counted, actor.map(|a| a.person_id)) {
                (counted.total, Some(counted))
            } else {
                (current_total(db, entry, count).await?.total, None)
            };
            return Ok(ReadPage {
                stamp: read_at,
                items: summaries(rows),
                total,
                lagging,
            });
        }
    }
    // Past the end as far as was known, or nothing there now: make sure, as of now.
    let counted = current_total(db, entry, count).await?;
    let items = if offset >= counted.total {
        Vec::new()
    } else {
        let select = page_of(
            actor,
            query,
            (offset, per_page),
            (counted.total, all_projects(&counted.stamp)),
            backend,
        );
        summaries(select.into_model::<SummaryRow>().all(db).await?)
    };
    Ok(ReadPage {
        stamp: counted.stamp,
        items,
        total: counted.total,
        lagging: None,
    })
}

/// The SQL of the count and of the page that [`list`] runs for this request, with the values
/// written in: what `scripts/bench-projects.sh` asks the databases to explain.
pub async fn list_statements(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    query: &ProjectQuery,
    page: u64,
    per_page: u64,
) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let count = count_of(matching(actor, query, false, Shape::In));
    let entry = Mutex::new(None);
    let counted = current_total(db, &entry, count.clone()).await?;
    let page = page_of(
        actor,
        query,
        ((page - 1) * per_page, per_page),
        (counted.total, all_projects(&counted.stamp)),
        backend,
    );
    Ok([
        QueryTrait::build(&count, backend),
        QueryTrait::build(&page, backend),
    ]
    .iter()
    .map(ToString::to_string)
    .collect())
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
    status: ProjectStatus,
    spread: Spread,
    visibility: Visibility,
    score_tenths: Option<i32>,
    involvement: bool,
    sustainability: bool,
    updated_at: DateTime<Utc>,
    /// The [`Stamp`] of the projects table, the same on every row.
    last_change: Option<DateTime<Utc>>,
    last_id: Option<i64>,
}

/// `select` narrowed to what [`SummaryRow`] needs.
fn summary_columns(select: Select<project::Entity>, backend: DbBackend) -> Select<project::Entity> {
    use project::Column as C;
    // Every tag in one text, one a line (a tag holds no control characters): one row a project.
    let tags = Query::select()
        .expr(joined(backend, Expr::col((TAGS, "tag"))))
        .from(TAGS)
        .and_where(Expr::col((TAGS, "project_id")).equals((project::Entity, C::Id)))
        .to_owned();
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
    let mut select = select
        .select_only()
        .columns([
            C::Id,
            C::Title,
            C::Aim,
            C::LeadOrganisationId,
            C::Status,
            C::Spread,
            C::Visibility,
            C::ScoreTenths,
            C::Involvement,
            C::Sustainability,
            C::UpdatedAt,
        ])
        .expr_as(Expr::from(lead_name), "lead_organisation_name")
        .expr_as(Expr::from(partner_count), "partner_count")
        .expr_as(Expr::from(tags), "tags");
    for (column, name) in stamp_columns() {
        select = select.expr_as(column, name);
    }
    select
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
            spread: m.spread,
            visibility: m.visibility,
            score: m.score_tenths.and_then(ProgressScore::from_tenths),
            involvement: m.involvement,
            sustainability: m.sustainability,
            updated_at: m.updated_at,
        })
        .collect()
}
