//! Training programmes: courses at a tier, their cohorts (waves), sessions, shared places,
//! enrolment with a waiting list, attendance and completion.
