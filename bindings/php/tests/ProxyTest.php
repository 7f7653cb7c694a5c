<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Library;
use ZmqSocket\Proxy;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** The proxy with fault injection (SPEC section 22), between php-zmq clients and zmqsocket services. */
final class ProxyTest extends ZmqTestCase
{
    /** @var array<Proxy> */
    private array $proxies = [];

    protected function tearDown(): void
    {
        foreach ($this->proxies as $p) {
            $p->destroy();
        }
        $this->proxies = [];
        parent::tearDown();
    }

    private function proxy(int|string $clientType, string $front, string $service): Proxy
    {
        return $this->proxies[] = new Proxy($clientType, $front, $service);
    }

    /** Wait (10 s at most) until $p's stats satisfy $ok; returns them. */
    private function statsWhen(Proxy $p, callable $ok): array
    {
        $deadline = microtime(true) + 10;
        do {
            $stats = $p->stats();
            if ($ok($stats)) {
                return $stats;
            }
            usleep(20000);
        } while (microtime(true) < $deadline);
        $this->fail('proxy stats never got there: ' . json_encode($stats));
    }

    public function testDropEverySecondMessageFromAPhpZmqClient(): void
    {
        [$service, $servicePort] = $this->bound('PULL');
        $proxy = $this->proxy(Socket::PUSH, 'tcp://127.0.0.1:0', "tcp://127.0.0.1:$servicePort");
        $port = $proxy->getPort();
        $this->assertGreaterThan(0, $port);
        $proxy->fault(Library::TOWARDS_SERVICE, 'drop every 2');

        $client = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        for ($i = 1; $i <= 11; $i++) {
            $client->send("m$i");
        }
        $got = [];
        for ($i = 0; $i < 6; $i++) {
            $got[] = $service->recv(10);
        }
        $this->assertSame(['m1', 'm3', 'm5', 'm7', 'm9', 'm11'], $got);
        $stats = $this->statsWhen($proxy, fn (array $s) => $s['forwarded'][0] === 6);
        $this->assertSame(
            ['forwarded' => [6, 0], 'dropped' => [5, 0], 'duplicated' => [0, 0], 'delayed' => [0, 0], 'corrupted' => [0, 0]],
            $stats
        );
        $this->assertNull($service->recvNonBlocking());
    }

    public function testRequestsAndRepliesPassAndRulesClear(): void
    {
        [$service, $servicePort] = $this->bound('REP');
        $proxy = $this->proxy('REQ', 'tcp://127.0.0.1:0', "tcp://127.0.0.1:$servicePort");
        $proxy->fault(Library::BOTH_WAYS, 'duplicate 100%; seed 7');
        $proxy->fault(Library::BOTH_WAYS, ''); // cleared again
        $client = $this->peerConnected(\ZMQ::SOCKET_REQ, $proxy->getPort());
        $client->send('ping');
        $this->assertSame('ping', $service->recv(10));
        $service->send('pong');
        $this->assertSame('pong', $this->peerRecv($client));
        $stats = $this->statsWhen($proxy, fn (array $s) => $s['forwarded'] === [1, 1]);
        $this->assertSame([0, 0], $stats['duplicated']);
    }

    public function testAfterACutTheClientReconnects(): void
    {
        [$service, $servicePort] = $this->bound('PULL');
        $proxy = $this->proxy(Socket::PUSH, 'tcp://127.0.0.1:0', "tcp://127.0.0.1:$servicePort");
        $client = $this->peerConnected(\ZMQ::SOCKET_PUSH, $proxy->getPort());
        $client->send('before');
        $this->assertSame('before', $service->recv(10));
        $proxy->cut(0.2);
        // what the client sends before it sees the cut is lost with the
        // connection, as in a real cut: send until one gets through
        $deadline = microtime(true) + 15;
        $got = null;
        for ($i = 0; $got === null && microtime(true) < $deadline; $i++) {
            $client->send("after $i", \ZMQ::MODE_DONTWAIT);
            $got = Socket::poll([$service], 0.2)[0] ? $service->recv(0) : null;
        }
        $this->assertIsString($got, 'the client reconnects once the cut is over');
        $this->assertStringStartsWith('after ', $got);
        $proxy->cut(0); // refuse for no time at all: fine
    }

    public function testTheProxyIsATableEntry(): void
    {
        [, $servicePort] = $this->bound('PULL');
        $before = Library::socketCount();
        $proxy = new Proxy(Socket::PUSH, 'tcp://127.0.0.1:0', "tcp://127.0.0.1:$servicePort");
        $this->assertSame($before + 1, Library::socketCount());
        $this->assertGreaterThan(0, $proxy->getHandle());
        $this->assertTrue($proxy->destroy());
        $this->assertFalse($proxy->destroy(), 'already gone');
        $this->assertSame($before, Library::socketCount());
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $proxy->fault(Library::BOTH_WAYS, ''));
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $proxy->cut(0));
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $proxy->stats());
    }

    public function testBadArgumentsToNew(): void
    {
        $service = 'tcp://127.0.0.1:' . $this->freePort();
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => new Proxy(99, 'tcp://127.0.0.1:0', $service));
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => new Proxy('NOPE', 'tcp://127.0.0.1:0', $service));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => new Proxy(Socket::PAIR, 'tcp://127.0.0.1:0', $service));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => new Proxy(Socket::PUSH, 'nonsense', $service));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => new Proxy(Socket::PUSH, 'tcp://127.0.0.1:0', ''));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => new Proxy(Socket::PUSH, "tcp://127.0.0.1:0\0", $service));
        [, $taken] = $this->bound('PULL');
        $e = $this->assertZsError(ZmqSocketException::ZS_ERR_ADDRESS_IN_USE, fn () => new Proxy(Socket::PUSH, "tcp://127.0.0.1:$taken", $service));
        $this->assertStringContainsString('front', $e->getMessage());
    }

    public function testBadRulesAndCutsAreRefused(): void
    {
        [, $servicePort] = $this->bound('PULL');
        $proxy = $this->proxy(Socket::PUSH, 'tcp://127.0.0.1:0', "tcp://127.0.0.1:$servicePort");
        $e = $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $proxy->fault(Library::TOWARDS_SERVICE, 'drop lots'));
        $this->assertStringContainsString('drop lots', $e->getMessage());
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $proxy->fault(Library::TOWARDS_SERVICE, 'drop 5%; drop 6%'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $proxy->fault(0, 'drop 5%'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $proxy->fault(1 << 40, ''));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $proxy->fault(Library::BOTH_WAYS, "pause\0"));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $proxy->cut(-1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $proxy->cut(-0.5));
    }
}
