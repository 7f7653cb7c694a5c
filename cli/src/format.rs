//! Frames as text, hex or base64, for arguments and output.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::ValueEnum;

/// How frames are written (and read, for `send`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// UTF-8 text.
    Text,
    /// Hexadecimal, two digits a byte.
    Hex,
    /// Base64 (standard alphabet, padded).
    Base64,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Hex => "hex",
            Format::Base64 => "base64",
        }
    }

    pub fn encode(self, frame: &[u8]) -> String {
        match self {
            Format::Text => String::from_utf8_lossy(frame).into_owned(),
            Format::Hex => frame.iter().map(|b| format!("{b:02x}")).collect(),
            Format::Base64 => STANDARD.encode(frame),
        }
    }

    pub fn decode(self, s: &str) -> Result<Vec<u8>, String> {
        match self {
            Format::Text => Ok(s.as_bytes().to_vec()),
            Format::Hex => {
                let digits: Vec<u8> = s.bytes().collect();
                if !digits.len().is_multiple_of(2) {
                    return Err(format!("hex frame {s:?} has an odd number of digits"));
                }
                digits
                    .chunks(2)
                    .map(|p| {
                        std::str::from_utf8(p)
                            .ok()
                            .and_then(|d| u8::from_str_radix(d, 16).ok())
                            .ok_or_else(|| format!("hex frame {s:?} is not hexadecimal"))
                    })
                    .collect()
            }
            Format::Base64 => STANDARD
                .decode(s)
                .map_err(|e| format!("base64 frame {s:?}: {e}")),
        }
    }
}

/// Printable: UTF-8 without control characters (so a tab or a newline can
/// separate frames and messages).
fn printable(frame: &[u8]) -> bool {
    std::str::from_utf8(frame).is_ok_and(|s| !s.chars().any(char::is_control))
}

/// The format a message prints in: the forced one, else text when every
/// frame is printable, else hex.
pub fn choose(forced: Option<Format>, frames: &[Vec<u8>]) -> Format {
    forced.unwrap_or_else(|| {
        if frames.iter().all(|f| printable(f)) {
            Format::Text
        } else {
            Format::Hex
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_base64_round_trip() {
        let bytes = vec![0u8, 1, 0x7f, 0x80, 0xff];
        for f in [Format::Hex, Format::Base64] {
            assert_eq!(f.decode(&f.encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(Format::Hex.encode(&bytes), "00017f80ff");
        assert_eq!(Format::Base64.encode(b"hi"), "aGk=");
    }

    #[test]
    fn bad_hex_and_base64_are_errors() {
        assert!(Format::Hex.decode("abc").unwrap_err().contains("odd"));
        assert!(Format::Hex.decode("zz").unwrap_err().contains("not hex"));
        assert!(Format::Base64.decode("!!").is_err());
    }

    #[test]
    fn auto_format_is_text_only_when_printable() {
        assert_eq!(choose(None, &[b"ok".to_vec()]), Format::Text);
        assert_eq!(choose(None, &[b"ok".to_vec(), vec![0]]), Format::Hex);
        assert_eq!(choose(None, &[b"a\tb".to_vec()]), Format::Hex);
        assert_eq!(
            choose(Some(Format::Base64), &[b"ok".to_vec()]),
            Format::Base64
        );
    }
}
