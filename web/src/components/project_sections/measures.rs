//! A project's measures, on its page: each with its latest value and Making Data Count icons.

use qi_shared::{
    chart::{
        assurance_icon_svg, assurance_icon_text, fmt_num, stored_xmr, unit_label,
        variation_icon_svg, variation_icon_text,
    },
    measure::Measure,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{self, ApiError},
    components::states::Loading,
    hooks::{Load, use_load},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub project_id: i64,
    pub can_edit: bool,
    #[prop_or_default]
    pub library: bool,
}

#[function_component(MeasureList)]
pub fn measure_list(props: &Props) -> Html {
    let library = props.library;
    let measures = use_load(props.project_id, move |id| async move {
        let list = if library {
            api::library_measures(id).await?
        } else {
            api::measures(id).await?
        };
        let fetches = list.iter().map(|s| async move {
            if library {
                api::library_measure(id, s.id).await
            } else {
                api::measure(s.id).await
            }
        });
        futures_util::future::join_all(fetches)
            .await
            .into_iter()
            .collect::<Result<Vec<Measure>, ApiError>>()
    });
    let id = props.project_id;
    let body = match &*measures {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <p>{ error.message() }</p> },
        Load::Loaded(list) if list.is_empty() => {
            html! { <p class="empty">{ "No measures yet." }</p> }
        }
        Load::Loaded(list) => html! {
            <table class="table measure-table">
                <caption class="visually-hidden">{ "The project's measures, with their latest value and what their SPC chart shows" }</caption>
                <thead><tr>
                    <th scope="col">{ "Measure" }</th><th scope="col">{ "Type" }</th><th scope="col">{ "Unit" }</th>
                    <th scope="col">{ "Latest" }</th><th scope="col">{ "Variation" }</th><th scope="col">{ "Assurance" }</th>
                </tr></thead>
                <tbody>
                    { for list.iter().map(|m| {
                        let to = if library {
                            Route::LibraryMeasure { id, measure_id: m.id }
                        } else {
                            Route::Measure { id, measure_id: m.id }
                        };
                        let latest = m.points.iter().rev().find(|p| p.value.is_some());
                        let analysis = stored_xmr(m);
                        html! {
                            <tr>
                                <td data-label="Measure"><Link<Route> to={to}>{ &m.name }</Link<Route>></td>
                                <td data-label="Type">{ m.measure_type.as_str() }</td>
                                <td data-label="Unit">{ match unit_label(m.unit, m.rate_per) { u if u.is_empty() => m.unit.as_str().to_owned(), u => u } }</td>
                                <td data-label="Latest">{ match latest {
                                    Some(p) => format!("{} ({})", p.value.map(fmt_num).unwrap_or_default(), p.date.format("%b %Y")),
                                    None => "No data".to_owned(),
                                } }</td>
                                <td data-label="Variation">{ match &analysis {
                                    Some(a) => html! { <span class="mdc-inline">
                                        { Html::from_html_unchecked(AttrValue::from(variation_icon_svg(a.variation_icon))) }
                                        <span>{ variation_icon_text(a.variation_icon) }</span>
                                    </span> },
                                    None => html! { "–" },
                                } }</td>
                                <td data-label="Assurance">{ match analysis.as_ref().and_then(|a| a.assurance_icon) {
                                    Some(icon) => html! { <span class="mdc-inline">
                                        { Html::from_html_unchecked(AttrValue::from(assurance_icon_svg(icon))) }
                                        <span>{ assurance_icon_text(icon) }</span>
                                    </span> },
                                    None => html! { "No target" },
                                } }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <>
            <h2 id="measures">{ "Measures" }</h2>
            { body }
            if props.can_edit {
                <p><Link<Route> to={Route::NewMeasure { id }} classes="button button--secondary">{ "Add measure" }</Link<Route>></p>
            }
        </>
    }
}
