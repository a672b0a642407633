//! Risk levels and their badges: what every part of permscope that shows a
//! rating needs, without the rule book that produces them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

/// How much harm an app could do with a permission. Ordered: `Unknown` is lowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// Nothing to rate: the claim is empty or no rule covers it.
    Unknown,
    /// Sign-in, the user's basic profile, or narrow data of little sensitivity.
    Low,
    /// Tenant-wide reading of directory data or settings, or delegated use of the
    /// signed-in user's own content.
    Medium,
    /// Reading every user's content, changing directory objects or security
    /// settings, or reading secrets.
    High,
    /// A path to tenant or account takeover, switching off security controls, or
    /// full control over a whole workload's data.
    Critical,
}

impl RiskLevel {
    /// Every level, lowest first.
    pub const ALL: [RiskLevel; 5] = [
        RiskLevel::Unknown,
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::Critical,
    ];

    /// Lower-case name used in files, JSON output and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Unknown => "unknown",
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }

    /// Short text badge, readable without colour: `UNK`, `LOW`, `MED`, `HIGH`, `CRIT`.
    pub fn badge(self) -> &'static str {
        match self {
            RiskLevel::Unknown => "UNK",
            RiskLevel::Low => "LOW",
            RiskLevel::Medium => "MED",
            RiskLevel::High => "HIGH",
            RiskLevel::Critical => "CRIT",
        }
    }

    /// Parses forgiving user input: names, badges, common abbreviations and any
    /// start of a name, in any case (`critical`, `CRIT`, `hi`, `med`, `moderate`, `?`).
    pub fn parse_loose(text: &str) -> Option<RiskLevel> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "unknown" | "unk" | "u" | "?" | "none" => Some(RiskLevel::Unknown),
            "low" | "l" => Some(RiskLevel::Low),
            "medium" | "med" | "m" | "moderate" | "mid" => Some(RiskLevel::Medium),
            "high" | "h" => Some(RiskLevel::High),
            "critical" | "crit" | "c" => Some(RiskLevel::Critical),
            // Any other start of a name: `hi`, `crit`, `unkn`.
            _ if !t.is_empty() => RiskLevel::ALL
                .into_iter()
                .find(|level| level.as_str().starts_with(t.as_str())),
            _ => None,
        }
    }

    /// The scores a rating of this level may carry. The bands do not overlap and
    /// rise with the level, so sorting by score also sorts by level.
    pub fn score_range(self) -> RangeInclusive<u8> {
        match self {
            RiskLevel::Unknown => 0..=0,
            RiskLevel::Low => 10..=29,
            RiskLevel::Medium => 30..=54,
            RiskLevel::High => 55..=79,
            RiskLevel::Critical => 80..=100,
        }
    }

    /// The level whose band holds `score` (scores between bands round down).
    pub fn from_score(score: u8) -> RiskLevel {
        RiskLevel::ALL
            .into_iter()
            .rev()
            .find(|level| score >= *level.score_range().start())
            .unwrap_or(RiskLevel::Unknown)
    }

    /// This level lowered by `steps`, never below `Low`; `Unknown` stays `Unknown`.
    pub fn lowered(self, steps: u8) -> RiskLevel {
        if self == RiskLevel::Unknown {
            return self;
        }
        let index = (self as u8).saturating_sub(steps).max(RiskLevel::Low as u8);
        RiskLevel::ALL[usize::from(index)]
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_unknown_lowest() {
        use RiskLevel::*;
        assert!(Unknown < Low && Low < Medium && Medium < High && High < Critical);
        let mut sorted = RiskLevel::ALL;
        sorted.sort();
        assert_eq!(sorted, RiskLevel::ALL);
        assert_eq!(RiskLevel::ALL.iter().max(), Some(&Critical));
    }

    #[test]
    fn level_names_badges_and_loose_parsing() {
        let names: Vec<_> = RiskLevel::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(names, ["unknown", "low", "medium", "high", "critical"]);
        let badges: Vec<_> = RiskLevel::ALL.iter().map(|l| l.badge()).collect();
        assert_eq!(badges, ["UNK", "LOW", "MED", "HIGH", "CRIT"]);
        for level in RiskLevel::ALL {
            assert_eq!(RiskLevel::parse_loose(level.as_str()), Some(level));
            assert_eq!(RiskLevel::parse_loose(level.badge()), Some(level));
            assert_eq!(level.to_string(), level.as_str());
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.as_str()));
        }
        assert_eq!(RiskLevel::parse_loose("  Crit "), Some(RiskLevel::Critical));
        assert_eq!(RiskLevel::parse_loose("moderate"), Some(RiskLevel::Medium));
        assert_eq!(RiskLevel::parse_loose("HI"), Some(RiskLevel::High));
        assert_eq!(RiskLevel::parse_loose("medi"), Some(RiskLevel::Medium));
        assert_eq!(RiskLevel::parse_loose("severe"), None);
        assert_eq!(RiskLevel::parse_loose(""), None);
    }

    #[test]
    fn score_bands_rise_with_level_and_do_not_overlap() {
        for pair in RiskLevel::ALL.windows(2) {
            assert!(pair[0].score_range().end() < pair[1].score_range().start());
        }
        for level in RiskLevel::ALL {
            for score in level.score_range() {
                assert_eq!(RiskLevel::from_score(score), level);
            }
        }
        assert_eq!(*RiskLevel::Critical.score_range().end(), 100);
        assert_eq!(RiskLevel::Low.lowered(3), RiskLevel::Low);
        assert_eq!(RiskLevel::Critical.lowered(2), RiskLevel::Medium);
        assert_eq!(RiskLevel::Unknown.lowered(1), RiskLevel::Unknown);
    }
}
