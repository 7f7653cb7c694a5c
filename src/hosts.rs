//! The process-wide host table (SPEC section 6): host ids of the test
//! environment ("web1", "zmq_target") mapped to addresses.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;

use once_cell::sync::Lazy;

use crate::error::zs_result::*;
use crate::error::{invalid, ZsError, ZsResult};

struct HostTable {
    map: HashMap<String, String>,
    env_loaded: bool,
}

static HOSTS: Lazy<Mutex<HostTable>> = Lazy::new(|| {
    let mut map = HashMap::new();
    map.insert("localhost".to_string(), "127.0.0.1".to_string());
    Mutex::new(HostTable {
        map,
        env_loaded: false,
    })
});

/// The host table, locked for a fork (see the fork module).
pub(crate) struct ForkHold(#[allow(dead_code)] std::sync::MutexGuard<'static, HostTable>);

/// Lock the table for a fork: held across `fork()` so that the child
/// inherits it whole and unlocked.
pub(crate) fn hold_for_fork() -> ForkHold {
    ForkHold(lock())
}

/// Lock the table, loading `ZMQSOCKET_HOSTS` the first time; that load's
/// failure is this call's failure.
///
/// The file is read without the lock held: a fork waits for the lock, and
/// must not wait for a slow file.
fn table() -> ZsResult<std::sync::MutexGuard<'static, HostTable>> {
    let t = lock();
    if t.env_loaded {
        return Ok(t);
    }
    drop(t);
    let loaded = match std::env::var_os("ZMQSOCKET_HOSTS") {
        Some(path) if !path.is_empty() => {
            let path = path.to_string_lossy().into_owned();
            parse_file(&path)
                .map_err(|e| ZsError::new(e.code, format!("ZMQSOCKET_HOSTS: {}", e.msg)))
        }
        _ => Ok(Vec::new()),
    };
    let mut t = lock();
    if t.env_loaded {
        // Another thread loaded it meanwhile (and reported any error).
        return Ok(t);
    }
    t.env_loaded = true;
    t.map.extend(loaded?);
    Ok(t)
}

fn lock() -> std::sync::MutexGuard<'static, HostTable> {
    HOSTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Check a host id: non-empty UTF-8 without whitespace.
pub fn check_host_id(id: &str) -> ZsResult<()> {
    if id.is_empty() {
        return Err(invalid("host_id is empty"));
    }
    if id.chars().any(char::is_whitespace) {
        return Err(invalid(format!("host_id '{id}' contains whitespace")));
    }
    Ok(())
}

/// Check an address: non-empty, no whitespace. Returns it normalised
/// (brackets around an IPv6 literal removed).
fn check_address(addr: &str) -> ZsResult<String> {
    if addr.is_empty() {
        return Err(invalid("address is empty"));
    }
    if addr.chars().any(char::is_whitespace) {
        return Err(invalid(format!("address '{addr}' contains whitespace")));
    }
    Ok(ip_literal(addr).map_or_else(|| addr.to_string(), |ip| ip.to_string()))
}

/// `s` as an IP literal, IPv6 with or without brackets.
fn ip_literal(s: &str) -> Option<IpAddr> {
    let inner = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    inner.parse::<IpAddr>().ok()
}

/// Add or replace a host.
pub fn set(id: &str, addr: &str) -> ZsResult<()> {
    check_host_id(id)?;
    let addr = check_address(addr)?;
    table()?.map.insert(id.to_string(), addr);
    Ok(())
}

/// Remove a host; `ZS_ERR_UNKNOWN_HOST` if absent.
pub fn remove(id: &str) -> ZsResult<()> {
    check_host_id(id)?;
    match table()?.map.remove(id) {
        Some(_) => Ok(()),
        None => Err(ZsError::new(
            ZS_ERR_UNKNOWN_HOST,
            format!("host_id '{id}' is not in the host table"),
        )),
    }
}

/// The address of a host id: the table first, then the id itself if it is
/// an IP literal.
pub fn address(id: &str) -> ZsResult<String> {
    check_host_id(id)?;
    if let Some(a) = table()?.map.get(id) {
        return Ok(a.clone());
    }
    match ip_literal(id) {
        Some(ip) => Ok(ip.to_string()),
        None => Err(ZsError::new(
            ZS_ERR_UNKNOWN_HOST,
            format!("host_id '{id}' is not in the host table and not an IP literal"),
        )),
    }
}

/// The TCP endpoint for a host id and port: `tcp://address:port`, or
/// `tcp://[address]:port` for an IPv6 address.
pub fn tcp_endpoint(id: &str, port: u16) -> ZsResult<String> {
    let addr = address(id)?;
    Ok(match addr.parse::<Ipv6Addr>() {
        Ok(v6) => format!("tcp://[{v6}]:{port}"),
        Err(_) => format!("tcp://{addr}:{port}"),
    })
}

/// Load a host file, all or nothing; returns the number of entries.
pub fn load(path: &str) -> ZsResult<i32> {
    let entries = parse_file(path)?;
    let n = i32::try_from(entries.len()).unwrap_or(i32::MAX);
    table()?.map.extend(entries);
    Ok(n)
}

/// Parse a host file: `host_id address` per line, blank lines and `#`
/// comments ignored. Later lines win over earlier ones for the same id.
fn parse_file(path: &str) -> ZsResult<Vec<(String, String)>> {
    if path.is_empty() {
        return Err(invalid("path is empty"));
    }
    let text = std::fs::read(path).map_err(|e| ZsError::new(ZS_ERR_IO, format!("{path}: {e}")))?;
    let text = String::from_utf8(text)
        .map_err(|_| invalid(format!("{path}: the file is not valid UTF-8")))?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        let words: Vec<&str> = line.split_whitespace().collect();
        let bad = |why: String| invalid(format!("{path}:{}: {why}", i + 1));
        match words.as_slice() {
            [] => {}
            [id, addr] => {
                check_host_id(id).map_err(|e| bad(e.msg.clone()))?;
                let addr = check_address(addr).map_err(|e| bad(e.msg.clone()))?;
                entries.push((id.to_string(), addr));
            }
            _ => {
                return Err(bad(format!(
                    "expected 'host_id address', found {} words",
                    words.len()
                )))
            }
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_resolve_without_the_table() {
        assert_eq!(tcp_endpoint("10.1.2.3", 5).unwrap(), "tcp://10.1.2.3:5");
        assert_eq!(tcp_endpoint("::1", 5).unwrap(), "tcp://[::1]:5");
        assert_eq!(tcp_endpoint("[::1]", 5).unwrap(), "tcp://[::1]:5");
        assert_eq!(
            address("no-such-host").unwrap_err().code,
            ZS_ERR_UNKNOWN_HOST
        );
    }
}
