//! Improvement projects: the project row, its organisations, team and tags, and the histories
//! of its status and score.
//!
//! - `read`: one project (its access context, its page, its scores);
//! - `write`: creating and changing projects;
//! - `filter`: the visibility rule and the export's filters, as SQL;
//! - `list`: pages of the register and the library, through `crate::cache::projects` and
//!   `crate::cache::register`.

mod filter;
mod list;
mod read;
mod write;

use qi_shared::project::QualityDimension;
use sea_orm::{
    DbBackend,
    sea_query::{Expr, ExprTrait, Func, Query, SelectStatement},
};

use crate::db::entity::project;

pub use filter::{matching, visible};
pub use list::{list, page, summaries_after, summaries_of, visible_page};
pub use read::{context, get, scores};
pub use write::{References, create, references, search_text, set_score, update};

const ORGANISATIONS: &str = "project_organisations";
const MEMBERS: &str = "project_members";
const INVITATIONS: &str = "team_invitations";
const TAGS: &str = "project_tags";
const DIMENSIONS: &str = "project_quality_dimensions";

/// The aggregate that joins the texts `value` of a group's rows into one, one a line.
fn joined(backend: DbBackend, value: Expr) -> Expr {
    let aggregate = match backend {
        DbBackend::Postgres => "string_agg",
        _ => "group_concat",
    };
    Func::cust(aggregate).arg(value).arg("\n").into()
}

/// The quality dimensions in a text made by [`joined`], in their own order. A value this server
/// does not know is left out: the register shows what it can.
fn dimensions(text: Option<String>) -> Vec<QualityDimension> {
    let mut dimensions: Vec<QualityDimension> = lines(text)
        .iter()
        .filter_map(|d| QualityDimension::parse(d))
        .collect();
    dimensions.sort_unstable();
    dimensions
}

/// The `column` of the rows of `table` that belong to the project of the outer query, joined
/// one a line: one row a project, however many related rows (tags, dimensions).
fn joined_of(backend: DbBackend, table: &'static str, column: &'static str) -> SelectStatement {
    Query::select()
        .expr(joined(backend, Expr::col((table, column))))
        .from(table)
        .and_where(Expr::col((table, "project_id")).equals((project::Entity, project::Column::Id)))
        .to_owned()
}

/// The lines of a text made by [`joined`] (`None`: there were no rows).
fn lines(text: Option<String>) -> Vec<String> {
    text.unwrap_or_default()
        .split('\n')
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}
