//! The Learn / Live / Lead capability tiers, the partnership's rules that derive a person's tier
//! from their record, and the reasons shown with it.

wire_enum! {
    /// A rung of the partnership's QI capability ladder (DOMAIN.md, "Capability"). Ordered:
    /// `Learn < Live < Lead`.
    Tier {
        /// Learning QI for the first time.
        Learn => "learn", "Learn";
        /// Applies QI in practice, on a project.
        Live => "live", "Live";
        /// Teaches, coaches or mentors others.
        Lead => "lead", "Lead";
    }
}
