<?php

declare(strict_types=1);

namespace ZmqSocket;

/**
 * A zmqsocket socket (Storyplayer's usingZmqSocket / fromZmqSocket /
 * expectsZmqSocket, as methods).
 *
 * Timeouts are seconds (floats allowed), rounded up to whole ms; null = the
 * library default (5 s unless Library::setDefaultTimeout changed it), -1 (or
 * INF) = forever, 0 = try once. Every failure throws ZmqSocketException; a
 * receive that times out throws it with ZS_ERR_TIMED_OUT. The NonBlocking
 * receives return null when nothing is there; the NonBlocking sends return
 * false only for ZS_ERR_WOULD_BLOCK. pump() returns the count it sent and
 * drain() returns its stats with 'complete' => false when they time out.
 * Payloads are binary-safe strings (NUL bytes and empty frames are fine).
 */
class Socket
{
    public const PAIR = 0;
    public const PUB = 1;
    public const SUB = 2;
    public const REQ = 3;
    public const REP = 4;
    public const DEALER = 5;
    public const ROUTER = 6;
    public const PULL = 7;
    public const PUSH = 8;
    public const XPUB = 9;
    public const XSUB = 10;

    public const TYPE_NAMES = [
        self::PAIR => 'PAIR',
        self::PUB => 'PUB',
        self::SUB => 'SUB',
        self::REQ => 'REQ',
        self::REP => 'REP',
        self::DEALER => 'DEALER',
        self::ROUTER => 'ROUTER',
        self::PULL => 'PULL',
        self::PUSH => 'PUSH',
        self::XPUB => 'XPUB',
        self::XSUB => 'XSUB',
    ];

    /** pollEvents: a message can be received now. */
    public const POLLIN = 1;
    /** pollEvents: a message can be sent now without waiting. */
    public const POLLOUT = 2;

    /** The counters of drain()'s result, in struct zs_drain_stats' order. */
    public const DRAIN_FIELDS = [
        'messages', 'frames', 'bytes', 'senders', 'gaps', 'duplicates', 'out_of_order', 'elapsed_ns',
    ];

    // "<host_id>:<port> <endpoint>" of a connectToHost line; an endpoint
    // always has "://", which tells "connect <endpoint>" apart.
    private const HOST_CONNECT = '~^(?!\S*://)(\S+):(\d+) (\S+://.*)$~s';

    private int $handle = 0;
    private bool $destroyed = true;

    // The per-message path (send, recv...) keeps what it needs at hand: the
    // FFI instance, and one struct zs_message that every receive on this
    // socket fills and frees again before it returns (so receives on one
    // Socket never overlap: PHP runs one call at a time).
    private \FFI $ffi;
    private \FFI\CData $msg;
    private \FFI\CData $msgPtr;
    // Socket::recv's buffer: zs_recv_packed copies a frame that fits into
    // it; a longer frame comes whole in $rx->overflow. One foreign call per
    // message, with one argument ($rxPtr): PHP FFI charges about 13 ns per
    // argument, so the socket, timeout and buffer live in $rx, written only
    // when the timeout changes.
    private const RECV_BUF_SIZE = 16384;
    private ?\FFI\CData $recvBuf = null;
    private \FFI\CData $rx;
    private \FFI\CData $rxPtr;
    private int $rxTimeout = Library::TIMEOUT_DEFAULT;
    // Library::native() when this socket was made: send and recv then call
    // the zmqsocket_native extension instead of FFI.
    private bool $native = false;

    /** An unattached socket of $type ("PUSH", "xreq"... or Socket::PUSH). */
    public function __construct(int|string $type)
    {
        $ffi = Library::ffi();
        $out = $ffi->new('zs_socket');
        Library::check($ffi->zs_socket_new(self::typeNumber($type), \FFI::addr($out)));
        $this->attach($out->cdata);
    }

    /** @internal wrap a handle the library just made */
    public static function wrap(int $handle): self
    {
        $self = (new \ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $self->attach($handle);
        return $self;
    }

    private function attach(int $handle): void
    {
        $this->ffi = Library::ffi();
        $this->msg = $this->ffi->new('struct zs_message');
        $this->msgPtr = \FFI::addr($this->msg);
        $this->recvBuf = $this->ffi->new('char[' . self::RECV_BUF_SIZE . ']');
        $this->rx = $this->ffi->new('struct zs_recv_args');
        $this->rx->socket = $handle;
        $this->rx->timeout_ms = $this->rxTimeout;
        $this->rx->buf = \FFI::addr($this->recvBuf[0]);
        $this->rx->cap = self::RECV_BUF_SIZE;
        $this->rxPtr = \FFI::addr($this->rx);
        $this->native = Library::native();
        $this->handle = $handle;
        $this->destroyed = false;
    }

    /** @internal a type name or number => the number */
    public static function typeNumber(int|string $type): int
    {
        if (is_string($type)) {
            return Library::socketTypeFromName($type);
        }
        return Library::i32($type, 'socket type');
    }

    public function __destruct()
    {
        if (!$this->destroyed && $this->handle !== 0) {
            $this->destroyed = true;
            try {
                // ZS_ERR_BAD_HANDLE (already gone, e.g. destroyAll) is ignored
                Library::ffi()->zs_socket_destroy($this->handle);
            } catch (\Throwable) {
            }
        }
    }

    // ---------------------------------------------------------------------
    // Identity and life
    // ---------------------------------------------------------------------

    /** The library's handle (kept after destroy, then invalid). */
    public function getHandle(): int
    {
        return $this->handle;
    }

    /** The type number (compare with Socket::PUSH etc.). */
    public function getType(): int
    {
        return Library::check(Library::ffi()->zs_socket_type($this->handle));
    }

    /** The type's name, e.g. "PUSH". */
    public function getTypeName(): string
    {
        $type = $this->getType();
        return self::TYPE_NAMES[$type] ?? (string) $type;
    }

    /** True once destroy() was called on this object. */
    public function isDestroyed(): bool
    {
        return $this->destroyed;
    }

    /**
     * Destroy the socket (queued messages go on trying to leave for up to
     * its linger). Returns true if this call destroyed it, false if it was
     * already gone (destroyed before, or by Library::destroyAll()).
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

    // ---------------------------------------------------------------------
    // Options
    // ---------------------------------------------------------------------

    /** How long (seconds; -1 = forever, 0 = drop) queued messages may go on leaving after destroy. */
    public function setLinger(float $seconds): void
    {
        Library::check(Library::ffi()->zs_set_linger($this->handle, Library::durationMs($seconds, 'linger')));
    }

    /** Maximum message size in bytes (null or -1 = no limit), for later binds and connects. */
    public function setMaxMessageSize(?int $bytes): void
    {
        Library::check(Library::ffi()->zs_set_max_message_size($this->handle, $bytes ?? -1));
    }

    /** The routing id (1..255 bytes, not starting with a zero byte), before the first bind or connect. */
    public function setRoutingId(string $routingId): void
    {
        Library::check($this->ffi->zs_set_routing_id($this->handle, $routingId, strlen($routingId)));
    }

    /** SUB / XSUB: receive messages starting with $prefix ("" = all). */
    public function subscribe(string $prefix = ''): void
    {
        Library::check($this->ffi->zs_subscribe($this->handle, $prefix, strlen($prefix)));
    }

    /** Cancel one earlier subscribe($prefix). */
    public function unsubscribe(string $prefix = ''): void
    {
        Library::check($this->ffi->zs_unsubscribe($this->handle, $prefix, strlen($prefix)));
    }

    /**
     * Set any libzmq socket option by name (without "ZMQ_", any case; the
     * table in include/zmqsocket.h, at zs_set_option, lists them with
     * their types). A PHP int goes through zs_set_option (integer
     * options), a PHP string through zs_set_option_bytes (binary and
     * string options, CURVE keys as 40 Z85 characters or 32 bytes); the
     * wrong form for the option, an unknown name or a value libzmq refuses
     * is ZS_ERR_INVALID_ARGUMENT, an option this socket type does not take
     * (or a read-only one, SNDTIMEO, RCVTIMEO) ZS_ERR_NOT_SUPPORTED. The
     * options the library owns (HWMs, LINGER, ROUTING_ID...) keep its rules.
     */
    public function setOption(string $name, int|string $value): void
    {
        $n = Library::cstr($name, 'option name');
        if (is_int($value)) {
            Library::check($this->ffi->zs_set_option($this->handle, $n, $value));
        } else {
            Library::check($this->ffi->zs_set_option_bytes($this->handle, $n, $value, strlen($value)));
        }
    }

    /**
     * Read a socket option by name: an int for integer options, a string
     * for binary and string options (a CURVE key as 40 Z85 characters).
     * It asks with zs_get_option first and, when the library answers that
     * the option is a bytes option, with zs_get_option_bytes; so reading a
     * bytes option leaves that answer as the thread's last error. Errors
     * as setOption; write-only options are ZS_ERR_NOT_SUPPORTED.
     */
    public function getOption(string $name): int|string
    {
        $n = Library::cstr($name, 'option name');
        $out = $this->ffi->new('int64_t');
        $rc = $this->ffi->zs_get_option($this->handle, $n, \FFI::addr($out));
        if ($rc >= 0) {
            return $out->cdata;
        }
        if ($rc !== ZmqSocketException::ZS_ERR_INVALID_ARGUMENT
            || !str_contains(Library::lastError(), 'is a bytes option')) {
            throw ZmqSocketException::fromLastError($rc);
        }
        $ffi = $this->ffi;
        $handle = $this->handle;
        return Library::readString(static fn (?\FFI\CData $buf, int $cap): int =>
            $ffi->zs_get_option_bytes($handle, $n, $buf, $cap));
    }

    // ---------------------------------------------------------------------
    // Security (before the first bind or connect: ZS_ERR_WRONG_STATE after)
    // ---------------------------------------------------------------------

    /**
     * Be a CURVE server with this secret key (40 Z85 characters); clients
     * get in as Auth::curveAllow says. A malformed key is
     * ZS_ERR_INVALID_ARGUMENT.
     */
    public function setCurveServer(string $secretKey): void
    {
        Library::check($this->ffi->zs_set_curve_server(
            $this->handle,
            Library::cstr($secretKey, 'secret key')
        ));
    }

    /** Be a CURVE client of the server with public key $serverKey, with its own keypair (Z85). */
    public function setCurveClient(string $serverKey, string $publicKey, string $secretKey): void
    {
        Library::check($this->ffi->zs_set_curve_client(
            $this->handle,
            Library::cstr($serverKey, 'server public key'),
            Library::cstr($publicKey, 'public key'),
            Library::cstr($secretKey, 'secret key')
        ));
    }

    /** Be a PLAIN server; clients get in as Auth::plainUser says. */
    public function setPlainServer(): void
    {
        Library::check($this->ffi->zs_set_plain_server($this->handle));
    }

    /** Be a PLAIN client with this user name (1..255 bytes) and password (0..255), sent in clear. */
    public function setPlainClient(string $username, string $password): void
    {
        Library::check($this->ffi->zs_set_plain_client(
            $this->handle,
            Library::cstr($username, 'username'),
            Library::cstr($password, 'password')
        ));
    }

    // ---------------------------------------------------------------------
    // Attaching
    // ---------------------------------------------------------------------

    /** Bind tcp://<bind interface>:$port (0 = ephemeral); returns the bound port. */
    public function bindToPort(int $port, int $sendHwm = 100, int $recvHwm = 100): int
    {
        return Library::check(Library::ffi()->zs_bind_to_port(
            $this->handle,
            Library::i32($port, 'port'),
            Library::i32($sendHwm, 'send HWM'),
            Library::i32($recvHwm, 'receive HWM')
        ));
    }

    /** Unbind; the port is free again when this returns. ZS_ERR_NOT_BOUND if not bound there. */
    public function unbindFromPort(int $port): void
    {
        Library::check(Library::ffi()->zs_unbind_from_port($this->handle, Library::i32($port, 'port')));
    }

    /** Unbind from every port and bound endpoint (nothing bound: fine). */
    public function unbindFromAllPorts(): void
    {
        Library::check(Library::ffi()->zs_unbind_from_all_ports($this->handle));
    }

    /** Connect to $hostId's $port (lazily, as ZeroMQ does). */
    public function connectToHost(string $hostId, int $port, int $sendHwm = 100, int $recvHwm = 100): void
    {
        Library::check(Library::ffi()->zs_connect_to_host(
            $this->handle,
            Library::cstr($hostId, 'host id'),
            Library::i32($port, 'port'),
            Library::i32($sendHwm, 'send HWM'),
            Library::i32($recvHwm, 'receive HWM')
        ));
    }

    /** Disconnect from $hostId's $port. ZS_ERR_NOT_CONNECTED if not connected there. */
    public function disconnectFromHost(string $hostId, int $port): void
    {
        Library::check(Library::ffi()->zs_disconnect_from_host(
            $this->handle,
            Library::cstr($hostId, 'host id'),
            Library::i32($port, 'port')
        ));
    }

    /** Disconnect from every host and endpoint. */
    public function disconnectFromAllHosts(): void
    {
        Library::check(Library::ffi()->zs_disconnect_from_all_hosts($this->handle));
    }

    /**
     * Bind any libzmq endpoint ("tcp://127.0.0.1:0", "ipc:///tmp/x",
     * "inproc://name"); returns the TCP port (the ephemeral one for port 0),
     * or 0 for other transports.
     */
    public function bindEndpoint(string $endpoint, int $sendHwm = 100, int $recvHwm = 100): int
    {
        return Library::check(Library::ffi()->zs_bind_endpoint(
            $this->handle,
            Library::cstr($endpoint, 'endpoint'),
            Library::i32($sendHwm, 'send HWM'),
            Library::i32($recvHwm, 'receive HWM')
        ));
    }

    /** Unbind an endpoint, as bound or as libzmq resolved it (as getEndpoints() lists it). */
    public function unbindEndpoint(string $endpoint): void
    {
        Library::check(Library::ffi()->zs_unbind_endpoint($this->handle, Library::cstr($endpoint, 'endpoint')));
    }

    /** Connect any libzmq endpoint (lazily). */
    public function connectEndpoint(string $endpoint, int $sendHwm = 100, int $recvHwm = 100): void
    {
        Library::check(Library::ffi()->zs_connect_endpoint(
            $this->handle,
            Library::cstr($endpoint, 'endpoint'),
            Library::i32($sendHwm, 'send HWM'),
            Library::i32($recvHwm, 'receive HWM')
        ));
    }

    /** Disconnect an endpoint (from connectEndpoint, or connectToHost's as getEndpoints() lists it). */
    public function disconnectEndpoint(string $endpoint): void
    {
        Library::check(Library::ffi()->zs_disconnect_endpoint($this->handle, Library::cstr($endpoint, 'endpoint')));
    }

    /** Unbind from all ports and disconnect from all hosts; the socket stays usable. */
    public function close(): void
    {
        Library::check(Library::ffi()->zs_close($this->handle));
    }

    // ---------------------------------------------------------------------
    // Connection state and polling
    // ---------------------------------------------------------------------

    /** Wait until the handshake with $hostId's $port has completed (ZS_ERR_TIMED_OUT otherwise). */
    public function waitConnected(string $hostId, int $port, ?float $timeout = null): void
    {
        Library::check(Library::ffi()->zs_wait_connected(
            $this->handle,
            Library::cstr($hostId, 'host id'),
            Library::i32($port, 'port'),
            Library::timeoutMs($timeout)
        ));
    }

    /** The number of live ZMTP sessions over all this socket's endpoints. */
    public function getPeerCount(): int
    {
        return Library::check(Library::ffi()->zs_peer_count($this->handle));
    }

    /** Wait until getPeerCount() >= $n (ZS_ERR_TIMED_OUT otherwise). */
    public function waitPeers(int $n, ?float $timeout = null): void
    {
        Library::check(Library::ffi()->zs_wait_peers(
            $this->handle,
            Library::i32($n, 'n'),
            Library::timeoutMs($timeout)
        ));
    }

    /**
     * Wait until at least one of $sockets has a message to receive, or
     * $timeout passes. Returns an array of bools with $sockets' keys (true:
     * readable; all false when the timeout passed). Nothing is received.
     *
     * @param array<Socket> $sockets
     * @return array<bool>
     */
    public static function poll(array $sockets, ?float $timeout = null): array
    {
        $n = count($sockets);
        if ($n === 0) {
            throw ZmqSocketException::invalidArgument('poll: no sockets');
        }
        $ffi = Library::ffi();
        $handles = $ffi->new("zs_socket[$n]");
        $readable = $ffi->new("bool[$n]");
        $i = 0;
        foreach ($sockets as $socket) {
            if (!$socket instanceof self) {
                throw new \TypeError('poll takes Socket objects, not ' . get_debug_type($socket));
            }
            $handles[$i++] = $socket->handle;
        }
        Library::check($ffi->zs_poll($handles, $n, Library::timeoutMs($timeout), $readable));
        $out = [];
        $i = 0;
        foreach (array_keys($sockets) as $key) {
            $out[$key] = (bool) $readable[$i++];
        }
        return $out;
    }

    /**
     * Wait until at least one item is ready for what it asks, or $timeout
     * passes. Each item is [Socket, want]: want is POLLIN (a message to
     * receive), POLLOUT (a message can be sent now), both ORed, or 0.
     * Returns, with $items' keys, what of each want holds (0: nothing; all
     * 0 when the timeout passed). Other bits in want are
     * ZS_ERR_INVALID_ARGUMENT. Nothing is received or sent.
     *
     * @param array<array{0: Socket, 1: int}> $items
     * @return array<int>
     */
    public static function pollEvents(array $items, ?float $timeout = null): array
    {
        $n = count($items);
        if ($n === 0) {
            throw ZmqSocketException::invalidArgument('pollEvents: no sockets');
        }
        $ffi = Library::ffi();
        $handles = $ffi->new("zs_socket[$n]");
        $want = $ffi->new("int16_t[$n]");
        $ready = $ffi->new("int16_t[$n]");
        $i = 0;
        foreach ($items as $key => $item) {
            if (!is_array($item) || count($item) !== 2 || !isset($item[0], $item[1])
                || !$item[0] instanceof self || !is_int($item[1])) {
                throw new \TypeError("pollEvents: item $key must be [Socket, int want]");
            }
            if ($item[1] < -32768 || $item[1] > 32767) {
                throw ZmqSocketException::invalidArgument("pollEvents: item $key: want {$item[1]} does not fit in int16");
            }
            $handles[$i] = $item[0]->handle;
            $want[$i] = $item[1];
            $i++;
        }
        Library::check($ffi->zs_poll_events($handles, $want, $n, Library::timeoutMs($timeout), $ready));
        $out = [];
        $i = 0;
        foreach (array_keys($items) as $key) {
            $out[$key] = $ready[$i++];
        }
        return $out;
    }

    // ---------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------

    /**
     * The oldest unread connection event of this socket (it logs them from
     * its first bind or connect, the latest 1024 unread; Event::LOST says
     * how many older ones were dropped), waiting up to $timeout for one;
     * null when none arrives in time (0: only one already there).
     */
    public function nextEvent(?float $timeout = null): ?Event
    {
        $ev = $this->ffi->new('struct zs_event');
        $rc = $this->ffi->zs_next_event($this->handle, Library::timeoutMs($timeout), \FFI::addr($ev));
        if ($rc === ZmqSocketException::ZS_ERR_TIMED_OUT) {
            return null;
        }
        Library::check($rc);
        return new Event($ev->kind, $ev->value, $ev->time_us, \FFI::string($ev->endpoint));
    }

    // ---------------------------------------------------------------------
    // Sending
    // ---------------------------------------------------------------------

    /** Send a single-part message; ZS_ERR_TIMED_OUT if it cannot be queued in time. */
    public function send(string $message, ?float $timeout = null): void
    {
        // FFI passes a PHP string to a `const void *` parameter as it is,
        // without a copy (the library copies it into the message). One
        // call: trying zs_send_nonblocking first would save an argument but
        // leave ZS_ERR_WOULD_BLOCK as the last error of a send that then
        // succeeded (SPEC 3: success leaves the last error alone).
        $t = $timeout === null ? Library::TIMEOUT_DEFAULT : Library::timeoutMs($timeout);
        $rc = $this->native
            ? \zmqsocket_native_send($this->handle, $message, $t)
            : $this->ffi->zs_send($this->handle, $message, \strlen($message), $t);
        if ($rc < 0) {
            throw ZmqSocketException::fromLastError($rc);
        }
    }

    /** Send a multi-part message (a non-empty list of strings; empty frames allowed), atomically. */
    public function sendMulti(array $message, ?float $timeout = null): void
    {
        [$frames, $count, $keep] = Library::frames($message);
        Library::check(Library::ffi()->zs_send_multi($this->handle, $frames, $count, Library::timeoutMs($timeout)));
        unset($keep);
    }

    /** Queue a message if there is room now: true if queued, false for ZS_ERR_WOULD_BLOCK; other failures throw. */
    public function sendNonBlocking(string $message): bool
    {
        if ($this->ffi->zs_send_nonblocking($this->handle, $message, \strlen($message))) {
            return true;
        }
        return Library::checkBool(false, [ZmqSocketException::ZS_ERR_WOULD_BLOCK]);
    }

    /** As sendNonBlocking, for a multi-part message. */
    public function sendMultiNonBlocking(array $message): bool
    {
        [$frames, $count, $keep] = Library::frames($message);
        $ok = Library::ffi()->zs_send_multi_nonblocking($this->handle, $frames, $count);
        unset($keep);
        return Library::checkBool($ok, [ZmqSocketException::ZS_ERR_WOULD_BLOCK]);
    }

    /** Storyplayer's expectsZmqSocket()->canSendNonBlocking(): sendNonBlocking's answer. */
    public function canSendNonBlocking(string $message): bool
    {
        return $this->sendNonBlocking($message);
    }

    /** Storyplayer's expectsZmqSocket()->canSendMultiNonBlocking(). */
    public function canSendMultiNonBlocking(array $message): bool
    {
        return $this->sendMultiNonBlocking($message);
    }

    // ---------------------------------------------------------------------
    // Receiving
    // ---------------------------------------------------------------------

    /** Receive one frame (the next call gets the next frame of a multi-part message). */
    public function recv(?float $timeout = null): string
    {
        $t = $timeout === null ? Library::TIMEOUT_DEFAULT : Library::timeoutMs($timeout);
        if ($this->native) {
            $r = \zmqsocket_native_recv($this->handle, $t);
            if (\is_string($r)) {
                return $r;
            }
            throw ZmqSocketException::fromLastError($r);
        }
        if ($t !== $this->rxTimeout) {
            $this->rx->timeout_ms = $t;
            $this->rxTimeout = $t;
        }
        $n = $this->ffi->zs_recv_packed($this->rxPtr);
        if ($n <= self::RECV_BUF_SIZE) {
            if ($n > 0) {
                return \FFI::string($this->recvBuf, $n);
            }
            if ($n === 0) {
                return '';
            }
            throw ZmqSocketException::fromLastError($n);
        }
        // too long for the buffer: handed over whole in $rx->overflow
        $over = \FFI::addr($this->rx->overflow);
        $data = \FFI::string($this->rx->overflow->frames->data, $n);
        $this->ffi->zs_message_free($over);
        return $data;
    }

    /** Receive every frame of the next message. */
    public function recvMulti(?float $timeout = null): array
    {
        $rc = $this->ffi->zs_recv_multi(
            $this->handle,
            $timeout === null ? Library::TIMEOUT_DEFAULT : Library::timeoutMs($timeout),
            $this->msgPtr
        );
        return Library::take($rc, $this->msg, [], $this->msgPtr);
    }

    /**
     * Receive every frame of the next message with its metadata properties
     * $names (libzmq's names, case-sensitive: "Peer-Address",
     * "Socket-Type", "Routing-Id", "User-Id" (set by authentication: the
     * PLAIN user name or the CURVE client's Z85 public key) and the
     * peer's ZMTP properties). Returns [frames, [name => value]]; a
     * property the message does not have (any over inproc) is null, and
     * leaves the library's answer as the thread's last error.
     *
     * @param array<string> $names
     * @return array{0: array<string>, 1: array<string, ?string>}
     */
    public function recvWithProperties(array $names, ?float $timeout = null): array
    {
        // checked before receiving, so that a bad name loses no message
        $wanted = [];
        foreach ($names as $i => $name) {
            if (!is_string($name)) {
                throw new \TypeError(sprintf('property name %s must be a string, not %s', $i, get_debug_type($name)));
            }
            $wanted[] = Library::cstr($name, 'property name');
        }
        $rc = $this->ffi->zs_recv_multi($this->handle, Library::timeoutMs($timeout), $this->msgPtr);
        if ($rc < 0) {
            throw ZmqSocketException::fromLastError($rc);
        }
        try {
            $props = [];
            foreach ($wanted as $name) {
                $props[$name] = $this->property($name);
            }
        } catch (\Throwable $e) {
            $this->ffi->zs_message_free($this->msgPtr);
            throw $e;
        }
        return [Library::take($rc, $this->msg, [], $this->msgPtr), $props];
    }

    /** Property $name of the message in $this->msg, null if it has none. */
    private function property(string $name): ?string
    {
        $cap = 256;
        while (true) {
            $buf = $this->ffi->new("char[$cap]");
            $n = $this->ffi->zs_message_property($this->msgPtr, $name, $buf, $cap);
            if ($n === ZmqSocketException::ZS_ERR_INVALID_ARGUMENT) {
                return null;
            }
            Library::check($n);
            if ($n < $cap) {
                return $n > 0 ? \FFI::string($buf, $n) : '';
            }
            $cap = $n + 1;
        }
    }

    /** One frame if there is one now, else null. */
    public function recvNonBlocking(): ?string
    {
        $rc = $this->ffi->zs_recv_nonblocking($this->handle, $this->msgPtr);
        $out = Library::take($rc, $this->msg, [ZmqSocketException::ZS_ERR_WOULD_BLOCK], $this->msgPtr);
        return $out === null ? null : $out[0];
    }

    /** The next whole message if there is one now, else null. */
    public function recvMultiNonBlocking(): ?array
    {
        $rc = $this->ffi->zs_recv_multi_nonblocking($this->handle, $this->msgPtr);
        return Library::take($rc, $this->msg, [ZmqSocketException::ZS_ERR_WOULD_BLOCK], $this->msgPtr);
    }

    // ---------------------------------------------------------------------
    // Bulk traffic
    // ---------------------------------------------------------------------

    /**
     * Send $message (a string, or a non-empty list of frames) $repeat times
     * in the library's native loop; returns how many were sent. $timeout
     * applies to each message: one that cannot be queued in time ends the
     * pump early and the count so far is returned. Throws only when the
     * library returns a negative code (nothing sent at all, bad argument).
     * $sequenced puts a 16-byte frame first: stream id, then sequence number
     * (little-endian u64s: unpack('P2', $frame)). As an int it is the
     * flags: Library::SEQUENCED, Library::SCHED_BATCH, or both ORed;
     * SCHED_BATCH runs this thread under SCHED_BATCH for the call, for
     * throughput (see zs_pump in zmqsocket.h).
     */
    public function pump(string|array $message, int $repeat, bool|int $sequenced = false, ?float $timeout = null): int
    {
        [$frames, $count, $keep] = Library::frames(is_string($message) ? [$message] : $message);
        $rc = Library::ffi()->zs_pump(
            $this->handle,
            $frames,
            $count,
            $repeat,
            Library::bulkFlags($sequenced),
            Library::timeoutMs($timeout)
        );
        unset($keep);
        return Library::check($rc);
    }

    /**
     * Receive and count messages in the library's native loop until
     * $expected have arrived (null: no limit) or none arrives for $timeout
     * seconds (an idle timeout). Returns the DRAIN_FIELDS counters plus
     * 'complete' (false when it timed out: that does not throw).
     * $sequenced as in pump (true/false, or the flags as an int).
     *
     * @return array{messages:int,frames:int,bytes:int,senders:int,gaps:int,duplicates:int,out_of_order:int,elapsed_ns:int,complete:bool}
     */
    public function drain(?int $expected = null, bool|int $sequenced = false, ?float $timeout = null): array
    {
        $ffi = Library::ffi();
        $stats = $ffi->new('struct zs_drain_stats');
        $rc = $ffi->zs_drain(
            $this->handle,
            $expected ?? -1,
            Library::bulkFlags($sequenced),
            Library::timeoutMs($timeout),
            \FFI::addr($stats)
        );
        if ($rc !== ZmqSocketException::ZS_OK && $rc !== ZmqSocketException::ZS_ERR_TIMED_OUT) {
            throw ZmqSocketException::fromLastError($rc);
        }
        $out = [];
        foreach (self::DRAIN_FIELDS as $field) {
            $out[$field] = $stats->$field;
        }
        $out['complete'] = $rc === ZmqSocketException::ZS_OK;
        return $out;
    }

    // ---------------------------------------------------------------------
    // Asking
    // ---------------------------------------------------------------------

    // The bool queries answer false for a bad handle too: ask first, so that
    // a destroyed socket throws instead.
    private function alive(): void
    {
        Library::check(Library::ffi()->zs_socket_type($this->handle));
    }

    /** True if bound to $port and not unbound since. */
    public function isBoundToPort(int $port): bool
    {
        $this->alive();
        return (bool) Library::ffi()->zs_is_bound_to_port($this->handle, Library::i32($port, 'port'));
    }

    /** True if asked to connect to $hostId's $port and not disconnected since. */
    public function isConnectedToHost(string $hostId, int $port): bool
    {
        $this->alive();
        return (bool) Library::ffi()->zs_is_connected_to_host(
            $this->handle,
            Library::cstr($hostId, 'host id'),
            Library::i32($port, 'port')
        );
    }

    /** @return array<int> the ports this socket is bound to, ascending */
    public function getBoundPorts(): array
    {
        $ffi = Library::ffi();
        $cap = 0;
        while (true) {
            $arr = $cap > 0 ? $ffi->new("int32_t[$cap]") : null;
            $n = Library::check($ffi->zs_bound_ports($this->handle, $arr, $cap));
            if ($n <= $cap) {
                $out = [];
                for ($i = 0; $i < $n; $i++) {
                    $out[] = $arr[$i];
                }
                return $out;
            }
            $cap = $n;
        }
    }

    /**
     * zs_endpoints' lines as [kind, host id or null, port or null, endpoint]:
     * "bind <endpoint>", "connect <host_id>:<port> <endpoint>", "connect <endpoint>".
     */
    private function attachments(): array
    {
        $ffi = Library::ffi();
        $handle = $this->handle;
        $text = Library::readString(static fn (?\FFI\CData $buf, int $cap): int =>
            $ffi->zs_endpoints($handle, $buf, $cap));
        $out = [];
        foreach (explode("\n", $text) as $line) {
            if ($line === '') {
                continue;
            }
            $parts = explode(' ', $line, 2);
            $kind = $parts[0];
            $rest = $parts[1] ?? '';
            if ($kind === 'connect' && preg_match(self::HOST_CONNECT, $rest, $m)) {
                $out[] = [$kind, $m[1], (int) $m[2], $m[3]];
            } else {
                $out[] = [$kind, null, null, $rest];
            }
        }
        return $out;
    }

    /**
     * ['bind' => [endpoint...], 'connect' => [endpoint...]], as php-zmq's
     * getEndpoints(): the endpoints libzmq resolved (binds) or connected to,
     * each in the order they were made.
     */
    public function getEndpoints(): array
    {
        $out = ['bind' => [], 'connect' => []];
        foreach ($this->attachments() as [$kind, , , $endpoint]) {
            $out[$kind][] = $endpoint;
        }
        return $out;
    }

    /**
     * Each connect, in order, as ['host' => host id or null, 'port' => int
     * or null, 'endpoint' => string] (host and port are null for connectEndpoint).
     */
    public function getConnections(): array
    {
        $out = [];
        foreach ($this->attachments() as [$kind, $host, $port, $endpoint]) {
            if ($kind === 'connect') {
                $out[] = ['host' => $host, 'port' => $port, 'endpoint' => $endpoint];
            }
        }
        return $out;
    }
}
