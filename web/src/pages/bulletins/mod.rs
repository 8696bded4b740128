//! The "Sharing the Learning" bulletin: the list of issues (with the Atom feed, and an editor's
//! drafts), an issue's own page (public once published; a draft's editors publish or delete it
//! there), and the editor that composes an issue from sections. They have their own routes
//! under `/bulletins`. How an issue reads, on its page and in the editor's preview, is here.

mod editor;
mod issue;
mod list;

use chrono::{DateTime, Utc};
use qi_shared::{
    bulletin::{Bulletin, BulletinEvent, BulletinProject, Section, SectionKind},
    uk_time,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    components::{awards::award_text, project_status::status_tag},
    route::{BulletinRoute, Route},
};

/// Every page under `/bulletins`.
#[function_component(Routes)]
pub fn routes() -> Html {
    html! { <Switch<BulletinRoute> render={switch} /> }
}

fn switch(route: BulletinRoute) -> Html {
    match route {
        BulletinRoute::List => html! { <list::BulletinList /> },
        BulletinRoute::New => html! { <editor::BulletinEditor id={None::<i64>} /> },
        BulletinRoute::Bulletin { id } => html! { <issue::IssuePage {id} /> },
        BulletinRoute::Edit { id } => html! { <editor::BulletinEditor id={Some(id)} /> },
        BulletinRoute::NotFound => html! { <crate::components::states::NotFound /> },
    }
}

/// "6 December 2026".
fn day_text(at: DateTime<Utc>) -> String {
    uk_time::day_of(at).format("%-d %B %Y").to_string()
}

/// The sections of an issue as readers see them. `level` is their headings' level: 2 on the
/// issue's page, 3 in the editor's preview (under its own heading).
fn sections(b: &Bulletin, level: u8, signed_in: bool) -> Html {
    html! {
        { for b.sections.iter().enumerate().map(|(i, s)| section(s, i, level, signed_in)) }
    }
}

/// In place of a section's projects or events when the reader may see none of them
/// (the server leaves out what the reader may not see: a project or event of the partnership's
/// own, for someone not signed in).
fn withheld(what: &str, signed_in: bool) -> Html {
    let text = if signed_in {
        format!("The {what} of this section are not open to you.")
    } else {
        format!(
            "The {what} of this section are shared within the partnership: sign in to see them."
        )
    };
    html! { <p class="inset-text">{ text }</p> }
}

fn heading(level: u8, id: String, text: &str) -> Html {
    if level <= 2 {
        html! { <h2 {id}>{ text.to_owned() }</h2> }
    } else {
        html! { <h3 {id}>{ text.to_owned() }</h3> }
    }
}

fn section(s: &Section, i: usize, level: u8, signed_in: bool) -> Html {
    let id = format!("section-{}", i + 1);
    // The server renders the section's Markdown and sanitises it (no scripts, event handlers,
    // styles or `javascript:` links: qi_shared::bulletin::Section::html), so it is safe to put in
    // the page as markup; the Markdown as typed (`body`) is never rendered as HTML.
    let text = (!s.html.trim().is_empty()).then(|| {
        Html::from_html_unchecked(AttrValue::from(format!(
            "<div class=\"bulletin-text\">{}</div>",
            s.html
        )))
    });
    let items = match s.kind {
        SectionKind::Text => html! {},
        SectionKind::Projects if s.projects.is_empty() => withheld("projects", signed_in),
        SectionKind::Projects => html! {
            <ul class="bulletin-projects">{ for s.projects.iter().map(|p| project(p, level, i)) }</ul>
        },
        SectionKind::Events if s.events.is_empty() => withheld("events", signed_in),
        SectionKind::Events => html! {
            <ul class="event-list">{ for s.events.iter().map(|e| event(e, level)) }</ul>
        },
        // No awards may simply mean none were given at the events picked.
        SectionKind::Awards if s.awards.is_empty() => {
            html! { <p class="inset-text">{ "No awards to show here yet." }</p> }
        }
        SectionKind::Awards => html! {
            <ul class="list award-list">
                { for s.awards.iter().map(|a| html! {
                    <li>
                        <strong>{ &a.project.title }</strong>{ format!(" ({}): ", a.project.lead_organisation.name) }
                        { award_text(a) }
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <section class="bulletin-section" aria-labelledby={id.clone()}>
            { heading(level, id, &s.heading) }
            { text.unwrap_or_default() }
            { items }
        </section>
    }
}

/// A highlighted project: where it is, its aim, and the chart of its first measure with data.
fn project(p: &BulletinProject, level: u8, section: usize) -> Html {
    let link = if p.public {
        html! { <Link<Route> to={Route::LibraryProject { id: p.id }}>{ &p.title }</Link<Route>> }
    } else {
        html! { <Link<Route> to={Route::Project { id: p.id }}>{ &p.title }</Link<Route>> }
    };
    let title = if level <= 2 {
        html! { <h3 class="project-card__title">{ link }</h3> }
    } else {
        html! { <h4 class="project-card__title">{ link }</h4> }
    };
    let chart = match (&p.chart_svg, &p.measure_name) {
        (Some(svg), Some(name)) => html! {
            <figure class="bulletin-chart">
                <div class="bulletin-chart__svg">{ chart_svg(svg, &format!("s{section}-p{}", p.id)) }</div>
                <figcaption>
                    <strong>{ name }</strong>
                    if let Some(text) = &p.chart_description { { format!(": {text}") } }
                </figcaption>
            </figure>
        },
        _ => html! {},
    };
    html! {
        <li class="project-card">
            { title }
            <div class="project-card__meta">
                { status_tag(p.status) }
                <span>{ &p.lead_organisation.name }</span>
            </div>
            <p class="project-card__aim">{ &p.aim }</p>
            { chart }
        </li>
    }
}

/// A chart the server drew, as it drew it. Its title and description carry fixed ids, made
/// unique here, as an issue shows several charts.
fn chart_svg(svg: &str, key: &str) -> Html {
    let svg = svg
        .replace("\"chart-title\"", &format!("\"chart-title-{key}\""))
        .replace("\"chart-desc\"", &format!("\"chart-desc-{key}\""));
    // Drawn by the server from the measure's numbers (qi_shared::chart, as the app draws its
    // own charts): every text in it escaped, no scripts or links, so it is safe as markup.
    Html::from_html_unchecked(AttrValue::from(svg))
}

/// When an event runs, in UK time: "Tue 8 Dec 2026, 10:00 GMT".
fn event_when(starts: DateTime<Utc>) -> String {
    format!(
        "{} {}",
        uk_time::local(starts).format("%a %-d %b %Y, %H:%M"),
        uk_time::zone_name(starts)
    )
}

fn event(e: &BulletinEvent, level: u8) -> Html {
    let link = html! { <Link<Route> to={Route::Event { id: e.id }}>{ &e.title }</Link<Route>> };
    html! {
        <li class="event-card">
            if level <= 2 {
                <h3 class="event-card__title">{ link }</h3>
            } else {
                <h4 class="event-card__title">{ link }</h4>
            }
            <p class="event-card__when">{ event_when(e.starts_at) }</p>
            <p class="event-card__meta">
                <span>{ e.kind.label() }</span>
                <span>{ &e.place }</span>
                <span>{ format!("Organised by {}", e.organiser_name) }</span>
            </p>
        </li>
    }
}
