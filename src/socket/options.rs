//! Socket options by name (SPEC section 18): the rules of the
//! [`crate::options`] table applied to one socket. Options the library owns
//! go through the same functions as their dedicated calls, so nothing set
//! by name can break a guarantee.

use crate::error::zs_result::*;
use crate::error::{from_zmq, invalid, ZsError, ZsResult};
use crate::options::{self, Access, Kind, Opt, Owner};
use crate::types::zs_socket_type;

use super::{hwm_value, SocketState};

/// A value to set: the integer forms give `Int`, the `_bytes` forms `Bytes`.
#[derive(Clone, Copy, Debug)]
pub enum OptValue<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

/// A value read: an integer, or bytes (`text`: a string, to which the C
/// API adds a NUL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptRead {
    Int(i64),
    Bytes { data: Vec<u8>, text: bool },
}

/// The largest string or binary value read from libzmq.
const MAX_READ: usize = 1 << 16;

fn not_supported(msg: impl Into<String>) -> ZsError {
    ZsError::new(ZS_ERR_NOT_SUPPORTED, msg)
}

/// The option named `name`, checked for the form used (`integer`: the
/// integer forms) and for this socket's type.
fn lookup(name: &str, integer: bool, kind: zs_socket_type) -> ZsResult<&'static Opt> {
    if name.is_empty() {
        return Err(invalid("name is empty"));
    }
    let opt = options::find(name)
        .ok_or_else(|| invalid(format!("name '{name}' is not a libzmq socket option")))?;
    if opt.kind.is_integer() != integer {
        let (form, other) = if opt.kind.is_integer() {
            ("an integer", "zs_set_option and zs_get_option")
        } else {
            ("a bytes", "zs_set_option_bytes and zs_get_option_bytes")
        };
        return Err(invalid(format!(
            "{} is {form} option ({}): use {other}",
            opt.name,
            opt.kind.name()
        )));
    }
    if !opt.takes(kind) {
        let which = match opt.type_names() {
            t if t.is_empty() => "no socket type zmqsocket makes".to_string(),
            t => format!("{t} only"),
        };
        return Err(not_supported(format!(
            "{}: a {} socket does not take it ({which})",
            opt.name,
            kind.name()
        )));
    }
    Ok(opt)
}

/// Why an option is refused both ways, if it is (its description says).
fn refused(opt: &Opt) -> Option<ZsError> {
    match opt.owner {
        Owner::Timeout | Owner::Absent | Owner::Context => {
            Some(not_supported(format!("{}: {}", opt.name, opt.desc)))
        }
        _ => None,
    }
}

/// An integer value for an option of kind `kind`, as libzmq's bytes.
fn int_bytes(opt: &Opt, v: i64) -> ZsResult<Vec<u8>> {
    let out_of_range = || {
        invalid(format!(
            "{}: value {v} is out of range for a {} option",
            opt.name,
            opt.kind.name()
        ))
    };
    Ok(match opt.kind {
        Kind::Int => i32::try_from(v)
            .map_err(|_| out_of_range())?
            .to_ne_bytes()
            .to_vec(),
        Kind::Int64 => v.to_ne_bytes().to_vec(),
        Kind::Uint64 => u64::try_from(v)
            .map_err(|_| out_of_range())?
            .to_ne_bytes()
            .to_vec(),
        _ => unreachable!("checked by lookup"),
    })
}

/// An int option's value within `int32_t`.
fn int32(opt: &Opt, v: i64) -> ZsResult<i32> {
    i32::try_from(v).map_err(|_| {
        invalid(format!(
            "{}: value {v} is out of range for an int option",
            opt.name
        ))
    })
}

/// libzmq's refusal of a value (EINVAL) is the caller's bad argument.
fn zmq_refusal(opt: &'static Opt) -> impl Fn(zmq::Error) -> ZsError {
    move |e| {
        if e == zmq::Error::EINVAL {
            invalid(format!(
                "{}: libzmq refuses the value ({})",
                opt.name,
                e.message()
            ))
        } else {
            from_zmq(e, opt.name, ZS_ERR_ZMQ)
        }
    }
}

impl SocketState {
    /// Set the option `name` (SPEC section 18).
    pub fn set_option(&mut self, name: &str, value: OptValue<'_>) -> ZsResult<()> {
        let opt = lookup(name, matches!(value, OptValue::Int(_)), self.kind)?;
        if let Some(e) = refused(opt) {
            return Err(e);
        }
        if opt.access == Access::ReadOnly {
            let why = match opt.owner {
                Owner::Library => "the library sets it on every socket",
                _ => "libzmq reports it",
            };
            return Err(not_supported(format!("{} is read-only ({why})", opt.name)));
        }
        // The owned options' own errors get the option's name in front.
        let named = |e: ZsError| ZsError::new(e.code, format!("{}: {}", opt.name, e.msg));
        match (opt.owner, value) {
            (Owner::SendHwm, OptValue::Int(v)) => {
                let hwm = hwm_value(int32(opt, v)?, "value").map_err(named)?;
                self.set_hwms((hwm, self.hwms.1), opt.name)
            }
            (Owner::RecvHwm, OptValue::Int(v)) => {
                let hwm = hwm_value(int32(opt, v)?, "value").map_err(named)?;
                self.set_hwms((self.hwms.0, hwm), opt.name)
            }
            (Owner::Linger, OptValue::Int(v)) => self.set_linger(int32(opt, v)?).map_err(named),
            (Owner::MaxMsgSize, OptValue::Int(v)) => self.set_max_message_size(v).map_err(named),
            (Owner::RoutingId, OptValue::Bytes(b)) => self.set_routing_id(b).map_err(named),
            (Owner::Subscribe | Owner::Unsubscribe, OptValue::Bytes(b))
                if self.kind != zs_socket_type::ZS_XPUB =>
            {
                self.subscription(b, opt.owner == Owner::Subscribe)
                    .map_err(named)
            }
            (Owner::RouterMandatory, OptValue::Int(v)) => match v {
                0 => Err(not_supported(
                    "ROUTER_MANDATORY: zmqsocket's ROUTERs always have it (SPEC section 7)",
                )),
                v if v > 0 => Ok(()),
                v => Err(invalid(format!("ROUTER_MANDATORY: value {v} is negative"))),
            },
            (Owner::Mechanism, value) => self.set_mechanism_option(opt, value),
            (Owner::AcceptFilter, OptValue::Bytes(b)) => self.set_accept_filter(opt, b),
            (_, value) => self.set_raw(opt, value),
        }
    }

    /// Set a security mechanism option (PLAIN_*, CURVE_*): only before
    /// the socket's first bind or connect, as SPEC section 19 requires;
    /// after it, ZS_ERR_WRONG_STATE.
    pub fn set_mechanism_option(&mut self, opt: &'static Opt, value: OptValue<'_>) -> ZsResult<()> {
        if self.attached {
            return Err(ZsError::new(
                ZS_ERR_WRONG_STATE,
                format!(
                    "{}: a security mechanism is set before the socket's first bind or connect",
                    opt.name
                ),
            ));
        }
        self.set_raw(opt, value)
    }

    /// TCP_ACCEPT_FILTER. libzmq parses the address by the socket's
    /// ZMQ_IPV6 at this moment, and an IPv4 peer's address has the form of
    /// the listener it came to: plain on an IPv4 literal's (the library
    /// binds those without IPv6), v4-mapped on a dual-stack one. So an IPv4
    /// address is added in both forms; an IPv6 one (or "", which clears the
    /// list) as it is.
    fn set_accept_filter(&mut self, opt: &'static Opt, b: &[u8]) -> ZsResult<()> {
        let ipv4 = !b.is_empty() && !b.contains(&b':');
        if ipv4 {
            self.sock.set_ipv6(false).map_err(zmq_refusal(opt))?;
            let plain = self.set_raw(opt, OptValue::Bytes(b));
            self.sock.set_ipv6(true).map_err(zmq_refusal(opt))?;
            plain?;
        }
        self.set_raw(opt, OptValue::Bytes(b))
    }

    /// Set an option as libzmq takes it.
    fn set_raw(&mut self, opt: &'static Opt, value: OptValue<'_>) -> ZsResult<()> {
        let bytes = match value {
            OptValue::Int(v) => int_bytes(opt, v)?,
            OptValue::Bytes(b) => {
                if opt.kind == Kind::Str && b.contains(&0) {
                    return Err(invalid(format!(
                        "{}: a string value holds a NUL byte",
                        opt.name
                    )));
                }
                b.to_vec()
            }
        };
        let result = self.raw.set_option(opt.number, &bytes);
        if result == Err(zmq::Error::EINVAL)
            && matches!(opt.owner, Owner::Subscribe | Owner::Unsubscribe)
        {
            return Err(invalid(format!(
                "{}: an XPUB takes it only in XPUB_MANUAL mode",
                opt.name
            )));
        }
        result.map_err(zmq_refusal(opt))
    }

    /// Read the option `name` (SPEC section 18): `integer` for the integer
    /// forms.
    pub fn get_option(&mut self, name: &str, integer: bool) -> ZsResult<OptRead> {
        let opt = lookup(name, integer, self.kind)?;
        if let Some(e) = refused(opt) {
            return Err(e);
        }
        if opt.access == Access::WriteOnly {
            return Err(not_supported(format!(
                "{} is write-only (libzmq does not report it)",
                opt.name
            )));
        }
        match opt.owner {
            Owner::SendHwm => return Ok(OptRead::Int(self.hwms.0.into())),
            Owner::RecvHwm => return Ok(OptRead::Int(self.hwms.1.into())),
            Owner::MaxMsgSize => return Ok(OptRead::Int(self.max_msg_size)),
            Owner::RouterMandatory => return Ok(OptRead::Int(1)),
            _ => {}
        }
        self.get_raw(opt)
    }

    /// [`SocketState::get_option`] of an integer option.
    pub fn get_option_int(&mut self, name: &str) -> ZsResult<i64> {
        match self.get_option(name, true)? {
            OptRead::Int(v) => Ok(v),
            OptRead::Bytes { .. } => Err(ZsError::new(
                ZS_ERR_INTERNAL,
                "an integer option read as bytes",
            )),
        }
    }

    /// [`SocketState::get_option`] of a bytes option: the value, and
    /// whether it is a string.
    pub fn get_option_bytes(&mut self, name: &str) -> ZsResult<(Vec<u8>, bool)> {
        match self.get_option(name, false)? {
            OptRead::Bytes { data, text } => Ok((data, text)),
            OptRead::Int(_) => Err(ZsError::new(
                ZS_ERR_INTERNAL,
                "a bytes option read as an integer",
            )),
        }
    }

    /// Read an option as libzmq gives it.
    fn get_raw(&mut self, opt: &'static Opt) -> ZsResult<OptRead> {
        let err = zmq_refusal(opt);
        let int = |raw: super::RawSock, width: usize| -> ZsResult<[u8; 8]> {
            let mut buf = [0u8; 8];
            let n = raw
                .get_option(opt.number, &mut buf[..width])
                .map_err(&err)?;
            if n != width {
                return Err(ZsError::new(
                    ZS_ERR_INTERNAL,
                    format!("{}: libzmq gave {n} bytes, not {width}", opt.name),
                ));
            }
            Ok(buf)
        };
        match opt.kind {
            Kind::Int => {
                let b = int(self.raw, 4)?;
                Ok(OptRead::Int(
                    i32::from_ne_bytes([b[0], b[1], b[2], b[3]]).into(),
                ))
            }
            Kind::Int64 => Ok(OptRead::Int(i64::from_ne_bytes(int(self.raw, 8)?))),
            Kind::Uint64 => {
                let v = u64::from_ne_bytes(int(self.raw, 8)?);
                i64::try_from(v).map(OptRead::Int).map_err(|_| {
                    ZsError::new(
                        ZS_ERR_INTERNAL,
                        format!("{}: libzmq holds {v}, above INT64_MAX", opt.name),
                    )
                })
            }
            Kind::Key => {
                // libzmq gives a key as Z85 text when asked with room for
                // 40 characters and the NUL.
                let mut buf = [0u8; 41];
                let n = self.raw.get_option(opt.number, &mut buf).map_err(&err)?;
                let data = buf[..n].strip_suffix(&[0]).unwrap_or(&buf[..n]).to_vec();
                Ok(OptRead::Bytes { data, text: true })
            }
            Kind::Bytes | Kind::Str => {
                // libzmq refuses (EINVAL) a buffer too small for the value.
                let mut cap = 256;
                loop {
                    let mut buf = vec![0u8; cap];
                    match self.raw.get_option(opt.number, &mut buf) {
                        Ok(n) => {
                            buf.truncate(n);
                            let text = opt.kind == Kind::Str;
                            if text && buf.last() == Some(&0) {
                                buf.pop();
                            }
                            return Ok(OptRead::Bytes { data: buf, text });
                        }
                        Err(zmq::Error::EINVAL) if cap < MAX_READ => cap *= 4,
                        Err(e) => return Err(err(e)),
                    }
                }
            }
        }
    }
}
