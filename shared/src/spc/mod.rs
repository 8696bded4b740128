//! Statistical process control: XmR charts (Making Data Count, as NHSRplotthedots draws them) and
//! run charts (the Anhoej rules, as qicharts2 applies them).
//!
//! Boards read measures the NHS England "Making Data Count" way, and teams meet the same charts
//! in those two R packages, so this engine reproduces both exactly, quirks included where they
//! are part of what a chart says; the reference cases under `tests/spc-cases` are the peers' own
//! output. Where a peer fails (an empty series; a missing value inside a would-be trend) the
//! behaviour here is defined and documented on the function concerned.
//!
//! Everything is pure and linear in the number of points (the medians use selection, not
//! sorting), with no threads or clocks, so the browser can run the same analysis as the server.
//!
//! - [`Series`]: the points in date order, checked once.
//! - [`xmr`] and [`run_chart`]: the two analyses; [`analyse_spc`] and [`analyse_run_chart`] add
//!   request validation for the stateless HTTP endpoints.
//! - [`rules`]: the individual special-cause rules; [`runs_analysis`], [`crossings_limit`] and
//!   [`longest_run_limit`]: the Anhoej rules.
//!
//! Missing values are gaps, never errors: they are left out of means, medians and moving ranges,
//! and they break every run, trend and window that would span them.

mod binomial;
pub mod rules;
mod runchart;
mod series;
mod stats;
mod xmr;

pub use binomial::{crossings_limit, longest_run_limit};
pub use rules::{AssuranceIcon, ImprovementDirection, PointType, Side, SpecialCause, Trend};
pub use runchart::{
    RunChartOptions, RunChartPart, RunChartPoint, RunChartRequest, RunChartResponse, RunsAnalysis,
    ValidRunChartRequest, analyse_run_chart, run_chart, runs_analysis,
};
pub use series::{MAX_POINTS, Series, SeriesError, SeriesPoint};
pub use xmr::{
    MIN_FIX_AFTER_N_POINTS, MIN_POINTS_FOR_FIRM_LIMITS, SpcPhase, SpcPoint, SpcRequest,
    SpcResponse, SpcWarning, SpcWarningKind, ValidSpcRequest, VariationIcon, XmrOptions,
    analyse_spc, xmr,
};
