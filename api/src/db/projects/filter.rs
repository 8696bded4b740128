//! Which projects a person may see, as SQL: the project page's rule
//! (`Actor::can_view_project`), for queries that name projects outside the register (records,
//! caseloads, coverage). The register's own lists apply it in memory
//! (`crate::cache::register`).

use qi_shared::{
    access::Actor,
    person::Role,
    project::{OrganisationPart, Visibility},
};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::db::entity::project;

use super::{MEMBERS, ORGANISATIONS};

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
