//! Per-call timeouts (SPEC section 4): what a timeout argument means, the
//! library default, and a call's deadline handed out in slices.

use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use crate::error::zs_result::*;
use crate::error::{invalid, ZsError, ZsResult};

/// The longest a blocking call waits inside libzmq before it looks at the
/// socket's `closing` flag again.
pub(crate) const SLICE_MS: i32 = 50;

static DEFAULT_TIMEOUT_MS: AtomicI32 = AtomicI32::new(5000);

/// Set what `ZS_TIMEOUT_DEFAULT` means.
pub fn set_default_timeout(ms: i32) -> ZsResult<()> {
    if ms < -1 {
        return Err(invalid(format!(
            "timeout_ms {ms} is out of range (-1 = forever, >= 0 ms)"
        )));
    }
    DEFAULT_TIMEOUT_MS.store(ms, Ordering::Relaxed);
    Ok(())
}

/// How long one call may wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Try once without waiting; EAGAIN is `ZS_ERR_WOULD_BLOCK`.
    NonBlocking,
    /// Wait at most this many ms (0: try once); EAGAIN at the end is
    /// `ZS_ERR_TIMED_OUT`.
    Ms(u32),
    /// Wait as long as it takes (until the socket is destroyed).
    Forever,
}

impl Wait {
    /// A timeout argument: `> 0` ms, `0` once, `-1` forever, `-2` the
    /// library default; anything else is `ZS_ERR_INVALID_ARGUMENT`.
    #[inline]
    pub fn from_timeout(ms: i32) -> ZsResult<Wait> {
        let ms = if ms == -2 {
            DEFAULT_TIMEOUT_MS.load(Ordering::Relaxed)
        } else {
            ms
        };
        match ms {
            -1 => Ok(Wait::Forever),
            ms if ms >= 0 => Ok(Wait::Ms(ms as u32)),
            ms => Err(invalid(format!(
                "timeout_ms {ms} is out of range (-2 = default, -1 = forever, >= 0 ms)"
            ))),
        }
    }

    fn describe(self) -> String {
        match self {
            Wait::NonBlocking => "would block".to_string(),
            Wait::Ms(ms) => format!("timed out after {ms} ms"),
            Wait::Forever => "interrupted".to_string(),
        }
    }
}

/// The end of one call's wait, handed out in slices of at most
/// [`SLICE_MS`] so that the caller can look at its socket in between.
pub struct Deadline {
    wait: Wait,
    end: Option<Instant>,
}

impl Deadline {
    pub fn new(wait: Wait) -> Deadline {
        Deadline::starting(wait, Some(Instant::now()))
    }

    /// A deadline for a wait that began at `start` (None: a wait that has
    /// no end time, or whose one attempt is over).
    pub(crate) fn starting(wait: Wait, start: Option<Instant>) -> Deadline {
        let end = match (wait, start) {
            (Wait::Ms(ms), Some(start)) => Some(start + Duration::from_millis(u64::from(ms))),
            _ => None,
        };
        Deadline { wait, end }
    }

    /// How long to wait next, in ms, or None when the time is up.
    pub fn next_slice(&self) -> Option<i32> {
        match (self.wait, self.end) {
            (Wait::Forever, _) => Some(SLICE_MS),
            (_, Some(end)) => {
                let left = end.saturating_duration_since(Instant::now());
                // Round up so that a 200 ms call really waits 200 ms.
                let ms = left.as_micros().div_ceil(1000);
                (ms > 0).then(|| ms.min(SLICE_MS as u128) as i32)
            }
            (_, None) => None,
        }
    }

    /// The error for a wait that ran out.
    pub fn timed_out(&self, what: &str) -> ZsError {
        let code = match self.wait {
            Wait::NonBlocking => ZS_ERR_WOULD_BLOCK,
            _ => ZS_ERR_TIMED_OUT,
        };
        ZsError::new(code, format!("{what}: {}", self.wait.describe()))
    }
}

/// The error for a call interrupted because its socket is being destroyed.
pub fn interrupted(what: &str) -> ZsError {
    ZsError::new(
        ZS_ERR_BAD_HANDLE,
        format!("{what}: the socket was destroyed during the call"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_arguments() {
        assert_eq!(Wait::from_timeout(0).unwrap(), Wait::Ms(0));
        assert_eq!(Wait::from_timeout(250).unwrap(), Wait::Ms(250));
        assert_eq!(Wait::from_timeout(-1).unwrap(), Wait::Forever);
        // No unit test changes the default.
        assert_eq!(Wait::from_timeout(-2).unwrap(), Wait::Ms(5000));
        let e = Wait::from_timeout(-3).unwrap_err();
        assert_eq!(e.code, ZS_ERR_INVALID_ARGUMENT);
        assert!(e.msg.contains("timeout_ms -3"), "{}", e.msg);
        assert!(set_default_timeout(-2).is_err());
    }

    #[test]
    fn deadlines_hand_out_slices() {
        assert_eq!(Deadline::new(Wait::Forever).next_slice(), Some(SLICE_MS));
        let d = Deadline::new(Wait::Ms(10_000));
        assert_eq!(
            d.next_slice(),
            Some(SLICE_MS),
            "a long wait, one slice at a time"
        );
        let d = Deadline::new(Wait::Ms(20));
        let first = d.next_slice().expect("time left");
        assert!(first > 0 && first <= 20, "{first}");
        assert_eq!(Deadline::new(Wait::Ms(0)).next_slice(), None);
        // A wait with no end time (its one attempt is over) has no slice.
        assert_eq!(Deadline::starting(Wait::Ms(100), None).next_slice(), None);
        let d = Deadline::new(Wait::Ms(30));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(d.next_slice(), None, "the time is up");
    }

    #[test]
    fn running_out_says_how() {
        let e = Deadline::new(Wait::NonBlocking).timed_out("socket 1 (PULL)");
        assert_eq!(e.code, ZS_ERR_WOULD_BLOCK);
        assert_eq!(e.msg, "socket 1 (PULL): would block");
        let e = Deadline::new(Wait::Ms(30)).timed_out("socket 1 (PULL)");
        assert_eq!(e.code, ZS_ERR_TIMED_OUT);
        assert_eq!(e.msg, "socket 1 (PULL): timed out after 30 ms");
        assert_eq!(interrupted("x").code, ZS_ERR_BAD_HANDLE);
    }
}
