//! Coaching: a Lead-tier coach's sessions with a project team.
