//! Training pages: courses, cohorts, enrolment and waiting lists, attendance and completion.
//! They have their own routes under `/training`.

use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Clone, Routable, PartialEq, Debug)]
pub enum TrainingRoute {
    #[at("/training")]
    Courses,
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
        TrainingRoute::Courses => html! { <h1>{ "Training" }</h1> },
        TrainingRoute::NotFound => html! { <crate::pages::not_found::NotFound /> },
    }
}
