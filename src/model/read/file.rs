//! Reading a file's text: never more than the cap, and only as text.

use crate::model::read::{ErrorKind, ReadError};
use std::io::Read;
use std::path::Path;

/// Largest file permscope reads; a vendor table or a tenant export is far smaller.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a file's bytes, refusing anything over [`MAX_FILE_BYTES`] before reading it all.
pub fn read_bytes_capped(path: &Path) -> Result<Vec<u8>, ReadError> {
    let origin = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ReadError::file(&origin, format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(ReadError::file(&origin, "not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(&origin, meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::file(&origin, format!("cannot open: {e}")))?;
    let mut bytes = Vec::new();
    // The file may grow between stat and read: never take more than the cap.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::file(&origin, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(&origin, bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a text file: at most [`MAX_FILE_BYTES`], UTF-8 (with or without a
/// byte order mark) or UTF-16 with a byte order mark, which is what Windows
/// PowerShell 5.1's `>` and `Out-File` write.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes_capped(path)?;
    decode(&bytes, &path.display().to_string())
}

fn too_big(origin: &str, len: u64) -> ReadError {
    ReadError::file(
        origin,
        format!(
            "file is {len} bytes; files larger than {} MiB are refused",
            MAX_FILE_BYTES / 1024 / 1024
        ),
    )
}

/// Text from bytes: UTF-8 (a byte order mark is dropped), or UTF-16 LE/BE
/// announced by a byte order mark.
pub fn decode(bytes: &[u8], origin: &str) -> Result<String, ReadError> {
    let utf16 = |rest: &[u8], little: bool| -> Result<String, ReadError> {
        if !rest.len().is_multiple_of(2) {
            return Err(ReadError::file(
                origin,
                "the file is UTF-16 but has an odd number of bytes",
            ));
        }
        let units = rest.chunks_exact(2).map(|c| {
            if little {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        let mut out = String::with_capacity(rest.len() / 2);
        for c in char::decode_utf16(units) {
            match c {
                Ok(c) => out.push(c),
                Err(_) => {
                    let line = out.matches('\n').count() + 1;
                    let column = out.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    return Err(ReadError::at(
                        origin,
                        ErrorKind::File,
                        Some((line, column)),
                        None,
                        "the file is UTF-16 but holds an unpaired surrogate",
                    ));
                }
            }
        }
        Ok(out)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, false);
    }
    let rest = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    String::from_utf8(rest.to_vec()).map_err(|e| {
        let before = &rest[..e.utf8_error().valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        // The valid part of the line is text: count its characters.
        let column = std::str::from_utf8(&before[line_start..]).map_or(0, |s| s.chars().count()) + 1;
        ReadError::at(
            origin,
            ErrorKind::File,
            Some((line, column)),
            None,
            "the file is neither UTF-8 nor UTF-16 with a byte order mark",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_with_and_without_bom_and_utf16_with_bom() {
        assert_eq!(decode(b"abc", "x").unwrap(), "abc");
        assert_eq!(decode(b"\xef\xbb\xbfabc", "x").unwrap(), "abc");
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("hé".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le, "x").unwrap(), "hé");
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain("hé".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&be, "x").unwrap(), "hé");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let e = decode(b"{\n  \"a\": \"\xff\"\n}", "bad.json").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(9)));
        assert!(e.to_string().starts_with("bad.json:2:9: "), "{e}");
    }
}
