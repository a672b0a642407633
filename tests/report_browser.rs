//! The HTML report in a real browser: headless Chromium lays it out on a
//! 1280 px screen and on portrait A4 and Letter pages with the print rules
//! applied, and nothing may run past the edge; it prints it to PDF on both
//! papers, and `pdftotext` reads every row of the side-by-side matrix back,
//! cell by cell in its column, with nothing past the page's margin.
//!
//! Skips (loudly; a failure under `.ci/run`, which installs both) when
//! Chromium or pdftotext is missing.

mod common;

use common::TempDir;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser, where Debian and Ubuntu put it.
fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

fn on_path(tool: &str) -> bool {
    Command::new(tool)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Runs `cmd`, killing it after `limit`; its stdout.
fn run(mut cmd: Command, limit: Duration) -> String {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{what}: {status}");
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

/// Headless Chromium with a profile of its own (tests run side by side).
fn browser(exe: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// The report's HTML, as `permscope report SLUGS --format html` prints it.
fn report_html(slugs: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_permscope"))
        .arg("report")
        .args(slugs)
        .args(["--format", "html"])
        .env_remove("PERMSCOPE_DATA")
        .env("XDG_DATA_HOME", "/nonexistent/permscope-tests")
        .env("SOURCE_DATE_EPOCH", "1764265803")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The page's side margin in millimetres, from its `@page{margin:V H}` rule.
fn side_margin_mm(html: &str) -> f64 {
    let rule = html.split("@page{margin:").nth(1).expect("an @page margin rule");
    let value = rule.split('}').next().unwrap();
    let parts: Vec<&str> = value.split_whitespace().collect();
    let side = parts.get(1).or(parts.first()).unwrap();
    side.trim_end_matches("mm").parse().expect("margins in mm")
}

/// The width between the margins of a portrait page `paper_mm` wide, in CSS px.
fn print_width(paper_mm: f64, margin_mm: f64) -> u32 {
    ((paper_mm - 2.0 * margin_mm) * 96.0 / 25.4).floor() as u32
}

/// What the measuring script reports.
#[derive(Debug)]
struct Measure {
    /// The document's scroll width and visible width.
    doc: (u32, u32),
    /// Per table: its class, its right edge, its scroll width and the width its parent offers.
    tables: Vec<(String, f64, u32, u32)>,
    /// Cells whose content is wider than the cell (clipped or spilling).
    spilled: Vec<String>,
}

const SCRIPT: &str = r#"<script>
(function () {
  var de = document.documentElement, out = ['doc ' + de.scrollWidth + ' ' + de.clientWidth];
  var tables = document.querySelectorAll('table');
  for (var i = 0; i < tables.length; i++) {
    var t = tables[i];
    out.push('table ' + t.className.replace(/ /g, '.') + ' ' + t.getBoundingClientRect().right + ' ' +
      t.scrollWidth + ' ' + t.parentElement.clientWidth);
  }
  var cells = document.querySelectorAll('th, td');
  for (var j = 0; j < cells.length; j++) {
    var c = cells[j];
    if (c.scrollWidth > c.clientWidth + 1) out.push('spilled ' + c.textContent.replace(/\s+/g, ' '));
  }
  var pre = document.createElement('pre');
  pre.id = 'permscope-measure';
  pre.textContent = out.join('\n');
  document.body.appendChild(pre);
})();
</script>
</body>"#;

/// Lays `html` out `width` px wide (with the print rules applied when
/// `print`) and measures it.
fn measure(exe: &Path, dir: &Path, html: &str, width: u32, print: bool) -> Measure {
    let mut page = html.replace("</body>", SCRIPT);
    if print {
        // The print rules, applied on screen: `@media print` read as `all`.
        assert!(page.contains("@media print{"), "the page has print rules");
        page = page.replace("@media print{", "@media all{");
    }
    let file = dir.join(format!("measure-{width}.html"));
    std::fs::write(&file, page).unwrap();
    let mut cmd = browser(exe, &dir.join(format!("profile-{width}")));
    cmd.arg(format!("--window-size={width},1000"))
        .arg("--virtual-time-budget=10000")
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()));
    let dom = run(cmd, Duration::from_secs(180));
    let text = dom
        .split("<pre id=\"permscope-measure\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("the measuring script did not run at {width} px"));
    let text = unescape(text);
    let mut m = Measure {
        doc: (0, 0),
        tables: Vec::new(),
        spilled: Vec::new(),
    };
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "doc" => m.doc = (f[1].parse().unwrap(), f[2].parse().unwrap()),
            "table" => m.tables.push((
                f[1].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
            )),
            "spilled" => m.spilled.push(line[8..].to_string()),
            _ => {}
        }
    }
    m
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every row (header first) of every table of class `grid CLASS`, for each
/// class of `classes`, in the page's order, cell texts as the page shows
/// them; with the table's class.
fn table_rows(html: &str, classes: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut rows = Vec::new();
    for table in html.split("<table class=\"grid ").skip(1) {
        let class = table.split('"').next().unwrap().to_string();
        if !classes.contains(&class.as_str()) {
            continue;
        }
        let table = table.split("</table>").next().unwrap();
        for tr in table.split("<tr>").skip(1) {
            let tr = tr.split("</tr>").next().unwrap();
            let mut cells = Vec::new();
            let mut rest = tr;
            while let Some(open) = rest.find('<') {
                let tag = &rest[open..];
                if tag.starts_with("<th") || tag.starts_with("<td") {
                    let body = &tag[tag.find('>').unwrap() + 1..];
                    let end = body.find("</t").unwrap();
                    cells.push(unescape(&strip_tags(&body[..end])));
                    rest = &body[end + 4..];
                } else {
                    rest = &tag[1..];
                }
            }
            rows.push((class.clone(), cells));
        }
    }
    rows
}

/// Markup out: `<br>` is a line break, `<wbr>` nothing.
fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('>').map_or(rest.len(), |j| i + j + 1);
        if rest[i..j].starts_with("<br") {
            out.push('\n');
        }
        rest = &rest[j..];
    }
    out.push_str(rest);
    out
}

/// Text compared without the breaks a layout may add or a PDF reader may
/// drop: white space, hyphens (pdftotext joins words hyphenated at a line's
/// end), soft hyphens.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{ad}')
        .collect()
}

/// A word on a PDF page, in points.
#[derive(Debug, Clone)]
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// The words of a PDF (`pdftotext -bbox`), and each page's width.
fn pdf_words(pdf: &Path) -> (Vec<Word>, Vec<f64>) {
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-bbox", "-enc", "UTF-8"]).arg(pdf).arg("-");
    let xhtml = run(cmd, Duration::from_secs(60));
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let v = tag.split(&key).nth(1).and_then(|s| s.split('"').next()).unwrap();
        v.parse().unwrap()
    };
    let mut words = Vec::new();
    let mut widths = Vec::new();
    for (i, page) in xhtml.split("<page ").skip(1).enumerate() {
        widths.push(attr(page, "width"));
        for w in page.split("<word ").skip(1) {
            let tag = w.split('>').next().unwrap();
            let text = w.split_once('>').unwrap().1.split("</word>").next().unwrap();
            words.push(Word {
                page: i,
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text: unescape(text),
            });
        }
    }
    (words, widths)
}

/// Runs of words on one line of one page, split where the gap is wider than
/// a space could be (the padding and border between two cells is wider).
fn runs(words: &[Word]) -> Vec<Word> {
    let mut sorted: Vec<&Word> = words.iter().collect();
    sorted.sort_by(|a, b| (a.page, a.y0, a.x0).partial_cmp(&(b.page, b.y0, b.x0)).unwrap());
    let mut out: Vec<Word> = Vec::new();
    for w in sorted {
        if let Some(last) = out.last_mut()
            && last.page == w.page
            && (last.y0 - w.y0).abs() < 0.6
            && w.x0 >= last.x1
            && w.x0 - last.x1 < 4.5
        {
            last.x1 = w.x1;
            last.y1 = last.y1.max(w.y1);
            last.text.push(' ');
            last.text.push_str(&w.text);
            continue;
        }
        out.push(w.clone());
    }
    out
}

/// The rows with `columns` cells the PDF shows, in reading order: a row
/// starts where `columns` runs start on the same line; each cell is the run
/// there and the runs below it at the same left edge, while they follow on
/// closely (a line's leading, not a cell's padding and border) and come
/// before the next row.
fn pdf_rows(runs: &[Word], columns: usize) -> Vec<Vec<String>> {
    // Where each line of runs starts and ends in `runs`.
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let mut j = i;
        while j < runs.len() && runs[j].page == runs[i].page && (runs[j].y0 - runs[i].y0).abs() < 0.6 {
            j += 1;
        }
        lines.push((i, j));
        i = j;
    }
    let tops: Vec<(usize, usize)> = lines.iter().copied().filter(|(i, j)| j - i == columns).collect();
    let mut rows = Vec::new();
    for (t, &(i, j)) in tops.iter().enumerate() {
        let page = runs[i].page;
        let next_top = tops
            .get(t + 1)
            .filter(|&&(k, _)| runs[k].page == page)
            .map_or(f64::INFINITY, |&(k, _)| runs[k].y0 - 0.6);
        let mut starts: Vec<&Word> = runs[i..j].iter().collect();
        starts.sort_by(|a, b| a.x0.partial_cmp(&b.x0).unwrap());
        let mut row = Vec::new();
        for start in starts {
            let mut text = start.text.clone();
            let mut bottom = start.y1;
            let height = start.y1 - start.y0;
            for below in runs[j..]
                .iter()
                .filter(|r| r.page == page && (r.x0 - start.x0).abs() < 1.0)
            {
                if below.y0 < bottom - 0.1 {
                    continue;
                }
                if below.y0 >= next_top || below.y0 - bottom > 0.25 * height {
                    break;
                }
                text.push('\n');
                text.push_str(&below.text);
                bottom = below.y1;
            }
            row.push(text);
        }
        rows.push(row);
    }
    rows
}

/// Prints `html` to PDF on `paper` (a CSS page size).
fn print_pdf(exe: &Path, dir: &Path, html: &str, paper: &str) -> PathBuf {
    let page = html.replacen(
        "</head>",
        &format!("<style>@page{{size:{paper} portrait}}</style>\n</head>"),
        1,
    );
    let file = dir.join(format!("print-{paper}.html"));
    std::fs::write(&file, page).unwrap();
    let pdf = dir.join(format!("report-{paper}.pdf"));
    let mut cmd = browser(exe, &dir.join(format!("profile-{paper}")));
    cmd.arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", file.display()));
    run(cmd, Duration::from_secs(240));
    assert!(pdf.is_file(), "no PDF for {paper}");
    pdf
}

/// The browser, when both it and `pdftotext` are here; else a visible skip.
fn printing_tools() -> Option<PathBuf> {
    let Some(exe) = chromium() else {
        common::skip(format_args!(
            "report_browser: Chromium not found (apt-get install chromium); the printed report is not checked"
        ));
        return None;
    };
    if !on_path("pdftotext") {
        common::skip(format_args!(
            "report_browser: pdftotext not found (apt-get install poppler-utils); the printed report is not checked"
        ));
        return None;
    }
    Some(exe)
}

/// The whole check for one set of products.
fn check(slugs: &[&str]) {
    let Some(exe) = printing_tools() else {
        return;
    };
    let dir = TempDir::new(&format!("browser-{}", slugs.len()));
    let html = report_html(slugs);
    let margin = side_margin_mm(&html);
    // The side-by-side matrix, and each product's table of every permission it asks for.
    let expected = table_rows(&html, &["matrix", "rows"]);
    let matrix: Vec<&Vec<String>> = expected.iter().filter(|(c, _)| c == "matrix").map(|(_, r)| r).collect();
    if slugs.len() > 1 {
        let columns: usize = matrix.iter().filter(|r| r[0] == "Risk").map(|r| r.len() - 4).sum();
        assert_eq!(columns, slugs.len(), "every product has a column of the matrix");
    } else {
        assert!(matrix.is_empty(), "one product: no side-by-side");
    }
    assert!(expected.iter().any(|(c, _)| c == "rows"), "every permission is listed");
    println!(
        "{} products: {} matrix rows, {} rows of permission tables",
        slugs.len(),
        matrix.len(),
        expected.len() - matrix.len()
    );

    // On screen and on paper, nothing runs past the edge.
    for (what, width, print) in [
        ("a 1280 px screen", 1280, false),
        ("portrait A4", print_width(210.0, margin), true),
        ("portrait Letter", print_width(215.9, margin), true),
    ] {
        let m = measure(&exe, dir.path(), &html, width, print);
        println!(
            "{} products, {what} ({width} px): document {} of {} px wide, {} tables, widest table {} px",
            slugs.len(),
            m.doc.0,
            m.doc.1,
            m.tables.len(),
            m.tables.iter().map(|t| t.2).max().unwrap_or(0)
        );
        assert!(
            m.doc.1 > 0 && m.doc.0 <= m.doc.1,
            "{what}: the page scrolls sideways: {m:?}"
        );
        assert!(!m.tables.is_empty());
        for (class, right, scroll, room) in &m.tables {
            assert!(
                *right <= f64::from(m.doc.1) + 0.5 && scroll <= room,
                "{what}: table `{class}` runs past the edge (right {right}, {scroll} px in {room} px)"
            );
        }
        assert!(
            m.spilled.is_empty(),
            "{what}: cells wider than their column: {:?}",
            m.spilled
        );
    }

    // Printed: every matrix row, every cell in its column; nothing past the margin.
    for paper in ["A4", "letter"] {
        let pdf = print_pdf(&exe, dir.path(), &html, paper);
        let (words, widths) = pdf_words(&pdf);
        println!("{} products on {paper}: {} pages", slugs.len(), widths.len());
        assert!(!words.is_empty(), "{paper}: the PDF has text");
        if let Err(e) = printed_whole(&words, &widths, margin, &expected) {
            panic!("{paper}: {e}");
        }
        let split = split_words(&words, &html);
        assert!(split.is_empty(), "{paper}: words printed split in two: {split:?}");
    }
}

/// The words of `text` made of letters only: what lies between anything
/// that is neither a letter nor a digit, leaving out what holds a digit (a
/// SHA-256 or a GUID wraps anywhere).
fn letter_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
}

/// The text of an HTML page as it reads: the style left out, a tag a space
/// (`<wbr>` nothing), the entities it uses decoded.
fn page_text(html: &str) -> String {
    let body = html.split("</style>").last().unwrap_or(html);
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        if &rest[open..close] != "<wbr>" {
            out.push(' ');
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    unescape(&out)
}

/// Printed letter runs that are neither a word of the page nor a piece of
/// one between two camel-case humps (`Consent` of `ReadWriteAndConsentForTeam`,
/// where a long name may wrap): a word split in two, as `Critica` / `l` in a
/// narrow Risk column, or `SharePoi` / `nt`. With the word each was cut from.
fn split_words(words: &[Word], html: &str) -> Vec<(String, String)> {
    let text = page_text(html);
    let whole: std::collections::HashSet<&str> = letter_runs(&text).collect();
    let hump = |w: &[char], i: usize| i == 0 || i == w.len() || (w[i - 1].is_lowercase() && w[i].is_uppercase());
    let mut out = Vec::new();
    for w in words {
        for piece in letter_runs(&w.text) {
            if whole.contains(piece) {
                continue;
            }
            let p: Vec<char> = piece.chars().collect();
            let from = whole.iter().find(|word| {
                let c: Vec<char> = word.chars().collect();
                (0..=c.len().saturating_sub(p.len())).any(|i| c[i..].starts_with(&p))
            });
            let aligned = whole.iter().any(|word| {
                let c: Vec<char> = word.chars().collect();
                (0..=c.len().saturating_sub(p.len()))
                    .any(|i| c[i..].starts_with(&p) && hump(&c, i) && hump(&c, i + p.len()))
            });
            if !aligned {
                out.push((
                    piece.to_string(),
                    from.map_or_else(|| "(no word of the page)".into(), |f| f.to_string()),
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every word of the PDF inside the margins, and every row of `expected`
/// in it, in order, each cell in its column; else what is wrong.
fn printed_whole(
    words: &[Word],
    widths: &[f64],
    margin_mm: f64,
    expected: &[(String, Vec<String>)],
) -> Result<(), String> {
    let limit_pt = margin_mm * 72.0 / 25.4 - 4.0;
    for w in words {
        let width = widths[w.page];
        if w.x0 < limit_pt || w.x1 > width - limit_pt {
            return Err(format!(
                "`{}` on page {} runs into the margin ({:.1}..{:.1} of {width} pt)",
                w.text,
                w.page + 1,
                w.x0,
                w.x1
            ));
        }
    }
    let runs = runs(words);
    let mut shown: std::collections::HashMap<usize, Vec<Vec<String>>> = std::collections::HashMap::new();
    let mut next: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (class, row) in expected {
        let n = row.len();
        let rows = shown.entry(n).or_insert_with(|| pdf_rows(&runs, n));
        let want: Vec<String> = row.iter().map(|c| norm(c)).collect();
        let from = next.entry(n).or_insert(0);
        let found = rows[*from..]
            .iter()
            .position(|r| r.iter().map(|c| norm(c)).collect::<Vec<_>>() == want);
        match found {
            Some(k) => *from += k + 1,
            None => {
                return Err(format!(
                    "the printed `{class}` table lacks the row {row:?} (cells in order, each in its column); \
                     the rows of {n} cells it shows from there: {:#?}",
                    &rows[*from..rows.len().min(*from + 3)]
                ));
            }
        }
    }
    Ok(())
}

/// The checks themselves catch what the issue saw: a matrix whose cells
/// may not wrap runs past a portrait page and loses its last columns.
#[test]
fn the_checks_catch_a_matrix_that_runs_off_the_page() {
    let Some(exe) = printing_tools() else {
        return;
    };
    let dir = TempDir::new("browser-broken");
    let good = report_html(&[
        "nakivo",
        "avepoint-cloud-backup-express",
        "xopero-one",
        "avepoint-cloud-backup-azure",
    ]);
    let expected = table_rows(&good, &["matrix"]);
    let margin = side_margin_mm(&good);
    // Chromium shrinks a printed page to fit content up to twice its width,
    // so the broken matrix is made wider than that: at most half of it can
    // be shown.
    let broken = good.replacen(
        "</head>",
        "<style>table.matrix td,table.matrix th{white-space:nowrap}table.matrix{min-width:1600px}</style>\n</head>",
        1,
    );
    let m = measure(&exe, dir.path(), &broken, print_width(210.0, margin), true);
    println!(
        "unwrapped matrix on A4: document {} of {} px wide, widest table {} px",
        m.doc.0,
        m.doc.1,
        m.tables.iter().map(|t| t.2).max().unwrap_or(0)
    );
    assert!(
        m.doc.0 > m.doc.1 || m.tables.iter().any(|(_, _, scroll, room)| scroll > room),
        "the overflow went unseen: {m:?}"
    );
    let pdf = print_pdf(&exe, dir.path(), &broken, "A4");
    let (words, widths) = pdf_words(&pdf);
    let e = printed_whole(&words, &widths, margin, &expected).expect_err("the lost cells went unseen");
    println!("caught: {}", e.lines().next().unwrap_or_default());
}

/// The check for split words catches what A4 printed before: `Critical`
/// (here also `Medium`) cut in a Risk column too narrow for it.
#[test]
fn the_checks_catch_a_word_split_in_two() {
    let Some(exe) = printing_tools() else {
        return;
    };
    let dir = TempDir::new("browser-split");
    let good = report_html(&["nakivo", "avepoint-cloud-backup-express"]);
    let broken = good.replacen(
        "</head>",
        "<style>table.matrix .risk{overflow-wrap:anywhere;width:2.5em}</style>\n</head>",
        1,
    );
    let (words, _) = pdf_words(&print_pdf(&exe, dir.path(), &broken, "A4"));
    let split = split_words(&words, &broken);
    println!("caught: {split:?}");
    assert!(
        split
            .iter()
            .any(|(piece, _)| ["Critica", "Critic", "Medi", "Mediu"].contains(&piece.as_str())),
        "the split went unseen: {split:?}"
    );
}

#[test]
fn one_product_prints_whole() {
    check(&["nakivo"]);
}

/// The issue's four: printed, the fourth column was lost.
#[test]
fn four_products_print_whole() {
    check(&[
        "nakivo",
        "avepoint-cloud-backup-express",
        "xopero-one",
        "avepoint-cloud-backup-azure",
    ]);
}

#[test]
fn all_seven_bundled_products_print_whole() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/products");
    let mut slugs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".json").map(str::to_string)
        })
        .collect();
    slugs.sort();
    assert_eq!(slugs.len(), 7, "{slugs:?}");
    check(&slugs.iter().map(String::as_str).collect::<Vec<_>>());
}
