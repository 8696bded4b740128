//! Improvement projects: the project row, its organisations, team and tags, and the histories
//! of its status and score.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use futures_util::lock::Mutex;
use moka::sync::Cache;
use qi_shared::{
    access::{Actor, ProjectContext},
    person::{PersonStatus, Role},
    project::{
        Involvement, OrganisationRef, Project, ProjectInput, ProjectQuery, ProjectSort,
        ProjectStatus, ProjectSummary, ScoreChange, Spread, StatusChange, Sustainability,
        TeamMember, TeamRole, Visibility,
    },
    score::ProgressScore,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{BinOper, Expr, ExprTrait, Func, Order, Query},
};

use super::{
    entity::{
        organisation, person, project, project_member, project_organisation, project_score,
        project_status_change, project_tag,
    },
    search,
};

const LEAD: &str = "lead";
const PARTNER: &str = "partner";
const ADOPTER: &str = "adopter";

/// What search looks in: title, aim and tags, lower-cased. Its words (`search::words`) are
/// indexed in `project_words`.
fn search_text(input: &ProjectInput) -> String {
    format!("{}\n{}\n{}", input.title, input.aim, input.tags.join("\n")).to_lowercase()
}

/// The project row and what the access rules need to know of it, in one query.
pub async fn context(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(project::Model, ProjectContext)>, DbErr> {
    let backend = db.get_database_backend();
    let organisations = Query::select()
        .expr(joined(
            backend,
            Expr::col((ORGANISATIONS, "organisation_id")).cast_as("TEXT"),
        ))
        .from(ORGANISATIONS)
        .and_where(
            Expr::col((ORGANISATIONS, "project_id")).equals((project::Entity, project::Column::Id)),
        )
        .and_where(Expr::col((ORGANISATIONS, "kind")).is_in([LEAD, PARTNER]))
        .to_owned();
    let team = Query::select()
        .expr(joined(
            backend,
            Expr::col((MEMBERS, "person_id"))
                .cast_as("TEXT")
                .binary(BinOper::Custom("||"), " ")
                .binary(BinOper::Custom("||"), Expr::col((MEMBERS, "role"))),
        ))
        .from(MEMBERS)
        .and_where(
            Expr::col((MEMBERS, "project_id")).equals((project::Entity, project::Column::Id)),
        )
        .to_owned();
    let select = project::Entity::find_by_id(id)
        .expr_as(Expr::from(organisations), "context_organisations")
        .expr_as(Expr::from(team), "context_team");
    let Some(row) = db
        .query_one_raw(QueryTrait::build(&select, backend))
        .await?
    else {
        return Ok(None);
    };
    let model = project::Model::from_query_result(&row, "")?;
    let organisation_ids = lines(row.try_get("", "context_organisations")?)
        .iter()
        .filter_map(|o| o.parse().ok())
        .collect();
    let team = lines(row.try_get("", "context_team")?)
        .iter()
        .filter_map(|m| {
            let (person, role) = m.split_once(' ')?;
            Some((person.parse().ok()?, role))
        })
        .map(|(person, role)| {
            <TeamRole as ActiveEnum>::try_from_value(&role.to_owned()).map(|role| (person, role))
        })
        .collect::<Result<_, DbErr>>()?;
    let visibility = model.visibility;
    Ok(Some((
        model,
        ProjectContext {
            visibility,
            organisation_ids,
            team,
        },
    )))
}

/// The aggregate that joins the texts `value` of a group's rows into one, one a line.
fn joined(backend: DbBackend, value: Expr) -> Expr {
    let aggregate = match backend {
        DbBackend::Postgres => "string_agg",
        _ => "group_concat",
    };
    Func::cust(aggregate).arg(value).arg("\n").into()
}

/// The lines of a text made by [`joined`] (`None`: there were no rows).
fn lines(text: Option<String>) -> Vec<String> {
    text.unwrap_or_default()
        .split('\n')
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn person_names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, person::Model>, DbErr> {
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// The whole project, as its page shows it: four queries (the project with its tags, its
/// organisations, its team and its status history, each with the names they show).
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Project>, DbErr> {
    let backend = db.get_database_backend();
    let tags = Query::select()
        .expr(joined(backend, Expr::col((TAGS, "tag"))))
        .from(TAGS)
        .and_where(Expr::col((TAGS, "project_id")).equals((project::Entity, project::Column::Id)))
        .to_owned();
    let lead_name = Query::select()
        .column((organisation::Entity, organisation::Column::Name))
        .from(organisation::Entity)
        .and_where(
            Expr::col((organisation::Entity, organisation::Column::Id))
                .equals((project::Entity, project::Column::LeadOrganisationId)),
        )
        .to_owned();
    let select = project::Entity::find_by_id(id)
        .expr_as(Expr::from(tags), "page_tags")
        .expr_as(Expr::from(lead_name), "page_lead_organisation_name");
    let Some(row) = db
        .query_one_raw(QueryTrait::build(&select, backend))
        .await?
    else {
        return Ok(None);
    };
    let model = project::Model::from_query_result(&row, "")?;
    let mut tags = lines(row.try_get("", "page_tags")?);
    tags.sort_unstable();
    let lead_name: Option<String> = row.try_get("", "page_lead_organisation_name")?;

    let orgs = db
        .query_all(
            &Query::select()
                .column((ORGANISATIONS, "organisation_id"))
                .column((ORGANISATIONS, "kind"))
                .column((organisation::Entity, organisation::Column::Name))
                .from(ORGANISATIONS)
                .left_join(
                    organisation::Entity,
                    Expr::col((organisation::Entity, organisation::Column::Id))
                        .equals((ORGANISATIONS, "organisation_id")),
                )
                .and_where(Expr::col((ORGANISATIONS, "project_id")).eq(id))
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "organisation_id")?,
                row.try_get::<String>("", "kind")?,
                row.try_get::<Option<String>>("", "name")?
                    .unwrap_or_default(),
            ))
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    let of_kind = |kind: &str| {
        let mut refs: Vec<OrganisationRef> = orgs
            .iter()
            .filter(|o| o.1 == kind)
            .map(|(id, _, name)| OrganisationRef {
                id: *id,
                name: name.clone(),
            })
            .collect();
        refs.sort_by(|a, b| a.name.cmp(&b.name));
        refs
    };

    // The team: each member's name and organisation (a member whose person is gone is left out).
    let mut team: Vec<TeamMember> = db
        .query_all(
            &Query::select()
                .column((MEMBERS, "person_id"))
                .column((MEMBERS, "role"))
                .expr_as(
                    Expr::col((person::Entity, person::Column::Name)),
                    "person_name",
                )
                .expr_as(
                    Expr::col((organisation::Entity, organisation::Column::Name)),
                    "organisation_name",
                )
                .from(MEMBERS)
                .inner_join(
                    person::Entity,
                    Expr::col((person::Entity, person::Column::Id)).equals((MEMBERS, "person_id")),
                )
                .left_join(
                    organisation::Entity,
                    Expr::col((organisation::Entity, organisation::Column::Id))
                        .equals((person::Entity, person::Column::OrganisationId)),
                )
                .and_where(Expr::col((MEMBERS, "project_id")).eq(id))
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|row| {
            Ok(TeamMember {
                person_id: row.try_get("", "person_id")?,
                name: row.try_get("", "person_name")?,
                organisation_name: row
                    .try_get::<Option<String>>("", "organisation_name")?
                    .unwrap_or_default(),
                role: row.try_get("", "role")?,
            })
        })
        .collect::<Result<_, DbErr>>()?;
    team.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));

    let status_history = db
        .query_all(
            &Query::select()
                .column((
                    project_status_change::Entity,
                    project_status_change::Column::Status,
                ))
                .column((
                    project_status_change::Entity,
                    project_status_change::Column::ChangedAt,
                ))
                .expr_as(
                    Expr::col((person::Entity, person::Column::Name)),
                    "changed_by_name",
                )
                .from(project_status_change::Entity)
                .left_join(
                    person::Entity,
                    Expr::col((person::Entity, person::Column::Id)).equals((
                        project_status_change::Entity,
                        project_status_change::Column::ChangedBy,
                    )),
                )
                .and_where(
                    Expr::col((
                        project_status_change::Entity,
                        project_status_change::Column::ProjectId,
                    ))
                    .eq(id),
                )
                .order_by(
                    (
                        project_status_change::Entity,
                        project_status_change::Column::Id,
                    ),
                    Order::Asc,
                )
                .to_owned(),
        )
        .await?
        .into_iter()
        .map(|row| {
            Ok(StatusChange {
                status: row.try_get("", "status")?,
                changed_at: row.try_get("", "changed_at")?,
                changed_by: row
                    .try_get::<Option<String>>("", "changed_by_name")?
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<_, DbErr>>()?;

    Ok(Some(Project {
        id: model.id,
        title: model.title,
        problem: model.problem,
        aim: model.aim,
        lead_organisation: OrganisationRef {
            id: model.lead_organisation_id,
            name: lead_name.unwrap_or_default(),
        },
        partner_organisations: of_kind(PARTNER),
        team,
        tags,
        start_date: model.start_date,
        expected_end_date: model.expected_end_date,
        status: model.status,
        status_history,
        involvement: Involvement {
            involved: model.involvement,
            how: model.involvement_how,
        },
        sustainability: Sustainability {
            has_aspect: model.sustainability,
            description: model.sustainability_description,
            co2e_kg_per_year: model.co2e_kg_per_year,
            money_per_year: model.money_per_year,
        },
        spread: model.spread,
        adopting_organisations: of_kind(ADOPTER),
        visibility: model.visibility,
        score: model.score_tenths.and_then(ProgressScore::from_tenths),
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    }))
}

/// Writes the project's organisations, team, tags and search words (replacing what was there).
/// `previous_text`: the project's search text before this change, if it had one; its words are
/// only rewritten if the text changed.
async fn write_relations(
    db: &impl ConnectionTrait,
    id: i64,
    input: &ProjectInput,
    previous_text: Option<&str>,
) -> Result<(), DbErr> {
    let text = search_text(input);
    if previous_text != Some(text.as_str()) {
        search::index(db, id, &text).await?;
    }
    project_organisation::Entity::delete_many()
        .filter(project_organisation::Column::ProjectId.eq(id))
        .exec(db)
        .await?;
    project_member::Entity::delete_many()
        .filter(project_member::Column::ProjectId.eq(id))
        .exec(db)
        .await?;
    project_tag::Entity::delete_many()
        .filter(project_tag::Column::ProjectId.eq(id))
        .exec(db)
        .await?;
    let orgs = std::iter::once((input.lead_organisation_id, LEAD))
        .chain(input.partner_organisation_ids.iter().map(|o| (*o, PARTNER)))
        .chain(
            input
                .adopting_organisation_ids
                .iter()
                .map(|o| (*o, ADOPTER)),
        )
        .map(
            |(organisation_id, kind)| project_organisation::ActiveModel {
                project_id: Set(id),
                organisation_id: Set(organisation_id),
                kind: Set(kind.to_owned()),
            },
        );
    project_organisation::Entity::insert_many(orgs)
        .exec(db)
        .await?;
    if !input.team.is_empty() {
        let members = input.team.iter().map(|m| project_member::ActiveModel {
            project_id: Set(id),
            person_id: Set(m.person_id),
            role: Set(m.role),
        });
        project_member::Entity::insert_many(members)
            .exec(db)
            .await?;
    }
    if !input.tags.is_empty() {
        let tags = input.tags.iter().map(|t| project_tag::ActiveModel {
            project_id: Set(id),
            tag: Set(t.clone()),
        });
        project_tag::Entity::insert_many(tags).exec(db).await?;
    }
    Ok(())
}

fn apply(active: &mut project::ActiveModel, input: &ProjectInput) {
    active.title = Set(input.title.clone());
    active.problem = Set(input.problem.clone());
    active.aim = Set(input.aim.clone());
    active.lead_organisation_id = Set(input.lead_organisation_id);
    active.start_date = Set(input.start_date);
    active.expected_end_date = Set(input.expected_end_date);
    active.status = Set(input.status);
    active.involvement = Set(input.involvement.involved);
    active.involvement_how = Set(input.involvement.how.clone());
    active.sustainability = Set(input.sustainability.has_aspect);
    active.sustainability_description = Set(input.sustainability.description.clone());
    active.co2e_kg_per_year = Set(input.sustainability.co2e_kg_per_year);
    active.money_per_year = Set(input.sustainability.money_per_year);
    active.spread = Set(input.spread);
    active.visibility = Set(input.visibility);
    active.search_text = Set(search_text(input));
}

async fn record_status(
    db: &impl ConnectionTrait,
    id: i64,
    status: ProjectStatus,
    by: i64,
) -> Result<(), DbErr> {
    project_status_change::ActiveModel {
        project_id: Set(id),
        status: Set(status),
        changed_by: Set(by),
        changed_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Creates a project (call inside a transaction). Returns its id.
pub async fn create(
    db: &impl ConnectionTrait,
    input: &ProjectInput,
    created_by: i64,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let mut active = project::ActiveModel {
        score_tenths: Set(None),
        version: Set(1),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, input);
    let model = active.insert(db).await?;
    write_relations(db, model.id, input, None).await?;
    record_status(db, model.id, input.status, created_by).await?;
    // Being on a project's team can move a person up the capability tiers.
    super::capability::facts_changed(db, input.team.iter().map(|m| m.person_id), now).await?;
    Ok(model.id)
}

/// Which of `organisations` exist (each with whether it is archived) and which of `people`
/// exist (each with whether their account is deactivated): two queries, however many ids.
pub async fn references(
    db: &impl ConnectionTrait,
    organisations: Vec<i64>,
    people: Vec<i64>,
) -> Result<(HashMap<i64, bool>, HashMap<i64, bool>), DbErr> {
    let organisations = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(organisations))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.archived_at.is_some()))
        .collect();
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.status == PersonStatus::Deactivated))
        .collect();
    Ok((organisations, people))
}

/// Replaces a project's details if it is still at `version` (call inside a transaction).
/// `Ok(false)`: someone changed it first.
pub async fn update(
    db: &impl ConnectionTrait,
    current: project::Model,
    version: i64,
    input: &ProjectInput,
    by: i64,
) -> Result<bool, DbErr> {
    let id = current.id;
    let status_changed = current.status != input.status;
    let mut active = <project::ActiveModel as Default>::default();
    apply(&mut active, input);
    active.version = Set(version + 1);
    active.updated_at = Set(Utc::now());
    // The version check and the write are one statement, so two editors cannot both win.
    let result = project::Entity::update_many()
        .set(active)
        .filter(project::Column::Id.eq(id))
        .filter(project::Column::Version.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    let team_before: Vec<i64> = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(id))
        .select_only()
        .column(project_member::Column::PersonId)
        .into_tuple()
        .all(db)
        .await?;
    write_relations(db, id, input, Some(&current.search_text)).await?;
    if status_changed {
        record_status(db, id, input.status, by).await?;
    }
    // Everyone on the team before or after: joining, leaving or a new status can move a tier.
    let team_after = input.team.iter().map(|m| m.person_id);
    super::capability::facts_changed(db, team_before.into_iter().chain(team_after), Utc::now())
        .await?;
    Ok(true)
}

/// Records a new progress score (call inside a transaction).
pub async fn set_score(
    db: &impl ConnectionTrait,
    id: i64,
    score: ProgressScore,
    reason: &str,
    by: i64,
) -> Result<(), DbErr> {
    let now = Utc::now();
    project_score::ActiveModel {
        project_id: Set(id),
        score_tenths: Set(score.tenths()),
        reason: Set(reason.to_owned()),
        changed_by: Set(by),
        changed_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    project::Entity::update_many()
        .col_expr(project::Column::ScoreTenths, Expr::value(score.tenths()))
        .col_expr(
            project::Column::Version,
            Expr::col(project::Column::Version).add(1),
        )
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A project's score history, newest first.
pub async fn scores(db: &impl ConnectionTrait, id: i64) -> Result<Vec<ScoreChange>, DbErr> {
    let rows = project_score::Entity::find()
        .filter(project_score::Column::ProjectId.eq(id))
        .order_by_desc(project_score::Column::Id)
        .all(db)
        .await?;
    let people = person_names(db, rows.iter().map(|r| r.changed_by).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let score = ProgressScore::from_tenths(r.score_tenths)?;
            Some(ScoreChange {
                score,
                label: score.label().to_owned(),
                reason: r.reason,
                changed_by: people
                    .get(&r.changed_by)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                changed_at: r.changed_at,
            })
        })
        .collect())
}

/// How a condition on a project's related rows (its tags, words, team, organisations) is written.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    /// `projects.id IN (SELECT project_id FROM ...)`: the database may start from the related
    /// rows, through their index. Best to count, and to find a page among few matches.
    In,
    /// A correlated `EXISTS (SELECT 1 FROM ... WHERE project_id = projects.id ...)`: checked
    /// project by project, through the related table's primary key, while projects are read in
    /// the page's order from an index. Best for a page among many matches: reading stops once
    /// the page is full, and nothing is sorted.
    Exists,
    /// `(SELECT COUNT(*) FROM ... WHERE project_id = projects.id ...) > 0`: like `Exists`, but
    /// always checked project by project through the related table's primary key. For a term
    /// of an `OR` (who may see a project), where PostgreSQL would otherwise read every related
    /// row into a hash table first ("hashed SubPlan": all 16,000 projects of a big trust, for a
    /// page of 25).
    Probe,
}

const ORGANISATIONS: &str = "project_organisations";
const MEMBERS: &str = "project_members";
const TAGS: &str = "project_tags";

/// The projects with a row in `table` (by its `project_id`) that meets `filter`.
fn having(table: &'static str, filter: Condition, shape: Shape) -> Condition {
    let mut related = Query::select().from(table).cond_where(filter).to_owned();
    let condition = match shape {
        Shape::In => {
            related.column((table, "project_id"));
            Expr::col((project::Entity, project::Column::Id)).in_subquery(related)
        }
        Shape::Exists => {
            related.expr(Expr::val(1)).and_where(
                Expr::col((table, "project_id")).equals((project::Entity, project::Column::Id)),
            );
            Expr::exists(related)
        }
        Shape::Probe => {
            related.expr(Expr::cust("COUNT(*)")).and_where(
                Expr::col((table, "project_id")).equals((project::Entity, project::Column::Id)),
            );
            Expr::from(related).gt(0)
        }
    };
    Condition::all().add(condition)
}

/// Projects in which `organisation` takes one of these `kinds` of part.
fn involving(organisation: i64, kinds: &[&str], shape: Shape) -> Condition {
    having(
        ORGANISATIONS,
        Condition::all()
            .add(Expr::col((ORGANISATIONS, "organisation_id")).eq(organisation))
            .add(Expr::col((ORGANISATIONS, "kind")).is_in(kinds.iter().copied())),
        shape,
    )
}

/// Projects whose team has `person_id` (in `role`, if given).
fn with_member(person_id: i64, role: Option<TeamRole>, shape: Shape) -> Condition {
    let mut filter = Condition::all().add(Expr::col((MEMBERS, "person_id")).eq(person_id));
    if let Some(role) = role {
        filter = filter.add(Expr::col((MEMBERS, "role")).eq(role));
    }
    having(MEMBERS, filter, shape)
}

/// The projects `actor` may see (`None`: the public learning library), as SQL, with the team and
/// organisation terms in `shape`: [`Shape::In`] to count, [`Shape::Probe`] for a page (checked
/// only for the projects read that the whole partnership may not see).
fn visible_to(actor: Option<&Actor>, shape: Shape) -> Condition {
    let Some(actor) = actor else {
        return Condition::all().add(project::Column::Visibility.eq(Visibility::Public));
    };
    if actor.is_partnership_admin() {
        return Condition::all();
    }
    let mut any = Condition::any()
        .add(project::Column::Visibility.is_in([Visibility::Partnership, Visibility::Public]))
        .add(with_member(actor.person_id, None, shape));
    let own_org = involving(actor.organisation_id, &[LEAD, PARTNER], shape);
    if actor.has(Role::OrganisationAdmin) {
        any = any.add(own_org);
    } else {
        any = any.add(
            Condition::all()
                .add(project::Column::Visibility.eq(Visibility::Organisation))
                .add(own_org),
        );
    }
    Condition::all().add(any)
}

/// The projects `actor` may see that match `query`: to count them (`page: false`), or to read
/// a page of them with the filters on related rows in `shape`.
fn matching(actor: Option<&Actor>, query: &ProjectQuery, page: bool, shape: Shape) -> Condition {
    let mut condition = Condition::all();
    if let Some(q) = query.q.as_deref() {
        // Every search word must begin a word of the title, aim or tags (from the word index).
        for word in search::query_words(q) {
            condition = condition.add(having(search::TABLE, search::word_range(&word), shape));
        }
    }
    if let Some(org) = query.organisation_id {
        condition = condition.add(involving(org, &[LEAD, PARTNER], shape));
    }
    if let Some(status) = query.status {
        condition = condition.add(project::Column::Status.eq(status));
    }
    if let Some(theme) = query
        .theme
        .as_deref()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        condition = condition.add(having(
            TAGS,
            Condition::all().add(Expr::col((TAGS, "tag")).eq(theme)),
            shape,
        ));
    }
    if let Some(min) = query.score_min {
        condition = condition.add(project::Column::ScoreTenths.gte((min * 10.0).round() as i32));
    }
    if let Some(max) = query.score_max {
        condition = condition.add(project::Column::ScoreTenths.lte((max * 10.0).round() as i32));
    }
    if let Some(involvement) = query.involvement {
        condition = condition.add(project::Column::Involvement.eq(involvement));
    }
    if let Some(sustainability) = query.sustainability {
        condition = condition.add(project::Column::Sustainability.eq(sustainability));
    }
    if let Some(spread) = query.spread {
        condition = condition.add(project::Column::Spread.eq(spread));
    }
    if let Some(coach) = query.coach_id {
        condition = condition.add(with_member(coach, Some(TeamRole::Coach), shape));
    }
    // Last, as the dearest to check: who may see the project needs its row and, for a project
    // not visible to the whole partnership, a look-up in its team or organisations.
    condition.add(visible_to(
        actor,
        if page { Shape::Probe } else { Shape::In },
    ))
}

/// The latest change to any project and the greatest project id.
type Stamp = (Option<DateTime<Utc>>, Option<i64>);

/// A total and the [`Stamp`] it was counted at, once counted.
type KnownTotal = Mutex<Option<(Stamp, u64)>>;

/// What lists of projects this node has read: the totals and the pages. One a server (see
/// `AppState`); cloning it shares it.
#[derive(Clone)]
pub struct ListCache {
    /// Totals of list queries, by the count's SQL (which names the filters and who asks), each with
    /// the [`Stamp`] of the projects table it was counted at. Counting every match is most of the
    /// cost of a page of a big register (tens of milliseconds for 100,000 projects), and the same
    /// count serves every page of a list and everyone who asks it again.
    ///
    /// A total is used only while the stamp is the same: any change to a project moves its
    /// `updated_at` (and a new project the greatest id), so a total is not stale after a change to a
    /// project, made on any node. Entries also expire after [`TOTALS_TIME_TO_LIVE`], in case another
    /// node's clock runs behind this one's. Requests that find no entry wait for the first one's
    /// count rather than all counting.
    totals: Cache<String, Arc<KnownTotal>>,
    /// Pages of list queries already read, by who asked, the query and the page, with the
    /// [`Stamp`] they were read at. The same few pages (the first of the register, of a theme, of an
    /// organisation) are asked for again and again, by many people; while no project has changed, a
    /// page is the same, and the stamp (read at most every [`STAMP_INTERVAL`]) says so without a query.
    /// Entries expire after a few seconds (`list_cache_seconds`), which bounds how long a change the stamp does
    /// not see takes to show: a change outside the projects' rows (an organisation's new name), or
    /// one committed just after a later one whose `updated_at` is already the greatest.
    /// Each entry is read by one request at a time: the others wait for its read rather than all
    /// asking the database the same thing at once (when an entry expires, say, under load).
    pages: Cache<String, Arc<Mutex<Option<Arc<ReadPage>>>>>,
    /// Projects as their page shows them, with their access context and the [`Stamp`] they were
    /// read at: the project page is the register's most visited page after its lists.
    /// Read by one request at a time, like the pages.
    projects: Cache<i64, Arc<Mutex<Option<Arc<ReadProject>>>>>,
    /// The stamp as last read, so that a busy node asks the database for it at most every
    /// [`STAMP_INTERVAL`] rather than on every request.
    stamp: Arc<StampMemo>,
}

/// How long a node trusts the stamp it last read. A change made through another node shows
/// here within about this time; one made through this node shows at once (see
/// [`ListCache::changed`]).
const STAMP_INTERVAL: Duration = Duration::from_millis(250);

/// How old a stamp may be and still answer a request while a newer one is read in the
/// background. Older than this (a node left idle), the request reads it itself.
const STAMP_STALE_LIMIT: Duration = Duration::from_secs(1);

#[derive(Default)]
struct StampMemo {
    /// Held while a request reads the stamp itself, so that the others use its answer.
    reading: Mutex<()>,
    /// Set while a background read is under way, so that there is one at a time.
    refreshing: AtomicBool,
    /// Moves on every change made through this node.
    generation: AtomicU64,
    /// When the stamp was last read (the moment before asking), at which generation, and what it was.
    last: std::sync::Mutex<Option<(Instant, u64, Stamp)>>,
}

impl StampMemo {
    /// The stamp last read and how long ago, if nothing has changed through this node since.
    fn remembered(&self, generation: u64) -> Option<(Duration, Stamp)> {
        let last = self.last.lock().ok()?;
        let (read_at, read_in, stamp) = (*last)?;
        (read_in == generation).then(|| (read_at.elapsed(), stamp))
    }

    /// Asks the database for the stamp and keeps the answer, unless something changed through
    /// this node while it was asked (the answer may predate that change).
    async fn read(&self, db: &impl ConnectionTrait, generation: u64) -> Result<Stamp, DbErr> {
        let asked_at = Instant::now();
        let stamp = last_change(db).await?;
        if self.generation.load(Ordering::Acquire) == generation
            && let Ok(mut last) = self.last.lock()
        {
            *last = Some((asked_at, generation, stamp));
        }
        Ok(stamp)
    }
}

/// A project, its access context, and the [`Stamp`] at which they were read.
pub struct ReadProject {
    stamp: Stamp,
    pub context: ProjectContext,
    pub project: Project,
}

impl ListCache {
    /// Keeps pages for `page_time_to_live` (zero: keeps none).
    pub fn new(page_time_to_live: Duration) -> Self {
        Self {
            totals: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(TOTALS_TIME_TO_LIVE)
                .build(),
            pages: Cache::builder()
                .max_capacity(if page_time_to_live.is_zero() {
                    0
                } else {
                    2_000
                })
                .time_to_live(page_time_to_live.max(Duration::from_millis(1)))
                .build(),
            projects: Cache::builder()
                .max_capacity(if page_time_to_live.is_zero() {
                    0
                } else {
                    10_000
                })
                .time_to_live(page_time_to_live.max(Duration::from_millis(1)))
                .build(),
            stamp: Arc::default(),
        }
    }

    /// Call when a request that may have changed a project has been carried out through this
    /// node: the next read asks the database for the stamp again, so the change shows at once.
    pub fn changed(&self) {
        self.stamp.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The stamp of the projects table: the one last read while it is younger than
    /// [`STAMP_INTERVAL`]; while it is younger than [`STAMP_STALE_LIMIT`], that one too, with a
    /// newer one read in the background; else (or after any change made through this node)
    /// read now.
    ///
    /// A busy node thus never makes a request wait for the stamp: under load, the request that
    /// read it inline held every request for the same page behind it for a round trip, which
    /// on PostgreSQL was most of the slowest one percent.
    async fn stamp(&self, db: &DatabaseConnection) -> Result<Stamp, DbErr> {
        let generation = self.stamp.generation.load(Ordering::Acquire);
        match self.stamp.remembered(generation) {
            Some((age, stamp)) if age < STAMP_INTERVAL => return Ok(stamp),
            Some((age, stamp)) if age < STAMP_STALE_LIMIT => {
                if !self.stamp.refreshing.swap(true, Ordering::AcqRel) {
                    let (memo, db) = (self.stamp.clone(), db.clone());
                    tokio::spawn(async move {
                        if let Err(error) = memo.read(&db, generation).await {
                            tracing::warn!(%error, "could not read the projects' stamp");
                        }
                        memo.refreshing.store(false, Ordering::Release);
                    });
                }
                return Ok(stamp);
            }
            _ => {}
        }
        let _reading = self.stamp.reading.lock().await;
        // Another request may have read it while this one waited.
        let generation = self.stamp.generation.load(Ordering::Acquire);
        if let Some((age, stamp)) = self.stamp.remembered(generation)
            && age < STAMP_INTERVAL
        {
            return Ok(stamp);
        }
        self.stamp.read(db, generation).await
    }
}

const TOTALS_TIME_TO_LIVE: Duration = Duration::from_secs(30);

/// `(SELECT MAX(updated_at) FROM projects)` and `(SELECT MAX(id) FROM projects)`: each an index
/// look-up. (As two subqueries: SQLite reads a maximum from an index only when it is a query's
/// one aggregate.)
fn stamp_columns() -> [(Expr, &'static str); 2] {
    let greatest = |column: project::Column| {
        Expr::from(
            Query::select()
                .expr(Expr::col(column).max())
                .from(project::Entity)
                .to_owned(),
        )
    };
    [
        (greatest(project::Column::UpdatedAt), "last_change"),
        (greatest(project::Column::Id), "last_id"),
    ]
}

async fn last_change(db: &impl ConnectionTrait) -> Result<Stamp, DbErr> {
    let mut select = Query::select();
    for (column, name) in stamp_columns() {
        select.expr_as(column, name);
    }
    let Some(row) = db.query_one(&select).await? else {
        return Ok((None, None));
    };
    Ok((row.try_get("", "last_change")?, row.try_get("", "last_id")?))
}

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
) -> Result<(Stamp, u64), DbErr> {
    let mut known = entry.lock().await;
    let now = last_change(db).await?;
    if let Some((stamp, total)) = *known
        && stamp == now
    {
        return Ok((stamp, total));
    }
    let total: i64 = count.into_tuple().one(db).await?.unwrap_or(0);
    let total = u64::try_from(total).unwrap_or(0);
    *known = Some((now, total));
    Ok((now, total))
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

/// A page of a list, its total and the [`Stamp`] at which both were read.
struct ReadPage {
    stamp: Stamp,
    items: Vec<ProjectSummary>,
    total: u64,
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
    if let Some(read) = slot.clone()
        && read.stamp == cache.stamp(db).await?
    {
        drop(slot);
        return Ok((read.items.clone(), read.total));
    }
    let count = count_of(matching(actor, query, false, Shape::In));
    let count_sql = QueryTrait::build(&count, db.get_database_backend()).to_string();
    let entry = cache
        .totals
        .get_with(count_sql, || Arc::new(Mutex::new(None)));
    let read = read_page(db, actor, query, (page, per_page), &entry, count).await?;
    let result = (read.items.clone(), read.total);
    *slot = Some(Arc::new(read));
    Ok(result)
}

/// Reads a page of a list from the database, with the total from `entry` if it still holds.
async fn read_page(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    query: &ProjectQuery,
    (page, per_page): (u64, u64),
    entry: &KnownTotal,
    count: Select<project::Entity>,
) -> Result<ReadPage, DbErr> {
    let backend = db.get_database_backend();
    let offset = (page - 1) * per_page;
    let known = *entry.lock().await;
    let (stamp, total) = match known {
        Some(known) => known,
        None => current_total(db, entry, count.clone()).await?,
    };
    if offset < total {
        let select = page_of(
            actor,
            query,
            (offset, per_page),
            (total, all_projects(&stamp)),
            backend,
        );
        let rows = select.into_model::<SummaryRow>().all(db).await?;
        if let Some(first) = rows.first() {
            let read_at = (first.last_change, first.last_id);
            let total = if read_at == stamp {
                total
            } else {
                current_total(db, entry, count).await?.1
            };
            return Ok(ReadPage {
                stamp: read_at,
                items: summaries(rows),
                total,
            });
        }
    }
    // Past the end as far as was known, or nothing there now: make sure, as of now.
    let (stamp, total) = current_total(db, entry, count).await?;
    let items = if offset >= total {
        Vec::new()
    } else {
        let select = page_of(
            actor,
            query,
            (offset, per_page),
            (total, all_projects(&stamp)),
            backend,
        );
        summaries(select.into_model::<SummaryRow>().all(db).await?)
    };
    Ok(ReadPage {
        stamp,
        items,
        total,
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
    let (stamp, total) = current_total(db, &entry, count.clone()).await?;
    let page = page_of(
        actor,
        query,
        ((page - 1) * per_page, per_page),
        (total, all_projects(&stamp)),
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
        .and_where(Expr::col((ORGANISATIONS, "kind")).eq(PARTNER))
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
