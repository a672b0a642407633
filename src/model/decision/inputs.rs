//! What a report is made with besides the catalog: the reviewer's decisions,
//! the reviewer's name, and what it was made from (the clock, the command
//! line, every file in use with its SHA-256). The command line reads the clock
//! and the files; the model only formats what it is given, so the same inputs
//! always give the same report.

use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::query::AppRef;
use crate::model::text::one_line;
use sha2::Digest;

/// A reviewer's decision on a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Approve,
    Conditional,
    Reject,
}

impl Choice for Verdict {
    fn all() -> &'static [Self] {
        &[Verdict::Approve, Verdict::Conditional, Verdict::Reject]
    }
    fn name(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Conditional => "conditional",
            Verdict::Reject => "reject",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Verdict::Approve => "grant what the vendor asks for",
            Verdict::Conditional => "grant on conditions (say which in the note)",
            Verdict::Reject => "do not grant it",
        }
    }
}

impl Verdict {
    /// The decision as the report states it.
    pub fn title(self) -> &'static str {
        match self {
            Verdict::Approve => "Approved",
            Verdict::Conditional => "Approved on conditions",
            Verdict::Reject => "Rejected",
        }
    }
}

/// `--decision SLUG=VERDICT[:NOTE]`, read against the report's products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Index into the catalog's products.
    pub product: usize,
    pub verdict: Verdict,
    /// The reviewer's words: conditions, reasons.
    pub note: Option<String>,
}

/// Why a `--decision` was refused. The text it quotes is neutralised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("--decision `{given}`: write SLUG=approve|conditional|reject[:NOTE]")]
    Shape { given: String },
    #[error("--decision `{given}`: `{slug}` is not a product of this report; its products are: {choices}")]
    UnknownProduct {
        given: String,
        slug: String,
        choices: String,
    },
    #[error("--decision `{given}`: `{verdict}` is not a decision; use {choices}")]
    UnknownVerdict {
        given: String,
        verdict: String,
        choices: String,
    },
    #[error("--decision: {slug} is decided twice (`{first}` and `{second}`)")]
    Twice {
        slug: String,
        first: String,
        second: String,
    },
}

/// Reads `SLUG=VERDICT[:NOTE]`. `SLUG` is one of `products` (the report's),
/// by its slug or a unique prefix of one, ignoring case; `VERDICT` is
/// approve, conditional or reject; everything after the first `:` is the note.
pub fn parse_decision(catalog: &Catalog, products: &[usize], text: &str) -> Result<Decision, DecisionError> {
    let given = one_line(text);
    let Some((slug, rest)) = text.split_once('=') else {
        return Err(DecisionError::Shape { given });
    };
    let (verdict, note) = match rest.split_once(':') {
        Some((v, n)) => (v, Some(n.trim().to_string()).filter(|n| !n.is_empty())),
        None => (rest, None),
    };
    let wanted = slug.trim().to_lowercase();
    let slug_of = |p: usize| catalog.products[p].slug.as_str();
    let exact = products.iter().copied().find(|&p| slug_of(p).to_lowercase() == wanted);
    let prefixed: Vec<usize> = products
        .iter()
        .copied()
        .filter(|&p| !wanted.is_empty() && slug_of(p).to_lowercase().starts_with(&wanted))
        .collect();
    let product = match (exact, prefixed.as_slice()) {
        (Some(p), _) | (None, &[p]) => p,
        _ => {
            return Err(DecisionError::UnknownProduct {
                given,
                slug: one_line(slug.trim()),
                choices: products.iter().map(|&p| slug_of(p)).collect::<Vec<_>>().join(", "),
            });
        }
    };
    let Some(verdict) = Verdict::parse(verdict) else {
        return Err(DecisionError::UnknownVerdict {
            given,
            verdict: one_line(verdict.trim()),
            choices: Verdict::all().iter().map(|v| v.name()).collect::<Vec<_>>().join(", "),
        });
    };
    Ok(Decision { product, verdict, note })
}

/// Reads every `--decision`, refusing a product decided twice.
pub fn parse_decisions(
    catalog: &Catalog,
    products: &[usize],
    texts: &[String],
) -> Result<Vec<Decision>, DecisionError> {
    let mut out: Vec<(Decision, &String)> = Vec::new();
    for text in texts {
        let d = parse_decision(catalog, products, text)?;
        if let Some((_, first)) = out.iter().find(|(o, _)| o.product == d.product) {
            return Err(DecisionError::Twice {
                slug: catalog.products[d.product].slug.clone(),
                first: one_line(first),
                second: one_line(text),
            });
        }
        out.push((d, text));
    }
    Ok(out.into_iter().map(|(d, _)| d).collect())
}

/// Where the generation time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock when the report was made.
    #[default]
    System,
    /// `SOURCE_DATE_EPOCH`, set to reproduce a report byte for byte.
    SourceDateEpoch,
}

/// A file the report's content depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUse {
    /// What it is for: "risk rules (--risk-rules)", "product file".
    pub role: String,
    /// Where it was read from, as given (or `data/risk.json` for bundled data).
    pub path: String,
    pub sha256: String,
}

/// What a report was made from, besides the catalog's own sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Made {
    /// When it was made, in seconds since 1970-01-01 UTC; `None` when the
    /// caller kept no clock (a library call): the report says so.
    pub generated: Option<i64>,
    pub clock: Clock,
    /// The command line that made it, quoted for a POSIX shell.
    pub command_line: Option<String>,
    /// Reviewer's and data files in use, in the order given.
    pub files: Vec<FileUse>,
}

/// Everything a report needs besides the catalog and the products.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// One app of each product (`--app`), or empty for every app.
    pub apps: Vec<AppRef>,
    pub decisions: Vec<Decision>,
    pub reviewer: Option<String>,
    pub made: Made,
}

impl ReportOptions {
    /// The decision on `product`, if the reviewer gave one.
    pub fn decision(&self, product: usize) -> Option<&Decision> {
        self.decisions.iter().find(|d| d.product == product)
    }
}

/// Lower-case hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `secs` since 1970 as ISO 8601 in UTC: `2025-11-27T17:50:03Z`.
pub fn iso8601_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m as u32, d as u32)
}

/// One argument quoted for a POSIX shell when it needs to be.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The bundled files a reviewer's rules, model or alternatives are layered
/// on, with the SHA-256 of the copy built into this binary. (The other
/// bundled knowledge, published classifications and Microsoft's catalog, is
/// identified by permscope's version: hashing it here would need a second
/// copy of several megabytes in the binary.)
pub fn bundled_files() -> Vec<FileUse> {
    const FILES: &[(&str, &str, &str)] = &[
        ("risk rules", "data/risk.json", include_str!("../../../data/risk.json")),
        (
            "capability model",
            "data/capabilities.json",
            include_str!("../../../data/capabilities.json"),
        ),
        (
            "alternatives and hardening",
            "data/alternatives.json",
            include_str!("../../../data/alternatives.json"),
        ),
    ];
    FILES
        .iter()
        .map(|(role, path, text)| FileUse {
            role: format!("bundled {role}"),
            path: (*path).to_string(),
            sha256: sha256_hex(text.as_bytes()),
        })
        .collect()
}

/// The bundled product file `name` (`nakivo.json`) with its SHA-256.
pub fn bundled_product_file(name: &str) -> Option<FileUse> {
    crate::model::catalog::BUNDLED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| FileUse {
            role: "bundled product file".to_string(),
            path: format!("data/products/{n}"),
            sha256: sha256_hex(text.as_bytes()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_8601_in_utc() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_utc(1_764_265_803), "2025-11-27T17:50:03Z");
        assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(iso8601_utc(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn sha256_of_the_empty_string() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn arguments_are_quoted_when_a_shell_would_read_them() {
        assert_eq!(shell_quote("--format"), "--format");
        assert_eq!(shell_quote("nakivo=reject:no EWS"), "'nakivo=reject:no EWS'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
