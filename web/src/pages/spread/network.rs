//! The spread network: partner organisations (and adopters outside the partnership) as nodes on a
//! circle, joined by joint projects and by adoptions (an arrow from the lead organisation of the
//! project adopted to the adopter), drawn as SVG with a table of the same links for screen
//! readers; filtered by theme and period, or showing the path one project's idea travelled
//! (`?project_id=`). The rule is `qi_shared::spread::network`'s.

use std::collections::HashMap;

use chrono::NaiveDate;
use qi_shared::{
    organisation::OrganisationType,
    spread::network::{LinkKind, NetworkLink, NetworkNode, NetworkQuery, SpreadNetwork},
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::spread as api,
    components::{
        form::{Submit, TextField, error_for},
        states::{Empty, ErrorPanel, Loading},
    },
    hooks::{Load, use_load, use_query},
    route::Route,
};

/// The drawing's size, in its own units (it scales to the page's width).
const SIZE: f64 = 1000.0;
const CENTRE: f64 = SIZE / 2.0;
/// Partner organisations on this circle; adopters outside the partnership further out.
const RING: f64 = 330.0;
const OUTER_RING: f64 = 420.0;

/// Where each node sits: partner organisations around the circle by kind then name, so the
/// trusts, practices and care providers each make an arc; outside adopters on the outer ring.
fn layout(nodes: &[NetworkNode]) -> HashMap<String, (f64, f64, f64)> {
    let rank = |t: Option<OrganisationType>| match t {
        Some(OrganisationType::AcuteTrust) => 0,
        Some(OrganisationType::CommunityTrust) => 1,
        Some(OrganisationType::MentalHealthTrust) => 2,
        Some(OrganisationType::GpPractice) => 3,
        Some(OrganisationType::SocialCare) => 4,
        Some(OrganisationType::VoluntarySector) => 5,
        Some(OrganisationType::Other) => 6,
        None => 7,
    };
    let mut inner: Vec<&NetworkNode> = nodes
        .iter()
        .filter(|n| n.organisation_id.is_some())
        .collect();
    inner.sort_by(|a, b| (rank(a.org_type), &a.name).cmp(&(rank(b.org_type), &b.name)));
    let outer: Vec<&NetworkNode> = nodes
        .iter()
        .filter(|n| n.organisation_id.is_none())
        .collect();
    let mut at = HashMap::new();
    for (ring, radius) in [(inner, RING), (outer, OUTER_RING)] {
        let n = ring.len().max(1) as f64;
        for (i, node) in ring.into_iter().enumerate() {
            let angle = std::f64::consts::TAU * (i as f64) / n - std::f64::consts::FRAC_PI_2;
            at.insert(
                node.key.clone(),
                (
                    CENTRE + radius * angle.cos(),
                    CENTRE + radius * angle.sin(),
                    angle,
                ),
            );
        }
    }
    at
}

/// A node's radius: bigger for more projects led and changes adopted.
fn radius(node: &NetworkNode) -> f64 {
    5.0 + f64::from(node.leads + node.adopted + node.adopted_within).sqrt() * 2.5
}

fn link_width(link: &NetworkLink) -> f64 {
    1.0 + (link.projects.len() as f64).ln_1p() * 1.6
}

fn draw(network: &SpreadNetwork) -> Html {
    let at = layout(&network.nodes);
    let lines = network.links.iter().filter_map(|link| {
        let (x1, y1, _) = at.get(&link.source)?;
        let (x2, y2, _) = at.get(&link.target)?;
        // Stop the arrow at the target's edge.
        let r = network
            .nodes
            .iter()
            .find(|n| n.key == link.target)
            .map_or(6.0, radius);
        let (dx, dy) = (x2 - x1, y2 - y1);
        let length = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ex, ey) = (x2 - dx / length * (r + 3.0), y2 - dy / length * (r + 3.0));
        let class = match link.kind {
            LinkKind::Joint => "network__link network__link--joint",
            LinkKind::Adoption => "network__link network__link--adoption",
        };
        let marker = (link.kind == LinkKind::Adoption).then_some("url(#network-arrow)");
        Some(html! {
            <line class={class} x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{ex:.1}")} y2={format!("{ey:.1}")}
                stroke-width={format!("{:.1}", link_width(link))} marker-end={marker} />
        })
    });
    let nodes = network.nodes.iter().filter_map(|node| {
        let (x, y, angle) = *at.get(&node.key)?;
        let r = radius(node);
        // Labels outside the circle, reading away from it.
        let right = angle.cos() >= 0.0;
        let (lx, ly) = (x + angle.cos() * (r + 6.0), y + angle.sin() * (r + 6.0) + 4.0);
        let class = if node.organisation_id.is_some() {
            "network__node"
        } else {
            "network__node network__node--outside"
        };
        Some(html! {
            <g class={class}>
                <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")} />
                <text x={format!("{lx:.1}")} y={format!("{ly:.1}")} text-anchor={if right { "start" } else { "end" }}>{ short(&node.name) }</text>
            </g>
        })
    });
    html! {
        <svg class="network__drawing" viewBox={format!("-180 -40 {} {}", SIZE + 360.0, SIZE + 80.0)}
            role="img" aria-labelledby="network-title network-desc">
            <title id="network-title">{ "The spread network" }</title>
            <desc id="network-desc">{ format!("{} organisations and {} links; the table below lists every link.", network.nodes.len(), network.links.len()) }</desc>
            <defs>
                <marker id="network-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="network__arrow" />
                </marker>
            </defs>
            { for lines }
            { for nodes }
        </svg>
    }
}

/// A name short enough to label a node.
fn short(name: &str) -> String {
    let trimmed = name
        .trim_end_matches(" NHS Foundation Trust")
        .trim_end_matches(" NHS Trust");
    if trimmed.chars().count() > 28 {
        format!("{}…", trimmed.chars().take(27).collect::<String>())
    } else {
        trimmed.to_owned()
    }
}

fn table(network: &SpreadNetwork) -> Html {
    let names: HashMap<&str, &str> = network
        .nodes
        .iter()
        .map(|n| (n.key.as_str(), n.name.as_str()))
        .collect();
    let name = |key: &str| names.get(key).copied().unwrap_or(key).to_owned();
    html! {
        <table class="table network__table">
            <caption>{ "Every link of the network" }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "From (lead organisation)" }</th>
                    <th scope="col">{ "To" }</th>
                    <th scope="col">{ "Link" }</th>
                    <th scope="col">{ "Projects, with the day the link was made" }</th>
                </tr>
            </thead>
            <tbody>
                { for network.links.iter().map(|l| html! {
                    <tr>
                        <td>{ name(&l.source) }</td>
                        <td>{ name(&l.target) }</td>
                        <td>{ l.kind.label() }</td>
                        <td>
                            <ul class="network__projects">
                                { for l.projects.iter().map(|p| html! {
                                    <li>
                                        <Link<Route> to={Route::Project { id: p.id }}>{ &p.title }</Link<Route>>
                                        { format!(", {}", p.on.format("%-d %b %Y")) }
                                    </li>
                                }) }
                            </ul>
                        </td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// "1 adoption", "3 adoptions".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn date_value(day: Option<NaiveDate>) -> AttrValue {
    day.map(|d| AttrValue::from(d.to_string()))
        .unwrap_or_default()
}

#[function_component(SpreadNetworkPage)]
pub fn spread_network_page() -> Html {
    crate::browser::set_title("Spread network");
    let query: NetworkQuery = use_query();
    let navigator = use_navigator();
    let network = use_load(query.clone(), |q| async move { api::network(&q).await });
    let theme = use_state(|| query.theme.clone().unwrap_or_default());
    let from = use_state(|| date_value(query.from).to_string());
    let to = use_state(|| date_value(query.to).to_string());
    let onsubmit = {
        let (theme, from, to, navigator, project_id) = (
            theme.clone(),
            from.clone(),
            to.clone(),
            navigator.clone(),
            query.project_id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let asked = NetworkQuery {
                theme: Some(theme.trim().to_owned()).filter(|t| !t.is_empty()),
                from: NaiveDate::parse_from_str(&from, "%Y-%m-%d").ok(),
                to: NaiveDate::parse_from_str(&to, "%Y-%m-%d").ok(),
                project_id,
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::SpreadNetwork, &asked);
            }
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |v: String| state.set(v))
    };
    let errors = match &*network {
        Load::Failed(error) => error.fields(),
        _ => Vec::new(),
    };
    let path_title = match (&*network, query.project_id) {
        (Load::Loaded(found), Some(id)) => found
            .links
            .iter()
            .flat_map(|l| &l.projects)
            .find(|p| p.id == id)
            .map(|p| p.title.clone()),
        _ => None,
    };
    let body = match &*network {
        Load::Loading => html! { <Loading /> },
        Load::Failed(error) if errors.is_empty() => html! { <ErrorPanel error={error.clone()} /> },
        Load::Failed(_) => html! {},
        Load::Loaded(found) if found.links.is_empty() => html! {
            <Empty>{ if query.project_id.is_some() {
                "No organisation has adopted this project's changes yet: its idea has not travelled."
            } else {
                "No joint projects or adoptions match these filters. Try a wider period or another theme."
            } }</Empty>
        },
        Load::Loaded(found) => {
            let adoptions: usize = found
                .links
                .iter()
                .filter(|l| l.kind == LinkKind::Adoption)
                .map(|l| l.projects.len())
                .sum();
            let joint: usize = found
                .links
                .iter()
                .filter(|l| l.kind == LinkKind::Joint)
                .map(|l| l.projects.len())
                .sum();
            html! {
                <>
                    <p class="network__summary">
                        { format!("{}; {} and {} link them.", count(found.nodes.len(), "organisation"), count(adoptions, "adoption"), count(joint, "joint project")) }
                    </p>
                    <ul class="network__key" aria-hidden="true">
                        <li><span class="network__swatch network__swatch--adoption"></span>{ "Adoption: an arrow from the lead organisation to the adopter" }</li>
                        <li><span class="network__swatch network__swatch--joint"></span>{ "Joint project" }</li>
                        <li><span class="network__swatch network__swatch--outside"></span>{ "Outside the partnership" }</li>
                    </ul>
                    <figure class="network">{ draw(found) }</figure>
                    { table(found) }
                </>
            }
        }
    };
    html! {
        <>
            <span class="caption">{ "Adoption and spread" }</span>
            <h1>{ match (&path_title, query.project_id) {
                (Some(title), _) => format!("How \u{201c}{title}\u{201d} travelled"),
                (None, Some(_)) => "How this project's idea travelled".to_owned(),
                (None, None) => "Spread network".to_owned(),
            } }</h1>
            <p class="lead">{ if query.project_id.is_some() {
                "Each organisation that adopted its changes, and on through the adopters' own projects that were adopted in turn."
            } else {
                "Which organisations work together and where changes travelled: joint projects, and adoptions from the organisation that led a project to the one that took it up."
            } }</p>
            if let Some(id) = query.project_id {
                <p>
                    <Link<Route> to={Route::Project { id }}>{ "Back to the project" }</Link<Route>>
                    { " · " }
                    <Link<Route> to={Route::SpreadNetwork}>{ "The whole network" }</Link<Route>>
                </p>
            }
            <form class="filters network__filters" {onsubmit} novalidate=true>
                <TextField name="theme" label="Theme" value={(*theme).clone()} oninput={set(&theme)}
                    hint="A project theme, such as falls" error={error_for(&errors, "theme")} width="10" />
                <TextField name="from" label="Links made from" input_type="date" value={(*from).clone()} oninput={set(&from)}
                    error={error_for(&errors, "from")} />
                <TextField name="to" label="Up to" input_type="date" value={(*to).clone()} oninput={set(&to)}
                    error={error_for(&errors, "to")} />
                <Submit label="Show" busy={matches!(&*network, Load::Loading)} />
            </form>
            { body }
        </>
    }
}
