//! The words of the demo improvement projects: one table per QI theme (its tags, measures,
//! problem and aim templates, driver diagram and the projects that use it), and the phrases PDSA
//! cycles and progress scores are written from. `projects.rs` turns these into projects.
//!
//! Placeholders, filled in by the generator: `{unit}` the ward, team or service the project is in;
//! `{by}` the month and year of its expected end ("March 2026").
//!
//! The themes are real NHS improvement themes and the changes are ones real teams test, so the
//! demo reads like a partnership's portfolio; every place, number and result is made up.

/// The kind of organisation that leads (or partners in) a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    Acute,
    Community,
    MentalHealth,
    GpPractice,
    SocialCare,
}

/// One demo project of a theme: who leads it, its title, the unit it is in, and the kinds of
/// organisation it is run jointly with (none: a single-organisation project).
pub struct Brief {
    pub setting: Setting,
    pub title: &'static str,
    pub unit: &'static str,
    pub partners: &'static [Setting],
}

const fn brief(
    setting: Setting,
    title: &'static str,
    unit: &'static str,
    partners: &'static [Setting],
) -> Brief {
    Brief {
        setting,
        title,
        unit,
        partners,
    }
}

/// The environmental and financial side of a theme's projects (per project, per year).
pub struct Green {
    pub description: &'static str,
    pub co2e_kg: f64,
    pub money: f64,
    /// The theme is about sustainability, so every project has the aspect (not just some).
    pub always: bool,
}

pub struct Secondary {
    pub text: &'static str,
    pub ideas: &'static [&'static str],
}

pub struct Primary {
    pub text: &'static str,
    pub secondaries: &'static [Secondary],
}

const fn primary(text: &'static str, secondaries: &'static [Secondary]) -> Primary {
    Primary { text, secondaries }
}

const fn secondary(text: &'static str, ideas: &'static [&'static str]) -> Secondary {
    Secondary { text, ideas }
}

pub struct Theme {
    pub tags: &'static [&'static str],
    /// The outcome the aims move, as score reasons and PDSA studies name it.
    pub measure: &'static str,
    /// What a PDSA cycle counts (the process measure), e.g. "admissions with a risk assessment".
    pub process: &'static str,
    /// The plural noun the process counts: "done for 14 of 20 {subject}".
    pub subject: &'static str,
    pub problems: &'static [&'static str],
    pub aims: &'static [&'static str],
    /// How patients and the public are involved, for the projects that involve them.
    pub involvement: &'static str,
    pub green: Option<Green>,
    /// Primary drivers, each with its secondary drivers and their change ideas.
    pub drivers: &'static [Primary],
    pub projects: &'static [Brief],
}

use Setting::{Acute, Community, GpPractice, MentalHealth, SocialCare};

// One line per project reads better than rustfmt's one line per argument.
#[rustfmt::skip]
pub const THEMES: &[Theme] = &[
    Theme {
        tags: &["falls", "patient safety", "older people"],
        measure: "inpatient falls per 1,000 bed days",
        process: "admissions with a multifactorial falls risk assessment within 24 hours",
        subject: "admissions",
        problems: &[
            "Falls are the most reported patient safety incident in {unit}: 14 falls a month on average over the last year, three of them causing harm (two hip fractures). Many happened at night, when patients got up to use the toilet alone.",
            "People in {unit} fall more often than the national benchmark, and each fall with harm adds on average eight days to a stay. Risk assessments are done, but late and inconsistently, and what they find does not change care.",
        ],
        aims: &[
            "Reduce falls in {unit} by 30%, from 8.2 to 5.7 per 1,000 bed days, by {by}.",
            "Reduce falls with harm in {unit} by 50% by {by}, with 95% of patients over 65 having a multifactorial falls risk assessment within 24 hours of admission.",
        ],
        involvement: "Two patients who had fallen on the ward and a carer from the patient panel helped design the bedside 'Call, don't fall' cards and review every PDSA cycle with the team.",
        green: Some(Green {
            description: "Fewer falls mean fewer CT scans, fewer hip fracture operations and shorter stays, with the energy, travel and consumables each of those uses.",
            co2e_kg: 2400.0,
            money: 38000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "Reliable assessment of falls risk",
                &[
                    secondary(
                        "Assessment on admission",
                        &[
                            "Falls risk assessment within 6 hours of admission on a one-page checklist",
                            "Lying and standing blood pressure for everyone over 65",
                        ],
                    ),
                    secondary(
                        "Medicines that raise risk",
                        &["Pharmacist review of falls-risk medicines within 48 hours"],
                    ),
                ],
            ),
            primary(
                "A safe, supervised environment",
                &[
                    secondary(
                        "Patients at risk are seen",
                        &[
                            "Bay tagging: a member of staff always present in bays with high-risk patients",
                            "Patients at highest risk cared for near the nurses' station",
                        ],
                    ),
                    secondary(
                        "What patients need is within reach",
                        &[
                            "Call bell and walking aid check at every intentional round",
                            "Non-slip socks for patients at risk",
                        ],
                    ),
                ],
            ),
            primary(
                "Patients and families part of prevention",
                &[
                    secondary(
                        "A shared understanding of risk",
                        &[
                            "'Call, don't fall' bedside cards",
                            "Ask families about usual mobility and confusion on admission",
                        ],
                    ),
                    secondary(
                        "Learning after every fall",
                        &["Post-falls huddle within 24 hours"],
                    ),
                ],
            ),
        ],
        projects: &[
            brief(Acute, "Reducing falls on ward 7 (care of older people)", "ward 7", &[]),
            brief(Acute, "Bay tagging to prevent falls on the acute medical unit", "the acute medical unit", &[]),
            brief(Acute, "Lying and standing blood pressure for older inpatients", "the care of older people wards", &[]),
            brief(Community, "Fewer falls in the community hospital", "Eastvale community hospital", &[]),
            brief(MentalHealth, "Safer mobility on older adult mental health wards", "the older adult inpatient wards", &[]),
            brief(SocialCare, "Falls prevention in reablement", "the reablement service", &[Community]),
        ],
    },
    Theme {
        tags: &["pressure ulcers", "tissue viability", "patient safety"],
        measure: "hospital-acquired category 2 and above pressure ulcers per 1,000 bed days",
        process: "patients at risk with a completed SSKIN bundle each shift",
        subject: "patients at risk",
        problems: &[
            "{unit} reported 31 category 2 and above pressure ulcers last year, most of them on heels and most developing in the first 72 hours of care. Risk assessments were often done late and repositioning was not recorded reliably.",
            "Pressure ulcers in {unit} cause pain, longer stays and avoidable treatment costs; our rate has not fallen in three years despite training, and the team wants to try a different approach.",
        ],
        aims: &[
            "Reduce category 2 and above pressure ulcers acquired in {unit} by 50% by {by}.",
            "Have no avoidable category 3 or 4 pressure ulcers in {unit} for six consecutive months by {by}, with 90% of patients at risk having a completed SSKIN bundle every shift.",
        ],
        involvement: "A patient who developed a heel ulcer during a previous stay told her story at the launch and co-wrote the patient leaflet on keeping skin healthy.",
        green: Some(Green {
            description: "Each pressure ulcer prevented saves weeks of dressings, specialist mattress hire and nursing visits, and the travel and waste that go with them.",
            co2e_kg: 1500.0,
            money: 45000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "Early identification of risk",
                &[
                    secondary(
                        "Risk assessment",
                        &[
                            "Purpose-T risk assessment within 6 hours of admission",
                            "Skin inspection at every handover for high-risk patients",
                        ],
                    ),
                    secondary(
                        "Heels at particular risk",
                        &["Heel off-loading boots for patients who cannot reposition themselves"],
                    ),
                ],
            ),
            primary(
                "Reliable prevention",
                &[
                    secondary(
                        "Repositioning",
                        &[
                            "Repositioning clocks at the bedside",
                            "SSKIN rounds recorded on the ward board",
                        ],
                    ),
                    secondary(
                        "The right equipment without delay",
                        &["Direct access to dynamic mattresses out of hours"],
                    ),
                ],
            ),
            primary(
                "Good nutrition and hydration",
                &[secondary(
                    "Nutrition screening",
                    &["MUST screening on admission with dietitian referral for high scores"],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Zero avoidable pressure ulcers on ward 7", "ward 7", &[]),
            brief(Acute, "Heel pressure ulcers in orthopaedic patients", "the trauma and orthopaedic wards", &[]),
            brief(Acute, "Pressure ulcer prevention in the emergency department", "the emergency department", &[]),
            brief(Community, "Pressure ulcer prevention on district nursing caseloads", "the district nursing teams", &[SocialCare]),
            brief(SocialCare, "React to Red: skin care in home care", "the home care service", &[]),
            brief(Acute, "Device-related pressure ulcers in critical care", "critical care", &[]),
        ],
    },
    Theme {
        tags: &["sepsis", "deteriorating patient", "patient safety"],
        measure: "patients with suspected sepsis given antibiotics within one hour",
        process: "patients with a NEWS2 of 5 or more screened for sepsis",
        subject: "patients",
        problems: &[
            "Only 58% of patients with red-flag sepsis in {unit} receive antibiotics within an hour of being recognised. Screening depends on who is on shift, and antibiotics are often not to hand.",
            "A serious incident review in {unit} found a delayed sepsis diagnosis and missed escalation. Audit shows screening tools are used for fewer than half of eligible patients.",
        ],
        aims: &[
            "By {by}, 90% of patients in {unit} with red-flag sepsis receive antibiotics within one hour.",
            "Increase sepsis screening of eligible patients in {unit} from 45% to 95% by {by}.",
        ],
        involvement: "A sepsis survivor and the UK Sepsis Trust's local group reviewed our screening prompts and helped write the information given to families.",
        green: None,
        drivers: &[
            primary(
                "Prompt recognition",
                &[
                    secondary(
                        "Screening every time",
                        &[
                            "Sepsis screening prompted automatically at NEWS2 of 5 or more",
                            "Sepsis screening at triage",
                        ],
                    ),
                    secondary(
                        "Confident staff",
                        &["Ten-minute sepsis teaching at the safety huddle"],
                    ),
                ],
            ),
            primary(
                "Timely treatment",
                &[
                    secondary(
                        "Antibiotics to hand",
                        &[
                            "Sepsis grab bags with first-dose antibiotics",
                            "Patient group direction so nurses can give the first antibiotic dose",
                        ],
                    ),
                    secondary(
                        "Fast escalation",
                        &["Sepsis bleep straight to the medical registrar"],
                    ),
                ],
            ),
            primary(
                "Reliable Sepsis Six",
                &[secondary(
                    "Completing the bundle",
                    &[
                        "Sepsis Six sticker in the notes",
                        "Real-time feedback of time to antibiotics to the shift team",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Antibiotics within the hour for sepsis in the emergency department", "the emergency department", &[]),
            brief(Acute, "Sepsis recognition on the surgical wards", "the surgical wards", &[]),
            brief(Acute, "Maternal sepsis screening on the maternity unit", "the maternity unit", &[]),
            brief(GpPractice, "Red flags for sepsis at the reception desk", "the practice", &[]),
            brief(Community, "Sepsis screening for district nurses", "the district nursing teams", &[]),
            brief(Acute, "Paediatric sepsis screening in the children's emergency department", "the children's emergency department", &[]),
        ],
    },
    Theme {
        tags: &["deteriorating patient", "news2", "patient safety"],
        measure: "cardiac arrest calls per 1,000 admissions",
        process: "observation sets done on time, with NEWS2 escalated as the protocol says",
        subject: "observation sets",
        problems: &[
            "Reviews of cardiac arrests in {unit} show that most patients had signs of deterioration for hours beforehand: observations were late, incomplete or not escalated.",
            "In {unit}, one in three NEWS2 scores of 5 or more is not escalated within the expected time, and families say they were not listened to when they noticed a loved one getting worse.",
        ],
        aims: &[
            "Reduce cardiac arrest calls in {unit} by 25% by {by}.",
            "By {by}, 95% of observations in {unit} are done on time and 90% of NEWS2 scores of 5 or more are escalated within 30 minutes.",
        ],
        involvement: "Families of patients who deteriorated helped design the Call 4 Concern posters and the script the outreach team uses when a relative calls.",
        green: None,
        drivers: &[
            primary(
                "Observations done on time and in full",
                &[
                    secondary(
                        "The right frequency",
                        &[
                            "Observation frequency written on the bedside board",
                            "E-observation reminders on handheld devices",
                        ],
                    ),
                    secondary(
                        "Complete sets",
                        &["Respiratory rate counted for a full minute in every NEWS2 set"],
                    ),
                ],
            ),
            primary(
                "Reliable escalation and response",
                &[
                    secondary(
                        "Clear escalation",
                        &[
                            "SBAR escalation card on every observation trolley",
                            "Nurse in charge reviews every NEWS2 of 5 or more",
                        ],
                    ),
                    secondary(
                        "A timely response",
                        &["Outreach team follow-up of every escalation within 30 minutes"],
                    ),
                ],
            ),
            primary(
                "Soft signs and families' concerns",
                &[
                    secondary(
                        "Listening to families",
                        &["Call 4 Concern: families can call the outreach team directly"],
                    ),
                    secondary(
                        "Soft signs",
                        &["RESTORE2 soft-signs training for care staff"],
                    ),
                ],
            ),
        ],
        projects: &[
            brief(Acute, "NEWS2 escalation on the respiratory ward", "the respiratory ward", &[]),
            brief(Acute, "Call 4 Concern: families raising the alarm", "the medical wards", &[]),
            brief(Acute, "Fewer cardiac arrests through earlier escalation", "the general medical wards", &[]),
            brief(SocialCare, "Spotting deterioration early in care homes with RESTORE2", "our residential care homes", &[Community, Acute]),
            brief(MentalHealth, "Physical observations on mental health wards", "the adult acute wards", &[]),
            brief(Community, "NEWS2 in the virtual ward", "the virtual ward", &[]),
        ],
    },
    Theme {
        tags: &["discharge", "patient flow", "older people"],
        measure: "discharges before midday",
        process: "patients with an expected date of discharge set within 24 hours of admission",
        subject: "patients",
        problems: &[
            "Only 16% of discharges from {unit} happen before midday, so beds are not free when the emergency department needs them and patients wait on trolleys. Many delays are for medicines, transport or care packages arranged on the day.",
            "On any day about 30 people in {unit} are medically fit to leave but still in hospital, waiting for assessments, care packages or a place. Long stays make older people weaker and more likely to need long-term care.",
        ],
        aims: &[
            "Increase discharges from {unit} before midday from 16% to 33% by {by}.",
            "Reduce the number of people in {unit} who are medically fit but still in hospital by 30% by {by}.",
            "By {by}, 80% of people leaving {unit} on pathway 1 start their support at home on the day of discharge.",
        ],
        involvement: "Healthwatch volunteers interviewed 20 patients and carers about their discharge, and two carers sit on the project group.",
        green: Some(Green {
            description: "Shorter stays and fewer wasted transport journeys cut energy use and vehicle emissions; medicines prepared the day before are less often wasted.",
            co2e_kg: 5200.0,
            money: 120000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "Planning for discharge from admission",
                &[
                    secondary(
                        "An expected date of discharge",
                        &[
                            "Expected date of discharge set on the post-take ward round",
                            "Morning board round with a discharge checklist",
                        ],
                    ),
                    secondary(
                        "Medicines ready in time",
                        &["Medicines to take home prescribed the day before discharge"],
                    ),
                ],
            ),
            primary(
                "Timely transfer on the day",
                &[secondary(
                    "Moving people early",
                    &[
                        "Discharge lounge used for every suitable patient by 10am",
                        "Transport booked the day before",
                    ],
                )],
            ),
            primary(
                "Joined-up support after hospital",
                &[
                    secondary(
                        "Care arranged without delay",
                        &[
                            "Trusted assessor for care home placements",
                            "Daily call with community and social care teams",
                        ],
                    ),
                    secondary(
                        "Home first",
                        &["Same-day referrals to the discharge to assess pathway"],
                    ),
                ],
            ),
        ],
        projects: &[
            brief(Acute, "Home for lunch: discharges before midday", "the medical wards", &[Community, SocialCare]),
            brief(Acute, "Discharge to assess for people over 75", "the acute medical unit", &[SocialCare]),
            brief(Acute, "Fewer delayed discharges from the stroke unit", "the stroke unit", &[Community]),
            brief(Community, "Same-day start for home-based reablement", "the rapid response team", &[SocialCare]),
            brief(SocialCare, "Trusted assessment for care home discharges", "the hospital social work team", &[Acute]),
            brief(Acute, "Criteria-led discharge at weekends", "the surgical wards", &[]),
            brief(MentalHealth, "Reducing long stays on adult mental health wards", "the adult acute wards", &[SocialCare]),
        ],
    },
    Theme {
        tags: &["medicines safety", "medicines reconciliation"],
        measure: "patients with medicines reconciled within 24 hours of admission",
        process: "admissions with a pharmacy-verified drug history",
        subject: "admissions",
        problems: &[
            "Medicines reconciliation within 24 hours happens for only 54% of patients in {unit}. Unintended discrepancies are found in about a third of drug histories, some with the potential for serious harm.",
            "Errors in medicines when people move between hospital and home are a leading cause of avoidable readmission. In {unit}, information about changed medicines often does not reach the next professional in time.",
        ],
        aims: &[
            "By {by}, 85% of patients in {unit} have their medicines reconciled by pharmacy within 24 hours.",
            "Halve unintended medicines discrepancies for people leaving {unit} by {by}.",
        ],
        involvement: "Patients from the medicines safety patient group tested the 'bring your bag' leaflet and the wording of the discharge medicines letter.",
        green: Some(Green {
            description: "Using patients' own medicines and stopping medicines that are no longer needed reduces pharmaceutical waste, a large part of the NHS carbon footprint.",
            co2e_kg: 3000.0,
            money: 26000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "An accurate drug history",
                &[
                    secondary(
                        "Reliable sources",
                        &[
                            "Summary care record checked for every admission",
                            "'Bring your bag' leaflets so patients bring their own medicines",
                        ],
                    ),
                    secondary(
                        "The right skills",
                        &["Pharmacy technicians take drug histories on admission"],
                    ),
                ],
            ),
            primary(
                "Timely reconciliation",
                &[secondary(
                    "Pharmacy time where it matters",
                    &[
                        "Pharmacist on the post-take ward round",
                        "Prioritise reconciliation using a high-risk medicines list",
                    ],
                )],
            ),
            primary(
                "Safe transfer of information",
                &[secondary(
                    "After discharge",
                    &[
                        "Discharge medicines information sent to the community pharmacy",
                        "Structured medication review after discharge by the practice pharmacist",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Medicines reconciliation within 24 hours", "the acute medical unit", &[]),
            brief(Acute, "Safer medicines at discharge: referrals to community pharmacy", "the medical wards", &[GpPractice]),
            brief(GpPractice, "Medication reviews after hospital discharge", "the practice", &[]),
            brief(MentalHealth, "Medicines reconciliation on admission to mental health wards", "the adult acute wards", &[]),
            brief(Community, "Medicines reconciliation in the virtual ward", "the virtual ward", &[]),
            brief(GpPractice, "Structured medication reviews for people on ten or more medicines", "the practice", &[]),
        ],
    },
    Theme {
        tags: &["delirium", "dementia", "older people"],
        measure: "new episodes of delirium in patients over 65",
        process: "patients over 65 screened with the 4AT within 24 hours",
        subject: "patients over 65",
        problems: &[
            "Delirium affects up to one in five older people in {unit}, but fewer than 30% are screened, so it is often missed. It lengthens stays and raises the risk of falls, dementia and death.",
            "Staff in {unit} told us they feel unprepared to recognise and prevent delirium, and families describe their relative 'becoming a different person' without anyone explaining why.",
        ],
        aims: &[
            "By {by}, 90% of patients over 65 in {unit} are screened with the 4AT within 24 hours of admission.",
            "Reduce new episodes of delirium in {unit} by 20% by {by}.",
        ],
        involvement: "Carers from the local dementia carers' group co-designed the delirium leaflet and advised on open visiting.",
        green: None,
        drivers: &[
            primary(
                "Early detection",
                &[secondary(
                    "Screening",
                    &[
                        "4AT screening for everyone over 65 on admission",
                        "Daily 4AT on the ward round checklist",
                    ],
                )],
            ),
            primary(
                "Prevention",
                &[
                    secondary(
                        "Orientation",
                        &[
                            "Clocks, calendars, glasses and hearing aids within reach",
                            "'This is me' profiles for people living with dementia",
                        ],
                    ),
                    secondary(
                        "Sleep",
                        &["Quiet nights: lights dimmed and noise reduced after 11pm"],
                    ),
                ],
            ),
            primary(
                "Families as partners",
                &[secondary(
                    "Carers involved",
                    &[
                        "Open visiting for carers of people with delirium or dementia",
                        "Delirium leaflet for families",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Delirium screening with the 4AT", "the care of older people wards", &[]),
            brief(Acute, "Preventing delirium after hip fracture surgery", "the hip fracture unit", &[]),
            brief(Acute, "Quiet nights to prevent delirium", "ward 12", &[]),
            brief(MentalHealth, "Delirium awareness through the older adult liaison team", "the older adult liaison team", &[Acute]),
            brief(Community, "Recognising delirium at home", "the community matrons", &[]),
        ],
    },
    Theme {
        tags: &["infection prevention", "catheter care", "cauti"],
        measure: "catheter-associated urinary tract infections per 1,000 catheter days",
        process: "catheters with a documented reason and a daily review",
        subject: "catheters",
        problems: &[
            "About a quarter of patients in {unit} have a urinary catheter, and many stay in longer than needed. Catheter-associated infections cause pain, sepsis and longer stays.",
            "In {unit}, a third of catheters have no documented reason for insertion and daily reviews happen for fewer than half, so catheters are removed late.",
        ],
        aims: &[
            "Reduce catheter-associated urinary tract infections in {unit} by 40% by {by}.",
            "By {by}, 95% of catheters in {unit} have a documented reason and a daily review, and catheter days fall by 25%.",
        ],
        involvement: "People who live with long-term catheters helped redesign the catheter passport so it answers the questions they are asked most.",
        green: Some(Green {
            description: "Fewer and shorter catheterisations mean fewer single-use catheter packs, drainage bags and courses of antibiotics.",
            co2e_kg: 900.0,
            money: 14000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "Avoiding unnecessary catheters",
                &[
                    secondary(
                        "Insertion only when needed",
                        &[
                            "Catheter passport with a documented reason",
                            "Bladder scan before every catheterisation",
                        ],
                    ),
                    secondary(
                        "Prompt removal",
                        &["Nurse-led removal when HOUDINI criteria are met"],
                    ),
                ],
            ),
            primary(
                "Reliable catheter care",
                &[secondary(
                    "Maintenance",
                    &[
                        "Daily catheter care bundle on the electronic record",
                        "Closed-system sampling training",
                    ],
                )],
            ),
            primary(
                "Continuity across settings",
                &[secondary(
                    "Handover of catheter care",
                    &["Catheter passport travels with the patient into the community"],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "HOUDINI: removing urinary catheters sooner", "the medical wards", &[]),
            brief(Acute, "Fewer catheter infections after surgery", "the urology ward", &[]),
            brief(Community, "Catheter passports between hospital and home", "the district nursing teams", &[Acute]),
            brief(SocialCare, "Catheter care training in care homes", "our residential care homes", &[]),
            brief(Acute, "Catheter care bundle on the stroke unit", "the stroke unit", &[]),
        ],
    },
    Theme {
        tags: &["missed appointments", "outpatients", "health inequalities"],
        measure: "the missed appointment (DNA) rate",
        process: "patients sent a two-way text reminder 7 and 2 days before",
        subject: "appointments",
        problems: &[
            "One in eight appointments in {unit} is missed without notice, rising to one in five for people from the most deprived areas. Each missed slot lengthens the wait for everyone else.",
            "Missed appointments in {unit} cost hundreds of clinical hours a year, and people who miss appointments repeatedly are often those with the greatest need.",
        ],
        aims: &[
            "Reduce missed appointments in {unit} from 12% to 8% by {by}, and close the gap between the most and least deprived areas by half.",
            "By {by}, reduce the missed appointment rate in {unit} by 30% and reuse 80% of cancelled slots.",
        ],
        involvement: "We asked 40 people who had missed appointments why, through phone calls by our patient participation group, and they shaped the reminder wording.",
        green: Some(Green {
            description: "Fewer missed appointments and more remote rebooking mean fewer wasted journeys by patients and staff.",
            co2e_kg: 1100.0,
            money: 32000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "People know about the appointment and can come",
                &[
                    secondary(
                        "Reminders",
                        &[
                            "Two-way text reminders 7 and 2 days before",
                            "Easy-read appointment letters",
                        ],
                    ),
                    secondary(
                        "Access",
                        &[
                            "Appointments offered outside school and working hours",
                            "Travel cost information in every letter",
                        ],
                    ),
                ],
            ),
            primary(
                "Easy to cancel or rearrange",
                &[secondary(
                    "Rebooking",
                    &[
                        "Online rebooking link in the text reminder",
                        "Phone call to people who have missed two appointments",
                    ],
                )],
            ),
            primary(
                "Understanding who misses appointments",
                &[secondary(
                    "Data",
                    &["Monthly missed appointment data by postcode and deprivation"],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Fewer missed appointments in paediatric outpatients", "paediatric outpatients", &[]),
            brief(Acute, "Two-way text reminders in the diabetes clinic", "the diabetes clinic", &[]),
            brief(GpPractice, "Reducing wasted appointments in general practice", "the practice", &[]),
            brief(MentalHealth, "Engagement with first appointments in community mental health", "the community mental health teams", &[]),
            brief(Community, "Missed podiatry appointments", "the podiatry service", &[]),
            brief(GpPractice, "Fewer missed nurse appointments for long-term conditions", "the practice", &[]),
            brief(Acute, "Missed physiotherapy appointments in deprived communities", "outpatient physiotherapy", &[]),
        ],
    },
    Theme {
        tags: &["waiting times", "emergency department", "patient flow"],
        measure: "the time from arrival to initial assessment",
        process: "patients assessed within 15 minutes of arrival",
        subject: "patients",
        problems: &[
            "The median time from arrival to initial assessment in {unit} is 42 minutes, and on busy days sick patients wait over an hour to be seen by a clinician.",
            "Patients in {unit} wait too long, and long waits are linked to harm: crowding rises every winter and staff describe feeling unable to keep patients safe.",
        ],
        aims: &[
            "By {by}, 90% of patients arriving at {unit} have an initial assessment within 15 minutes.",
            "Reduce the median time patients spend in {unit} by one hour by {by}.",
        ],
        involvement: "Members of the emergency department patient forum observed the waiting room and helped redesign the signage and the information given at arrival.",
        green: None,
        drivers: &[
            primary(
                "Fast initial assessment",
                &[secondary(
                    "Senior decisions early",
                    &[
                        "Senior clinician at the front door at peak times",
                        "Streaming to same-day emergency care at triage",
                    ],
                )],
            ),
            primary(
                "Flow through the department",
                &[
                    secondary(
                        "Tests without waiting",
                        &[
                            "Nurse-requested X-rays for minor injuries",
                            "Point-of-care blood testing",
                        ],
                    ),
                    secondary(
                        "Specialty review",
                        &["Direct referral to specialty teams from triage"],
                    ),
                ],
            ),
            primary(
                "Right place first time",
                &[secondary(
                    "Alternatives to the department",
                    &["GP streaming in the urgent treatment centre"],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Initial assessment within 15 minutes in the emergency department", "the emergency department", &[]),
            brief(Acute, "Same-day emergency care to avoid admission", "the same-day emergency care unit", &[]),
            brief(Acute, "Shorter waits for minor injuries", "the minor injuries unit", &[]),
            brief(Acute, "Ambulance handovers within 30 minutes", "the emergency department", &[]),
        ],
    },
    Theme {
        tags: &["access", "waiting times", "primary care"],
        measure: "patients waiting more than two weeks for a routine appointment",
        process: "requests triaged on the day they arrive",
        subject: "requests",
        problems: &[
            "Patients of {unit} struggle to get through on the phone at 8am, and a quarter wait more than two weeks for a routine appointment. Reception staff bear the frustration.",
            "Demand at {unit} has grown by 20% in two years while clinical capacity has not. Appointments are given first come, first served rather than by need.",
        ],
        aims: &[
            "By {by}, every request to {unit} gets a decision on the day it arrives, and the share of patients waiting over two weeks falls from 25% to 10%.",
            "Reduce calls abandoned in the 8am rush at {unit} by 50% by {by}.",
        ],
        involvement: "The patient participation group ran a survey of 300 patients about access and tested the online request form before launch.",
        green: None,
        drivers: &[
            primary(
                "Understanding demand",
                &[secondary(
                    "Demand and capacity",
                    &["Daily count of requests against appointments available"],
                )],
            ),
            primary(
                "The right person at the right time",
                &[
                    secondary(
                        "Care navigation",
                        &[
                            "Care navigation training for receptionists",
                            "Direct booking to the first-contact physiotherapist",
                        ],
                    ),
                    secondary(
                        "Triage",
                        &["Total triage of online and phone requests by a duty clinician"],
                    ),
                ],
            ),
            primary(
                "Less avoidable demand",
                &[secondary(
                    "Self-care and pharmacy",
                    &["Referral to community pharmacy through Pharmacy First"],
                )],
            ),
        ],
        projects: &[
            brief(GpPractice, "Total triage: an answer on the day for every request", "the practice", &[]),
            brief(GpPractice, "Care navigation at reception", "the practice", &[]),
            brief(GpPractice, "Shorter waits for routine appointments", "the practice", &[]),
            brief(GpPractice, "Pharmacy First referrals for minor illness", "the practice", &[]),
        ],
    },
    Theme {
        tags: &["waiting times", "waiting well"],
        measure: "people waiting more than 18 weeks for a first appointment",
        process: "people on the waiting list contacted with a check-in",
        subject: "people waiting",
        problems: &[
            "More than 600 people are waiting for {unit}, 40% of them for over 18 weeks. While they wait, some get worse and end up in crisis or urgent care.",
            "Waits for {unit} have doubled since 2022. People tell us they feel forgotten while they wait, and referrers do not know what to tell them.",
        ],
        aims: &[
            "Reduce the number of people waiting more than 18 weeks for {unit} by 50% by {by}.",
            "By {by}, everyone waiting for {unit} has a check-in at least every six weeks, and the median wait falls from 22 to 14 weeks.",
        ],
        involvement: "People with lived experience of waiting co-produced the 'waiting well' information pack and sit on the service's improvement group.",
        green: None,
        drivers: &[
            primary(
                "Efficient referral and triage",
                &[secondary(
                    "A single front door",
                    &[
                        "Online self-referral",
                        "Single point of access triage within five working days",
                    ],
                )],
            ),
            primary(
                "Capacity matched to need",
                &[secondary(
                    "New ways of offering care",
                    &[
                        "Group sessions for common needs",
                        "Digital programmes as a first option where suitable",
                    ],
                )],
            ),
            primary(
                "Keeping in touch while people wait",
                &[secondary(
                    "Waiting well",
                    &[
                        "Six-weekly check-in texts with a way to ask for help",
                        "Waiting well phone calls for people at higher risk",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(MentalHealth, "Shorter waits for talking therapies", "NHS Talking Therapies", &[]),
            brief(Community, "Waiting well for children's speech and language therapy", "children's speech and language therapy", &[]),
            brief(Community, "Shorter waits for musculoskeletal physiotherapy", "community MSK physiotherapy", &[]),
            brief(MentalHealth, "The adult ADHD assessment waiting list", "the adult ADHD service", &[]),
            brief(SocialCare, "Shorter waits for occupational therapy assessments", "the adult social care occupational therapy team", &[]),
        ],
    },
    Theme {
        tags: &[
            "antimicrobial stewardship",
            "infection prevention",
            "prescribing",
        ],
        measure: "broad-spectrum antibiotic prescribing",
        process: "antibiotic prescriptions with an indication and a review date",
        subject: "prescriptions",
        problems: &[
            "Antibiotic prescribing in {unit} is above the national target, and a third of courses have no documented indication or review. Resistant infections are rising locally.",
            "Audit in {unit} found antibiotics often continued longer than guidance recommends, and intravenous antibiotics not switched to tablets when patients were ready.",
        ],
        aims: &[
            "Reduce broad-spectrum antibiotic prescribing in {unit} by 15% by {by}.",
            "By {by}, 90% of antibiotic prescriptions in {unit} have an indication and a documented review at 48 to 72 hours.",
        ],
        involvement: "Patients helped us test the TARGET leaflets and the wording clinicians use to explain why antibiotics are not needed.",
        green: Some(Green {
            description: "Fewer antibiotic courses and earlier switches from intravenous to oral treatment mean fewer giving sets, syringes and drug packaging, and less pharmaceutical waste.",
            co2e_kg: 700.0,
            money: 18000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "The right antibiotic",
                &[secondary(
                    "Guidance at hand",
                    &[
                        "Local antibiotic guidance app on every workstation",
                        "Indication and duration required on every prescription",
                    ],
                )],
            ),
            primary(
                "Review and stop",
                &[secondary(
                    "Review at 48 to 72 hours",
                    &[
                        "Antimicrobial review on the ward round checklist",
                        "Prompt to switch from intravenous to oral at 48 hours",
                    ],
                )],
            ),
            primary(
                "Shared decisions with patients",
                &[
                    secondary(
                        "Expectations",
                        &[
                            "TARGET leaflets for respiratory infections",
                            "Delayed prescriptions with safety-netting advice",
                        ],
                    ),
                    secondary(
                        "Point-of-care testing",
                        &["CRP point-of-care testing for chest infections"],
                    ),
                ],
            ),
        ],
        projects: &[
            brief(Acute, "Antibiotic review at 72 hours", "the medical wards", &[]),
            brief(Acute, "Switching from intravenous to oral antibiotics", "the surgical wards", &[]),
            brief(GpPractice, "Fewer antibiotics for coughs and colds", "the practice", &[GpPractice]),
            brief(GpPractice, "CRP testing to guide antibiotics for chest infections", "the practice", &[]),
            brief(Community, "Antibiotics for urinary infections in older people", "the community hospital", &[]),
            brief(GpPractice, "Shorter courses for urinary tract infections", "the practice", &[]),
        ],
    },
    Theme {
        tags: &["frailty", "older people", "integrated care"],
        measure: "emergency admissions of people living with moderate or severe frailty",
        process: "people with severe frailty with a care plan shared across services",
        subject: "people with severe frailty",
        problems: &[
            "People living with frailty served by {unit} are often admitted in a crisis that could have been foreseen. Many have no care plan that the ambulance service or out-of-hours GPs can see.",
            "Frailty is not identified consistently in {unit}, so older people do not get a comprehensive geriatric assessment and their care is organised around services rather than around them.",
        ],
        aims: &[
            "Reduce emergency admissions of people with severe frailty served by {unit} by 15% by {by}.",
            "By {by}, 80% of people with severe frailty known to {unit} have a personalised care plan shared with the ambulance service and out-of-hours services.",
        ],
        involvement: "Older people from Age UK's local forum and their carers told us what 'a good day' means to them; their words head every care plan.",
        green: Some(Green {
            description: "Avoided admissions and ambulance journeys, and care closer to home, cut travel and hospital energy use.",
            co2e_kg: 6000.0,
            money: 90000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "Identifying frailty early",
                &[secondary(
                    "Screening",
                    &[
                        "Clinical Frailty Scale at the front door for everyone over 65",
                        "Monthly electronic frailty index search",
                    ],
                )],
            ),
            primary(
                "Proactive, personalised care",
                &[
                    secondary(
                        "Assessment",
                        &[
                            "Comprehensive geriatric assessment at home",
                            "Anticipatory care plans shared with the ambulance service",
                        ],
                    ),
                    secondary(
                        "Working as one team",
                        &["Monthly multidisciplinary meeting for people with severe frailty"],
                    ),
                ],
            ),
            primary(
                "Alternatives to admission",
                &[secondary(
                    "A same-day response",
                    &[
                        "Frailty same-day emergency care",
                        "Two-hour urgent community response referrals from care homes",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Frailty at the front door", "the emergency department", &[Community]),
            brief(Community, "Proactive care for people living with severe frailty", "the community matrons", &[GpPractice, SocialCare]),
            brief(GpPractice, "Frailty reviews for housebound patients", "the practice", &[]),
            brief(Acute, "Clinical Frailty Scale on admission", "the acute medical unit", &[]),
            brief(SocialCare, "Anticipatory care plans for care home residents", "our residential care homes", &[GpPractice]),
            brief(Community, "Urgent community response to avoid admission", "the urgent community response team", &[]),
        ],
    },
    Theme {
        tags: &["mental health crisis", "mental health", "emergency care"],
        measure: "people in mental health crisis waiting more than 12 hours in the emergency department",
        process: "people seen by the liaison team within one hour of referral",
        subject: "referrals",
        problems: &[
            "People in mental health crisis wait on average 11 hours in the emergency department, often in a noisy, unsuitable space. {unit} sees around 300 people a month.",
            "Most people in crisis who come to the emergency department do not need a hospital bed, but there are few alternatives out of hours, so the department has become the default for {unit}.",
        ],
        aims: &[
            "By {by}, no one in mental health crisis waits more than 12 hours in the emergency department, and 80% are seen by {unit} within one hour of referral.",
            "Reduce emergency department attendances for mental health crisis by 20% by {by}, through alternatives offered by {unit}.",
        ],
        involvement: "Peer support workers and people with lived experience of crisis designed the crisis café with us and staff it alongside clinicians.",
        green: None,
        drivers: &[
            primary(
                "Timely assessment",
                &[secondary(
                    "Liaison psychiatry",
                    &[
                        "Liaison psychiatry practitioner at the emergency department front door",
                        "One-hour response standard for liaison referrals",
                    ],
                )],
            ),
            primary(
                "Alternatives to the emergency department",
                &[
                    secondary(
                        "Crisis support in the community",
                        &[
                            "24/7 crisis line triage for ambulance crews",
                            "Crisis café open evenings and weekends",
                        ],
                    ),
                    secondary(
                        "Joint response",
                        &["Mental health response car with paramedics"],
                    ),
                ],
            ),
            primary(
                "Safe and supported while waiting",
                &[secondary(
                    "The environment",
                    &[
                        "Quiet room in the emergency department for people in crisis",
                        "Hourly check-ins by a named nurse",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(MentalHealth, "Shorter emergency department waits for people in crisis", "the liaison psychiatry team", &[Acute]),
            brief(MentalHealth, "A crisis café as an alternative to the emergency department", "the crisis resolution team", &[SocialCare]),
            brief(MentalHealth, "Mental health response car", "the crisis resolution team", &[]),
            brief(Acute, "A calmer emergency department for people in crisis", "the emergency department", &[MentalHealth]),
            brief(MentalHealth, "Safety planning after self-harm", "the liaison psychiatry team", &[]),
        ],
    },
    Theme {
        tags: &[
            "restrictive practice",
            "restraint reduction",
            "mental health",
        ],
        measure: "restrictive interventions per 1,000 occupied bed days",
        process: "incidents followed by a debrief within 72 hours",
        subject: "incidents",
        problems: &[
            "{unit} recorded 64 physical restraints last quarter, 12 of them prone. Restraint is traumatic for patients and staff and injures both.",
            "Patients in {unit} tell us the ward feels tense and that staff intervene too quickly. Incidents cluster in the evenings and at handovers.",
        ],
        aims: &[
            "Reduce restrictive interventions in {unit} by 30% by {by}.",
            "Eliminate prone restraint in {unit} and reduce all physical restraint by 25% by {by}.",
        ],
        involvement: "Patients on the ward and former patients co-produce the mutual expectations and review incident themes at the monthly community meeting.",
        green: None,
        drivers: &[
            primary(
                "Understanding triggers",
                &[secondary(
                    "Safety huddles and debriefs",
                    &[
                        "Daily safety huddle using the Brøset violence checklist",
                        "Debrief with patient and staff after every restraint",
                    ],
                )],
            ),
            primary(
                "De-escalation skills and tools",
                &[secondary(
                    "Safewards",
                    &[
                        "Safewards calm-down methods and soft words",
                        "Sensory room and weighted blankets",
                    ],
                )],
            ),
            primary(
                "Patients shaping care",
                &[secondary(
                    "Co-production",
                    &[
                        "Mutual expectations agreed at community meetings",
                        "Positive behaviour support plans written with patients",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(MentalHealth, "Reducing restraint on adult acute wards", "the adult acute wards", &[]),
            brief(MentalHealth, "Safewards on the psychiatric intensive care unit", "the psychiatric intensive care unit", &[]),
            brief(MentalHealth, "Ending prone restraint", "the adult acute wards", &[]),
            brief(MentalHealth, "Less restrictive practice for people with a learning disability", "the learning disability assessment unit", &[SocialCare]),
            brief(Acute, "Less restrictive care for patients with dementia", "the care of older people wards", &[MentalHealth]),
        ],
    },
    Theme {
        tags: &[
            "severe mental illness",
            "physical health",
            "health inequalities",
        ],
        measure: "people with severe mental illness who had all six physical health checks in the last year",
        process: "people on the register offered a health check with a named worker",
        subject: "people on the register",
        problems: &[
            "People with severe mental illness die 15 to 20 years earlier than others, mostly from preventable physical illness. Only 38% of people with SMI known to {unit} had all six health checks last year.",
            "The SMI register for {unit} is out of date and invitations are standard letters; many people never respond and nobody follows up.",
        ],
        aims: &[
            "By {by}, 70% of people with severe mental illness known to {unit} have all six physical health checks in the year.",
            "Increase complete physical health checks for people with SMI in {unit} from 38% to 60% by {by}, with every abnormal result followed up.",
        ],
        involvement: "Peer support workers with lived experience helped rewrite the invitation and now accompany people to their checks.",
        green: None,
        drivers: &[
            primary(
                "Reaching everyone on the register",
                &[secondary(
                    "An accurate register and invitations",
                    &[
                        "Register cleansed with the community mental health teams",
                        "Easy-read invitations followed by a phone call",
                    ],
                )],
            ),
            primary(
                "Checks that fit people's lives",
                &[secondary(
                    "Flexible settings",
                    &[
                        "Health checks at depot clinics",
                        "Peer support workers accompany people to appointments",
                    ],
                )],
            ),
            primary(
                "Action on what the checks find",
                &[secondary(
                    "Follow-up",
                    &[
                        "Stop smoking referral at the check",
                        "A yearly physical health plan shared with the GP",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(GpPractice, "Physical health checks for people with severe mental illness", "the practice", &[MentalHealth]),
            brief(MentalHealth, "Health checks at depot clinics", "the community mental health teams", &[]),
            brief(MentalHealth, "Stop smoking support on mental health wards", "the adult acute wards", &[]),
            brief(GpPractice, "SMI health checks across the primary care network", "the practice", &[GpPractice]),
            brief(MentalHealth, "Cardiometabolic screening for young people on antipsychotics", "the early intervention in psychosis team", &[]),
        ],
    },
    Theme {
        tags: &["staff wellbeing", "workforce"],
        measure: "staff who would recommend the team as a place to work",
        process: "shifts on which every member of staff took their full break",
        subject: "shifts",
        problems: &[
            "Staff in {unit} regularly miss breaks, sickness absence is 7.5% and turnover is the highest in the organisation. In the staff survey, only 41% would recommend {unit} as a place to work.",
            "New starters in {unit} tell us they feel unsupported in their first weeks, and a third leave within a year.",
        ],
        aims: &[
            "By {by}, staff in {unit} take their full break on 90% of shifts, and the proportion who would recommend it as a place to work rises from 41% to 60%.",
            "Halve first-year turnover of staff in {unit} by {by}.",
        ],
        involvement: "Staff of every band co-designed the changes through listening events; the trust's staff networks reviewed them for inclusion.",
        green: None,
        drivers: &[
            primary(
                "Rest and breaks",
                &[secondary(
                    "Protected breaks",
                    &[
                        "Break buddies on every shift",
                        "A protected rest area with hot food at night",
                    ],
                )],
            ),
            primary(
                "Feeling supported",
                &[
                    secondary(
                        "After difficult events",
                        &[
                            "Hot debrief after every difficult event",
                            "Monthly Schwartz rounds",
                        ],
                    ),
                    secondary(
                        "New starters",
                        &["A buddy for every new starter for their first six weeks"],
                    ),
                ],
            ),
            primary(
                "Voice and recognition",
                &[secondary(
                    "Listening and thanks",
                    &[
                        "Monthly 'you said, we did' board",
                        "Learning from excellence (Greatix) reports",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Breaks for everyone on night shifts", "the emergency department", &[]),
            brief(Acute, "Keeping newly qualified nurses", "the medical wards", &[]),
            brief(MentalHealth, "Team wellbeing on inpatient wards", "the adult acute wards", &[]),
            brief(GpPractice, "Wellbeing for the reception team", "the practice", &[]),
            brief(Community, "Wellbeing for district nursing teams", "the district nursing teams", &[]),
            brief(SocialCare, "Keeping care staff: a better first six weeks", "the home care service", &[]),
            brief(Acute, "Learning from excellence with Greatix", "the maternity unit", &[]),
        ],
    },
    Theme {
        tags: &["sustainability", "green inhalers", "respiratory"],
        measure: "metered-dose inhalers as a share of inhaler prescriptions",
        process: "asthma and COPD reviews including inhaler technique and a low-carbon option",
        subject: "reviews",
        problems: &[
            "Metered-dose inhalers make up 70% of inhalers prescribed by {unit}; their propellants are powerful greenhouse gases, and inhalers account for about 3% of the NHS carbon footprint.",
            "Many people with asthma cared for by {unit} use too many reliever inhalers, a sign of poor control and a large, avoidable carbon cost.",
        ],
        aims: &[
            "Reduce metered-dose inhalers from 70% to 45% of inhaler prescriptions in {unit} by {by}, without worsening asthma control.",
            "By {by}, halve the number of people in {unit} using six or more reliever inhalers a year.",
        ],
        involvement: "Members of a local Asthma + Lung UK support group tested the inhaler choice conversation and the recycling information.",
        green: Some(Green {
            description: "Switching suitable patients from metered-dose to dry powder inhalers and reducing reliever overuse cuts propellant greenhouse gas emissions.",
            co2e_kg: 18000.0,
            money: 4000.0,
            always: true,
        }),
        drivers: &[
            primary(
                "The right inhaler for the patient and the planet",
                &[
                    secondary(
                        "Review",
                        &[
                            "Low-carbon inhaler conversation in every annual asthma review",
                            "Switch to dry powder inhalers where suitable",
                        ],
                    ),
                    secondary(
                        "Prescribing",
                        &["Inhaler formulary showing the carbon footprint"],
                    ),
                ],
            ),
            primary(
                "Better control, less reliever use",
                &[secondary(
                    "Overuse",
                    &[
                        "Monthly search for people using six or more reliever inhalers",
                        "Personalised asthma action plans",
                    ],
                )],
            ),
            primary(
                "Disposal",
                &[secondary(
                    "Returns",
                    &["Inhaler return and recycling through community pharmacies"],
                )],
            ),
        ],
        projects: &[
            brief(GpPractice, "Greener inhalers in asthma reviews", "the practice", &[]),
            brief(GpPractice, "Reducing reliever inhaler overuse in asthma", "the practice", &[GpPractice]),
            brief(GpPractice, "Low-carbon inhalers across the primary care network", "the practice", &[GpPractice]),
            brief(Acute, "Greener inhalers on discharge from the respiratory ward", "the respiratory ward", &[GpPractice]),
            brief(Community, "Inhaler recycling with community pharmacies", "the community respiratory team", &[]),
        ],
    },
    Theme {
        tags: &["sustainability", "anaesthetic gases", "theatres"],
        measure: "CO2e from anaesthetic gases per operation",
        process: "general anaesthetics given with low-flow or intravenous anaesthesia",
        subject: "anaesthetics",
        problems: &[
            "Anaesthetic gases used in {unit} emit over 400 tonnes of CO2e a year, most of it from desflurane and nitrous oxide, which have far lower-carbon alternatives.",
            "An audit of {unit} found that most nitrous oxide bought is never given to a patient: it leaks from ageing manifolds and pipework.",
        ],
        aims: &[
            "Reduce CO2e from anaesthetic gases in {unit} by 50% by {by}.",
            "By {by}, stop using desflurane in {unit} and use low-flow anaesthesia for 80% of general anaesthetics.",
        ],
        involvement: "The patient panel reviewed how we explain anaesthetic choices, and a patient representative joined the trust's green theatres group.",
        green: Some(Green {
            description: "Removing desflurane, using low-flow techniques and fixing nitrous oxide waste cut anaesthetic gas emissions, a major part of a hospital's direct carbon footprint.",
            co2e_kg: 120000.0,
            money: 22000.0,
            always: true,
        }),
        drivers: &[
            primary(
                "Lower-carbon anaesthetic agents",
                &[secondary(
                    "Choosing agents",
                    &[
                        "Desflurane removed from theatre stock",
                        "Total intravenous anaesthesia where suitable",
                    ],
                )],
            ),
            primary(
                "Less wasted gas",
                &[
                    secondary(
                        "Low flow",
                        &[
                            "Fresh gas flow below one litre a minute during maintenance",
                            "Low-flow prompts on anaesthetic machines",
                        ],
                    ),
                    secondary(
                        "Nitrous oxide",
                        &["Decommission the piped nitrous oxide manifold and use cylinders"],
                    ),
                ],
            ),
            primary(
                "Measuring and feeding back",
                &[secondary(
                    "Data",
                    &["Monthly carbon dashboard for each anaesthetist"],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Desflurane-free theatres", "main theatres", &[]),
            brief(Acute, "Low-flow anaesthesia in day surgery", "the day surgery unit", &[]),
            brief(Acute, "Ending nitrous oxide waste from piped supplies", "the theatre estate", &[]),
            brief(Acute, "Greener anaesthesia in obstetric theatres", "the maternity theatres", &[]),
        ],
    },
    Theme {
        tags: &["sustainability", "paper reduction", "digital"],
        measure: "sheets of paper printed a month",
        process: "letters and forms sent digitally instead of on paper",
        subject: "letters and forms",
        problems: &[
            "{unit} prints over 40,000 sheets a month, much of it letters and forms that could be sent or kept digitally. Printing, postage and storage cost money and carbon.",
            "Handover and appointment letters in {unit} are still printed and posted, so information arrives late and paper piles up in the office.",
        ],
        aims: &[
            "Reduce paper printed by {unit} by 50% by {by}.",
            "By {by}, send 80% of letters from {unit} digitally, with paper kept for people who prefer it.",
        ],
        involvement: "Patients from the digital inclusion group made sure digital letters work on basic phones and that anyone can still choose paper.",
        green: Some(Green {
            description: "Less printing and postage saves paper, toner, delivery journeys and storage.",
            co2e_kg: 2200.0,
            money: 15000.0,
            always: true,
        }),
        drivers: &[
            primary(
                "Digital by default",
                &[secondary(
                    "Letters and forms",
                    &[
                        "Patient letters sent by text link, with paper for those who ask",
                        "Electronic referrals in place of printed forms",
                    ],
                )],
            ),
            primary(
                "Fewer printouts",
                &[
                    secondary(
                        "Print settings",
                        &[
                            "Double-sided black-and-white printing by default",
                            "Remove personal printers",
                        ],
                    ),
                    secondary("Handover", &["Electronic handover sheet on tablets"]),
                ],
            ),
            primary(
                "Staff on board",
                &[secondary(
                    "Engagement",
                    &["Monthly paper use figures for every team"],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Paper-light outpatients: digital letters", "outpatient services", &[]),
            brief(Community, "Paperless district nursing handovers", "the district nursing teams", &[]),
            brief(GpPractice, "Digital first: fewer printed letters", "the practice", &[]),
            brief(MentalHealth, "Paperless ward rounds", "the adult acute wards", &[]),
            brief(SocialCare, "Digital care records in home care", "the home care service", &[]),
        ],
    },
    Theme {
        tags: &["hydration", "care homes", "older people"],
        measure: "hospital admissions for urinary infection or dehydration",
        process: "residents drinking at least 1,500 ml a day",
        subject: "residents",
        problems: &[
            "Older people in {unit} often drink too little, especially those living with dementia. Dehydration leads to urinary infections, falls, confusion and hospital admissions.",
            "Fluid charts in {unit} are incomplete and drinks are offered mainly at mealtimes; urinary infections are the most common reason for residents' admissions to hospital.",
        ],
        aims: &[
            "Reduce hospital admissions for urinary infection or dehydration from {unit} by 30% by {by}.",
            "By {by}, 80% of people in {unit} drink at least 1,500 ml a day.",
        ],
        involvement: "Residents chose the drinks and snacks on the hydration trolley, and families joined 'drink with me' visits.",
        green: Some(Green {
            description: "Fewer urinary infections mean fewer antibiotic courses, ambulance journeys and hospital stays.",
            co2e_kg: 1300.0,
            money: 21000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "Drinks offered all day",
                &[
                    secondary(
                        "Routines",
                        &[
                            "Seven structured drinks rounds a day",
                            "Hydration stations in lounges",
                        ],
                    ),
                    secondary(
                        "Appealing drinks",
                        &["Jelly drops and ice lollies for people living with dementia"],
                    ),
                ],
            ),
            primary(
                "Knowing who is at risk",
                &[secondary(
                    "Monitoring",
                    &[
                        "Coloured cups for people at risk of dehydration",
                        "Fluid intake reviewed at every handover",
                    ],
                )],
            ),
            primary(
                "Staff and families know why it matters",
                &[secondary(
                    "Training and families",
                    &[
                        "Hydration training for care staff",
                        "'Drink with me' family visits",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(SocialCare, "Hydration in residential care homes", "our residential care homes", &[Community]),
            brief(SocialCare, "Fewer urinary infections through better hydration", "Meadow View care home", &[GpPractice]),
            brief(Community, "Hydration support for care homes", "the care home support team", &[SocialCare]),
            brief(Acute, "Hydration for patients living with dementia on ward 7", "ward 7", &[]),
            brief(SocialCare, "Drinks and mealtimes in extra care housing", "extra care housing", &[]),
        ],
    },
    Theme {
        tags: &[
            "end of life care",
            "palliative care",
            "advance care planning",
        ],
        measure: "people who die in their preferred place",
        process: "people in their last year of life with a shared advance care plan",
        subject: "people in their last year of life",
        problems: &[
            "Most people say they would prefer to die at home, but fewer than half of those cared for by {unit} do. Advance care plans are started late, if at all, and not shared.",
            "In {unit}, conversations about what matters at the end of life often happen in a crisis, and plans made are not visible to out-of-hours services.",
        ],
        aims: &[
            "By {by}, 70% of people in their last year of life known to {unit} have an advance care plan shared across services.",
            "Increase the proportion of people cared for by {unit} who die in their preferred place from 48% to 70% by {by}.",
        ],
        involvement: "Bereaved carers from the hospice's carers' group told us what would have helped and reviewed the ReSPECT conversation guide.",
        green: None,
        drivers: &[
            primary(
                "Identifying people earlier",
                &[secondary(
                    "The register",
                    &[
                        "Search for people who may be in their last year of life",
                        "The 'surprise question' at multidisciplinary meetings",
                    ],
                )],
            ),
            primary(
                "Plans that are made and shared",
                &[secondary(
                    "ReSPECT",
                    &[
                        "ReSPECT conversations with patients and families",
                        "Advance care plans on the shared care record",
                    ],
                )],
            ),
            primary(
                "Care at home when that is the wish",
                &[secondary(
                    "Support at home",
                    &[
                        "Just-in-case medicines prescribed early",
                        "24/7 palliative care advice line",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(GpPractice, "Advance care planning for people in their last year of life", "the practice", &[Community]),
            brief(Community, "Dying at home when that is the wish", "the district nursing teams", &[GpPractice]),
            brief(Acute, "Rapid discharge home to die", "the medical wards", &[Community]),
            brief(SocialCare, "Advance care plans in care homes", "our residential care homes", &[]),
            brief(Acute, "ReSPECT conversations on the oncology ward", "the oncology ward", &[]),
        ],
    },
    Theme {
        tags: &["hypertension", "cardiovascular disease", "prevention"],
        measure: "people with hypertension treated to target",
        process: "people with raised blood pressure offered home monitoring",
        subject: "people with raised blood pressure",
        problems: &[
            "An estimated 1,200 people registered with {unit} have undiagnosed high blood pressure, and only 61% of those diagnosed are treated to target: strokes and heart attacks that could be prevented.",
            "People from the most deprived areas and some ethnic minority communities registered with {unit} are least likely to have their blood pressure checked or controlled.",
        ],
        aims: &[
            "Increase the proportion of people with hypertension at {unit} treated to target from 61% to 77% by {by}.",
            "Find 300 people with undiagnosed hypertension at {unit} by {by}, half of them from the most deprived areas.",
        ],
        involvement: "Community champions from local faith groups helped plan the blood pressure checks at community venues.",
        green: None,
        drivers: &[
            primary(
                "Finding undiagnosed hypertension",
                &[secondary(
                    "Case finding",
                    &[
                        "Blood pressure checks in community pharmacies",
                        "Blood pressure monitor in the waiting room",
                    ],
                )],
            ),
            primary(
                "Treating to target",
                &[
                    secondary(
                        "Titration",
                        &[
                            "Healthcare assistant-led titration clinics",
                            "Home blood pressure monitors on loan",
                        ],
                    ),
                    secondary("Adherence", &["Once-daily regimens where possible"]),
                ],
            ),
            primary(
                "Reducing inequalities",
                &[secondary(
                    "Outreach",
                    &["Checks at mosques, temples and community centres"],
                )],
            ),
        ],
        projects: &[
            brief(GpPractice, "Finding undiagnosed hypertension", "the practice", &[]),
            brief(GpPractice, "Blood pressure to target for people under 80", "the practice", &[GpPractice]),
            brief(GpPractice, "Blood pressure checks at community venues", "the practice", &[]),
            brief(GpPractice, "Home blood pressure monitoring", "the practice", &[]),
        ],
    },
    Theme {
        tags: &[
            "learning disability",
            "annual health checks",
            "health inequalities",
        ],
        measure: "people on the learning disability register with an annual health check",
        process: "invitations sent in easy read with a follow-up call",
        subject: "invitations",
        problems: &[
            "People with a learning disability die on average more than 20 years earlier than the general population. Only 62% of people on the learning disability register at {unit} had an annual health check last year.",
            "Annual health checks at {unit} are offered in the same way as any appointment, without the reasonable adjustments people need, and many are not attended.",
        ],
        aims: &[
            "By {by}, 85% of people on the learning disability register at {unit} have an annual health check and a health action plan.",
            "Increase annual health checks for people with a learning disability at {unit} from 62% to 80% by {by}.",
        ],
        involvement: "A local self-advocacy group co-wrote the easy-read invitation and trained reception staff in making reasonable adjustments.",
        green: None,
        drivers: &[
            primary(
                "A complete register",
                &[secondary(
                    "Finding everyone",
                    &["Register checked against social care records"],
                )],
            ),
            primary(
                "Accessible checks",
                &[
                    secondary(
                        "Reasonable adjustments",
                        &[
                            "Longer appointments at the quietest times of day",
                            "Easy-read invitation with a photo of who they will see",
                        ],
                    ),
                    secondary("Support", &["Carers invited to the health check"]),
                ],
            ),
            primary(
                "Action after the check",
                &[secondary(
                    "Health action plans",
                    &["Health action plan shared with the person and their carer"],
                )],
            ),
        ],
        projects: &[
            brief(GpPractice, "Annual health checks for people with a learning disability", "the practice", &[SocialCare]),
            brief(GpPractice, "Reasonable adjustments flagged in the record", "the practice", &[]),
            brief(MentalHealth, "Learning disability liaison for annual health checks", "the community learning disability team", &[GpPractice]),
            brief(GpPractice, "Health action plans that people use", "the practice", &[]),
        ],
    },
    Theme {
        tags: &["immunisation", "children", "prevention"],
        measure: "children fully immunised by their second birthday",
        process: "children overdue a vaccination contacted within two weeks",
        subject: "children overdue",
        problems: &[
            "MMR uptake at two years at {unit} is 84%, below the 95% needed to stop measles spreading, and lower still in some communities.",
            "Reminders from {unit} are standard letters; families who miss a vaccination are rarely followed up personally.",
        ],
        aims: &[
            "Increase the proportion of children fully immunised at two years at {unit} from 84% to 92% by {by}.",
            "By {by}, contact every family registered with {unit} whose child is overdue a vaccination within two weeks, and halve the number overdue.",
        ],
        involvement: "Parents from the local children's centre told us what gets in the way and tested the text message wording.",
        green: None,
        drivers: &[
            primary(
                "Families know when and why",
                &[secondary(
                    "Information and reminders",
                    &[
                        "Text reminders with a booking link",
                        "Conversations with families who are unsure, by a trusted clinician",
                    ],
                )],
            ),
            primary(
                "Easy to attend",
                &[secondary(
                    "Convenient clinics",
                    &[
                        "Saturday and after-school vaccination clinics",
                        "Vaccinations at the children's centre",
                    ],
                )],
            ),
            primary(
                "Accurate records",
                &[secondary(
                    "Follow-up",
                    &["Monthly search for overdue children"],
                )],
            ),
        ],
        projects: &[
            brief(GpPractice, "MMR uptake at two years", "the practice", &[]),
            brief(GpPractice, "Catch-up vaccinations for under-fives", "the practice", &[]),
            brief(Community, "School-age flu vaccination uptake", "the school nursing team", &[]),
        ],
    },
    Theme {
        tags: &[
            "mouth care",
            "hospital-acquired pneumonia",
            "patient safety",
        ],
        measure: "hospital-acquired pneumonia per 1,000 bed days",
        process: "patients with a mouth care assessment and care recorded twice a day",
        subject: "patients",
        problems: &[
            "Hospital-acquired pneumonia is one of the commonest infections in {unit}, and poor mouth care is a major, preventable cause. Mouth care is recorded for fewer than a third of dependent patients.",
            "Staff in {unit} told us mouth care is 'the first thing to go' on a busy shift, and the right equipment is often missing.",
        ],
        aims: &[
            "Reduce hospital-acquired pneumonia in {unit} by 30% by {by}.",
            "By {by}, 90% of patients in {unit} who need help have mouth care assessed on admission and given twice a day.",
        ],
        involvement: "Patients and carers helped choose the mouth care kit and wrote the bedside prompt card.",
        green: None,
        drivers: &[
            primary(
                "Assessing need",
                &[secondary(
                    "Assessment",
                    &["Mouth care assessment on admission"],
                )],
            ),
            primary(
                "Reliable mouth care",
                &[
                    secondary("Equipment", &["Mouth care packs at every bedside"]),
                    secondary(
                        "Routine",
                        &[
                            "Mouth care recorded with morning and evening care",
                            "Mouth care champions on every shift",
                        ],
                    ),
                ],
            ),
        ],
        projects: &[
            brief(Acute, "Mouth care matters on the stroke unit", "the stroke unit", &[]),
            brief(Acute, "Mouth care to prevent pneumonia after surgery", "the surgical wards", &[]),
            brief(Acute, "Mouth care for older inpatients", "the care of older people wards", &[]),
            brief(SocialCare, "Mouth care in residential care", "our residential care homes", &[]),
        ],
    },
    Theme {
        tags: &["theatres", "productivity", "cancelled operations"],
        measure: "operations cancelled on the day",
        process: "theatre lists starting on time",
        subject: "theatre lists",
        problems: &[
            "Around 9% of operations in {unit} are cancelled on the day, most for non-clinical reasons such as no bed or the list overrunning. Each cancellation is distressing for the patient and wastes theatre time.",
            "Theatre lists in {unit} start on average 35 minutes late, so lists overrun and the last patients are cancelled.",
        ],
        aims: &[
            "Halve on-the-day cancellations for non-clinical reasons in {unit} by {by}.",
            "By {by}, 85% of lists in {unit} start within 15 minutes of the planned time.",
        ],
        involvement: "Patients whose operations had been cancelled told their stories at the launch event and reviewed the pre-operative phone call script.",
        green: Some(Green {
            description: "Fewer cancelled operations mean less wasted theatre energy, sterile supplies and patient travel.",
            co2e_kg: 3500.0,
            money: 150000.0,
            always: false,
        }),
        drivers: &[
            primary(
                "Patients ready for surgery",
                &[secondary(
                    "Pre-operative preparation",
                    &[
                        "Phone call three days before surgery to check readiness",
                        "Pre-assessment results reviewed a week before the list",
                    ],
                )],
            ),
            primary(
                "Lists that start on time",
                &[secondary(
                    "The start of the day",
                    &[
                        "Team brief at 8.00 with the first patient already in the anaesthetic room",
                        "First patient sent for the night before",
                    ],
                )],
            ),
            primary(
                "Beds available",
                &[secondary(
                    "Ring-fenced beds",
                    &["Ring-fenced elective beds on the surgical ward"],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Fewer operations cancelled on the day", "main theatres", &[]),
            brief(Acute, "Starting theatre lists on time", "the day surgery unit", &[]),
            brief(Acute, "Ring-fenced beds for planned orthopaedic surgery", "the elective orthopaedic centre", &[]),
        ],
    },
    Theme {
        tags: &["maternity", "patient safety", "women's health"],
        measure: "third and fourth degree perineal tears",
        process: "births where the OASI care bundle was used",
        subject: "births",
        problems: &[
            "The rate of third and fourth degree perineal tears in {unit} is above the national average. These injuries can have lifelong effects on women's health.",
            "Women giving birth in {unit} who smoke are not reliably offered support to stop, and carbon monoxide screening is inconsistent.",
        ],
        aims: &[
            "Reduce third and fourth degree tears in {unit} by 25% by {by}.",
            "By {by}, 95% of women booking with {unit} have carbon monoxide screening and all who smoke are offered specialist support.",
        ],
        involvement: "The Maternity and Neonatal Voices Partnership co-designed the information for women and reviewed every PDSA cycle's results.",
        green: None,
        drivers: &[
            primary(
                "Reliable use of the care bundle",
                &[secondary(
                    "The OASI care bundle",
                    &[
                        "Manual perineal protection at every vaginal birth",
                        "Episiotomy at 60 degrees when indicated",
                    ],
                )],
            ),
            primary(
                "Skilled and confident staff",
                &[secondary(
                    "Training",
                    &["Hands-on simulation training for midwives and obstetricians"],
                )],
            ),
            primary(
                "Women informed and involved",
                &[secondary(
                    "Antenatal information",
                    &["Antenatal conversation about perineal care at 36 weeks"],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "The OASI care bundle on the labour ward", "the labour ward", &[]),
            brief(Acute, "Reducing perineal trauma in the birth centre", "the birth centre", &[]),
            brief(Acute, "Smoke-free pregnancy", "the antenatal clinic", &[GpPractice]),
        ],
    },
    Theme {
        tags: &["diabetes", "insulin safety", "medicines safety"],
        measure: "hypoglycaemia episodes in people with diabetes",
        process: "insulin doses given within 30 minutes of the prescribed time",
        subject: "insulin doses",
        problems: &[
            "Insulin errors are among the most harmful medication errors. In {unit}, one in five people with diabetes has a hypoglycaemic episode, often linked to mealtimes and insulin timing.",
            "People with diabetes cared for by {unit} often have no up-to-date plan for their insulin and no check of their feet, so problems are found late.",
        ],
        aims: &[
            "Reduce hypoglycaemia episodes among people with diabetes in {unit} by 30% by {by}.",
            "By {by}, 90% of people with diabetes known to {unit} have an annual foot check and an up-to-date insulin plan.",
        ],
        involvement: "People living with type 1 and type 2 diabetes from the local Diabetes UK group reviewed the self-administration policy and the hypo box contents.",
        green: None,
        drivers: &[
            primary(
                "Insulin given safely",
                &[
                    secondary(
                        "Timing with meals",
                        &["Insulin given with the meal, not on the medicines round"],
                    ),
                    secondary(
                        "Self-administration",
                        &["Patients who can manage their own insulin continue to do so"],
                    ),
                ],
            ),
            primary(
                "Hypoglycaemia treated promptly",
                &[secondary(
                    "Ready to act",
                    &["Hypo boxes on every ward and in every car"],
                )],
            ),
            primary(
                "Regular review",
                &[secondary(
                    "Annual checks",
                    &[
                        "Foot check recorded at the annual diabetes review",
                        "Insulin plan reviewed by the diabetes specialist nurse",
                    ],
                )],
            ),
        ],
        projects: &[
            brief(Acute, "Insulin safety: fewer hypos on the wards", "the medical wards", &[]),
            brief(Community, "Safer insulin in the community", "the district nursing teams", &[GpPractice]),
            brief(GpPractice, "Annual foot checks for people with diabetes", "the practice", &[]),
            brief(GpPractice, "Type 2 diabetes reviews for people from deprived areas", "the practice", &[]),
        ],
    },
];

/// The stages of a PDSA ramp: each cycle tests the change idea at a larger scale than the last.
/// (objective, questions), with `{unit}`.
pub const RAMP: [(&str, &str); 4] = [
    (
        "A first, small test in {unit}: one day, with one volunteer, to find out whether the change can work at all.",
        "Can we do it at all, and how long does it take? What gets in the way?",
    ),
    (
        "A week-long test in {unit}, with the changes from the first test.",
        "Does it still work with the changes, and do colleagues who were not in the first test find it easy?",
    ),
    (
        "A month-long test in {unit}, on every day of the week and with bank and agency staff.",
        "Does it hold up at nights and weekends and on the busiest days?",
    ),
    (
        "Make the change the standard way of working in {unit} and check it is done reliably.",
        "Is it done reliably without the project team prompting it, and is the outcome moving?",
    ),
];

/// What got in the way during a cycle that needed adapting.
pub const PROBLEMS: &[&str] = &[
    "the prompt was not in the handover pack, so the night team did not know about it",
    "two emergencies at once left no time on the busiest day",
    "bank and agency staff had not been briefed",
    "the form took longer than expected to find on the computer",
    "it clashed with another task at the same time of day",
    "the equipment was locked away when it was needed",
];

/// How the team changed the idea before the next test.
pub const ADAPTATIONS: &[&str] = &[
    "add a prompt to the handover sheet and brief the night team",
    "make a laminated prompt card for each area",
    "ask the administrative team to include the form in every pack",
    "share a two-minute video showing how to do it",
    "name a champion on every shift",
    "move it to a quieter time of day",
];

/// Why abandoned projects stopped, for the reason of their last score.
pub const STOP_CAUSES: &[&str] = &[
    "the unit was reconfigured and the team dispersed",
    "the project lead moved to another organisation and no one could take it on",
    "winter pressures meant the team could not be released",
    "a national programme on the same problem superseded it",
    "the changes tested did not move the measures and the team chose to focus elsewhere",
];

/// Why a project has each score of the IHI scale, indexed by tenths / 5 - 1, with `{measure}`
/// and `{unit}`.
pub const SCORE_REASONS: [&str; 10] = [
    "Idea raised at the QI huddle and agreed worth pursuing; looking for a team.",
    "Charter agreed with the sponsor and the team has met for the first time.",
    "Process mapped with staff in {unit}, driver diagram drafted and measurement plan agreed.",
    "Baseline data on {measure} collected and a staff survey done; no changes tested yet.",
    "First PDSA cycles run, but no change yet in {measure}.",
    "Early signs of improvement in {measure} after successful small tests of change.",
    "Changes being implemented across {unit}, with {measure} improving towards the aim.",
    "More than half of the aim met: the SPC chart of {measure} shows a shift.",
    "Improvement in {measure} sustained for six months, with the changes in standard work.",
    "Aim met and sustained for a year; the changes are in policy and business as usual in {unit}.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_is_complete_enough_to_generate_from() {
        for theme in THEMES {
            assert!(!theme.projects.is_empty(), "{:?}", theme.tags);
            assert!(theme.drivers.len() >= 2, "{:?}", theme.tags);
            assert!(!theme.problems.is_empty() && !theme.aims.is_empty());
            for aim in theme.aims {
                assert!(aim.contains("{by}") && aim.contains("{unit}"), "{aim}");
            }
            for primary in theme.drivers {
                assert!(!primary.secondaries.is_empty(), "{}", primary.text);
                for secondary in primary.secondaries {
                    assert!(!secondary.ideas.is_empty(), "{}", secondary.text);
                }
            }
            for brief in theme.projects {
                assert!(!brief.partners.contains(&brief.setting) || brief.setting == GpPractice);
            }
        }
        let projects: usize = THEMES.iter().map(|t| t.projects.len()).sum();
        assert!((140..=160).contains(&projects), "{projects} projects");
    }

    #[test]
    fn titles_are_distinct() {
        let mut titles: Vec<&str> = THEMES
            .iter()
            .flat_map(|t| t.projects.iter().map(|b| b.title))
            .collect();
        let all = titles.len();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), all);
    }
}
