<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

use ZmqSocket\Library;

/**
 * ZMQSocket::send() and recv() (ZmqSocket\Compat\SocketMethods): the fast
 * path (a single string frame, mode 0) and every case it hands to the
 * layer, on each path this process has: with the zmqsocket_native
 * extension its internal methods, on the native path and with it switched
 * off (then they hand even the fast path's calls to the layer); without
 * the extension the PHP class, through FFI.
 */
final class MethodsTest extends CompatTestCase
{
    protected function tearDown(): void
    {
        Library::useNative(true);
    }

    /** @return array<string, array{bool}> */
    public static function paths(): array
    {
        $paths = ['native path on' => [true]];
        if (\function_exists('zmqsocket_native_attach')) {
            $paths['native path off'] = [false];
        }
        return $paths;
    }

    private static function use(bool $native): void
    {
        Library::useNative($native);
        if (!$native) {
            self::assertFalse(Library::native());
        }
    }

    /** @dataProvider paths */
    public function testSingleFramesOfEverySizeRoundTrip(bool $native): void
    {
        self::use($native);
        [$pull, $push] = self::pair(\ZMQ::SOCKET_PULL, \ZMQ::SOCKET_PUSH);
        $big = str_repeat('0123456789', 2000); // above the 16 KiB receive buffer
        foreach (['', 'x', str_repeat('y', 100), $big] as $frame) {
            $this->assertSame($push, $push->send($frame));
            $this->assertSame($frame, $pull->recv());
        }
        $this->assertSame($push, $push->send(42), 'a non-string message is sent as a string');
        $this->assertSame('42', $pull->recv(0));
    }

    /** @dataProvider paths */
    public function testTimeoutsAndDontwaitReturnFalse(bool $native): void
    {
        self::use($native);
        $pull = self::socket(\ZMQ::SOCKET_PULL, 30);
        self::bindAny($pull);
        $this->assertFalse($pull->recv(), 'RCVTIMEO ran out');
        $this->assertFalse($pull->recv(\ZMQ::MODE_DONTWAIT));
        $push = self::socket(\ZMQ::SOCKET_PUSH);
        $push->setSockOpt(\ZMQ::SOCKOPT_SNDTIMEO, 30);
        $this->assertFalse($push->send('nobody'), 'SNDTIMEO ran out: no peer');
        $this->assertFalse($push->send('nobody', \ZMQ::MODE_DONTWAIT));
    }

    /** @dataProvider paths */
    public function testSndmoreFramesAreHeldAndSentWithTheNextFrame(bool $native): void
    {
        self::use($native);
        [$pull, $push] = self::pair(\ZMQ::SOCKET_PULL, \ZMQ::SOCKET_PUSH);
        $this->assertSame($push, $push->send('a', \ZMQ::MODE_SNDMORE));
        $this->assertSame($push, $push->send('b'), 'mode 0 with a held frame: the layer sends both');
        $this->assertSame(['a', 'b'], $pull->recvMulti());
    }

    /** @dataProvider paths */
    public function testFailuresThrowSocketExceptions(bool $native): void
    {
        self::use($native);
        $pull = self::socket(\ZMQ::SOCKET_PULL);
        try {
            $pull->send('x');
            $this->fail('a PULL sent');
        } catch (\ZMQSocketException $e) {
            $this->assertStringStartsWith('Failed to send message', $e->getMessage());
        }
        $push = self::socket(\ZMQ::SOCKET_PUSH);
        try {
            $push->recv();
            $this->fail('a PUSH received');
        } catch (\ZMQSocketException $e) {
            $this->assertStringStartsWith('Failed to receive message', $e->getMessage());
        }
    }

    /** @dataProvider paths */
    public function testTheMethodsAreInternalWithTheExtension(bool $native): void
    {
        self::use($native);
        $internal = \function_exists('zmqsocket_native_attach');
        foreach (['send', 'recv'] as $m) {
            $r = new \ReflectionMethod(\ZMQSocket::class, $m);
            $this->assertSame($internal, $r->isInternal(), $m);
            $this->assertSame('ZmqSocket\Compat\SocketMethods', $r->getDeclaringClass()->getName());
            $mode = $r->getParameters()[$m === 'send' ? 1 : 0];
            $this->assertSame('mode', $mode->getName());
            $this->assertTrue($mode->isDefaultValueAvailable(), "$m's \$mode has a default");
            $this->assertSame(0, $mode->getDefaultValue());
        }
    }

    /** A subclass of ZMQSocket may use any name php-zmq's ZMQSocket leaves free (it has no properties). */
    public function testASubclassMayDeclareItsOwnState(): void
    {
        $ctx = self::context();
        $pull = new class ($ctx, \ZMQ::SOCKET_PULL) extends \ZMQSocket {
            public $s = 'mine';
            private $shared = 'mine too';

            public function layerSend($message, $mode): string
            {
                return 'mine as well';
            }

            public function mine(): array
            {
                return [$this->s, $this->shared, $this->layerSend('', 0)];
            }
        };
        $pull->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 5000);
        $push = self::socket(\ZMQ::SOCKET_PUSH);
        $push->connect(self::bindAny($pull));
        $push->send('through');
        $this->assertSame('through', $pull->recv());
        $this->assertSame(['mine', 'mine too', 'mine as well'], $pull->mine());
    }

    /** An unserialized socket state would reach a live socket by its handle: refused. */
    public function testASocketsStateIsNeverUnserialized(): void
    {
        $push = self::socket(\ZMQ::SOCKET_PUSH);
        $handle = (new \ReflectionProperty(\ZMQSocket::class, 'zmqsocketShared'))->getValue($push)->handle;
        $shared = 'O:29:"ZmqSocket\Compat\SharedSocket":2:{s:6:"native";b:1;s:6:"handle";i:' . $handle . ';}';
        $this->expectException(\LogicException::class);
        $this->expectExceptionMessage('Unserialization of ZmqSocket\Compat\SharedSocket is not allowed');
        unserialize('O:9:"ZMQSocket":1:{s:18:"' . "\0*\0" . 'zmqsocketShared";' . $shared . '}');
    }

    public function testASubclassThatSkipsTheConstructorGetsAnError(): void
    {
        $o = new class extends \ZMQSocket {
            public function __construct()
            {
            }
        };
        foreach ([fn () => $o->send('x'), fn () => $o->recv()] as $call) {
            try {
                $call();
                $this->fail('no error');
            } catch (\Error $e) {
                $this->assertStringContainsString('must not be accessed before initialization', $e->getMessage());
            }
        }
    }

    public function testTheExtensionsMethodsNeedTheLayersZmqSocket(): void
    {
        if (!\function_exists('zmqsocket_native_attach')) {
            $this->markTestSkipped('the zmqsocket_native extension is not loaded');
        }
        $o = new class extends \ZmqSocket\Compat\SocketMethods {
        };
        $this->expectException(\Error::class);
        $this->expectExceptionMessage('has no method zmqsocketSend(): ZmqSocket\Compat\SocketMethods is the parent of '
            . "the php-zmq layer's ZMQSocket only");
        $o->send('x');
    }

    /**
     * A frame longer than the receive buffer and than what memory_limit
     * leaves: PHP's own fatal error, as on php-zmq, on each path (with the
     * extension the frame is freed as the copy bails out), never a crash.
     */
    public function testAFrameAboveMemoryLimitIsPhpsMemoryError(): void
    {
        $code = '
            $ctx = new ZMQContext();
            $pull = $ctx->getSocket(ZMQ::SOCKET_PULL);
            $pull->bind("tcp://127.0.0.1:*");
            $push = $ctx->getSocket(ZMQ::SOCKET_PUSH);
            $push->connect($pull->getSockOpt(ZMQ::SOCKOPT_LAST_ENDPOINT));
            $push->send(str_repeat("x", 3 << 20));
            echo \ZmqSocket\Library::native() ? "native\n" : "ffi\n";
            ini_set("memory_limit", (string) (memory_get_usage(true) + (1 << 20)));
            $pull->recv();
            echo "received\n";';
        $runs = ['ffi' => self::runPhp($code, false)];
        $native = self::runLayerNative($code);
        if ($native !== null) {
            $runs['native'] = $native;
        }
        foreach ($runs as $path => [$out, $err, $status]) {
            $this->assertSame("$path\n", $out, "$path: $err");
            $this->assertSame(255, $status, "$path: $err");
            $this->assertStringContainsString('Allowed memory size', $err, $path);
        }
        $this->assertCount(\function_exists('zmqsocket_native_attach') ? 2 : 1, $runs, 'the extension was not found');
    }
}
