//! C pointer arguments: the one place that reads or writes memory a C
//! caller passed. Every function here
//! checks what it can (NULL, lengths, UTF-8) and turns the pointer into a
//! safe Rust value or writes a safe value through it.

use std::ffi::CStr;
use std::os::raw::{c_char, c_void};

use crate::error::{invalid, ZsResult};
use crate::types::{zs_event, zs_frame, zs_message, zs_recv_args, zs_socket};

/// Borrow a NUL-terminated UTF-8 string argument named `name`.
pub(crate) fn str_arg<'a>(p: *const c_char, name: &str) -> ZsResult<&'a str> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    // SAFETY: the caller passes a NUL-terminated string that stays valid
    // for the duration of the call (the C API's documented contract).
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str()
        .map_err(|_| invalid(format!("{name} is not valid UTF-8")))
}

/// Borrow `len` bytes at `p`, argument `name`; NULL is allowed only with
/// `len == 0`.
pub(crate) fn bytes_arg<'a>(p: *const c_void, len: usize, name: &str) -> ZsResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL but its length is {len}")));
    }
    if len > isize::MAX as usize {
        return Err(invalid(format!("{name}: length {len} is too large")));
    }
    // SAFETY: p is non-NULL and the caller promises `len` readable bytes
    // there for the duration of the call; len fits an isize.
    Ok(unsafe { std::slice::from_raw_parts(p as *const u8, len) })
}

/// Borrow `cap` writable bytes at `p`, argument `name`; NULL is allowed
/// only with `cap == 0`.
pub(crate) fn bytes_out<'a>(p: *mut c_void, cap: usize, name: &str) -> ZsResult<&'a mut [u8]> {
    if cap == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL but its capacity is {cap}")));
    }
    if cap > isize::MAX as usize {
        return Err(invalid(format!("{name}: capacity {cap} is too large")));
    }
    // SAFETY: p is non-NULL and the caller promises `cap` writable bytes
    // there for the duration of the call, not aliased by anything it
    // passed along; cap fits an isize. Bytes are only written, never read.
    Ok(unsafe { std::slice::from_raw_parts_mut(p as *mut u8, cap) })
}

/// Borrow `count` frames at `p` (at least one), each checked like
/// [`bytes_arg`].
pub(crate) fn frames_arg<'a>(
    p: *const zs_frame,
    count: usize,
    name: &str,
) -> ZsResult<Vec<&'a [u8]>> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    if count == 0 {
        return Err(invalid(format!(
            "{name}: count is 0 (a message has at least one frame)"
        )));
    }
    if count > isize::MAX as usize / std::mem::size_of::<zs_frame>() {
        return Err(invalid(format!("{name}: count {count} is too large")));
    }
    // SAFETY: p is non-NULL and the caller promises `count` frames there
    // for the duration of the call; the size fits an isize.
    let frames = unsafe { std::slice::from_raw_parts(p, count) };
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| bytes_arg(f.data, f.len, &format!("{name}[{i}].data")))
        .collect()
}

/// Borrow `count` (at least one) socket handles at `p`.
pub(crate) fn handles_arg<'a>(p: *const u64, count: usize, name: &str) -> ZsResult<&'a [u64]> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    if count == 0 || count > isize::MAX as usize / 8 {
        return Err(invalid(format!(
            "{name}: count {count} is out of range (at least 1)"
        )));
    }
    // SAFETY: p is non-NULL and the caller promises `count` handles there
    // for the duration of the call; the size fits an isize.
    Ok(unsafe { std::slice::from_raw_parts(p, count) })
}

/// Borrow `count` writable bools at `p`.
pub(crate) fn bools_out<'a>(p: *mut bool, count: usize, name: &str) -> ZsResult<&'a mut [bool]> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    // SAFETY: p is non-NULL and the caller promises `count` writable bools
    // there (count was checked by handles_arg); we only store 0 or 1.
    Ok(unsafe {
        std::ptr::write_bytes(p, 0, count);
        std::slice::from_raw_parts_mut(p, count)
    })
}

/// Check an out-pointer argument named `name`.
pub(crate) fn out_arg<T>(p: *mut T, name: &str) -> ZsResult<*mut T> {
    if p.is_null() {
        Err(invalid(format!("{name} is NULL")))
    } else {
        Ok(p)
    }
}

/// Write `v` through an out-pointer checked by [`out_arg`].
pub(crate) fn write_out<T>(p: *mut T, v: T) {
    // SAFETY: p was checked non-NULL by out_arg, and the caller promises it
    // points to writable memory of type T. `write` does not read or drop the
    // old value (which may be uninitialised).
    unsafe { p.write(v) }
}

/// The four input fields of a `zs_recv_args` checked by [`out_arg`].
pub(crate) fn recv_args(p: *mut zs_recv_args) -> (zs_socket, i32, *mut c_void, usize) {
    // SAFETY: p was checked non-NULL by out_arg and the caller promises a
    // readable zs_recv_args there; plain-data fields are copied out, no
    // reference is kept.
    unsafe { ((*p).socket, (*p).timeout_ms, (*p).buf, (*p).cap) }
}

/// Where a `zs_recv_args` checked by [`out_arg`] takes an overflowing frame.
pub(crate) fn recv_args_overflow(p: *mut zs_recv_args) -> *mut zs_message {
    // SAFETY: p was checked non-NULL by out_arg and points to a
    // zs_recv_args; this only computes the field's address (no read, no
    // reference), for write_out.
    unsafe { std::ptr::addr_of_mut!((*p).overflow) }
}

/// Write `m` through an out-pointer checked by [`out_arg`], field by field:
/// one 16-byte copy of a message just built from 8-byte stores defeats
/// store-to-load forwarding.
#[inline(always)]
pub(crate) fn write_message(p: *mut zs_message, m: zs_message) {
    // SAFETY: p was checked non-NULL by out_arg and the caller promises a
    // writable zs_message there; each field is written without reading or
    // dropping the old value.
    unsafe {
        std::ptr::addr_of_mut!((*p).frames).write(m.frames);
        std::ptr::addr_of_mut!((*p).count).write(m.count);
        std::ptr::addr_of_mut!((*p).owner).write(m.owner);
    }
}

/// Write `s` into the caller's buffer by `snprintf`'s rules: at most `cap`
/// bytes, NUL-terminated when `cap > 0`; returns the full length of `s`.
pub(crate) fn write_string(buf: *mut c_char, cap: usize, s: &str, name: &str) -> ZsResult<i32> {
    let full = i32::try_from(s.len())
        .map_err(|_| invalid(format!("{name}: the string is longer than INT32_MAX")))?;
    if cap == 0 {
        return Ok(full);
    }
    if buf.is_null() {
        return Err(invalid(format!("{name} is NULL but cap is {cap}")));
    }
    let n = s.len().min(cap - 1);
    // SAFETY: buf is non-NULL and the caller promises `cap` writable bytes;
    // we write n + 1 <= cap bytes, from a source that cannot overlap it.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf as *mut u8, n);
        *buf.add(n) = 0;
    }
    Ok(full)
}

/// Write `data` into `out` (a caller's buffer from [`bytes_out`]) by
/// `snprintf`'s rules: at most `out.len()` bytes, and for `text` a NUL
/// within them when there is room for one; returns the full length of
/// `data` (without the NUL).
pub(crate) fn write_snprintf(out: &mut [u8], data: &[u8], text: bool, name: &str) -> ZsResult<i32> {
    let full = i32::try_from(data.len())
        .map_err(|_| invalid(format!("{name}: the value is longer than INT32_MAX")))?;
    let room = if text {
        out.len().saturating_sub(1)
    } else {
        out.len()
    };
    let n = data.len().min(room);
    out[..n].copy_from_slice(&data[..n]);
    if text && !out.is_empty() {
        out[n] = 0;
    }
    Ok(full)
}

/// Write up to `cap` values into the caller's array; returns how many
/// there are in all.
pub(crate) fn write_i32s(buf: *mut i32, cap: usize, values: &[i32], name: &str) -> ZsResult<i32> {
    let full =
        i32::try_from(values.len()).map_err(|_| invalid(format!("{name}: too many values")))?;
    if cap == 0 {
        return Ok(full);
    }
    if buf.is_null() {
        return Err(invalid(format!("{name} is NULL but cap is {cap}")));
    }
    let n = values.len().min(cap);
    // SAFETY: buf is non-NULL and the caller promises `cap` writable
    // int32_t; we write n <= cap of them.
    unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), buf, n) };
    Ok(full)
}

/// Release what a `zs_message` holds and zero it. NULL and a zeroed
/// message are no-ops.
pub(crate) fn free_message(msg: *mut zs_message) {
    if msg.is_null() {
        return;
    }
    // SAFETY: msg is non-NULL and points to a zs_message the caller owns.
    let m = unsafe { &mut *msg };
    let owner = std::mem::replace(m, zs_message::EMPTY).owner;
    if !owner.is_null() {
        // SAFETY: a non-NULL owner is only ever set by ops::recv from
        // Box::into_raw of a Received, and the struct is zeroed above, so a
        // second free of the same struct sees NULL.
        crate::ops::recv::release(unsafe {
            Box::from_raw(owner as *mut crate::ops::recv::Received)
        });
    }
}

/// Borrow `count` int16_t at `p` (count already checked by
/// [`handles_arg`]).
pub(crate) fn i16s_arg<'a>(p: *const i16, count: usize, name: &str) -> ZsResult<&'a [i16]> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    // SAFETY: p is non-NULL and the caller promises `count` readable
    // int16_t there for the duration of the call.
    Ok(unsafe { std::slice::from_raw_parts(p, count) })
}

/// Borrow `count` writable int16_t at `p`, zeroed.
pub(crate) fn i16s_out<'a>(p: *mut i16, count: usize, name: &str) -> ZsResult<&'a mut [i16]> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    // SAFETY: p is non-NULL and the caller promises `count` writable
    // int16_t there, not aliased by another argument.
    Ok(unsafe {
        std::ptr::write_bytes(p, 0, count);
        std::slice::from_raw_parts_mut(p, count)
    })
}

/// What a received `zs_message` holds; ZS_ERR_INVALID_ARGUMENT for NULL
/// or a message that holds nothing (zeroed, or freed).
pub(crate) fn message_arg<'a>(
    msg: *const zs_message,
    name: &str,
) -> ZsResult<&'a crate::ops::recv::Received> {
    if msg.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    // SAFETY: msg is non-NULL and points to a zs_message the caller owns;
    // only its owner field is read.
    let owner = unsafe { (*msg).owner };
    if owner.is_null() {
        return Err(invalid(format!(
            "{name} holds no received message (zeroed or freed)"
        )));
    }
    // SAFETY: a non-NULL owner is only ever set by ops::recv from
    // Box::into_raw of a Received, and stays valid until zs_message_free
    // zeroes the struct; it is only read here.
    Ok(unsafe { &*(owner as *const crate::ops::recv::Received) })
}

/// Write `e` into the caller's `zs_event` (checked by [`out_arg`]), its
/// endpoint cut to fit at a character boundary.
pub(crate) fn write_event(p: *mut zs_event, e: &crate::monitor::Event) {
    let mut out = zs_event {
        kind: e.kind,
        value: e.value,
        time_us: e.time_us,
        endpoint: [0; 256],
    };
    let mut n = e.endpoint.len().min(out.endpoint.len() - 1);
    while !e.endpoint.is_char_boundary(n) {
        n -= 1;
    }
    for (d, s) in out.endpoint.iter_mut().zip(&e.endpoint.as_bytes()[..n]) {
        *d = *s as c_char;
    }
    write_out(p, out);
}

/// Write a 40-character key and its NUL to a 41-byte buffer checked by
/// [`out_arg`].
pub(crate) fn write_key(p: *mut c_char, key: &str) {
    debug_assert_eq!(key.len(), 40);
    let n = key.len().min(40);
    // SAFETY: p was checked non-NULL by out_arg and the caller promises 41
    // writable bytes there (the documented key buffer); we write n + 1 <= 41.
    unsafe {
        std::ptr::copy_nonoverlapping(key.as_ptr(), p as *mut u8, n);
        *p.add(n) = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::write_snprintf;

    #[test]
    fn snprintf_rules_for_text_and_bytes() {
        let mut buf = [0xaau8; 4];
        assert_eq!(write_snprintf(&mut buf, b"abcdef", true, "buf"), Ok(6));
        assert_eq!(&buf, b"abc\0");
        let mut buf = [0xaau8; 4];
        assert_eq!(write_snprintf(&mut buf, b"abcdef", false, "buf"), Ok(6));
        assert_eq!(&buf, b"abcd");
        let mut buf = [0xaau8; 4];
        assert_eq!(write_snprintf(&mut buf, b"ab", true, "buf"), Ok(2));
        assert_eq!(&buf, b"ab\0\xaa");
        let mut buf = [0xaau8; 4];
        assert_eq!(write_snprintf(&mut buf, b"ab", false, "buf"), Ok(2));
        assert_eq!(&buf, b"ab\xaa\xaa");
        assert_eq!(write_snprintf(&mut [], b"abc", true, "buf"), Ok(3));
        let mut one = [0xaau8; 1];
        assert_eq!(write_snprintf(&mut one, b"abc", true, "buf"), Ok(3));
        assert_eq!(one, [0]);
    }
}
