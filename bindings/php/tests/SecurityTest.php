<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Auth;
use ZmqSocket\Event;
use ZmqSocket\Security;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/**
 * CURVE, PLAIN, Z85 and the authentication rules (SPEC section 19),
 * against php-zmq peers. The rules are process-wide: reset around each test.
 */
final class SecurityTest extends ZmqTestCase
{
    protected function setUp(): void
    {
        Auth::reset();
    }

    protected function tearDown(): void
    {
        Auth::reset();
        parent::tearDown();
    }

    private static function requireCurve(): void
    {
        if (!defined('ZMQ::SOCKOPT_CURVE_SERVER')) {
            self::markTestSkipped('php-zmq here has no CURVE options (ZMQ::SOCKOPT_CURVE_SERVER)');
        }
    }

    /** Wait for an event of $kind on $s, returning it; fails after a generous timeout. */
    private function waitEvent(Socket $s, int $kind): Event
    {
        $deadline = microtime(true) + 10;
        $seen = [];
        while (microtime(true) < $deadline) {
            $e = $s->nextEvent(0.5);
            if ($e !== null) {
                if ($e->kind === $kind) {
                    return $e;
                }
                $seen[] = $e->name;
            }
        }
        $this->fail('no ' . Event::nameOf($kind) . ' event; saw: ' . implode(', ', $seen));
    }

    public function testKeypairsAndPublicKeys(): void
    {
        [$public, $secret] = Security::curveKeypair();
        $this->assertMatchesRegularExpression('~^[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}$~', $public);
        $this->assertSame(40, strlen($secret));
        $this->assertNotSame($public, $secret);
        $this->assertSame($public, Security::curvePublic($secret));
        [$public2] = Security::curveKeypair();
        $this->assertNotSame($public, $public2);
        $this->assertSame(32, strlen(Security::z85Decode($public)));
    }

    public function testZ85AgreesWithTheSpecAndPhpZmq(): void
    {
        $bytes = "\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B";
        $this->assertSame('HelloWorld', Security::z85Encode($bytes)); // ZeroMQ RFC 32's example
        $this->assertSame($bytes, Security::z85Decode('HelloWorld'));
        $this->assertSame('', Security::z85Encode(''));
        $data = random_bytes(32);
        $this->assertSame(\ZMQ::z85Encode($data), Security::z85Encode($data));
        $this->assertSame($data, Security::z85Decode(\ZMQ::z85Encode($data)));
    }

    public function testMalformedKeysAndZ85AreInvalidArguments(): void
    {
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Security::z85Encode('abc'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Security::z85Decode('abcd'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Security::z85Decode('Hello Worl'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Security::z85Decode("Hello\0orld"));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Security::curvePublic('short'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Security::curvePublic(str_repeat(' ', 40)));
        $s = $this->socket('PULL');
        [$public, $secret] = Security::curveKeypair();
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setCurveServer('short'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setCurveClient('short', $public, $secret));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setCurveClient($public, $public, "x\0"));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Auth::curveAllow('short'));
    }

    public function testMechanismsAfterTheFirstBindOrConnectAreWrongState(): void
    {
        [$public, $secret] = Security::curveKeypair();
        [$bound] = $this->bound('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_WRONG_STATE, fn () => $bound->setCurveServer($secret));
        $this->assertZsError(ZmqSocketException::ZS_ERR_WRONG_STATE, fn () => $bound->setPlainServer());
        $connected = $this->connected('PUSH', $this->freePort());
        $this->assertZsError(ZmqSocketException::ZS_ERR_WRONG_STATE, fn () => $connected->setCurveClient($public, $public, $secret));
        $this->assertZsError(ZmqSocketException::ZS_ERR_WRONG_STATE, fn () => $connected->setPlainClient('u', 'p'));
        $gone = new Socket('PUSH');
        $gone->destroy();
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $gone->setPlainServer());
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $gone->setCurveServer($secret));
    }

    public function testCurveServerAdmitsAPhpZmqClientWithAnAllowedKey(): void
    {
        self::requireCurve();
        [$serverPublic, $serverSecret] = Security::curveKeypair();
        [$clientPublic, $clientSecret] = Security::curveKeypair();
        Auth::curveAllow($clientPublic);
        $pull = $this->socket('PULL');
        $pull->setCurveServer($serverSecret);
        $this->assertSame(2, $pull->getOption('MECHANISM'));
        $port = $pull->bindToPort(0);

        $push = $this->peer(\ZMQ::SOCKET_PUSH);
        $push->setSockOpt(\ZMQ::SOCKOPT_CURVE_SERVERKEY, $serverPublic);
        $push->setSockOpt(\ZMQ::SOCKOPT_CURVE_PUBLICKEY, $clientPublic);
        $push->setSockOpt(\ZMQ::SOCKOPT_CURVE_SECRETKEY, $clientSecret);
        $push->connect("tcp://127.0.0.1:$port");
        $push->send("secret\0message");
        [$frames, $props] = $pull->recvWithProperties(['User-Id', 'Socket-Type'], 5);
        $this->assertSame(["secret\0message"], $frames);
        $this->assertSame(['User-Id' => $clientPublic, 'Socket-Type' => 'PUSH'], $props);
    }

    public function testCurveServerRefusesAKeyNotAllowed(): void
    {
        self::requireCurve();
        [$serverPublic, $serverSecret] = Security::curveKeypair();
        [$allowed] = Security::curveKeypair();
        [$clientPublic, $clientSecret] = Security::curveKeypair();
        Auth::curveAllow($allowed);
        $pull = $this->socket('PULL');
        $pull->setCurveServer($serverSecret);
        $port = $pull->bindToPort(0);

        $push = $this->peer(\ZMQ::SOCKET_PUSH);
        $push->setSockOpt(\ZMQ::SOCKOPT_CURVE_SERVERKEY, $serverPublic);
        $push->setSockOpt(\ZMQ::SOCKOPT_CURVE_PUBLICKEY, $clientPublic);
        $push->setSockOpt(\ZMQ::SOCKOPT_CURVE_SECRETKEY, $clientSecret);
        $push->connect("tcp://127.0.0.1:$port");
        $push->send('must not arrive', \ZMQ::MODE_DONTWAIT);
        $this->assertSame(400, $this->waitEvent($pull, Event::HANDSHAKE_FAILED_AUTH)->value);
        $this->assertSame(0, $pull->getPeerCount());
        $this->assertNull($pull->recvNonBlocking());
    }

    public function testCurveClientReachesAPhpZmqCurveServer(): void
    {
        self::requireCurve();
        [$serverPublic, $serverSecret] = Security::curveKeypair();
        [$clientPublic, $clientSecret] = Security::curveKeypair();
        $pull = $this->peer(\ZMQ::SOCKET_PULL);
        $pull->setSockOpt(\ZMQ::SOCKOPT_CURVE_SERVER, 1);
        $pull->setSockOpt(\ZMQ::SOCKOPT_CURVE_SECRETKEY, $serverSecret);
        $pull->bind('tcp://127.0.0.1:*');
        $endpoint = $pull->getSockOpt(\ZMQ::SOCKOPT_LAST_ENDPOINT);
        $port = (int) substr($endpoint, strrpos($endpoint, ':') + 1);

        $push = $this->socket('PUSH');
        $push->setCurveClient($serverPublic, $clientPublic, $clientSecret);
        $this->assertSame($serverPublic, $push->getOption('CURVE_SERVERKEY'));
        $push->connectToHost('127.0.0.1', $port);
        $push->waitPeers(1, 10);
        $push->send('over curve');
        $this->assertSame('over curve', $this->peerRecv($pull));
    }

    public function testPlainServerChecksUsersOfPhpZmqClients(): void
    {
        Auth::plainUser('alice', 'right');
        $pull = $this->socket('PULL');
        $pull->setPlainServer();
        $port = $pull->bindToPort(0);

        $bad = $this->peer(\ZMQ::SOCKET_PUSH);
        $bad->setSockOpt(\ZMQ::SOCKOPT_PLAIN_USERNAME, 'alice');
        $bad->setSockOpt(\ZMQ::SOCKOPT_PLAIN_PASSWORD, 'wrong');
        $bad->connect("tcp://127.0.0.1:$port");
        $bad->send('from bad', \ZMQ::MODE_DONTWAIT);
        $this->assertSame(400, $this->waitEvent($pull, Event::HANDSHAKE_FAILED_AUTH)->value);

        $good = $this->peer(\ZMQ::SOCKET_PUSH);
        $good->setSockOpt(\ZMQ::SOCKOPT_PLAIN_USERNAME, 'alice');
        $good->setSockOpt(\ZMQ::SOCKOPT_PLAIN_PASSWORD, 'right');
        $good->connect("tcp://127.0.0.1:$port");
        $good->send('from good');
        [$frames, $props] = $pull->recvWithProperties(['User-Id', 'Peer-Address'], 5);
        $this->assertSame(['from good'], $frames);
        $this->assertSame(['User-Id' => 'alice', 'Peer-Address' => '127.0.0.1'], $props);
        $this->assertSame(1, $pull->getPeerCount(), 'the refused client is no peer');
    }

    public function testPlainClientReachesAPhpZmqPlainServer(): void
    {
        // libzmq's PLAIN server needs a ZAP handler in its context: the
        // test is php-zmq's, and checks what the client sent
        $zap = new \ZMQSocket(self::zmqContext(), \ZMQ::SOCKET_REP);
        $zap->setSockOpt(\ZMQ::SOCKOPT_LINGER, 0);
        $zap->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 5000);
        $zap->bind('inproc://zeromq.zap.01');
        try {
            $this->plainClientWithZap($zap);
        } finally {
            $zap->unbind('inproc://zeromq.zap.01');
            unset($zap);
        }
    }

    private function plainClientWithZap(\ZMQSocket $zap): void
    {
        $pull = $this->peer(\ZMQ::SOCKET_PULL);
        $pull->setSockOpt(\ZMQ::SOCKOPT_PLAIN_SERVER, 1);
        $pull->bind('tcp://127.0.0.1:*');
        $endpoint = $pull->getSockOpt(\ZMQ::SOCKOPT_LAST_ENDPOINT);
        $port = (int) substr($endpoint, strrpos($endpoint, ':') + 1);

        $push = $this->socket('PUSH');
        $push->setPlainClient('bob', 'pw');
        $this->assertSame(1, $push->getOption('MECHANISM'));
        $this->assertSame('bob', $push->getOption('PLAIN_USERNAME'));
        $push->connectToHost('127.0.0.1', $port);
        $push->send('over plain');
        $request = $this->peerRecvMulti($zap);
        $this->assertSame(['1.0', 'PLAIN', 'bob', 'pw'], [$request[0], $request[5], $request[6], $request[7]]);
        $zap->sendMulti(['1.0', $request[1], '200', 'OK', 'bob', '']);
        $this->assertSame('over plain', $this->peerRecv($pull));
    }

    public function testPlainArgumentsAreChecked(): void
    {
        $s = $this->socket('PUSH');
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setPlainClient('', 'pw'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setPlainClient(str_repeat('u', 256), 'pw'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->setPlainClient("u\0", 'pw'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Auth::plainUser("u\0", 'pw'));
    }

    public function testDeniedAddressesAreRefused(): void
    {
        Auth::deny('127.0.0.1');
        [$pull, $port] = $this->bound('PULL');
        $push = $this->peerConnected(\ZMQ::SOCKET_PUSH, $port);
        $push->send('refused', \ZMQ::MODE_DONTWAIT);
        $this->assertSame(400, $this->waitEvent($pull, Event::HANDSHAKE_FAILED_AUTH)->value);
        $this->assertSame(0, $pull->getPeerCount());

        Auth::reset(); // everyone gets in again, for new connections
        [$pull2, $port2] = $this->bound('PULL');
        $this->peerConnected(\ZMQ::SOCKET_PUSH, $port2)->send('admitted');
        $this->assertSame('admitted', $pull2->recv(5));
    }

    public function testAllowingAnAddressShutsOutTheOthers(): void
    {
        Auth::allow('10.0.0.0/8');
        [$pull, $port] = $this->bound('PULL');
        $this->peerConnected(\ZMQ::SOCKET_PUSH, $port)->send('refused', \ZMQ::MODE_DONTWAIT);
        $this->waitEvent($pull, Event::HANDSHAKE_FAILED_AUTH);

        Auth::allow('127.0.0.0/8');
        Auth::deny('127.0.0.1'); // an allowed address wins over a denied one
        [$pull2, $port2] = $this->bound('PULL');
        $this->peerConnected(\ZMQ::SOCKET_PUSH, $port2)->send('admitted');
        $this->assertSame('admitted', $pull2->recv(5));
    }

    public function testMalformedAddressesAreInvalidArguments(): void
    {
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Auth::allow('not an address'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Auth::deny('10.0.0.0/99'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Auth::allow("127.0.0.1\0"));
    }
}
