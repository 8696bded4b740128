//! Select options that several forms and filters offer.

use qi_shared::organisation::OrganisationType;

/// The organisation types as select options, with an "all" option first when given.
pub fn type_options(all: Option<&str>) -> Vec<(String, String)> {
    all.map(|label| (String::new(), label.to_owned()))
        .into_iter()
        .chain(
            OrganisationType::ALL
                .iter()
                .map(|t| (t.as_str().to_owned(), t.label().to_owned())),
        )
        .collect()
}
