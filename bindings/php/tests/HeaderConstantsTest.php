<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use PHPUnit\Framework\TestCase;
use ZmqSocket\Event;
use ZmqSocket\Library;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/**
 * The binding's constants are the header's: every ZS_* constant of
 * include/zmqsocket_ffi.h has its PHP constant with the same value
 * (ZS_EVENT_X is Event::X), and
 * the exception's code table has nothing the header lacks. (The function
 * signatures come from the header itself, through FFI::cdef.)
 */
final class HeaderConstantsTest extends TestCase
{
    /** @return array<string, int> the header's ZS_* constants */
    private static function headerConstants(): array
    {
        $text = file_get_contents(Library::findHeader());
        self::assertIsString($text);
        // Declarations only: the comments' prose mentions values too.
        $text = preg_replace('~/\*.*?\*/~s', '', $text);
        preg_match_all('/\b(ZS_[A-Z0-9_]+) = (-?\d+)/', $text, $m, PREG_SET_ORDER);
        $consts = [];
        foreach ($m as [, $name, $value]) {
            $consts[$name] = (int) $value;
        }
        self::assertGreaterThanOrEqual(30, count($consts));
        return $consts;
    }

    /** The PHP constant that stands for header constant $name. */
    private static function phpConstant(string $name): string
    {
        if ($name === 'ZS_OK' || str_starts_with($name, 'ZS_ERR_')) {
            return ZmqSocketException::class . '::' . $name;
        }
        if (str_starts_with($name, 'ZS_EVENT_')) {
            return Event::class . '::' . substr($name, 9);
        }
        $short = substr($name, 3);
        if (defined(Socket::class . '::' . $short)) {
            return Socket::class . '::' . $short;
        }
        return Library::class . '::' . $short;
    }

    public function testEveryHeaderConstantHasItsValue(): void
    {
        foreach (self::headerConstants() as $name => $value) {
            $php = self::phpConstant($name);
            $this->assertTrue(defined($php), "$name has no PHP constant ($php)");
            $this->assertSame($value, constant($php), $name);
        }
    }

    public function testTheExceptionHasNoCodeTheHeaderLacks(): void
    {
        $header = self::headerConstants();
        $codes = (new \ReflectionClass(ZmqSocketException::class))->getConstants();
        foreach ($codes as $name => $value) {
            if (str_starts_with($name, 'ZS_')) {
                $this->assertArrayHasKey($name, $header, "$name is not in the header");
                $this->assertSame($header[$name], $value, $name);
            }
        }
    }
}
