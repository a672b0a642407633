//! A tiny document model (headings, paragraphs, lists, tables) written once
//! and rendered as Markdown or as a self-contained HTML page, so reports in
//! both formats say the same thing by construction.

use crate::model::text::{md_text, neutralise};

/// A block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    List(Vec<String>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
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

    pub fn table(&mut self, header: Vec<String>, rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table { header, rows });
    }

    /// GitHub-flavoured Markdown.
    pub fn to_markdown(&self) -> String {
        // Every text of a document may quote a vendor or a tenant: all of it
        // is written as literal text, headings and cells included.
        let mut out = format!("# {}\n", md_text(&self.title));
        for b in &self.blocks {
            out.push('\n');
            match b {
                Block::Heading(level, text) => out.push_str(&format!(
                    "{} {}\n",
                    "#".repeat((*level).clamp(2, 6) as usize),
                    md_text(text)
                )),
                Block::Paragraph(text) => out.push_str(&format!("{}\n", md_text(text))),
                Block::List(items) => {
                    for i in items {
                        out.push_str(&format!("- {}\n", md_text(i)));
                    }
                }
                Block::Table { header, rows } => {
                    out.push_str(&format!(
                        "| {} |\n",
                        header.iter().map(|h| md_text(h)).collect::<Vec<_>>().join(" | ")
                    ));
                    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
                    for r in rows {
                        out.push_str(&format!(
                            "| {} |\n",
                            r.iter().map(|c| md_text(c)).collect::<Vec<_>>().join(" | ")
                        ));
                    }
                }
            }
        }
        out
    }

    /// A standalone HTML page with a small print-friendly stylesheet.
    pub fn to_html(&self) -> String {
        let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str(&format!("<title>{}</title>\n", html(&self.title)));
        out.push_str(
            "<style>\nbody{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45}\n\
             table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}\nth,td{border:1px solid #bbb;padding:.25rem .5rem;\
             text-align:left;vertical-align:top}\nth{background:#eee}\ncode{font-size:.9em}\n</style>\n",
        );
        out.push_str("</head>\n<body>\n");
        out.push_str(&format!("<h1>{}</h1>\n", html(&self.title)));
        for b in &self.blocks {
            match b {
                Block::Heading(level, text) => {
                    let l = (*level).clamp(2, 6);
                    out.push_str(&format!("<h{l}>{}</h{l}>\n", html(text)));
                }
                Block::Paragraph(text) => out.push_str(&format!("<p>{}</p>\n", html(text))),
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for i in items {
                        out.push_str(&format!("<li>{}</li>\n", html(i)));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table { header, rows } => {
                    out.push_str("<table>\n<thead><tr>");
                    for h in header {
                        out.push_str(&format!("<th>{}</th>", html(h)));
                    }
                    out.push_str("</tr></thead>\n<tbody>\n");
                    for r in rows {
                        out.push_str("<tr>");
                        for c in r {
                            out.push_str(&format!("<td>{}</td>", html(c)));
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</tbody>\n</table>\n");
                }
            }
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

fn html(s: &str) -> String {
    neutralise(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
        let h = d.to_html();
        assert!(h.contains("<th>a|b</th>") && h.contains("&lt;script&gt;\\u{1b}[31m"));
        assert!(!h.contains('\u{1b}'));
    }
}
