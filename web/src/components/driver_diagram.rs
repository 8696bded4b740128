//! A driver diagram drawn as SVG: aim -> primary drivers -> secondary drivers -> change ideas,
//! left to right, each parent centred on its children. Readable on screen and in print, with the
//! same tree as a nested list for screen readers.

use qi_shared::improvement::DriverDiagram;
use yew::prelude::*;

const COLUMN_WIDTH: f64 = 230.0;
const GAP: f64 = 40.0;
const ROW_HEIGHT: f64 = 78.0;
const BOX_HEIGHT: f64 = 64.0;
const CHARS_PER_LINE: usize = 30;
const MAX_LINES: usize = 3;

/// Splits text into at most three lines for a box, ending with an ellipsis when cut.
pub fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty()
            && current.chars().count() + 1 + word.chars().count() > CHARS_PER_LINE
        {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        if let Some(last) = lines.last_mut() {
            let kept: String = last
                .chars()
                .take(CHARS_PER_LINE.saturating_sub(1))
                .collect();
            *last = format!("{kept}…");
        }
    }
    lines
}

struct Placed {
    column: usize,
    /// Centre of the box, in rows (may be fractional for a parent).
    row: f64,
    text: String,
    parent: Option<usize>,
}

/// Places every node: leaves take the next row; a parent sits at the middle of its children.
fn layout(diagram: &DriverDiagram) -> Vec<Placed> {
    let mut placed = vec![Placed {
        column: 0,
        row: 0.0,
        text: diagram.aim.clone(),
        parent: None,
    }];
    let mut next = 0.0;
    let mut take_row = || {
        let row = next;
        next += 1.0;
        row
    };
    let mut primary_rows = Vec::new();
    for primary in &diagram.primary_drivers {
        let p = placed.len();
        placed.push(Placed {
            column: 1,
            row: 0.0,
            text: primary.text.clone(),
            parent: Some(0),
        });
        let mut rows = Vec::new();
        for secondary in &primary.secondary_drivers {
            let s = placed.len();
            placed.push(Placed {
                column: 2,
                row: 0.0,
                text: secondary.text.clone(),
                parent: Some(p),
            });
            let mut idea_rows = Vec::new();
            for idea in &secondary.change_ideas {
                let row = take_row();
                placed.push(Placed {
                    column: 3,
                    row,
                    text: idea.text.clone(),
                    parent: Some(s),
                });
                idea_rows.push(row);
            }
            let row = if idea_rows.is_empty() {
                take_row()
            } else {
                average(&idea_rows)
            };
            placed[s].row = row;
            rows.push(row);
        }
        for idea in &primary.change_ideas {
            let row = take_row();
            placed.push(Placed {
                column: 3,
                row,
                text: idea.text.clone(),
                parent: Some(p),
            });
            rows.push(row);
        }
        let row = if rows.is_empty() {
            take_row()
        } else {
            average(&rows)
        };
        placed[p].row = row;
        primary_rows.push(row);
    }
    placed[0].row = average(&primary_rows);
    placed
}

fn average(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

#[derive(Properties, PartialEq)]
pub struct DriverDiagramProps {
    pub diagram: DriverDiagram,
}

#[function_component(DriverDiagramView)]
pub fn driver_diagram_view(props: &DriverDiagramProps) -> Html {
    let d = &props.diagram;
    if d.primary_drivers.is_empty() {
        return html! { <p class="empty">{ "No driver diagram yet." }</p> };
    }
    let placed = layout(d);
    let rows = placed.iter().map(|p| p.row).fold(0.0_f64, f64::max) + 1.0;
    let width = 4.0 * COLUMN_WIDTH + 3.0 * GAP;
    let height = rows * ROW_HEIGHT;
    let x = |column: usize| column as f64 * (COLUMN_WIDTH + GAP);
    let y = |row: f64| row * ROW_HEIGHT + (ROW_HEIGHT - BOX_HEIGHT) / 2.0;
    let headings = [
        "Aim",
        "Primary drivers",
        "Secondary drivers",
        "Change ideas",
    ];
    let class = [
        "dd-box dd-box--aim",
        "dd-box dd-box--primary",
        "dd-box dd-box--secondary",
        "dd-box dd-box--idea",
    ];
    html! {
        <figure class="driver-diagram">
            // Focusable, so keyboard users can scroll a diagram wider than the screen.
            <div class="driver-diagram__scroll" tabindex="0" role="region" aria-label="Driver diagram, scrolls sideways">
                <svg viewBox={format!("0 -28 {width} {}", height + 28.0)} width={width.to_string()} height={(height + 28.0).to_string()}
                    role="img" aria-labelledby="dd-title" xmlns="http://www.w3.org/2000/svg">
                    <title id="dd-title">{ "Driver diagram (the same tree follows as a list)" }</title>
                    { for headings.iter().enumerate().map(|(i, h)| html! {
                        <text class="dd-heading" x={x(i).to_string()} y="-10">{ *h }</text>
                    }) }
                    { for placed.iter().filter_map(|p| {
                        let parent = &placed[p.parent?];
                        let (x1, y1) = (x(parent.column) + COLUMN_WIDTH, y(parent.row) + BOX_HEIGHT / 2.0);
                        let (x2, y2) = (x(p.column), y(p.row) + BOX_HEIGHT / 2.0);
                        let mid = (x1 + x2) / 2.0;
                        Some(html! { <path class="dd-link" d={format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}")} /> })
                    }) }
                    { for placed.iter().map(|p| {
                        let lines = wrap(&p.text);
                        let top = y(p.row) + BOX_HEIGHT / 2.0 - (lines.len() as f64 - 1.0) * 8.0 + 5.0;
                        html! {
                            <g>
                                <rect class={class[p.column.min(3)]} x={x(p.column).to_string()} y={y(p.row).to_string()}
                                    width={COLUMN_WIDTH.to_string()} height={BOX_HEIGHT.to_string()} rx="4" />
                                <text class="dd-text" x={(x(p.column) + 10.0).to_string()} y={top.to_string()}>
                                    { for lines.iter().enumerate().map(|(i, line)| html! {
                                        <tspan x={(x(p.column) + 10.0).to_string()} dy={if i == 0 { "0".to_owned() } else { "16".to_owned() }}>{ line }</tspan>
                                    }) }
                                </text>
                            </g>
                        }
                    }) }
                </svg>
            </div>
            <figcaption>
                <details class="details">
                    <summary>{ "The driver diagram as a list" }</summary>
                    <p>{ format!("Aim: {}", d.aim) }</p>
                    <ul>
                        { for d.primary_drivers.iter().map(|p| html! {
                            <li>{ format!("Primary driver: {}", p.text) }
                                <ul>
                                    { for p.secondary_drivers.iter().map(|s| html! {
                                        <li>{ format!("Secondary driver: {}", s.text) }
                                            <ul>{ for s.change_ideas.iter().map(|c| html! { <li>{ format!("Change idea: {}", c.text) }</li> }) }</ul>
                                        </li>
                                    }) }
                                    { for p.change_ideas.iter().map(|c| html! { <li>{ format!("Change idea: {}", c.text) }</li> }) }
                                </ul>
                            </li>
                        }) }
                    </ul>
                </details>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qi_shared::improvement::{ChangeIdeaNode, PrimaryDriver, SecondaryDriver};

    #[test]
    fn long_text_wraps_to_three_lines() {
        let lines = wrap(
            "Every patient admitted to ward seven has a falls risk assessment within twenty four hours of arrival, every time",
        );
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.chars().count() <= CHARS_PER_LINE));
        assert!(lines[2].ends_with('…'));
    }

    #[test]
    fn parents_sit_in_the_middle_of_their_children() {
        let idea = |t: &str| ChangeIdeaNode {
            id: None,
            text: t.into(),
        };
        let diagram = DriverDiagram {
            aim: "Aim".into(),
            primary_drivers: vec![PrimaryDriver {
                id: None,
                text: "P".into(),
                secondary_drivers: vec![SecondaryDriver {
                    id: None,
                    text: "S".into(),
                    change_ideas: vec![idea("A"), idea("B")],
                }],
                change_ideas: vec![idea("C")],
            }],
        };
        let placed = layout(&diagram);
        let row = |text: &str| placed.iter().find(|p| p.text == text).map(|p| p.row);
        assert_eq!(
            (row("A"), row("B"), row("C")),
            (Some(0.0), Some(1.0), Some(2.0))
        );
        assert_eq!(row("S"), Some(0.5));
        assert_eq!(row("P"), Some(1.25));
        assert_eq!(row("Aim"), Some(1.25));
    }
}
