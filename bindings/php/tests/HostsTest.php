<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Hosts;
use ZmqSocket\ZmqSocketException;

final class HostsTest extends ZmqTestCase
{
    public function testSetResolveRemove(): void
    {
        $this->assertSame('127.0.0.1', Hosts::hostAddress('localhost'));
        Hosts::setHost('php_web1', '10.1.2.3');
        $this->assertSame('10.1.2.3', Hosts::hostAddress('php_web1'));
        Hosts::setHost('php_web1', 'example.invalid');
        $this->assertSame('example.invalid', Hosts::hostAddress('php_web1'));
        Hosts::removeHost('php_web1');
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_HOST, fn () => Hosts::hostAddress('php_web1'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_HOST, fn () => Hosts::removeHost('php_web1'));
    }

    public function testIpLiteralsResolveToThemselves(): void
    {
        $this->assertSame('192.0.2.7', Hosts::hostAddress('192.0.2.7'));
        $this->assertSame('::1', Hosts::hostAddress('::1'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_HOST, fn () => Hosts::hostAddress('no-such-host-id'));
    }

    public function testBadArguments(): void
    {
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Hosts::setHost('', '1.2.3.4'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Hosts::setHost('a b', '1.2.3.4'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Hosts::setHost('ok', ''));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Hosts::setHost("n\0ul", '1.2.3.4'));
    }

    public function testLoadHosts(): void
    {
        $file = tempnam(sys_get_temp_dir(), 'zshosts');
        try {
            file_put_contents($file, "# test hosts\n\nphp_h1 10.0.0.1\nphp_h2   10.0.0.2\nphp_h1 10.0.0.9\n");
            $this->assertSame(3, Hosts::loadHosts($file));
            $this->assertSame('10.0.0.9', Hosts::hostAddress('php_h1'));
            $this->assertSame('10.0.0.2', Hosts::hostAddress('php_h2'));

            file_put_contents($file, "php_h3 10.0.0.3\nthis line is malformed\n");
            $e = $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Hosts::loadHosts($file));
            $this->assertStringContainsString(':2', $e->getMessage());
            $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_HOST, fn () => Hosts::hostAddress('php_h3'));
        } finally {
            unlink($file);
            Hosts::removeHost('php_h1');
            Hosts::removeHost('php_h2');
        }
        $this->assertZsError(ZmqSocketException::ZS_ERR_IO, fn () => Hosts::loadHosts($file));
    }

    public function testConnectThroughTheTable(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        Hosts::setHost('php_target', '127.0.0.1');
        try {
            $push = $this->socket('PUSH');
            $push->connectToHost('php_target', $port);
            $this->assertTrue($push->isConnectedToHost('php_target', $port));
            $push->send('via the table', 5);
            $this->assertSame('via the table', $this->peerRecv($pull));
        } finally {
            Hosts::removeHost('php_target');
        }
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_HOST, fn () => $this->socket('PUSH')->connectToHost('php_target', $port));
    }
}
