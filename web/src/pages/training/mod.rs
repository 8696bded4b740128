//! Training pages: courses, cohorts, enrolment and waiting lists, attendance and completion.
//! They have their own routes under `/training`.

mod cohort;
mod cohort_form;
mod course;
mod course_form;
mod courses;

use yew::prelude::*;
use yew_router::prelude::*;

/// What an edit form says when someone else saved the record first (the API's 412).
const CHANGED_MEANWHILE: &str = "Someone changed this while you were editing it. Your changes are \
    still here: save again to replace theirs with yours, or reload the page to see theirs.";

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

/// Every page under `/training`.
#[function_component(Routes)]
pub fn routes() -> Html {
    html! { <Switch<TrainingRoute> render={switch} /> }
}

fn switch(route: TrainingRoute) -> Html {
    match route {
        TrainingRoute::Courses => html! { <courses::CourseList /> },
        TrainingRoute::NewCourse => html! { <course_form::CourseForm id={None::<i64>} /> },
        TrainingRoute::Course { id } => html! { <course::CoursePage {id} /> },
        TrainingRoute::EditCourse { id } => html! { <course_form::CourseForm id={Some(id)} /> },
        TrainingRoute::NewCohort { id } => {
            html! { <cohort_form::CohortForm course_id={id} cohort_id={None::<i64>} /> }
        }
        TrainingRoute::Cohort { id } => html! { <cohort::CohortPage {id} /> },
        TrainingRoute::EditCohort { id } => {
            html! { <cohort_form::CohortForm course_id={None::<i64>} cohort_id={Some(id)} /> }
        }
        TrainingRoute::NotFound => html! { <crate::pages::not_found::NotFound /> },
    }
}

/// "3 Feb 2027".
pub(crate) fn day(d: chrono::NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// "3 Feb 2027 to 10 Feb 2027", or one day.
pub(crate) fn dates(start: chrono::NaiveDate, end: chrono::NaiveDate) -> String {
    if start == end {
        day(start)
    } else {
        format!("{} to {}", day(start), day(end))
    }
}

/// Today in the browser (chrono's clock is not available in wasm).
pub(crate) fn today() -> chrono::NaiveDate {
    let now = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}
