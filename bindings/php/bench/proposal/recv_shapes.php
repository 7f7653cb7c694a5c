<?php

/*
 * Where the per-message time of Socket::send / Socket::recv goes, and what
 * the proposed zs_recv_into would save. Run by run.sh, which builds
 * recv_into.c into a library beside libzmqsocket.so and points the binding
 * at it (ZMQSOCKET_LIB, ZMQSOCKET_FFI_HEADER), so that the binding, the
 * prototype and the no-op functions share one FFI instance.
 *
 * Everything is measured in this one process over inproc PUSH -> PULL (HWM
 * 0), in batches of 1000 sends then 1000 receives, so that no call ever
 * waits: these are CPU costs per call. Each figure is the median of 7
 * timings (and the minimum, the least disturbed by other processes).
 *
 *   php -d ffi.enable=1 recv_shapes.php [calls]
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'ZmqSocket\\';
    if (strncmp($class, $prefix, strlen($prefix)) === 0) {
        require __DIR__ . '/../../src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    }
});

use ZmqSocket\Library;
use ZmqSocket\Socket;

$n = (int) ($argv[1] ?? 200_000);
$size = 100;
$reps = 7;
$ffi = Library::ffi();
$payload = str_repeat('x', $size);

$pull = new Socket(Socket::PULL);
$pull->bindEndpoint('inproc://shapes', 0, 0);
$push = new Socket(Socket::PUSH);
$push->connectEndpoint('inproc://shapes', 0, 0);
$hPull = $pull->getHandle();
$hPush = $push->getHandle();

/** [median, min] of $reps timings of $fn($count), in ns per call. */
function timed(callable $fn, int $count, int $reps): array
{
    $v = [];
    for ($k = 0; $k < $reps; $k++) {
        $t0 = hrtime(true);
        $fn($count);
        $v[] = (hrtime(true) - $t0) / $count;
    }
    sort($v);
    return [$v[intdiv($reps, 2)], $v[0]];
}

/** [median, min] ns per call of $send and of $recv, $count messages in batches of 1000. */
function pairTimed(callable $send, callable $recv, int $count, int $reps): array
{
    $s = $r = [];
    for ($k = 0; $k < $reps; $k++) {
        $st = $rt = 0;
        for ($done = 0; $done < $count; $done += 1000) {
            $t0 = hrtime(true);
            $send(1000);
            $t1 = hrtime(true);
            $recv(1000);
            $t2 = hrtime(true);
            $st += $t1 - $t0;
            $rt += $t2 - $t1;
        }
        $s[] = $st / $count;
        $r[] = $rt / $count;
    }
    sort($s);
    sort($r);
    $mid = intdiv($reps, 2);
    return [[$s[$mid], $s[0]], [$r[$mid], $r[0]]];
}

$rows = [];

// PHP FFI's own cost per call, by C signature (the functions do nothing).
$msg = $ffi->new('struct zs_message');
$msgPtr = \FFI::addr($msg);
$buf = $ffi->new('char[65536]');
$rows['FFI call, no argument: proto_noop0()'] = timed(static function (int $c) use ($ffi): void {
    for ($i = 0; $i < $c; $i++) {
        $ffi->proto_noop0();
    }
}, $n, $reps);
$rows['FFI call, zs_send\'s signature (no-op)'] = timed(static function (int $c) use ($ffi, $hPush, $payload, $size): void {
    for ($i = 0; $i < $c; $i++) {
        $ffi->proto_noop_send($hPush, $payload, $size, -2);
    }
}, $n, $reps);
$rows['FFI call, zs_recv\'s signature (no-op)'] = timed(static function (int $c) use ($ffi, $hPull, $msgPtr): void {
    for ($i = 0; $i < $c; $i++) {
        $ffi->proto_noop_recv($hPull, -2, $msgPtr);
    }
}, $n, $reps);
$rows['FFI call, zs_recv_into\'s signature (no-op)'] = timed(static function (int $c) use ($ffi, $hPull, $buf, $msgPtr): void {
    for ($i = 0; $i < $c; $i++) {
        $ffi->proto_noop_recv_into($hPull, -2, $buf, 65536, $msgPtr);
    }
}, $n, $reps);
$rows['FFI call, zs_message_free of an empty struct'] = timed(static function (int $c) use ($ffi, $msgPtr): void {
    for ($i = 0; $i < $c; $i++) {
        $ffi->zs_message_free($msgPtr);
    }
}, $n, $reps);
// What Socket::recv does between its two calls: 3 CData reads and a copy.
$frame = $ffi->new('struct zs_frame');
$frame->data = \FFI::addr($buf[0]);
$frame->len = $size;
$msg->frames = \FFI::addr($frame);
$msg->count = 1;
$rows['reading msg->frames, ->len, ->data + FFI::string'] = timed(static function (int $c) use ($msg): void {
    for ($i = 0; $i < $c; $i++) {
        $f = $msg->frames;
        $len = $f->len;
        \FFI::string($f->data, $len);
    }
}, $n, $reps);
$rows['FFI::string($buf, 100) alone'] = timed(static function (int $c) use ($buf, $size): void {
    for ($i = 0; $i < $c; $i++) {
        \FFI::string($buf, $size);
    }
}, $n, $reps);
\FFI::memset($msgPtr, 0, \FFI::sizeof($msg));

// The library's own cost, from C (no FFI).
$c = $ffi->new('double[3]');
$rc = $ffi->proto_c_costs($hPush, $hPull, $n, $size, $c);
if ($rc !== 0) {
    fwrite(STDERR, "proto_c_costs: $rc: " . Library::lastError() . "\n");
    exit(1);
}
$cCosts = [$c[0], $c[1], $c[2]];

// Through PHP: the binding as it is, the proposal, php-zmq.
$sendLoop = static function (int $count) use ($push, $payload): void {
    for ($i = 0; $i < $count; $i++) {
        $push->send($payload);
    }
};
[$bindingSend, $bindingRecv] = pairTimed($sendLoop, static function (int $count) use ($pull, $payload): void {
    for ($i = 0; $i < $count; $i++) {
        if ($pull->recv() !== $payload) {
            throw new RuntimeException('wrong message');
        }
    }
}, $n, $reps);
// Socket::recv as it would be over zs_recv_into (a 64 KiB buffer per process).
$overflow = $ffi->new('struct zs_message');
$overflowPtr = \FFI::addr($overflow);
[, $intoRecv] = pairTimed($sendLoop, static function (int $count) use ($ffi, $hPull, $buf, $overflow, $overflowPtr, $payload): void {
    for ($i = 0; $i < $count; $i++) {
        $len = $ffi->zs_recv_into($hPull, -2, $buf, 65536, $overflowPtr);
        if ($len < 0) {
            throw new RuntimeException(Library::lastError());
        }
        if ($len <= 65536) {
            $data = $len > 0 ? \FFI::string($buf, $len) : '';
        } else {
            $f = $overflow->frames;
            $data = \FFI::string($f->data, $f->len);
            $ffi->zs_message_free($overflowPtr);
        }
        if ($data !== $payload) {
            throw new RuntimeException('wrong message');
        }
    }
}, $n, $reps);
$ctx = new ZMQContext(1, false);
$zpull = new ZMQSocket($ctx, ZMQ::SOCKET_PULL);
$zpull->setSockOpt(ZMQ::SOCKOPT_RCVHWM, 0);
$zpull->bind('inproc://shapes-zmq');
$zpush = new ZMQSocket($ctx, ZMQ::SOCKET_PUSH);
$zpush->setSockOpt(ZMQ::SOCKOPT_SNDHWM, 0);
$zpush->connect('inproc://shapes-zmq');
[$zmqSend, $zmqRecv] = pairTimed(static function (int $count) use ($zpush, $payload): void {
    for ($i = 0; $i < $count; $i++) {
        $zpush->send($payload);
    }
}, static function (int $count) use ($zpull, $payload): void {
    for ($i = 0; $i < $count; $i++) {
        if ($zpull->recv() !== $payload) {
            throw new RuntimeException('wrong message');
        }
    }
}, $n, $reps);

printf("per-call CPU cost, %s calls of %d-byte messages over inproc, median (min) of %d timings, ns\n\n", number_format($n), $size, $reps);
echo "PHP FFI's own cost:\n";
foreach ($rows as $label => [$med, $min]) {
    printf("  %-58s %7.1f (%5.1f)\n", $label, $med, $min);
}
echo "the library, called from C:\n";
printf("  %-58s %7.1f\n", 'zs_send', $cCosts[0]);
printf("  %-58s %7.1f\n", 'zs_recv + zs_message_free', $cCosts[1]);
printf("  %-58s %7.1f\n", 'zs_recv_into (prototype over zs_recv + free)', $cCosts[2]);
echo "through PHP:\n";
printf("  %-58s %7.1f (%5.1f)\n", 'Socket::send', ...$bindingSend);
printf("  %-58s %7.1f (%5.1f)\n", 'Socket::recv today (zs_recv, 3 CData reads, FFI::string, free)', ...$bindingRecv);
printf("  %-58s %7.1f (%5.1f)\n", 'Socket::recv over zs_recv_into (1 call + FFI::string)', ...$intoRecv);
printf("  %-58s %7.1f (%5.1f)\n", 'php-zmq ZMQSocket::send', ...$zmqSend);
printf("  %-58s %7.1f (%5.1f)\n", 'php-zmq ZMQSocket::recv', ...$zmqRecv);
$push->destroy();
$pull->destroy();
