//! The full app's switch: every route to its page, and the signed-in pages guarded (no session:
//! a page load of sign-in, which the server answers with the small entry build).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    browser::load_page,
    components::states::{Forbidden, Loading, NotFound},
    pages,
    route::{BulletinRoute, Route},
    session::{SessionState, keep_notice, use_session},
};

pub fn switch(route: Route) -> Html {
    html! { <Guard route={route} /> }
}

#[derive(Properties, PartialEq)]
struct GuardProps {
    route: Route,
}

/// Signed-in pages send people who are not signed in to sign in, and bring them back after.
#[function_component(Guard)]
fn guard(props: &GuardProps) -> Html {
    let session = use_session();
    let location = use_location();
    // A section with a switch of its own says which of its pages are public.
    let public = props.route.is_public()
        || (props.route == Route::Bulletins
            && location
                .as_ref()
                .and_then(|l| BulletinRoute::recognize(l.path()))
                .is_some_and(|r| r.is_public()));
    if public {
        return page(&props.route, &session);
    }
    match &session.state {
        SessionState::Restoring => html! { <Loading /> },
        SessionState::SignedOut { notice } => {
            let next = location
                .map(|l| format!("{}{}", l.path(), l.query_str()))
                .unwrap_or_else(|| "/".to_owned());
            html! { <ToSignIn next={next} notice={notice.clone()} /> }
        }
        SessionState::SignedIn(_) => page(&props.route, &session),
    }
}

fn page(route: &Route, session: &crate::session::Session) -> Html {
    let actor = session.actor();
    let admin_of_own = actor
        .as_ref()
        .is_some_and(|a| a.can_manage_people_in(a.organisation_id));
    let partnership_admin = actor.as_ref().is_some_and(|a| a.is_partnership_admin());
    let manages_own_events = actor
        .as_ref()
        .is_some_and(|a| qi_shared::event::rules::can_manage(a, a.organisation_id));
    match route.clone() {
        Route::Home => html! { <pages::home::Home /> },
        Route::Dashboard => html! { <pages::dashboard::overview::Overview /> },
        Route::DashboardOrganisations => {
            html! { <pages::dashboard::comparison::ComparisonPage /> }
        }
        Route::DashboardBreakdown => {
            html! { <pages::dashboard::breakdown::BreakdownPage /> }
        }
        Route::DashboardMetric { metric } => {
            html! { <pages::dashboard::metric::MetricPage metric={metric} /> }
        }
        Route::SignIn => html! { <pages::sign_in::SignIn /> },
        Route::Setup => html! { <pages::setup::Setup /> },
        Route::Invitation { token } => {
            html! { <pages::people::invitation::AcceptInvitation token={token} /> }
        }
        Route::ForgotPassword => html! { <pages::account::forgot_password::ForgotPasswordPage /> },
        Route::ResetPassword { token } => {
            html! { <pages::account::reset_password::ResetPasswordPage token={token} /> }
        }
        Route::ConfirmEmail { token } => {
            html! { <pages::account::confirm_email::ConfirmEmailPage token={token} /> }
        }
        Route::Notifications => html! { <pages::notifications::list::NotificationList /> },
        Route::Outbox if partnership_admin => html! { <pages::notifications::outbox::Outbox /> },
        Route::ApiTokens if admin_of_own => {
            html! { <pages::integrations::api_tokens::ApiTokensPage /> }
        }
        Route::AuditLog if admin_of_own => {
            html! { <pages::integrations::audit_log::AuditLogPage /> }
        }
        Route::Webhooks if admin_of_own => {
            html! { <pages::integrations::webhooks::WebhooksPage /> }
        }
        Route::Exports if admin_of_own => {
            html! { <pages::integrations::exports::ExportsPage /> }
        }
        Route::Organisations => html! { <pages::organisations::list::OrganisationList /> },
        Route::NewOrganisation if partnership_admin => {
            html! { <pages::organisations::form::OrganisationForm id={None::<i64>} /> }
        }
        Route::Organisation { id } => {
            html! { <pages::organisations::organisation::OrganisationPage id={id} /> }
        }
        Route::EditOrganisation { id }
            if actor.as_ref().is_some_and(|a| a.can_edit_organisation(id)) =>
        {
            html! { <pages::organisations::form::OrganisationForm id={Some(id)} /> }
        }
        Route::People if admin_of_own => html! { <pages::people::list::PeopleList /> },
        Route::InvitePerson if admin_of_own => html! { <pages::people::invite::InvitePerson /> },
        Route::Person { id } => html! { <pages::people::person::PersonPage id={id} /> },
        Route::Profile => html! { <pages::people::profile::Profile /> },
        Route::Search => html! { <pages::search::results::SearchPage /> },
        Route::Duplicates { id }
            if actor
                .as_ref()
                .is_some_and(|a| a.can_review_duplicates_of(id)) =>
        {
            html! { <pages::search::duplicates::Duplicates id={id} /> }
        }
        Route::Projects => html! { <pages::projects::register::ProjectList /> },
        Route::NewProject => html! { <pages::projects::form::ProjectForm id={None::<i64>} /> },
        Route::Project { id } => html! { <pages::projects::project::ProjectPage id={id} /> },
        Route::EditProject { id } => html! { <pages::projects::form::ProjectForm id={Some(id)} /> },
        Route::NewCycle { id } => {
            html! { <pages::improvement::CycleForm id={id} cycle_id={None::<i64>} /> }
        }
        Route::EditCycle { id, cycle_id } => {
            html! { <pages::improvement::CycleForm id={id} cycle_id={Some(cycle_id)} /> }
        }
        Route::NewMeasure { id } => {
            html! { <pages::measures::MeasureForm id={id} measure_id={None::<i64>} /> }
        }
        Route::Measure { id, measure_id } => {
            html! { <pages::measures::MeasurePage id={id} measure_id={measure_id} /> }
        }
        Route::EditMeasure { id, measure_id } => {
            html! { <pages::measures::MeasureForm id={id} measure_id={Some(measure_id)} /> }
        }
        Route::LibraryMeasure { id, measure_id } => {
            html! { <pages::measures::MeasurePage id={id} measure_id={measure_id} library=true /> }
        }
        Route::Innovations => html! { <pages::spread::innovations::InnovationsPage /> },
        Route::SpreadNetwork => html! { <pages::spread::network::SpreadNetworkPage /> },
        Route::Programmes => html! { <pages::programmes::ProgrammesPage /> },
        Route::NewProgramme => html! { <pages::programmes::ProgrammeFormPage /> },
        Route::Programme { id } => html! { <pages::programmes::ProgrammePage id={id} /> },
        Route::EditProgramme { id } => {
            html! { <pages::programmes::ProgrammeFormPage id={Some(id)} /> }
        }
        Route::Library => html! { <pages::projects::register::ProjectList library=true /> },
        Route::LibraryProject { id } => {
            html! { <pages::projects::project::LibraryProject id={id} /> }
        }
        Route::TrainingHome | Route::Training => html! { <pages::training::Routes /> },
        Route::Events => html! { <pages::events::list::EventList /> },
        Route::NewEvent if manages_own_events => {
            html! { <pages::events::form::EventForm id={None::<i64>} /> }
        }
        Route::Event { id } => html! { <pages::events::event::EventPage id={id} /> },
        Route::EditEvent { id } => html! { <pages::events::form::EventForm id={Some(id)} /> },
        Route::EventAttendance { id } => {
            html! { <pages::events::attendance::AttendancePage id={id} /> }
        }
        Route::EventFeedback { id } => {
            html! { <pages::events::feedback::FeedbackPage id={id} /> }
        }
        Route::EventFeedbackSummary { id } => {
            html! { <pages::events::feedback_summary::FeedbackSummaryPage id={id} /> }
        }
        Route::EventCall { id } => html! { <pages::events::submissions::call::CallPage id={id} /> },
        Route::EditEventCall { id } => {
            html! { <pages::events::submissions::call_form::CallForm id={id} /> }
        }
        Route::Submission { id } => {
            html! { <pages::events::submissions::submission::SubmissionPage id={id} /> }
        }
        Route::MyBookings => html! { <pages::events::mine::MyBookings /> },
        Route::EventSeries { id } => html! { <pages::events::series::SeriesPage id={id} /> },
        Route::GuestCancel => html! { <pages::events::guest_cancel::GuestCancelPage /> },
        Route::GuestFeedback => html! { <pages::events::feedback::GuestFeedbackPage /> },
        Route::CapabilityHome | Route::Capability => html! { <pages::capability::Routes /> },
        Route::BulletinsHome | Route::Bulletins => html! { <pages::bulletins::Routes /> },
        Route::DashboardTargets => html! { <pages::dashboard::targets::TargetsPage /> },
        Route::DashboardBoardPack => html! { <pages::dashboard::board_pack::BoardPackPage /> },
        Route::NotFound => html! { <NotFound /> },
        Route::NewOrganisation
        | Route::EditOrganisation { .. }
        | Route::People
        | Route::InvitePerson
        | Route::NewEvent
        | Route::Outbox
        | Route::ApiTokens
        | Route::AuditLog
        | Route::Webhooks
        | Route::Exports
        | Route::Duplicates { .. } => html! { <Forbidden /> },
    }
}

#[derive(Properties, PartialEq)]
struct ToSignInProps {
    next: String,
    notice: Option<String>,
}

/// Replaces the current page with sign-in, remembering where to come back to and why.
#[function_component(ToSignIn)]
fn to_sign_in(props: &ToSignInProps) -> Html {
    use_effect_with(
        (props.next.clone(), props.notice.clone()),
        |(next, notice)| {
            if let Some(notice) = notice {
                keep_notice(notice);
            }
            match serde_urlencoded::to_string([("next", next.as_str())]) {
                Ok(query) => load_page(&format!("/sign-in?{query}")),
                Err(_) => load_page("/sign-in"),
            }
        },
    );
    html! { <Loading /> }
}
