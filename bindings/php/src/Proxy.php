<?php

declare(strict_types=1);

namespace ZmqSocket;

/**
 * A proxy with fault injection between clients and a service (SPEC
 * section 22), run by the library in its own thread. It binds $front,
 * connects to $service and forwards whole messages; fault() breaks the
 * traffic on request, deterministically for a given seed. Its handle is
 * from the socket table: Library::destroyAll() destroys it too, and
 * Library::socketCount() counts it.
 */
final class Proxy
{
    /** The counters of stats(), in struct zs_proxy_stats' order. */
    public const STATS_FIELDS = ['forwarded', 'dropped', 'duplicated', 'delayed', 'corrupted'];

    private int $handle;
    private int $port;
    private bool $destroyed = false;

    /**
     * Start a proxy for clients of $clientType (the type of the sockets
     * that connect to $front: PUSH, PULL, REQ, DEALER or SUB; another type
     * is ZS_ERR_NOT_SUPPORTED). $front is any endpoint bindEndpoint takes
     * ("tcp://127.0.0.1:0" picks a free port: getPort()), $service any
     * endpoint connectEndpoint takes.
     */
    public function __construct(int|string $clientType, string $front, string $service)
    {
        $ffi = Library::ffi();
        $out = $ffi->new('zs_socket');
        $this->port = Library::check($ffi->zs_proxy_new(
            Socket::typeNumber($clientType),
            Library::cstr($front, 'front'),
            Library::cstr($service, 'service'),
            \FFI::addr($out)
        ));
        $this->handle = $out->cdata;
    }

    public function __destruct()
    {
        if (!$this->destroyed) {
            $this->destroyed = true;
            try {
                Library::ffi()->zs_socket_destroy($this->handle);
            } catch (\Throwable) {
            }
        }
    }

    /** The library's handle (kept after destroy, then invalid). */
    public function getHandle(): int
    {
        return $this->handle;
    }

    /** The front's TCP port (0 for other transports). */
    public function getPort(): int
    {
        return $this->port;
    }

    /**
     * Replace the rules of $direction (Library::TOWARDS_SERVICE,
     * FROM_SERVICE or BOTH_WAYS): ";"-separated, e.g. "drop every 3;
     * delay 10ms..50ms; seed 42" ("" clears them; the grammar is at
     * zs_proxy_fault in include/zmqsocket.h). A malformed or repeated rule
     * is ZS_ERR_INVALID_ARGUMENT, naming it, and the rules in force stay.
     */
    public function fault(int $direction, string $rules): void
    {
        Library::check(Library::ffi()->zs_proxy_fault(
            $this->handle,
            Library::i32($direction, 'direction'),
            Library::cstr($rules, 'rules')
        ));
    }

    /**
     * Cut every connection of both sides now and refuse new ones for
     * $seconds (>= 0, rounded up to ms); then the proxy binds the same
     * front again and reconnects, and clients reconnect as libzmq does.
     */
    public function cut(float $seconds): void
    {
        // -1 (forever) becomes -1 ms, which the library refuses
        Library::check(Library::ffi()->zs_proxy_cut($this->handle, Library::durationMs($seconds, 'cut')));
    }

    /**
     * The counts since the proxy started: each STATS_FIELDS name =>
     * [towards the service, back from it].
     *
     * @return array<string, array{0: int, 1: int}>
     */
    public function stats(): array
    {
        $ffi = Library::ffi();
        $s = $ffi->new('struct zs_proxy_stats');
        Library::check($ffi->zs_proxy_stats_get($this->handle, \FFI::addr($s)));
        $out = [];
        foreach (self::STATS_FIELDS as $field) {
            $out[$field] = [$s->$field[0], $s->$field[1]];
        }
        return $out;
    }

    /**
     * Destroy the proxy (dropping the messages it holds). True if this
     * call destroyed it, false if it was already gone.
     */
    public function destroy(): bool
    {
        if ($this->destroyed) {
            return false;
        }
        $this->destroyed = true;
        $rc = Library::ffi()->zs_socket_destroy($this->handle);
        if ($rc === ZmqSocketException::ZS_ERR_BAD_HANDLE) {
            return false;
        }
        Library::check($rc);
        return true;
    }
}
