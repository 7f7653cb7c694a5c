<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Library;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/**
 * The optional zmqsocket_native extension (bindings/php/ext): its three
 * functions called directly, and Socket::send / Socket::recv through it
 * against the same calls through FFI. run-tests.sh runs the suite once
 * with the extension (ZS_EXPECT_NATIVE=1) and once without (=0);
 * testNativeIsInUseExactlyWhenExpected fails if either pass ran the other
 * way. The rest is skipped when the extension is not loaded.
 */
final class NativeTest extends ZmqTestCase
{
    protected function tearDown(): void
    {
        Library::useNative(true);
        parent::tearDown();
    }

    private function requireNative(): void
    {
        if (!\extension_loaded('zmqsocket_native')) {
            $this->markTestSkipped('the zmqsocket_native extension is not loaded');
        }
    }

    public function testNativeIsInUseExactlyWhenExpected(): void
    {
        $expect = getenv('ZS_EXPECT_NATIVE');
        if ($expect !== '0' && $expect !== '1') {
            $this->markTestSkipped('ZS_EXPECT_NATIVE is not set (run-tests.sh sets it)');
        }
        $this->assertSame($expect === '1', \extension_loaded('zmqsocket_native'));
        $this->assertSame($expect === '1', Library::native());
    }

    public function testAttachFindsOnlyTheLoadedLibraryAndKeepsIt(): void
    {
        $this->requireNative();
        $this->assertTrue(\zmqsocket_native_attach(Library::libraryPath()), 'again: the same library');
        $this->assertFalse(\zmqsocket_native_attach('/nonexistent/libzmqsocket.so'));
        $this->assertFalse(\zmqsocket_native_attach(''));
        $this->assertFalse(\zmqsocket_native_attach(Library::libraryPath() . "\0x"));
        // A copy of the library on disk (another file) is not loaded by
        // attach, and once FFI loaded it, attach still keeps the first.
        $copy = tempnam(sys_get_temp_dir(), 'zmqsocket-copy-') . '.so';
        $this->assertTrue(copy(Library::libraryPath(), $copy));
        try {
            $this->assertFalse(\zmqsocket_native_attach($copy), 'not loaded: not loaded by attach');
            $other = \FFI::cdef('const char *zs_version(void);', $copy);
            $this->assertStringStartsWith('zmqsocket', (string) $other->zs_version());
            $this->assertFalse(\zmqsocket_native_attach($copy), 'loaded, but not the library attached');
        } finally {
            @unlink($copy);
        }
        // The refused calls changed nothing: the native path still works,
        // on this library's handles.
        [$pull, $port] = $this->bound('PULL');
        $push = $this->connected('PUSH', $port);
        $this->assertSame(0, \zmqsocket_native_send($push->getHandle(), 'still here', 5000));
        $this->assertSame('still here', \zmqsocket_native_recv($pull->getHandle(), 5000));
    }

    public function testWithoutAttachTheFunctionsThrow(): void
    {
        $this->requireNative();
        $ext = getenv('ZMQSOCKET_PHP_EXT') ?: (\dirname(__DIR__, 3) . '/build/php/zmqsocket_native.so');
        $this->assertFileExists($ext);
        // A loaded library without zmqsocket's functions (libc) is refused
        // and leaves the extension unattached.
        $code = 'var_dump(zmqsocket_native_attach("libc.so.6"));'
            . ' foreach (["zmqsocket_native_send" => [1, "x", 0], "zmqsocket_native_recv" => [1, 0]] as $f => $a) {'
            . ' try { $f(...$a); echo "$f: no error\n"; } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; } }';
        $out = shell_exec(escapeshellarg(PHP_BINARY) . ' -n -d ' . escapeshellarg("extension=$ext") . ' -r ' . escapeshellarg($code) . ' 2>&1');
        $this->assertSame(
            "bool(false)\n"
            . "Error: zmqsocket_native_send(): not attached (call zmqsocket_native_attach first)\n"
            . "Error: zmqsocket_native_recv(): not attached (call zmqsocket_native_attach first)\n",
            $out
        );
    }

    public function testSendAndRecvFramesOfEverySize(): void
    {
        $this->requireNative();
        [$pull, $port] = $this->bound('PULL', 1000, 1000);
        $push = $this->connected('PUSH', $port, 1000, 1000);
        // Around the 16 KiB buffer: a longer frame comes through overflow.
        $payloads = ['', 'x', "nul\0inside", str_repeat("\xff\0", 50), str_repeat('y', 16384),
            str_repeat('w', 16385), str_repeat('z', 70000)];
        foreach ($payloads as $p) {
            $this->assertSame(0, \zmqsocket_native_send($push->getHandle(), $p, 5000));
        }
        foreach ($payloads as $p) {
            $this->assertSame($p, \zmqsocket_native_recv($pull->getHandle(), 5000));
        }
        // One frame per call, as zs_recv: a multi-part message comes apart.
        $push->sendMulti(['a', '', 'c']);
        $this->assertSame('a', \zmqsocket_native_recv($pull->getHandle(), 5000));
        $this->assertSame('', \zmqsocket_native_recv($pull->getHandle(), 5000));
        $this->assertSame('c', \zmqsocket_native_recv($pull->getHandle(), 5000));
    }

    public function testFailuresReturnTheCodeAndSetTheLastError(): void
    {
        $this->requireNative();
        [$pull, $port] = $this->bound('PULL');
        $push = $this->connected('PUSH', $port);
        $this->assertSame(ZmqSocketException::ZS_ERR_BAD_HANDLE, \zmqsocket_native_send(0, 'x', 0));
        $this->assertStringContainsString('zs_send', Library::lastError());
        $this->assertStringContainsString('socket 0', Library::lastError());
        $gone = new Socket('PUSH');
        $h = $gone->getHandle();
        $gone->destroy();
        $this->assertSame(ZmqSocketException::ZS_ERR_BAD_HANDLE, \zmqsocket_native_recv($h, 0));
        $this->assertStringContainsString('zs_recv', Library::lastError());
        $this->assertStringContainsString("socket $h", Library::lastError());
        $this->assertSame(ZmqSocketException::ZS_ERR_BAD_HANDLE, \zmqsocket_native_recv(-1, 0));
        $this->assertSame(ZmqSocketException::ZS_ERR_TIMED_OUT, \zmqsocket_native_recv($pull->getHandle(), 0));
        $this->assertSame(ZmqSocketException::ZS_ERR_TIMED_OUT, Library::lastErrorCode());
        $this->assertStringContainsString('zs_recv_packed', Library::lastError());
        $this->assertSame(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, \zmqsocket_native_recv($push->getHandle(), 0));
        $this->assertSame(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, \zmqsocket_native_send($pull->getHandle(), 'x', 0));
        $this->assertSame(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, \zmqsocket_native_send($push->getHandle(), 'x', -3));
        $this->assertStringContainsString('timeout_ms -3', Library::lastError());
        // Success leaves the last error alone (SPEC 3), and nothing was
        // queued or lost by the failures.
        $failure = Library::lastError();
        $this->assertSame(0, \zmqsocket_native_send($push->getHandle(), 'after', 5000));
        $this->assertSame('after', \zmqsocket_native_recv($pull->getHandle(), 5000));
        $this->assertSame($failure, Library::lastError());
        $this->assertSame(ZmqSocketException::ZS_ERR_TIMED_OUT, \zmqsocket_native_recv($pull->getHandle(), 0));
    }

    public function testBadPhpArgumentsThrowBeforeTheLibrary(): void
    {
        $this->requireNative();
        [$pull] = $this->bound('PULL');
        foreach ([[2 ** 31, 'zmqsocket_native_send'], [-(2 ** 31) - 1, 'zmqsocket_native_recv']] as [$t, $fn]) {
            try {
                $fn === 'zmqsocket_native_send'
                    ? \zmqsocket_native_send($pull->getHandle(), 'x', $t)
                    : \zmqsocket_native_recv($pull->getHandle(), $t);
                $this->fail("$fn accepted timeout $t");
            } catch (\ValueError $e) {
                $this->assertStringContainsString("$fn(): timeout_ms $t is outside int32", $e->getMessage());
            }
        }
        try {
            \zmqsocket_native_send($pull->getHandle(), 5, 0);
            $this->fail('an int as data');
        } catch (\TypeError $e) {
            $this->assertStringContainsString('zmqsocket_native_send', $e->getMessage());
        }
        try {
            \zmqsocket_native_recv('1', 0);
            $this->fail('a string as socket');
        } catch (\TypeError $e) {
            $this->assertStringContainsString('zmqsocket_native_recv', $e->getMessage());
        }
    }

    /** Sockets made with the native path on and off talk to each other alike. */
    public function testSocketSendAndRecvAgreeWithAndWithoutIt(): void
    {
        $this->requireNative();
        $this->assertTrue(Library::useNative(true));
        [$nativePull, $port1] = $this->bound('PULL', 1000, 1000);
        $nativePush = $this->socket('PUSH');
        $this->assertFalse(Library::useNative(false));
        $this->assertFalse(Library::native());
        [$ffiPull, $port2] = $this->bound('PULL', 1000, 1000);
        $ffiPush = $this->connected('PUSH', $port1, 1000, 1000);
        $nativePush->connectToHost('localhost', $port2, 1000, 1000);
        $messages = ['', 'one', "t\0wo", str_repeat('3', 20000)];
        foreach ($messages as $m) {
            $ffiPush->send($m, 5.0);
            $nativePush->send($m, 5.0);
        }
        foreach ($messages as $m) {
            $this->assertSame($m, $nativePull->recv(5.0));
            $this->assertSame($m, $ffiPull->recv(5.0));
        }
        // The same failures give the same exceptions, word for word but for
        // the socket's handle.
        $same = function (int $code, callable $native, callable $ffi, Socket $n, Socket $f): void {
            $e1 = $this->assertZsError($code, $native);
            $e2 = $this->assertZsError($code, $ffi);
            $this->assertSame(
                str_replace('socket ' . $f->getHandle(), 'socket H', $e2->getMessage()),
                str_replace('socket ' . $n->getHandle(), 'socket H', $e1->getMessage())
            );
        };
        $same(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $nativePull->recv(0.0), fn () => $ffiPull->recv(0.0), $nativePull, $ffiPull);
        $same(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $nativePull->send('x', 0.0), fn () => $ffiPull->send('x', 0.0), $nativePull, $ffiPull);
        $same(ZmqSocketException::ZS_ERR_NOT_SUPPORTED, fn () => $nativePush->recv(0.0), fn () => $ffiPush->recv(0.0), $nativePush, $ffiPush);
        $nativePull->destroy();
        $ffiPull->destroy();
        $same(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $nativePull->recv(1.0), fn () => $ffiPull->recv(1.0), $nativePull, $ffiPull);
        $this->assertTrue(Library::useNative(true));
    }
}
