<?php

declare(strict_types=1);

namespace ZmqSocket;

/**
 * One connection event of a socket (Socket::nextEvent): what libzmq's
 * monitor reported, as the library logged it.
 */
final class Event
{
    /** A connect completed at the TCP level; value: the descriptor. */
    public const CONNECTED = 1;
    /** A connect did not complete at once and goes on in the background. */
    public const CONNECT_DELAYED = 2;
    /** A connect is retried; value: the interval in ms. */
    public const CONNECT_RETRIED = 4;
    /** A bind listens; value: the listening descriptor. */
    public const LISTENING = 8;
    /** Never logged (the failed bind call says so itself). */
    public const BIND_FAILED = 16;
    /** A connection was accepted on a bind; value: the descriptor. */
    public const ACCEPTED = 32;
    /** An accept failed; value: errno. */
    public const ACCEPT_FAILED = 64;
    /** A descriptor was closed; value: the descriptor. */
    public const CLOSED = 128;
    /** A close failed; value: errno. */
    public const CLOSE_FAILED = 256;
    /** A session ended (the peer went, or the connection broke). */
    public const DISCONNECTED = 512;
    /** The socket's monitor stopped. */
    public const MONITOR_STOPPED = 1024;
    /** A ZMTP handshake failed for no reason libzmq names. */
    public const HANDSHAKE_FAILED_NO_DETAIL = 2048;
    /** A ZMTP handshake (and its authentication) succeeded: a live session. */
    public const HANDSHAKE_SUCCEEDED = 4096;
    /** A ZMTP handshake failed on a protocol error; value: libzmq's ZMQ_PROTOCOL_ERROR_* code. */
    public const HANDSHAKE_FAILED_PROTOCOL = 8192;
    /** Authentication refused the peer; value: the ZAP status (400 refused, 500 handler failed). */
    public const HANDSHAKE_FAILED_AUTH = 16384;
    /** Older unread events were dropped (the log keeps the latest 1024); value: how many. */
    public const LOST = 16777216;

    /** One of the constants above. */
    public readonly int $kind;
    /** The kind's name, e.g. "ACCEPTED" ("UNKNOWN(n)" for a kind this class lacks). */
    public readonly string $name;
    /** As libzmq gives it: a descriptor, errno, a retry interval, a status code; LOST: how many. */
    public readonly int $value;
    /** When the library read the event: CLOCK_MONOTONIC, microseconds. */
    public readonly int $timeUs;
    /** The endpoint the event is about ("" for LOST). */
    public readonly string $endpoint;

    public function __construct(int $kind, int $value, int $timeUs, string $endpoint)
    {
        $this->kind = $kind;
        $this->name = self::nameOf($kind);
        $this->value = $value;
        $this->timeUs = $timeUs;
        $this->endpoint = $endpoint;
    }

    /** The name of an event kind, e.g. 32 => "ACCEPTED". */
    public static function nameOf(int $kind): string
    {
        $name = array_search($kind, (new \ReflectionClass(self::class))->getConstants(), true);
        return is_string($name) ? $name : sprintf('UNKNOWN(%d)', $kind);
    }

    public function __toString(): string
    {
        return sprintf('%s %d %s', $this->name, $this->value, $this->endpoint);
    }
}
