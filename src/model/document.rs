//! A tiny document model (headings, paragraphs, lists, tables, fields, boxes)
//! written once and rendered as Markdown or as a self-contained HTML page, so
//! reports in both formats say the same thing by construction.
//!
//! Every string in a document is text, never markup: vendor documents are
//! untrusted, so both renderers escape everything they are given (Markdown
//! syntax, HTML, and characters that could act on a terminal). The page's
//! stylesheet prints: rows are never split across pages, table headers repeat
//! on each page, and wide tables wrap inside their cells instead of running
//! past the paper's edge.

use crate::model::text::{md_text, neutralise};

/// A block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    List(Vec<String>),
    /// A numbered list.
    Ordered(Vec<String>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A table with column classes, whose cells may hold line breaks (`\n`).
    Grid(Grid),
    /// Label and value pairs; an empty value is a line to write on by hand.
    Fields(Vec<(String, String)>),
    /// Small print (a legend, a caption).
    Note(String),
    /// Blocks kept together in a frame (HTML); in Markdown, the blocks as they are.
    Boxed(Vec<Block>),
    /// A new page when printed (HTML); nothing in Markdown.
    PageBreak,
    /// Lines to write on by hand, each after its label (a decision, a signature).
    Sign(Vec<String>),
}

/// A table whose columns carry a class (HTML: width and alignment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    /// The table's class (HTML), e.g. `matrix`.
    pub class: String,
    /// Column headers with their class.
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<String>>,
}

/// A document: a title and blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    pub fn para(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    pub fn list(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::List(items));
        }
    }

    pub fn ordered(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::Ordered(items));
        }
    }

    pub fn table(&mut self, header: Vec<String>, rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table { header, rows });
    }

    pub fn grid(&mut self, grid: Grid) {
        self.blocks.push(Block::Grid(grid));
    }

    pub fn fields(&mut self, fields: Vec<(String, String)>) {
        if !fields.is_empty() {
            self.blocks.push(Block::Fields(fields));
        }
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Note(text.into()));
    }

    pub fn boxed(&mut self, blocks: Vec<Block>) {
        self.blocks.push(Block::Boxed(blocks));
    }

    pub fn sign(&mut self, labels: Vec<String>) {
        self.blocks.push(Block::Sign(labels));
    }

    pub fn page_break(&mut self) {
        self.blocks.push(Block::PageBreak);
    }

    /// GitHub-flavoured Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n", md_text(&self.title));
        for b in &self.blocks {
            md_block(b, &mut out);
        }
        out
    }

    /// A standalone HTML page with a print-friendly stylesheet, nothing
    /// fetched from the network.
    pub fn to_html(&self) -> String {
        let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str(&format!("<title>{}</title>\n", html(&self.title)));
        out.push_str("<style>\n");
        out.push_str(STYLE);
        out.push_str("</style>\n</head>\n<body>\n");
        out.push_str(&format!("<h1>{}</h1>\n", html(&self.title)));
        for b in &self.blocks {
            html_block(b, &mut out);
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// The page's stylesheet. Widths are chosen for a portrait A4 or Letter page
/// (about 700 CSS pixels between the margins) and a laptop screen: tables
/// take the page's width, their columns are sized by whole words, and cells
/// wrap at the places [`html_cell`] marks (a permission name's dots).
const STYLE: &str = "\
:root{color-scheme:light}
body{font-family:\"Segoe UI\",system-ui,\"DejaVu Sans\",Arial,sans-serif;font-size:11pt;line-height:1.4;color:#111;\
max-width:62rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5em;margin:.2em 0 .4em}
h2{font-size:1.3em;margin:1.4em 0 .4em;border-bottom:2px solid #333;padding-bottom:.1em}
h3{font-size:1.1em;margin:1.1em 0 .3em}
h4{font-size:1em;margin:.9em 0 .25em}
p,ul,ol{margin:.35em 0}
ul{padding-left:1.4em}
ol{padding-left:2.4em}
li{margin:.12em 0}
table{border-collapse:collapse;width:100%;margin:.5em 0 .9em;font-size:9pt;line-height:1.3}
th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#e8e8e8;font-weight:600}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
.note{font-size:9pt;color:#333}
dl.fields{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15em .8em;margin:.4em 0}
dl.fields dt{font-weight:600}
dl.fields dd{margin:0;overflow-wrap:anywhere}
.sign{display:grid;grid-template-columns:max-content minmax(0,1fr) max-content minmax(0,1fr);gap:.9em .6em;\
margin:.8em 0 .3em;align-items:end}
.sign span{font-weight:600}
.sign span.blank{border-bottom:1px solid #111;min-height:1.5em}
.box{border:1px solid #777;border-radius:4px;padding:.3em .8em .5em;margin:.8em 0}
.box h3{margin-top:.3em}
table.grid{table-layout:auto}
th.risk{width:4.6em}
th.lenses{width:13.5em}
th.api{width:6.2em}
th.type{width:3.4em}
th.line{width:3em}
th.workloads{width:11em}
th.outcome{width:9em}
th.reached{width:6.5em}
th.holder{width:7.5em}
table.matrix th.perm{width:30%}
table.rows th.perm{width:27%}
th.product{width:9em}
th.sha{width:17em}
td.sha{font-family:\"DejaVu Sans Mono\",Consolas,monospace;font-size:8pt}
@page{margin:14mm 12mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:9.5pt}
h2,h3,h4{break-after:avoid;page-break-after:avoid}
.box{break-inside:avoid;page-break-inside:avoid}
.page-break{break-before:page;page-break-before:always}
table{font-size:8.5pt}
}
";

fn md_block(b: &Block, out: &mut String) {
    out.push('\n');
    match b {
        Block::Heading(level, text) => out.push_str(&format!(
            "{} {}\n",
            "#".repeat((*level).clamp(2, 6) as usize),
            md_text(text)
        )),
        Block::Paragraph(text) => out.push_str(&format!("{}\n", md_text(text))),
        // Small print is plain text in Markdown: a ticket's viewer renders
        // no emphasis the vendor's text could have opened or closed.
        Block::Note(text) => out.push_str(&format!("{}\n", md_lines(text, "  \n"))),
        Block::List(items) => {
            for i in items {
                out.push_str(&format!("- {}\n", md_text(i)));
            }
        }
        // Numbered in the text of a bullet (`- 1\. …`): the numbers stay
        // those of the HTML, and nothing else needs to start a numbered list.
        Block::Ordered(items) => {
            for (n, i) in items.iter().enumerate() {
                out.push_str(&format!("- {}\\. {}\n", n + 1, md_text(i)));
            }
        }
        Block::Table { header, rows } => md_table(header, rows, out),
        Block::Grid(g) => {
            let header: Vec<String> = g.columns.iter().map(|(h, _)| h.clone()).collect();
            md_table(&header, &g.rows, out);
        }
        Block::Fields(fields) => {
            for (label, value) in fields {
                let value = if value.is_empty() {
                    MD_BLANK.to_string()
                } else {
                    md_lines(value, "  \n  ")
                };
                out.push_str(&format!("- **{}:** {value}\n", md_text(label)));
            }
        }
        Block::Sign(labels) => {
            for label in labels {
                out.push_str(&format!("- **{}:** {MD_BLANK}\n", md_text(label)));
            }
        }
        Block::Boxed(blocks) => {
            // The blocks' own blank lines separate them; the frame is HTML's.
            let mut inner = String::new();
            for b in blocks {
                md_block(b, &mut inner);
            }
            out.push_str(inner.strip_prefix('\n').unwrap_or(&inner));
        }
        Block::PageBreak => {
            out.pop();
        }
    }
}

/// A line to write on, in Markdown: escaped underscores.
const MD_BLANK: &str = "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_";

fn md_table(header: &[String], rows: &[Vec<String>], out: &mut String) {
    out.push_str(&format!(
        "| {} |\n",
        header.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | ")
    ));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in rows {
        out.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
}

fn html_block(b: &Block, out: &mut String) {
    match b {
        Block::Heading(level, text) => {
            let l = (*level).clamp(2, 6);
            out.push_str(&format!("<h{l}>{}</h{l}>\n", html(text)));
        }
        Block::Paragraph(text) => out.push_str(&format!("<p>{}</p>\n", html(text))),
        Block::Note(text) => out.push_str(&format!("<p class=\"note\">{}</p>\n", html_lines(text))),
        Block::List(items) => {
            out.push_str("<ul>\n");
            for i in items {
                out.push_str(&format!("<li>{}</li>\n", html(i)));
            }
            out.push_str("</ul>\n");
        }
        Block::Ordered(items) => {
            out.push_str("<ol>\n");
            for i in items {
                out.push_str(&format!("<li>{}</li>\n", html(i)));
            }
            out.push_str("</ol>\n");
        }
        Block::Table { header, rows } => {
            out.push_str("<table>\n<thead><tr>");
            for h in header {
                out.push_str(&format!("<th>{}</th>", html_cell(h)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in rows {
                out.push_str("<tr>");
                for c in r {
                    out.push_str(&format!("<td>{}</td>", html_cell(c)));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Grid(g) => {
            out.push_str(&format!("<table class=\"grid {}\">\n<thead><tr>", attr(&g.class)));
            for (h, class) in &g.columns {
                out.push_str(&format!("<th class=\"{}\">{}</th>", attr(class), html_cell(h)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in &g.rows {
                out.push_str("<tr>");
                for (i, c) in r.iter().enumerate() {
                    let class = g.columns.get(i).map_or("", |(_, c)| c.as_str());
                    out.push_str(&format!("<td class=\"{}\">{}</td>", attr(class), html_cell(c)));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Fields(fields) => {
            out.push_str("<dl class=\"fields\">\n");
            for (label, value) in fields {
                if value.is_empty() {
                    out.push_str(&format!("<dt>{}</dt><dd class=\"blank\"></dd>\n", html(label)));
                } else {
                    out.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", html(label), html_lines(value)));
                }
            }
            out.push_str("</dl>\n");
        }
        Block::Boxed(blocks) => {
            out.push_str("<section class=\"box\">\n");
            for b in blocks {
                html_block(b, out);
            }
            out.push_str("</section>\n");
        }
        Block::PageBreak => out.push_str("<div class=\"page-break\"></div>\n"),
        Block::Sign(labels) => {
            out.push_str("<div class=\"sign\">\n");
            for label in labels {
                out.push_str(&format!("<span>{}</span><span class=\"blank\"></span>\n", html(label)));
            }
            out.push_str("</div>\n");
        }
    }
}

/// [`md_text`] of each line, joined by `sep` (a Markdown line break).
fn md_lines(s: &str, sep: &str) -> String {
    s.split('\n').map(md_text).collect::<Vec<_>>().join(sep)
}

/// A table cell on one line, every pipe escaped: a GFM cell holds no line
/// break short of inline HTML, which a ticket's viewer may not render, so its
/// lines are joined by "; " (by a space before a bullet or a bracket:
/// `• a • b`, `NAKIVO (nakivo)`).
fn md_cell(s: &str) -> String {
    let mut out = String::new();
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push_str(if line.starts_with(['•', '(']) { " " } else { "; " });
        }
        out.push_str(&md_text(line));
    }
    out
}

/// Untrusted text for HTML: neutralised and escaped.
fn html(s: &str) -> String {
    escape(&neutralise(s))
}

/// Text for HTML with its markup characters escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A class attribute's value: only the characters a class name needs.
fn attr(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ' ')
        .collect()
}

/// [`html`] of each line, joined by `<br>`.
fn html_lines(s: &str) -> String {
    s.split('\n').map(html).collect::<Vec<_>>().join("<br>")
}

/// The most characters a table cell prints without a place to wrap, unless
/// they are one word. A longer stretch gets wrap places at its camel-case
/// humps (`ReadWriteAndConsentForTeam`), then every this many characters of
/// what is not a word (a GUID, a run of letters longer than
/// [`LONGEST_WORD`]), so that a table's columns are sized by words, no word
/// is ever split (`Critical`, `SharePoint`, `Administrator`), and no text,
/// however long, makes a table much wider than its words.
const LONGEST_UNBROKEN: usize = 12;

/// A cell's text: its lines joined by `<br>`, with a wrap place (`<wbr>`)
/// after each dot, underscore or slash inside a word, so
/// `TeamsAppInstallation.ReadWriteAndConsentForTeam.All` wraps at its dots in
/// a narrow column, and inside stretches longer than [`LONGEST_UNBROKEN`].
fn html_cell(s: &str) -> String {
    s.split('\n')
        .map(|line| {
            let text = neutralise(line);
            let chars: Vec<char> = text.chars().collect();
            let mut out = String::with_capacity(text.len() + 16);
            let mut from = 0;
            for at in wrap_places(&chars) {
                out.push_str(&escape(&chars[from..at].iter().collect::<String>()));
                out.push_str("<wbr>");
                from = at;
            }
            out.push_str(&escape(&chars[from..].iter().collect::<String>()));
            out
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Where [`html_cell`] adds a wrap place: before `chars[i]` for each `i`
/// returned, in increasing order. A browser already wraps at spaces and
/// after a hyphen before a letter; these places come on top of those.
fn wrap_places(chars: &[char]) -> Vec<usize> {
    let n = chars.len();
    let word = |i: usize| chars.get(i).is_some_and(|c| c.is_alphanumeric());
    let mut places = Vec::new();
    let mut start = 0;
    for i in 1..=n {
        let browser = i == n
            || chars[i].is_whitespace()
            || chars[i - 1].is_whitespace()
            || (chars[i - 1] == '-' && chars[i].is_alphabetic());
        let separator = i < n && i >= 2 && matches!(chars[i - 1], '.' | '_' | '/') && word(i - 2) && word(i);
        if browser || separator {
            split_long(chars, start, i, &mut places);
            if separator {
                places.push(i);
            }
            start = i;
        }
    }
    places
}

/// The longest word [`split_long`] leaves whole ("internationalization").
const LONGEST_WORD: usize = 20;

/// Whether `piece` is a word of letters, perhaps in brackets or followed by
/// punctuation (`Administrator)`, `Synchronization.`), of at most
/// [`LONGEST_WORD`] letters: such a word is not cut into pieces.
fn is_word(piece: &[char]) -> bool {
    let letters = |c: &&char| c.is_alphabetic();
    let first = piece.iter().position(|c| c.is_alphabetic());
    let last = piece.iter().rposition(|c| c.is_alphabetic());
    match (first, last) {
        (Some(a), Some(b)) => {
            let core = &piece[a..=b];
            core.len() <= LONGEST_WORD
                && core.iter().filter(letters).count() == core.len()
                && piece[..a]
                    .iter()
                    .chain(&piece[b + 1..])
                    .all(|c| c.is_ascii_punctuation())
        }
        _ => false,
    }
}

/// Wrap places inside `chars[start..end]`, a stretch without one, when it is
/// longer than [`LONGEST_UNBROKEN`]: before each capital that follows a
/// small letter, then every [`LONGEST_UNBROKEN`] characters of a piece that
/// is still longer and not a word.
fn split_long(chars: &[char], start: usize, end: usize, places: &mut Vec<usize>) {
    // A separator the stretch ends on (`Installation.`) hangs after it and
    // is not counted.
    let end = end
        - chars[start..end]
            .iter()
            .rev()
            .take_while(|c| matches!(c, '.' | '_' | '/'))
            .count();
    if end.saturating_sub(start) <= LONGEST_UNBROKEN {
        return;
    }
    let mut piece = start;
    for j in start + 1..=end {
        let hump = j < end && chars[j - 1].is_lowercase() && chars[j].is_uppercase();
        if j == end || hump {
            if !is_word(&chars[piece..j]) {
                places.extend((piece + LONGEST_UNBROKEN..j).step_by(LONGEST_UNBROKEN));
            }
            if hump {
                places.push(j);
            }
            piece = j;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_renderings_escape_their_syntax() {
        let mut d = Document {
            title: "T <x>".into(),
            ..Default::default()
        };
        d.table(vec!["a|b".into()], vec![vec!["<script>\u{1b}[31m".into()]]);
        let md = d.to_markdown();
        assert!(
            md.contains("a\\|b") && md.contains("&lt;script&gt;\\\\u\\{1b\\}\\[31m"),
            "{md}"
        );
        let h = d.to_html().replace("<wbr>", "");
        assert!(h.contains("<th>a|b</th>") && h.contains("&lt;script&gt;\\u{1b}[31m"));
        assert!(!h.contains('\u{1b}'));
    }

    #[test]
    fn grid_cells_keep_their_lines_and_wrap_at_dots() {
        let mut d = Document::default();
        d.grid(Grid {
            class: "matrix".into(),
            columns: vec![("Permission".into(), "perm".into())],
            rows: vec![vec!["Sites.FullControl.All\nline 2".into()]],
        });
        let h = d.to_html();
        assert!(
            h.contains("<td class=\"perm\">Sites.<wbr>FullControl.<wbr>All<br>line 2</td>"),
            "{h}"
        );
        assert!(d.to_markdown().contains("| Sites.FullControl.All; line 2 |"));
    }

    /// The cell's HTML with `|` for each wrap place, for reading in a test.
    fn places(s: &str) -> String {
        html_cell(s).replace("<wbr>", "|")
    }

    #[test]
    fn words_up_to_twelve_characters_are_never_split() {
        // The words a matrix printed mid-word on A4 before: a rating, an API.
        for word in [
            "Critical",
            "SharePoint",
            "Calendars.ReadWrite",
            "Replication",
            "deleg",
            "(xopero-one)",
        ] {
            assert!(
                !places(word).contains(|c: char| c == '|' && !word.contains('.')),
                "{word}: {}",
                places(word)
            );
        }
        assert_eq!(places("Calendars.ReadWrite"), "Calendars.|ReadWrite");
        assert_eq!(places("⊂ Files.ReadWrite.All"), "⊂ Files.|ReadWrite.|All");
    }

    #[test]
    fn long_stretches_wrap_at_their_humps_then_every_twelve_characters() {
        assert_eq!(
            places("TeamsAppInstallation.ReadWriteAndConsentForTeam.All"),
            "Teams|App|Installation.|Read|Write|And|Consent|For|Team.|All"
        );
        // Words of up to twenty letters stay whole, with their punctuation.
        assert_eq!(places("(Global Administrator)"), "(Global Administrator)");
        assert_eq!(
            places("OnPremDirectorySynchronization.ReadWrite.All"),
            "On|Prem|Directory|Synchronization.|ReadWrite.|All"
        );
        assert_eq!(places("internationalizations"), "internationa|lizations");
        // Twelve or fewer: no hump is used.
        assert_eq!(places("ChannelMessag"), "Channel|Messag");
        assert_eq!(places("FullControlX"), "FullControlX");
        // No humps: every twelve characters; spaces and hyphens before a
        // letter start a new stretch, a hyphen before a digit does not.
        assert_eq!(places(&"a".repeat(30)), format!("{0}|{0}|aaaaaa", "a".repeat(12)));
        assert_eq!(
            places("0b8a1c2d-3e4f-5a6b-7c8d-9e0f1a2b3c4d"),
            "0b8a1c2d-3e4|f-5a6b-7c8d-|9e0f1a2b3c4d"
        );
        assert_eq!(places("avepoint-cloud-backup-express"), "avepoint-cloud-backup-express");
        // Escaping happens after the places are chosen: an entity is whole.
        assert_eq!(places("&&&&&&&&&&&&&&"), format!("{}|&amp;&amp;", "&amp;".repeat(12)));
        // Every line of a cell is wrapped on its own.
        assert_eq!(
            places("Sites.Manage.All\nabcdefghijklmnopqrstuvwxyz"),
            "Sites.|Manage.|All<br>abcdefghijkl|mnopqrstuvwx|yz"
        );
    }

    #[test]
    fn an_empty_field_is_a_line_to_write_on() {
        let mut d = Document::default();
        d.fields(vec![("Signature".into(), String::new())]);
        assert!(d.to_html().contains("<dt>Signature</dt><dd class=\"blank\"></dd>"));
        assert!(d.to_markdown().contains("- **Signature:** \\_\\_\\_"));
    }
}
