<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Context;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** Storyplayer's stories, with php-zmq peers: round trips, PUSH/PULL, non-blocking sends. */
final class MessagingTest extends ZmqTestCase
{
    private const BINARY = "\0\x01bin\0ary\xff\0";

    /** zmqsocket REQ -> php-zmq REP echo (the test plays the echo between send and recv). */
    public function testSinglePartRoundTripThroughEcho(): void
    {
        [$rep, $port] = $this->peerBound(\ZMQ::SOCKET_REP);
        $req = $this->connected('REQ', $port);
        $this->assertTrue($req->isConnectedToHost('localhost', $port));
        // 16384 and 16385 bytes: either side of Socket::recv's buffer.
        foreach (['hello', '', self::BINARY, str_repeat('b', 16384), str_repeat('c', 16385), str_repeat("x\0", 50000)] as $message) {
            $req->send($message, 5);
            $got = $this->peerRecv($rep);
            $this->assertSame($message, $got);
            $rep->send($got);
            $this->assertSame($message, $req->recv(5));
        }
    }

    public function testMultiPartRoundTripThroughEcho(): void
    {
        [$rep, $port] = $this->peerBound(\ZMQ::SOCKET_REP);
        $req = $this->connected('REQ', $port);
        foreach ([['a', 'b', 'c'], ['', 'middle', ''], [self::BINARY, '', "\0"], ['only']] as $message) {
            $req->sendMulti($message, 5);
            $got = $this->peerRecvMulti($rep);
            $this->assertSame($message, $got);
            $rep->sendMulti($got);
            $this->assertSame($message, $req->recvMulti(5));
        }
    }

    /** php-zmq REQ -> zmqsocket REP echo. */
    public function testZmqSocketAsTheEcho(): void
    {
        [$rep, $port] = $this->bound('REP');
        $req = $this->peerConnected(\ZMQ::SOCKET_REQ, $port);
        $req->sendMulti(['ping', '', self::BINARY]);
        $got = $rep->recvMulti(5);
        $this->assertSame(['ping', '', self::BINARY], $got);
        $rep->sendMulti($got, 5);
        $this->assertSame(['ping', '', self::BINARY], $this->peerRecvMulti($req));
        $req->send('single');
        $this->assertSame('single', $rep->recv(5));
        $rep->send('single', 5);
        $this->assertSame('single', $this->peerRecv($req));
    }

    public function testPushToPhpZmqPull(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->connected('PUSH', $port);
        $push->send(self::BINARY, 5);
        $push->sendMulti(['', '', ''], 5);
        $push->sendMulti(['head', self::BINARY], 5);
        $this->assertSame([self::BINARY], $this->peerRecvMulti($pull));
        $this->assertSame(['', '', ''], $this->peerRecvMulti($pull));
        $this->assertSame(['head', self::BINARY], $this->peerRecvMulti($pull));
    }

    public function testPhpZmqPushToPull(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $push = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        $push->send(self::BINARY);
        $push->sendMulti(['one', '', "thr\0ee"]);
        $push->sendMulti(['a', 'b']);
        $push->send('');
        $this->assertSame(self::BINARY, $pull->recv(5));
        $this->assertSame(['one', '', "thr\0ee"], $pull->recvMulti(5));
        // recv takes one frame at a time, as php-zmq does
        $this->assertSame('a', $pull->recv(5));
        $this->assertSame('b', $pull->recv(5));
        $this->assertSame([''], $pull->recvMulti(5));
    }

    public function testBoundPushToConnectedPhpZmqPull(): void
    {
        [$push, $port] = $this->bound(Socket::PUSH);
        $pull = $this->peerConnected(\ZMQ::SOCKET_PULL, $port);
        $push->waitPeers(1, 5);
        $push->sendMulti(['x', "\0"], 5);
        $this->assertSame(['x', "\0"], $this->peerRecvMulti($pull));
    }

    public function testNonBlockingReceives(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $this->assertNull($pull->recvNonBlocking());
        $this->assertNull($pull->recvMultiNonBlocking());
        $push = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        $push->sendMulti(['m1', '']);
        $push->send("m2\0");
        $this->assertTrue(Socket::poll([$pull], 5)[0]);
        $this->assertSame(['m1', ''], $pull->recvMultiNonBlocking());
        $this->assertTrue(Socket::poll([$pull], 5)[0]);
        $this->assertSame("m2\0", $pull->recvNonBlocking());
        $this->assertNull($pull->recvNonBlocking());
    }

    /** expectsZmqSocket()->canSendNonBlocking(): true with a peer... */
    public function testCanSendNonBlockingWithAPeer(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->connected('PUSH', $port);
        $push->waitConnected('localhost', $port, 5);
        $this->assertTrue($push->sendNonBlocking("nb\0"));
        $this->assertTrue($push->canSendNonBlocking('nb2'));
        $this->assertTrue($push->sendMultiNonBlocking(['nb', '', 'multi']));
        $this->assertTrue($push->canSendMultiNonBlocking(['nb', 'multi2']));
        $this->assertSame("nb\0", $this->peerRecv($pull));
        $this->assertSame('nb2', $this->peerRecv($pull));
        $this->assertSame(['nb', '', 'multi'], $this->peerRecvMulti($pull));
        $this->assertSame(['nb', 'multi2'], $this->peerRecvMulti($pull));
    }

    /** ...false with the HWM full and no peer. */
    public function testCanSendNonBlockingFalseWithHwmFullAndNoPeer(): void
    {
        $port = $this->freePort();
        $push = $this->connected('PUSH', $port, 2, 2);
        $sent = 0;
        while ($sent < 1000 && $push->sendNonBlocking('queued')) {
            $sent++;
        }
        $this->assertGreaterThan(0, $sent, 'the pipe to a lazily connected peer queues up to the HWM');
        $this->assertLessThanOrEqual(10, $sent);
        $this->assertFalse($push->canSendNonBlocking('more'));
        $this->assertFalse($push->sendMultiNonBlocking(['more', '']));
        $this->assertFalse($push->canSendMultiNonBlocking(['more']));
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $push->send('more', 0.1));

        // an unattached PUSH has no pipe at all
        $lonely = $this->socket('PUSH');
        $this->assertFalse($lonely->sendNonBlocking('x'));

        // the queued messages leave once a peer turns up
        $pull = $this->peer(\ZMQ::SOCKET_PULL);
        $pull->bind("tcp://127.0.0.1:$port");
        for ($i = 0; $i < $sent; $i++) {
            $this->assertSame('queued', $this->peerRecv($pull));
        }
        $push->setLinger(0);
    }

    /** A send that waits for room and then succeeds leaves the last error as it was (SPEC 3). */
    public function testASendThatWaitsThenSucceedsLeavesTheLastErrorAlone(): void
    {
        $port = $this->freePort();
        $push = $this->connected('PUSH', $port, 2, 2);
        while ($push->sendNonBlocking('queued')) {
        }
        [$idle] = $this->bound('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $idle->recv(0));
        $before = [\ZmqSocket\Library::lastErrorCode(), \ZmqSocket\Library::lastError()];
        $pull = $this->peer(\ZMQ::SOCKET_PULL);
        $pull->bind("tcp://127.0.0.1:$port");
        $push->send('waited', 5.0); // room comes once the peer drains the queue
        $this->assertSame($before, [\ZmqSocket\Library::lastErrorCode(), \ZmqSocket\Library::lastError()]);
        do {
            $got = $this->peerRecv($pull);
        } while ($got === 'queued');
        $this->assertSame('waited', $got);
        $push->setLinger(0);
    }

    /** A bad timeout is refused even when there is room, and nothing is sent. */
    public function testSendRefusesABadTimeoutEvenWithRoom(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->connected('PUSH', $port);
        foreach ([-0.5, NAN, 1e12] as $bad) {
            $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $push->send('no', $bad));
        }
        $push->send('yes');
        $this->assertSame('yes', $this->peerRecv($pull));
    }

    public function testNonBlockingSendThrowsForOtherFailures(): void
    {
        [$pull] = $this->bound('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $pull->sendNonBlocking('x'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $pull->sendMultiNonBlocking(['x']));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $pull->sendMultiNonBlocking([]));
    }

    public function testDealerRouterBetweenZmqSockets(): void
    {
        [$router, $port] = $this->bound('XREP');
        $dealer = (new Context())->connectToHost('localhost', $port, 'XREQ');
        $this->track($dealer);
        $dealer->setLinger(0);
        $dealer->sendMulti(['', 'hi', "\0"], 5);
        $msg = $router->recvMulti(5);
        $this->assertCount(4, $msg);
        $this->assertSame(['', 'hi', "\0"], array_slice($msg, 1));
        $router->sendMulti([$msg[0], '', 'back'], 5);
        $this->assertSame(['', 'back'], $dealer->recvMulti(5));
    }

    public function testPairOverInproc(): void
    {
        $a = $this->socket('PAIR');
        $b = $this->socket('PAIR');
        $name = 'inproc://php-pair-' . bin2hex(random_bytes(4));
        $this->assertSame(0, $a->bindEndpoint($name));
        $b->connectEndpoint($name);
        $a->sendMulti(["\0", ''], 5);
        $this->assertSame(["\0", ''], $b->recvMulti(5));
        $b->send('back', 5);
        $this->assertSame('back', $a->recv(5));
    }

    public function testFramesMustBeStrings(): void
    {
        $push = $this->socket('PUSH');
        $this->expectException(\TypeError::class);
        $push->sendMulti(['ok', 42], 0);
    }
}
