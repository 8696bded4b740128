//! Which projects a list shows, as SQL: the visibility rule of the project page, and the
//! register's filters.

use qi_shared::{
    access::Actor,
    person::Role,
    project::OrganisationPart,
    project::{ProjectQuery, TeamRole, Visibility},
};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::db::{entity::project, search};

use super::{MEMBERS, ORGANISATIONS, TAGS};

/// How a condition on a project's related rows (its tags, words, team, organisations) is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Shape {
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
fn involving(organisation: i64, kinds: &[OrganisationPart], shape: Shape) -> Condition {
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
        .add(project::Column::Visibility.is_in(EVERYONE_SIGNED_IN))
        .add(with_member(actor.person_id, None, shape));
    let own_org = involving(
        actor.organisation_id,
        &[OrganisationPart::Lead, OrganisationPart::Partner],
        shape,
    );
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

/// The projects `actor` may see, as a condition on `projects.id` for any query that names
/// projects outside the register (records, caseloads, coverage): the project page's rule.
pub fn visible(actor: &Actor) -> Condition {
    visible_to(Some(actor), Shape::In)
}

/// The projects `actor` may see that match `query`: to count them (`page: false`), or to read
/// a page of them with the filters on related rows in `shape`.
pub(super) fn matching(
    actor: Option<&Actor>,
    query: &ProjectQuery,
    page: bool,
    shape: Shape,
) -> Condition {
    // Last, as the dearest to check: who may see the project needs its row and, for a project
    // not visible to the whole partnership, a look-up in its team or organisations.
    filtered(query, shape).add(visible_to(
        actor,
        if page { Shape::Probe } else { Shape::In },
    ))
}

/// The parts in which the total of a list of `actor`'s is counted: their sum is the count of
/// [`matching`].
///
/// For someone signed in who is not a partnership admin, two: the projects that everyone signed
/// in may see (the same count for all, so the list cache keeps one count of it for everyone who
/// asks the same filters), and those that this person may see besides (their team's and their
/// organisation's, a small part of a register). Counting every match is most of a list's cost,
/// and visibility made every count one person's alone.
pub(super) fn count_parts(actor: Option<&Actor>, query: &ProjectQuery) -> Vec<Condition> {
    match actor {
        Some(actor) if !actor.is_partnership_admin() => vec![
            filtered(query, Shape::In).add(project::Column::Visibility.is_in(EVERYONE_SIGNED_IN)),
            filtered(query, Shape::In)
                .add(project::Column::Visibility.is_not_in(EVERYONE_SIGNED_IN))
                .add(visible_to(Some(actor), Shape::In)),
        ],
        _ => vec![matching(actor, query, false, Shape::In)],
    }
}

/// What everyone signed in may see.
const EVERYONE_SIGNED_IN: [Visibility; 2] = [Visibility::Partnership, Visibility::Public];

/// The projects that match `query`'s filters, whoever may see them.
fn filtered(query: &ProjectQuery, shape: Shape) -> Condition {
    let mut condition = Condition::all();
    if let Some(q) = query.q.as_deref() {
        // Every search word must begin a word of the title, aim or tags (from the word index).
        for word in search::query_words(q) {
            condition = condition.add(having(search::TABLE, search::word_range(&word), shape));
        }
    }
    if let Some(org) = query.organisation_id {
        condition = condition.add(involving(
            org,
            &[OrganisationPart::Lead, OrganisationPart::Partner],
            shape,
        ));
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
    condition
}
