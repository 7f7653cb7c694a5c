//! `make bench`: zmqsocket against raw libzmq, measured in the same run, in
//! the manner of libzmq's perf tools (local_thr/remote_thr,
//! local_lat/remote_lat), over TCP loopback.
//!
//! - Throughput: a PUSH sends N messages to a PULL; the clock runs from the
//!   first message received to the last (as local_thr counts).
//! - Latency: REQ/REP round trips; one-way latency is half a round trip.
//! - Handle lookup: the per-call cost of a cheap call with 10,000 live
//!   sockets against the same with one.
//!
//! Each row is the median of several runs, raw and zmqsocket alternating.
//! Both sides use the same HWMs (1000, libzmq's default). zmqsocket is
//! called through its exported C functions.

use std::ffi::c_void;
use std::thread;
use std::time::{Duration, Instant};

use zmqsocket::*;

const RUNS: usize = 5;
const HWM: i32 = 1000;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn ok(rc: i32, what: &str) -> i32 {
    assert!(rc >= 0, "{what}: {rc}");
    rc
}

// ---------------------------------------------------------------- raw

fn raw_thr(size: usize, count: usize) -> f64 {
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).unwrap();
    pull.set_rcvhwm(HWM).unwrap();
    pull.bind("tcp://127.0.0.1:*").unwrap();
    let ep = pull.get_last_endpoint().unwrap().unwrap();
    let sender = {
        let ctx = ctx.clone();
        thread::spawn(move || {
            let push = ctx.socket(zmq::PUSH).unwrap();
            push.set_sndhwm(HWM).unwrap();
            push.connect(&ep).unwrap();
            let buf = vec![7u8; size];
            for _ in 0..count {
                push.send(&buf[..], 0).unwrap();
            }
            push.set_linger(-1).unwrap();
        })
    };
    let mut msg = zmq::Message::new();
    pull.recv(&mut msg, 0).unwrap();
    let start = Instant::now();
    for _ in 1..count {
        pull.recv(&mut msg, 0).unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    sender.join().unwrap();
    (count - 1) as f64 / secs
}

fn raw_lat(size: usize, trips: usize) -> f64 {
    let ctx = zmq::Context::new();
    let rep = ctx.socket(zmq::REP).unwrap();
    rep.bind("tcp://127.0.0.1:*").unwrap();
    let ep = rep.get_last_endpoint().unwrap().unwrap();
    let echo = thread::spawn(move || {
        let mut msg = zmq::Message::new();
        for _ in 0..trips {
            rep.recv(&mut msg, 0).unwrap();
            rep.send(&msg[..], 0).unwrap();
        }
    });
    let req = ctx.socket(zmq::REQ).unwrap();
    req.connect(&ep).unwrap();
    let buf = vec![7u8; size];
    let mut msg = zmq::Message::new();
    let start = Instant::now();
    for _ in 0..trips {
        req.send(&buf[..], 0).unwrap();
        req.recv(&mut msg, 0).unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    echo.join().unwrap();
    secs * 1e6 / (2 * trips) as f64
}

// ----------------------------------------------------------- zmqsocket

fn zs_thr(size: usize, count: usize) -> f64 {
    let mut pull = 0;
    ok(
        zs_socket_new(zs_socket_type::ZS_PULL as i32, &mut pull),
        "new",
    );
    ok(zs_set_bind_interface(c"127.0.0.1".as_ptr()), "iface");
    let port = ok(zs_bind_to_port(pull, 0, HWM, HWM), "bind");
    let sender = thread::spawn(move || {
        let mut push = 0;
        ok(
            zs_socket_new_connected(
                zs_socket_type::ZS_PUSH as i32,
                c"127.0.0.1".as_ptr(),
                port,
                HWM,
                HWM,
                &mut push,
            ),
            "connect",
        );
        let buf = vec![7u8; size];
        for _ in 0..count {
            ok(
                zs_send(push, buf.as_ptr() as *const c_void, size, -1),
                "send",
            );
        }
        ok(zs_set_linger(push, -1), "linger");
        push
    });
    let mut msg = zs_message {
        frames: std::ptr::null_mut(),
        count: 0,
        owner: std::ptr::null_mut(),
    };
    ok(zs_recv(pull, -1, &mut msg), "recv");
    zs_message_free(&mut msg);
    let start = Instant::now();
    for _ in 1..count {
        ok(zs_recv(pull, -1, &mut msg), "recv");
        zs_message_free(&mut msg);
    }
    let secs = start.elapsed().as_secs_f64();
    let push = sender.join().unwrap();
    zs_socket_destroy(push);
    zs_socket_destroy(pull);
    (count - 1) as f64 / secs
}

fn zs_lat(size: usize, trips: usize) -> f64 {
    let mut rep = 0;
    let port = ok(
        zs_socket_new_bound(zs_socket_type::ZS_REP as i32, 0, HWM, HWM, &mut rep),
        "bind",
    );
    let echo = thread::spawn(move || {
        let mut msg = zs_message {
            frames: std::ptr::null_mut(),
            count: 0,
            owner: std::ptr::null_mut(),
        };
        for _ in 0..trips {
            ok(zs_recv(rep, -1, &mut msg), "rep recv");
            // SAFETY: zs_recv succeeded, so msg holds one valid frame.
            let f = unsafe { *msg.frames };
            ok(zs_send(rep, f.data, f.len, -1), "rep send");
            zs_message_free(&mut msg);
        }
        rep
    });
    let mut req = 0;
    ok(
        zs_socket_new_connected(
            zs_socket_type::ZS_REQ as i32,
            c"127.0.0.1".as_ptr(),
            port,
            HWM,
            HWM,
            &mut req,
        ),
        "connect",
    );
    let buf = vec![7u8; size];
    let mut msg = zs_message {
        frames: std::ptr::null_mut(),
        count: 0,
        owner: std::ptr::null_mut(),
    };
    let start = Instant::now();
    for _ in 0..trips {
        ok(
            zs_send(req, buf.as_ptr() as *const c_void, size, -1),
            "send",
        );
        ok(zs_recv(req, -1, &mut msg), "recv");
        zs_message_free(&mut msg);
    }
    let secs = start.elapsed().as_secs_f64();
    let rep = echo.join().unwrap();
    zs_socket_destroy(req);
    zs_socket_destroy(rep);
    secs * 1e6 / (2 * trips) as f64
}

/// Nanoseconds per zs_is_bound_to_port call with `live` sockets alive.
fn lookup_cost(live: usize, calls: usize) -> f64 {
    let mut handles = Vec::with_capacity(live);
    for _ in 0..live {
        let mut h = 0;
        ok(zs_socket_new(zs_socket_type::ZS_PULL as i32, &mut h), "new");
        handles.push(h);
    }
    let probe = handles[live / 2];
    let start = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(zs_is_bound_to_port(probe, 1));
    }
    let ns = start.elapsed().as_nanos() as f64 / calls as f64;
    drop(handles);
    // Closes them all and waits until libzmq has released their descriptors.
    zs_destroy_all();
    ns
}

/// 10,000 libzmq sockets need about 20,000 descriptors (this libzmq build
/// signals through socket pairs): raise the limit as far as allowed.
fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid, initialised rlimit struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            let want = libc::rlimit {
                rlim_cur: 65536,
                rlim_max: lim.rlim_max.max(65536),
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &want) != 0 {
                lim.rlim_cur = lim.rlim_max;
                libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            }
        }
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
    }
    lim.rlim_cur
}

fn main() {
    let fd_limit = raise_fd_limit();
    // Two descriptors per socket, and some to spare.
    let many = 10_000.min((fd_limit.saturating_sub(500) / 2) as usize);
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 10 } else { 1 };
    println!("zmqsocket benchmark: {}", unsafe_free_version());
    println!(
        "{} runs per row, median; PUSH->PULL throughput and REQ/REP latency over TCP loopback\n",
        RUNS
    );
    println!(
        "{:>8} | {:>12} {:>12} {:>6} | {:>9} {:>9} | {:>9} {:>9} {:>6}",
        "size", "raw msg/s", "zs msg/s", "ratio", "raw MB/s", "zs MB/s", "raw µs", "zs µs", "ratio"
    );
    for (size, count, trips) in [
        (16usize, 1_000_000usize, 20_000usize),
        (256, 1_000_000, 20_000),
        (4096, 200_000, 10_000),
        (65536, 20_000, 5_000),
    ] {
        let (count, trips) = (count / scale, trips / scale);
        let (mut rt, mut zt, mut rl, mut zl) = (vec![], vec![], vec![], vec![]);
        for _ in 0..RUNS {
            rt.push(raw_thr(size, count));
            zt.push(zs_thr(size, count));
            rl.push(raw_lat(size, trips));
            zl.push(zs_lat(size, trips));
        }
        let (rt, zt, rl, zl) = (median(rt), median(zt), median(rl), median(zl));
        let mb = |r: f64| r * size as f64 / 1e6;
        println!(
            "{:>8} | {:>12.0} {:>12.0} {:>5.2}x | {:>9.1} {:>9.1} | {:>9.2} {:>9.2} {:>5.2}x",
            size,
            rt,
            zt,
            zt / rt,
            mb(rt),
            mb(zt),
            rl,
            zl,
            zl / rl
        );
    }
    zs_destroy_all();
    let calls = 2_000_000 / scale;
    let one = median((0..RUNS).map(|_| lookup_cost(1, calls)).collect());
    let many_ns = median((0..RUNS).map(|_| lookup_cost(many, calls)).collect());
    println!(
        "\nhandle lookup (zs_is_bound_to_port): {one:.1} ns/call with 1 live socket, \
         {many_ns:.1} ns/call with {many}: {:.2}x{}",
        many_ns / one,
        if many < 10_000 {
            format!(" (RLIMIT_NOFILE {fd_limit} allows no more sockets)")
        } else {
            String::new()
        }
    );
    thread::sleep(Duration::from_millis(10));
}

fn unsafe_free_version() -> String {
    // SAFETY: zs_version returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(zs_version()) }
        .to_string_lossy()
        .into_owned()
}
