//! Every address the app answers: the top-level routes (the events pages among them, since one
//! of them is public, with their calls for submissions), and the routes of the training,
//! capability and bulletin sections, which have their own switches.

use yew_router::prelude::*;

#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/sign-in")]
    SignIn,
    #[at("/setup")]
    Setup,
    #[at("/invitations/:token")]
    Invitation { token: String },
    #[at("/forgot-password")]
    ForgotPassword,
    #[at("/reset-password/:token")]
    ResetPassword { token: String },
    #[at("/confirm-email/:token")]
    ConfirmEmail { token: String },
    #[at("/notifications")]
    Notifications,
    #[at("/admin/outbox")]
    Outbox,
    /// API tokens for partners' systems, for organisation admins and partnership admins.
    #[at("/admin/api-tokens")]
    ApiTokens,
    /// Who did what, when and from where: organisation admins and partnership admins.
    #[at("/admin/audit-log")]
    AuditLog,
    /// Endpoints that receive the changes feed: organisation admins and partnership admins.
    #[at("/admin/webhooks")]
    Webhooks,
    /// Every collection one may read, downloaded whole: organisation admins and partnership
    /// admins.
    #[at("/admin/exports")]
    Exports,
    #[at("/organisations")]
    Organisations,
    #[at("/organisations/new")]
    NewOrganisation,
    #[at("/organisations/:id")]
    Organisation { id: i64 },
    #[at("/organisations/:id/edit")]
    EditOrganisation { id: i64 },
    /// The organisation's projects that likely duplicate other organisations' work: its admins
    /// and partnership admins.
    #[at("/organisations/:id/duplicates")]
    Duplicates { id: i64 },
    #[at("/people")]
    People,
    #[at("/people/invite")]
    InvitePerson,
    #[at("/people/:id")]
    Person { id: i64 },
    #[at("/profile")]
    Profile,
    /// Search across what the signed-in person may see.
    #[at("/search")]
    Search,
    #[at("/projects")]
    Projects,
    #[at("/projects/new")]
    NewProject,
    #[at("/projects/:id")]
    Project { id: i64 },
    #[at("/projects/:id/edit")]
    EditProject { id: i64 },
    #[at("/projects/:id/cycles/new")]
    NewCycle { id: i64 },
    #[at("/projects/:id/cycles/:cycle_id/edit")]
    EditCycle { id: i64, cycle_id: i64 },
    #[at("/projects/:id/measures/new")]
    NewMeasure { id: i64 },
    #[at("/projects/:id/measures/:measure_id")]
    Measure { id: i64, measure_id: i64 },
    #[at("/projects/:id/measures/:measure_id/edit")]
    EditMeasure { id: i64, measure_id: i64 },
    /// Innovations from outside the partnership (PINCER, say) and who adopted them.
    #[at("/innovations")]
    Innovations,
    /// Organisations joined by joint projects and adoptions; `?project_id=` for one project's
    /// path.
    #[at("/spread")]
    SpreadNetwork,
    /// Programmes across the partnership.
    #[at("/programmes")]
    Programmes,
    #[at("/programmes/new")]
    NewProgramme,
    #[at("/programmes/:id")]
    Programme { id: i64 },
    #[at("/programmes/:id/edit")]
    EditProgramme { id: i64 },
    #[at("/library")]
    Library,
    #[at("/library/:id")]
    LibraryProject { id: i64 },
    #[at("/library/:id/measures/:measure_id")]
    LibraryMeasure { id: i64, measure_id: i64 },
    #[at("/training")]
    TrainingHome,
    #[at("/training/*")]
    Training,
    /// Events: the list and the month's calendar.
    #[at("/events")]
    Events,
    #[at("/events/new")]
    NewEvent,
    /// The signed-in person's bookings.
    #[at("/events/mine")]
    MyBookings,
    /// A guest cancels a booking with the link emailed to them (`?token=`).
    #[at("/events/guest-cancel")]
    GuestCancel,
    /// A guest gives feedback on an event they attended, by the link emailed to them (`?token=`).
    #[at("/events/guest-feedback")]
    GuestFeedback,
    #[at("/events/series/:id")]
    EventSeries { id: i64 },
    /// An event; public for an open event, so that guests can book it.
    #[at("/events/:id")]
    Event { id: i64 },
    #[at("/events/:id/edit")]
    EditEvent { id: i64 },
    #[at("/events/:id/attendance")]
    EventAttendance { id: i64 },
    /// An attendee's feedback on an event.
    #[at("/events/:id/feedback")]
    EventFeedback { id: i64 },
    /// The event's feedback form and what attendees said, for its managers.
    #[at("/events/:id/feedback/summary")]
    EventFeedbackSummary { id: i64 },
    /// An event's call for submissions: what it asks for and how entries are scored, submitting
    /// a project, the reviewer's list, and for its managers every submission and the awards.
    #[at("/events/:id/call")]
    EventCall { id: i64 },
    /// Opening or changing the call, for the event's managers.
    #[at("/events/:id/call/edit")]
    EditEventCall { id: i64 },
    /// A submission to a call, for its team, its reviewers and the event's managers.
    #[at("/submissions/:id")]
    Submission { id: i64 },
    /// The "Sharing the Learning" bulletin's issues, for anyone.
    #[at("/bulletins")]
    BulletinsHome,
    /// An issue (public once published), and composing one: `BulletinRoute`.
    #[at("/bulletins/*")]
    Bulletins,
    #[at("/capability")]
    CapabilityHome,
    #[at("/capability/*")]
    Capability,
    #[at("/dashboard")]
    Dashboard,
    #[at("/dashboard/organisations")]
    DashboardOrganisations,
    /// The project figures by type of work or by quality dimension.
    #[at("/dashboard/breakdown")]
    DashboardBreakdown,
    #[at("/dashboard/metrics/:metric")]
    DashboardMetric { metric: String },
    /// The partnership's and each organisation's strategy targets and their progress.
    #[at("/dashboard/targets")]
    DashboardTargets,
    /// The board pack for the partnership or one organisation and a month.
    #[at("/dashboard/board-pack")]
    DashboardBoardPack,
    #[not_found]
    #[at("/404")]
    NotFound,
}

impl Route {
    /// Pages anyone may see without signing in.
    pub fn is_public(&self) -> bool {
        matches!(
            self,
            Self::SignIn
                | Self::Setup
                | Self::Invitation { .. }
                | Self::ForgotPassword
                | Self::ResetPassword { .. }
                | Self::ConfirmEmail { .. }
                | Self::NotFound
                | Self::Library
                | Self::LibraryProject { .. }
                | Self::LibraryMeasure { .. }
                | Self::Event { .. }
                | Self::GuestCancel
                | Self::GuestFeedback
                | Self::BulletinsHome
        )
    }
}

/// The pages under `/training`.
#[derive(Clone, Routable, PartialEq, Debug)]
pub enum TrainingRoute {
    #[at("/training")]
    Courses,
    #[at("/training/courses/new")]
    NewCourse,
    #[at("/training/courses/:id")]
    Course { id: i64 },
    #[at("/training/courses/:id/edit")]
    EditCourse { id: i64 },
    #[at("/training/courses/:id/cohorts/new")]
    NewCohort { id: i64 },
    #[at("/training/cohorts/:id")]
    Cohort { id: i64 },
    #[at("/training/cohorts/:id/edit")]
    EditCohort { id: i64 },
    #[not_found]
    #[at("/training/404")]
    NotFound,
}

/// The pages under `/capability`.
#[derive(Clone, Routable, PartialEq, Debug)]
pub enum CapabilityRoute {
    /// People per tier per organisation, as of a day.
    #[at("/capability")]
    Overview,
    /// The signed-in person's own record.
    #[at("/capability/me")]
    MyRecord,
    /// A person's record, for admins, with the override form.
    #[at("/capability/people/:id")]
    Person { id: i64 },
    /// The partnership's tier rules.
    #[at("/capability/rules")]
    Rules,
    /// The signed-in coach's caseload.
    #[at("/capability/caseload")]
    Caseload,
    /// The organisation's coaching coverage.
    #[at("/capability/coverage")]
    Coverage,
    #[not_found]
    #[at("/capability/404")]
    NotFound,
}

/// The pages under `/bulletins`.
#[derive(Clone, Routable, PartialEq, Debug)]
pub enum BulletinRoute {
    /// Published issues, latest first, with the feed; an editor's drafts too.
    #[at("/bulletins")]
    List,
    #[at("/bulletins/new")]
    New,
    /// An issue: public once published; a draft for its editors only.
    #[at("/bulletins/:id")]
    Bulletin { id: i64 },
    /// Changing a draft.
    #[at("/bulletins/:id/edit")]
    Edit { id: i64 },
    #[not_found]
    #[at("/bulletins/404")]
    NotFound,
}

impl BulletinRoute {
    /// Pages anyone may see without signing in (a draft is then not found).
    pub fn is_public(&self) -> bool {
        matches!(self, Self::List | Self::Bulletin { .. } | Self::NotFound)
    }
}
