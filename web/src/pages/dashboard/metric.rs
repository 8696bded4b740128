//! One metric: its definition, its monthly chart (a run chart under 12 months, an XmR chart
//! from then on, with any target drawn), the table of months, for the partnership or one
//! organisation, as of a day.

use qi_shared::{
    capability::long_date,
    dashboard::{Counting, Metric, MetricSeries, SeriesQuery, format_value},
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{ScopeFilters, period_text, unit_label};
use crate::{
    api::dashboard as api,
    components::{
        spc_chart::SpcChart,
        states::{ErrorPanel, Loading, NotFound},
    },
    hooks::{Load, use_load, use_query},
    route::Route,
};

#[derive(Properties, PartialEq)]
pub struct MetricPageProps {
    pub metric: AttrValue,
}

#[function_component(MetricPage)]
pub fn metric_page(props: &MetricPageProps) -> Html {
    let navigator = use_navigator();
    let query: SeriesQuery = use_query();
    let metric = Metric::parse(&props.metric);
    crate::browser::set_title(metric.map_or("Dashboard", |m| m.label()));
    let series = use_load(
        (props.metric.clone(), query.clone()),
        |(metric, q)| async move { api::series(&metric, &q).await },
    );
    let Some(metric) = metric else {
        return html! { <NotFound /> };
    };
    let onchange = {
        let (navigator, query) = (navigator.clone(), query.clone());
        Callback::from(move |(organisation, as_of): (String, String)| {
            let q = SeriesQuery {
                organisation_id: organisation.parse().ok(),
                as_of: as_of.parse().ok(),
                ..query.clone()
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(
                    &Route::DashboardMetric {
                        metric: metric.as_str().to_owned(),
                    },
                    &q,
                );
            }
        })
    };
    let definition = metric.definition_entry();
    html! {
        <>
            <p><Link<Route> to={Route::Dashboard}>{ "Back to the dashboard" }</Link<Route>></p>
            <h1>{ metric.label() }</h1>
            <p class="lead" id="definition">{ definition.definition.clone() }</p>
            <dl class="facts">
                <dt>{ "Counted" }</dt>
                <dd>{ match metric.counting() {
                    Counting::Stock => "On the day: each month's figure is the one on its last day",
                    Counting::Flow => "In the period: each month's figure counts that month",
                } }</dd>
                <dt>{ "Unit" }</dt><dd>{ definition.unit.label() }</dd>
                <dt>{ "Better when it" }</dt><dd>{ match definition.improvement_direction {
                    qi_shared::spc::ImprovementDirection::Increase => "goes up",
                    qi_shared::spc::ImprovementDirection::Decrease => "goes down",
                    qi_shared::spc::ImprovementDirection::Neutral => "neither: it is watched, not aimed at",
                } }</dd>
            </dl>
            <ScopeFilters
                organisation={query.organisation_id.map(|id| id.to_string()).unwrap_or_default()}
                as_of={query.as_of.map(|d| d.to_string()).unwrap_or_default()}
                {onchange} />
            { match &*series {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) if error.is_not_found() => html! { <NotFound /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(series) => body(series),
            } }
        </>
    }
}

fn body(series: &MetricSeries) -> Html {
    let metric = series.definition.metric;
    let unit = series.definition.unit;
    let points: Vec<_> = series.months.iter().map(|m| (m.month, m.value)).collect();
    html! {
        <>
            <p class="as-of">{ format!("As of the end of {}", long_date(series.as_of)) }</p>
            <p class="metric-headline" id="headline">
                <span class="metric-card__value">{ format_value(unit, series.headline) }</span>
                { " " }{ period_text(metric, series.as_of) }
            </p>
            <SpcChart
                title={AttrValue::from(format!("{}, month by month", metric.label()))}
                unit_label={unit_label(unit)}
                direction={series.definition.improvement_direction}
                target={series.target}
                points={points}
                annotations={Vec::new()} />
            <table class="table" id="months">
                <caption>{ "Month by month" }</caption>
                <thead>
                    <tr><th scope="col">{ "Month" }</th><th scope="col" class="numeric">{ metric.label() }</th></tr>
                </thead>
                <tbody>
                    { for series.months.iter().rev().map(|m| html! {
                        <tr>
                            <th scope="row">{ m.month.format("%B %Y").to_string() }</th>
                            <td class="numeric">{ format_value(unit, m.value) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </>
    }
}
