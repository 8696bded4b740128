//! The CSV file of a measure's data, as spreadsheets write it.
//!
//! A file has a header row naming its columns (`date`, `value`, `numerator`, `denominator`,
//! `note`, in any order and any case; `date` and either `value` or `numerator` and `denominator`
//! are needed) and a row per date. Dates are `dd/mm/yyyy` (`d/m/yyyy` too) or ISO `yyyy-mm-dd`.
//! Numbers may have spaces around them but no thousands separators (`1234`, not `1,234`, which
//! reads as two cells or, quoted, is refused), and an empty value is a gap.
//!
//! A file is checked whole: any bad row and nothing is imported, and the errors name every bad
//! row the way a spreadsheet numbers them (the header is row 1): `rows[4].date`.
//!
//! Notes that start with `=`, `+`, `-` or `@` are written with a leading `'` so a spreadsheet
//! shows them as text rather than running them as formulas; reading takes the `'` off again.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{
    Unit,
    points::{DataPoint, MAX_POINTS, PointInput},
};
use crate::FieldErrors;

/// The columns, in the order an export writes them.
pub const CSV_COLUMNS: [&str; 5] = ["date", "value", "numerator", "denominator", "note"];

/// The largest CSV file an import takes (a hundred thousand rows fit).
pub const MAX_CSV_BYTES: usize = 4 * 1024 * 1024;

/// The most problems an import lists; a count of the rest follows them.
pub const MAX_LISTED_ERRORS: usize = 1000;

/// Reads a date as people in the UK write it (`31/01/2026`, `1/2/2026`) or in ISO form
/// (`2026-01-31`). Two-digit years are refused: `1/2/26` could be 1926.
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Enter a date".to_owned());
    }
    let digits = |part: &str, min: usize, max: usize| {
        (min..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    let parts: Vec<&str> = if s.contains('/') {
        s.split('/').rev().collect()
    } else {
        s.split('-').collect()
    };
    let date = match parts.as_slice() {
        [year, month, day] if digits(year, 4, 4) && digits(month, 1, 2) && digits(day, 1, 2) => {
            match (year.parse(), month.parse(), day.parse()) {
                (Ok(year), Ok(month), Ok(day)) => NaiveDate::from_ymd_opt(year, month, day),
                _ => None,
            }
        }
        _ => None,
    };
    date.ok_or_else(|| format!("\"{s}\" is not a date (use dd/mm/yyyy or yyyy-mm-dd)"))
}

/// Reads a number from a cell: empty is `None` (a gap); spaces around it are fine; thousands
/// separators, per cent signs and words are not.
pub fn parse_number(raw: &str) -> Result<Option<f64>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // `f64::from_str` also reads "inf" and "NaN", which are not data.
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(Some(n)),
        _ if s.contains(',') => Err(format!(
            "\"{s}\" is not a number (leave out thousands separators: 1234, not 1,234; and use a point for decimals)"
        )),
        _ if s.ends_with('%') => Err(format!("\"{s}\" is not a number (leave out the % sign)")),
        _ => Err(format!("\"{s}\" is not a number")),
    }
}

/// Where each known column is in a file.
#[derive(Default)]
struct Columns {
    date: Option<usize>,
    value: Option<usize>,
    numerator: Option<usize>,
    denominator: Option<usize>,
    note: Option<usize>,
    /// Columns with an empty header: allowed while they stay empty (spreadsheets add them).
    nameless: Vec<usize>,
    count: usize,
}

impl Columns {
    fn slot(&mut self, name: &str) -> Option<&mut Option<usize>> {
        Some(match name {
            "date" => &mut self.date,
            "value" => &mut self.value,
            "numerator" => &mut self.numerator,
            "denominator" => &mut self.denominator,
            "note" => &mut self.note,
            _ => return None,
        })
    }
}

const HEADER: &str = "rows[1]";

fn read_header(header: &csv::StringRecord) -> Result<Columns, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut columns = Columns {
        count: header.len(),
        ..Columns::default()
    };
    let mut looks_like_data = false;
    for (i, cell) in header.iter().enumerate() {
        let name = cell.trim().to_lowercase();
        if name.is_empty() {
            columns.nameless.push(i);
            continue;
        }
        match columns.slot(&name) {
            Some(slot @ None) => *slot = Some(i),
            Some(Some(_)) => errors.push(HEADER, format!("The column \"{name}\" is named twice")),
            None => {
                looks_like_data |=
                    parse_date(cell).is_ok() || matches!(parse_number(cell), Ok(Some(_)));
                errors.push(
                    HEADER,
                    format!(
                        "Unknown column \"{}\": the columns are {}",
                        cell.trim(),
                        CSV_COLUMNS.join(", ")
                    ),
                );
            }
        }
    }
    if looks_like_data {
        let mut errors = FieldErrors::new();
        errors.push(
            HEADER,
            format!(
                "The first row must name the columns (a header row): {}",
                CSV_COLUMNS.join(",")
            ),
        );
        return Err(errors);
    }
    if columns.date.is_none() {
        errors.push(HEADER, "Add a date column");
    }
    match (columns.numerator, columns.denominator) {
        (Some(_), None) => errors.push(HEADER, "A numerator column needs a denominator column"),
        (None, Some(_)) => errors.push(HEADER, "A denominator column needs a numerator column"),
        (None, None) if columns.value.is_none() => errors.push(
            HEADER,
            "Add a value column (or, for a percentage or a rate, numerator and denominator columns)",
        ),
        _ => {}
    }
    errors.finish(|| Some(columns))
}

/// A spreadsheet shows a cell starting with `'` as text; such a cell keeps a note from being run
/// as a formula. Leading `'`s are looked past so that a note that itself starts with one survives
/// a round trip.
fn needs_formula_guard(note: &str) -> bool {
    note.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@'])
}

/// The problems of a file, up to [`MAX_LISTED_ERRORS`] of them, and how many more there were.
struct Problems {
    errors: FieldErrors,
    unlisted: usize,
}

impl Problems {
    fn add(&mut self, more: FieldErrors) {
        for error in more.0 {
            if self.errors.0.len() < MAX_LISTED_ERRORS {
                self.errors.0.push(error);
            } else {
                self.unlisted += 1;
            }
        }
    }

    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let mut one = FieldErrors::new();
        one.push(field, message);
        self.add(one);
    }

    fn finish(mut self) -> FieldErrors {
        if self.unlisted > 0 {
            self.errors.push(
                "rows",
                format!(
                    "{} more problems are not listed: fix these and import again",
                    self.unlisted
                ),
            );
        }
        self.errors
    }
}

/// The row a spreadsheet shows a record on. The reader places a record where it started looking
/// for it, before any blank lines it skipped; a spreadsheet counts those lines as rows.
fn spreadsheet_row(text: &str, position: &csv::Position) -> u64 {
    let blank = usize::try_from(position.byte())
        .ok()
        .and_then(|start| text.get(start..))
        .map_or(0, |rest| {
            rest.bytes()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .filter(|b| *b == b'\n')
                .count()
        });
    position
        .line()
        .saturating_add(u64::try_from(blank).unwrap_or(0))
}

/// Reads a CSV file of a measure's data and checks every row against the measure's unit (see
/// the module's documentation for the format). Gives back the points in file order, each with
/// its value computed from a numerator and denominator; or every problem, by row and column.
pub fn parse_points_csv(
    text: &str,
    unit: Unit,
    rate_per: Option<u32>,
) -> Result<Vec<PointInput>, FieldErrors> {
    // Spreadsheets often start a UTF-8 file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let columns = match records.next() {
        Some(Ok(header)) => read_header(&header)?,
        Some(Err(err)) => {
            let mut errors = FieldErrors::new();
            errors.push(HEADER, format!("The header row cannot be read: {err}"));
            return Err(errors);
        }
        None => {
            let mut errors = FieldErrors::new();
            errors.push(
                HEADER,
                format!(
                    "The file is empty: it needs a header row ({}) and a row per date",
                    CSV_COLUMNS.join(",")
                ),
            );
            return Err(errors);
        }
    };

    let mut problems = Problems {
        errors: FieldErrors::new(),
        unlisted: 0,
    };
    let mut points = Vec::new();
    let mut first_row_of: HashMap<NaiveDate, u64> = HashMap::new();
    let mut data_rows = 0usize;
    for (index, record) in records.enumerate() {
        // Rows as a spreadsheet numbers them; the header is row 1.
        let fallback = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(2);
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let row = err
                    .position()
                    .map_or(fallback, |p| spreadsheet_row(text, p));
                problems.push(
                    format!("rows[{row}]"),
                    format!("This row cannot be read: {err}"),
                );
                continue;
            }
        };
        let row = record
            .position()
            .map_or(fallback, |p| spreadsheet_row(text, p));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        data_rows += 1;
        if data_rows > MAX_POINTS {
            let mut errors = FieldErrors::new();
            errors.push(
                "rows",
                format!("A file can have at most {MAX_POINTS} rows of data: split it, and import each part (merging)"),
            );
            return Err(errors);
        }
        let place = format!("rows[{row}]");
        if record.iter().enumerate().any(|(i, cell)| {
            (i >= columns.count || columns.nameless.contains(&i)) && !cell.trim().is_empty()
        }) {
            problems.push(
                &place,
                "This row has data in a column the header row does not name",
            );
        }
        let cell = |column: Option<usize>| column.and_then(|i| record.get(i)).unwrap_or("");
        let mut errors = FieldErrors::new();
        let date = errors.check(&format!("{place}.date"), parse_date(cell(columns.date)));
        let mut number = |name: &str, column: Option<usize>| {
            errors
                .check(&format!("{place}.{name}"), parse_number(cell(column)))
                .ok_or(())
        };
        let value = number("value", columns.value);
        let numerator = number("numerator", columns.numerator);
        let denominator = number("denominator", columns.denominator);
        let mut note = cell(columns.note);
        if let Some(rest) = note.strip_prefix('\'')
            && needs_formula_guard(rest)
        {
            note = rest;
        }
        if let (Some(date), Ok(value), Ok(numerator), Ok(denominator)) =
            (date, value, numerator, denominator)
        {
            match first_row_of.get(&date) {
                Some(first) => errors.push(
                    format!("{place}.date"),
                    format!("Row {first} has this date too: one row per date"),
                ),
                None => {
                    first_row_of.insert(date, row);
                }
            }
            let point = PointInput {
                date,
                value,
                numerator,
                denominator,
                note: note.to_owned(),
            };
            points.extend(point.check(unit, rate_per, &format!("{place}."), &mut errors));
        }
        problems.add(errors);
    }
    if data_rows == 0 && problems.errors.is_empty() {
        problems.push("rows", "The file has a header row but no data");
    }
    let errors = problems.finish();
    if errors.is_empty() {
        Ok(points)
    } else {
        Err(errors)
    }
}

/// A measure's data as a CSV file: a header row of [`CSV_COLUMNS`], then a row per point with
/// its ISO date, in the order given. What it writes, [`parse_points_csv`] reads back the same.
pub fn points_to_csv(points: &[DataPoint]) -> String {
    let number = |n: Option<f64>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut out = String::with_capacity(40 * (points.len() + 1));
    out.push_str(&CSV_COLUMNS.join(","));
    out.push_str("\r\n");
    for point in points {
        let note = if needs_formula_guard(&point.note) {
            format!("'{}", point.note)
        } else {
            point.note.clone()
        };
        let cells = [
            point.date.to_string(),
            number(point.value),
            number(point.numerator),
            number(point.denominator),
            quoted(&note),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A cell as RFC 4180 writes it: in quotes, with quotes doubled, when it has a comma, a quote,
/// a line break, or spaces at an end that a reader might trim.
fn quoted(cell: &str) -> String {
    let needs_quotes =
        cell.contains([',', '"', '\r', '\n']) || cell.starts_with(' ') || cell.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn problems(text: &str, unit: Unit) -> Vec<(String, String)> {
        match parse_points_csv(text, unit, Some(1000)) {
            Ok(points) => panic!("{text:?} should not parse: {points:?}"),
            Err(errors) => errors.0.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    }

    fn fields(text: &str, unit: Unit) -> Vec<String> {
        problems(text, unit).into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn dates_are_read_in_uk_and_iso_forms() {
        for (raw, expected) in [
            ("31/01/2026", date(2026, 1, 31)),
            ("1/2/2026", date(2026, 2, 1)),
            (" 2026-02-01 ", date(2026, 2, 1)),
            ("29/02/2024", date(2024, 2, 29)),
        ] {
            assert_eq!(parse_date(raw), Ok(expected), "{raw}");
        }
        for raw in [
            "31/02/2024",
            "1/2/26",
            "2026/02/01",
            "01-02-2026",
            "2026-13-01",
            "tomorrow",
            "1/2/2026 00:00",
            "+1/2/2026",
        ] {
            assert_eq!(
                parse_date(raw),
                Err(format!(
                    "\"{}\" is not a date (use dd/mm/yyyy or yyyy-mm-dd)",
                    raw.trim()
                )),
                "{raw}"
            );
        }
        assert_eq!(parse_date("  "), Err("Enter a date".to_owned()));
    }

    #[test]
    fn numbers_may_have_spaces_but_no_separators() {
        assert_eq!(parse_number(" 12.5 "), Ok(Some(12.5)));
        assert_eq!(parse_number("-3"), Ok(Some(-3.0)));
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("  "), Ok(None));
        for raw in [
            "1,234", "12,5", "45%", "inf", "NaN", "1e999", "twelve", "1 234",
        ] {
            assert!(parse_number(raw).is_err(), "{raw}");
        }
        assert!(
            parse_number("1,234")
                .err()
                .is_some_and(|m| m.contains("thousands separators"))
        );
    }

    #[test]
    fn a_good_file_in_either_date_form_reads_with_gaps_and_fractions() {
        let text = "\u{feff}Date, Numerator ,Denominator,Note\r\n\
                    01/01/2026,3,12,\r\n\
                    2026-02-01,,,\"Ward closed, no data\"\r\n\
                    \r\n\
                    1/3/2026, 5 , 20 ,\r\n\
                    ,,,\r\n";
        let points = parse_points_csv(text, Unit::Percentage, None).unwrap_or_default();
        let read: Vec<(NaiveDate, Option<f64>, &str)> = points
            .iter()
            .map(|p| (p.date, p.value, p.note.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                (date(2026, 1, 1), Some(25.0), ""),
                (date(2026, 2, 1), None, "Ward closed, no data"),
                (date(2026, 3, 1), Some(25.0), ""),
            ]
        );
    }

    #[test]
    fn every_bad_row_is_listed_by_its_spreadsheet_row_and_column() {
        let text = "date,value,note\n\
                    2026-01-01,4,\n\
                    31/02/2024,5,\n\
                    2026-03-01,\"1,234\",\n\
                    \n\
                    2026-01-01,abc,\n\
                    2026-05-01,7,ok,extra\n";
        assert_eq!(
            problems(text, Unit::Count),
            [
                (
                    "rows[3].date".to_owned(),
                    "\"31/02/2024\" is not a date (use dd/mm/yyyy or yyyy-mm-dd)".to_owned()
                ),
                (
                    "rows[4].value".to_owned(),
                    "\"1,234\" is not a number (leave out thousands separators: 1234, not 1,234; and use a point for decimals)".to_owned()
                ),
                ("rows[6].value".to_owned(), "\"abc\" is not a number".to_owned()),
                (
                    "rows[7]".to_owned(),
                    "This row has data in a column the header row does not name".to_owned()
                ),
            ]
        );
        assert_eq!(
            fields("date,value\n2026-01-01,4\n01/01/2026,5\n", Unit::Count),
            ["rows[3].date"]
        );
        assert_eq!(
            fields("date,value\r\n2026-01-01,4\r\n\r\n\r\nx,5\r\n", Unit::Count),
            ["rows[5].date"],
            "blank lines are rows too"
        );
    }

    #[test]
    fn rows_are_checked_against_the_unit() {
        assert_eq!(
            fields(
                "date,value,numerator,denominator\n2026-01-01,,1,0\n2026-02-01,,1,\n2026-03-01,30,1,4\n",
                Unit::Percentage
            ),
            [
                "rows[2].denominator",
                "rows[3].denominator",
                "rows[4].value"
            ]
        );
        assert_eq!(
            fields(
                "date,value,numerator,denominator\n2026-01-01,,1,4\n",
                Unit::Count
            ),
            ["rows[2].numerator"]
        );
    }

    #[test]
    fn the_header_row_is_required_and_checked() {
        for (text, message) in [
            ("", "The file is empty"),
            ("2026-01-01,4\n2026-02-01,5\n", "The first row must name"),
            (
                "date,value,colour\n2026-01-01,4,red\n",
                "Unknown column \"colour\"",
            ),
            ("value\n4\n", "Add a date column"),
            ("date,note\n2026-01-01,x\n", "Add a value column"),
            (
                "date,numerator\n2026-01-01,4\n",
                "needs a denominator column",
            ),
            ("date,value,Value\n2026-01-01,4,4\n", "named twice"),
        ] {
            let found = problems(text, Unit::Percentage);
            assert!(
                found
                    .iter()
                    .any(|(f, m)| f == HEADER && m.contains(message)),
                "{text:?}: {found:?}"
            );
        }
        assert_eq!(fields("date,value\n", Unit::Count), ["rows"]);
    }

    #[test]
    fn too_many_rows_or_problems_are_cut_short() {
        let mut text = String::from("date,value\n");
        for _ in 0..=MAX_POINTS {
            text.push_str("2026-01-01,1\n");
        }
        assert_eq!(
            problems(&text, Unit::Count),
            [(
                "rows".to_owned(),
                format!(
                    "A file can have at most {MAX_POINTS} rows of data: split it, and import each part (merging)"
                )
            )]
        );
        let mut text = String::from("date,value\n");
        for _ in 0..MAX_LISTED_ERRORS + 5 {
            text.push_str("x,1\n");
        }
        let found = problems(&text, Unit::Count);
        assert_eq!(found.len(), MAX_LISTED_ERRORS + 1);
        assert_eq!(
            found.last().map(|(f, m)| (f.as_str(), m.as_str())),
            Some((
                "rows",
                "5 more problems are not listed: fix these and import again"
            ))
        );
    }

    #[test]
    fn an_export_reads_back_the_same() {
        let points = vec![
            DataPoint {
                id: 1,
                date: date(2026, 1, 1),
                value: Some(100.0 / 3.0),
                numerator: Some(1.0),
                denominator: Some(3.0),
                note: "Audit, \"week 1\"".into(),
            },
            DataPoint {
                id: 2,
                date: date(2026, 2, 1),
                value: None,
                numerator: None,
                denominator: None,
                note: "=HYPERLINK(\"http://example.org\")".into(),
            },
            DataPoint {
                id: 3,
                date: date(2026, 3, 1),
                value: Some(50.0),
                numerator: Some(2.0),
                denominator: Some(4.0),
                note: "'=not a formula".into(),
            },
        ];
        let text = points_to_csv(&points);
        assert!(text.starts_with("date,value,numerator,denominator,note\r\n2026-01-01,33.333333333333336,1,3,\"Audit, \"\"week 1\"\"\"\r\n"));
        assert!(text.contains("\r\n2026-02-01,,,,\"'=HYPERLINK"), "{text}");
        let read = parse_points_csv(&text, Unit::Percentage, None).unwrap_or_default();
        let back: Vec<DataPoint> = read
            .into_iter()
            .zip(&points)
            .map(|(p, original)| DataPoint {
                id: original.id,
                date: p.date,
                value: p.value,
                numerator: p.numerator,
                denominator: p.denominator,
                note: p.note,
            })
            .collect();
        assert_eq!(back, points);
    }
}
