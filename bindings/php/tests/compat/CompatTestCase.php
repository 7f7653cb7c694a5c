<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

use PHPUnit\Framework\TestCase;

/**
 * Helpers for the php-zmq layer's tests: sockets on loopback ports picked
 * by the system, and PHP subprocesses that run code on the real php-zmq
 * extension.
 */
abstract class CompatTestCase extends TestCase
{
    protected function setUp(): void
    {
        $this->assertFalse((new \ReflectionClass('ZMQSocket'))->isInternal(), 'the layer, not the extension');
    }

    protected static function context(): \ZMQContext
    {
        return new \ZMQContext(1, false);
    }

    /** A layer socket, linger 0, with $rcvtimeo ms receive timeout. */
    protected static function socket(int $type, int $rcvtimeo = 5000): \ZMQSocket
    {
        $s = self::context()->getSocket($type);
        $s->setSockOpt(\ZMQ::SOCKOPT_LINGER, 0);
        $s->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, $rcvtimeo);
        return $s;
    }

    /** Bind $s to a free loopback port; returns "tcp://127.0.0.1:<port>". */
    protected static function bindAny(\ZMQSocket $s): string
    {
        $s->bind('tcp://127.0.0.1:*');
        $ep = $s->getSockOpt(\ZMQ::SOCKOPT_LAST_ENDPOINT);
        self::assertMatchesRegularExpression('~^tcp://127\.0\.0\.1:\d+$~', $ep);
        return $ep;
    }

    /** A connected [bound, connected] pair of $bindType / $connectType. */
    protected static function pair(int $bindType, int $connectType): array
    {
        $a = self::socket($bindType);
        $b = self::socket($connectType);
        $b->connect(self::bindAny($a));
        return [$a, $b];
    }

    /** Whether the php-zmq extension can run in a subprocess here. */
    protected static function extensionAvailable(): bool
    {
        static $ok = null;
        return $ok ??= trim(self::runPhp('echo extension_loaded("zmq") ? "yes" : "no";', true)[0]) === 'yes';
    }

    /**
     * Run $code in a new php process: with the zmq extension ($extension),
     * or with the layer and without it. Returns [stdout, stderr, status].
     * $stdin is written to the process first.
     */
    protected static function runPhp(string $code, bool $extension, string $stdin = ''): array
    {
        $env = getenv();
        if ($extension) {
            unset($env['PHP_INI_SCAN_DIR']); // Debian's php loads every extension, zmq too
            $argv = [PHP_BINARY, '-d', 'ffi.enable=1', '-r', $code];
        } else {
            // (auto_prepend_file does not apply to -r)
            $boot = var_export(realpath(__DIR__ . '/../../compat/bootstrap.php'), true);
            $argv = [__DIR__ . '/../../compat/php-nozmq', '-r', "require $boot; $code"];
        }
        $p = proc_open($argv, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        self::assertIsResource($p);
        fwrite($pipes[0], $stdin);
        fclose($pipes[0]);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [$out, $err, proc_close($p)];
    }

    /**
     * Run $code on the layer as runPhp($code, false) does, with the
     * zmqsocket_native extension loaded: [stdout, stderr, status], or null
     * when this process has not loaded the extension (or its file, at
     * $ZMQSOCKET_PHP_EXT or build/php, is not there).
     */
    protected static function runLayerNative(string $code): ?array
    {
        $ext = getenv('ZMQSOCKET_PHP_EXT') ?: (\dirname(__DIR__, 4) . '/build/php/zmqsocket_native.so');
        if (!\function_exists('zmqsocket_native_attach') || !is_file($ext)) {
            return null;
        }
        $boot = var_export(realpath(__DIR__ . '/../../compat/bootstrap.php'), true);
        $p = proc_open(
            [__DIR__ . '/../../compat/php-nozmq', '-d', "extension=$ext", '-r', "require $boot; $code"],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes
        );
        self::assertIsResource($p);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [$out, $err, proc_close($p)];
    }

    /** Start $code in the extension's php; returns [process, stdout pipe]. The caller waits with finish(). */
    protected static function startExtension(string $code, string ...$args): array
    {
        $env = getenv();
        unset($env['PHP_INI_SCAN_DIR']);
        $p = proc_open([PHP_BINARY, '-r', $code, '--', ...$args], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        self::assertIsResource($p);
        fclose($pipes[0]);
        return [$p, $pipes];
    }

    /** Wait for a process startExtension() made: [stdout, stderr, status]. */
    protected static function finish(array $proc): array
    {
        [$p, $pipes] = $proc;
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [$out, $err, proc_close($p)];
    }

    /** Assert $fn throws $class with $code; returns the exception. */
    protected static function assertThrowsCode(string $class, int $code, callable $fn): \Throwable
    {
        try {
            $fn();
        } catch (\Throwable $e) {
            self::assertInstanceOf($class, $e, (string) $e);
            self::assertSame($code, $e->getCode(), $e->getMessage());
            return $e;
        }
        self::fail("expected $class ($code)");
    }
}
