//! Training pages: courses, cohorts, enrolment and waiting lists, attendance and completion.
//! They have their own routes under `/training`.

mod cohort;
mod cohort_form;
mod course;
mod course_form;
mod courses;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::TrainingRoute;

/// What an edit form says when someone else saved the record first (the API's 412).
const CHANGED_MEANWHILE: &str = "Someone changed this while you were editing it. Your changes are \
    still here: save again to replace theirs with yours, or reload the page to see theirs.";

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
        TrainingRoute::NotFound => html! { <crate::components::states::NotFound /> },
    }
}
