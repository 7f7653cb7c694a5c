<?php

declare(strict_types=1);

namespace ZmqSocket;

/**
 * The loaded C library (one FFI instance per process) and the library-wide
 * functions.
 *
 * The library is $ZMQSOCKET_LIB, else the checkout's
 * target/release/libzmqsocket.so (three directories above src/) if it
 * exists, else "libzmqsocket.so" (found by the dynamic linker). The header
 * is $ZMQSOCKET_FFI_HEADER, else the checkout's include/zmqsocket_ffi.h.
 *
 * @internal the conversion helpers (timeoutMs, i32, check...) are for this
 *           package's classes
 */
final class Library
{
    public const TIMEOUT_FOREVER = -1;
    public const TIMEOUT_DEFAULT = -2;
    public const HWM_DEFAULT = -1;
    public const SEQUENCED = 1;
    /** pump/drain: the calling thread runs under SCHED_BATCH for the call (see Socket::pump). */
    public const SCHED_BATCH = 2;
    /** zs_proxy_fault: traffic from the client towards the service. */
    public const TOWARDS_SERVICE = 1;
    /** zs_proxy_fault: traffic from the service back to the client. */
    public const FROM_SERVICE = 2;
    /** zs_proxy_fault: both directions. */
    public const BOTH_WAYS = 3;

    private const INT32_MIN = -2147483648;
    private const INT32_MAX = 2147483647;

    private static ?\FFI $ffi = null;
    private static ?string $libraryPath = null;
    // Whether Socket::send / Socket::recv use the zmqsocket_native PHP
    // extension (bindings/php/ext) instead of FFI; see useNative().
    private static bool $native = false;
    private static bool $nativeAttached = false;
    private static float $lastTimeout = NAN;
    private static int $lastTimeoutMs = 0;

    /** The FFI instance, loading the library the first time. */
    public static function ffi(): \FFI
    {
        if (self::$ffi === null) {
            self::load();
        }
        return self::$ffi;
    }

    /** The path (or bare name) the library was loaded from. */
    public static function libraryPath(): string
    {
        self::ffi();
        return self::$libraryPath;
    }

    public static function findLibrary(): string
    {
        $env = getenv('ZMQSOCKET_LIB');
        if (is_string($env) && $env !== '') {
            return $env;
        }
        $built = realpath(__DIR__ . '/../../../target/release/libzmqsocket.so');
        if ($built !== false && is_file($built)) {
            return $built;
        }
        return 'libzmqsocket.so';
    }

    public static function findHeader(): string
    {
        $env = getenv('ZMQSOCKET_FFI_HEADER');
        if (is_string($env) && $env !== '') {
            return $env;
        }
        return __DIR__ . '/../../../include/zmqsocket_ffi.h';
    }

    private static function load(): void
    {
        if (!extension_loaded('ffi')) {
            throw new ZmqSocketException(
                'zmqsocket: the PHP FFI extension is not loaded',
                ZmqSocketException::ZS_ERR_INTERNAL
            );
        }
        $header = self::findHeader();
        $cdef = @file_get_contents($header);
        if ($cdef === false) {
            throw new ZmqSocketException(
                "zmqsocket: cannot read the FFI header $header (set ZMQSOCKET_FFI_HEADER)",
                ZmqSocketException::ZS_ERR_IO
            );
        }
        $lib = self::findLibrary();
        try {
            $ffi = \FFI::cdef($cdef, $lib);
        } catch (\Throwable $e) {
            throw new ZmqSocketException(
                "zmqsocket: cannot load $lib with $header: " . $e->getMessage()
                . ' (set ZMQSOCKET_LIB, or build it: make lib; FFI needs ffi.enable=1 outside the CLI)',
                ZmqSocketException::ZS_ERR_IO,
                $e
            );
        }
        self::$ffi = $ffi;
        self::$libraryPath = $lib;
        // The optional native per-message path: the extension attaches to
        // the library FFI just loaded (the same one, by the same name).
        if (\function_exists('zmqsocket_native_attach')) {
            self::$nativeAttached = \zmqsocket_native_attach($lib);
            self::$native = self::$nativeAttached;
        }
        // Flush what is queued (up to each socket's linger) before the
        // process ends. Shutdown functions run before objects are destroyed,
        // so Socket::__destruct then just meets ZS_ERR_BAD_HANDLE.
        register_shutdown_function(static function (): void {
            try {
                self::$ffi?->zs_destroy_all();
            } catch (\Throwable) {
            }
        });
    }

    /**
     * True when Sockets made from now on send and receive single frames
     * (Socket::send, Socket::recv) through the zmqsocket_native extension:
     * it is loaded (php -d extension=.../zmqsocket_native.so), attached to
     * this library, and not switched off with useNative(false). The
     * results are the same either way; the native call costs less.
     */
    public static function native(): bool
    {
        self::ffi();
        return self::$native;
    }

    /**
     * Switch the native per-message path on (when attached) or off for
     * Sockets made from now on; returns native() after the switch.
     */
    public static function useNative(bool $on): bool
    {
        self::ffi();
        self::$native = $on && self::$nativeAttached;
        return self::$native;
    }

    // ---------------------------------------------------------------------
    // Library-wide functions
    // ---------------------------------------------------------------------

    /** "zmqsocket X.Y.Z (libzmq A.B.C)". */
    public static function version(): string
    {
        return (string) self::ffi()->zs_version();
    }

    /** Static English text for a result code. */
    public static function strerror(int $code): string
    {
        return (string) self::ffi()->zs_strerror(self::i32($code, 'code'));
    }

    /** The calling thread's last error text ("" before any failure). */
    public static function lastError(): string
    {
        return (string) self::ffi()->zs_last_error();
    }

    /** The calling thread's last error code (0 before any failure). */
    public static function lastErrorCode(): int
    {
        return self::ffi()->zs_last_error_code();
    }

    /** The number of sockets alive now. */
    public static function socketCount(): int
    {
        return self::check(self::ffi()->zs_socket_count());
    }

    /**
     * Destroy every socket and wait until their queued messages have left or
     * their lingers ran out; returns how many were destroyed. Runs at exit.
     */
    public static function destroyAll(): int
    {
        return self::check(self::ffi()->zs_destroy_all());
    }

    /** What a null timeout means from now on (seconds; -1 = forever, 0 = try once). */
    public static function setDefaultTimeout(float $seconds): void
    {
        self::check(self::ffi()->zs_set_default_timeout(self::durationMs($seconds, 'default timeout')));
    }

    /** Where bindToPort listens from now on: "*", "127.0.0.1", "::1", "lo"... */
    public static function setBindInterface(string $iface): void
    {
        self::check(self::ffi()->zs_set_bind_interface(self::cstr($iface, 'interface')));
    }

    /** The type number of a name ("PUSH", "pull", "XREQ"...), case-insensitive. */
    public static function socketTypeFromName(string $name): int
    {
        return self::check(self::ffi()->zs_socket_type_from_name(self::cstr($name, 'socket type name')));
    }

    // ---------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------

    /** A negative result throws; anything else is returned. */
    public static function check(int $rc): int
    {
        if ($rc < 0) {
            throw ZmqSocketException::fromLastError($rc);
        }
        return $rc;
    }

    /** A false bool result throws unless the last error's code is in $accept. */
    public static function checkBool(bool $ok, array $accept = []): bool
    {
        if ($ok) {
            return true;
        }
        $code = self::ffi()->zs_last_error_code();
        if (in_array($code, $accept, true)) {
            return false;
        }
        throw ZmqSocketException::fromLastError($code);
    }

    /**
     * pump/drain's $sequenced argument to zs_bulk_flags: true/false, or the
     * flags as an int (SEQUENCED, SCHED_BATCH); the library rejects
     * unknown bits.
     */
    public static function bulkFlags(bool|int $sequenced): int
    {
        if (is_bool($sequenced)) {
            return $sequenced ? self::SEQUENCED : 0;
        }
        if ($sequenced < 0 || $sequenced > 0xFFFFFFFF) {
            throw ZmqSocketException::invalidArgument("flags: $sequenced does not fit in uint32");
        }
        return $sequenced;
    }

    public static function i32(int $value, string $what): int
    {
        if ($value < self::INT32_MIN || $value > self::INT32_MAX) {
            throw ZmqSocketException::invalidArgument("$what: $value does not fit in int32");
        }
        return $value;
    }

    /** A string for a `const char *` argument: no NUL bytes, valid UTF-8. */
    public static function cstr(string $value, string $what): string
    {
        if (str_contains($value, "\0")) {
            throw ZmqSocketException::invalidArgument("$what: contains a NUL byte");
        }
        return $value;
    }

    /**
     * Seconds to whole milliseconds, rounding up; -1 or INF = forever.
     * Other negatives, NaN and values beyond int32 ms are
     * ZS_ERR_INVALID_ARGUMENT.
     */
    public static function durationMs(float $seconds, string $what): int
    {
        if (is_nan($seconds)) {
            throw ZmqSocketException::invalidArgument("$what: NaN is not a duration");
        }
        if ($seconds == -1.0 || $seconds === INF) {
            return self::TIMEOUT_FOREVER;
        }
        if ($seconds < 0) {
            throw ZmqSocketException::invalidArgument(
                "$what: $seconds s (only -1 = forever may be negative)"
            );
        }
        // round away float noise first (0.7 * 1000 = 700.0000000000001)
        $ms = ceil(round($seconds * 1000.0, 6));
        if ($ms > self::INT32_MAX) {
            throw ZmqSocketException::invalidArgument("$what: $seconds s is longer than the library's int32 ms");
        }
        return (int) $ms;
    }

    /**
     * A per-call timeout: null = the library default (5 s unless changed).
     * The last conversion is kept: a caller passing the same timeout on
     * every call pays for it once.
     */
    public static function timeoutMs(?float $seconds): int
    {
        if ($seconds === null) {
            return self::TIMEOUT_DEFAULT;
        }
        if ($seconds === self::$lastTimeout) { // never true for NaN
            return self::$lastTimeoutMs;
        }
        $ms = self::durationMs($seconds, 'timeout');
        self::$lastTimeout = $seconds;
        self::$lastTimeoutMs = $ms;
        return $ms;
    }

    /**
     * A binary-safe copy of $data in a C buffer owned by PHP (freed with the
     * returned CData), or null for "".
     */
    public static function buffer(string $data): ?\FFI\CData
    {
        $n = strlen($data);
        if ($n === 0) {
            return null;
        }
        $buf = self::ffi()->new("char[$n]");
        \FFI::memcpy($buf, $data, $n);
        return $buf;
    }

    /**
     * A zs_frame array for a list of strings: [frames CData or null, count,
     * keep-alive buffers]. Keep the third element alive during the call.
     *
     * @param array<string> $frames
     * @return array{0: ?\FFI\CData, 1: int, 2: array}
     */
    public static function frames(array $frames): array
    {
        $count = count($frames);
        if ($count === 0) {
            return [null, 0, []];
        }
        $arr = self::ffi()->new("struct zs_frame[$count]");
        $keep = [];
        $i = 0;
        foreach ($frames as $frame) {
            if (!is_string($frame)) {
                throw new \TypeError(sprintf('frame %d must be a string, not %s', $i, get_debug_type($frame)));
            }
            $buf = self::buffer($frame);
            if ($buf !== null) {
                $keep[] = $buf;
                $arr[$i]->data = \FFI::addr($buf[0]);
            }
            $arr[$i]->len = strlen($frame);
            $i++;
        }
        return [$arr, $count, $keep];
    }

    /**
     * Copy out the frames of a message a zs_recv* call filled, then free it
     * ($ptr: \FFI::addr($msg) if the caller has it at hand). Returns null
     * when $rc is in $nullOn; throws for other failures.
     *
     * @return ?array<string>
     */
    public static function take(int $rc, \FFI\CData $msg, array $nullOn = [], ?\FFI\CData $ptr = null): ?array
    {
        if ($rc < 0) {
            // a failed receive leaves the struct empty: nothing to free
            if (in_array($rc, $nullOn, true)) {
                return null;
            }
            throw ZmqSocketException::fromLastError($rc);
        }
        try {
            $out = [];
            $count = $msg->count;
            $frames = $msg->frames;
            for ($i = 0; $i < $count; $i++) {
                $frame = $frames[$i];
                $len = $frame->len;
                $out[] = $len > 0 ? \FFI::string($frame->data, $len) : '';
            }
            return $out;
        } finally {
            self::$ffi->zs_message_free($ptr ?? \FFI::addr($msg));
        }
    }

    /** Call an snprintf-style $fill(?CData $buf, int $cap) until the buffer is big enough. */
    public static function readString(callable $fill): string
    {
        $need = self::check($fill(null, 0));
        while (true) {
            $cap = $need + 1;
            $buf = self::ffi()->new("char[$cap]");
            $n = self::check($fill($buf, $cap));
            if ($n <= $need) {
                return $n > 0 ? \FFI::string($buf, $n) : '';
            }
            $need = $n;
        }
    }
}
