//! Every route of the server, in one place, grouped by who uses it. Registering a handler here
//! also puts it in the OpenAPI document (utoipa-actix-web collects the `#[utoipa::path]`s).

use actix_web::web;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_actix_web::{AppExt, scope, service_config::ServiceConfig};

use crate::handlers::{
    account, analysis, api_tokens, audit, auth, board_pack, bulletins, capability, changes,
    comments, dashboard, events, evidence, export, follow_ups, health, home, improvement,
    invitations, me, measures, notifications, organisations, outbox, partnership, people,
    programmes, projects, search, setup, spread, targets, team, training, webhooks,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api")
            // Operations: load balancers and orchestrators.
            .service(health::health)
            .service(health::ready)
            .service(
                scope("/v1")
                    // Anyone: signing in, accepting an invitation, first-run set-up.
                    .service(auth::login)
                    .service(auth::refresh)
                    .service(auth::logout)
                    .service(invitations::show)
                    .service(invitations::accept)
                    .service(account::forgot)
                    .service(account::reset)
                    .service(account::confirm_email)
                    .service(setup::status)
                    .service(setup::run)
                    .service(projects::library)
                    .service(projects::library_project)
                    .service(measures::library_list)
                    .service(measures::library_show)
                    .service(analysis::spc)
                    .service(analysis::run_chart)
                    // Every signed-in person.
                    .service(me::show)
                    .service(me::update)
                    .service(account::change_password)
                    .service(account::change_email)
                    .service(notifications::list)
                    // Admins: their organisation's API tokens.
                    .service(api_tokens::list)
                    .service(api_tokens::create)
                    .service(api_tokens::revoke)
                    // Admins: their organisation's webhooks and their delivery logs.
                    .service(webhooks::list)
                    .service(webhooks::create)
                    .service(webhooks::show)
                    .service(webhooks::update)
                    .service(webhooks::remove)
                    .service(webhooks::test)
                    .service(webhooks::replace_secret)
                    .service(webhooks::deliveries)
                    // Partners' systems: what changed.
                    .service(changes::cursor)
                    .service(changes::feed)
                    // Admins: the audit log of their organisation (partnership admins: all).
                    .service(audit::list)
                    .service(audit::export)
                    // Bulk export of what the caller may read (people and API tokens alike).
                    .service(export::projects)
                    .service(export::measures)
                    .service(export::measure_points)
                    .service(export::events)
                    .service(export::courses)
                    .service(export::cohorts)
                    .service(export::capability_tiers)
                    .service(export::enrolments)
                    .service(export::coaching_sessions)
                    .service(export::bookings)
                    .service(notifications::unread)
                    .service(notifications::mark_read)
                    .service(notifications::mark_all_read)
                    .service(notifications::settings)
                    .service(notifications::choose)
                    .service(outbox::list)
                    .service(outbox::summary)
                    .service(outbox::retry)
                    .service(home::show)
                    .service(partnership::show)
                    .service(organisations::list)
                    .service(organisations::show)
                    .service(people::directory)
                    .service(search::search)
                    .service(search::similar_to_draft)
                    .service(search::similar_to_project)
                    .service(search::duplicates)
                    .service(spread::list)
                    .service(spread::create)
                    .service(spread::show)
                    .service(spread::add_stage)
                    .service(spread::remove)
                    .service(spread::show_spread)
                    .service(spread::set_spread)
                    .service(spread::withdraw_spread)
                    .service(spread::innovations)
                    .service(spread::create_innovation)
                    .service(spread::innovation)
                    .service(spread::network)
                    .service(programmes::list)
                    .service(programmes::create)
                    .service(programmes::show)
                    .service(programmes::update)
                    .service(programmes::remove)
                    .service(programmes::create_measure)
                    .service(programmes::update_measure)
                    .service(programmes::remove_measure)
                    .service(projects::list)
                    .service(projects::create)
                    .service(projects::show)
                    .service(projects::replace)
                    .service(projects::scores)
                    .service(projects::score)
                    .service(team::list)
                    .service(team::accept)
                    .service(team::decline)
                    .service(evidence::show)
                    .service(follow_ups::show)
                    .service(follow_ups::record)
                    .service(improvement::diagram)
                    .service(improvement::replace_diagram)
                    .service(improvement::cycles)
                    .service(improvement::create_cycle)
                    .service(improvement::update_cycle)
                    .service(improvement::delete_cycle)
                    .service(measures::list)
                    .service(measures::create)
                    .service(measures::show)
                    .service(measures::update)
                    .service(measures::remove)
                    .service(measures::add_point)
                    .service(measures::replace_points)
                    .service(measures::update_point)
                    .service(measures::delete_point)
                    .service(measures::export_csv)
                    .service(measures::chart_svg)
                    .service(measures::import_csv)
                    .service(measures::add_annotation)
                    .service(measures::update_annotation)
                    .service(measures::delete_annotation)
                    .service(comments::list)
                    .service(comments::create)
                    .service(comments::mentionable)
                    .service(comments::update)
                    .service(comments::remove)
                    .service(comments::hide)
                    .service(comments::unhide)
                    .service(comments::publish)
                    .service(comments::answer_offer)
                    .service(bulletins::list)
                    .service(bulletins::feed)
                    .service(bulletins::preview)
                    .service(bulletins::create)
                    .service(bulletins::show)
                    .service(bulletins::replace)
                    .service(bulletins::remove)
                    .service(bulletins::publish)
                    // Admins (each handler checks the rules in `qi_shared::access`).
                    .service(partnership::update)
                    .service(organisations::create)
                    .service(organisations::update)
                    .service(organisations::archive)
                    .service(organisations::restore)
                    .service(organisations::delete)
                    .service(people::list)
                    .service(people::invite)
                    .service(people::show)
                    .service(people::update)
                    .service(people::set_roles)
                    .service(people::deactivate)
                    .service(people::reactivate)
                    .service(people::reinvite)
                    .configure(training::routes)
                    .configure(capability::routes)
                    .configure(dashboard::routes)
                    .configure(targets::routes)
                    .configure(board_pack::routes)
                    .configure(events::routes)
                    .default_service(web::to(unknown_route)),
            )
            .default_service(web::to(unknown_route)),
    );
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "QI Commons API",
        description = "The API of QI Commons, the quality improvement platform of a health and care partnership. \
            Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code` and, for \
            validation failures, the failing fields. Sign in with `POST /api/v1/auth/login` and send the access \
            token as `Authorization: Bearer <token>`.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    // Schemas that only query parameters name: utoipa collects those of bodies and answers by
    // itself, but a parameter's `$ref` would point at nothing without these.
    components(schemas(
        qi_shared::problem::Problem,
        qi_shared::project::ProjectSort,
        qi_shared::export::ExportFormat,
        qi_shared::training::When,
        qi_shared::event::EventKind,
        qi_shared::event::EventWhen,
        crate::handlers::measures::ChartParam,
        crate::handlers::organisations::StatusParam,
    )),
    tags(
        (name = "operations", description = "Liveness and readiness"),
        (name = "auth", description = "Signing in and out, tokens, invitations and first-run set-up"),
        (name = "partnership", description = "The partnership and its organisations"),
        (name = "people", description = "People, their accounts and roles"),
        (name = "search", description = "Search by relevance across what the asker may see, and the finder of similar work"),
        (name = "spread", description = "Adoption and spread: partner organisations (or units in them) and adopters outside the partnership taking up a project's changes or an outside innovation such as PINCER, through dated stages; a project's spread level derived from its adoptions as of any day, or set by hand with a reason"),
        (name = "programmes", description = "Programmes: a named piece of work across the partnership (\"Reducing inpatient falls across the system\") grouping projects of several organisations, with its own aim and lead, and measures that pool its projects' like measures into the system's figure, period by period; see docs/programmes.md"),
        (name = "projects", description = "Improvement projects, their teams and progress scores; the public learning library"),
        (name = "analysis", description = "The SPC engine on your own data: XmR charts the Making Data Count way and run charts with the Anhøj rules. Stateless: nothing is stored and no sign-in is needed"),
        (name = "measures", description = "A project's measures: their data (entered point by point, saved as a grid, imported and exported as CSV) and the phase changes and annotations on their charts"),
        (name = "training", description = "Training programmes: courses, cohorts and their sessions, places shared between organisations, enrolment with a waiting list, attendance and completion"),
        (name = "events", description = "Events: QI cafés, webinars, masterclasses, roadshows, workshop series and the celebration event; booking with a waiting list, guests from outside the partnership (open events), attendance by hand or CSV, and calendars (.ics)"),
        (name = "submissions", description = "Calls for submissions and awards: an event's call with its rubric and deadline, the teams' submissions with their files (PDF, PNG or JPEG), reviewers scoring blind until the organiser closes the review, the shortlist, and awards that show on the project and in the library"),
        (name = "comments", description = "Comments and peer support on a project, its PDSA cycles and measures: threads of replies, edits shown as such, @-mentions that tell the person, offers of help the team accepts or declines, comments hidden with a reason by an admin of the project's organisations or its lead, and a public project's comments published to the library by its team. The body is Markdown, answered also as sanitised HTML"),
        (name = "bulletins", description = "The \"Sharing the Learning\" bulletin: issues composed of sections (free text in Markdown, highlighted projects with their charts, events, award winners) by the partnership's or an organisation's editors; drafts, a preview and publishing; published issues for anyone, each at its own address, and an Atom feed"),
        (name = "integrations", description = "Partner integrations: API tokens for systems (made by an organisation's admins, scoped, shown once, revocable), which act as an admin of their organisation on the operations their scopes cover; and bulk export, every collection the caller may read (projects, measures, data points, events, courses, cohorts, capability tiers) as NDJSON or CSV, streamed; see docs/integrations.md"),
        (name = "dashboard", description = "The partnership's own measures: the catalogue of metrics, every metric for the partnership or one organisation as of any day, monthly series read as run or XmR charts, the organisations side by side, and the strategy targets with their progress and history"),
        (name = "notifications", description = "What the platform tells each person, in the app and by email, as they choose per kind; and the mail outbox (partnership admins), delivered through SMTP with retries"),
        (name = "capability", description = "The Learn / Live / Lead tiers (the rules, each person's tier with its reasons and history, overrides, counts as of a date), coaching sessions and caseloads, and each person's own record"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A person's access token (from `POST /api/v1/auth/login`), or a partner \
                         system's API token (`qi_...`, see docs/integrations.md). An API token may \
                         make `auth.token_requests_per_minute` requests a minute (600 by default) \
                         on each node (N nodes allow N times as many), spent at once or evenly; \
                         every answer to it carries `RateLimit-Limit` (requests a minute), \
                         `RateLimit-Remaining` (requests it may still make at once) and \
                         `RateLimit-Reset` (seconds until the whole allowance is back), and one \
                         too many is answered 429 with `Retry-After` (seconds).",
                    ))
                    .build(),
            ),
        );
    }
}

/// Statuses any operation can answer, whatever it does: documented once here rather than on
/// every handler. 401 and 403 apply to every operation that takes a bearer token (an API token
/// whose scopes do not cover it is refused); 429 to every one an
/// API token may call (its rate limit); 400 (malformed JSON) to every JSON body; 413 and 415 to
/// every body. An operation's own description of a status, where it has one, is kept.
fn add_common_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            ("GET", &mut item.get),
            ("PUT", &mut item.put),
            ("POST", &mut item.post),
            ("DELETE", &mut item.delete),
            ("PATCH", &mut item.patch),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else {
                continue;
            };
            let api_token_may_call =
                qi_shared::api_token::TokenScope::needed_for(method, path).is_some();
            let has_body = operation.request_body.is_some();
            let json_body = operation
                .request_body
                .as_ref()
                .is_some_and(|body| match body {
                    RefOr::T(body) => body.content.contains_key("application/json"),
                    RefOr::Ref(_) => false,
                });
            let signed_in = operation
                .security
                .as_ref()
                .is_some_and(|security| !security.is_empty());
            let responses = &mut operation.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem(description).into());
            };
            add(
                "500",
                "An unexpected failure on the server (details are in its log under the request id)",
            );
            if signed_in {
                add("401", "Not signed in");
                // Any operation may be called with an API token, and one its scopes do not
                // cover answers it 403.
                add(
                    "403",
                    "Not allowed (for an API token: its scopes do not cover this operation)",
                );
            }
            if api_token_may_call {
                add(
                    "429",
                    "An API token made too many requests: try again after `Retry-After` seconds",
                );
            }
            if json_body {
                add("400", "Malformed JSON");
            }
            if has_body {
                add("413", "The request body is larger than the server accepts");
                add(
                    "415",
                    "The body is not JSON (send Content-Type: application/json)",
                );
            }
        }
    }
}

/// The OpenAPI document of everything `configure` registers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(configure)
        .split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    add_common_responses(&mut doc);
    doc
}

/// Unknown routes under `/api` answer with a problem, not the SPA's page: 405 with `Allow` when
/// the path is an endpoint's and only the method is wrong, else 404.
pub async fn unknown_route(req: actix_web::HttpRequest) -> actix_web::HttpResponse {
    let allowed = methods_of(req.path());
    // A method the path has, yet unrouted: the path is not quite an endpoint's (say, a trailing
    // slash). That is a 404, not a 405 listing the very method asked.
    let error = if allowed.is_empty() || allowed.contains(&req.method().as_str()) {
        crate::error::ApiError::NotFound(format!(
            "No such endpoint: {} {}",
            req.method(),
            req.path()
        ))
    } else {
        crate::error::ApiError::MethodNotAllowed {
            allow: allowed.join(", "),
        }
    };
    actix_web::ResponseError::error_response(&error)
}

/// The methods of an endpoint whose path is exactly this one, with no id in it
/// (`/api/v1/bulletins/feed.atom`): a path the router read as another endpoint's with an id
/// that is not a number. Empty if there is none.
pub fn methods_of_literal(path: &str) -> Vec<&'static str> {
    templates()
        .iter()
        .find(|(template, _)| template.join("/") == path)
        .map(|(_, methods)| methods.clone())
        .unwrap_or_default()
}

/// Each path template of the API document, split at its slashes, with its methods.
fn templates() -> &'static [(Vec<String>, Vec<&'static str>)] {
    static TEMPLATES: std::sync::OnceLock<Vec<(Vec<String>, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| {
        openapi()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, has)| has.then_some(method))
                .collect();
                (template.split('/').map(str::to_owned).collect(), methods)
            })
            .collect()
    })
}

/// The methods the API document gives a concrete path (`/api/v1/projects/7` matches
/// `/api/v1/projects/{id}`), from the document every route is registered in.
fn methods_of(path: &str) -> Vec<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    templates()
        .iter()
        .find(|(template, _)| {
            template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                })
        })
        .map(|(_, methods)| methods.clone())
        .unwrap_or_default()
}
