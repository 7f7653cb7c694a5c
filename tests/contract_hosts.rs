//! SPEC section 6: the host table, host files and zs_host_address's
//! snprintf rules. Host ids are unique per test (the table is process-wide).

mod common;

use std::os::raw::c_char;
use std::ptr;

use common::*;
use zmqsocket::*;

fn address(id: &str) -> Result<String, i32> {
    let c = cstr(id);
    let n = zs_host_address(c.as_ptr(), ptr::null_mut(), 0);
    if n < 0 {
        return Err(n);
    }
    let mut buf = vec![0u8; n as usize + 1];
    assert_eq!(
        zs_host_address(c.as_ptr(), buf.as_mut_ptr() as *mut c_char, buf.len()),
        n
    );
    assert_eq!(buf[n as usize], 0);
    Ok(String::from_utf8(buf[..n as usize].to_vec()).expect("utf-8"))
}

fn set(id: &str, addr: &str) -> i32 {
    zs_host_set(cstr(id).as_ptr(), cstr(addr).as_ptr())
}

fn temp_file(text: &str) -> (std::path::PathBuf, std::ffi::CString) {
    let path = std::env::temp_dir().join(format!("{}.hosts", unique("zs_hosts")));
    std::fs::write(&path, text).expect("write temp file");
    let c = cstr(&path.to_string_lossy());
    (path, c)
}

#[test]
fn localhost_and_literals_resolve() {
    assert_eq!(address("localhost"), Ok("127.0.0.1".to_string()));
    assert_eq!(address("10.20.30.40"), Ok("10.20.30.40".to_string()));
    assert_eq!(address("::1"), Ok("::1".to_string()));
    assert_eq!(address("no-such-host-h1"), Err(UNKNOWN_HOST));
}

#[test]
fn set_replace_remove() {
    assert_eq!(set("hostA_t", "10.0.0.1"), OK);
    assert_eq!(address("hostA_t"), Ok("10.0.0.1".to_string()));
    assert_eq!(set("hostA_t", "db.example.internal"), OK);
    assert_eq!(address("hostA_t"), Ok("db.example.internal".to_string()));
    assert_eq!(zs_host_remove(c"hostA_t".as_ptr()), OK);
    assert_eq!(address("hostA_t"), Err(UNKNOWN_HOST));
    expect_err(
        zs_host_remove(c"hostA_t".as_ptr()).into(),
        UNKNOWN_HOST,
        &["zs_host_remove", "hostA_t"],
    );
    // The table wins over the literal.
    assert_eq!(set("10.99.99.99", "127.0.0.1"), OK);
    assert_eq!(address("10.99.99.99"), Ok("127.0.0.1".to_string()));
    assert_eq!(zs_host_remove(c"10.99.99.99".as_ptr()), OK);
    assert_eq!(address("10.99.99.99"), Ok("10.99.99.99".to_string()));
}

#[test]
fn host_address_follows_snprintf() {
    assert_eq!(set("snp_host", "192.168.100.200"), OK);
    let full = "192.168.100.200";
    let n = full.len() as i32;
    // cap 0 with NULL: just the length.
    assert_eq!(zs_host_address(c"snp_host".as_ptr(), ptr::null_mut(), 0), n);
    // cap 0 with a buffer: nothing written.
    let mut buf = [0xAAu8; 32];
    assert_eq!(
        zs_host_address(c"snp_host".as_ptr(), buf.as_mut_ptr() as *mut c_char, 0),
        n
    );
    assert!(buf.iter().all(|&b| b == 0xAA));
    // cap 1: only the NUL.
    assert_eq!(
        zs_host_address(c"snp_host".as_ptr(), buf.as_mut_ptr() as *mut c_char, 1),
        n
    );
    assert_eq!(buf[0], 0);
    assert_eq!(buf[1], 0xAA);
    // Truncation: cap - 1 bytes and a NUL, nothing past cap.
    let mut buf = [0xAAu8; 32];
    assert_eq!(
        zs_host_address(c"snp_host".as_ptr(), buf.as_mut_ptr() as *mut c_char, 8),
        n
    );
    assert_eq!(&buf[..8], b"192.168\0");
    assert!(buf[8..].iter().all(|&b| b == 0xAA));
    // Exactly long enough.
    let mut buf = [0xAAu8; 32];
    let cap = full.len() + 1;
    assert_eq!(
        zs_host_address(c"snp_host".as_ptr(), buf.as_mut_ptr() as *mut c_char, cap),
        n
    );
    assert_eq!(&buf[..cap], b"192.168.100.200\0");
    assert_eq!(buf[cap], 0xAA);
    // One short: truncated by one.
    let mut buf = [0xAAu8; 32];
    assert_eq!(
        zs_host_address(
            c"snp_host".as_ptr(),
            buf.as_mut_ptr() as *mut c_char,
            cap - 1
        ),
        n
    );
    assert_eq!(&buf[..cap], b"192.168.100.20\0\xAA");
}

#[test]
fn ipv6_addresses_normalised() {
    assert_eq!(set("v6_bracket", "[::1]"), OK);
    assert_eq!(address("v6_bracket"), Ok("::1".to_string()));
    assert_eq!(set("v6_plain", "0:0:0:0:0:0:0:1"), OK);
    assert_eq!(address("v6_plain"), Ok("::1".to_string()));
}

#[test]
fn hosts_load_counts_and_comments() {
    let (path, c) = temp_file(
        "# comment line\n\nload_h1 10.1.1.1\n  load_h2\t10.1.1.2   # trailing\nload_h3 ::1\n",
    );
    assert_eq!(zs_hosts_load(c.as_ptr()), 3, "{}", last_error());
    assert_eq!(address("load_h1"), Ok("10.1.1.1".to_string()));
    assert_eq!(address("load_h2"), Ok("10.1.1.2".to_string()));
    assert_eq!(address("load_h3"), Ok("::1".to_string()));
    let _ = std::fs::remove_file(path);
    // An empty file loads nothing, successfully.
    let (path, c) = temp_file("# nothing\n\n");
    assert_eq!(zs_hosts_load(c.as_ptr()), 0, "{}", last_error());
    let _ = std::fs::remove_file(path);
}

#[test]
fn hosts_load_all_or_nothing() {
    let (path, c) = temp_file("aon_h1 10.2.2.1\naon_h2 10.2.2.2\naon_h3\naon_h4 10.2.2.4\n");
    let p = path.to_string_lossy().into_owned();
    expect_err(
        zs_hosts_load(c.as_ptr()).into(),
        INVALID,
        &["zs_hosts_load", &format!("{p}:3")],
    );
    for id in ["aon_h1", "aon_h2", "aon_h3", "aon_h4"] {
        assert_eq!(address(id), Err(UNKNOWN_HOST), "{id} was loaded");
    }
    let _ = std::fs::remove_file(path);

    // Too many words on a line.
    let (path, c) = temp_file("aon_h5 10.2.2.5\n\naon_h6 10.2.2.6 extra\n");
    let p = path.to_string_lossy().into_owned();
    expect_err(
        zs_hosts_load(c.as_ptr()).into(),
        INVALID,
        &["zs_hosts_load", &format!("{p}:3")],
    );
    assert_eq!(address("aon_h5"), Err(UNKNOWN_HOST));
    let _ = std::fs::remove_file(path);

    // A loaded file replaces earlier entries only when it loads.
    assert_eq!(set("aon_keep", "10.3.3.3"), OK);
    let (path, c) = temp_file("aon_keep 10.4.4.4\nbad\n");
    assert_eq!(zs_hosts_load(c.as_ptr()), INVALID);
    assert_eq!(address("aon_keep"), Ok("10.3.3.3".to_string()));
    let _ = std::fs::remove_file(path);
}

#[test]
fn hosts_load_missing_file() {
    let path = std::env::temp_dir().join(format!("{}.missing", unique("zs_hosts")));
    let p = path.to_string_lossy().into_owned();
    expect_err(
        zs_hosts_load(cstr(&p).as_ptr()).into(),
        IO,
        &["zs_hosts_load", &p],
    );
}

#[test]
fn connect_by_host_id_uses_the_table() {
    let (r, port) = bound(PULL);
    assert_eq!(set("conn_host_t", "127.0.0.1"), OK);
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(s, c"conn_host_t".as_ptr(), port, HWM, HWM),
        OK
    );
    assert_eq!(
        endpoints(s),
        format!("connect conn_host_t:{port} tcp://127.0.0.1:{port}\n")
    );
    assert!(zs_is_connected_to_host(s, c"conn_host_t".as_ptr(), port));
    assert!(!zs_is_connected_to_host(s, c"localhost".as_ptr(), port));
    send(s, b"via table");
    assert_eq!(recv_ok(r), vec![b"via table".to_vec()]);
    destroy(s);
    destroy(r);
}

#[test]
fn disconnect_after_host_table_changed() {
    let (r, port) = bound(PULL);
    assert_eq!(set("moving_host", "127.0.0.1"), OK);
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(s, c"moving_host".as_ptr(), port, HWM, HWM),
        OK
    );
    send(s, b"before");
    assert_eq!(recv_ok(r), vec![b"before".to_vec()]);
    // The host moves; the disconnect uses the endpoint recorded at connect.
    assert_eq!(set("moving_host", "10.255.255.1"), OK);
    assert_eq!(
        zs_disconnect_from_host(s, c"moving_host".as_ptr(), port),
        OK,
        "{}",
        last_error()
    );
    assert_eq!(endpoints(s), "");
    assert!(!zs_is_connected_to_host(s, c"moving_host".as_ptr(), port));
    // Really disconnected: a PUSH with no peer cannot queue.
    assert!(!zs_send_nonblocking(s, b"x".as_ptr().cast(), 1));
    assert_eq!(zs_last_error_code(), WOULD_BLOCK);
    assert_eq!(recv_multi(r, 200), Err(TIMED_OUT));
    destroy(s);
    destroy(r);
}

#[test]
fn ipv6_connect() {
    let (r, port) = bound(PULL);
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(s, c"::1".as_ptr(), port, HWM, HWM),
        OK,
        "{}",
        last_error()
    );
    assert_eq!(
        endpoints(s),
        format!("connect ::1:{port} tcp://[::1]:{port}\n")
    );
    send(s, b"over v6");
    assert_eq!(recv_ok(r), vec![b"over v6".to_vec()]);
    assert_eq!(zs_wait_connected(s, c"::1".as_ptr(), port, WAIT_MS), OK);
    assert_eq!(zs_disconnect_from_host(s, c"::1".as_ptr(), port), OK);

    // Through the table.
    assert_eq!(set("v6_conn_host", "::1"), OK);
    assert_eq!(
        zs_connect_to_host(s, c"v6_conn_host".as_ptr(), port, HWM, HWM),
        OK
    );
    assert_eq!(
        endpoints(s),
        format!("connect v6_conn_host:{port} tcp://[::1]:{port}\n")
    );
    send(s, b"v6 again");
    assert_eq!(recv_ok(r), vec![b"v6 again".to_vec()]);
    destroy(s);
    destroy(r);
}

#[test]
fn later_lines_replace_earlier_and_bad_addresses() {
    let (path, c) = temp_file("dup_h 10.5.5.1\ndup_h 10.5.5.2\n");
    assert_eq!(zs_hosts_load(c.as_ptr()), 2, "{}", last_error());
    assert_eq!(address("dup_h"), Ok("10.5.5.2".to_string()));
    let _ = std::fs::remove_file(path);
    expect_err(
        zs_host_set(c"ws_addr_h".as_ptr(), c"10.0.0.1 x".as_ptr()).into(),
        INVALID,
        &["zs_host_set", "address"],
    );
    assert_eq!(address("ws_addr_h"), Err(UNKNOWN_HOST));
    // localhost can be replaced (in a way that keeps it working here).
    assert_eq!(set("localhost", "127.0.0.1"), OK);
    assert_eq!(address("localhost"), Ok("127.0.0.1".to_string()));
}
