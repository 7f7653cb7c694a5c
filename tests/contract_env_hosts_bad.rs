//! SPEC section 6: a bad ZMQSOCKET_HOSTS file is reported by the first
//! call that uses the host table. Single test (environment, process-wide).

mod common;

use std::ptr;

use common::*;
use zmqsocket::*;

#[test]
fn env_host_file_error_reported_by_first_use() {
    let path = std::env::temp_dir().join(format!("{}.hosts", unique("zs_envbad")));
    std::fs::write(&path, "good1 10.0.0.1\nthis line is bad\n").expect("write hosts");
    std::env::set_var("ZMQSOCKET_HOSTS", &path);
    let p = path.to_string_lossy().into_owned();

    let rc = zs_host_address(c"good1".as_ptr(), ptr::null_mut(), 0);
    expect_err(rc.into(), INVALID, &["zs_host_address", &format!("{p}:2")]);
    // All or nothing: the good line was not loaded; the table still works.
    assert_eq!(
        zs_host_address(c"good1".as_ptr(), ptr::null_mut(), 0),
        UNKNOWN_HOST
    );
    assert_eq!(
        zs_host_address(c"localhost".as_ptr(), ptr::null_mut(), 0),
        9
    );
    let _ = std::fs::remove_file(&path);
}
