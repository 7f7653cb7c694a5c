<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** Socket options by name: setOption, getOption (SPEC section 18). */
final class OptionsTest extends ZmqTestCase
{
    public function testIntegerOptionsRoundTripInAnyCase(): void
    {
        $s = $this->socket('DEALER');
        $s->setOption('RECONNECT_IVL', 250);
        $this->assertSame(250, $s->getOption('reconnect_ivl'));
        $s->setOption('heartbeat_ivl', 1500);
        $this->assertSame(1500, $s->getOption('HEARTBEAT_IVL'));
        $s->setOption('ZMQ_TCP_KEEPALIVE', 1);
        $this->assertSame(1, $s->getOption('TCP_KEEPALIVE'));
        $this->assertSame(Socket::DEALER, $s->getOption('TYPE'));
    }

    public function testTheLibraryOwnedOptionsFollowItsRules(): void
    {
        $s = $this->socket('PUSH');
        $s->setLinger(0.25);
        $this->assertSame(250, $s->getOption('LINGER'));
        $s->setOption('SNDHWM', -1);
        $this->assertSame(100, $s->getOption('SNDHWM'), '-1 is the library default HWM');
    }

    public function testStringOptionsComeBackAsStrings(): void
    {
        $s = $this->socket('PUSH');
        $s->setOption('SOCKS_PROXY', '127.0.0.1:1080');
        $this->assertSame('127.0.0.1:1080', $s->getOption('SOCKS_PROXY'));
        $port = $s->bindEndpoint('tcp://127.0.0.1:0');
        $this->assertSame("tcp://127.0.0.1:$port", $s->getOption('LAST_ENDPOINT'));
    }

    public function testARoutingIdSetByNameReachesAPhpZmqRouter(): void
    {
        [$router, $port] = $this->peerBound(\ZMQ::SOCKET_ROUTER);
        $dealer = $this->socket('DEALER');
        $dealer->setOption('ROUTING_ID', "id\0by-name");
        $this->assertSame("id\0by-name", $dealer->getOption('routing_id'), 'binary-safe');
        $dealer->connectToHost('127.0.0.1', $port);
        $dealer->send('hello');
        $this->assertSame(["id\0by-name", 'hello'], $this->peerRecvMulti($router));
    }

    public function testAWelcomeMessageSetByNameReachesAPhpZmqSubscriber(): void
    {
        [$xpub, $port] = $this->bound('XPUB');
        $xpub->setOption('XPUB_WELCOME_MSG', 'welcome');
        $sub = $this->peer(\ZMQ::SOCKET_SUB);
        // subscribed before it connects: a SUB drops what comes before
        $sub->setSockOpt(\ZMQ::SOCKOPT_SUBSCRIBE, '');
        $sub->connect("tcp://127.0.0.1:$port");
        // libzmq's XPUB sends the welcome when a call on it takes the new
        // pipe in: this receive of the subscription does
        $this->assertSame(["\x01"], $xpub->recvMulti(5));
        $this->assertSame('welcome', $this->peerRecv($sub));
    }

    public function testUnknownNamesAndWrongFormsAreInvalidArguments(): void
    {
        $s = $this->socket('PUSH');
        $e = $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setOption('NO_SUCH_OPTION', 1));
        $this->assertStringContainsString('NO_SUCH_OPTION', $e->getMessage());
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->getOption('NO_SUCH_OPTION'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->getOption(''));
        $e = $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setOption('ROUTING_ID', 5));
        $this->assertStringContainsString('bytes option', $e->getMessage());
        $e = $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setOption('RECONNECT_IVL', '250'));
        $this->assertStringContainsString('integer option', $e->getMessage());
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setOption('HEARTBEAT_IVL', 1 << 40));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setOption("LINGER\0", 1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->getOption("LINGER\0x"));
    }

    public function testRefusedOptionsAreNotSupported(): void
    {
        $s = $this->socket('PUSH');
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $s->setOption('RCVTIMEO', 100));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $s->setOption('TYPE', Socket::PULL));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $s->setOption('LAST_ENDPOINT', 'x'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $s->setOption('SUBSCRIBE', ''));
        $sub = $this->socket('SUB');
        // write-only, a bytes option: the fallback to the bytes form says so
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $sub->getOption('SUBSCRIBE'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $sub->getOption('XPUB_VERBOSE'));
    }

    public function testSecurityOptionsAfterTheFirstBindAreWrongState(): void
    {
        $s = $this->socket('PULL');
        $s->bindToPort(0);
        $this->assertZsError(ZmqSocketException::ZS_ERR_WRONG_STATE, fn () => $s->setOption('PLAIN_SERVER', 1));
        $this->assertZsError(ZmqSocketException::ZS_ERR_WRONG_STATE, fn () => $s->setOption('PLAIN_USERNAME', 'u'));
    }

    public function testADestroyedSocketIsABadHandle(): void
    {
        $s = new Socket('PUSH');
        $s->destroy();
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $s->setOption('LINGER', 0));
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $s->setOption('SOCKS_PROXY', ''));
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $s->getOption('LINGER'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $s->getOption('LAST_ENDPOINT'));
    }
}
