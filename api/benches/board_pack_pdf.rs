//! The board pack PDF for 20 measures (issue 15: under 1 s): a partnership of 2,000 people
//! moving through the tiers over three years, the headline metrics, 20 chosen measures of 36
//! monthly points each and a narrative on every row. Measures the building of the pack and
//! drawing it as a PDF, as `GET /dashboard/board-pack/pdf` does after reading.
//!
//! `cargo bench -p qi-api --bench board_pack_pdf`; the figure is in docs/performance.md.

use std::hint::black_box;

use chrono::{Months, NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use qi_api::board_pack::{html, pdf};
use qi_shared::{
    capability::Tier,
    dashboard::{
        Facts,
        board_pack::{self, Narrative, PackInput, PackMeasure},
        facts::TierSpan,
    },
    spc::ImprovementDirection,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn facts() -> Facts {
    let spans = (0..2000_i64)
        .flat_map(|person| {
            let joined = day(2023, 1, 1)
                .checked_add_months(Months::new((person % 30) as u32))
                .unwrap_or_default();
            let up = joined
                .checked_add_months(Months::new(6 + (person % 7) as u32))
                .unwrap_or_default();
            let organisation = person % 5 + 1;
            [
                TierSpan {
                    person_id: person,
                    organisation_id: organisation,
                    tier: Tier::Learn,
                    from: joined,
                    to: Some(up),
                },
                TierSpan {
                    person_id: person,
                    organisation_id: organisation,
                    tier: if person % 4 == 0 {
                        Tier::Lead
                    } else {
                        Tier::Live
                    },
                    from: up,
                    to: None,
                },
            ]
        })
        .collect();
    Facts::new(spans, vec![], vec![], vec![], vec![], vec![])
}

fn input(month: NaiveDate) -> PackInput {
    let at = Utc
        .with_ymd_and_hms(2026, 5, 3, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let narrative = |i: usize| Narrative {
        text: format!(
            "Row {i}: special cause improvement since the new checklist; the team is testing a \
             second change idea and expects the limits to settle over the next quarter."
        ),
        updated_by: 1,
        updated_by_name: "Priya Shah".to_owned(),
        updated_at: at,
    };
    let measures: Vec<PackMeasure> = (0..20)
        .map(|i| PackMeasure {
            id: i + 1,
            project_id: i + 100,
            project_title: format!("Project {i}: fewer falls on the wards of the medical unit"),
            name: format!("Falls per 1,000 occupied bed days ({i})"),
            unit_label: "per 1000".to_owned(),
            direction: ImprovementDirection::Decrease,
            target: Some(4.5),
            points: (0..36)
                .map(|m| {
                    let date = month
                        .checked_sub_months(Months::new(35 - m))
                        .unwrap_or(month);
                    let value = if m < 20 { 8.0 + f64::from(m % 3) } else { 5.0 };
                    (date, Some(value + i as f64 / 10.0))
                })
                .collect(),
        })
        .collect();
    let mut narratives: Vec<(String, Narrative)> = board_pack::HEADLINE_METRICS
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("metric:{}", m.as_str()), narrative(i)))
        .collect();
    narratives.extend(
        measures
            .iter()
            .map(|m| (format!("measure:{}", m.id), narrative(m.id as usize))),
    );
    PackInput {
        organisation_id: None,
        organisation_name: None,
        partnership_name: "Northmoor and Riverside QI Partnership".to_owned(),
        month,
        as_of: day(2026, 4, 30),
        generated_at: at,
        measures,
        narratives,
        targets: Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    let facts = facts();
    let month = day(2026, 4, 1);
    let pack = board_pack::build(&facts, input(month));
    assert_eq!(pack.rows.len(), board_pack::HEADLINE_METRICS.len() + 20);
    c.bench_function("board pack PDF, 20 measures (build and draw)", |b| {
        b.iter(|| {
            let pack = board_pack::build(&facts, input(month));
            black_box(pdf::render(&pack).map(|bytes| bytes.len()).unwrap_or(0))
        })
    });
    c.bench_function("board pack HTML, 20 measures", |b| {
        b.iter(|| black_box(html::render(&pack).len()))
    });
    // The file, for a look: target/board-pack-bench.pdf.
    if let Ok(bytes) = pdf::render(&pack) {
        let _ = std::fs::write(
            std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned())
                + "/board-pack-bench.pdf",
            bytes,
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
