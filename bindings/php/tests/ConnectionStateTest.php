<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** waitConnected, getPeerCount, waitPeers, poll. */
final class ConnectionStateTest extends ZmqTestCase
{
    public function testWaitConnectedAndPeers(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->socket('PUSH');
        $this->assertSame(0, $push->getPeerCount());
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_CONNECTED, fn () => $push->waitConnected('localhost', $port, 0.1));
        $push->connectToHost('localhost', $port);
        $push->waitConnected('localhost', $port, 5);
        $push->waitConnected('localhost', $port, 0); // already: at once
        $this->assertSame(1, $push->getPeerCount());
        $push->waitPeers(1, 5);
        $push->waitPeers(0, 0);
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $push->waitPeers(2, 0.2));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $push->waitPeers(-1, 0.1));

        $free = $this->freePort();
        $push->connectToHost('localhost', $free);
        $t = microtime(true);
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $push->waitConnected('localhost', $free, 0.2));
        $this->assertGreaterThanOrEqual(0.19, microtime(true) - $t);
    }

    public function testBoundSideCountsPeers(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        $pull->waitPeers(2, 5);
        $this->assertSame(2, $pull->getPeerCount());
    }

    public function testPoll(): void
    {
        [$a, $portA] = $this->bound('PULL');
        [$b, $portB] = $this->bound('PULL');
        $t = microtime(true);
        $this->assertSame(['a' => false, 'b' => false], Socket::poll(['a' => $a, 'b' => $b], 0.2));
        $this->assertGreaterThanOrEqual(0.19, microtime(true) - $t);
        $push = $this->peerConnected(\ZMQ::SOCKET_PUSH, $portB);
        $push->send("for b\0");
        $this->assertSame([false, true], Socket::poll([$a, $b], 5));
        $this->assertSame([true, true], Socket::poll([$b, $b], 5), 'a socket may be listed twice');
        $this->assertSame("for b\0", $b->recvNonBlocking(), 'poll receives nothing');
        $this->assertSame([false], Socket::poll([$b], 0));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Socket::poll([], 0));
    }

    public function testPollTakesSocketsOnly(): void
    {
        $this->expectException(\TypeError::class);
        Socket::poll([new \stdClass()], 0);
    }
}
