//! The "Sharing the Learning" bulletin: drafts composed by an editor, a preview, publishing;
//! published issues for anyone, at their own address and in an Atom feed.

use actix_web::{HttpResponse, delete, get, http::header, post, put, web};
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::Utc;
use qi_shared::{
    access::Actor,
    bulletin::{Bulletin, BulletinInput, BulletinPage, BulletinQuery, BulletinStatus},
    chart::escape,
    page::{Page, parse_page},
    problem::Problem,
    uk_time,
};

use crate::{
    auth::{AuthUser, MaybeUser},
    db::{self, bulletins::Charts, entity::bulletins::bulletin},
    error::{ApiError, ApiResult, conflict, invalid, not_found},
    extract::{Json, Query},
    state::AppState,
};

/// How many issues the feed carries.
const FEED_ISSUES: u64 = 20;

/// Issues of the bulletin: published ones to anyone, latest first; a signed-in editor also
/// gets the drafts they may edit, first.
#[utoipa::path(
    tag = "bulletins",
    security((), ("bearer" = [])),
    params(BulletinQuery),
    responses(
        (status = 200, description = "One page of issues", body = BulletinPage),
        (status = 400, description = "A query parameter is not valid (not a number, an unknown value, or missing)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/bulletins")]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeUser,
    Query(query): Query<BulletinQuery>,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = parse_page(query.page, query.per_page)?;
    let reader = user.0.as_ref().map(|u| &u.0);
    let (items, total) = db::bulletins::list(&state.db, reader, &query, page, per_page).await?;
    Ok(HttpResponse::Ok().json(Page::new(items, page, per_page, total)))
}

/// The published issues as an Atom feed (the latest 20), as the public sees them.
#[utoipa::path(
    tag = "bulletins",
    responses(
        (status = 200, description = "The Atom feed", body = String, content_type = "application/atom+xml"),
    )
)]
#[get("/bulletins/feed.atom")]
pub async fn feed(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let base = state.public_url.trim_end_matches('/');
    let issues = db::bulletins::latest_published(&state.db, FEED_ISSUES).await?;
    let mut entries = Vec::with_capacity(issues.len());
    for (model, sections) in &issues {
        let issue = db::bulletins::render(&state.db, model, sections, None, Charts::Left).await?;
        entries.push(entry(&issue, base));
    }
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| Utc::now().fixed_offset());
    let feed = Feed {
        title: Text::plain("Sharing the Learning"),
        id: format!("{base}/bulletins"),
        updated,
        subtitle: Some(Text::plain(
            "The partnership's bulletin: projects, events and awards worth sharing",
        )),
        links: vec![
            link(&format!("{base}/bulletins"), "alternate", "text/html"),
            link(
                &format!("{base}/api/v1/bulletins/feed.atom"),
                "self",
                "application/atom+xml",
            ),
        ],
        entries,
        ..Default::default()
    };
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(feed.to_string()))
}

fn link(href: &str, rel: &str, mime: &str) -> Link {
    Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime.to_owned()),
        ..Default::default()
    }
}

/// An issue as a feed entry: its sections as HTML (each part escaped or already cleaned).
fn entry(issue: &Bulletin, base: &str) -> Entry {
    let address = format!("{base}/bulletins/{}", issue.id);
    let mut html = String::new();
    for section in &issue.sections {
        html.push_str(&format!("<h2>{}</h2>", escape(&section.heading)));
        html.push_str(&section.html);
        let mut items: Vec<String> = Vec::new();
        for p in &section.projects {
            items.push(format!(
                "<a href=\"{base}/library/{}\">{}</a> ({}): {}",
                p.id,
                escape(&p.title),
                escape(&p.lead_organisation.name),
                escape(&p.aim)
            ));
        }
        for e in &section.events {
            items.push(format!(
                "<a href=\"{base}/events/{}\">{}</a>: {} {}, {}",
                e.id,
                escape(&e.title),
                uk_time::local(e.starts_at).format("%-d %B %Y, %H:%M"),
                uk_time::zone_name(e.starts_at),
                escape(&e.place)
            ));
        }
        for a in &section.awards {
            items.push(format!(
                "{}, {}: {} ({})",
                escape(&a.category),
                escape(a.level.label()),
                escape(&a.submission_title),
                escape(&a.project.title)
            ));
        }
        if !items.is_empty() {
            html.push_str("<ul>");
            for item in items {
                html.push_str(&format!("<li>{item}</li>"));
            }
            html.push_str("</ul>");
        }
    }
    let published = issue
        .published_at
        .unwrap_or(issue.updated_at)
        .fixed_offset();
    Entry {
        title: Text::plain(issue.title.clone()),
        id: address.clone(),
        updated: issue.updated_at.fixed_offset(),
        published: Some(published),
        authors: vec![Person {
            name: issue
                .organisation
                .as_ref()
                .map_or_else(|| "The partnership".to_owned(), |o| o.name.clone()),
            ..Default::default()
        }],
        summary: (!issue.summary.is_empty()).then(|| Text::plain(issue.summary.clone())),
        content: Some(Content {
            value: Some(html),
            content_type: Some("html".to_owned()),
            ..Default::default()
        }),
        links: vec![link(&address, "alternate", "text/html")],
        ..Default::default()
    }
}

/// The issue rendered as it would publish, with nothing stored (an editor's preview).
#[utoipa::path(
    tag = "bulletins",
    operation_id = "preview_bulletin",
    security(("bearer" = [])),
    request_body = BulletinInput,
    responses(
        (status = 200, description = "The issue as it would read (id 0)", body = Bulletin),
        (status = 403, description = "Not an editor of this organisation's (or the partnership's) bulletin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bulletins/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<BulletinInput, { qi_shared::bulletin::MAX_BODY_BYTES }>,
) -> ApiResult<HttpResponse> {
    let input = checked(&state, &user, &body.0).await?;
    let now = Utc::now();
    let model = bulletin::Model {
        id: 0,
        organisation_id: input.organisation_id,
        title: input.title.clone(),
        summary: input.summary.clone(),
        status: BulletinStatus::Draft,
        published_at: None,
        created_by: user.person_id,
        created_at: now,
        updated_at: now,
    };
    let sections = input
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| crate::db::entity::bulletins::section::Model {
            id: 0,
            bulletin_id: 0,
            position: i32::try_from(i).unwrap_or(i32::MAX),
            kind: s.kind,
            heading: s.heading.clone(),
            body: s.body.clone(),
            items: s
                .project_ids
                .iter()
                .chain(&s.event_ids)
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(","),
        })
        .collect::<Vec<_>>();
    let issue =
        db::bulletins::render(&state.db, &model, &sections, Some(&user.0), Charts::Drawn).await?;
    Ok(HttpResponse::Ok().json(issue))
}

/// Start an issue, as a draft (an editor: partnership admins for any, an organisation's admins
/// for their own organisation's).
#[utoipa::path(
    tag = "bulletins",
    operation_id = "create_bulletin",
    security(("bearer" = [])),
    request_body = BulletinInput,
    responses(
        (status = 201, description = "The draft", body = Bulletin),
        (status = 403, description = "Not an editor of this organisation's (or the partnership's) bulletin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid: a heading, a text, a project or event picked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bulletins")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<BulletinInput, { qi_shared::bulletin::MAX_BODY_BYTES }>,
) -> ApiResult<HttpResponse> {
    let input = checked(&state, &user, &body.0).await?;
    let txn = state.begin_write().await?;
    let model = db::bulletins::create(&txn, &input, user.person_id, Utc::now()).await?;
    let sections = db::bulletins::sections(&txn, model.id).await?;
    let issue =
        db::bulletins::render(&txn, &model, &sections, Some(&user.0), Charts::Drawn).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(issue))
}

/// An issue: a published one for anyone, a draft for its editors.
#[utoipa::path(
    tag = "bulletins",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Bulletin id")),
    responses(
        (status = 200, description = "The issue, with what this reader may see of its picks", body = Bulletin),
        (status = 404, description = "No such issue, or a draft you may not edit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/bulletins/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let reader = user.0.as_ref().map(|u| &u.0);
    let model = db::bulletins::find(&state.db, *id)
        .await?
        .filter(|b| db::bulletins::may_see(b, reader))
        .ok_or_else(|| not_found("Bulletin"))?;
    let sections = db::bulletins::sections(&state.db, model.id).await?;
    let issue = db::bulletins::render(&state.db, &model, &sections, reader, Charts::Drawn).await?;
    Ok(HttpResponse::Ok().json(issue))
}

/// Change a draft as a whole.
#[utoipa::path(
    tag = "bulletins",
    operation_id = "update_bulletin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bulletin id")),
    request_body = BulletinInput,
    responses(
        (status = 200, description = "The draft", body = Bulletin),
        (status = 403, description = "Not an editor of the organisation it is moved to", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issue, or a draft you may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Published: an issue stays as it was published", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/bulletins/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<BulletinInput, { qi_shared::bulletin::MAX_BODY_BYTES }>,
) -> ApiResult<HttpResponse> {
    let model = draft(&state, &user, *id).await?;
    let input = checked(&state, &user, &body.0).await?;
    let txn = state.begin_write().await?;
    let model = db::bulletins::replace(&txn, model, &input, Utc::now()).await?;
    let sections = db::bulletins::sections(&txn, model.id).await?;
    let issue =
        db::bulletins::render(&txn, &model, &sections, Some(&user.0), Charts::Drawn).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(issue))
}

/// Delete a draft.
#[utoipa::path(
    tag = "bulletins",
    operation_id = "delete_bulletin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bulletin id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such issue, or a draft you may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Published: past issues stay at their address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/bulletins/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let model = draft(&state, &user, *id).await?;
    let txn = state.begin_write().await?;
    db::bulletins::delete(&txn, model.id).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Publish a draft: from now it is public, at its own address and in the feed.
#[utoipa::path(
    tag = "bulletins",
    operation_id = "publish_bulletin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bulletin id")),
    responses(
        (status = 200, description = "The published issue", body = Bulletin),
        (status = 404, description = "No such issue, or a draft you may not edit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already published", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bulletins/{id}/publish")]
pub async fn publish(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let model = draft(&state, &user, *id).await?;
    let txn = state.begin_write().await?;
    let model = db::bulletins::publish(&txn, model, Utc::now()).await?;
    let sections = db::bulletins::sections(&txn, model.id).await?;
    let issue =
        db::bulletins::render(&txn, &model, &sections, Some(&user.0), Charts::Drawn).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(issue))
}

/// The issue `id` if this person edits it and it is still a draft: 404 if they may not see it
/// (a draft of someone else's) or it does not exist, 409 once published.
async fn draft(state: &AppState, user: &Actor, id: i64) -> ApiResult<bulletin::Model> {
    let model = db::bulletins::find(&state.db, id)
        .await?
        .filter(|b| db::bulletins::may_see(b, Some(user)))
        .ok_or_else(|| not_found("Bulletin"))?;
    if !user.can_edit_bulletin_for(model.organisation_id) {
        return Err(ApiError::Forbidden(
            "Only the bulletin's editors may change it",
        ));
    }
    if model.status == BulletinStatus::Published {
        return Err(conflict(
            "published",
            "status",
            "This issue is published: it stays as it was published",
        ));
    }
    Ok(model)
}

/// The input validated, from someone who edits its organisation's bulletin, picking only what
/// they may see.
async fn checked(
    state: &AppState,
    user: &Actor,
    input: &BulletinInput,
) -> ApiResult<BulletinInput> {
    let input = input.validate()?;
    if !user.can_edit_bulletin_for(input.organisation_id) {
        return Err(ApiError::Forbidden(
            "Partnership admins edit the partnership's bulletin, and an organisation's admins their organisation's",
        ));
    }
    if let Some(organisation) = input.organisation_id
        && db::organisations::find(&state.db, organisation)
            .await?
            .is_none()
    {
        return Err(invalid(
            "organisation_id",
            "Choose an organisation of the partnership",
        ));
    }
    for (i, section) in input.sections.iter().enumerate() {
        for (j, &id) in section.project_ids.iter().enumerate() {
            let seen = db::projects::context(&state.db, id)
                .await?
                .is_some_and(|(_, context)| user.can_view_project(&context));
            if !seen {
                return Err(invalid(
                    &format!("sections[{i}].project_ids[{j}]"),
                    "Pick a project you can see",
                ));
            }
        }
        for (j, &id) in section.event_ids.iter().enumerate() {
            let seen = db::events::find(&state.db, id)
                .await?
                .is_some_and(|e| db::bulletins::event_seen(&e, Some(user)));
            if !seen {
                return Err(invalid(
                    &format!("sections[{i}].event_ids[{j}]"),
                    "Pick an event you can see",
                ));
            }
        }
    }
    Ok(input)
}
