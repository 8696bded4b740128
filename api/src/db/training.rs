//! Persistence of training: courses, cohorts, places, sessions, enrolments and attendance.
