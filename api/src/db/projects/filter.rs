//! Which projects a person may see, as SQL: the project page's rule
//! (`Actor::can_view_project`), for queries that name projects outside the register (records,
//! caseloads, coverage, bulk export). The register's own lists apply it in memory
//! (`crate::cache::register`). And the export's filters, as SQL ([`matching`]).

use qi_shared::{
    access::Actor,
    export::ProjectFilter,
    person::Role,
    project::{OrganisationPart, TeamRole, Visibility},
};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::db::entity::project;

use super::{DIMENSIONS, MEMBERS, ORGANISATIONS, TAGS};

/// `projects.id IN (SELECT project_id FROM table WHERE filter)`.
fn having(table: &'static str, filter: Condition) -> Condition {
    let related = Query::select()
        .column((table, "project_id"))
        .from(table)
        .cond_where(filter)
        .to_owned();
    Condition::all().add(Expr::col((project::Entity, project::Column::Id)).in_subquery(related))
}

/// The projects `actor` may see, as a condition on `projects.id`.
pub fn visible(actor: &Actor) -> Condition {
    if actor.is_partnership_admin() {
        return Condition::all();
    }
    let on_team = having(
        MEMBERS,
        Condition::all().add(Expr::col((MEMBERS, "person_id")).eq(actor.person_id)),
    );
    let own_org = having(
        ORGANISATIONS,
        Condition::all()
            .add(Expr::col((ORGANISATIONS, "organisation_id")).eq(actor.organisation_id))
            .add(
                Expr::col((ORGANISATIONS, "kind"))
                    .is_in([OrganisationPart::Lead, OrganisationPart::Partner]),
            ),
    );
    let mut any = Condition::any()
        .add(project::Column::Visibility.is_in([Visibility::Partnership, Visibility::Public]))
        .add(on_team);
    any = if actor.has(Role::OrganisationAdmin) {
        any.add(own_org)
    } else {
        any.add(
            Condition::all()
                .add(project::Column::Visibility.eq(Visibility::Organisation))
                .add(own_org),
        )
    };
    Condition::all().add(any)
}

/// The projects an export's filters keep, as a condition on `projects`: the same tests as the
/// register's in memory (`crate::cache::register`), each a column or an indexed subquery.
pub fn matching(filter: &ProjectFilter) -> Condition {
    use project::Column as C;
    let mut all = Condition::all();
    if let Some(organisation) = filter.organisation_id {
        all = all.add(having(
            ORGANISATIONS,
            Condition::all()
                .add(Expr::col((ORGANISATIONS, "organisation_id")).eq(organisation))
                .add(
                    Expr::col((ORGANISATIONS, "kind"))
                        .is_in([OrganisationPart::Lead, OrganisationPart::Partner]),
                ),
        ));
    }
    if let Some(theme) = &filter.theme {
        all = all.add(having(
            TAGS,
            Condition::all().add(Expr::col((TAGS, "tag")).eq(theme.as_str())),
        ));
    }
    if let Some(dimension) = filter.quality_dimension {
        all = all.add(having(
            DIMENSIONS,
            Condition::all().add(Expr::col((DIMENSIONS, "dimension")).eq(dimension)),
        ));
    }
    if let Some(person) = filter.member_id {
        all = all.add(having(
            MEMBERS,
            Condition::all().add(Expr::col((MEMBERS, "person_id")).eq(person)),
        ));
    }
    if let Some(person) = filter.coach_id {
        all = all.add(having(
            MEMBERS,
            Condition::all()
                .add(Expr::col((MEMBERS, "person_id")).eq(person))
                .add(Expr::col((MEMBERS, "role")).eq(TeamRole::Coach)),
        ));
    }
    all.add_option(filter.status.map(|s| C::Status.eq(s)))
        .add_option(filter.project_type.map(|t| C::ProjectType.eq(t)))
        .add_option(filter.visibility.map(|v| C::Visibility.eq(v)))
        .add_option(filter.spread.map(|s| C::Spread.eq(s)))
        .add_option(filter.involvement.map(|i| C::Involvement.eq(i)))
        .add_option(filter.sustainability.map(|s| C::Sustainability.eq(s)))
        .add_option(filter.score_min_tenths.map(|t| C::ScoreTenths.gte(t)))
        .add_option(filter.score_max_tenths.map(|t| C::ScoreTenths.lte(t)))
        .add_option(filter.updated_since.map(|t| C::UpdatedAt.gte(t)))
}
