//! One metric: its definition, its monthly chart (a run chart under 12 months, an XmR chart
//! from then on, with any target drawn), the table of months, for the partnership or one
//! organisation, as of a day.

use qi_shared::{
    capability::long_date,
    dashboard::{
        Counting, MemberKind, MembersQuery, Metric, MetricSeries, SeriesQuery, format_value,
    },
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{ScopeFilters, period_text, unit_label};
use crate::{
    api::dashboard as api,
    components::{
        pagination::Pagination,
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
            <Behind metric={metric} organisation_id={query.organisation_id} as_of={query.as_of} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct BehindProps {
    metric: Metric,
    organisation_id: Option<i64>,
    as_of: Option<chrono::NaiveDate>,
}

/// The projects or people behind the headline figure, those the reader may see.
#[function_component(Behind)]
fn behind(props: &BehindProps) -> Html {
    let page = use_state(|| 1_u64);
    let query = MembersQuery {
        organisation_id: props.organisation_id,
        as_of: props.as_of,
        page: Some(*page),
        ..Default::default()
    };
    let metric = props.metric;
    let members = use_load(query, move |q| async move {
        api::members(metric.as_str(), &q).await
    });
    let onchange = {
        let page = page.clone();
        Callback::from(move |p: u64| page.set(p))
    };
    let list = match &*members {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) => html! { <ErrorPanel error={error.clone()} /> },
        Load::Loaded(m) if m.kind == MemberKind::NotListed => html! {
            <p>{ "This figure counts places, sessions or shares of them, not projects or people, so there is no list behind it." }</p>
        },
        Load::Loaded(m) => html! {
            <>
                <p>{ format!("Counted from {} to {}.", long_date(m.from), long_date(m.to)) }</p>
                if m.items.is_empty() {
                    <p class="empty">{ "Nothing here that you may see." }</p>
                } else {
                    <ul class="member-list">
                        { for m.items.iter().map(|item| html! {
                            <li>
                                { match m.kind {
                                    MemberKind::Projects => html! {
                                        <Link<Route> to={Route::Project { id: item.id }}>{ &item.name }</Link<Route>>
                                    },
                                    _ => html! {
                                        <Link<Route> to={Route::Person { id: item.id }}>{ &item.name }</Link<Route>>
                                    },
                                } }
                                <span class="member-list__org">{ format!(" ({})", item.organisation_name) }</span>
                            </li>
                        }) }
                    </ul>
                }
                if m.hidden > 0 {
                    <p id="hidden-members">{ match m.kind {
                        MemberKind::Projects => format!("{} more counted that you may not see (their teams keep them private).", m.hidden),
                        _ => format!("{} more counted in organisations whose people you do not manage.", m.hidden),
                    } }</p>
                }
                <Pagination info={m.page} {onchange} />
            </>
        },
    };
    html! {
        <section aria-labelledby="behind-title" id="behind">
            <h2 id="behind-title">{ "Behind the figure" }</h2>
            { list }
        </section>
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
