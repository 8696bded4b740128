//! A course: its details and its cohorts, to come and past.

use qi_shared::training::{CohortQuery, CohortSummary, When, dates_text};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api,
    components::states::{Empty, ErrorPanel, Loading},
    hooks::{Load, use_load},
    route::TrainingRoute,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

fn cohort_table(caption: &str, cohorts: &[CohortSummary]) -> Html {
    html! {
        <table class="table">
            <caption class="table__caption">{ caption }</caption>
            <thead><tr>
                <th scope="col">{ "Cohort" }</th>
                <th scope="col">{ "Dates" }</th>
                <th scope="col">{ "Places taken" }</th>
                <th scope="col">{ "Waiting" }</th>
            </tr></thead>
            <tbody>
                { for cohorts.iter().map(|c| html! {
                    <tr>
                        <td data-label="Cohort"><Link<TrainingRoute> to={TrainingRoute::Cohort { id: c.id }}>{ &c.name }</Link<TrainingRoute>>
                            if c.partnership_wide { <br /><span class="secondary">{ "Partnership-wide" }</span> }</td>
                        <td data-label="Dates">{ dates_text(c.start_date, c.end_date) }</td>
                        <td data-label="Places taken">{ format!("{} of {}", c.taken, c.capacity) }</td>
                        <td data-label="Waiting">{ c.waiting }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[function_component(CoursePage)]
pub fn course_page(props: &Props) -> Html {
    let loaded = use_load(props.id, |id| async move {
        let course = api::training::course(id).await?;
        let query = |when| CohortQuery {
            course_id: Some(id),
            when: Some(when),
            page: None,
            per_page: Some(100),
        };
        let upcoming = api::training::cohorts(&query(When::Upcoming)).await?;
        let past = api::training::cohorts(&query(When::Past)).await?;
        Ok((course, upcoming.items, past.items))
    });
    let (course, upcoming, past) = match &*loaded {
        Load::Loading => return html! { <Loading /> },
        Load::Failed(error) => return html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(loaded) => loaded.clone(),
    };
    crate::browser::set_title(&course.title);
    let id = course.id;
    html! {
        <>
            <p><Link<TrainingRoute> to={TrainingRoute::Courses} classes="back-link">{ "All courses" }</Link<TrainingRoute>></p>
            <span class={classes!("tag", format!("tag--{}", course.tier.as_str()))}>{ course.tier.label() }</span>
            <h1>{ &course.title }</h1>
            if !course.description.is_empty() { <p>{ &course.description }</p> }
            <dl class="summary-list">
                <div class="summary-list__row"><dt>{ "Provider" }</dt><dd>{ &course.provider_name }</dd></div>
                <div class="summary-list__row"><dt>{ "Delivery" }</dt><dd>{ course.delivery.label() }</dd></div>
                <div class="summary-list__row"><dt>{ "Length" }</dt><dd>{ format!("{} hours", course.length_hours) }</dd></div>
                <div class="summary-list__row"><dt>{ "To complete" }</dt><dd>{ format!("Attend at least {}% of a cohort's sessions", course.attendance_percent) }</dd></div>
            </dl>
            if course.can_manage {
                <p>
                    <Link<TrainingRoute> to={TrainingRoute::EditCourse { id }} classes="button button--secondary">{ "Change the course" }</Link<TrainingRoute>>
                    { " " }
                    <Link<TrainingRoute> to={TrainingRoute::NewCohort { id }} classes="button">{ "Add a cohort" }</Link<TrainingRoute>>
                </p>
            }
            <h2>{ "Cohorts to come" }</h2>
            if upcoming.is_empty() {
                <Empty>{ "No cohorts are planned yet." }</Empty>
            } else {
                { cohort_table("Cohorts running or to come", &upcoming) }
            }
            <h2>{ "Past cohorts" }</h2>
            if past.is_empty() {
                <Empty>{ "No cohorts have run yet." }</Empty>
            } else {
                { cohort_table("Past cohorts, latest first", &past) }
            }
        </>
    }
}
