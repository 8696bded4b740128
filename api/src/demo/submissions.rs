//! Demo calls for submissions: last year's celebration had a call with a dozen posters,
//! masterclasses and stories from the register's projects, each with a one-page PDF, three
//! reviewers scoring against a weighted rubric, a closed review, a shortlist and awards; this
//! year's celebration has its call open, with the first submissions in and the demo coach
//! asked to review some. Who submits and who reviews are chosen by order, so the demo repeats.

use chrono::{DateTime, Duration, Utc};
use qi_shared::{
    event::{
        EventKind,
        submission::{
            AwardInput, AwardLevel, CallInput, CriterionInput, CriterionScore, FileType,
            SubmissionInput, SubmissionKind, weighted_score,
        },
    },
    person::Role,
    project::{ProjectStatus, TeamRole, Visibility},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    db::{
        self,
        entity::{events::event, person, person_role, project, project_member},
    },
    storage::Storage,
};

fn rubric() -> Vec<CriterionInput> {
    [
        (
            "Impact",
            "What changed for patients, service users or staff, shown by the data",
            3,
        ),
        (
            "Use of QI method",
            "An aim, measures and tests of change (PDSA), with run or SPC charts",
            2,
        ),
        (
            "Learning to share",
            "What others in the partnership can take and try",
            1,
        ),
    ]
    .into_iter()
    .map(|(name, description, weight)| CriterionInput {
        name: name.to_owned(),
        description: description.to_owned(),
        weight,
    })
    .collect()
}

const INTRO: &str = "Every team that has tested a change this year has something to share. \
Submit a poster of your project, offer a masterclass on a method you have used, or tell the \
story of what happened.\n\nReviewers from across the partnership score each submission \
against the rubric below; the shortlist is shown on the day and the awards given at the close.";

pub async fn seed(db: &impl ConnectionTrait, storage: &Storage) -> anyhow::Result<usize> {
    let celebrations = event::Entity::find()
        .filter(event::Column::Kind.eq(EventKind::Celebration))
        .order_by_asc(event::Column::StartsAt)
        .all(db)
        .await?;
    let now = Utc::now();
    let (Some(last), Some(next)) = (
        celebrations.iter().find(|e| e.ends_at < now),
        celebrations.iter().find(|e| e.starts_at > now),
    ) else {
        return Ok(0);
    };
    let projects: Vec<project::Model> = project::Entity::find()
        .filter(project::Column::Visibility.is_in([Visibility::Partnership, Visibility::Public]))
        .filter(project::Column::Status.is_in([ProjectStatus::Active, ProjectStatus::Completed]))
        .order_by_asc(project::Column::Id)
        .all(db)
        .await?;
    let members = project_member::Entity::find().all(db).await?;
    let coaches: Vec<i64> = person_role::Entity::find()
        .filter(person_role::Column::Role.eq(Role::Coach))
        .order_by_asc(person_role::Column::PersonId)
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    let demo_coach = person::Entity::find()
        .filter(person::Column::Email.eq("coach@demo.qicommons.org"))
        .one(db)
        .await?
        .map(|p| p.id);
    let lead_of = |project_id: i64| {
        members
            .iter()
            .find(|m| m.project_id == project_id && m.role == TeamRole::Lead)
            .or_else(|| members.iter().find(|m| m.project_id == project_id))
            .map(|m| m.person_id)
    };
    let on_team = |project_id: i64, person_id: i64| {
        members
            .iter()
            .any(|m| m.project_id == project_id && m.person_id == person_id)
    };

    // Last year's: the call closed six weeks before the day, the review a week before.
    let deadline = last.starts_at - Duration::days(42);
    let call = CallInput {
        intro: INTRO.to_owned(),
        kinds: SubmissionKind::ALL.to_vec(),
        deadline,
        criteria: rubric(),
    };
    db::events::submissions::set_call(db, last.id, &call, false, deadline - Duration::days(60))
        .await?;
    let criteria = db::events::submissions::criteria_dto(
        &db::events::submissions::call(db, last.id)
            .await?
            .map(|(_, c)| c)
            .unwrap_or_default(),
    );
    let mut made = 0;
    let mut scored: Vec<(i64, SubmissionKind, f64)> = Vec::new();
    for (i, p) in projects.iter().take(12).enumerate() {
        let Some(lead) = lead_of(p.id) else { continue };
        let kind = match i % 6 {
            0 | 2 | 3 | 5 => SubmissionKind::Poster,
            1 => SubmissionKind::Masterclass,
            _ => SubmissionKind::Story,
        };
        let submitted_at = deadline - Duration::days(30 - i as i64 * 2);
        let id = submit(db, storage, last.id, p, kind, lead, submitted_at).await?;
        // Three reviewers, none on the team: the demo coach first where they may.
        let mut reviewers: Vec<i64> = demo_coach
            .into_iter()
            .chain(coaches.iter().cycle().skip(i).take(coaches.len()).copied())
            .filter(|c| !on_team(p.id, *c))
            .collect();
        reviewers.dedup();
        reviewers.truncate(3);
        db::events::submissions::set_reviewers(db, id, &reviewers, deadline + Duration::days(1))
            .await?;
        let assignments = db::events::submissions::reviewers(db, &[id]).await?;
        let mut means = Vec::new();
        for (r, assignment) in assignments.into_iter().enumerate() {
            let scores: Vec<CriterionScore> = criteria
                .iter()
                .enumerate()
                .map(|(c, criterion)| CriterionScore {
                    criterion_id: criterion.id,
                    score: u8::try_from(2 + (i * 7 + r * 3 + c * 5) % 4).unwrap_or(3),
                })
                .collect();
            let weighted = weighted_score(&criteria, &scores).unwrap_or_default();
            means.push(weighted);
            db::events::submissions::review(
                db,
                assignment,
                &scores,
                REVIEW_NOTES[(i + r) % REVIEW_NOTES.len()],
                weighted,
                deadline + Duration::days(8 + r as i64 * 3),
            )
            .await?;
        }
        let mean = means.iter().sum::<f64>() / means.len().max(1) as f64;
        scored.push((id, kind, mean));
        made += 1;
    }
    db::events::submissions::close_review(db, last.id, last.starts_at - Duration::days(7)).await?;
    scored.sort_by(|a, b| b.2.total_cmp(&a.2));
    for (id, _, _) in scored.iter().take(5) {
        db::events::submissions::set_shortlisted(db, *id, true).await?;
    }
    let best = |kind: SubmissionKind, nth: usize| {
        scored
            .iter()
            .filter(|(_, k, _)| *k == kind)
            .nth(nth)
            .map(|(id, _, _)| *id)
    };
    let awards = [
        (
            best(SubmissionKind::Poster, 0),
            "Best poster",
            AwardLevel::Winner,
        ),
        (
            best(SubmissionKind::Poster, 1),
            "Best poster",
            AwardLevel::HighlyCommended,
        ),
        (
            best(SubmissionKind::Masterclass, 0),
            "Best masterclass",
            AwardLevel::Winner,
        ),
        (
            best(SubmissionKind::Story, 0),
            "Improvement story of the year",
            AwardLevel::Winner,
        ),
    ];
    for (id, category, level) in awards {
        let Some(submission_id) = id else { continue };
        let input = AwardInput {
            submission_id,
            category: category.to_owned(),
            level,
        };
        db::events::submissions::give_award(db, last.id, &input, last.ends_at).await?;
    }

    // This year's: open until a fortnight before the day, the first three submissions in.
    let deadline = next.starts_at - Duration::days(14);
    let call = CallInput { deadline, ..call };
    db::events::submissions::set_call(db, next.id, &call, false, now - Duration::days(20)).await?;
    for (i, p) in projects.iter().skip(12).take(3).enumerate() {
        let Some(lead) = lead_of(p.id) else { continue };
        let kind = if i == 1 {
            SubmissionKind::Masterclass
        } else {
            SubmissionKind::Poster
        };
        let id = submit(
            db,
            storage,
            next.id,
            p,
            kind,
            lead,
            now - Duration::days(12 - i as i64 * 4),
        )
        .await?;
        if let Some(coach) = demo_coach.filter(|c| !on_team(p.id, *c)) {
            db::events::submissions::set_reviewers(db, id, &[coach], now - Duration::days(2))
                .await?;
        }
        made += 1;
    }
    Ok(made)
}

const REVIEW_NOTES: &[&str] = &[
    "A clear aim and a run chart that tells the story: the shift after the third PDSA is convincing.",
    "Good engagement with the team; the measures would be stronger with a balancing measure.",
    "Practical and easy to spread. I would like to see how the change has been sustained.",
    "Strong patient voice. The data collection method could be described more fully.",
    "Well-structured driver diagram; the change ideas link clearly to the primary drivers.",
];

async fn submit(
    db: &impl ConnectionTrait,
    storage: &Storage,
    event_id: i64,
    p: &project::Model,
    kind: SubmissionKind,
    by: i64,
    at: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let title = match kind {
        SubmissionKind::Poster => p.title.clone(),
        SubmissionKind::Masterclass => {
            format!("Masterclass: how we tested changes in \"{}\"", p.title)
        }
        SubmissionKind::Story => format!("Our story: {}", p.title),
    };
    let title: String = title.chars().take(200).collect();
    let abstract_text = format!(
        "{}\n\nOur aim: {}\n\nWe tested changes in small PDSA cycles, plotted our measures on run \
         and SPC charts, and shared what we learned with neighbouring teams.",
        p.problem.trim(),
        p.aim.trim()
    );
    let input = SubmissionInput {
        project_id: p.id,
        kind,
        title: title.clone(),
        abstract_text: abstract_text.chars().take(3000).collect(),
    };
    let id = db::events::submissions::create(db, event_id, &input, by, at).await?;
    let bytes = one_page_pdf(
        &title,
        &[&p.aim, "Method: PDSA cycles, run and SPC charts."],
    );
    let size = bytes.len() as u64;
    let key = format!("submissions/{id}/{}", db::tokens::generate());
    storage.put(&key, bytes).await?;
    let Some(model) = db::events::submissions::find(db, id).await? else {
        return Ok(id);
    };
    let name = match kind {
        SubmissionKind::Poster => "poster.pdf",
        SubmissionKind::Masterclass => "masterclass-slides.pdf",
        SubmissionKind::Story => "our-story.pdf",
    };
    db::events::submissions::set_file(db, model, &key, name, FileType::Pdf, size, at).await?;
    Ok(id)
}

/// A one-page PDF of a title and a few paragraphs in Helvetica, written out by hand: enough for
/// a demo poster to open in any viewer.
fn one_page_pdf(title: &str, paragraphs: &[&str]) -> Vec<u8> {
    fn escape(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
                _ => "-".to_owned(),
            })
            .collect()
    }
    fn wrap(text: &str, width: usize) -> Vec<String> {
        let mut lines = vec![String::new()];
        for word in text.split_whitespace() {
            let last = lines.last_mut().map(|l| l.len()).unwrap_or_default();
            if last > 0 && last + word.len() + 1 > width {
                lines.push(String::new());
            }
            if let Some(line) = lines.last_mut() {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
        }
        lines
    }
    let mut content = String::from("BT /F1 20 Tf 50 780 Td 24 TL\n");
    for line in wrap(title, 48) {
        content.push_str(&format!("({}) Tj T*\n", escape(&line)));
    }
    content.push_str("/F1 12 Tf 16 TL T*\n");
    for paragraph in paragraphs {
        for line in wrap(paragraph, 85) {
            content.push_str(&format!("({}) Tj T*\n", escape(&line)));
        }
        content.push_str("T*\n");
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{object}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_demo_pdf_is_a_pdf_with_its_cross_references_where_they_say() {
        let pdf = super::one_page_pdf("Fewer falls (ward 7)", &["Aim: reduce falls by 30%."]);
        assert_eq!(
            qi_shared::event::submission::FileType::sniff(&pdf),
            Some(qi_shared::event::submission::FileType::Pdf)
        );
        let text = String::from_utf8(pdf).unwrap_or_default();
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|s| s.lines().next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_default();
        assert!(text[start..].starts_with("xref"));
        assert!(text.contains("(Fewer falls \\(ward 7\\)) Tj"));
    }
}
