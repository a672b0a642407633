//! Colours, with a mono theme in which no meaning depends on colour.

use crate::model::level::RiskLevel;
use ratatui::style::{Color, Modifier, Style};

/// Styles used by the views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub mono: bool,
}

impl Theme {
    pub fn colour() -> Theme {
        Theme { mono: false }
    }

    pub fn mono() -> Theme {
        Theme { mono: true }
    }

    fn pick(&self, colour: Style, mono: Style) -> Style {
        if self.mono { mono } else { colour }
    }

    pub fn base(&self) -> Style {
        Style::default()
    }

    pub fn header(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    pub fn dim(&self) -> Style {
        self.pick(Style::default().fg(Color::DarkGray), Style::default())
    }

    /// The highlighted row: reverse video in both themes, plus a marker drawn by the table.
    /// Only the background changes in colour, so badges and matches keep their colours.
    pub fn selected(&self) -> Style {
        self.pick(
            Style::default().bg(Color::Indexed(238)).add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::REVERSED),
        )
    }

    /// Characters the search matched.
    pub fn matched(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Style::default().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
        )
    }

    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn focus_border(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Cyan),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    pub fn border(&self) -> Style {
        self.pick(Style::default().fg(Color::DarkGray), Style::default())
    }

    pub fn key(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Black).bg(Color::Gray),
            Style::default().add_modifier(Modifier::REVERSED),
        )
    }

    pub fn warn(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Yellow),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    /// The risk badge: coloured in colour, bold text in mono (the text says the level).
    pub fn risk(&self, level: RiskLevel) -> Style {
        if self.mono {
            return match level {
                RiskLevel::Critical | RiskLevel::High => Style::default().add_modifier(Modifier::BOLD),
                _ => Style::default(),
            };
        }
        match level {
            RiskLevel::Critical => Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            RiskLevel::High => Style::default().fg(Color::LightRed).add_modifier(Modifier::BOLD),
            RiskLevel::Medium => Style::default().fg(Color::Yellow),
            RiskLevel::Low => Style::default().fg(Color::Green),
            RiskLevel::Unknown => Style::default().fg(Color::Magenta),
        }
    }
}
