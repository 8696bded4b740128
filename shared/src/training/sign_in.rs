//! A cohort's attendance as a CSV sign-in sheet.
//!
//! The first row names the columns, in any order and any case: `email`, `date` (or
//! `session date`) and `present` (or `attended`). A row per person per session: the date is
//! the session's (`dd/mm/yyyy`, `d/m/yyyy` or `yyyy-mm-dd`), presence is yes/no (also y/n,
//! true/false, 1/0, present/absent). Blank lines are skipped.
//!
//! A file is checked whole: any bad row and nothing is imported, and the errors name every bad
//! row as a spreadsheet numbers it (the header is row 1): `rows[4].date`. Matching emails to
//! enrolled people and dates to sessions is the server's part, reported the same way.

use chrono::NaiveDate;

use crate::{FieldErrors, measure::parse_date};

/// The largest sign-in sheet an import takes.
pub const MAX_SIGN_IN_BYTES: usize = 1024 * 1024;
/// The most problems an import lists.
pub const MAX_LISTED: usize = 200;

const HEADER: &str = "rows[1]";
const COLUMNS: &str = "email, date (or session date), present (or attended)";

/// One row of a sign-in sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInRow {
    /// The row as a spreadsheet numbers it (the header is row 1).
    pub row: u64,
    /// Lower case, trimmed.
    pub email: String,
    pub date: NaiveDate,
    pub present: bool,
}

/// Reads yes/no in the ways people write it.
pub fn parse_present(raw: &str) -> Result<bool, String> {
    match raw.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "present" | "attended" | "x" => Ok(true),
        "no" | "n" | "false" | "0" | "absent" | "" => {
            if raw.trim().is_empty() {
                Err("Say yes or no".to_owned())
            } else {
                Ok(false)
            }
        }
        other => Err(format!("\"{other}\" is not yes or no")),
    }
}

fn column_of(name: &str) -> Option<usize> {
    match name {
        "email" | "e-mail" | "email address" => Some(0),
        "date" | "session date" | "session_date" => Some(1),
        "present" | "attended" => Some(2),
        _ => None,
    }
}

/// The row a spreadsheet shows a record on (the first line is row 1), counting the blank lines
/// the reader skipped before the record.
fn row_of(text: &str, position: &csv::Position) -> u64 {
    let start = usize::try_from(position.byte())
        .unwrap_or(0)
        .min(text.len());
    let newlines = |s: &[u8]| s.iter().filter(|b| **b == b'\n').count();
    let bytes = text.as_bytes();
    let blank = bytes[start..]
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .copied()
        .collect::<Vec<u8>>();
    u64::try_from(1 + newlines(&bytes[..start]) + newlines(&blank)).unwrap_or(0)
}

fn one(field: &str, message: String) -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.push(field, message);
    errors
}

/// Reads a cohort's sign-in sheet; gives back its rows, or every problem by row and column.
pub fn parse_sign_in_csv(text: &str) -> Result<Vec<SignInRow>, FieldErrors> {
    parse_sheet(text, None)
}

/// Reads one session's sign-in sheet: the date column may be left out, and a date given must
/// be the session's.
pub fn parse_session_sign_in_csv(
    text: &str,
    session_date: NaiveDate,
) -> Result<Vec<SignInRow>, FieldErrors> {
    parse_sheet(text, Some(session_date))
}

fn parse_sheet(text: &str, session_date: Option<NaiveDate>) -> Result<Vec<SignInRow>, FieldErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(err)) => {
            return Err(one(HEADER, format!("The header row cannot be read: {err}")));
        }
        None => {
            return Err(one(
                HEADER,
                format!(
                    "The file is empty: it needs a header row ({COLUMNS}) and a row per person per session"
                ),
            ));
        }
    };
    let mut at = [None; 3];
    let mut errors = FieldErrors::new();
    for (i, cell) in header.iter().enumerate() {
        let name = cell.trim().to_lowercase();
        if name.is_empty() {
            continue;
        }
        match column_of(&name) {
            Some(c) if at[c].is_some() => {
                errors.push(HEADER, format!("The column \"{name}\" is named twice"));
            }
            Some(c) => at[c] = Some(i),
            None => errors.push(
                HEADER,
                format!(
                    "Unknown column \"{}\": the columns are {COLUMNS}",
                    cell.trim()
                ),
            ),
        }
    }
    let [Some(email_at), date_at, Some(present_at)] = at else {
        errors.push(HEADER, format!("The file needs the columns {COLUMNS}"));
        return Err(errors);
    };
    if date_at.is_none() && session_date.is_none() {
        errors.push(HEADER, format!("The file needs the columns {COLUMNS}"));
        return Err(errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut rows = Vec::new();
    for record in records {
        if errors.0.len() >= MAX_LISTED {
            errors.push(
                "rows",
                "There are more problems: fix these and import again",
            );
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let row = err.position().map_or(0, |p| row_of(text, p));
                errors.push(
                    format!("rows[{row}]"),
                    format!("This row cannot be read: {err}"),
                );
                continue;
            }
        };
        let row = record.position().map_or(0, |p| row_of(text, p));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let email = cell(email_at).to_lowercase();
        if email.is_empty() || !email.contains('@') {
            errors.push(
                format!("rows[{row}].email"),
                "Give the person's email address",
            );
        }
        let field = format!("rows[{row}].date");
        let date = match (date_at, session_date) {
            (Some(at), Some(session)) => match errors.check(&field, parse_date(cell(at))) {
                Some(d) if d != session => {
                    errors.push(
                        &field,
                        format!("The session is on {}", session.format("%d/%m/%Y")),
                    );
                    None
                }
                other => other,
            },
            (Some(at), None) => errors.check(&field, parse_date(cell(at))),
            (None, session) => session,
        };
        let present = errors.check(
            &format!("rows[{row}].present"),
            parse_present(cell(present_at)),
        );
        if let (Some(date), Some(present)) = (date, present) {
            if rows
                .iter()
                .any(|r: &SignInRow| r.email == email && r.date == date)
            {
                errors.push(
                    format!("rows[{row}]"),
                    "This person is already on the sheet for this date",
                );
            }
            rows.push(SignInRow {
                row,
                email,
                date,
                present,
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push("rows", "The file has no rows after its header");
    }
    errors.finish(|| Some(rows))
}

#[cfg(test)]
#[allow(clippy::expect_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    fn fields(result: Result<Vec<SignInRow>, FieldErrors>) -> Vec<String> {
        result
            .expect_err("should fail")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn reads_a_good_sheet_in_any_column_order_and_date_form() {
        let rows = parse_sign_in_csv(
            "\u{feff}Present,Email,Session date\r\nyes, Ann@Example.org ,03/02/2027\n\nno,bob@example.org,2027-02-03\n",
        )
        .expect("good");
        let date = NaiveDate::from_ymd_opt(2027, 2, 3).expect("a date");
        assert_eq!(
            rows,
            vec![
                SignInRow {
                    row: 2,
                    email: "ann@example.org".to_owned(),
                    date,
                    present: true
                },
                SignInRow {
                    row: 4,
                    email: "bob@example.org".to_owned(),
                    date,
                    present: false
                },
            ]
        );
    }

    #[test]
    fn names_each_bad_row_and_why() {
        let text = "email,date,attended\nann@example.org,31/02/2027,yes\n,03/02/2027,maybe\nann@example.org,2027-02-03,y\nann@example.org,03/02/2027,n\n";
        assert_eq!(
            fields(parse_sign_in_csv(text)),
            vec![
                "rows[2].date",
                "rows[3].email",
                "rows[3].present",
                "rows[5]"
            ]
        );
    }

    #[test]
    fn wrong_columns_are_refused_by_the_header() {
        assert_eq!(
            fields(parse_sign_in_csv("name,when\nAnn,today\n")),
            vec!["rows[1]", "rows[1]", "rows[1]"]
        );
        assert_eq!(fields(parse_sign_in_csv("email,date\n")), vec!["rows[1]"]);
        assert_eq!(fields(parse_sign_in_csv("")), vec!["rows[1]"]);
        assert_eq!(
            fields(parse_sign_in_csv("email,date,present\n")),
            vec!["rows"]
        );
    }

    #[test]
    fn a_session_sheet_may_leave_out_the_date() {
        let day = NaiveDate::from_ymd_opt(2027, 2, 3).expect("a date");
        let rows =
            parse_session_sign_in_csv("email,present\nann@example.org,yes\n", day).expect("good");
        assert_eq!(rows[0].date, day);
        assert_eq!(
            fields(parse_session_sign_in_csv(
                "email,date,present\nann@example.org,04/02/2027,yes\n",
                day
            )),
            vec!["rows[2].date"]
        );
        assert_eq!(
            fields(parse_sign_in_csv("email,present\nann@example.org,yes\n")),
            vec!["rows[1]"]
        );
    }

    #[test]
    fn presence_reads_yes_and_no() {
        assert_eq!(parse_present(" Yes "), Ok(true));
        assert_eq!(parse_present("absent"), Ok(false));
        assert!(parse_present("").is_err());
        assert!(parse_present("perhaps").is_err());
    }
}
