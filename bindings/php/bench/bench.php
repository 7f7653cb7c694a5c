<?php

/*
 * The PHP benchmark of zmqsocket (`make bench` runs it through run.sh), in
 * the manner of libzmq's perf tools (local_thr / remote_thr): a sender
 * process and a receiver process, PUSH -> PULL over tcp://127.0.0.1 (the
 * receiver binds port 0 and reads the port back), N messages of B bytes
 * (1,000,000 of 100 by default). The receiver counts from the first message
 * received to the last: (N - 1) / elapsed, as benches/perf.rs counts raw
 * libzmq.
 *
 * Rows:
 *   (a) php-zmq: ZMQSocket::send / ZMQSocket::recv loops on both sides
 *       (zmqSender() / zmqReceiver(): plain php-zmq code, new ZMQContext,
 *       getSocket, bind('tcp://127.0.0.1:*'), SOCKOPT_LAST_ENDPOINT, both
 *       HWMs 1000, send/recv), on the php-zmq extension;
 *   (b) zmqsocket: Socket::send / Socket::recv loops through the binding;
 *   (c) zmqsocket: Socket::pump on the sender, Socket::drain on the receiver
 *       (drain's elapsed_ns is first-to-last already), both with
 *       Library::SCHED_BATCH, as a harness after throughput would call them;
 * and, with --rows=abcde, two diagnostic rows that tell which side bounds
 * (b): (d) pump -> Socket::recv, (e) Socket::send -> drain.
 * With the zmqsocket_native extension loaded (run.sh loads it when it is
 * built; ZMQSOCKET_PHP_EXT passes it on to the sender and receiver), the
 * per-message rows go through it, and the default rows add
 *   (f) zmqsocket: Socket::send / Socket::recv through FFI alone.
 * The php-zmq compatibility layer (bindings/php/compat) runs row (a)'s code
 * itself, the same functions, in sender and receiver processes started
 * with compat/php-nozmq (php without the zmq extension) and bootstrap.php
 * required by this file (not auto_prepend_file):
 *   (g) the layer through FFI alone (no zmqsocket_native extension);
 *   (h) the layer with the zmqsocket_native extension loaded
 *       (-d extension=$ZMQSOCKET_PHP_EXT), a default row when it is set;
 *   (i) the FFI floor: a sender of nothing but `$ffi->zs_send(...)` in a
 *       loop (FFI alone) into row (a)'s php-zmq receiver, the fastest any
 *       FFI-only sender can be; (g) is also given against it.
 * Goals (issue 20, item 6): (g) >= 0.70x php-zmq, (h) >= 1.0x.
 * Every socket has both HWMs at 1000 (libzmq's and php-zmq's default;
 * zmqsocket's own default is 100, so the zmqsocket rows set 1000). Each row
 * is the median of --runs runs (21 by default), the rows alternating
 * (a b c a b c ...); a ratio against php-zmq is the median of the
 * side-by-side ratios of run i of the row over run i of row (a).
 *
 *   php -d ffi.enable=1 bench.php [--quick] [--runs=R] [--messages=N]
 *                                 [--size=B] [--rows=abcfghi] [--micro]
 *                                 [--pin]
 *
 * Default rows: abcgi, or abfcghi with ZMQSOCKET_PHP_EXT set and loaded.
 *
 * --pin: every receiver on CPU 0, every sender on CPU 1 (taskset), each
 * process with its libzmq I/O thread. Unpinned, php-zmq's own runs are
 * bimodal on a 2-core machine (about 2x apart, run to run, as the
 * scheduler places the four busy threads), which is most of the spread
 * of every ratio; pinned, they are not.
 * --quick: 3 runs of 200,000 messages. --micro: also the per-call costs in
 * one process (where the per-message time goes), see micro().
 * ZS_BENCH_RAW_MSGS: raw libzmq msg/s for the same message size, measured
 * by the Rust bench in the same `make bench` run; when set, the table also
 * gives ratios against it.
 *
 * Exit status: 0 when every run completed and delivered every message
 * (whether the speed goals are met or not: goals are reported, not
 * enforced), 1 otherwise.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'ZmqSocket\\';
    if (strncmp($class, $prefix, strlen($prefix)) === 0) {
        $file = __DIR__ . '/../src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

use ZmqSocket\Library;
use ZmqSocket\Socket;

const HWM = 1000;
const ROWS = [
    'a' => 'php-zmq send/recv loop',
    'b' => 'zmqsocket Socket::send/recv',
    'c' => 'zmqsocket pump/drain',
    // Diagnostic rows (--rows=abcde): one side per-message, the other native,
    // to tell which side bounds row (b).
    'd' => 'zmqsocket pump -> Socket::recv',
    'e' => 'zmqsocket Socket::send -> drain',
    // With the zmqsocket_native extension loaded, (b) uses it; (f) is (b)
    // through FFI only, for comparison.
    'f' => 'zmqsocket Socket::send/recv, FFI',
    // The php-zmq layer running row (a)'s code, without the zmq extension:
    // (g) through FFI alone, (h) with the zmqsocket_native extension.
    'g' => 'php-zmq loop, layer via FFI',
    'h' => 'php-zmq loop, layer + native ext',
    // The floor of any sender through FFI alone: the bare zs_send call in
    // a loop, nothing of the layer or the binding around it, into row
    // (a)'s php-zmq receiver (see the note on GOALS).
    'i' => 'bare FFI zs_send -> php-zmq recv',
];
// How each row's [sender, receiver] works.
const SIDES = [
    'a' => ['php-zmq', 'php-zmq'],
    'b' => ['send', 'recv'],
    'c' => ['pump', 'drain'],
    'd' => ['pump', 'recv'],
    'e' => ['send', 'drain'],
    'f' => ['send', 'recv'],
    'g' => ['php-zmq', 'php-zmq'],
    'h' => ['php-zmq', 'php-zmq'],
    'i' => ['ffi-bare', 'php-zmq'],
];
// Goals (issue 4, item 5; issue 20, item 6 for g and h):
// row => [minimum ratio vs (a), minimum ratio vs raw libzmq or null].
// Row (i) has none: it is what (g)'s goal is measured against. A sender
// whose every send() is one PHP FFI call cannot beat (i), whatever the
// layer does, and (i) runs well below 0.7x on PHP 8.2 (docs/performance.md,
// "Issue 20, the FFI floor"); the table also gives (g) against (i).
const GOALS = [
    'a' => [null, null],
    'b' => [0.7, null],
    'c' => [1.3, 0.9],
    'd' => [null, null],
    'e' => [null, null],
    'f' => [null, null],
    'g' => [0.7, null],
    'h' => [1.0, null],
    'i' => [null, null],
];
// The rows whose processes run the layer (php-nozmq + bootstrap.php).
const LAYER_ROWS = ['g', 'h'];

function fail(string $why): never
{
    fwrite(STDERR, "bench.php: $why\n");
    exit(1);
}

/** --name=value and --flag arguments. */
function options(array $argv): array
{
    $opts = [];
    foreach (array_slice($argv, 1) as $arg) {
        if (!preg_match('~^--([a-z-]+)(?:=(.*))?$~s', $arg, $m)) {
            fail("unknown argument $arg (see the comment at the top of " . __FILE__ . ')');
        }
        $opts[$m[1]] = $m[2] ?? true;
    }
    return $opts;
}

function intOption(array $opts, string $name, int $default, int $min): int
{
    if (!isset($opts[$name])) {
        return $default;
    }
    $v = $opts[$name];
    if (!is_string($v) || !preg_match('~^\d+$~', $v) || (int) $v < $min) {
        fail("--$name needs an integer >= $min");
    }
    return (int) $v;
}

// ---------------------------------------------------------------------------
// The two roles, each in its own process
// ---------------------------------------------------------------------------

/*
 * Rows (a), (g) and (h) run these two functions: php-zmq code only, so
 * that the layer's rows time the very code row (a) times on the php-zmq
 * extension.
 */

/** php-zmq: bind PULL to a free port, say it, receive N messages, say the result. */
function zmqReceiver(int $n, callable $say): void
{
    $ctx = new ZMQContext(1, false);
    $pull = $ctx->getSocket(ZMQ::SOCKET_PULL);
    $pull->setSockOpt(ZMQ::SOCKOPT_RCVHWM, HWM);
    $pull->setSockOpt(ZMQ::SOCKOPT_SNDHWM, HWM);
    $pull->bind('tcp://127.0.0.1:*');
    $endpoint = $pull->getSockOpt(ZMQ::SOCKOPT_LAST_ENDPOINT);
    $say('port ' . substr($endpoint, strrpos($endpoint, ':') + 1));
    $bytes = strlen($pull->recv());
    $t0 = hrtime(true);
    for ($i = 1; $i < $n; $i++) {
        $bytes += strlen($pull->recv());
    }
    $elapsed = hrtime(true) - $t0;
    $say("result $n $bytes $elapsed");
}

/** php-zmq: connect PUSH to $endpoint, send N messages; they leave before exit. */
function zmqSender(int $n, string $payload, string $endpoint): void
{
    $ctx = new ZMQContext(1, false);
    $push = $ctx->getSocket(ZMQ::SOCKET_PUSH);
    $push->setSockOpt(ZMQ::SOCKOPT_SNDHWM, HWM);
    $push->setSockOpt(ZMQ::SOCKOPT_RCVHWM, HWM);
    $push->setSockOpt(ZMQ::SOCKOPT_LINGER, -1);
    $push->connect($endpoint);
    for ($i = 0; $i < $n; $i++) {
        $push->send($payload);
    }
    // The context's termination at exit waits until everything has left.
}

/** Bind, say "port P", receive N messages, say "result <received> <bytes> <elapsed_ns>". */
function receiver(string $row, int $n, int $size): void
{
    $say = static function (string $line): void {
        fwrite(STDOUT, $line . "\n");
        fflush(STDOUT);
    };
    if (SIDES[$row][1] === 'php-zmq') {
        zmqReceiver($n, $say);
        return;
    }
    choosePath($row);
    $pull = new Socket(Socket::PULL);
    $port = $pull->bindEndpoint('tcp://127.0.0.1:0', HWM, HWM);
    $say("port $port");
    if (SIDES[$row][1] === 'recv') {
        $bytes = strlen($pull->recv());
        $t0 = hrtime(true);
        for ($i = 1; $i < $n; $i++) {
            $bytes += strlen($pull->recv());
        }
        $elapsed = hrtime(true) - $t0;
        $say("result $n $bytes $elapsed");
    } else {
        // An idle timeout: the sender starts after the bind, within seconds.
        $stats = $pull->drain($n, Library::SCHED_BATCH, 30.0);
        $say("result {$stats['messages']} {$stats['bytes']} {$stats['elapsed_ns']}");
    }
    $pull->destroy();
}

/** Connect to the port, send N messages, let them all leave, exit. */
function sender(string $row, int $n, int $size, int $port): void
{
    $payload = str_repeat('x', $size);
    $endpoint = "tcp://127.0.0.1:$port";
    if (SIDES[$row][0] === 'php-zmq') {
        zmqSender($n, $payload, $endpoint);
        return;
    }
    choosePath($row);
    $push = new Socket(Socket::PUSH);
    $push->connectEndpoint($endpoint, HWM, HWM);
    if (SIDES[$row][0] === 'ffi-bare') {
        $ffi = Library::ffi();
        $h = $push->getHandle();
        for ($i = 0; $i < $n; $i++) {
            $ffi->zs_send($h, $payload, $size, -1);
        }
    } elseif (SIDES[$row][0] === 'send') {
        for ($i = 0; $i < $n; $i++) {
            $push->send($payload);
        }
    } else {
        $sent = $push->pump($payload, $n, Library::SCHED_BATCH);
        if ($sent !== $n) {
            fail("pump sent $sent of $n messages: " . Library::lastError());
        }
    }
    // Library::destroyAll() at exit waits for the queue to empty.
    $push->setLinger(-1);
}

// ---------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------

/**
 * Whether the sender and receiver processes load the native extension:
 * ZMQSOCKET_PHP_EXT names it (run.sh sets it) and it attached here.
 */
function nativeForChildren(): bool
{
    $ext = getenv('ZMQSOCKET_PHP_EXT');
    return is_string($ext) && $ext !== '' && Library::native();
}

/** In a sender or receiver: switch the native path off for row (f); fail if (b) would not use it as announced. */
function choosePath(string $row): void
{
    if ($row === 'f' || $row === 'i') {
        Library::useNative(false);
        return;
    }
    $ext = getenv('ZMQSOCKET_PHP_EXT');
    if (is_string($ext) && $ext !== '' && !Library::native()) {
        fail("row $row: ZMQSOCKET_PHP_EXT=$ext is not in use (not loaded, or not attached)");
    }
}

/**
 * @return resource a php process running this file with $args for $row;
 * stdout piped. Rows (g) and (h) run under compat/php-nozmq (php without
 * the zmq extension; it adds ffi.enable=1), (g) without the native
 * extension; the others under this php, with the native extension when
 * ZMQSOCKET_PHP_EXT names it.
 */
function spawn(string $row, array $args, &$stdout, ?int $cpu)
{
    $ext = getenv('ZMQSOCKET_PHP_EXT');
    $withExt = is_string($ext) && $ext !== '' && $row !== 'g' && $row !== 'i';
    $cmd = in_array($row, LAYER_ROWS, true)
        ? [__DIR__ . '/../compat/php-nozmq']
        : [PHP_BINARY, '-d', 'ffi.enable=1'];
    if ($withExt) {
        $cmd = array_merge($cmd, ['-d', "extension=$ext"]);
    }
    $cmd = array_merge($cmd, [__FILE__], $args);
    if ($cpu !== null) {
        $cmd = array_merge(['taskset', '-c', (string) $cpu], $cmd);
    }
    $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w']], $pipes);
    if (!is_resource($proc)) {
        fail('cannot start ' . implode(' ', $cmd));
    }
    $stdout = $pipes[1];
    return $proc;
}

/** The next line from $pipe, or null at EOF or when $deadline (hrtime ns) passes. */
function nextLine($pipe, int $deadline): ?string
{
    $line = '';
    while (true) {
        $left = $deadline - hrtime(true);
        if ($left <= 0) {
            return null;
        }
        $r = [$pipe];
        $w = $e = null;
        $ready = stream_select($r, $w, $e, intdiv($left, 1_000_000_000), intdiv($left % 1_000_000_000, 1000));
        if ($ready === false) {
            return null;
        }
        if ($ready === 0) {
            continue;
        }
        $c = fgets($pipe);
        if ($c === false) {
            return null;
        }
        $line .= $c;
        if (str_ends_with($line, "\n")) {
            return rtrim($line, "\n");
        }
    }
}

/** One run of one row: the receiver's msg/s, or fail(). */
function runOnce(string $row, int $n, int $size, bool $pin): float
{
    // A watchdog against hangs, far above any plausible run time.
    $deadline = hrtime(true) + (60 + intdiv($n, 20_000)) * 1_000_000_000;
    $common = ["--row=$row", "--messages=$n", "--size=$size"];
    $recv = spawn($row, array_merge(['--role=recv'], $common), $recvOut, $pin ? 0 : null);
    $line = nextLine($recvOut, $deadline);
    if ($line === null || !preg_match('~^port (\d+)$~', $line, $m) || (int) $m[1] <= 0) {
        proc_terminate($recv, 9);
        fail("row $row: the receiver did not say its port (said " . var_export($line, true) . ')');
    }
    $send = spawn($row, array_merge(['--role=send', "--port={$m[1]}"], $common), $sendOut, $pin ? 1 : null);
    $line = nextLine($recvOut, $deadline);
    $ok = $line !== null && preg_match('~^result (\d+) (\d+) (\d+)$~', $line, $r);
    if (!$ok) {
        proc_terminate($send, 9);
        proc_terminate($recv, 9);
        fail("row $row: no result from the receiver within the watchdog (said " . var_export($line, true) . ')');
    }
    // The sender exits once its queue is empty; its stdout closes then.
    $eof = nextLine($sendOut, $deadline);
    if ($eof !== null) {
        fail("row $row: the sender said " . var_export($eof, true));
    }
    if (hrtime(true) >= $deadline) {
        proc_terminate($send, 9);
        proc_terminate($recv, 9);
        fail("row $row: the sender did not exit within the watchdog");
    }
    fclose($sendOut);
    fclose($recvOut);
    $sendRc = proc_close($send);
    $recvRc = proc_close($recv);
    if ($sendRc !== 0 || $recvRc !== 0) {
        fail("row $row: sender exited with $sendRc, receiver with $recvRc");
    }
    [$received, $bytes, $ns] = [(int) $r[1], (int) $r[2], (int) $r[3]];
    if ($received !== $n || $bytes !== $n * $size) {
        fail("row $row: received $received messages and $bytes bytes, expected $n and " . ($n * $size));
    }
    if ($ns <= 0) {
        fail("row $row: elapsed time $ns ns");
    }
    return ($n - 1) / ($ns / 1e9);
}

function median(array $v): float
{
    sort($v);
    return $v[intdiv(count($v), 2)];
}

function goal(?float $ratio, ?float $min): string
{
    if ($ratio === null || $min === null) {
        return '';
    }
    return sprintf('>= %.1fx %s', $min, $ratio >= $min ? 'met' : 'NOT MET');
}

function main(array $opts): int
{
    $quick = isset($opts['quick']);
    $runs = intOption($opts, 'runs', $quick ? 3 : 21, 1);
    $n = intOption($opts, 'messages', $quick ? 200_000 : 1_000_000, 2);
    $size = intOption($opts, 'size', 100, 1);
    $pin = isset($opts['pin']);
    if ($pin && (PHP_OS_FAMILY !== 'Linux' || !is_executable('/usr/bin/taskset'))) {
        fail('--pin needs Linux and /usr/bin/taskset (util-linux)');
    }
    $rows = str_split((string) ($opts['rows'] ?? (nativeForChildren() ? 'abfcghi' : 'abcgi')));
    foreach ($rows as $row) {
        if (!isset(ROWS[$row])) {
            fail('--rows takes letters among ' . implode('', array_keys(ROWS)) . ", not $row");
        }
        if ($row === 'h' && !nativeForChildren()) {
            fail('row h needs the zmqsocket_native extension (ZMQSOCKET_PHP_EXT, loaded here too)');
        }
    }
    $raw = null;
    $rawEnv = getenv('ZS_BENCH_RAW_MSGS');
    if (is_string($rawEnv) && $rawEnv !== '') {
        if (is_numeric($rawEnv) && (float) $rawEnv > 0) {
            $raw = (float) $rawEnv;
        } else {
            echo "ZS_BENCH_RAW_MSGS=$rawEnv is not a positive number: no ratios against raw libzmq\n";
        }
    }

    echo 'zmqsocket PHP benchmark: ', Library::version(), ', PHP ', PHP_VERSION, ', php-zmq ',
        phpversion('zmq'), ' (libzmq ', ZMQ::LIBZMQ_VERSION, '), per-message path: ',
        nativeForChildren() ? 'the zmqsocket_native extension' : 'FFI', "\n";
    printf(
        "PUSH -> PULL over tcp://127.0.0.1, sender and receiver in separate processes, %s messages of %d bytes,\n"
        . "HWM %d on both sides (libzmq's and php-zmq's default); msg/s counted by the receiver from the first\n"
        . "message to the last; median of %d runs per row, rows alternating; ratios against php-zmq are\n"
        . "medians of the side-by-side ratios%s%s\n\n",
        number_format($n),
        $size,
        HWM,
        $runs,
        $raw === null ? '' : sprintf('; raw libzmq (ZS_BENCH_RAW_MSGS): %s msg/s', number_format($raw)),
        $pin ? '; receiver pinned to CPU 0, sender to CPU 1 (--pin)' : ''
    );

    $results = array_fill_keys($rows, []);
    for ($i = 0; $i < $runs; $i++) {
        foreach ($rows as $row) {
            $results[$row][] = runOnce($row, $n, $size, $pin);
        }
    }

    $hasBase = isset($results['a']);
    printf(
        "%-36s %11s %8s %21s %10s %-13s %10s %-13s\n",
        'row',
        'msg/s',
        'MB/s',
        'runs min..max msg/s',
        'vs php-zmq',
        'goal',
        'vs raw',
        'goal'
    );
    $allMet = true;
    $goals = 0;
    foreach ($rows as $row) {
        $rate = median($results[$row]);
        // Against php-zmq: the median of the side-by-side ratios (run i of
        // this row over run i of row a, made one after the other), which
        // cancels the machine's slow and fast spells better than a ratio
        // of medians.
        $vsBase = $hasBase
            ? median(array_map(static fn (float $x, float $b): float => $x / $b, $results[$row], $results['a']))
            : null;
        $vsRaw = $raw === null ? null : $rate / $raw;
        [$goalBase, $goalRaw] = GOALS[$row];
        foreach ([[$vsBase, $goalBase], [$vsRaw, $goalRaw]] as [$ratio, $min]) {
            if ($ratio !== null && $min !== null) {
                $goals++;
                $allMet = $allMet && $ratio >= $min;
            }
        }
        printf(
            "%-36s %11s %8.1f %21s %10s %-13s %10s %-13s\n",
            "($row) " . ROWS[$row],
            number_format($rate),
            $rate * $size / 1e6,
            number_format(min($results[$row]) / 1e6, 2) . '..' . number_format(max($results[$row]) / 1e6, 2) . ' M',
            $vsBase === null ? '-' : sprintf('%.2fx', $vsBase),
            goal($vsBase, $goalBase),
            $vsRaw === null ? '-' : sprintf('%.2fx', $vsRaw),
            goal($vsRaw, $goalRaw)
        );
    }
    if (isset($results['g'], $results['i'])) {
        printf(
            "\n(g) against the FFI floor (i), the same way: %.2fx\n",
            median(array_map(static fn (float $g, float $f): float => $g / $f, $results['g'], $results['i']))
        );
    }
    echo "\n", match (true) {
        $goals === 0 => 'no goal applies to these rows',
        $allMet => "all $goals goals shown are met",
        default => 'some goals are NOT met (goals are reported, not enforced)',
    }, "\n";
    if ($raw === null) {
        echo "(set ZS_BENCH_RAW_MSGS to raw libzmq's msg/s for $size-byte messages for the ratios against it)\n";
    }
    if (isset($opts['micro'])) {
        echo "\n";
        micro($quick ? 100_000 : 500_000, $size);
    }
    return 0;
}

// ---------------------------------------------------------------------------
// --micro: where the per-message time goes, in one process
// ---------------------------------------------------------------------------

/** ns per iteration of $body($count) (the best of 3 timings). */
function perCall(callable $body, int $count): float
{
    $best = INF;
    for ($k = 0; $k < 3; $k++) {
        $t0 = hrtime(true);
        $body($count);
        $best = min($best, (hrtime(true) - $t0) / $count);
    }
    return $best;
}

/**
 * The CPU cost per call of each layer, over inproc PUSH -> PULL in this one
 * process (no network, no second process): messages are sent in batches of
 * 1000 and then received, so neither side ever waits. Send and receive
 * costs are each a batch's time over its size.
 */
function micro(int $count, int $size): void
{
    $ffi = Library::ffi();
    $payload = str_repeat('x', $size);
    $batch = 1000;
    $rows = [];

    $pull = new Socket(Socket::PULL);
    $pull->bindEndpoint('inproc://micro', 0, 0);
    $push = new Socket(Socket::PUSH);
    $push->connectEndpoint('inproc://micro', 0, 0);
    $h = $push->getHandle();
    $hp = $pull->getHandle();

    $rows['empty PHP function call'] = perCall(static function (int $c): void {
        $f = static fn (int $x): int => $x;
        for ($i = 0; $i < $c; $i++) {
            $f($i);
        }
    }, $count);
    $rows['FFI: zs_last_error_code() (no argument, no lookup)'] = perCall(static function (int $c) use ($ffi): void {
        for ($i = 0; $i < $c; $i++) {
            $ffi->zs_last_error_code();
        }
    }, $count);
    $rows['FFI: zs_socket_type(h) (handle lookup)'] = perCall(static function (int $c) use ($ffi, $h): void {
        for ($i = 0; $i < $c; $i++) {
            $ffi->zs_socket_type($h);
        }
    }, $count);

    // Each pair: [send one message, receive one message], timed by batches.
    $pairs = [
        'raw FFI zs_send / zs_recv + FFI::string + zs_message_free' => [
            static function () use ($ffi, $h, $payload, $size): void {
                $ffi->zs_send($h, $payload, $size, -1);
            },
            null,
        ],
        'binding Socket::send / Socket::recv' => [
            static function () use ($push, $payload): void {
                $push->send($payload);
            },
            static function () use ($pull): string {
                return $pull->recv();
            },
        ],
    ];
    $msg = $ffi->new('struct zs_message');
    $msgPtr = \FFI::addr($msg);
    $pairs['raw FFI zs_send / zs_recv + FFI::string + zs_message_free'][1] =
        static function () use ($ffi, $hp, $msg, $msgPtr): string {
            $ffi->zs_recv($hp, -1, $msgPtr);
            $f = $msg->frames[0];
            $s = \FFI::string($f->data, $f->len);
            $ffi->zs_message_free($msgPtr);
            return $s;
        };

    $rx = $ffi->new('struct zs_recv_args');
    $rxBuf = $ffi->new('char[16384]');
    $rx->socket = $hp;
    $rx->timeout_ms = -1;
    $rx->buf = \FFI::addr($rxBuf[0]);
    $rx->cap = 16384;
    $rxPtr = \FFI::addr($rx);
    $pairs['raw FFI zs_send / zs_recv_packed + FFI::string'] = [
        static function () use ($ffi, $h, $payload, $size): void {
            $ffi->zs_send($h, $payload, $size, -2);
        },
        static function () use ($ffi, $rxPtr, $rxBuf): string {
            $n = $ffi->zs_recv_packed($rxPtr);
            if ($n < 0 || $n > 16384) {
                fail("--micro: zs_recv_packed returned $n (--size above 16384 is not measured here): " . Library::lastError());
            }
            return \FFI::string($rxBuf, $n);
        },
    ];

    foreach ($pairs as $label => [$send, $recv]) {
        $sendNs = $recvNs = INF;
        for ($k = 0; $k < 3; $k++) {
            $sendT = $recvT = 0;
            for ($done = 0; $done < $count; $done += $batch) {
                $t0 = hrtime(true);
                for ($i = 0; $i < $batch; $i++) {
                    $send();
                }
                $t1 = hrtime(true);
                for ($i = 0; $i < $batch; $i++) {
                    $recv();
                }
                $t2 = hrtime(true);
                $sendT += $t1 - $t0;
                $recvT += $t2 - $t1;
            }
            $sendNs = min($sendNs, $sendT / $count);
            $recvNs = min($recvNs, $recvT / $count);
        }
        $rows["$label: send"] = $sendNs;
        $rows["$label: recv"] = $recvNs;
    }
    $push->destroy();
    $pull->destroy();

    $ctx = new ZMQContext(1, false);
    $zpull = new ZMQSocket($ctx, ZMQ::SOCKET_PULL);
    $zpull->setSockOpt(ZMQ::SOCKOPT_RCVHWM, 0);
    $zpull->bind('inproc://micro-zmq');
    $zpush = new ZMQSocket($ctx, ZMQ::SOCKET_PUSH);
    $zpush->setSockOpt(ZMQ::SOCKOPT_SNDHWM, 0);
    $zpush->connect('inproc://micro-zmq');
    $sendNs = $recvNs = INF;
    for ($k = 0; $k < 3; $k++) {
        $sendT = $recvT = 0;
        for ($done = 0; $done < $count; $done += $batch) {
            $t0 = hrtime(true);
            for ($i = 0; $i < $batch; $i++) {
                $zpush->send($payload);
            }
            $t1 = hrtime(true);
            for ($i = 0; $i < $batch; $i++) {
                $zpull->recv();
            }
            $t2 = hrtime(true);
            $sendT += $t1 - $t0;
            $recvT += $t2 - $t1;
        }
        $sendNs = min($sendNs, $sendT / $count);
        $recvNs = min($recvNs, $recvT / $count);
    }
    $rows['php-zmq ZMQSocket::send (inlined loop)'] = $sendNs;
    $rows['php-zmq ZMQSocket::recv (inlined loop)'] = $recvNs;

    printf("per-call CPU cost, inproc PUSH -> PULL in one process, %s calls, %d-byte messages (best of 3):\n", number_format($count), $size);
    echo "(the zmqsocket send/recv rows go through a closure call, about one 'empty PHP function call' more than a plain loop)\n";
    foreach ($rows as $label => $ns) {
        printf("  %-72s %8.1f ns\n", $label, $ns);
    }
}

// ---------------------------------------------------------------------------

$opts = options($argv);
$role = $opts['role'] ?? null;
if ($role === null) {
    exit(main($opts));
}
$row = (string) ($opts['row'] ?? '');
if (!isset(ROWS[$row])) {
    fail("--row: $row");
}
$n = intOption($opts, 'messages', 0, 2);
$size = intOption($opts, 'size', 0, 1);
if (in_array($row, LAYER_ROWS, true)) {
    // The layer's rows: php-zmq's classes must be the layer's, over the
    // path the row names (FFI alone for g, the native extension for h).
    if (extension_loaded('zmq')) {
        fail("row $row: the zmq extension is loaded (run under compat/php-nozmq)");
    }
    require __DIR__ . '/../compat/bootstrap.php';
    if (Library::native() !== ($row === 'h')) {
        fail("row $row: the native extension is " . (Library::native() ? '' : 'not ') . 'in use');
    }
}
if ($role === 'recv') {
    receiver($row, $n, $size);
} elseif ($role === 'send') {
    sender($row, $n, $size, intOption($opts, 'port', 0, 1));
} else {
    fail("--role: $role");
}
