//! The demo projects' type and the quality dimensions they serve, from their theme: what a
//! team would tick for falls (safe), waiting times (responsive), end of life care (caring),
//! staff wellbeing (well-led), prevention (effective), and health inequalities (equity).

use qi_shared::project::{ProjectType, QualityDimension};

/// Each dimension with the theme tags that serve it.
const DIMENSIONS: &[(QualityDimension, &[&str])] = &[
    (
        QualityDimension::Safe,
        &[
            "patient safety",
            "medicines safety",
            "infection prevention",
            "sepsis",
            "deteriorating patient",
            "falls",
            "pressure ulcers",
            "insulin safety",
            "restrictive practice",
            "hospital-acquired pneumonia",
        ],
    ),
    (
        QualityDimension::Effective,
        &[
            "prevention",
            "hypertension",
            "diabetes",
            "immunisation",
            "antimicrobial stewardship",
            "medicines reconciliation",
            "frailty",
            "annual health checks",
            "physical health",
            "respiratory",
            "maternity",
            "theatres",
        ],
    ),
    (
        QualityDimension::Caring,
        &[
            "end of life care",
            "dementia",
            "delirium",
            "mouth care",
            "hydration",
            "care homes",
            "mental health crisis",
            "restraint reduction",
        ],
    ),
    (
        QualityDimension::Responsive,
        &[
            "waiting times",
            "access",
            "patient flow",
            "discharge",
            "missed appointments",
            "waiting well",
            "cancelled operations",
        ],
    ),
    (
        QualityDimension::WellLed,
        &[
            "staff wellbeing",
            "workforce",
            "productivity",
            "sustainability",
            "paper reduction",
        ],
    ),
    (
        QualityDimension::Equity,
        &[
            "health inequalities",
            "learning disability",
            "severe mental illness",
        ],
    ),
];

/// The dimensions project `n` of a theme with `tags` serves. One in eight names none: recorded
/// before the partnership asked, and not yet edited.
pub(super) fn dimensions(n: usize, tags: &[&str]) -> Vec<QualityDimension> {
    if n % 8 == 3 {
        return Vec::new();
    }
    DIMENSIONS
        .iter()
        .filter(|(_, served_by)| tags.iter().any(|t| served_by.contains(t)))
        .map(|(dimension, _)| *dimension)
        .collect()
}

/// About one project in ten is a clinical audit (of a safety or effectiveness standard) and
/// one in ten a service evaluation (of how a service responds, cares or is run); the rest are
/// QI projects.
pub(super) fn project_type(n: usize, dimensions: &[QualityDimension]) -> ProjectType {
    let audits =
        |d: &QualityDimension| matches!(d, QualityDimension::Safe | QualityDimension::Effective);
    match n % 10 {
        7 if dimensions.iter().any(audits) => ProjectType::ClinicalAudit,
        9 if !dimensions.is_empty() && !dimensions.iter().all(audits) => {
            ProjectType::ServiceEvaluation
        }
        _ => ProjectType::QiProject,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_serves_the_dimensions_its_tags_name() {
        let falls = dimensions(0, &["falls", "patient safety", "older people"]);
        assert_eq!(falls, [QualityDimension::Safe]);
        let dna = dimensions(0, &["missed appointments", "health inequalities"]);
        assert_eq!(
            dna,
            [QualityDimension::Responsive, QualityDimension::Equity]
        );
        assert_eq!(dimensions(3, &["falls"]), []);
        assert_eq!(project_type(7, &falls), ProjectType::ClinicalAudit);
        assert_eq!(project_type(9, &dna), ProjectType::ServiceEvaluation);
        assert_eq!(project_type(9, &falls), ProjectType::QiProject);
    }
}
