//! Plausible, made-up names for demo data.

pub const PRACTICES: [&str; 40] = [
    "Riverside Medical Practice",
    "Abbey Road Surgery",
    "Northgate Health Centre",
    "Millbrook Family Practice",
    "The Willows Surgery",
    "Castle Street Medical Centre",
    "Oakfield Group Practice",
    "Station Road Surgery",
    "Beechwood Medical Centre",
    "Harbour View Practice",
    "Moorside Surgery",
    "Kingsway Health Centre",
    "Elmtree Medical Practice",
    "Chapel Lane Surgery",
    "Foxhill Family Doctors",
    "The Green Practice",
    "Meadowbank Surgery",
    "Ashgrove Medical Centre",
    "Priory Health Partnership",
    "Westfield Surgery",
    "Bridge Street Practice",
    "Hollybush Medical Centre",
    "Canal Side Surgery",
    "Parkview Health Centre",
    "Orchard House Surgery",
    "Eastvale Medical Group",
    "Brookside Practice",
    "Hillcrest Surgery",
    "Market Square Medical Centre",
    "Larkfield Surgery",
    "Thornbury Health Centre",
    "St Aldric's Surgery",
    "Cedar House Practice",
    "Valley Road Medical Centre",
    "Fernlea Surgery",
    "Northmoor Village Practice",
    "Queensway Medical Centre",
    "Rosehill Surgery",
    "Mill Lane Health Centre",
    "Woodside Family Practice",
];

const FIRST: [&str; 48] = [
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophia", "Grace", "Lily", "Freya", "Emily", "Aisha",
    "Fatima", "Zara", "Hannah", "Chloe", "Ruth", "Joanne", "Sarah", "Claire", "Helen", "Niamh",
    "Siobhan", "Priya", "Mei", "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur",
    "Muhammad", "Oscar", "Charlie", "James", "David", "Daniel", "Thomas", "Samuel", "Joseph",
    "Ravi", "Arjun", "Kwame", "Tunde", "Owen", "Rhys", "Callum", "Ewan",
];

const LAST: [&str; 48] = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Ahmed",
    "Hussain",
    "Begum",
    "Singh",
    "Kaur",
    "Chen",
    "Wong",
    "Nguyen",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Osei",
    "Murphy",
    "Kelly",
    "O'Brien",
    "Byrne",
    "Campbell",
    "Stewart",
    "MacDonald",
    "Hughes",
    "Edwards",
    "Lewis",
    "Morgan",
    "Price",
    "Kowalski",
    "Nowak",
];

/// Hands out distinct names in a fixed order.
#[derive(Default)]
pub struct NameSource {
    n: usize,
}

impl NameSource {
    /// A name and the local part of an email address for it.
    pub fn next(&mut self) -> (String, String) {
        let n = self.n;
        self.n += 1;
        // Stepping the surname by a number coprime to 48 gives 48 x 48 distinct pairs.
        let first = FIRST[n % FIRST.len()];
        let last = LAST[(n * 7 + n / FIRST.len()) % LAST.len()];
        let local = format!(
            "{}.{}{}",
            first.to_lowercase(),
            last.to_lowercase().replace('\'', ""),
            n / (FIRST.len() * LAST.len()) + 1
        );
        (format!("{first} {last}"), local)
    }
}

pub fn jobs_for(org_type: &str) -> &'static [&'static str] {
    match org_type {
        "gp_practice" => &[
            "GP",
            "Practice nurse",
            "Practice manager",
            "Healthcare assistant",
            "Receptionist",
            "Clinical pharmacist",
        ],
        "social_care" => &[
            "Social worker",
            "Care coordinator",
            "Occupational therapist",
            "Team manager",
            "Care assistant",
        ],
        "mental_health_trust" => &[
            "Mental health nurse",
            "Consultant psychiatrist",
            "Clinical psychologist",
            "Occupational therapist",
            "Peer support worker",
            "Ward manager",
        ],
        "community_trust" => &[
            "District nurse",
            "Physiotherapist",
            "Community matron",
            "Podiatrist",
            "Speech and language therapist",
        ],
        _ => &[
            "Staff nurse",
            "Ward sister",
            "Consultant",
            "Junior doctor",
            "Physiotherapist",
            "Pharmacist",
            "Porter",
            "Ward clerk",
            "Healthcare assistant",
            "Matron",
            "Radiographer",
            "Midwife",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_do_not_repeat() {
        let mut source = NameSource::default();
        let emails: HashSet<String> = (0..2000).map(|_| source.next().1).collect();
        assert_eq!(emails.len(), 2000);
    }
}
