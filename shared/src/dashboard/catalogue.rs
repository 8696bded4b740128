//! The partnership's metrics: each defined once, in plain English, for the dashboard, the
//! targets, the board pack and the API alike. `docs/metrics.md` explains the choices.

use serde::{Deserialize, Serialize};

use crate::spc::ImprovementDirection;

wire_enum! {
    /// A partnership metric. The wire name is the metric's id in the API.
    Metric {
        PeopleLearn => "people_learn", "People in the Learn tier";
        PeopleLive => "people_live", "People in the Live tier";
        PeopleLead => "people_lead", "People in the Lead tier";
        PeopleMovedUp => "people_moved_up", "People moving up a tier";
        PeopleTrained => "people_trained", "People who attended training";
        TrainingSessions => "training_sessions", "Training sessions held";
        PlacesOffered => "places_offered", "Training places offered";
        PlacesAllocated => "places_allocated", "Training places allocated";
        PlacesTaken => "places_taken", "Training places taken";
        PlacesUnused => "places_unused", "Training places left unused";
        QiCafes => "qi_cafes", "QI cafés held";
        ProjectsProposed => "projects_proposed", "Projects proposed";
        ProjectsActive => "projects_active", "Projects active";
        ProjectsCompletedToDate => "projects_completed_to_date", "Projects completed to date";
        ProjectsAbandoned => "projects_abandoned", "Projects abandoned";
        ProjectsStarted => "projects_started", "Projects started";
        ProjectsCompleted => "projects_completed", "Projects completed";
        ProjectsLedByCommunity => "projects_led_by_community", "Projects led by the community of practice";
        CompletedImproved => "completed_improved", "Completed projects scoring 3.0 or more";
        CompletedImprovedSupported => "completed_improved_supported", "Completed projects scoring 3.0 or more, supported by their data";
        InvolvementShare => "involvement_share", "Projects with patient and public involvement";
        SustainabilityShare => "sustainability_share", "Projects with a sustainability aspect";
        ProjectsCoached => "projects_coached", "Projects supported by a coach";
        CoachingSessions => "coaching_sessions", "Coaching sessions held";
        Co2eSaved => "co2e_saved", "Carbon saved a year (kg CO2e)";
        MoneySaved => "money_saved", "Money saved a year";
        OutcomeMeasuresImproving => "outcome_measures_improving", "Outcome measures showing improvement";
        ProjectsWithImprovingOutcome => "projects_with_improving_outcome", "Projects with an outcome measure showing improvement";
        ProjectsSustained => "projects_sustained", "Completed projects whose improvement lasted";
        SpreadUnit => "spread_unit", "Projects spread within their unit only";
        SpreadOrganisation => "spread_organisation", "Projects spread across their organisation";
        SpreadPartnership => "spread_partnership", "Projects spread to other partner organisations";
        SpreadBeyond => "spread_beyond", "Projects spread beyond the partnership";
        AdoptingOrganisations => "adopting_organisations", "Organisations adopting others' projects";
        TrainingByLeadTier => "training_by_lead_tier", "Training sessions facilitated by the Lead tier";
        CoachingByLeadTier => "coaching_by_lead_tier", "Coaching sessions given by the Lead tier";
        TierGrowth => "tier_growth", "Growth of the Live and Lead tiers over a year";
        MovingUpRate => "moving_up_rate", "People moving up, as a share of those in a tier";
        CoachedLeadsWhoCoach => "coached_leads_who_coach", "Coached project leads who now coach";
        SelfSustainability => "self_sustainability", "Self-sustainability index";
    }
}

wire_enum! {
    /// What a metric's number is.
    MetricUnit {
        Count => "count", "Count";
        Percent => "percent", "Percentage";
        KgCo2e => "kg_co2e", "kg CO2e a year";
        Pounds => "pounds", "Pounds a year";
    }
}

wire_enum! {
    /// How a metric is counted over time.
    Counting {
        /// A level on a day: at the end of a month, or of a period.
        Stock => "stock", "On the day";
        /// What happened between two days: in a month, or over a period.
        Flow => "flow", "In the period";
    }
}

wire_enum! {
    /// The dashboard's sections.
    MetricGroup {
        Capability => "capability", "Capability: the tiers";
        Training => "training", "Training";
        Projects => "projects", "Projects";
        Impact => "impact", "Impact";
        Spread => "spread", "Spread";
        Sustainability => "sustainability", "Self-sustainability of the QI community";
    }
}

/// A metric as the catalogue defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricDefinition {
    pub metric: Metric,
    pub name: String,
    /// What is counted, in plain English.
    pub definition: String,
    pub unit: MetricUnit,
    pub counting: Counting,
    pub improvement_direction: ImprovementDirection,
    pub group: MetricGroup,
}

impl Metric {
    pub fn unit(self) -> MetricUnit {
        use Metric::*;
        match self {
            CompletedImproved
            | CompletedImprovedSupported
            | InvolvementShare
            | SustainabilityShare
            | TrainingByLeadTier
            | CoachingByLeadTier
            | TierGrowth
            | MovingUpRate
            | CoachedLeadsWhoCoach
            | SelfSustainability => MetricUnit::Percent,
            Co2eSaved => MetricUnit::KgCo2e,
            MoneySaved => MetricUnit::Pounds,
            _ => MetricUnit::Count,
        }
    }

    pub fn counting(self) -> Counting {
        use Metric::*;
        match self {
            PeopleMovedUp
            | PeopleTrained
            | TrainingSessions
            | PlacesOffered
            | PlacesAllocated
            | PlacesTaken
            | PlacesUnused
            | QiCafes
            | ProjectsStarted
            | ProjectsCompleted
            | ProjectsLedByCommunity
            | ProjectsCoached
            | CoachingSessions
            | TrainingByLeadTier
            | CoachingByLeadTier
            | MovingUpRate
            | SelfSustainability => Counting::Flow,
            _ => Counting::Stock,
        }
    }

    pub fn group(self) -> MetricGroup {
        use Metric::*;
        match self {
            PeopleLearn | PeopleLive | PeopleLead | PeopleMovedUp => MetricGroup::Capability,
            PeopleTrained | TrainingSessions | PlacesOffered | PlacesAllocated | PlacesTaken
            | PlacesUnused | QiCafes => MetricGroup::Training,
            ProjectsProposed
            | ProjectsActive
            | ProjectsCompletedToDate
            | ProjectsAbandoned
            | ProjectsStarted
            | ProjectsCompleted
            | ProjectsLedByCommunity
            | ProjectsCoached
            | CoachingSessions
            | InvolvementShare
            | SustainabilityShare => MetricGroup::Projects,
            CompletedImproved
            | CompletedImprovedSupported
            | Co2eSaved
            | MoneySaved
            | OutcomeMeasuresImproving
            | ProjectsWithImprovingOutcome
            | ProjectsSustained => MetricGroup::Impact,
            SpreadUnit
            | SpreadOrganisation
            | SpreadPartnership
            | SpreadBeyond
            | AdoptingOrganisations => MetricGroup::Spread,
            TrainingByLeadTier | CoachingByLeadTier | TierGrowth | MovingUpRate
            | CoachedLeadsWhoCoach | SelfSustainability => MetricGroup::Sustainability,
        }
    }

    /// Which way is better. Neutral where more is neither better nor worse (projects abandoned
    /// may be a team learning fast; proposals waiting are a queue, not a goal).
    pub fn improvement_direction(self) -> ImprovementDirection {
        use Metric::*;
        match self {
            PlacesUnused => ImprovementDirection::Decrease,
            ProjectsProposed | ProjectsAbandoned | SpreadUnit => ImprovementDirection::Neutral,
            _ => ImprovementDirection::Increase,
        }
    }

    /// What is counted, in plain English.
    pub fn definition(self) -> &'static str {
        use Metric::*;
        match self {
            PeopleLearn => {
                "People holding the Learn tier at the end of the day, counted in the organisation they belonged to then."
            }
            PeopleLive => {
                "People holding the Live tier at the end of the day, counted in the organisation they belonged to then."
            }
            PeopleLead => {
                "People holding the Lead tier at the end of the day, counted in the organisation they belonged to then."
            }
            PeopleMovedUp => {
                "People whose tier rose in the period (Learn to Live, Live to Lead, or Learn to Lead). Gaining a first tier is joining, not moving up."
            }
            PeopleTrained => {
                "Different people marked present at one or more sessions of a partnership course, or at an event marked as training (a masterclass, a webinar), in the period, counted in the organisation their place belonged to."
            }
            QiCafes => {
                "QI cafés (events of that kind) that took place in the period, by their day, counted for the organisation that ran them."
            }
            TrainingSessions => {
                "Sessions of partnership courses held in the period, counted for the organisation that provides the course."
            }
            PlacesOffered => {
                "Places on cohorts starting in the period, as allocated to each organisation (the partnership figure adds up every organisation's places)."
            }
            PlacesAllocated => {
                "Places on cohorts starting in the period given to a named person (enrolled or completed; not the waiting list or those who withdrew)."
            }
            PlacesTaken => {
                "Allocated places on cohorts starting in the period whose holder attended at least one session."
            }
            PlacesUnused => {
                "Places offered on cohorts starting in the period that nobody took: places offered less places taken, never below zero."
            }
            ProjectsProposed => {
                "Projects whose status was Proposed at the end of the day, counted for their lead organisation."
            }
            ProjectsActive => {
                "Projects whose status was Active at the end of the day, counted for their lead organisation."
            }
            ProjectsCompletedToDate => {
                "Projects whose status was Completed at the end of the day, counted for their lead organisation."
            }
            ProjectsAbandoned => {
                "Projects whose status was Abandoned at the end of the day, counted for their lead organisation."
            }
            ProjectsStarted => {
                "Projects whose start date (or, without one, the day they were recorded) falls in the period."
            }
            ProjectsCompleted => "Projects whose status changed to Completed in the period.",
            ProjectsLedByCommunity => {
                "Projects started in the period whose lead held the Live or Lead tier on the day the project started: work led by people the partnership trained."
            }
            CompletedImproved => {
                "Of the projects completed by the end of the day, the share whose latest progress score then was 3.0 or more (at least a modest improvement on the IHI scale)."
            }
            CompletedImprovedSupported => {
                "As above, counting a score of 3.0 or more only when an outcome or process measure of the project showed improvement by the end of the day (the evidence check the project page shows)."
            }
            InvolvementShare => {
                "Of the projects recorded by the end of the day and not abandoned, the share involving patients and the public."
            }
            SustainabilityShare => {
                "Of the projects recorded by the end of the day and not abandoned, the share with a sustainability aspect."
            }
            ProjectsCoached => {
                "Different projects that had at least one coaching session in the period."
            }
            CoachingSessions => {
                "Coaching sessions held in the period, counted for the project's lead organisation."
            }
            Co2eSaved => {
                "The yearly carbon saving (kg CO2e) the teams estimate, summed over the projects with a sustainability aspect recorded by the end of the day and not abandoned."
            }
            MoneySaved => {
                "The yearly saving in pounds the teams estimate, summed over the projects with a sustainability aspect recorded by the end of the day and not abandoned."
            }
            OutcomeMeasuresImproving => {
                "Outcome measures whose data up to the day shows special-cause improvement by the rules of the project's own SPC chart (not the team's own view)."
            }
            ProjectsSustained => {
                "Projects completed at the end of the day whose latest follow-up by then (at 6 or 12 months after completion) found the improvement sustained, counted for their lead organisation."
            }
            ProjectsWithImprovingOutcome => {
                "Projects with at least one outcome measure showing special-cause improvement in its data up to the day."
            }
            SpreadUnit => "Projects recorded by the end of the day that have stayed in their unit.",
            SpreadOrganisation => {
                "Projects recorded by the end of the day that have spread across their whole organisation."
            }
            SpreadPartnership => {
                "Projects recorded by the end of the day that have spread to other partner organisations."
            }
            SpreadBeyond => {
                "Projects recorded by the end of the day that have spread beyond the partnership."
            }
            AdoptingOrganisations => {
                "Different organisations named as adopting a project led by another organisation (for one organisation: the organisations adopting its projects)."
            }
            TrainingByLeadTier => {
                "Of the training sessions held in the period, the share with a facilitator who held the Lead tier on the day: training the partnership delivers itself."
            }
            CoachingByLeadTier => {
                "Of the coaching sessions held in the period, the share given by a coach who held the Lead tier on the day."
            }
            TierGrowth => {
                "How much the number of people in the Live and Lead tiers grew over the year to the end of the period, as a share of the number a year before."
            }
            MovingUpRate => {
                "People moving up a tier in the period, as a share of the people holding a tier at its start."
            }
            CoachedLeadsWhoCoach => {
                "Of the people who led a project that was coached by the end of the period, the share who have since given a coaching session themselves."
            }
            SelfSustainability => {
                "The mean of five parts, each from 0 to 100: training by the Lead tier, coaching by the Lead tier, tier growth (0 to 100%), the moving-up rate (as a share of a 25% a year ceiling) and coached leads who coach. See docs/metrics.md."
            }
        }
    }

    pub fn definition_entry(self) -> MetricDefinition {
        MetricDefinition {
            metric: self,
            name: self.label().to_owned(),
            definition: self.definition().to_owned(),
            unit: self.unit(),
            counting: self.counting(),
            improvement_direction: self.improvement_direction(),
            group: self.group(),
        }
    }
}

/// The whole catalogue, in the dashboard's order.
pub fn catalogue() -> Vec<MetricDefinition> {
    Metric::ALL.iter().map(|m| m.definition_entry()).collect()
}

/// A value in the metric's unit, for people: "42", "37.5%", "1,200 kg", "£3,400".
pub fn format_value(unit: MetricUnit, value: Option<f64>) -> String {
    let Some(v) = value else {
        return "–".to_owned();
    };
    match unit {
        MetricUnit::Count => thousands(v.round()),
        MetricUnit::Percent => format!("{v:.1}%"),
        MetricUnit::KgCo2e => format!("{} kg", thousands(v.round())),
        MetricUnit::Pounds => format!("£{}", thousands(v.round())),
    }
}

fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}
