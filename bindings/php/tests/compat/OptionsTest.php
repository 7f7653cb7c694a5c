<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

/**
 * Every socket option php-zmq knows, set and read on the layer and on the
 * extension (in a separate process) by the same code: the results must be
 * the same, but for the differences the layer documents.
 */
final class OptionsTest extends CompatTestCase
{
    /** Run in both processes: option name => [what setsockopt did, what getsockopt gave]. */
    private const PROBE = <<<'PHP'
        $types = ['SUBSCRIBE' => 'SUB', 'UNSUBSCRIBE' => 'SUB', 'TCP_ACCEPT_FILTER' => 'SUB',
            'ROUTER_HANDOVER' => 'ROUTER', 'ROUTER_MANDATORY' => 'ROUTER', 'ROUTER_RAW' => 'ROUTER',
            'CONNECT_RID' => 'ROUTER', 'REQ_RELAXED' => 'REQ', 'REQ_CORRELATE' => 'REQ',
            'XPUB_VERBOSE' => 'XPUB', 'XPUB_NODROP' => 'XPUB', 'XPUB_MANUAL' => 'XPUB',
            'XPUB_WELCOME_MSG' => 'XPUB', 'XPUB_VERBOSER' => 'XPUB', 'INVERT_MATCHING' => 'SUB',
            'CONFLATE' => 'PUSH'];
        $strings = ['IDENTITY' => 'ident', 'CONNECT_RID' => 'rid', 'SUBSCRIBE' => 'topic', 'UNSUBSCRIBE' => 'topic',
            'TCP_ACCEPT_FILTER' => '127.0.0.1', 'ZAP_DOMAIN' => 'test', 'PLAIN_USERNAME' => 'user',
            'PLAIN_PASSWORD' => 'pass', 'SOCKS_PROXY' => '127.0.0.1:1080', 'XPUB_WELCOME_MSG' => 'hi',
            'CURVE_PUBLICKEY' => 'Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID', 'BINDTODEVICE' => 'lo',
            'CURVE_SECRETKEY' => 'D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs',
            'CURVE_SERVERKEY' => 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7',
            'GSSAPI_PRINCIPAL' => 'p', 'GSSAPI_SERVICE_PRINCIPAL' => 'p', 'LAST_ENDPOINT' => 'x'];
        $ints = ['SNDHWM' => 7, 'RCVHWM' => 9, 'HWM' => 11, 'LINGER' => 250, 'RCVTIMEO' => 900,
            'SNDTIMEO' => 800, 'RECONNECT_IVL' => 250, 'RECONNECT_IVL_MAX' => 2000, 'BACKLOG' => 55,
            'MAXMSGSIZE' => 1000, 'AFFINITY' => 3, 'RATE' => 250, 'RECOVERY_IVL' => 5000,
            'SNDBUF' => 65536, 'RCVBUF' => 65536, 'MULTICAST_HOPS' => 4, 'TCP_KEEPALIVE' => 1,
            'TCP_KEEPALIVE_CNT' => 5, 'TCP_KEEPALIVE_IDLE' => 60, 'TCP_KEEPALIVE_INTVL' => 10,
            'TOS' => 16, 'HANDSHAKE_IVL' => 7000, 'HEARTBEAT_IVL' => 300, 'HEARTBEAT_TTL' => 1200,
            'HEARTBEAT_TIMEOUT' => 900, 'CONNECT_TIMEOUT' => 1500, 'TCP_MAXRT' => 2500,
            'MULTICAST_MAXTPDU' => 1400];
        $skip = ['ROUTER_RAW']; // makes the ROUTER raw: not a test of options
        $out = [];
        foreach ((new ReflectionClass('ZMQ'))->getConstants() as $c => $key) {
            if (!str_starts_with($c, 'SOCKOPT_') || in_array(substr($c, 8), $skip, true)) {
                continue;
            }
            $name = substr($c, 8);
            $type = constant('ZMQ::SOCKET_' . ($types[$name] ?? 'DEALER'));
            $s = new ZMQSocket(new ZMQContext(1, false), $type);
            $value = $strings[$name] ?? $ints[$name] ?? 1;
            try {
                $r = $s->setSockOpt($key, $value);
                $set = $r === $s ? 'ok' : get_debug_type($r);
            } catch (ZMQSocketException $e) {
                $set = 'ZMQSocketException';
            }
            try {
                $got = $s->getSockOpt($key);
                $get = is_resource($got) ? 'resource' : $got;
            } catch (ZMQSocketException $e) {
                $get = 'ZMQSocketException';
            }
            $out[$name] = [$set, $get];
        }
        echo serialize($out);
        PHP;

    /**
     * Where the layer differs, on purpose (the header of compat/ZMQSocket.php
     * and the README say why): option => [set, get] on the layer.
     */
    private const DIFFERENCES = [
        // zmqsocket's per-socket limits, not libzmq's (SPEC 18)
        'MAXMSGSIZE' => ['ok', 1000],
        // GSSAPI and VMCI are not in zmqsocket's libzmq
        'GSSAPI_SERVER' => ['ZMQSocketException', 'ZMQSocketException'],
        'GSSAPI_PLAINTEXT' => ['ZMQSocketException', 'ZMQSocketException'],
        'GSSAPI_PRINCIPAL' => ['ZMQSocketException', 'ZMQSocketException'],
        'GSSAPI_SERVICE_PRINCIPAL' => ['ZMQSocketException', 'ZMQSocketException'],
        'GSSAPI_PRINCIPAL_NAMETYPE' => ['ZMQSocketException', 'ZMQSocketException'],
        'GSSAPI_SERVICE_PRINCIPAL_NAMETYPE' => ['ZMQSocketException', 'ZMQSocketException'],
        'VMCI_BUFFER_SIZE' => ['ZMQSocketException', 'ZMQSocketException'],
        'VMCI_BUFFER_MIN_SIZE' => ['ZMQSocketException', 'ZMQSocketException'],
        'VMCI_BUFFER_MAX_SIZE' => ['ZMQSocketException', 'ZMQSocketException'],
        'VMCI_CONNECT_TIMEOUT' => ['ZMQSocketException', 'ZMQSocketException'],
        // the library makes each bind's listener itself
        'USE_FD' => ['ZMQSocketException', -1],
        // SO_BINDTODEVICE needs CAP_NET_RAW, which a root test run has
        'BINDTODEVICE' => null,
    ];

    public function testEveryOptionBehavesAsOnTheExtension(): void
    {
        if (!self::extensionAvailable()) {
            $this->markTestSkipped('the php-zmq extension is not installed');
        }
        $runs = [];
        foreach ([true, false] as $extension) {
            [$out, $err, $status] = self::runPhp(self::PROBE, $extension);
            $this->assertSame(0, $status, $err);
            $runs[] = unserialize($out);
        }
        [$ext, $layer] = $runs;
        foreach ($ext as $name => [$set, $get]) {
            // php-zmq 1.1.3 built on libzmq 4 returns null from setSockOpt (but
            // for HWM), where its documentation promises the socket; the layer
            // returns the socket, which code written for either accepts
            if ($set === 'null') {
                $ext[$name][0] = 'ok';
            }
        }
        $this->assertSame(array_keys($ext), array_keys($layer));
        $this->assertGreaterThan(70, count($ext));
        foreach ($ext as $name => $result) {
            if (array_key_exists($name, self::DIFFERENCES)) {
                if (self::DIFFERENCES[$name] !== null) {
                    $this->assertSame(self::DIFFERENCES[$name], $layer[$name], "$name: the layer's documented result");
                }
                continue;
            }
            $this->assertSame($result, $layer[$name], "$name: [set, get] as on php-zmq");
        }
    }

    public function testOptionErrorsNameTheOption(): void
    {
        $s = self::socket(\ZMQ::SOCKET_PUSH);
        $e = self::assertThrowsCode(\ZMQSocketException::class, \ZMQ::ERR_INTERNAL, fn () => $s->setSockOpt(12345, 1));
        $this->assertSame('Unknown option key 12345', $e->getMessage());
        self::assertThrowsCode(\ZMQSocketException::class, \ZMQ::ERR_INTERNAL, fn () => $s->getSockOpt(12345));
        $e = self::assertThrowsCode(\ZMQSocketException::class, \ZMQ::ERR_INTERNAL, fn () => $s->setSockOpt(\ZMQ::SOCKOPT_TYPE, 1));
        $this->assertSame('Setting ZMQ::SOCKOPT_TYPE is not supported', $e->getMessage());
        $e = self::assertThrowsCode(\ZMQSocketException::class, 0, fn () => $s->setSockOpt(\ZMQ::SOCKOPT_SUBSCRIBE, ''));
        $this->assertSame('ZMQ::SOCKOPT_SUBSCRIBE is not valid for this socket type', $e->getMessage());
        $e = self::assertThrowsCode(\ZMQSocketException::class, 22, fn () => $s->setSockOpt(\ZMQ::SOCKOPT_LINGER, -9));
        $this->assertSame('Failed to set socket ZMQ::SOCKOPT_LINGER option: Invalid argument', $e->getMessage());
        $e = self::assertThrowsCode(\ZMQSocketException::class, 95, fn () => $s->getSockOpt(\ZMQ::SOCKOPT_XPUB_VERBOSE));
        $this->assertStringStartsWith('Failed to get the option ZMQ::SOCKOPT_XPUB_VERBOSE value: ', $e->getMessage());
    }

    public function testValuesAreConvertedAsPhpZmqConvertsThem(): void
    {
        $s = self::socket(\ZMQ::SOCKET_DEALER);
        $s->setSockOpt(\ZMQ::SOCKOPT_LINGER, '120');
        $this->assertSame(120, $s->getSockOpt(\ZMQ::SOCKOPT_LINGER));
        $s->setSockOpt(\ZMQ::SOCKOPT_IDENTITY, 77);
        $this->assertSame('77', $s->getSockOpt(\ZMQ::SOCKOPT_IDENTITY));
        $s->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, '250');
        $this->assertSame(250, $s->getSockOpt(\ZMQ::SOCKOPT_RCVTIMEO));
    }

    public function testSubscribeFiltersAndTheFdIsAStream(): void
    {
        [$pub, $sub] = self::pair(\ZMQ::SOCKET_PUB, \ZMQ::SOCKET_SUB);
        $sub->setSockOpt(\ZMQ::SOCKOPT_SUBSCRIBE, 'yes');
        $deadline = microtime(true) + 10;
        do {
            $pub->send('no: dropped')->send('yes: delivered');
            $got = $sub->recv(\ZMQ::MODE_DONTWAIT);
            usleep(2000);
        } while ($got === false && microtime(true) < $deadline);
        $this->assertSame('yes: delivered', $got);
        $fd = $sub->getSockOpt(\ZMQ::SOCKOPT_FD);
        $this->assertIsResource($fd);
        $this->assertSame('stream', get_resource_type($fd));
        $pub->send('yes: pending');
        $poll = new \ZMQPoll();
        $poll->add($sub, \ZMQ::POLL_IN);
        $r = $w = [];
        $this->assertSame(1, $poll->poll($r, $w, 5000));
        $this->assertSame(\ZMQ::POLL_IN, $sub->getSockOpt(\ZMQ::SOCKOPT_EVENTS) & \ZMQ::POLL_IN);
    }
}
