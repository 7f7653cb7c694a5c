<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use PHPUnit\Framework\TestCase;
use ZmqSocket\Context;
use ZmqSocket\Library;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** Helpers: php-zmq peers (linger 0, 5 s timeouts) and zmqsocket sockets destroyed after each test. */
abstract class ZmqTestCase extends TestCase
{
    private static ?\ZMQContext $zmqContext = null;

    /** @var array<\ZMQSocket> */
    private array $peers = [];
    /** @var array<Socket> */
    private array $sockets = [];

    protected function tearDown(): void
    {
        foreach ($this->sockets as $s) {
            $s->destroy();
        }
        $this->sockets = [];
        $this->peers = [];
        Library::setDefaultTimeout(5);
    }

    protected static function zmqContext(): \ZMQContext
    {
        return self::$zmqContext ??= new \ZMQContext(1, false);
    }

    /** A php-zmq socket, linger 0, receive and send timeouts 5 s. */
    protected function peer(int $type): \ZMQSocket
    {
        $s = new \ZMQSocket(self::zmqContext(), $type);
        $s->setSockOpt(\ZMQ::SOCKOPT_LINGER, 0);
        $s->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 5000);
        $s->setSockOpt(\ZMQ::SOCKOPT_SNDTIMEO, 5000);
        $this->peers[] = $s;
        return $s;
    }

    /** A php-zmq socket bound to an ephemeral loopback port: [socket, port]. */
    protected function peerBound(int $type): array
    {
        $s = $this->peer($type);
        $s->bind('tcp://127.0.0.1:*');
        $endpoint = $s->getSockOpt(\ZMQ::SOCKOPT_LAST_ENDPOINT);
        $this->assertMatchesRegularExpression('~^tcp://127\.0\.0\.1:\d+$~', $endpoint);
        $port = (int) substr($endpoint, strrpos($endpoint, ':') + 1);
        return [$s, $port];
    }

    /** A php-zmq socket connected to 127.0.0.1:$port. */
    protected function peerConnected(int $type, int $port): \ZMQSocket
    {
        $s = $this->peer($type);
        $s->connect("tcp://127.0.0.1:$port");
        return $s;
    }

    /** php-zmq recv with its 5 s timeout; fails the test on a timeout. */
    protected function peerRecv(\ZMQSocket $s): string
    {
        $m = $s->recv();
        $this->assertIsString($m, 'php-zmq peer timed out waiting for a message');
        return $m;
    }

    protected function peerRecvMulti(\ZMQSocket $s): array
    {
        $m = $s->recvMulti();
        $this->assertIsArray($m, 'php-zmq peer timed out waiting for a message');
        return $m;
    }

    /** Track a zmqsocket socket so that tearDown destroys it. */
    protected function track(Socket $s): Socket
    {
        $this->sockets[] = $s;
        return $s;
    }

    protected function socket(int|string $type): Socket
    {
        return $this->track(new Socket($type));
    }

    protected function bound(int|string $type, int $sendHwm = 100, int $recvHwm = 100): array
    {
        $s = $this->track((new Context())->bindToPort(0, $type, $sendHwm, $recvHwm));
        $ports = $s->getBoundPorts();
        $this->assertCount(1, $ports);
        return [$s, $ports[0]];
    }

    protected function connected(int|string $type, int $port, int $sendHwm = 100, int $recvHwm = 100): Socket
    {
        return $this->track((new Context())->connectToHost('localhost', $port, $type, $sendHwm, $recvHwm));
    }

    /** A TCP port nothing listens on (bound, then unbound at once). */
    protected function freePort(): int
    {
        $s = new Socket('PULL');
        $port = $s->bindToPort(0);
        $s->unbindFromPort($port);
        $s->destroy();
        return $port;
    }

    /** Assert $fn throws ZmqSocketException with $code; returns it. */
    protected function assertZsError(int $code, callable $fn): ZmqSocketException
    {
        try {
            $fn();
        } catch (ZmqSocketException $e) {
            $this->assertSame(
                ZmqSocketException::nameOf($code),
                ZmqSocketException::nameOf($e->getCode()),
                'wrong code; message: ' . $e->getMessage()
            );
            $this->assertNotSame('', $e->getMessage());
            return $e;
        }
        $this->fail('expected ZmqSocketException ' . ZmqSocketException::nameOf($code));
    }
}
