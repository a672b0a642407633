//! CSV, as a vendor's permission list arrives in a spreadsheet export
//! (RFC 4180, with `,`, `;` or tab as the delimiter).

use crate::model::read::{ErrorKind, ReadError};

/// One CSV field with where it starts.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub line: usize,
    pub column: usize,
}

/// Splits RFC 4180 text into records of cells. Quoted fields may hold the
/// delimiter, doubled quotes and line breaks.
pub fn parse_csv(text: &str, delimiter: char, origin: &str) -> Result<Vec<Vec<Cell>>, ReadError> {
    let err = |line: usize, column: usize, message: &str| {
        ReadError::at(origin, ErrorKind::Syntax, Some((line, column)), None, message)
    };
    let mut records: Vec<Vec<Cell>> = Vec::new();
    let mut record: Vec<Cell> = Vec::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut column) = (1usize, 1usize);
    loop {
        // At the start of a field.
        let mut cell = Cell {
            text: String::new(),
            line,
            column,
        };
        let mut end_of_record = false;
        if chars.peek() == Some(&'"') {
            chars.next();
            column += 1;
            loop {
                match chars.next() {
                    None => return Err(err(cell.line, cell.column, "a quoted field is never closed")),
                    Some('"') => {
                        column += 1;
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            column += 1;
                            cell.text.push('"');
                        } else {
                            break;
                        }
                    }
                    Some('\n') => {
                        line += 1;
                        column = 1;
                        cell.text.push('\n');
                    }
                    Some(c) => {
                        column += 1;
                        cell.text.push(c);
                    }
                }
            }
            match chars.peek().copied() {
                None => end_of_record = true,
                Some(c) if c == delimiter => {
                    chars.next();
                    column += 1;
                }
                Some('\r' | '\n') => {
                    if chars.next() == Some('\r') && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                    column = 1;
                    end_of_record = true;
                }
                Some(_) => {
                    return Err(err(
                        line,
                        column,
                        "unexpected text after a closing quote (a quote inside a quoted field is written twice: \"\")",
                    ));
                }
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        end_of_record = true;
                        break;
                    }
                    Some(c) if c == delimiter => {
                        column += 1;
                        break;
                    }
                    Some(c @ ('\r' | '\n')) => {
                        if c == '\r' && chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                        line += 1;
                        column = 1;
                        end_of_record = true;
                        break;
                    }
                    Some(c) => {
                        column += 1;
                        cell.text.push(c);
                    }
                }
            }
        }
        record.push(cell);
        if end_of_record {
            if !record.iter().all(|c| c.text.trim().is_empty()) {
                records.push(std::mem::take(&mut record));
            } else {
                record.clear();
            }
            if chars.peek().is_none() {
                break;
            }
        }
    }
    Ok(records)
}

/// The delimiter of the header line: `,` unless `;` (spreadsheets in many locales) or a tab is more common.
pub fn sniff_delimiter(text: &str) -> char {
    let header = text.lines().next().unwrap_or("");
    let mut in_quotes = false;
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    for c in header.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(n) = counts.iter_mut().find(|(d, _)| *d == c) {
            n.1 += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(d, n)| (*n, *d == ','))
        .map_or(',', |(d, _)| *d)
}
