<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Context;
use ZmqSocket\Library;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** Making, attaching, options, asking and errors. */
final class SocketTest extends ZmqTestCase
{
    public function testConstructByNameOrNumber(): void
    {
        foreach (Socket::TYPE_NAMES as $type => $name) {
            $a = $this->socket($name);
            $this->assertSame($type, $a->getType());
            $this->assertSame($name, $a->getTypeName());
            $b = $this->socket($type);
            $this->assertSame($type, $b->getType());
            $this->assertNotSame($a->getHandle(), $b->getHandle());
            $this->assertGreaterThan(0, $b->getHandle());
        }
        $this->assertSame(Socket::DEALER, $this->socket('xreq')->getType());
        $this->assertSame(Socket::ROUTER, $this->socket('XREP')->getType());
    }

    public function testBadTypes(): void
    {
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => new Socket('FOO'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => new Socket(11));
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => new Socket(-1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => new Socket(1 << 40));
        $ctx = new Context();
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => $ctx->bindToPort(0, 'BAD'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => $ctx->connectToHost('localhost', 1, 'BAD'));
    }

    public function testContextLeavesNothingBehindOnFailure(): void
    {
        $before = Library::socketCount();
        $ctx = new Context();
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_HOST, fn () => $ctx->connectToHost('no_such_host', 5555, 'PUSH'));
        [, $port] = $this->bound('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_ADDRESS_IN_USE, fn () => $ctx->bindToPort($port, 'PULL'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $ctx->bindToPort(70000, 'PULL'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $ctx->bindToPort(0, 'PULL', -2));
        $this->assertSame($before + 1, Library::socketCount());
    }

    public function testBindUnbindAndAsk(): void
    {
        $s = $this->socket('PULL');
        $this->assertSame([], $s->getBoundPorts());
        $p1 = $s->bindToPort(0);
        $p2 = $s->bindToPort(0, 10, 20);
        $this->assertGreaterThan(0, $p1);
        $this->assertTrue($s->isBoundToPort($p1));
        $this->assertTrue($s->isBoundToPort($p2));
        $expected = [$p1, $p2];
        sort($expected);
        $this->assertSame($expected, $s->getBoundPorts());
        $s->unbindFromPort($p1);
        $this->assertFalse($s->isBoundToPort($p1));
        $this->assertSame([$p2], $s->getBoundPorts());
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_BOUND, fn () => $s->unbindFromPort($p1));
        // the port is free again at once
        $other = $this->socket('PULL');
        $this->assertSame($p1, $other->bindToPort($p1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_ADDRESS_IN_USE, fn () => $s->bindToPort($p1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_ADDRESS_IN_USE, fn () => $s->bindToPort($p2));
        $s->unbindFromAllPorts();
        $this->assertSame([], $s->getBoundPorts());
        $s->unbindFromAllPorts(); // nothing bound: fine
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->unbindFromPort(0));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->bindToPort(-1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->bindToPort(65536));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->bindToPort(0, 100, -5));
    }

    public function testConnectDisconnectAndAsk(): void
    {
        [, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $s = $this->socket('PUSH');
        $this->assertFalse($s->isConnectedToHost('localhost', $port));
        $s->connectToHost('localhost', $port);
        $this->assertTrue($s->isConnectedToHost('localhost', $port));
        $this->assertFalse($s->isConnectedToHost('localhost', $port + 1 > 65535 ? 1 : $port + 1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_ALREADY_CONNECTED, fn () => $s->connectToHost('localhost', $port));
        $this->assertZsError(ZmqSocketException::ZS_ERR_ALREADY_CONNECTED, fn () => $s->connectToHost('127.0.0.1', $port));
        $s->disconnectFromHost('localhost', $port);
        $this->assertFalse($s->isConnectedToHost('localhost', $port));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_CONNECTED, fn () => $s->disconnectFromHost('localhost', $port));
        $s->connectToHost('localhost', $port);
        $free = $this->freePort();
        $s->connectToHost('127.0.0.1', $free);
        $s->disconnectFromAllHosts();
        $this->assertFalse($s->isConnectedToHost('localhost', $port));
        $this->assertFalse($s->isConnectedToHost('127.0.0.1', $free));
        $s->disconnectFromAllHosts();
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_HOST, fn () => $s->connectToHost('nowhere_host', $port));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->connectToHost('localhost', 0));
    }

    public function testCloseKeepsTheSocketUsable(): void
    {
        [$pull, $peerPort] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $s = $this->socket('PUSH');
        $port = $s->bindToPort(0);
        $s->connectToHost('localhost', $peerPort);
        $s->close();
        $this->assertFalse($s->isBoundToPort($port));
        $this->assertFalse($s->isConnectedToHost('localhost', $peerPort));
        $this->assertSame(['bind' => [], 'connect' => []], $s->getEndpoints());
        $s->connectToHost('localhost', $peerPort);
        $s->send('after close', 5);
        $this->assertSame('after close', $this->peerRecv($pull));
    }

    public function testDestroyedSocket(): void
    {
        $s = new Socket('PUSH');
        $port = $s->bindToPort(0);
        $this->assertFalse($s->isDestroyed());
        $this->assertTrue($s->destroy());
        $this->assertTrue($s->isDestroyed());
        $this->assertFalse($s->destroy(), 'second destroy');
        $bad = ZmqSocketException::ZS_ERR_BAD_HANDLE;
        $this->assertZsError($bad, fn () => $s->send('x', 1));
        $this->assertZsError($bad, fn () => $s->sendMulti(['x'], 1));
        $this->assertZsError($bad, fn () => $s->sendNonBlocking('x'));
        $this->assertZsError($bad, fn () => $s->sendMultiNonBlocking(['x']));
        $this->assertZsError($bad, fn () => $s->recv(0.1));
        $this->assertZsError($bad, fn () => $s->recvMulti(0.1));
        $this->assertZsError($bad, fn () => $s->recvNonBlocking());
        $this->assertZsError($bad, fn () => $s->recvMultiNonBlocking());
        $this->assertZsError($bad, fn () => $s->isBoundToPort($port));
        $this->assertZsError($bad, fn () => $s->isConnectedToHost('localhost', $port));
        $this->assertZsError($bad, fn () => $s->getBoundPorts());
        $this->assertZsError($bad, fn () => $s->getEndpoints());
        $this->assertZsError($bad, fn () => $s->getType());
        $this->assertZsError($bad, fn () => $s->bindToPort(0));
        $this->assertZsError($bad, fn () => $s->connectToHost('localhost', $port));
        $this->assertZsError($bad, fn () => $s->close());
        $this->assertZsError($bad, fn () => $s->setLinger(0));
        $this->assertZsError($bad, fn () => $s->getPeerCount());
        $this->assertZsError($bad, fn () => $s->pump('x', 1));
        $this->assertZsError($bad, fn () => $s->drain(1, false, 0.1));
        $this->assertZsError($bad, fn () => Socket::poll([$s], 0.1));
        // the port is released (shortly after: destroy does not wait)
        $this->assertSame($port, $this->bindEventually($this->socket('PULL'), $port));
    }

    public function testDestructorDestroys(): void
    {
        $before = Library::socketCount();
        $s = new Socket('PULL');
        $port = $s->bindToPort(0);
        $this->assertSame($before + 1, Library::socketCount());
        $s = null;
        $this->assertSame($before, Library::socketCount());
        // destroy (unlike unbind) does not wait for libzmq to close the
        // listener: the port comes free shortly after
        $this->assertSame($port, $this->bindEventually($this->socket('PULL'), $port));
    }

    public function testLinger(): void
    {
        $s = $this->socket('PUSH');
        $s->setLinger(0);
        $s->setLinger(0.25);
        $s->setLinger(-1);
        $s->setLinger(INF);
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setLinger(-2));
    }

    public function testRoutingIdWithPhpZmqRouter(): void
    {
        [$router, $port] = $this->peerBound(\ZMQ::SOCKET_ROUTER);
        $dealer = $this->socket('DEALER');
        $dealer->setRoutingId("id\0x");
        $dealer->connectToHost('localhost', $port);
        $dealer->sendMulti(['', 'hello'], 5);
        $this->assertSame(["id\0x", '', 'hello'], $this->peerRecvMulti($router));
        $router->sendMulti(["id\0x", '', 'back']);
        $this->assertSame(['', 'back'], $dealer->recvMulti(5));
        $this->assertZsError(ZmqSocketException::ZS_ERR_WRONG_STATE, fn () => $dealer->setRoutingId('late'));
        $fresh = $this->socket('DEALER');
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $fresh->setRoutingId(''));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $fresh->setRoutingId("\0abc"));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $fresh->setRoutingId(str_repeat('x', 256)));
    }

    public function testRouterToUnknownPeerIsUnreachable(): void
    {
        [$router] = $this->bound('ROUTER');
        $this->assertZsError(ZmqSocketException::ZS_ERR_HOST_UNREACHABLE, fn () => $router->sendMulti(['nobody', 'x'], 1));
    }

    public function testMaxMessageSize(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->socket('PUSH');
        $push->setMaxMessageSize(100);
        $push->connectToHost('localhost', $port);
        $push->send(str_repeat('a', 100), 5);
        $this->assertSame(str_repeat('a', 100), $this->peerRecv($pull));
        $this->assertZsError(ZmqSocketException::ZS_ERR_MESSAGE_TOO_LARGE, fn () => $push->send(str_repeat('a', 101), 1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_MESSAGE_TOO_LARGE, fn () => $push->sendMulti([str_repeat('x', 60), str_repeat('y', 41)], 1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_MESSAGE_TOO_LARGE, fn () => $push->sendNonBlocking(str_repeat('a', 101)));
        $push->setMaxMessageSize(null);
        $push->send(str_repeat('b', 101), 5);
        $this->assertSame(str_repeat('b', 101), $this->peerRecv($pull));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $push->setMaxMessageSize(-2));
    }

    public function testMaxMessageSizeIsEnforcedOnReceive(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $pull->close();
        // libzmq's own limit is never below 512 bytes (see the header)
        $pull->setMaxMessageSize(1000);
        $this->assertSame($port, $pull->bindToPort($port));
        $push = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        $push->send(str_repeat('a', 1000));
        $this->assertSame(str_repeat('a', 1000), $pull->recv(5));
        $push->send(str_repeat('a', 1001)); // the peer is disconnected: never delivered
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $pull->recv(0.5));
    }

    /**
     * libzmq applies ZMQ_MAXMSGSIZE to the peer's handshake too; the
     * library keeps libzmq's limit at 512 bytes or more so that a small
     * limit still lets messages within it through.
     */
    public function testSmallMaxMessageSizeStillDeliversSmallMessages(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->socket('PUSH');
        $push->setMaxMessageSize(10);
        $push->connectToHost('localhost', $port);
        $push->send('0123456789', 5);
        $pull->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 2000);
        $this->assertSame('0123456789', $pull->recv(), 'a 10-byte message under a 10-byte limit was never delivered');
    }

    public function testSubscribeWithPhpZmqPublisher(): void
    {
        [$pub, $port] = $this->peerBound(\ZMQ::SOCKET_PUB);
        $sub = $this->socket('SUB');
        $sub->subscribe("a\0");
        $sub->subscribe('c');
        $sub->connectToHost('localhost', $port);
        $sub->waitConnected('localhost', $port, 5);
        $pub->send("a\0one");
        $pub->send('b-two');
        $pub->send('c-three');
        $this->assertSame("a\0one", $sub->recv(5));
        $this->assertSame('c-three', $sub->recv(5));
        $sub->unsubscribe('c');
        usleep(100000); // let the unsubscription reach the publisher
        $pub->send('c-four');
        $pub->send("a\0five");
        $this->assertSame("a\0five", $sub->recv(5));
        $this->assertNull($sub->recvNonBlocking());

        $all = $this->socket('SUB');
        $all->subscribe();
        $all->connectToHost('localhost', $port);
        $all->waitConnected('localhost', $port, 5);
        $pub->send('anything');
        $this->assertSame('anything', $all->recv(5));

        $push = $this->socket('PUSH');
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $push->subscribe('x'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $push->unsubscribe('x'));
    }

    public function testPatternErrors(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $pull->send('x', 1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $pull->sendNonBlocking('x'));
        $push = $this->connected('PUSH', $port);
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $push->recv(0.1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $push->recvNonBlocking());

        [$rep, $repPort] = $this->peerBound(\ZMQ::SOCKET_REP);
        $req = $this->connected('REQ', $repPort);
        $req->send('one', 5);
        $this->assertZsError(ZmqSocketException::ZS_ERR_WRONG_STATE, fn () => $req->send('two', 1));
        $this->assertSame('one', $this->peerRecv($rep));
        $rep->send('reply');
        $this->assertSame('reply', $req->recv(5));

        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $push->sendMulti([], 1));
    }

    public function testTimeouts(): void
    {
        [$pull] = $this->bound('PULL');
        foreach (['recv', 'recvMulti'] as $method) {
            $t = microtime(true);
            $e = $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $pull->$method(0.2));
            $elapsed = microtime(true) - $t;
            $this->assertGreaterThanOrEqual(0.19, $elapsed, $method);
            $this->assertLessThan(2.5, $elapsed, $method);
            $this->assertNotSame('', $e->getMessage());
        }
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $pull->recv(0));
        $this->assertNull($pull->recvNonBlocking());
        $this->assertNull($pull->recvMultiNonBlocking());

        // a send that cannot be queued times out: a PUSH with nowhere to go
        $push = $this->socket('PUSH');
        $t = microtime(true);
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $push->send('x', 0.2));
        $this->assertGreaterThanOrEqual(0.19, microtime(true) - $t);
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $push->sendMulti(['x', 'y'], 0));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $push->send('x', -5));
    }

    private function bindEventually(Socket $s, int $port): int
    {
        $deadline = microtime(true) + 3;
        while (true) {
            try {
                return $s->bindToPort($port);
            } catch (ZmqSocketException $e) {
                if ($e->getCode() !== ZmqSocketException::ZS_ERR_ADDRESS_IN_USE || microtime(true) > $deadline) {
                    throw $e;
                }
                usleep(20000);
            }
        }
    }
}
