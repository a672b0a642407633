//! Reading a file's text: never more than the cap, and only as text.

use crate::model::read::{ErrorKind, ReadError, json};
use std::io::Read;
use std::path::Path;

pub use crate::model::read::limits::MAX_FILE_BYTES;

/// Refuses a text of `len` bytes over [`MAX_FILE_BYTES`]: the check every file
/// read gets, and that `import` makes on the file it is about to write.
pub fn check_size(len: u64, origin: &str) -> Result<(), ReadError> {
    if len > MAX_FILE_BYTES {
        return Err(too_big(origin, len));
    }
    Ok(())
}

/// Reads a file's bytes, refusing anything over [`MAX_FILE_BYTES`] before reading it all.
pub fn read_bytes_capped(path: &Path) -> Result<Vec<u8>, ReadError> {
    let origin = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ReadError::file(&origin, format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(ReadError::file(&origin, "not a regular file"));
    }
    check_size(meta.len(), &origin)?;
    let file = std::fs::File::open(path).map_err(|e| ReadError::file(&origin, format!("cannot open: {e}")))?;
    let mut bytes = Vec::new();
    // The file may grow between stat and read: never take more than the cap.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::file(&origin, format!("cannot read: {e}")))?;
    check_size(bytes.len() as u64, &origin)?;
    Ok(bytes)
}

/// Reads a stream (standard input) as text, as [`read_text`] reads a file:
/// more than [`MAX_FILE_BYTES`] is refused, never cut.
pub fn read_stream(stream: impl Read, origin: &str) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    stream
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::file(origin, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::file(
            origin,
            format!(
                "more than {} MiB; input over the cap is refused, not cut (split it)",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        ));
    }
    decode(&bytes, origin)
}

/// Reads a text file: at most [`MAX_FILE_BYTES`], UTF-8 (with or without a
/// byte order mark) or UTF-16 with a byte order mark, which is what Windows
/// PowerShell 5.1's `>` and `Out-File` write.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes_capped(path)?;
    decode(&bytes, &path.display().to_string())
}

/// [`read_text`] for a JSON file: bytes that are not text are also located
/// by the field being read there.
pub fn read_json_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes_capped(path)?;
    let origin = path.display().to_string();
    decode(&bytes, &origin).map_err(|mut e| {
        if let Err(bad) = std::str::from_utf8(&bytes)
            && e.line.is_some()
            && e.field.is_none()
            && looks_like_utf16(&bytes).is_none()
        {
            let start = usize::from(bytes.starts_with(&[0xef, 0xbb, 0xbf])) * 3;
            let valid = std::str::from_utf8(&bytes[start..bad.valid_up_to()]).unwrap_or("");
            e.field = Some(json::path_at(valid, valid.len())).filter(|f| !f.is_empty());
        }
        e
    })
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
    if let Some(order) = looks_like_utf16(bytes) {
        return Err(ReadError::at(
            origin,
            ErrorKind::File,
            Some((1, 1)),
            None,
            format!(
                "the file looks like UTF-16 ({order}) without a byte order mark: \
                 save it as UTF-8, or as UTF-16 with a byte order mark"
            ),
        ));
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

/// `Some("little-endian")` or `Some("big-endian")` when text without a byte
/// order mark looks like UTF-16: most of its first characters are ASCII with a
/// zero byte beside them, which UTF-8 text never has.
fn looks_like_utf16(bytes: &[u8]) -> Option<&'static str> {
    let pairs: Vec<&[u8]> = bytes.chunks_exact(2).take(64).collect();
    if pairs.is_empty() {
        return None;
    }
    let ascii = |b: u8| b != 0 && b.is_ascii();
    let little = pairs.iter().filter(|p| ascii(p[0]) && p[1] == 0).count();
    let big = pairs.iter().filter(|p| p[0] == 0 && ascii(p[1])).count();
    let most = pairs.len().div_ceil(2);
    if little >= most {
        Some("little-endian")
    } else if big >= most {
        Some("big-endian")
    } else {
        None
    }
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

    #[test]
    fn utf16_without_a_byte_order_mark_is_named() {
        let le: Vec<u8> = "{\"slug\": \"x\"}".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let e = decode(&le, "u.json").unwrap_err();
        assert!(
            e.message.contains("UTF-16 (little-endian) without a byte order mark"),
            "{e}"
        );
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
        let be: Vec<u8> = "{}".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(decode(&be, "u.json").unwrap_err().message.contains("big-endian"));
        // NUL bytes alone are not UTF-16.
        assert!(decode(&[0; 8], "z").is_ok());
    }

    #[test]
    fn a_stream_over_the_cap_is_refused() {
        let big = std::io::repeat(b'a').take(MAX_FILE_BYTES + 1);
        let e = read_stream(big, "standard input").unwrap_err();
        assert!(e.message.contains("refused"), "{e}");
        assert_eq!(read_stream(&b"\xef\xbb\xbfa\nb"[..], "stdin").unwrap(), "a\nb");
    }
}
