//! The board pack as a PDF, made by the server with krilla: A4 pages with the summary table
//! (the icons and the charts are the app's own SVG, drawn as vectors by krilla-svg), the
//! targets and the charts two to a row. The font (DejaVu Sans, `api/assets/fonts`, its licence
//! beside it) is compiled in and subset into each file: nothing is read from the system or
//! fetched.
//!
//! Laying out and painting are apart: [`layout`] places every piece of text, rule and picture
//! on its page, then [`paint`] draws them. Text is measured with the font's own advances, so a
//! narrative wraps where it will be drawn.

use std::sync::{Arc, OnceLock};

use krilla::{
    Document,
    color::rgb,
    geom::{PathBuilder, Point, Rect, Size, Transform},
    metadata::Metadata,
    page::PageSettings,
    paint::{Fill, Stroke},
    text::{Font, TextDirection},
};
use krilla_svg::{SurfaceExt, SvgSettings};
use qi_shared::{
    chart::{assurance_icon_svg, variation_icon_svg},
    dashboard::board_pack::{BoardPack, RowKind},
};

use super::{as_of_line, period_text};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "DejaVu Sans";

/// A4, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 36.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Where content stops, above the footer.
const BOTTOM: f32 = PAGE_H - MARGIN - 14.0;

const TEXT: (u8, u8, u8) = (29, 29, 27);
const MUTED: (u8, u8, u8) = (76, 98, 114);
const RULE: (u8, u8, u8) = (216, 221, 224);
const BLUE: (u8, u8, u8) = (0, 94, 184);
const GREEN: (u8, u8, u8) = (0, 127, 59);
const ORANGE: (u8, u8, u8) = (184, 64, 15);

/// The charts' drawing size in SVG pixels, and on the page.
const CHART_PX: (u32, u32) = (640, 300);
const CHART_GAP: f32 = 12.0;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the shipped font could not be read")]
    Font,
    #[error("writing the PDF: {0:?}")]
    Write(krilla::error::KrillaError),
}

/// One thing drawn on a page.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: (u8, u8, u8),
        text: String,
    },
    Rule {
        x: f32,
        y: f32,
        w: f32,
        width: f32,
        colour: (u8, u8, u8),
    },
    Svg {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        tree: Box<usvg::Tree>,
    },
}

/// Text widths from the font's advances.
struct Measure {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Measure {
    fn new() -> Result<Self, PdfError> {
        Ok(Self {
            regular: ttf_parser::Face::parse(REGULAR, 0).map_err(|_| PdfError::Font)?,
            bold: ttf_parser::Face::parse(BOLD, 0).map_err(|_| PdfError::Font)?,
        })
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 / f32::from(face.units_per_em()) * size
    }

    /// `text` broken into lines no wider than `width`, at spaces (a word too long for a line
    /// is broken where it must be).
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if self.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// The fonts the charts' SVG is drawn with: the shipped font alone, for every family named.
fn font_db() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

fn svg_tree(svg: &str) -> Option<usvg::Tree> {
    let options = usvg::Options {
        font_family: FAMILY.to_owned(),
        fontdb: font_db(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).ok()
}

struct Layout<'a> {
    measure: &'a Measure,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` more fits on this one.
    fn room_for(&mut self, height: f32) -> bool {
        if self.y + height > BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, colour: (u8, u8, u8), text: &str) {
        if text.is_empty() {
            return;
        }
        self.ops().push(Op::Text {
            x,
            y,
            size,
            bold,
            colour,
            text: text.to_owned(),
        });
    }

    fn rule(&mut self, y: f32, width: f32, colour: (u8, u8, u8)) {
        self.ops().push(Op::Rule {
            x: MARGIN,
            y,
            w: CONTENT_W,
            width,
            colour,
        });
    }

    fn heading(&mut self, text: &str, space_after: f32) {
        self.room_for(40.0 + space_after);
        self.y += 14.0;
        self.text(MARGIN, self.y, 13.0, true, TEXT, text);
        self.y += 5.0;
        self.rule(self.y, 1.5, BLUE);
        self.y += 10.0;
    }

    /// A table header row over `columns` (x offset, width, title).
    fn header(&mut self, columns: &[(f32, f32, &str)]) {
        let size = 7.5;
        let lines: Vec<Vec<String>> = columns
            .iter()
            .map(|(_, w, title)| self.measure.wrap(title, size, true, *w - 4.0))
            .collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * 9.5 + 6.0;
        for ((x, _, _), lines) in columns.iter().zip(&lines) {
            for (i, line) in lines.iter().enumerate() {
                let y = self.y + 9.0 + i as f32 * 9.5;
                self.text(MARGIN + x, y, size, true, MUTED, line);
            }
        }
        self.y += height;
        self.rule(self.y, 0.8, MUTED);
    }
}

const SUMMARY: [(f32, f32, &str); 6] = [
    (0.0, 146.0, "Measure"),
    (148.0, 58.0, "Latest"),
    (208.0, 46.0, "Target"),
    (256.0, 48.0, "Variation"),
    (306.0, 50.0, "Assurance"),
    (358.0, CONTENT_W - 358.0, "Narrative"),
];

const TARGETS: [(f32, f32, &str); 5] = [
    (0.0, 206.0, "Target"),
    (208.0, 92.0, "Period"),
    (302.0, 55.0, "Now"),
    (359.0, 60.0, "Expected by now"),
    (421.0, CONTENT_W - 421.0, "Status"),
];

fn layout(pack: &BoardPack, measure: &Measure) -> Vec<Vec<Op>> {
    let mut l = Layout {
        measure,
        pages: vec![Vec::new()],
        y: MARGIN,
    };
    // The title.
    let title = format!("Board pack: {}", pack.scope_name());
    for line in measure.wrap(&title, 18.0, true, CONTENT_W) {
        l.y += 20.0;
        l.text(MARGIN, l.y, 18.0, true, TEXT, &line);
    }
    l.y += 16.0;
    l.text(MARGIN, l.y, 11.0, false, TEXT, &pack.month_name());
    l.y += 13.0;
    let scope = if pack.organisation_id.is_some() {
        pack.partnership_name.clone()
    } else {
        "The whole partnership".to_owned()
    };
    l.text(MARGIN, l.y, 8.5, false, MUTED, &scope);
    l.y += 11.0;
    l.text(MARGIN, l.y, 8.5, false, MUTED, &as_of_line(pack));
    l.y += 6.0;

    summary(&mut l, pack);
    targets(&mut l, pack);
    charts(&mut l, pack);
    l.pages
}

fn summary(l: &mut Layout<'_>, pack: &BoardPack) {
    l.heading("Summary", 30.0);
    l.header(&SUMMARY);
    let size = 7.5;
    let line_h = 9.5;
    for row in &pack.rows {
        let mut name = l.measure.wrap(&row.name, size, true, SUMMARY[0].1 - 4.0);
        let mut name_lines = name.len();
        if let Some(project) = &row.project_title {
            let more = l.measure.wrap(
                &format!("Project: {project}"),
                6.5,
                false,
                SUMMARY[0].1 - 4.0,
            );
            name_lines += more.len();
            name.extend(more);
        }
        let narrative = row.narrative.as_ref().map_or_else(
            || vec!["–".to_owned()],
            |n| l.measure.wrap(&n.text, size, false, SUMMARY[5].1 - 2.0),
        );
        let mut latest = vec![row.value_text.clone()];
        if let (RowKind::Measure, Some(date)) = (row.kind, row.value_date) {
            latest.push(date.format("%-d %b %Y").to_string());
        }
        let lines = name_lines.max(narrative.len()).max(latest.len());
        let height = (lines as f32 * line_h).max(20.0) + 6.0;
        if l.room_for(height) {
            l.header(&SUMMARY);
        }
        let top = l.y;
        let baseline = top + 3.0 + 8.0;
        let project_from = l
            .measure
            .wrap(&row.name, size, true, SUMMARY[0].1 - 4.0)
            .len();
        for (i, line) in name.iter().enumerate() {
            let (bold, colour, s) = if i < project_from {
                (true, TEXT, size)
            } else {
                (false, MUTED, 6.5)
            };
            l.text(
                MARGIN + SUMMARY[0].0,
                baseline + i as f32 * line_h,
                s,
                bold,
                colour,
                line,
            );
        }
        for (i, line) in latest.iter().enumerate() {
            let s = if i == 0 { size } else { 6.5 };
            l.text(
                MARGIN + SUMMARY[1].0,
                baseline + i as f32 * line_h,
                s,
                i == 0,
                if i == 0 { TEXT } else { MUTED },
                line,
            );
        }
        let target = if row.target_text.is_empty() {
            "–"
        } else {
            &row.target_text
        };
        l.text(MARGIN + SUMMARY[2].0, baseline, size, false, TEXT, target);
        let icons = [
            (
                SUMMARY[3].0,
                row.reading.variation_icon.map(variation_icon_svg),
            ),
            (
                SUMMARY[4].0,
                row.reading.assurance_icon.map(assurance_icon_svg),
            ),
        ];
        for (x, svg) in icons {
            match svg.as_deref().and_then(svg_tree) {
                Some(tree) => l.ops().push(Op::Svg {
                    x: MARGIN + x + 2.0,
                    y: top + 2.0,
                    w: 18.0,
                    h: 18.0,
                    tree: Box::new(tree),
                }),
                None => l.text(MARGIN + x + 8.0, baseline, size, false, MUTED, "–"),
            }
        }
        for (i, line) in narrative.iter().enumerate() {
            l.text(
                MARGIN + SUMMARY[5].0,
                baseline + i as f32 * line_h,
                size,
                false,
                TEXT,
                line,
            );
        }
        l.y += height;
        l.rule(l.y, 0.5, RULE);
    }
    l.y += 4.0;
    let key = "Variation: H/L in blue, special-cause improvement; in orange, concern; ~ in grey, \
               common cause; – fewer than 12 points (a run chart). Assurance: P the target will \
               be met, F it will not, ? hit and miss; – no target. A metric's latest value is \
               the month's figure; a measure's, its latest point.";
    for line in l.measure.wrap(key, 6.5, false, CONTENT_W) {
        l.room_for(9.0);
        l.y += 8.5;
        l.text(MARGIN, l.y, 6.5, false, MUTED, &line);
    }
}

fn targets(l: &mut Layout<'_>, pack: &BoardPack) {
    l.heading("Targets and their progress", 30.0);
    if pack.targets.is_empty() {
        l.y += 10.0;
        l.text(
            MARGIN,
            l.y,
            8.0,
            false,
            MUTED,
            "No strategy targets cover this month.",
        );
        l.y += 6.0;
        return;
    }
    l.header(&TARGETS);
    let size = 7.5;
    let line_h = 9.5;
    for t in &pack.targets {
        let label = l.measure.wrap(&t.label, size, true, TARGETS[0].1 - 4.0);
        let explanation = l
            .measure
            .wrap(&t.explanation, 6.5, false, TARGETS[0].1 - 4.0);
        let status = l.measure.wrap(&t.status, size, true, TARGETS[4].1 - 2.0);
        let period = l
            .measure
            .wrap(&period_text(t), size, false, TARGETS[1].1 - 4.0);
        let lines = (label.len() + explanation.len())
            .max(status.len())
            .max(period.len());
        let height = lines as f32 * line_h + 6.0;
        if l.room_for(height) {
            l.header(&TARGETS);
        }
        let baseline = l.y + 11.0;
        for (i, line) in label.iter().enumerate() {
            l.text(MARGIN, baseline + i as f32 * line_h, size, true, TEXT, line);
        }
        for (i, line) in explanation.iter().enumerate() {
            let y = baseline + (label.len() + i) as f32 * line_h;
            l.text(MARGIN, y, 6.5, false, MUTED, line);
        }
        for (i, line) in period.iter().enumerate() {
            let y = baseline + i as f32 * line_h;
            l.text(MARGIN + TARGETS[1].0, y, size, false, TEXT, line);
        }
        l.text(
            MARGIN + TARGETS[2].0,
            baseline,
            size,
            false,
            TEXT,
            &t.current_text,
        );
        l.text(
            MARGIN + TARGETS[3].0,
            baseline,
            size,
            false,
            TEXT,
            &t.expected_text,
        );
        let colour = match t.on_track {
            Some(true) => GREEN,
            Some(false) => ORANGE,
            None => MUTED,
        };
        for (i, line) in status.iter().enumerate() {
            let y = baseline + i as f32 * line_h;
            l.text(MARGIN + TARGETS[4].0, y, size, true, colour, line);
        }
        l.y += height;
        l.rule(l.y, 0.5, RULE);
    }
}

fn charts(l: &mut Layout<'_>, pack: &BoardPack) {
    l.new_page();
    l.heading("Charts", 0.0);
    let w = (CONTENT_W - CHART_GAP) / 2.0;
    let h = w * CHART_PX.1 as f32 / CHART_PX.0 as f32;
    let caption = 10.0;
    let mut column = 0;
    for row in &pack.rows {
        if column == 0 {
            l.room_for(h + caption + CHART_GAP);
        }
        let x = MARGIN + column as f32 * (w + CHART_GAP);
        let y = l.y;
        match row
            .chart_svg(CHART_PX.0, CHART_PX.1)
            .as_deref()
            .and_then(svg_tree)
        {
            Some(tree) => l.ops().push(Op::Svg {
                x,
                y,
                w,
                h,
                tree: Box::new(tree),
            }),
            None => l.text(
                x,
                l.y + 14.0,
                8.0,
                false,
                MUTED,
                &format!("{}: no data yet", row.name),
            ),
        }
        if let Some(project) = &row.project_title {
            let line = l
                .measure
                .wrap(&format!("Project: {project}"), 6.5, false, w)
                .into_iter()
                .next()
                .unwrap_or_default();
            l.text(x, l.y + h + 8.0, 6.5, false, MUTED, &line);
        }
        column += 1;
        if column == 2 {
            column = 0;
            l.y += h + caption + CHART_GAP;
        }
    }
}

fn fill(colour: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        ..Fill::default()
    }
}

fn paint(pack: &BoardPack, pages: Vec<Vec<Op>>) -> Result<Vec<u8>, PdfError> {
    let regular = Font::new(REGULAR.into(), 0).ok_or(PdfError::Font)?;
    let bold = Font::new(BOLD.into(), 0).ok_or(PdfError::Font)?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!(
                "Board pack: {} – {}",
                pack.scope_name(),
                pack.month_name()
            ))
            .creator("QI Commons".to_owned())
            .language("en-GB".to_owned()),
    );
    let count = pages.len();
    let settings = PageSettings::new(Size::from_wh(PAGE_W, PAGE_H).ok_or(PdfError::Font)?);
    for (number, ops) in pages.into_iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let footer = format!(
            "{} · {} · page {} of {count}",
            pack.scope_name(),
            pack.month_name(),
            number + 1
        );
        let footer_op = Op::Text {
            x: MARGIN,
            y: PAGE_H - MARGIN + 4.0,
            size: 7.0,
            bold: false,
            colour: MUTED,
            text: footer,
        };
        for op in ops.iter().chain(std::iter::once(&footer_op)) {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: is_bold,
                    colour,
                    text,
                } => {
                    surface.set_fill(Some(fill(*colour)));
                    let font = if *is_bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rule {
                    x,
                    y,
                    w,
                    width,
                    colour,
                } => {
                    let Some(rect) = Rect::from_xywh(*x, *y - width / 2.0, *w, *width) else {
                        continue;
                    };
                    let mut path = PathBuilder::new();
                    path.push_rect(rect);
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(fill(*colour)));
                        surface.set_stroke(None::<Stroke>);
                        surface.draw_path(&path);
                    }
                }
                Op::Svg { x, y, w, h, tree } => {
                    let Some(size) = Size::from_wh(*w, *h) else {
                        continue;
                    };
                    surface.push_transform(&Transform::from_translate(*x, *y));
                    surface.draw_svg(tree, size, SvgSettings::default());
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(PdfError::Write)
}

/// The pack as a PDF. CPU-bound (tens of milliseconds): call it on a blocking thread.
pub fn render(pack: &BoardPack) -> Result<Vec<u8>, PdfError> {
    let measure = Measure::new()?;
    let pages = layout(pack, &measure);
    paint(pack, pages)
}
