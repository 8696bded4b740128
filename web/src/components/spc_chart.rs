//! A measure's chart: an XmR (SPC) chart or a run chart, drawn by the shared renderer from an
//! analysis made here in the browser, so it follows the data as it is typed. Beside it, the two
//! Making Data Count icons with their meaning in words, the chart's summary (announced when it
//! changes) and the same data as a table.

use chrono::NaiveDate;
use qi_shared::{
    chart::{
        ChartKind, MeasureAnalysis, MeasureData, assurance_icon_svg, assurance_icon_text, fmt_num,
        point_type_text, variation_icon_svg, variation_icon_text,
    },
    measure::Annotation,
    spc::{ImprovementDirection, RunChartResponse, SpcResponse},
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SpcChartProps {
    pub title: AttrValue,
    pub unit_label: AttrValue,
    pub direction: ImprovementDirection,
    pub target: Option<f64>,
    /// The data, in any order; a date given twice counts once (the last).
    pub points: Vec<(NaiveDate, Option<f64>)>,
    pub annotations: Vec<Annotation>,
    /// Put before the ids of its controls, so that a page can show several charts.
    #[prop_or_default]
    pub prefix: AttrValue,
}

#[function_component(SpcChart)]
pub fn spc_chart(props: &SpcChartProps) -> Html {
    let chosen = use_state(|| None::<ChartKind>);
    let data = MeasureData {
        direction: props.direction,
        target: props.target,
        points: &props.points,
        annotations: &props.annotations,
    };
    let Some(series) = data.series() else {
        return html! {
            <p class="empty">{ "No data yet: add data points and the chart appears here." }</p>
        };
    };
    let analysis = data.analyse(&series, *chosen);
    let kind = match analysis {
        MeasureAnalysis::Xmr(_) => ChartKind::Xmr,
        MeasureAnalysis::Run(_) => ChartKind::Run,
    };
    let options = data.options(&props.title, &props.unit_label, (860, 420));
    let (svg, summary) = (analysis.svg(&options), analysis.description(&options));
    let choose = |kind: ChartKind| {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            if e.target_dyn_into::<HtmlInputElement>()
                .is_some_and(|i| i.checked())
            {
                chosen.set(Some(kind));
            }
        })
    };
    let prefix = props.prefix.clone();
    let radio = |id: &str, kind_: ChartKind, label: &str, hint: &str| {
        let id = format!("{prefix}{id}");
        html! {
            <div class="radio">
                <input class="radio__input" type="radio" name={format!("{prefix}chart-kind")} id={id.clone()}
                    checked={kind == kind_} onchange={choose(kind_)} aria-describedby={format!("{id}-hint")} />
                <label class="radio__label" for={id.clone()}>{ label.to_owned() }</label>
                <div class="hint radio__hint" id={format!("{id}-hint")}>{ hint.to_owned() }</div>
            </div>
        }
    };
    html! {
        <div class="measure-chart">
            <fieldset class="fieldset chart-kind">
                <legend class="fieldset__legend">{ "Type of chart" }</legend>
                <div class="radios radios--inline">
                    { radio("chart-kind-xmr", ChartKind::Xmr, "SPC chart (XmR)",
                        "Mean and process limits; best with 12 or more points") }
                    { radio("chart-kind-run", ChartKind::Run, "Run chart",
                        "Median and run rules; for fewer points") }
                </div>
            </fieldset>
            if let MeasureAnalysis::Xmr(a) = &analysis {
                { icons(a, props.target.is_some(), &prefix) }
            }
            // Focusable, as on a narrow screen it scrolls sideways.
            <div class="chart" tabindex="0" role="group" aria-label="Chart (scroll sideways on a small screen)">
                { Html::from_html_unchecked(AttrValue::from(svg)) }
            </div>
            <h3 class="chart-summary__title">{ "What the chart shows" }</h3>
            <p class="chart-summary" id={format!("{prefix}chart-summary")} aria-live="polite">{ summary }</p>
            <details class="details">
                <summary>{ "The chart's data as a table" }</summary>
                { match &analysis {
                    MeasureAnalysis::Xmr(a) => xmr_table(a),
                    MeasureAnalysis::Run(a) => run_table(a),
                } }
            </details>
        </div>
    }
}

fn icons(analysis: &SpcResponse, has_target: bool, prefix: &str) -> Html {
    let variation = analysis.variation_icon;
    html! {
        <div class="mdc-icons" id={format!("{prefix}mdc-icons")}>
            <div class="mdc-icon-row" data-icon={format!("{variation:?}")}>
                { Html::from_html_unchecked(AttrValue::from(variation_icon_svg(variation))) }
                <p><strong>{ "Variation: " }</strong><span class="variation-text">{ variation_icon_text(variation) }</span></p>
            </div>
            { match analysis.assurance_icon {
                Some(icon) => html! {
                    <div class="mdc-icon-row" data-icon={format!("{icon:?}")}>
                        { Html::from_html_unchecked(AttrValue::from(assurance_icon_svg(icon))) }
                        <p><strong>{ "Assurance: " }</strong><span class="assurance-text">{ assurance_icon_text(icon) }</span></p>
                    </div>
                },
                None if has_target => html! {
                    <p class="hint">{ "Assurance: none, as neither direction is better for this measure." }</p>
                },
                None => html! {
                    <p class="hint">{ "Assurance: set a target to see whether the process will meet it." }</p>
                },
            } }
        </div>
    }
}

fn num(value: Option<f64>) -> String {
    value.map(fmt_num).unwrap_or_else(|| "–".to_owned())
}

fn xmr_table(a: &SpcResponse) -> Html {
    html! {
        <table class="table table--compact chart-table">
            <caption class="visually-hidden">{ "Each point with its phase's mean and process limits" }</caption>
            <thead><tr>
                <th scope="col">{ "Date" }</th><th scope="col">{ "Value" }</th><th scope="col">{ "Mean" }</th>
                <th scope="col">{ "Lower limit" }</th><th scope="col">{ "Upper limit" }</th><th scope="col">{ "Point" }</th>
            </tr></thead>
            <tbody>
                { for a.points.iter().map(|p| a.wire_point(p)).map(|p| html! {
                    <tr>
                        <td data-label="Date">{ p.date.format("%-d %b %Y").to_string() }</td>
                        <td data-label="Value">{ num(p.value) }</td>
                        <td data-label="Mean">{ num(p.mean) }</td>
                        <td data-label="Lower limit">{ num(p.lpl) }</td>
                        <td data-label="Upper limit">{ num(p.upl) }</td>
                        <td data-label="Point">
                            { if p.value.is_some() { point_type_text(p.point_type) } else { "No value" } }
                            { p.special_cause.map(|c| format!(" ({})", c.label())).unwrap_or_default() }
                        </td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn run_table(a: &RunChartResponse) -> Html {
    html! {
        <table class="table table--compact chart-table">
            <caption class="visually-hidden">{ "Each point with its part's median" }</caption>
            <thead><tr>
                <th scope="col">{ "Date" }</th><th scope="col">{ "Value" }</th><th scope="col">{ "Median" }</th><th scope="col">{ "Runs" }</th>
            </tr></thead>
            <tbody>
                { for a.points.iter().map(|p| a.wire_point(p)).map(|p| html! {
                    <tr>
                        <td data-label="Date">{ p.date.format("%-d %b %Y").to_string() }</td>
                        <td data-label="Value">{ num(p.value) }</td>
                        <td data-label="Median">{ num(p.centre_line) }</td>
                        <td data-label="Runs">{ if p.runs_signal { "Non-random" } else { "Random" } }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
