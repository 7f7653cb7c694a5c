"""The Python benchmark of zmqsocket (`make bench` runs it through run.sh),
as the PHP one (bindings/php/bench/bench.php): a sender process and a
receiver process, PUSH -> PULL over tcp://127.0.0.1 (the receiver binds
port 0 and reads the port back), N messages of B bytes (1,000,000 of 100
by default). The receiver counts from the first message received to the
last: (N - 1) / elapsed.

Rows:
  (a) pyzmq: Socket.send / Socket.recv loops on both sides;
  (b) zmqsocket: Socket.send / Socket.recv loops through the installed
      package's compiled fast path (zmqsocket._fast);
  (c) zmqsocket: Socket.pump on the sender, Socket.drain on the receiver
      (drain's elapsed_ns is first-to-last already), both with
      sched_batch=True, as a harness after throughput would call them;
  (d) zmqsocket: Socket.send / Socket.recv through ctypes alone
      (ZMQSOCKET_NO_FAST_PATH=1), for comparison.
Every socket has both HWMs at 1000 (libzmq's and pyzmq's default). Each
row is the median of --runs runs (21 by default), the rows alternating
(a b c d a b c d ...); a ratio against pyzmq is the median of the
side-by-side ratios of run i of the row over run i of row (a).

  python bench.py [--quick] [--runs=R] [--messages=N] [--size=B] [--rows=abcd]

--quick: 3 runs of 200,000 messages. Exit status: 0 when every run
completed and delivered every message (whether the speed goals are met or
not: goals are reported, not enforced), 1 otherwise.
"""

import os
import re
import select
import statistics
import subprocess
import sys
import time

HWM = 1000
ROWS = {
    "a": "pyzmq send/recv loop",
    "b": "zmqsocket send/recv (fast path)",
    "c": "zmqsocket pump/drain",
    "d": "zmqsocket send/recv, ctypes only",
}
# How each row's (sender, receiver) works.
SIDES = {"a": ("pyzmq", "pyzmq"), "b": ("send", "recv"), "c": ("pump", "drain"),
         "d": ("send", "recv")}
# Goals (issue 22, item 2): row -> minimum ratio against row (a), or None.
GOALS = {"a": None, "b": 1.0, "c": 2.5, "d": None}


def fail(why):
    sys.stderr.write("bench.py: %s\n" % why)
    sys.exit(1)


def options(argv):
    opts = {}
    for arg in argv:
        m = re.fullmatch(r"--([a-z-]+)(?:=(.*))?", arg, re.S)
        if not m:
            fail("unknown argument %s (see the docstring of %s)" % (arg, __file__))
        opts[m.group(1)] = True if m.group(2) is None else m.group(2)
    return opts


def int_option(opts, name, default, minimum):
    if name not in opts:
        return default
    v = opts[name]
    if not isinstance(v, str) or not v.isdigit() or int(v) < minimum:
        fail("--%s needs an integer >= %d" % (name, minimum))
    return int(v)


# ---------------------------------------------------------------------------
# The two roles, each in its own process
# ---------------------------------------------------------------------------


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def receiver(row, n):
    """Bind, say "port P", receive N messages, say "result <received> <bytes> <ns>"."""
    if SIDES[row][1] == "pyzmq":
        import zmq

        ctx = zmq.Context()
        pull = ctx.socket(zmq.PULL)
        pull.setsockopt(zmq.RCVHWM, HWM)
        pull.setsockopt(zmq.SNDHWM, HWM)
        port = pull.bind_to_random_port("tcp://127.0.0.1")
        say("port %d" % port)
        recv = pull.recv
        nbytes = len(recv())
        t0 = time.perf_counter_ns()
        for _ in range(n - 1):
            nbytes += len(recv())
        elapsed = time.perf_counter_ns() - t0
        say("result %d %d %d" % (n, nbytes, elapsed))
        pull.close(linger=0)
        ctx.term()
        return
    import zmqsocket

    check_path(row, zmqsocket)
    pull = zmqsocket.Socket("PULL")
    port = pull.bind_endpoint("tcp://127.0.0.1:0", HWM, HWM)
    say("port %d" % port)
    if SIDES[row][1] == "recv":
        recv = pull.recv
        nbytes = len(recv())
        t0 = time.perf_counter_ns()
        for _ in range(n - 1):
            nbytes += len(recv())
        elapsed = time.perf_counter_ns() - t0
        say("result %d %d %d" % (n, nbytes, elapsed))
    else:
        # an idle timeout: the sender starts after the bind, within seconds
        st = pull.drain(n, timeout=30, sched_batch=True)
        say("result %d %d %d" % (st.messages, st.bytes, st.elapsed_ns))
    pull.destroy()


def sender(row, n, size, port):
    """Connect to the port, send N messages, let them all leave, exit."""
    payload = b"x" * size
    endpoint = "tcp://127.0.0.1:%d" % port
    if SIDES[row][0] == "pyzmq":
        import zmq

        ctx = zmq.Context()
        push = ctx.socket(zmq.PUSH)
        push.setsockopt(zmq.SNDHWM, HWM)
        push.setsockopt(zmq.RCVHWM, HWM)
        push.setsockopt(zmq.LINGER, -1)
        push.connect(endpoint)
        send = push.send
        for _ in range(n):
            send(payload)
        push.close()
        ctx.term()  # waits until everything has left
        return
    import zmqsocket

    check_path(row, zmqsocket)
    push = zmqsocket.Socket("PUSH")
    push.connect_endpoint(endpoint, HWM, HWM)
    if SIDES[row][0] == "send":
        send = push.send
        for _ in range(n):
            send(payload)
    else:
        sent = push.pump(payload, n, sched_batch=True)
        if sent != n:
            fail("pump sent %d of %d messages" % (sent, n))
    push.set_linger(-1)  # destroy_all() at exit waits for the queue to empty


def check_path(row, zmqsocket):
    """Row (b) must run on the fast path, row (d) on ctypes."""
    if row == "b" and not zmqsocket.FAST_PATH:
        fail("row b: zmqsocket has no fast path here (%s): run the installed package"
             % zmqsocket.__file__)
    if row == "d" and zmqsocket.FAST_PATH:
        fail("row d: the fast path is on although ZMQSOCKET_NO_FAST_PATH=1")


# ---------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------


def spawn(args, row):
    env = dict(os.environ)
    if row == "d":
        env["ZMQSOCKET_NO_FAST_PATH"] = "1"
    else:
        env.pop("ZMQSOCKET_NO_FAST_PATH", None)
    return subprocess.Popen([sys.executable, __file__] + args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, env=env)


def next_line(proc, deadline):
    """The next line of proc's stdout, or None at EOF or past deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        return None
    ready, _, _ = select.select([proc.stdout], [], [], left)
    if not ready:
        return None
    line = proc.stdout.readline()
    return line.decode().rstrip("\n") if line else None


def run_once(row, n, size):
    """One run of one row: the receiver's msg/s, or fail()."""
    deadline = time.monotonic() + 60 + n / 20000  # a watchdog against hangs
    common = ["--row=" + row, "--messages=%d" % n, "--size=%d" % size]
    recv = spawn(["--role=recv"] + common, row)
    procs = [recv]
    try:
        line = next_line(recv, deadline)
        m = re.fullmatch(r"port (\d+)", line or "")
        if not m or int(m.group(1)) <= 0:
            fail("row %s: the receiver did not say its port (said %r)" % (row, line))
        send = spawn(["--role=send", "--port=" + m.group(1)] + common, row)
        procs.append(send)
        line = next_line(recv, deadline)
        r = re.fullmatch(r"result (\d+) (\d+) (\d+)", line or "")
        if not r:
            fail("row %s: no result from the receiver within the watchdog (said %r)"
                 % (row, line))
        for p in (send, recv):
            p.wait(timeout=max(1.0, deadline - time.monotonic()))
            if p.returncode != 0:
                fail("row %s: a process exited with %d" % (row, p.returncode))
    except subprocess.TimeoutExpired:
        fail("row %s: a process did not exit within the watchdog" % row)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
    received, nbytes, ns = (int(x) for x in r.groups())
    if received != n or nbytes != n * size:
        fail("row %s: received %d messages and %d bytes, expected %d and %d"
             % (row, received, nbytes, n, n * size))
    if ns <= 0:
        fail("row %s: elapsed time %d ns" % (row, ns))
    return (n - 1) / (ns / 1e9)


def goal(ratio, minimum):
    if minimum is None or ratio is None:
        return "-"
    return ">= %.1fx %s" % (minimum, "met" if ratio >= minimum else "NOT met")


def main(argv):
    opts = options(argv)
    if "role" in opts:
        row = opts.get("row")
        if row not in ROWS:
            fail("--row must be one of %s" % "".join(ROWS))
        n = int_option(opts, "messages", 0, 1)
        if opts["role"] == "recv":
            receiver(row, n)
        else:
            sender(row, n, int_option(opts, "size", 0, 0), int_option(opts, "port", 0, 1))
        return 0
    quick = "quick" in opts
    runs = int_option(opts, "runs", 3 if quick else 21, 1)
    n = int_option(opts, "messages", 200_000 if quick else 1_000_000, 2)
    size = int_option(opts, "size", 100, 0)
    rows = opts.get("rows", "abcd")
    if not isinstance(rows, str) or not rows or any(r not in ROWS for r in rows) \
            or "a" not in rows:
        fail("--rows takes letters of %s, with a (the anchor)" % "".join(ROWS))
    import zmq
    import zmqsocket

    print("python bench: %d messages of %d bytes, PUSH -> PULL over tcp://127.0.0.1, two "
          "processes;\n%s; pyzmq %s (libzmq %s); %s, fast path %s\n"
          "msg/s from the first message received to the last; median of %d runs per row, "
          "rows alternating;\nratios against pyzmq are medians of the side-by-side ratios\n"
          % (n, size, sys.version.split()[0], zmq.__version__, zmq.zmq_version(),
             zmqsocket.version(), "on" if zmqsocket.FAST_PATH else "OFF", runs))
    results = {r: [] for r in rows}
    for _ in range(runs):
        for r in rows:
            results[r].append(run_once(r, n, size))
    label = {r: "(%s) %s" % (r, ROWS[r]) for r in rows}
    width = max(len(v) for v in label.values())
    print("%-*s  %12s  %9s  %s" % (width, "row", "msg/s", "vs pyzmq", "goal"))
    goals = met = 0
    for r in rows:
        rate = statistics.median(results[r])
        ratio = statistics.median(x / b for x, b in zip(results[r], results["a"]))
        if GOALS[r] is not None:
            goals += 1
            met += ratio >= GOALS[r]
        print("%-*s  %12s  %8.2fx  %s" % (width, label[r],
                                           "{:,.0f}".format(rate), ratio, goal(ratio, GOALS[r])))
    if goals == 0:
        print("no goal applies to these rows")
    elif met == goals:
        print("all %d goals shown are met" % goals)
    else:
        print("some goals are NOT met (goals are reported, not enforced)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
