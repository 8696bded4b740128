//! Improvement projects: the project row, its organisations, team and tags, and the histories
//! of its status and score.

use std::collections::HashMap;

use chrono::Utc;
use qi_shared::{
    access::{Actor, ProjectContext},
    person::Role,
    project::{
        Involvement, OrganisationRef, Project, ProjectInput, ProjectQuery, ProjectSort,
        ProjectStatus, ProjectSummary, ScoreChange, Spread, StatusChange, Sustainability,
        TeamMember, TeamRole, Visibility,
    },
    score::ProgressScore,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
};

use super::{
    entity::{
        organisation, person, project, project_member, project_organisation, project_score,
        project_status_change, project_tag,
    },
    like_pattern,
};

const LEAD: &str = "lead";
const PARTNER: &str = "partner";
const ADOPTER: &str = "adopter";

/// What search looks in: title, aim and tags, lower-cased.
fn search_text(input: &ProjectInput) -> String {
    format!("{}\n{}\n{}", input.title, input.aim, input.tags.join("\n")).to_lowercase()
}

/// The project row and what the access rules need to know of it.
pub async fn context(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(project::Model, ProjectContext)>, DbErr> {
    let Some(model) = project::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let organisation_ids = project_organisation::Entity::find()
        .filter(project_organisation::Column::ProjectId.eq(id))
        .filter(project_organisation::Column::Kind.is_in([LEAD, PARTNER]))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.organisation_id)
        .collect();
    let team = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.person_id, TeamRole::parse(&m.role)?)))
        .collect();
    let visibility = Visibility::parse(&model.visibility).unwrap_or(Visibility::Team);
    Ok(Some((
        model,
        ProjectContext {
            visibility,
            organisation_ids,
            team,
        },
    )))
}

async fn organisation_names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
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

/// The whole project, as its page shows it.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Project>, DbErr> {
    let Some(model) = project::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let orgs = project_organisation::Entity::find()
        .filter(project_organisation::Column::ProjectId.eq(id))
        .all(db)
        .await?;
    let members = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(id))
        .all(db)
        .await?;
    let tags = project_tag::Entity::find()
        .filter(project_tag::Column::ProjectId.eq(id))
        .order_by_asc(project_tag::Column::Tag)
        .all(db)
        .await?;
    let statuses = project_status_change::Entity::find()
        .filter(project_status_change::Column::ProjectId.eq(id))
        .order_by_asc(project_status_change::Column::Id)
        .all(db)
        .await?;

    let names = organisation_names(
        db,
        orgs.iter()
            .map(|o| o.organisation_id)
            .chain([model.lead_organisation_id])
            .collect(),
    )
    .await?;
    let people = person_names(
        db,
        members
            .iter()
            .map(|m| m.person_id)
            .chain(statuses.iter().map(|s| s.changed_by))
            .collect(),
    )
    .await?;
    let people_orgs =
        organisation_names(db, people.values().map(|p| p.organisation_id).collect()).await?;
    let org_ref = |id: i64| OrganisationRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    let of_kind = |kind: &str| {
        let mut refs: Vec<OrganisationRef> = orgs
            .iter()
            .filter(|o| o.kind == kind)
            .map(|o| org_ref(o.organisation_id))
            .collect();
        refs.sort_by(|a, b| a.name.cmp(&b.name));
        refs
    };
    let mut team: Vec<TeamMember> = members
        .iter()
        .filter_map(|m| {
            let person = people.get(&m.person_id)?;
            Some(TeamMember {
                person_id: m.person_id,
                name: person.name.clone(),
                organisation_name: people_orgs
                    .get(&person.organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                role: TeamRole::parse(&m.role)?,
            })
        })
        .collect();
    team.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
    let status_history = statuses
        .iter()
        .filter_map(|s| {
            Some(StatusChange {
                status: ProjectStatus::parse(&s.status)?,
                changed_at: s.changed_at,
                changed_by: people
                    .get(&s.changed_by)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
            })
        })
        .collect();
    Ok(Some(Project {
        id: model.id,
        title: model.title,
        problem: model.problem,
        aim: model.aim,
        lead_organisation: org_ref(model.lead_organisation_id),
        partner_organisations: of_kind(PARTNER),
        team,
        tags: tags.into_iter().map(|t| t.tag).collect(),
        start_date: model.start_date,
        expected_end_date: model.expected_end_date,
        status: ProjectStatus::parse(&model.status).unwrap_or(ProjectStatus::Proposed),
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
        spread: Spread::parse(&model.spread).unwrap_or(Spread::Unit),
        adopting_organisations: of_kind(ADOPTER),
        visibility: Visibility::parse(&model.visibility).unwrap_or(Visibility::Team),
        score: model.score_tenths.and_then(ProgressScore::from_tenths),
        version: model.version,
        created_at: model.created_at,
        updated_at: model.updated_at,
    }))
}

/// Writes the project's organisations, team and tags (replacing what was there).
async fn write_relations(
    db: &impl ConnectionTrait,
    id: i64,
    input: &ProjectInput,
) -> Result<(), DbErr> {
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
            role: Set(m.role.as_str().to_owned()),
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
    active.status = Set(input.status.as_str().to_owned());
    active.involvement = Set(input.involvement.involved);
    active.involvement_how = Set(input.involvement.how.clone());
    active.sustainability = Set(input.sustainability.has_aspect);
    active.sustainability_description = Set(input.sustainability.description.clone());
    active.co2e_kg_per_year = Set(input.sustainability.co2e_kg_per_year);
    active.money_per_year = Set(input.sustainability.money_per_year);
    active.spread = Set(input.spread.as_str().to_owned());
    active.visibility = Set(input.visibility.as_str().to_owned());
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
        status: Set(status.as_str().to_owned()),
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
    write_relations(db, model.id, input).await?;
    record_status(db, model.id, input.status, created_by).await?;
    Ok(model.id)
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
    let status_changed = current.status != input.status.as_str();
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
    write_relations(db, id, input).await?;
    if status_changed {
        record_status(db, id, input.status, by).await?;
    }
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

fn projects_with(
    column: project_organisation::Column,
    value: i64,
    kinds: &[&str],
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(project_organisation::Column::ProjectId)
        .from(project_organisation::Entity)
        .and_where(Expr::col(column).eq(value))
        .and_where(Expr::col(project_organisation::Column::Kind).is_in(kinds.iter().copied()))
        .to_owned()
}

fn projects_of_member(
    person_id: i64,
    role: Option<TeamRole>,
) -> sea_orm::sea_query::SelectStatement {
    let mut query = Query::select()
        .column(project_member::Column::ProjectId)
        .from(project_member::Entity)
        .and_where(Expr::col(project_member::Column::PersonId).eq(person_id))
        .to_owned();
    if let Some(role) = role {
        query.and_where(Expr::col(project_member::Column::Role).eq(role.as_str()));
    }
    query
}

/// The projects `actor` may see (`None`: the public learning library), as SQL.
fn visible_to(actor: Option<&Actor>) -> Condition {
    let Some(actor) = actor else {
        return Condition::all().add(project::Column::Visibility.eq(Visibility::Public.as_str()));
    };
    if actor.is_partnership_admin() {
        return Condition::all();
    }
    let mut any = Condition::any()
        .add(project::Column::Visibility.is_in([
            Visibility::Partnership.as_str(),
            Visibility::Public.as_str(),
        ]))
        .add(project::Column::Id.in_subquery(projects_of_member(actor.person_id, None)));
    let own_org = project::Column::Id.in_subquery(projects_with(
        project_organisation::Column::OrganisationId,
        actor.organisation_id,
        &[LEAD, PARTNER],
    ));
    if actor.has(Role::OrganisationAdmin) {
        any = any.add(own_org);
    } else {
        any = any.add(
            Condition::all()
                .add(project::Column::Visibility.eq(Visibility::Organisation.as_str()))
                .add(own_org),
        );
    }
    Condition::all().add(any)
}

/// A page of the projects `actor` may see that match `query` (already checked).
pub async fn list(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    query: &ProjectQuery,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ProjectSummary>, u64), DbErr> {
    let mut condition = visible_to(actor);
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // Every word must appear somewhere in the title, aim or tags.
        for word in q.split_whitespace().take(8) {
            condition = condition.add(
                Expr::col(project::Column::SearchText)
                    .like(LikeExpr::new(like_pattern(word)).escape('\\')),
            );
        }
    }
    if let Some(org) = query.organisation_id {
        condition = condition.add(project::Column::Id.in_subquery(projects_with(
            project_organisation::Column::OrganisationId,
            org,
            &[LEAD, PARTNER],
        )));
    }
    if let Some(status) = query.status {
        condition = condition.add(project::Column::Status.eq(status.as_str()));
    }
    if let Some(theme) = query
        .theme
        .as_deref()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        condition = condition.add(
            project::Column::Id.in_subquery(
                Query::select()
                    .column(project_tag::Column::ProjectId)
                    .from(project_tag::Entity)
                    .and_where(Expr::col(project_tag::Column::Tag).eq(theme))
                    .to_owned(),
            ),
        );
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
        condition = condition.add(project::Column::Spread.eq(spread.as_str()));
    }
    if let Some(coach) = query.coach_id {
        condition = condition
            .add(project::Column::Id.in_subquery(projects_of_member(coach, Some(TeamRole::Coach))));
    }
    let mut select = project::Entity::find().filter(condition);
    let total = select.clone().count(db).await?;
    select = match query.sort.unwrap_or(ProjectSort::Updated) {
        ProjectSort::Updated => select.order_by_desc(project::Column::UpdatedAt),
        ProjectSort::Title => select.order_by_asc(project::Column::Title),
        ProjectSort::Score => select
            .order_by_asc(Expr::col(project::Column::ScoreTenths).is_null())
            .order_by_desc(project::Column::ScoreTenths),
    };
    let models = select
        .order_by_desc(project::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    summaries(db, models).await.map(|items| (items, total))
}

async fn summaries(
    db: &impl ConnectionTrait,
    models: Vec<project::Model>,
) -> Result<Vec<ProjectSummary>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for t in project_tag::Entity::find()
        .filter(project_tag::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(project_tag::Column::Tag)
        .all(db)
        .await?
    {
        tags.entry(t.project_id).or_default().push(t.tag);
    }
    let mut partners: HashMap<i64, u64> = HashMap::new();
    let partner_rows = project_organisation::Entity::find()
        .filter(project_organisation::Column::ProjectId.is_in(ids))
        .filter(project_organisation::Column::Kind.eq(PARTNER))
        .select_only()
        .column(project_organisation::Column::ProjectId)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    for project_id in partner_rows {
        *partners.entry(project_id).or_default() += 1;
    }
    let names =
        organisation_names(db, models.iter().map(|m| m.lead_organisation_id).collect()).await?;
    Ok(models
        .into_iter()
        .map(|m| ProjectSummary {
            id: m.id,
            title: m.title,
            aim: m.aim,
            lead_organisation: OrganisationRef {
                id: m.lead_organisation_id,
                name: names
                    .get(&m.lead_organisation_id)
                    .cloned()
                    .unwrap_or_default(),
            },
            partner_count: partners.get(&m.id).copied().unwrap_or(0),
            tags: tags.remove(&m.id).unwrap_or_default(),
            status: ProjectStatus::parse(&m.status).unwrap_or(ProjectStatus::Proposed),
            spread: Spread::parse(&m.spread).unwrap_or(Spread::Unit),
            visibility: Visibility::parse(&m.visibility).unwrap_or(Visibility::Team),
            score: m.score_tenths.and_then(ProgressScore::from_tenths),
            involvement: m.involvement,
            sustainability: m.sustainability,
            updated_at: m.updated_at,
        })
        .collect())
}
