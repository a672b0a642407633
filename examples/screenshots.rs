//! Renders the README screenshots from the real explorer into SVG (plus a plain-text twin of each).
//!
//! ```text
//! cargo run --example screenshots            # writes assets/*.svg and assets/*.txt
//! cargo run --example screenshots -- OUTDIR  # writes them to OUTDIR instead
//! ```
//!
//! Each screen is drawn headless into ratatui's `TestBackend` by the same `render` the
//! terminal uses, then the buffer is converted cell by cell, so the pictures cannot drift
//! from the program.

use anyhow::{Context, bail};
use permscope::model::catalog::Catalog;
use permscope::model::query::Sort;
use permscope::tui::action::Action;
use permscope::tui::app::App;
use permscope::tui::keymap::Keymap;
use permscope::tui::theme::Theme;
use permscope::tui::view::{ViewState, buffer_text, render};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One screenshot: a name, a terminal size, a theme and the actions that lead to the screen.
struct Shot {
    name: &'static str,
    size: (u16, u16),
    theme: fn() -> Theme,
    setup: fn(&mut App) -> anyhow::Result<()>,
}

const SHOTS: [Shot; 9] = [
    Shot {
        name: "explorer",
        size: (120, 36),
        theme: Theme::colour,
        setup: |_| Ok(()),
    },
    Shot {
        name: "search",
        size: (120, 36),
        theme: Theme::colour,
        setup: search,
    },
    Shot {
        name: "grouped-risk",
        size: (120, 36),
        theme: Theme::colour,
        setup: grouped_by_risk,
    },
    Shot {
        name: "detail-wide",
        size: (170, 40),
        theme: Theme::colour,
        setup: nakivo_only,
    },
    Shot {
        name: "help",
        size: (120, 36),
        theme: Theme::colour,
        setup: |app| {
            app.update(Action::ToggleHelp);
            Ok(())
        },
    },
    Shot {
        name: "power",
        size: (120, 40),
        theme: Theme::colour,
        setup: power_of_xopero_one,
    },
    Shot {
        name: "compare-power",
        size: (140, 44),
        theme: Theme::colour,
        setup: compare_nakivo_and_express,
    },
    Shot {
        name: "catalog",
        size: (140, 44),
        theme: Theme::colour,
        setup: catalog_mail_scopes,
    },
    Shot {
        name: "mono-narrow",
        size: (80, 24),
        theme: Theme::mono,
        setup: |_| Ok(()),
    },
];

/// Filter input still open, cursor one row down, so the match highlighting shows.
fn search(app: &mut App) -> anyhow::Result<()> {
    app.update(Action::OpenFilter);
    for c in "mailrw".chars() {
        app.update(Action::InputChar(c));
    }
    app.update(Action::MoveDown);
    Ok(())
}

/// One row per distinct permission, riskiest first.
fn grouped_by_risk(app: &mut App) -> anyhow::Result<()> {
    app.update(Action::ToggleGrouping);
    for _ in 0..Sort::ALL.len() {
        if app.sort == Sort::Risk {
            return Ok(());
        }
        app.update(Action::CycleSort);
    }
    bail!("CycleSort never reached the risk order")
}

/// Only NAKIVO's rows, chosen through the product picker as a user would.
fn nakivo_only(app: &mut App) -> anyhow::Result<()> {
    app.update(Action::PickProducts);
    let picker = app.picker.as_ref().context("the product picker did not open")?;
    let index = picker
        .options
        .iter()
        .position(|slug| slug == "nakivo")
        .context("no `nakivo` product in the bundled catalog")?;
    for _ in 0..index {
        app.update(Action::MoveDown);
    }
    app.update(Action::PickerToggle);
    app.update(Action::PickerAccept);
    if app.entries.is_empty() {
        bail!("filtering on nakivo left no rows");
    }
    Ok(())
}

/// The effective-power layer (`e`) on a row of xopero-one's registrator.
fn power_of_xopero_one(app: &mut App) -> anyhow::Result<()> {
    let row = app
        .entries
        .iter()
        .position(|e| {
            let r = &app.catalog.requirements[e.rows()[0]];
            app.catalog.products[r.product].slug == "xopero-one"
        })
        .context("no xopero-one row")?;
    for _ in 0..row {
        app.update(Action::MoveDown);
    }
    app.update(Action::OpenPower);
    if app.power.layer.is_none() {
        bail!("the effective-power layer did not open");
    }
    Ok(())
}

/// The compare view of NAKIVO and AvePoint Cloud Backup Express, chosen in the picker.
fn compare_nakivo_and_express(app: &mut App) -> anyhow::Result<()> {
    app.update(Action::OpenCompare);
    let options = app
        .picker
        .as_ref()
        .context("the compare picker did not open")?
        .options
        .clone();
    for slug in ["nakivo", "avepoint-cloud-backup-express"] {
        let index = options.iter().position(|o| o == slug).context("product missing")?;
        app.update(Action::MoveTop);
        for _ in 0..index {
            app.update(Action::MoveDown);
        }
        app.update(Action::PickerToggle);
    }
    app.update(Action::PickerAccept);
    if app.compare.is_none() {
        bail!("the compare view did not open");
    }
    Ok(())
}

/// The catalog mode (`M`): Microsoft Graph's application permissions matching
/// `mail`, Mail.ReadBasic.All and Mail.Send selected from scratch, the cursor
/// on Mail.Send (which no bundled vendor asks for).
fn catalog_mail_scopes(app: &mut App) -> anyhow::Result<()> {
    app.update(Action::OpenCatalog);
    app.update(Action::CycleType);
    app.update(Action::OpenFilter);
    for c in "mail".chars() {
        app.update(Action::InputChar(c));
    }
    app.update(Action::AcceptFilter);
    for name in ["Mail.ReadBasic.All", "Mail.Send"] {
        let view = app.catalog_view.as_ref().context("the catalog mode did not open")?;
        let at = view
            .visible
            .iter()
            .position(|&i| view.rows[i].name == name && app.catalog.apis[view.rows[i].api].short == "Graph")
            .with_context(|| format!("{name} is not among the catalog's rows for `mail`"))?;
        app.update(Action::MoveTop);
        for _ in 0..at {
            app.update(Action::MoveDown);
        }
        app.update(Action::ToggleSelect);
    }
    // Space moved on: back to Mail.Send.
    app.update(Action::MoveUp);
    if app.selection.len() != 2 {
        bail!("selecting two catalog rows gave {}", app.selection.len());
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let out_dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("assets"),
    };
    std::fs::create_dir_all(&out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;

    let (catalog, report) = Catalog::load(&[]);
    for e in &report.errors {
        eprintln!("warning: {e}");
    }
    let keymap = Keymap::default();
    for shot in &SHOTS {
        let mut app = App::new(catalog.clone());
        let (w, h) = shot.size;
        app.update(Action::Resize(w, h));
        (shot.setup)(&mut app).with_context(|| format!("setting up {}", shot.name))?;

        let mut terminal = Terminal::new(TestBackend::new(w, h))?;
        let mut view = ViewState::default();
        let theme = (shot.theme)();
        terminal.draw(|f| render(f, &app, &keymap, &theme, &mut view))?;
        let buffer = terminal.backend().buffer();

        let title = format!("permscope: {} ({w}x{h})", shot.name);
        write(&out_dir.join(format!("{}.svg", shot.name)), &to_svg(buffer, &title))?;
        let mut text = buffer_text(buffer).join("\n");
        text.push('\n');
        write(&out_dir.join(format!("{}.txt", shot.name)), &text)?;
        println!("wrote {}/{}.{{svg,txt}}", out_dir.display(), shot.name);
    }
    Ok(())
}

fn write(path: &Path, contents: &str) -> anyhow::Result<()> {
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

// ---- Buffer to SVG ------------------------------------------------------------------------

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
/// Baseline of the text within a cell, for a 14px font in a 17px row.
const BASELINE: f32 = 13.0;
const PAD: f32 = 12.0;
const BACKGROUND: &str = "#1e1e2e";
const FOREGROUND: &str = "#cdd6f4";
const FONT: &str = "DejaVu Sans Mono, Menlo, Consolas, monospace";

/// The 16 ANSI colours, in order: black, red, green, yellow, blue, magenta, cyan, gray (white),
/// then the bright versions. Chosen to read well on the dark background, with enough contrast for
/// the themes' pairings (white on blue, black on gray, white on red).
const ANSI: [&str; 16] = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#c8c8c8", "#7a7a8c", "#f14c4c",
    "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
];

/// The hex colour for `color`, or `None` for the terminal's default.
fn hex(color: Color) -> Option<String> {
    let ansi = |i: usize| Some(ANSI[i].to_string());
    match color {
        Color::Reset => None,
        Color::Black => ansi(0),
        Color::Red => ansi(1),
        Color::Green => ansi(2),
        Color::Yellow => ansi(3),
        Color::Blue => ansi(4),
        Color::Magenta => ansi(5),
        Color::Cyan => ansi(6),
        Color::Gray => ansi(7),
        Color::DarkGray => ansi(8),
        Color::LightRed => ansi(9),
        Color::LightGreen => ansi(10),
        Color::LightYellow => ansi(11),
        Color::LightBlue => ansi(12),
        Color::LightMagenta => ansi(13),
        Color::LightCyan => ansi(14),
        Color::White => ansi(15),
        Color::Rgb(r, g, b) => Some(format!("#{r:02x}{g:02x}{b:02x}")),
        Color::Indexed(i) => Some(indexed(i)),
    }
}

/// xterm's 256-colour palette.
fn indexed(i: u8) -> String {
    match i {
        0..=15 => ANSI[i as usize].to_string(),
        16..=231 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            let n = i - 16;
            format!("#{:02x}{:02x}{:02x}", level(n / 36), level(n / 6 % 6), level(n % 6))
        }
        232..=255 => {
            let v = 8 + 10 * (i - 232);
            format!("#{v:02x}{v:02x}{v:02x}")
        }
    }
}

/// What a cell looks like once REVERSED is resolved: colours as drawn, plus the text modifiers.
#[derive(Clone, PartialEq, Eq)]
struct Look {
    fg: String,
    /// `None`: the terminal background, so no rectangle is drawn.
    bg: Option<String>,
    modifier: Modifier,
}

fn look(cell: &ratatui::buffer::Cell) -> Look {
    let fg = hex(cell.fg);
    let bg = hex(cell.bg);
    if cell.modifier.contains(Modifier::REVERSED) {
        Look {
            fg: bg.unwrap_or_else(|| BACKGROUND.to_string()),
            bg: Some(fg.unwrap_or_else(|| FOREGROUND.to_string())),
            modifier: cell.modifier,
        }
    } else {
        Look {
            fg: fg.unwrap_or_else(|| FOREGROUND.to_string()),
            bg,
            modifier: cell.modifier,
        }
    }
}

/// Text safe inside an XML element: escaped, and without characters XML 1.0 forbids.
fn escape(s: &str, out: &mut String) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

fn attr_escape(s: &str) -> String {
    let mut out = String::new();
    escape(s, &mut out);
    out.replace('"', "&quot;")
}

/// A terminal-window-like SVG of `buffer`: background rectangles first, then one `<text>` per run
/// of same-styled cells, each placed on the cell grid so columns line up whatever the font.
fn to_svg(buffer: &Buffer, title: &str) -> String {
    let area = buffer.area;
    let width = area.width as f32 * CELL_W + 2.0 * PAD;
    let height = area.height as f32 * CELL_H + 2.0 * PAD;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.1}" height="{height:.1}" viewBox="0 0 {width:.1} {height:.1}" role="img" aria-label="{t}">"#,
        t = attr_escape(title)
    );
    let _ = writeln!(svg, "<title>{}</title>", attr_escape(title));
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" rx="6" fill="{BACKGROUND}"/>"#);

    let rows: Vec<Vec<(&str, Look)>> = (area.top()..area.bottom())
        .map(|y| {
            (area.left()..area.right())
                .map(|x| {
                    let cell = &buffer[(x, y)];
                    (cell.symbol(), look(cell))
                })
                .collect()
        })
        .collect();

    // Backgrounds: one rectangle per run of the same non-default colour.
    let _ = writeln!(svg, r#"<g shape-rendering="crispEdges">"#);
    for (y, row) in rows.iter().enumerate() {
        for (start, len) in runs(row, |a, b| a.1.bg == b.1.bg) {
            if let Some(bg) = &row[start].1.bg {
                let _ = writeln!(
                    svg,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{CELL_H}" fill="{bg}"/>"#,
                    PAD + start as f32 * CELL_W,
                    PAD + y as f32 * CELL_H,
                    len as f32 * CELL_W
                );
            }
        }
    }
    let _ = writeln!(svg, "</g>");

    // Text: one element per run of cells that look the same.
    let _ = writeln!(
        svg,
        r#"<g font-family="{FONT}" font-size="14px" xml:space="preserve" style="white-space: pre">"#
    );
    for (y, row) in rows.iter().enumerate() {
        for (start, len) in runs(row, |a, b| a.1.fg == b.1.fg && a.1.modifier == b.1.modifier) {
            let cells = &row[start..start + len];
            let m = cells[0].1.modifier;
            let decorated = m.intersects(Modifier::UNDERLINED | Modifier::CROSSED_OUT);
            if m.contains(Modifier::HIDDEN) || (!decorated && cells.iter().all(|(s, _)| s.trim().is_empty())) {
                continue;
            }
            let mut attrs = format!(r#" fill="{}""#, cells[0].1.fg);
            if m.contains(Modifier::BOLD) {
                attrs.push_str(r#" font-weight="bold""#);
            }
            if m.contains(Modifier::ITALIC) {
                attrs.push_str(r#" font-style="italic""#);
            }
            if m.contains(Modifier::DIM) {
                attrs.push_str(r#" opacity="0.6""#);
            }
            match (m.contains(Modifier::UNDERLINED), m.contains(Modifier::CROSSED_OUT)) {
                (true, true) => attrs.push_str(r#" text-decoration="underline line-through""#),
                (true, false) => attrs.push_str(r#" text-decoration="underline""#),
                (false, true) => attrs.push_str(r#" text-decoration="line-through""#),
                (false, false) => {}
            }
            // One element per stretch between blank cells: renderers that
            // collapse spaces despite `white-space: pre` would otherwise
            // spread the letters over the run's whole width.
            let pieces: Vec<(usize, usize)> = runs(cells, |a, b| (a.0 == " ") == (b.0 == " "))
                .into_iter()
                .filter(|&(at, _)| cells[at].0 != " ")
                .collect();
            for (at, n) in pieces {
                let mut text = String::new();
                for (symbol, _) in &cells[at..at + n] {
                    // A cell hidden behind a wide character is a reset " ": the wide glyph covers it.
                    escape(if symbol.is_empty() { " " } else { symbol }, &mut text);
                }
                let _ = writeln!(
                    svg,
                    r#"<text x="{:.1}" y="{:.1}" textLength="{:.1}" lengthAdjust="spacing"{attrs}>{text}</text>"#,
                    PAD + (start + at) as f32 * CELL_W,
                    PAD + y as f32 * CELL_H + BASELINE,
                    n as f32 * CELL_W
                );
            }
        }
    }
    let _ = writeln!(svg, "</g>");
    svg.push_str("</svg>\n");
    svg
}

/// `(start, length)` of each maximal run of neighbours that `same` considers alike.
fn runs<T>(items: &[T], same: impl Fn(&T, &T) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        if i == items.len() || !same(&items[start], &items[i]) {
            if i > start {
                out.push((start, i - start));
            }
            start = i;
        }
    }
    out
}
