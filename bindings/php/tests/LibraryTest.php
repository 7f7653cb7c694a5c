<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Hosts;
use ZmqSocket\Library;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

final class LibraryTest extends ZmqTestCase
{
    public function testLoadsTheCheckoutsLibrary(): void
    {
        $this->assertInstanceOf(\FFI::class, Library::ffi());
        $this->assertSame(Library::ffi(), Library::ffi(), 'loaded once');
        if (getenv('ZMQSOCKET_LIB') === false || getenv('ZMQSOCKET_LIB') === '') {
            $this->assertSame(realpath(__DIR__ . '/../../../target/release/libzmqsocket.so'), Library::libraryPath());
        }
        $this->assertFileExists(Library::findHeader());
        $this->assertMatchesRegularExpression('/^zmqsocket \d+\.\d+\.\d+ \(libzmq \d+\.\d+\.\d+, CURVE\)$/', Library::version());
    }

    public function testConstantsMatchTheHeader(): void
    {
        $ffi = Library::ffi();
        $constants = (new \ReflectionClass(ZmqSocketException::class))->getConstants();
        $this->assertCount(19, $constants);
        foreach ($constants as $name => $value) {
            $this->assertSame($ffi->$name, $value, $name);
        }
        foreach (Socket::TYPE_NAMES as $value => $name) {
            $this->assertSame($ffi->{'ZS_' . $name}, $value, $name);
            $this->assertSame($value, constant(Socket::class . '::' . $name));
        }
        $this->assertSame($ffi->ZS_TIMEOUT_FOREVER, Library::TIMEOUT_FOREVER);
        $this->assertSame($ffi->ZS_TIMEOUT_DEFAULT, Library::TIMEOUT_DEFAULT);
        $this->assertSame($ffi->ZS_HWM_DEFAULT, Library::HWM_DEFAULT);
        $this->assertSame($ffi->ZS_SEQUENCED, Library::SEQUENCED);
        $this->assertSame($ffi->ZS_SCHED_BATCH, Library::SCHED_BATCH);
    }

    public function testStrerrorAndNames(): void
    {
        $this->assertNotSame('', Library::strerror(ZmqSocketException::ZS_ERR_TIMED_OUT));
        $this->assertSame('unknown error code', Library::strerror(-12345));
        $this->assertSame('ZS_ERR_TIMED_OUT', ZmqSocketException::nameOf(-5));
        $this->assertSame('ZS_ERR_UNKNOWN(-77)', ZmqSocketException::nameOf(-77));
        $e = new ZmqSocketException('x', ZmqSocketException::ZS_ERR_IO);
        $this->assertInstanceOf(\RuntimeException::class, $e);
        $this->assertSame('ZS_ERR_IO', $e->getName());
    }

    public function testExceptionCarriesLastError(): void
    {
        $e = $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => new Socket('NOPE'));
        $this->assertSame(Library::lastError(), $e->getMessage());
        $this->assertSame(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, Library::lastErrorCode());
        $this->assertStringContainsString('NOPE', $e->getMessage());
    }

    public function testSocketTypeFromName(): void
    {
        $expect = [
            'PAIR' => 0, 'pub' => 1, 'Sub' => 2, 'REQ' => 3, 'REP' => 4, 'DEALER' => 5, 'XREQ' => 5,
            'ROUTER' => 6, 'xrep' => 6, 'PULL' => 7, 'UPSTREAM' => 7, 'PUSH' => 8, 'DOWNSTREAM' => 8,
            'XPUB' => 9, 'XSUB' => 10,
        ];
        foreach ($expect as $name => $type) {
            $this->assertSame($type, Library::socketTypeFromName($name), $name);
        }
        $this->assertZsError(ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE, fn () => Library::socketTypeFromName('PUSHY'));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Library::socketTypeFromName("PU\0SH"));
    }

    public function testDurations(): void
    {
        $this->assertSame(Library::TIMEOUT_DEFAULT, Library::timeoutMs(null));
        $this->assertSame(Library::TIMEOUT_FOREVER, Library::timeoutMs(-1));
        $this->assertSame(Library::TIMEOUT_FOREVER, Library::timeoutMs(INF));
        $this->assertSame(0, Library::timeoutMs(0));
        $this->assertSame(700, Library::timeoutMs(0.7));
        $this->assertSame(2, Library::timeoutMs(0.0011));
        $this->assertSame(1, Library::timeoutMs(0.0000001));
        $this->assertSame(5000, Library::timeoutMs(5));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Library::timeoutMs(-0.5));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Library::timeoutMs(-2));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Library::timeoutMs(NAN));
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Library::timeoutMs(3e6));
    }

    public function testSetDefaultTimeoutAppliesToNullTimeouts(): void
    {
        [$pull] = $this->bound('PULL');
        Library::setDefaultTimeout(0.2);
        $t = microtime(true);
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $pull->recv());
        $elapsed = microtime(true) - $t;
        $this->assertGreaterThanOrEqual(0.15, $elapsed);
        $this->assertLessThan(3.0, $elapsed);
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Library::setDefaultTimeout(-3));
    }

    public function testSocketCountAndDestroyAll(): void
    {
        Library::destroyAll();
        $this->assertSame(0, Library::socketCount());
        $a = new Socket('PUSH');
        $b = new Socket('PULL');
        $this->assertSame(2, Library::socketCount());
        $this->assertSame(2, Library::destroyAll());
        $this->assertSame(0, Library::socketCount());
        // the objects now hold dead handles: destroy() says so, and use throws
        $this->assertFalse($a->destroy());
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $b->getType());
        unset($b); // __destruct ignores ZS_ERR_BAD_HANDLE
        $c = new Socket('PUSH');
        $this->assertSame(1, Library::socketCount());
        unset($c);
        $this->assertSame(0, Library::socketCount(), '__destruct destroys');
    }

    public function testSetBindInterface(): void
    {
        try {
            Library::setBindInterface('*');
            $s = $this->socket('PULL');
            $port = $s->bindToPort(0);
            $bind = $s->getEndpoints()['bind'];
            $this->assertCount(1, $bind);
            $this->assertMatchesRegularExpression('~^tcp://(\[::\]|0\.0\.0\.0):' . $port . '$~', $bind[0]);
        } finally {
            Library::setBindInterface('127.0.0.1');
        }
        $s2 = $this->socket('PULL');
        $port2 = $s2->bindToPort(0);
        $this->assertSame(['bind' => ["tcp://127.0.0.1:$port2"], 'connect' => []], $s2->getEndpoints());
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => Library::setBindInterface(''));
    }

    public function testFlushesQueuedMessagesAtExit(): void
    {
        // A child process connects, sends, and exits at once: the shutdown
        // function's zs_destroy_all() must flush the message to us.
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $bootstrap = var_export(realpath(__DIR__ . '/bootstrap.php'), true);
        $code = 'require ' . $bootstrap . ';
            $s = (new ZmqSocket\Context())->connectToHost("localhost", ' . $port . ', "PUSH");
            $s->sendMulti(["bye", "\0"]);
            echo "sent";';
        $cmd = escapeshellarg(PHP_BINARY) . ' -d ffi.enable=1 -r ' . escapeshellarg($code) . ' 2>&1';
        exec($cmd, $out, $rc);
        $this->assertSame(0, $rc, implode("\n", $out));
        $this->assertSame('sent', implode("\n", $out));
        $this->assertSame(['bye', "\0"], $this->peerRecvMulti($pull));
    }
}
