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
    sea_query::{Expr, ExprTrait, NullOrdering, Order, Query, SelectStatement},
};

use crate::db::entity::{organisation, project};

use super::filter::{Shape, count_parts, matching};
use super::read::{context, get};
use super::{ORGANISATIONS, TAGS, joined, lines};
use crate::cache::projects::{
    Counted, KnownTotal, ListCache, ReadPage, ReadProject, Stamp, last_change, stamp_columns,
};

/// How far a list counts its matches by default (`QI_LIST_COUNT_LIMIT`, kept in
/// [`ListCache`]): a total over it is shown as "more than" it (`PageInfo::total_exact`).
/// Counting stops there, so a broad filter of a big register costs a few thousand index
/// entries rather than every match (a count of 65,000 projects took 11 ms of SQLite's time, of
/// 1,000 under 1 ms); and as many as this still says how wide a page of 25 is among all
/// projects ([`page_of`]).
pub const COUNT_LIMIT: u64 = 10_000;

/// The count, up to one more than `limit`, of the projects that meet `condition` (a
/// [`Shape::In`] condition).
fn count_of(condition: Condition, limit: u64) -> SelectStatement {
    let matches = project::Entity::find()
        .select_only()
        .expr(Expr::val(1))
        .filter(condition)
        .limit(limit.saturating_add(1))
        .into_query();
    Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(matches, "matches")
        .to_owned()
}

/// The total `count` (from [`count_of`]) gives now, and the stamp it holds at: from `entry` if
/// nothing has changed since it was counted, else counted again.
async fn current_total(
    db: &impl ConnectionTrait,
    entry: &KnownTotal,
    count: &SelectStatement,
) -> Result<Counted, DbErr> {
    let mut known = entry.lock().await;
    let now = last_change(db).await?;
    if let Some(counted) = *known
        && counted.stamp == now
    {
        return Ok(counted);
    }
    let at = Instant::now();
    let total: i64 = match db.query_one(count).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    let counted = Counted {
        stamp: now,
        total: u64::try_from(total).unwrap_or(0),
        at,
    };
    *known = Some(counted);
    Ok(counted)
}

/// A list's total, counted in parts ([`count_parts`]), each part's count kept in
/// [`ListCache::totals`] by its SQL.
struct Total {
    parts: Vec<(Arc<KnownTotal>, SelectStatement)>,
}

impl Total {
    fn of(
        db: &impl ConnectionTrait,
        cache: &ListCache,
        actor: Option<&Actor>,
        query: &ProjectQuery,
    ) -> Self {
        let backend = db.get_database_backend();
        let parts = count_parts(actor, query)
            .into_iter()
            .map(|condition| {
                let count = count_of(condition, cache.count_limit);
                let sql = backend.build(&count).to_string();
                (
                    cache.totals.get_with(sql, || Arc::new(Mutex::new(None))),
                    count,
                )
            })
            .collect();
        Self { parts }
    }

    /// The total as last counted, if every part has been.
    async fn known(&self) -> Option<Counted> {
        let mut sum: Option<Counted> = None;
        for (entry, _) in &self.parts {
            let part = (*entry.lock().await)?;
            sum = Some(sum.map_or(part, |sum| sum.plus(&part)));
        }
        sum
    }

    /// The total now: each part from its entry if nothing has changed since it was counted,
    /// else counted again.
    async fn current(&self, db: &impl ConnectionTrait) -> Result<Counted, DbErr> {
        let mut sum: Option<Counted> = None;
        for (entry, count) in &self.parts {
            let part = current_total(db, entry, count).await?;
            sum = Some(sum.map_or(part, |sum| sum.plus(&part)));
        }
        // `count_parts` gives at least one part.
        Ok(sum.unwrap_or(Counted {
            stamp: (None, None),
            total: 0,
            at: Instant::now(),
        }))
    }
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
    // Reading projects in the page's order (each sort has its index) stops after about
    // (offset + per_page) × all / total projects; starting from the filters' rows reads at
    // least `total` and sorts them.
    let shape = if total.saturating_mul(total) > (offset + per_page).saturating_mul(all) {
        Shape::Exists
    } else {
        Shape::In
    };
    let mut select = project::Entity::find().filter(matching(actor, query, true, shape));
    select = match sort {
        ProjectSort::Updated => select.order_by_desc(project::Column::UpdatedAt),
        ProjectSort::Title => select.order_by_asc(project::Column::Title),
        // Unscored projects last, in the order of the index `projects_by_score_then_id`.
        ProjectSort::Score => select.order_by_with_nulls(
            project::Column::ScoreTenths,
            Order::Desc,
            NullOrdering::Last,
        ),
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

/// A page of the projects `actor` may see that match `query` (already checked), how many there
/// are in all, counted up to the cache's limit (`QI_LIST_COUNT_LIMIT`), and whether that is
/// all of them.
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
) -> Result<(Vec<ProjectSummary>, u64, bool), DbErr> {
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
        return Ok(shown(read.items.clone(), read.total, cache.count_limit));
    }
    let total = Total::of(db, cache, actor, query);
    let read = read_page(db, cache, actor, query, (page, per_page), &total).await?;
    let result = shown(read.items.clone(), read.total, cache.count_limit);
    *slot = Some(Arc::new(read));
    Ok(result)
}

/// A page's items and total as the list shows them: a total counted past `limit` as "more
/// than" it.
fn shown(items: Vec<ProjectSummary>, total: u64, limit: u64) -> (Vec<ProjectSummary>, u64, bool) {
    (items, Ord::min(total, limit), total <= limit)
}

/// Reads a page of a list from the database, with the total from `entry` if it still holds, or
/// may still be shown ([`ListCache::may_lag`]).
async fn read_page(
    db: &impl ConnectionTrait,
    cache: &ListCache,
    actor: Option<&Actor>,
    query: &ProjectQuery,
    (page, per_page): (u64, u64),
    total: &Total,
) -> Result<ReadPage, DbErr> {
    let backend = db.get_database_backend();
    let offset = (page - 1) * per_page;
    let counted = match total.known().await {
        Some(known) => known,
        None => total.current(db).await?,
    };
    // Past a counted end there is nothing to read; past a count that stopped at the limit there
    // may be.
    if offset < counted.total || counted.total > cache.count_limit {
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
                (total.current(db).await?.total, None)
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
    let counted = total.current(db).await?;
    let items = if offset >= counted.total && counted.total <= cache.count_limit {
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
    let counts: Vec<_> = count_parts(actor, query)
        .into_iter()
        .map(|part| count_of(part, COUNT_LIMIT))
        .collect();
    let mut total = 0;
    let mut stamp = (None, None);
    for count in &counts {
        let counted = current_total(db, &Mutex::new(None), count).await?;
        total += counted.total;
        stamp = counted.stamp;
    }
    let page = page_of(
        actor,
        query,
        ((page - 1) * per_page, per_page),
        (total, all_projects(&stamp)),
        backend,
    );
    Ok(counts
        .iter()
        .map(|count| backend.build(count).to_string())
        .chain([QueryTrait::build(&page, backend).to_string()])
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
