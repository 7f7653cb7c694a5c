<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** Socket::pollEvents: waiting to receive or to send (SPEC section 21). */
final class PollEventsTest extends ZmqTestCase
{
    public function testReadyToReceiveAndToSend(): void
    {
        [$peerPull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        [$pull, $pullPort] = $this->bound('PULL');
        $push = $this->connected('PUSH', $port);
        $push->waitPeers(1, 10);
        $both = Socket::POLLIN | Socket::POLLOUT;
        $this->assertSame(
            ['in' => 0, 'out' => Socket::POLLOUT],
            Socket::pollEvents(['in' => [$pull, Socket::POLLIN], 'out' => [$push, $both]], 5)
        );
        $this->peerConnected(\ZMQ::SOCKET_PUSH, $pullPort)->send('hello');
        $this->assertSame([Socket::POLLIN, 0], Socket::pollEvents([[$pull, $both], [$push, 0]], 5));
        $this->assertSame('hello', $pull->recvNonBlocking(), 'pollEvents receives nothing');
    }

    public function testTheTimeoutPassesWithNothingReady(): void
    {
        [$pull] = $this->bound('PULL');
        $push = $this->socket('PUSH'); // no peer: nowhere to send
        $this->assertSame([0, 0], Socket::pollEvents([[$pull, Socket::POLLIN], [$push, Socket::POLLOUT]], 0.1));
        $this->assertSame([0], Socket::pollEvents([[$pull, Socket::POLLIN]], 0));
    }

    public function testBadItemsAreRefused(): void
    {
        [$pull] = $this->bound('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Socket::pollEvents([], 0));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Socket::pollEvents([[$pull, 4]], 0));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Socket::pollEvents([[$pull, 1 << 20]], 0));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Socket::pollEvents([[$pull, 1]], -5));
        foreach ([[$pull], [new \stdClass(), 1], [$pull, '1'], $pull] as $bad) {
            try {
                Socket::pollEvents([$bad], 0);
                $this->fail('expected a TypeError for ' . get_debug_type($bad));
            } catch (\TypeError $e) {
                $this->assertStringContainsString('[Socket, int want]', $e->getMessage());
            }
        }
        $gone = new Socket('PULL');
        $gone->destroy();
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => Socket::pollEvents([[$pull, 1], [$gone, 1]], 0));
    }
}
