//! The spread network: organisations as nodes, joined by the projects they run together and by
//! the adoptions that carried a project's changes from its lead organisation to another (or to
//! an adopter outside the partnership). Filtered by theme and period, or narrowed to the path
//! one project's idea travelled: its adoptions, and on through the adopters' own projects'.
//!
//! A joint project links its lead organisation to each partner, in the period when it started
//! in it (its start date, or the day it was recorded). An adoption links the lead organisation of
//! the project adopted to the adopter, in the period when it first reached "adopted" (or
//! "sustained"); considering and testing are not spread yet, and an adoption later dropped
//! still shows that the change travelled. Adoptions within the lead organisation (another unit)
//! make no link between organisations: they count on the node.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, organisation::OrganisationType};

wire_enum! {
    /// What joins two organisations.
    LinkKind {
        Joint => "joint", "Joint project";
        Adoption => "adoption", "Adoption";
    }
}

/// An organisation, or an adopter outside the partnership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkNode {
    /// `org-{id}` for a partner organisation, `outside-{name}` for an adopter outside.
    pub key: String,
    /// The partner organisation's id (none outside the partnership).
    pub organisation_id: Option<i64>,
    pub name: String,
    /// None outside the partnership.
    pub org_type: Option<OrganisationType>,
    /// Projects in the network it leads.
    pub leads: u32,
    /// Changes it adopted from others' projects in the network.
    pub adopted: u32,
    /// Adoptions within it of its own projects' changes (another ward or team).
    pub adopted_within: u32,
}

/// One project on a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkProject {
    pub id: i64,
    pub title: String,
    /// The day the link was made: the project's start, or the adoption's first day adopted.
    pub on: NaiveDate,
}

/// Organisations joined by joint projects or by adoptions (from the lead organisation of the
/// project adopted to the adopter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkLink {
    /// The lead organisation's node.
    pub source: String,
    /// The partner's or adopter's node.
    pub target: String,
    pub kind: LinkKind,
    /// The projects that make it, earliest first.
    pub projects: Vec<LinkProject>,
}

/// The spread network, as asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpreadNetwork {
    /// Nodes with at least one link or project, by name.
    pub nodes: Vec<NetworkNode>,
    /// Links, the busiest first.
    pub links: Vec<NetworkLink>,
}

/// Filters of the network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct NetworkQuery {
    /// Only projects with this theme (compared without case; at most 50 characters).
    #[cfg_attr(feature = "openapi", param(max_length = 50))]
    pub theme: Option<String>,
    /// Links made on or after this day.
    pub from: Option<NaiveDate>,
    /// Links made on or before this day.
    pub to: Option<NaiveDate>,
    /// Only the path this project's idea travelled: its adoptions, and on through the adopters'
    /// own projects.
    pub project_id: Option<i64>,
}

impl NetworkQuery {
    /// The theme, normalised; `from` not after `to`.
    pub fn validate(&self) -> Result<Option<String>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let theme = match self.theme.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.check("theme", crate::project::normalise_tag(raw)),
        };
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to < from
        {
            errors.push("to", "The last day is on or after the first");
        }
        errors.finish(|| Some(theme))
    }

    fn within(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }
}

/// A project as the network reads it (one the asker may see, of the theme asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkProject {
    pub id: i64,
    pub title: String,
    pub lead_organisation_id: i64,
    pub partner_ids: Vec<i64>,
    /// Its start date, or the day it was recorded.
    pub started_on: NaiveDate,
}

/// An adoption of a project's changes as the network reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkAdoption {
    pub project_id: i64,
    /// The adopting partner organisation, or `None` for an adopter outside (`outside`).
    pub organisation_id: Option<i64>,
    pub outside: Option<String>,
    /// The adopter's own project, if the asker may see it.
    pub adopting_project_id: Option<i64>,
    /// The first day it counted (adopted or sustained); `None`: not spread (yet).
    pub adopted_on: Option<NaiveDate>,
}

/// An organisation's name and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkOrganisation {
    pub name: String,
    pub org_type: OrganisationType,
}

fn org_key(id: i64) -> String {
    format!("org-{id}")
}

/// The projects on the path of `start`'s idea: itself, and each adopter's own project that
/// took up a project already on the path.
pub fn path_of(start: i64, adoptions: &[NetworkAdoption]) -> HashSet<i64> {
    let mut on_path = HashSet::from([start]);
    let mut frontier = vec![start];
    while let Some(project) = frontier.pop() {
        for a in adoptions.iter().filter(|a| a.project_id == project) {
            if let Some(next) = a.adopting_project_id
                && a.adopted_on.is_some()
                && on_path.insert(next)
            {
                frontier.push(next);
            }
        }
    }
    on_path
}

/// The network of `projects` and their `adoptions`, as `query` narrows it (its theme already
/// applied to `projects`). On a project's path, only its adoptions make links: partners of the
/// projects on it are not the idea travelling.
pub fn build(
    query: &NetworkQuery,
    organisations: &HashMap<i64, NetworkOrganisation>,
    projects: &[NetworkProject],
    adoptions: &[NetworkAdoption],
) -> SpreadNetwork {
    let path = query.project_id.map(|p| path_of(p, adoptions));
    let on_path = |id: i64| path.as_ref().is_none_or(|p| p.contains(&id));
    let by_id: HashMap<i64, &NetworkProject> = projects
        .iter()
        .filter(|p| on_path(p.id))
        .map(|p| (p.id, p))
        .collect();
    let mut nodes: BTreeMap<String, NetworkNode> = BTreeMap::new();
    let org_node = |nodes: &mut BTreeMap<String, NetworkNode>, id: i64| -> Option<String> {
        let org = organisations.get(&id)?;
        let key = org_key(id);
        nodes.entry(key.clone()).or_insert_with(|| NetworkNode {
            key: key.clone(),
            organisation_id: Some(id),
            name: org.name.clone(),
            org_type: Some(org.org_type),
            leads: 0,
            adopted: 0,
            adopted_within: 0,
        });
        Some(key)
    };
    let mut links: HashMap<(String, String, LinkKind), Vec<LinkProject>> = HashMap::new();
    for p in by_id.values() {
        if !query.within(p.started_on) {
            continue;
        }
        let Some(lead) = org_node(&mut nodes, p.lead_organisation_id) else {
            continue;
        };
        if let Some(node) = nodes.get_mut(&lead) {
            node.leads += 1;
        }
        if path.is_some() {
            continue;
        }
        for partner in &p.partner_ids {
            if let Some(target) = org_node(&mut nodes, *partner) {
                links
                    .entry((lead.clone(), target, LinkKind::Joint))
                    .or_default()
                    .push(LinkProject {
                        id: p.id,
                        title: p.title.clone(),
                        on: p.started_on,
                    });
            }
        }
    }
    for a in adoptions {
        let (Some(p), Some(on)) = (by_id.get(&a.project_id), a.adopted_on) else {
            continue;
        };
        if !query.within(on) {
            continue;
        }
        let Some(lead) = org_node(&mut nodes, p.lead_organisation_id) else {
            continue;
        };
        let target = match (a.organisation_id, &a.outside) {
            (Some(o), _) if o == p.lead_organisation_id => {
                if let Some(node) = nodes.get_mut(&lead) {
                    node.adopted_within += 1;
                }
                continue;
            }
            (Some(o), _) => org_node(&mut nodes, o),
            (None, Some(name)) => {
                let key = format!("outside-{name}");
                nodes.entry(key.clone()).or_insert_with(|| NetworkNode {
                    key: key.clone(),
                    organisation_id: None,
                    name: name.clone(),
                    org_type: None,
                    leads: 0,
                    adopted: 0,
                    adopted_within: 0,
                });
                Some(key)
            }
            (None, None) => None,
        };
        let Some(target) = target else { continue };
        if let Some(node) = nodes.get_mut(&target) {
            node.adopted += 1;
        }
        links
            .entry((lead, target, LinkKind::Adoption))
            .or_default()
            .push(LinkProject {
                id: p.id,
                title: p.title.clone(),
                on,
            });
    }
    let mut links: Vec<NetworkLink> = links
        .into_iter()
        .map(|((source, target, kind), mut projects)| {
            projects.sort_by_key(|p| (p.on, p.id));
            NetworkLink {
                source,
                target,
                kind,
                projects,
            }
        })
        .collect();
    links.sort_by(|a, b| {
        b.projects
            .len()
            .cmp(&a.projects.len())
            .then_with(|| (&a.source, &a.target, a.kind).cmp(&(&b.source, &b.target, b.kind)))
    });
    let mut nodes: Vec<NetworkNode> = nodes.into_values().collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.key.cmp(&b.key)));
    SpreadNetwork { nodes, links }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn orgs() -> HashMap<i64, NetworkOrganisation> {
        (1..=4)
            .map(|id| {
                (
                    id,
                    NetworkOrganisation {
                        name: format!("Org {id}"),
                        org_type: OrganisationType::AcuteTrust,
                    },
                )
            })
            .collect()
    }

    fn project(id: i64, lead: i64, partners: &[i64], started_on: NaiveDate) -> NetworkProject {
        NetworkProject {
            id,
            title: format!("P{id}"),
            lead_organisation_id: lead,
            partner_ids: partners.to_vec(),
            started_on,
        }
    }

    fn adoption(
        project_id: i64,
        org: Option<i64>,
        next: Option<i64>,
        on: Option<NaiveDate>,
    ) -> NetworkAdoption {
        NetworkAdoption {
            project_id,
            organisation_id: org,
            outside: org.is_none().then(|| "Outside ICS".to_owned()),
            adopting_project_id: next,
            adopted_on: on,
        }
    }

    #[test]
    fn joint_projects_and_adoptions_link_organisations_in_their_period() {
        let projects = [
            project(10, 1, &[2], d(2025, 1, 1)),
            project(11, 2, &[], d(2025, 6, 1)),
        ];
        let adoptions = [
            adoption(10, Some(3), None, Some(d(2025, 3, 1))),
            adoption(10, Some(4), None, None),
            adoption(10, Some(1), None, Some(d(2025, 4, 1))),
            adoption(10, None, None, Some(d(2026, 1, 1))),
        ];
        let all = build(&NetworkQuery::default(), &orgs(), &projects, &adoptions);
        let kinds: Vec<(&str, &str, LinkKind)> = all
            .links
            .iter()
            .map(|l| (l.source.as_str(), l.target.as_str(), l.kind))
            .collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert!(kinds.contains(&("org-1", "org-2", LinkKind::Joint)));
        assert!(kinds.contains(&("org-1", "org-3", LinkKind::Adoption)));
        assert!(kinds.contains(&("org-1", "outside-Outside ICS", LinkKind::Adoption)));
        let one = all.nodes.iter().find(|n| n.key == "org-1");
        assert_eq!(one.map(|n| (n.leads, n.adopted_within)), Some((1, 1)));
        assert!(
            all.nodes.iter().all(|n| n.key != "org-4"),
            "testing is not spread"
        );

        let query = NetworkQuery {
            from: Some(d(2025, 2, 1)),
            to: Some(d(2025, 12, 31)),
            ..NetworkQuery::default()
        };
        let in_2025 = build(&query, &orgs(), &projects, &adoptions);
        assert_eq!(
            in_2025.links.iter().map(|l| l.kind).collect::<Vec<_>>(),
            [LinkKind::Adoption],
            "the joint project started before the period; the outside adoption after it"
        );
    }

    #[test]
    fn a_projects_path_follows_its_adopters_own_projects() {
        let projects = [
            project(10, 1, &[4], d(2025, 1, 1)),
            project(11, 2, &[], d(2025, 6, 1)),
            project(12, 3, &[], d(2025, 9, 1)),
            project(13, 4, &[], d(2025, 9, 1)),
        ];
        let adoptions = [
            adoption(10, Some(2), Some(11), Some(d(2025, 5, 1))),
            adoption(11, Some(3), Some(12), Some(d(2025, 8, 1))),
            adoption(13, Some(1), None, Some(d(2025, 10, 1))),
        ];
        assert_eq!(path_of(10, &adoptions), HashSet::from([10, 11, 12]));
        let query = NetworkQuery {
            project_id: Some(10),
            ..NetworkQuery::default()
        };
        let path = build(&query, &orgs(), &projects, &adoptions);
        let links: Vec<(&str, &str)> = path
            .links
            .iter()
            .map(|l| (l.source.as_str(), l.target.as_str()))
            .collect();
        assert_eq!(links.len(), 2);
        assert!(links.contains(&("org-1", "org-2")) && links.contains(&("org-2", "org-3")));
        assert!(
            path.links.iter().all(|l| l.kind == LinkKind::Adoption),
            "no partners on a path"
        );
    }

    #[test]
    fn a_query_checks_its_theme_and_period() {
        let bad = NetworkQuery {
            from: Some(d(2026, 1, 2)),
            to: Some(d(2026, 1, 1)),
            theme: Some("x".repeat(51)),
            project_id: None,
        };
        let fields: Vec<String> = bad
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["theme", "to"]);
        let ok = NetworkQuery {
            theme: Some(" Falls ".into()),
            ..NetworkQuery::default()
        };
        assert_eq!(ok.validate().ok(), Some(Some("falls".to_owned())));
    }
}
