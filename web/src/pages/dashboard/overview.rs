//! The dashboard: every metric for the partnership or one organisation as of a day, each with
//! its headline figure, a small chart of the last 24 months read the Making Data Count way,
//! and a link to its page.

use qi_shared::{
    capability::long_date,
    chart::{
        ChartOptions, assurance_icon_svg, assurance_icon_text, small_svg, variation_icon_svg,
        variation_icon_text,
    },
    dashboard::{Dashboard, DashboardQuery, MetricGroup, MetricSummary, format_value},
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{ScopeFilters, period_text, unit_label};
use crate::{
    api::dashboard as api,
    components::states::{ErrorPanel, Loading},
    hooks::{Load, use_load, use_query},
    route::Route,
};

#[function_component(Overview)]
pub fn overview() -> Html {
    crate::browser::set_title("Dashboard");
    let navigator = use_navigator();
    let query: DashboardQuery = use_query();
    let dashboard = use_load(query.clone(), |q| async move { api::dashboard(&q).await });
    let onchange = {
        let navigator = navigator.clone();
        Callback::from(move |(organisation, as_of): (String, String)| {
            let q = DashboardQuery {
                organisation_id: organisation.parse().ok(),
                as_of: as_of.parse().ok(),
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.replace_with_query(&Route::Dashboard, &q);
            }
        })
    };
    html! {
        <>
            <h1>{ "Partnership dashboard" }</h1>
            <p class="lead">
                { "The partnership's own measures, read the way it teaches its staff to read data: \
                   a run chart until there are 12 months, then an XmR chart with the Making Data \
                   Count icons." }
            </p>
            <ul class="quick-links__list">
                <li><Link<Route> to={Route::DashboardTargets}>{ "Strategy targets" }</Link<Route>></li>
                <li><Link<Route> to={Route::DashboardBoardPack}>{ "Board pack" }</Link<Route>></li>
                <li><Link<Route> to={Route::DashboardOrganisations}>{ "Compare organisations" }</Link<Route>></li>
                <li><Link<Route> to={Route::DashboardBreakdown}>{ "Projects by type and quality dimension" }</Link<Route>></li>
            </ul>
            <ScopeFilters
                organisation={query.organisation_id.map(|id| id.to_string()).unwrap_or_default()}
                as_of={query.as_of.map(|d| d.to_string()).unwrap_or_default()}
                {onchange} />
            { match &*dashboard {
                Load::Loading => html! { <Loading /> },
                Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
                Load::Loaded(d) => sections(d, &query),
            } }
        </>
    }
}

fn sections(d: &Dashboard, query: &DashboardQuery) -> Html {
    html! {
        <>
            <p class="as-of" id="as-of">{ format!("As of the end of {}", long_date(d.as_of)) }</p>
            { for MetricGroup::ALL.iter().map(|group| html! {
                <section class="dashboard-group" aria-labelledby={format!("group-{}", group.as_str())}>
                    <h2 id={format!("group-{}", group.as_str())}>{ group.label() }</h2>
                    if *group == MetricGroup::Sustainability {
                        { index_parts(d) }
                    }
                    <ul class="metric-cards">
                        { for d.metrics.iter()
                            .filter(|m| m.metric.group() == *group)
                            .map(|m| card(m, d, query)) }
                    </ul>
                </section>
            }) }
        </>
    }
}

fn index_parts(d: &Dashboard) -> Html {
    html! {
        <table class="table table--compact" id="index-parts">
            <caption>{ "The parts of the self-sustainability index, over the year (each 0 to 100)" }</caption>
            <tbody>
                { for d.self_sustainability_parts.iter().map(|p| html! {
                    <tr>
                        <th scope="row">{ p.metric.label() }</th>
                        <td class="numeric">{ p.score.map(|s| format!("{s:.0}")).unwrap_or_else(|| "–".to_owned()) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn card(m: &MetricSummary, d: &Dashboard, query: &DashboardQuery) -> Html {
    let metric = m.metric;
    let points: Vec<_> = m.months.iter().map(|v| (v.month, v.value)).collect();
    let data = qi_shared::chart::MeasureData {
        direction: metric.improvement_direction(),
        target: None,
        points: &points,
        annotations: &[],
    };
    let chart = data.series().and_then(|series| {
        let analysis = data.analyse(&series, None);
        let options = ChartOptions {
            title: metric.label().to_owned(),
            unit_label: unit_label(metric.unit()).to_owned(),
            ..Default::default()
        };
        small_svg(&analysis, (300, 72), &analysis.description(&options))
    });
    let series_query = qi_shared::dashboard::SeriesQuery {
        organisation_id: query.organisation_id,
        as_of: query.as_of,
        ..Default::default()
    };
    let icons = html! {
        <span class="metric-card__icons">
            if let Some(icon) = m.reading.variation_icon {
                <span class="icon" role="img" aria-label={variation_icon_text(icon)} title={variation_icon_text(icon)}>
                    { Html::from_html_unchecked(AttrValue::from(variation_icon_svg(icon))) }
                </span>
            }
            if let Some(icon) = m.reading.assurance_icon {
                <span class="icon" role="img" aria-label={assurance_icon_text(icon)} title={assurance_icon_text(icon)}>
                    { Html::from_html_unchecked(AttrValue::from(assurance_icon_svg(icon))) }
                </span>
            }
        </span>
    };
    html! {
        <li class="metric-card" id={format!("metric-{}", metric.as_str())}>
            <h3 class="metric-card__title">
                <Link<Route, qi_shared::dashboard::SeriesQuery> to={Route::DashboardMetric { metric: metric.as_str().to_owned() }} query={Some(series_query)}>
                    { metric.label() }
                </Link<Route, qi_shared::dashboard::SeriesQuery>>
            </h3>
            <p class="metric-card__figure">
                <span class="metric-card__value">{ format_value(metric.unit(), m.headline) }</span>
                { " " }
                <span class="metric-card__period">{ period_text(metric, d.as_of) }</span>
                { icons }
            </p>
            { match chart {
                Some(svg) => html! {
                    <div class="metric-card__chart">
                        { Html::from_html_unchecked(AttrValue::from(svg)) }
                    </div>
                },
                None => html! { <p class="empty">{ "Nothing to count yet." }</p> },
            } }
        </li>
    }
}
