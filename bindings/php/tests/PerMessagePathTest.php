<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Library;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/**
 * The binding's per-message path: strings passed to the library without a
 * copy, one struct zs_message reused by every receive of a socket, and the
 * last timeout conversion kept. None of that may change what a call does.
 */
final class PerMessagePathTest extends ZmqTestCase
{
    /** A tiny seeded PRNG (Park-Miller: fits PHP's ints), so that every run checks the same sequence. */
    private int $state = 20240523;

    private function next(int $bound): int
    {
        $this->state = ($this->state * 48271) % 2147483647;
        return $this->state % $bound;
    }

    private function payload(): string
    {
        $len = [0, 1, 7, 100, 255, 4096, 70000][$this->next(7)];
        $s = '';
        for ($i = 0; $i < min($len, 16); $i++) {
            $s .= chr($this->next(256));
        }
        return $len <= 16 ? $s : $s . str_repeat("\0\xff", intdiv($len - 16, 2)) . str_repeat('z', ($len - 16) % 2);
    }

    /**
     * Two PULL sockets fed by php-zmq PUSHes, received through all four
     * receive calls in a seeded random order, with failing receives (timed
     * out, would block) in between: every message arrives whole, in order,
     * on the socket it was sent to.
     */
    public function testInterleavedReceivesOnTwoSocketsWithFailuresBetween(): void
    {
        $pulls = [];
        $pushes = [];
        for ($k = 0; $k < 2; $k++) {
            [$pulls[$k], $port] = $this->bound('PULL', 1000, 1000);
            $pushes[$k] = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        }
        $rounds = 400;
        $checked = 0;
        for ($r = 0; $r < $rounds; $r++) {
            $k = $this->next(2);
            $how = $this->next(4);
            if ($how < 2) {
                $message = [$this->payload()];
                $pushes[$k]->send($message[0]);
            } else {
                $message = [$this->payload(), '', $this->payload()];
                $pushes[$k]->sendMulti($message);
            }
            $got = match ($how) {
                0 => [$pulls[$k]->recv(5)],
                1 => $this->nonBlocking(fn () => $pulls[$k]->recvNonBlocking()),
                2 => $pulls[$k]->recvMulti(5),
                3 => $this->nonBlocking(fn () => $pulls[$k]->recvMultiNonBlocking()),
            };
            $this->assertSame($message, $got, "round $r, socket $k, receive kind $how");
            $checked++;
            // A failing receive between messages leaves nothing behind.
            if ($this->next(3) === 0) {
                $this->assertNull($pulls[1 - $k]->recvNonBlocking());
                $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $pulls[$k]->recv(0));
            }
        }
        $this->assertSame($rounds, $checked);
        foreach ($pulls as $pull) {
            $this->assertNull($pull->recvMultiNonBlocking());
        }
    }

    /** A non-blocking receive of a message php-zmq has sent: retried until it is there (5 s at most). */
    private function nonBlocking(callable $recv): array
    {
        $deadline = microtime(true) + 5;
        do {
            $got = $recv();
            if ($got !== null) {
                return is_array($got) ? $got : [$got];
            }
            usleep(200);
        } while (microtime(true) < $deadline);
        $this->fail('no message within 5 s');
    }

    /** Strings go to the library as they are: NUL bytes, empty strings and the string's own bytes only. */
    public function testSendsPassBinaryStringsAsTheyAre(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->connected('PUSH', $port);
        $big = str_repeat("ab\0", 100000);
        $sub = substr($big, 1, 5); // a fresh string: its bytes after the 5th are not sent
        foreach (['', "\0", "a\0b", $sub, $big] as $message) {
            $push->send($message, 5);
            $this->assertSame($message, $this->peerRecv($pull));
            $this->assertTrue($push->sendNonBlocking($message) || $push->sendNonBlocking($message));
            $this->assertSame($message, $this->peerRecv($pull));
        }
        $this->assertSame("b\0ab\0", $sub);
    }

    /**
     * The kept timeout conversion answers exactly as a fresh one, whatever
     * came before: the same value twice, a value after an invalid one,
     * NaN twice (never cached), -0.0 and 0.0.
     */
    public function testTimeoutConversionAnswersDoNotDependOnTheCallBefore(): void
    {
        $cases = [
            [0.7, 700], [0.7, 700], [null, Library::TIMEOUT_DEFAULT], [0.7, 700],
            [-0.5, null], [-0.5, null], [0.7, 700], [NAN, null], [NAN, null], [0.0011, 2],
            [-1.0, Library::TIMEOUT_FOREVER], [INF, Library::TIMEOUT_FOREVER], [-1.0, Library::TIMEOUT_FOREVER],
            [-0.0, 0], [0.0, 0], [-0.0, 0], [3e6, null], [5.0, 5000], [3e6, null], [5.0, 5000],
        ];
        foreach ($cases as $i => [$seconds, $ms]) {
            if ($ms === null) {
                $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Library::timeoutMs($seconds));
            } else {
                $this->assertSame($ms, Library::timeoutMs($seconds), "case $i");
            }
        }
    }

    /** A receive's own timeout applies to it alone, even when the same value is used again. */
    public function testRepeatedTimeoutsOnReceive(): void
    {
        [$pull] = $this->bound('PULL');
        foreach ([0.05, 0.05, 0, 0.05] as $timeout) {
            $t = microtime(true);
            $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $pull->recv($timeout));
            $elapsed = microtime(true) - $t;
            $this->assertGreaterThanOrEqual($timeout * 0.9, $elapsed, "timeout $timeout");
            $this->assertLessThan(3.0, $elapsed);
        }
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $pull->recv(NAN));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $pull->recv(-0.5));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $pull->recv(-0.5));
    }

    /** A destroyed socket's per-message calls throw ZS_ERR_BAD_HANDLE, every time. */
    public function testPerMessageCallsOnADestroyedSocket(): void
    {
        $push = new Socket('PUSH');
        $pull = new Socket('PULL');
        $this->assertTrue($push->destroy());
        $this->assertTrue($pull->destroy());
        for ($i = 0; $i < 2; $i++) {
            $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $push->send('x'));
            $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $push->sendNonBlocking('x'));
            $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $pull->recv(0));
            $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $pull->recvMulti(0));
            $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $pull->recvNonBlocking());
            $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $pull->recvMultiNonBlocking());
        }
    }
}
