<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Hosts;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** getEndpoints / getConnections and the any-endpoint calls. */
final class EndpointsTest extends ZmqTestCase
{
    public function testEndpointsOfBindsAndConnects(): void
    {
        $s = $this->socket('PUSH');
        $this->assertSame(['bind' => [], 'connect' => []], $s->getEndpoints());
        $this->assertSame([], $s->getConnections());
        $p1 = $s->bindToPort(0);
        $p2 = $s->bindEndpoint('tcp://127.0.0.1:0');
        $this->assertGreaterThan(0, $p2);
        $this->assertTrue($s->isBoundToPort($p2));
        $c1 = $this->freePort();
        $c2 = $this->freePort();
        $s->connectToHost('localhost', $c1);
        $s->connectEndpoint("tcp://127.0.0.1:$c2");
        $s->connectToHost('::1', $c1);
        $this->assertSame([
            'bind' => ["tcp://127.0.0.1:$p1", "tcp://127.0.0.1:$p2"],
            'connect' => ["tcp://127.0.0.1:$c1", "tcp://127.0.0.1:$c2", "tcp://[::1]:$c1"],
        ], $s->getEndpoints());
        $this->assertSame([
            ['host' => 'localhost', 'port' => $c1, 'endpoint' => "tcp://127.0.0.1:$c1"],
            ['host' => null, 'port' => null, 'endpoint' => "tcp://127.0.0.1:$c2"],
            ['host' => '::1', 'port' => $c1, 'endpoint' => "tcp://[::1]:$c1"],
        ], $s->getConnections());
        $this->assertZsError(ZmqSocketException::ZS_ERR_ALREADY_CONNECTED, fn () => $s->connectEndpoint("tcp://127.0.0.1:$c1"));

        $s->disconnectEndpoint("tcp://127.0.0.1:$c1"); // made by connectToHost
        $this->assertFalse($s->isConnectedToHost('localhost', $c1));
        $s->disconnectEndpoint("tcp://127.0.0.1:$c2");
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_CONNECTED, fn () => $s->disconnectEndpoint("tcp://127.0.0.1:$c2"));
        $s->unbindEndpoint("tcp://127.0.0.1:$p2"); // as resolved
        $this->assertFalse($s->isBoundToPort($p2));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_BOUND, fn () => $s->unbindEndpoint("tcp://127.0.0.1:$p2"));
        $this->assertSame(['bind' => ["tcp://127.0.0.1:$p1"], 'connect' => ["tcp://[::1]:$c1"]], $s->getEndpoints());
        $s->close();
        $this->assertSame(['bind' => [], 'connect' => []], $s->getEndpoints());
    }

    public function testUnbindAsBound(): void
    {
        $s = $this->socket('PULL');
        $name = 'inproc://php-ep-' . bin2hex(random_bytes(4));
        $this->assertSame(0, $s->bindEndpoint($name));
        $this->assertSame([$name], $s->getEndpoints()['bind']);
        $this->assertSame([], $s->getBoundPorts());
        $s->unbindEndpoint($name);
        $this->assertSame([], $s->getEndpoints()['bind']);
    }

    public function testIpcEndpoint(): void
    {
        $pull = $this->socket('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $pull->bindEndpoint('ipc:///tmp/with space.sock'));
        $path = sys_get_temp_dir() . '/zs-php-' . bin2hex(random_bytes(4)) . '.sock';
        $this->assertSame(0, $pull->bindEndpoint("ipc://$path"));
        $this->assertSame(["ipc://$path"], $pull->getEndpoints()['bind']);
        $push = $this->socket('PUSH');
        $push->connectEndpoint("ipc://$path");
        $this->assertSame([['host' => null, 'port' => null, 'endpoint' => "ipc://$path"]], $push->getConnections());
        $push->send("over ipc\0", 5);
        $this->assertSame("over ipc\0", $pull->recv(5));
        $pull->unbindFromAllPorts();
        $this->assertSame([], $pull->getEndpoints()['bind']);
    }

    public function testHostIdsInConnectLines(): void
    {
        Hosts::setHost('php_v6', '::1');
        try {
            $s = $this->socket('SUB');
            $port = $this->freePort();
            $s->connectToHost('php_v6', $port);
            $s->connectToHost('127.0.0.1', $port);
            $this->assertSame([
                ['host' => 'php_v6', 'port' => $port, 'endpoint' => "tcp://[::1]:$port"],
                ['host' => '127.0.0.1', 'port' => $port, 'endpoint' => "tcp://127.0.0.1:$port"],
            ], $s->getConnections());
            // disconnect uses the endpoint recorded at connect time
            Hosts::setHost('php_v6', '127.0.0.2');
            $s->disconnectFromHost('php_v6', $port);
            $this->assertSame(["tcp://127.0.0.1:$port"], $s->getEndpoints()['connect']);
        } finally {
            Hosts::removeHost('php_v6');
        }
    }

    public function testBadEndpoints(): void
    {
        $s = $this->socket('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->bindEndpoint('nonsense'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->bindEndpoint('bogus://x'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->connectEndpoint('nonsense'));
        [, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $this->assertZsError(ZmqSocketException::ZS_ERR_ADDRESS_IN_USE, fn () => $s->bindEndpoint("tcp://127.0.0.1:$port"));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_BOUND, fn () => $s->unbindEndpoint('tcp://127.0.0.1:1'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_CONNECTED, fn () => $s->disconnectEndpoint('tcp://127.0.0.1:1'));
    }
}
