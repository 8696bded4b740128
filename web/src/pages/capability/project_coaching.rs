//! The coaching section of a project page: the project's coach and coaching sessions.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub project_id: i64,
}

#[function_component(ProjectCoaching)]
pub fn project_coaching(_props: &Props) -> Html {
    html! {}
}
