//! CURVE keys and Z85 text (libzmq's zmq_curve_* and zmq_z85_*).

use std::ffi::CString;
use std::os::raw::c_char;

/// A new CURVE keypair as Z85 text: (public, secret), 40 characters each.
pub(crate) fn keypair() -> Result<(String, String), zmq::Error> {
    let (mut public, mut secret) = ([0u8; 41], [0u8; 41]);
    // SAFETY: both buffers hold the 41 bytes zmq_curve_keypair writes.
    let rc = unsafe {
        zmq_sys::zmq_curve_keypair(
            public.as_mut_ptr() as *mut c_char,
            secret.as_mut_ptr() as *mut c_char,
        )
    };
    if rc != 0 {
        return Err(super::socket::last_zmq_error());
    }
    Ok((text40(&public), text40(&secret)))
}

/// The public key of a CURVE secret key, both Z85 text; None when the
/// secret is not 40 characters of valid Z85.
pub(crate) fn public_of(secret: &str) -> Option<String> {
    decode(secret).filter(|k| k.len() == 32)?;
    let secret = CString::new(secret).ok()?;
    let mut public = [0u8; 41];
    // SAFETY: public holds the 41 bytes zmq_curve_public writes; secret is
    // 40 characters of Z85 and NUL-terminated.
    let rc =
        unsafe { zmq_sys::zmq_curve_public(public.as_mut_ptr() as *mut c_char, secret.as_ptr()) };
    (rc == 0).then(|| text40(&public))
}

fn text40(buf: &[u8; 41]) -> String {
    String::from_utf8_lossy(&buf[..40]).into_owned()
}

/// Z85 text of `data` (its length a multiple of 4); None otherwise.
pub(crate) fn encode(data: &[u8]) -> Option<String> {
    if !data.len().is_multiple_of(4) {
        return None;
    }
    let mut out = vec![0u8; data.len() / 4 * 5 + 1];
    // SAFETY: out holds the len * 5 / 4 characters and the NUL that
    // zmq_z85_encode writes; data is readable for its length.
    let p = unsafe {
        zmq_sys::zmq_z85_encode(out.as_mut_ptr() as *mut c_char, data.as_ptr(), data.len())
    };
    if p.is_null() {
        return None;
    }
    out.pop();
    String::from_utf8(out).ok()
}

/// The bytes of Z85 `text` (its length a multiple of 5, every character
/// Z85's); None otherwise.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(5) || !text.bytes().all(is_z85) {
        return None;
    }
    if text.is_empty() {
        // zmq_z85_decode refuses "", which encodes 0 bytes.
        return Some(Vec::new());
    }
    let c = CString::new(text).ok()?;
    let mut out = vec![0u8; text.len() / 5 * 4];
    // SAFETY: out holds the len * 4 / 5 bytes zmq_z85_decode writes for a
    // NUL-terminated text whose length is a multiple of 5.
    let p = unsafe { zmq_sys::zmq_z85_decode(out.as_mut_ptr(), c.as_ptr()) };
    (!p.is_null()).then_some(out)
}

/// A character of the Z85 alphabet.
fn is_z85(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b".-:+=^!/*?&<>()[]{}@%$#".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z85_round_trips_and_refuses_bad_text() {
        // The example of the Z85 specification (rfc.zeromq.org/spec/32).
        let bytes = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        assert_eq!(encode(&bytes).unwrap(), "HelloWorld");
        assert_eq!(decode("HelloWorld").unwrap(), bytes);
        assert_eq!(encode(&[1, 2, 3]), None);
        assert_eq!(encode(&[]).unwrap(), "");
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
        assert_eq!(decode("Hell"), None);
        assert_eq!(decode("Hello Worl"), None, "a space is not Z85");
        assert_eq!(decode("Hello\"orl"), None);
    }

    #[test]
    fn a_keypair_s_public_key_is_its_secret_s() {
        let (public, secret) = keypair().unwrap();
        assert_eq!(public.len(), 40);
        assert_eq!(public_of(&secret).unwrap(), public);
        assert_eq!(public_of("too short"), None);
    }
}
