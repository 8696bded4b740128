//! XmR and run-chart analysis of 1,000 to 1,000,000 points: the engine alone (`xmr`, `run_chart`
//! on a ready [`Series`]) and the whole stateless endpoint (`analyse_*`: validation, date order,
//! analysis). The target is under 50 ms for a million points.
//!
//! `cargo bench -p qi-shared --bench spc -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use qi_shared::spc::{
    self, ImprovementDirection, RunChartOptions, RunChartRequest, Series, SeriesPoint, SpcRequest,
    XmrOptions,
};

const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];

/// A daily series: noise around a level that steps up two-thirds of the way, with a gap every
/// 50 points, so every rule and the gap handling get exercised.
fn series_points(n: usize) -> Vec<SeriesPoint> {
    let start = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let noise = (state >> 11) as f64 / (1u64 << 53) as f64;
            let level = if i > 2 * n / 3 { 12.0 } else { 10.0 };
            SeriesPoint {
                date: start + Days::new(i as u64),
                value: (i % 50 != 49).then_some(level + 4.0 * noise),
            }
        })
        .collect()
}

fn xmr_options(n: usize, points: &[SeriesPoint]) -> XmrOptions {
    XmrOptions {
        improvement_direction: ImprovementDirection::Increase,
        target: Some(11.0),
        rebase_dates: vec![points[n / 2].date],
        fix_after_n_points: None,
        screen_outliers: true,
    }
}

fn run_chart_options(n: usize, points: &[SeriesPoint]) -> RunChartOptions {
    RunChartOptions {
        freeze_after: Some(points[n / 3].date),
        split_after: vec![points[n / 2].date],
        exclude: vec![points[n / 4].date],
    }
}

fn benchmarks(c: &mut Criterion) {
    let mut group = c.benchmark_group("spc");
    group.sample_size(10);
    for n in SIZES {
        let points = series_points(n);
        let Ok(series) = Series::new(&points) else {
            panic!("benchmark series must be valid");
        };

        let options = xmr_options(n, &points);
        group.bench_with_input(BenchmarkId::new("xmr", n), &n, |b, _| {
            b.iter(|| spc::xmr(black_box(&series), black_box(&options)))
        });
        let request = SpcRequest {
            points: points.clone(),
            options,
        };
        group.bench_with_input(BenchmarkId::new("analyse_spc", n), &n, |b, _| {
            b.iter(|| spc::analyse_spc(black_box(&request)))
        });

        let options = run_chart_options(n, &points);
        group.bench_with_input(BenchmarkId::new("run_chart", n), &n, |b, _| {
            b.iter(|| spc::run_chart(black_box(&series), black_box(&options)))
        });
        let request = RunChartRequest { points, options };
        group.bench_with_input(BenchmarkId::new("analyse_run_chart", n), &n, |b, _| {
            b.iter(|| spc::analyse_run_chart(black_box(&request)))
        });
    }
    group.finish();
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
