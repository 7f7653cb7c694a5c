//! The wire format of the test's messages: the header frame (tag, frame
//! count, pair, generation, sequence, check word), the payload frames
//! derived from it, and the check of a received message.

use zmqsocket::*;

use crate::common::*;
use crate::rng::mix;

/// Header frame: tag (b'P' private, b'S' shared), frame count, thread,
/// pair uid, generation, sequence, check word. Payload frames start with a
/// 0 byte (so a header never looks like one) and are derived from the
/// header, so every byte can be checked.
const HDR: usize = 24;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    pub(crate) tag: u8,
    pub(crate) nframes: u8,
    pub(crate) uid: u64,
    pub(crate) gen: u32,
    pub(crate) seq: u32,
}

fn check_word(uid: u64, gen: u32, seq: u32, nframes: u8) -> u32 {
    mix(uid ^ (u64::from(gen) << 40) ^ (u64::from(seq) << 8) ^ u64::from(nframes)) as u32
}

pub(crate) fn header(tag: u8, nframes: u8, tid: usize, uid: u64, gen: u32, seq: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(HDR);
    h.push(tag);
    h.push(nframes);
    h.extend_from_slice(&(tid as u16).to_le_bytes());
    h.extend_from_slice(&uid.to_le_bytes());
    h.extend_from_slice(&gen.to_le_bytes());
    h.extend_from_slice(&seq.to_le_bytes());
    h.extend_from_slice(&check_word(uid, gen, seq, nframes).to_le_bytes());
    h
}

pub(crate) fn parse_header(f: &[u8]) -> Option<Header> {
    if f.len() != HDR || !(f[0] == b'P' || f[0] == b'S') || !(1..=3).contains(&f[1]) {
        return None;
    }
    let uid = u64::from_le_bytes(f[4..12].try_into().ok()?);
    let gen = u32::from_le_bytes(f[12..16].try_into().ok()?);
    let seq = u32::from_le_bytes(f[16..20].try_into().ok()?);
    let check = u32::from_le_bytes(f[20..24].try_into().ok()?);
    (check == check_word(uid, gen, seq, f[1])).then_some(Header {
        tag: f[0],
        nframes: f[1],
        uid,
        gen,
        seq,
    })
}

fn payload(h: &Header, i: usize) -> Vec<u8> {
    let mut r = SplitMix64(mix(h.uid
        ^ (u64::from(h.gen) << 44)
        ^ (u64::from(h.seq) << 12)
        ^ i as u64));
    let len = 1 + r.index(48);
    let mut v = vec![0u8; len];
    for b in v.iter_mut().skip(1) {
        *b = r.next() as u8;
    }
    v
}

/// All the frames of a message with header `hdr`.
pub(crate) fn message(hdr: Vec<u8>) -> Vec<Vec<u8>> {
    let h = parse_header(&hdr).expect("own header parses");
    let mut v = vec![hdr];
    for i in 1..usize::from(h.nframes) {
        v.push(payload(&h, i));
    }
    v
}

/// Check a whole received message: a header and exactly its payloads.
pub(crate) fn verify(frames: &[Vec<u8>]) -> Result<Header, String> {
    let first = frames.first().ok_or("no frames")?;
    let h = parse_header(first).ok_or_else(|| format!("bad header frame {first:?}"))?;
    if frames.len() != usize::from(h.nframes) {
        return Err(format!(
            "{h:?}: {} frames received, header says {}",
            frames.len(),
            h.nframes
        ));
    }
    for (i, f) in frames.iter().enumerate().skip(1) {
        if *f != payload(&h, i) {
            return Err(format!("{h:?}: frame {i} corrupt: {f:?}"));
        }
    }
    Ok(h)
}

pub(crate) fn zs_frames(parts: &[Vec<u8>]) -> Vec<zs_frame> {
    let refs: Vec<&[u8]> = parts.iter().map(|v| v.as_slice()).collect();
    to_frames(&refs)
}

/// Run a receive call on a fresh message; return its code and frames.
pub(crate) fn recv_with(f: impl FnOnce(*mut zs_message) -> i32) -> (i32, Vec<Vec<u8>>) {
    let mut m = empty_msg();
    let rc = f(&mut m);
    let frames = if rc == OK {
        frames_of(&m)
    } else {
        assert!(
            m.frames.is_null() && m.count == 0 && m.owner.is_null(),
            "a failed receive ({rc}) left *out non-empty"
        );
        Vec::new()
    };
    zs_message_free(&mut m);
    assert!(
        m.frames.is_null() && m.count == 0 && m.owner.is_null(),
        "zs_message_free did not zero the message"
    );
    (rc, frames)
}
