<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Library;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** pump and drain, against php-zmq peers and each other. */
final class BulkTest extends ZmqTestCase
{
    public function testPumpToPhpZmqPull(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->connected('PUSH', $port);
        $this->assertSame(50, $push->pump("p\0", 50, false, 5));
        for ($i = 0; $i < 50; $i++) {
            $this->assertSame(["p\0"], $this->peerRecvMulti($pull));
        }
        $this->assertSame(0, $push->pump('none', 0));
        $this->assertSame(3, $push->pump(['a', '', 'c'], 3, false, 5));
        for ($i = 0; $i < 3; $i++) {
            $this->assertSame(['a', '', 'c'], $this->peerRecvMulti($pull));
        }
    }

    public function testSequencedPumpToPhpZmqPull(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->connected('PUSH', $port);
        $this->assertSame(5, $push->pump(['x', 'y'], 5, true, 5));
        $this->assertSame(2, $push->pump('z', 2, true, 5));
        $stream = null;
        for ($i = 0; $i < 7; $i++) {
            $msg = $this->peerRecvMulti($pull);
            $this->assertSame(16, strlen($msg[0]));
            $seq = unpack('Pstream/Pseq', $msg[0]);
            $stream ??= $seq['stream'];
            $this->assertSame($stream, $seq['stream']);
            $this->assertSame($i, $seq['seq'], 'sequence numbers count from 0 across calls');
            $this->assertSame($i < 5 ? ['x', 'y'] : ['z'], array_slice($msg, 1));
        }
    }

    public function testDrainFromPhpZmqPush(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $push = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        for ($i = 0; $i < 20; $i++) {
            $push->sendMulti(['abc', '']);
        }
        $stats = $pull->drain(20, false, 5);
        $this->assertTrue($stats['complete']);
        $this->assertSame(20, $stats['messages']);
        $this->assertSame(40, $stats['frames']);
        $this->assertSame(60, $stats['bytes']);
        $this->assertSame(0, $stats['senders']);
        $this->assertGreaterThanOrEqual(0, $stats['elapsed_ns']);
        $this->assertSame(array_merge(Socket::DRAIN_FIELDS, ['complete']), array_keys($stats));
    }

    public function testTimedOutDrainReturnsIncompleteStats(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $push = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        $push->send('one');
        $push->send('two');
        $t = microtime(true);
        $stats = $pull->drain(5, false, 0.3);
        $this->assertFalse($stats['complete']);
        $this->assertSame(2, $stats['messages']);
        $this->assertGreaterThanOrEqual(0.25, microtime(true) - $t);
        $stats = $pull->drain(null, false, 0.1);
        $this->assertFalse($stats['complete'], 'a drain without a limit ends by timing out');
        $this->assertSame(0, $stats['messages']);
    }

    public function testSequencedDrainCountsGapsAndDuplicates(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $push = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        $stream = 0x1234567890;
        foreach ([0, 1, 3, 3, 2, 4] as $seq) {
            $push->sendMulti([pack('PP', $stream, $seq), "payload\0"]);
        }
        $push->sendMulti([pack('PP', 99, 0), 'other stream']);
        $stats = $pull->drain(7, true, 5);
        $this->assertTrue($stats['complete']);
        $this->assertSame(7, $stats['messages']);
        $this->assertSame(2, $stats['senders']);
        $this->assertSame(7, $stats['frames'], 'sequence frames excluded');
        $this->assertSame(6 * 8 + 12, $stats['bytes']);
        $this->assertSame(1, $stats['duplicates']);
        $this->assertSame(1, $stats['out_of_order']);
        $this->assertSame(0, $stats['gaps'], 'the late 2 filled the gap');
    }

    /** The scheduling policy of this (single-threaded) process: field 41 of /proc/self/stat. */
    private static function policy(): int
    {
        $stat = (string) file_get_contents('/proc/self/stat');
        $fields = explode(' ', substr($stat, strrpos($stat, ')') + 2));
        return (int) $fields[41 - 3];
    }

    public function testSchedBatchAsFlags(): void
    {
        [$pull, $port] = $this->bound('PULL', 0, 0);
        $push = $this->connected('PUSH', $port, 0, 0);
        $flags = Library::SEQUENCED | Library::SCHED_BATCH;
        $this->assertSame(0, self::policy(), 'SCHED_OTHER before');
        $this->assertSame(500, $push->pump(str_repeat('b', 100), 500, $flags, 5));
        $this->assertSame(0, self::policy(), 'SCHED_OTHER again after pump');
        $stats = $pull->drain(500, $flags, 5);
        $this->assertSame(0, self::policy(), 'SCHED_OTHER again after drain');
        $this->assertTrue($stats['complete']);
        $this->assertSame([500, 50000, 1, 0], [$stats['messages'], $stats['bytes'], $stats['senders'], $stats['gaps']]);
        $this->assertSame(1, $push->pump('x', 1, Library::SCHED_BATCH, 5));
        $this->assertSame(1, $pull->drain(1, Library::SCHED_BATCH, 5)['messages']);
        foreach ([4, 7, -1, 0x100000000] as $bad) {
            $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $push->pump('x', 1, $bad, 0.1));
            $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $pull->drain(1, $bad, 0.1));
        }
    }

    public function testPumpToDrainBetweenZmqSockets(): void
    {
        [$pull, $port] = $this->bound('PULL', 0, 0);
        $push = $this->connected('PUSH', $port, 0, 0);
        $this->assertSame(1000, $push->pump(['frame', "\0"], 1000, true, 5));
        $stats = $pull->drain(1000, true, 5);
        $this->assertTrue($stats['complete']);
        $this->assertSame(1000, $stats['messages']);
        $this->assertSame(2000, $stats['frames']);
        $this->assertSame(6000, $stats['bytes']);
        $this->assertSame(1, $stats['senders']);
        $this->assertSame(0, $stats['gaps'] + $stats['duplicates'] + $stats['out_of_order']);
    }

    public function testPumpEndsEarlyOrThrows(): void
    {
        $lonely = $this->socket('PUSH');
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $lonely->pump('x', 5, false, 0.05));
        $port = $this->freePort();
        $push = $this->connected('PUSH', $port, 3, 3);
        $push->setLinger(0);
        $sent = $push->pump('x', 100, false, 0.05);
        $this->assertGreaterThan(0, $sent);
        $this->assertLessThan(100, $sent, 'a pump that cannot queue ends early with the count so far');
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $push->pump('x', -1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $push->pump([], 1));
        [$pull] = $this->bound('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $pull->pump('x', 1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $pull->drain(-2, false, 0.1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $push->drain(1, false, 0.1));
    }
}
