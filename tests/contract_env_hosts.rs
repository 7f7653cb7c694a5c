//! SPEC section 6: ZMQSOCKET_HOSTS is loaded the first time the host
//! table is used. The environment must be set before any host-table call,
//! so this binary has a single test.

mod common;

use std::ptr;

use common::*;
use zmqsocket::*;

#[test]
fn env_host_file_loaded_on_first_use() {
    let path = std::env::temp_dir().join(format!("{}.hosts", unique("zs_env")));
    std::fs::write(
        &path,
        "# test hosts\n\nenvhost1 10.1.2.3\nenvhost2   ::1  # v6\nlocalhost 127.0.0.1\n",
    )
    .expect("write hosts");
    std::env::set_var("ZMQSOCKET_HOSTS", &path);

    let mut buf = [0u8; 64];
    let n = zs_host_address(c"envhost1".as_ptr(), buf.as_mut_ptr().cast(), buf.len());
    assert_eq!(n, 8, "{}", last_error());
    assert_eq!(&buf[..9], b"10.1.2.3\0");
    assert_eq!(zs_host_address(c"envhost2".as_ptr(), ptr::null_mut(), 0), 3);

    // A connect through an env host uses its address.
    let (r, port) = bound(PULL);
    let s = socket(PUSH);
    assert_eq!(
        zs_connect_to_host(s, c"envhost2".as_ptr(), port, HWM, HWM),
        OK
    );
    assert_eq!(
        endpoints(s),
        format!("connect envhost2:{port} tcp://[::1]:{port}\n")
    );
    send(s, b"v6");
    assert_eq!(recv_ok(r), vec![b"v6".to_vec()]);

    // Changing the file later does not reload it.
    std::fs::write(&path, "envhost1 10.9.9.9\n").expect("rewrite");
    let n = zs_host_address(c"envhost1".as_ptr(), buf.as_mut_ptr().cast(), buf.len());
    assert_eq!(n, 8);
    assert_eq!(&buf[..9], b"10.1.2.3\0");
    let _ = std::fs::remove_file(&path);
    destroy(s);
    destroy(r);
}
