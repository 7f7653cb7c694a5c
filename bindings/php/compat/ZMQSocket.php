<?php

use ZmqSocket\Compat\ContextState;
use ZmqSocket\Compat\Errno;
use ZmqSocket\Compat\Monitor;
use ZmqSocket\Compat\SharedSocket;
use ZmqSocket\Compat\SocketMethods;
use ZmqSocket\ZmqSocketException as ZsError;

/**
 * php-zmq's ZMQSocket over a zmqsocket socket. Where php-zmq's behaviour
 * is libzmq's and zmqsocket's differs, this class does what php-zmq does:
 *
 * - send()/recv() block for SOCKOPT_SNDTIMEO / SOCKOPT_RCVTIMEO ms (-1, the
 *   default: forever) and return false when that passes, or at once with
 *   ZMQ::MODE_DONTWAIT when the message cannot be sent or there is none;
 * - frames sent with ZMQ::MODE_SNDMORE are held by the layer and sent with
 *   the next frame sent without it, as one message (zmqsocket sends whole
 *   messages); a failed final send drops the held frames too;
 * - HWMs are 1000 (libzmq's default) until SOCKOPT_SNDHWM / RCVHWM /
 *   HWM change them, and apply to the binds and connects made afterwards;
 * - a ROUTER drops a message to an unknown peer unless
 *   SOCKOPT_ROUTER_MANDATORY is 1, as libzmq does;
 * - getEndpoints() lists the endpoints as they were given to bind() and
 *   connect(); bind()/connect() of one already listed do nothing unless
 *   $force is true;
 * - monitor($dsn) names an endpoint whose connecting socket reads this
 *   socket's events with recvEvent().
 *
 * What zmqsocket does not do: SOCKET_STREAM sockets, and a second
 * connection to an endpoint the socket is connected to (connect(..., true)
 * of a connected endpoint keeps the one connection).
 */
class ZMQSocket extends SocketMethods
{
    private ?string $persistentId = null;

    /** @var array<int, array{0: string, 1: string}> option number => [php-zmq name, zmqsocket name] */
    private static array $options = [];

    public function __construct(ZMQContext $ZMQContext, $type, $persistent_id = null, $on_new_socket = null)
    {
        if (!is_int($type) && !(is_string($type) && is_numeric($type)) && !is_float($type) && !is_bool($type)) {
            throw new ZMQSocketException(
                'ZMQSocket::__construct(): Argument #2 ($type) must be of type int, ' . get_debug_type($type) . ' given',
                ZMQ::ERR_INTERNAL
            );
        }
        if ($on_new_socket !== null && !is_callable($on_new_socket)) {
            throw new ZMQSocketException(
                'ZMQSocket::__construct(): Argument #4 ($on_new_socket) must be a valid callback or null',
                ZMQ::ERR_INTERNAL
            );
        }
        $id = $persistent_id === null ? null : (string) $persistent_id;
        $ctx = ContextState::of($ZMQContext);
        try {
            $isNew = false;
            $this->zmqsocketShared = $ctx->socket((int) $type, $id, $isNew);
        } catch (ZsError $e) {
            throw Errno::exception(ZMQSocketException::class, 'Error creating socket', $e);
        }
        SharedSocket::attach($this, $this->zmqsocketShared);
        $persistent = $ctx->persistent && $id !== null && $id !== '';
        if ($persistent) {
            $this->persistentId = $id;
        }
        if ($isNew) {
            if ($on_new_socket !== null) {
                try {
                    $on_new_socket($this, $persistent ? $id : null);
                } catch (\Throwable $e) {
                    $this->zmqsocketShared->socket->destroy();
                    throw $e;
                }
            }
            if ($persistent) {
                $ctx->store($this->zmqsocketShared, $id);
            }
        }
    }

    // ---------------------------------------------------------------------
    // Sending
    // ---------------------------------------------------------------------

    // send($message, $mode = 0) and recv($mode = 0) are SocketMethods':
    // the zmqsocket_native extension's internal methods when it is loaded,
    // else PHP over FFI. What they leave to the layer is here.

    /**
     * send() of all but a single string frame with mode 0 (and of that too
     * when the extension is loaded with its native path off).
     */
    protected function zmqsocketSend($message, $mode)
    {
        $mode = (int) $mode;
        if ($mode & ZMQ::MODE_SNDMORE) {
            $this->zmqsocketShared->pending[] = (string) $message;
            return $this;
        }
        return $this->sendFrames([(string) $message], $mode);
    }

    /** Alias of send(). */
    public function sendmsg($message, $mode = 0)
    {
        return $this->send($message, $mode);
    }

    /** Send the frames of $message as one message; $this, or false on EAGAIN. */
    public function sendmulti($message, $mode = 0)
    {
        if (!is_array($message)) {
            throw new TypeError('ZMQSocket::sendmulti(): Argument #1 ($message) must be of type array, '
                . get_debug_type($message) . ' given');
        }
        if ($message === [] && !$this->zmqsocketShared->pending) {
            return false;
        }
        $frames = [];
        foreach ($message as $frame) {
            $frames[] = (string) $frame;
        }
        return $this->sendFrames($frames, (int) $mode & ~ZMQ::MODE_SNDMORE);
    }

    /** The held SNDMORE frames and $frames, as one message. */
    private function sendFrames(array $frames, int $mode)
    {
        $s = $this->zmqsocketShared;
        if ($s->pending) {
            $frames = array_merge($s->pending, $frames);
            $s->pending = [];
        }
        $t = SharedSocket::seconds($mode & ZMQ::MODE_DONTWAIT ? 0 : $s->sndtimeo);
        try {
            if (count($frames) === 1) {
                $s->socket->send($frames[0], $t);
            } else {
                $s->socket->sendMulti($frames, $t);
            }
        } catch (ZsError $e) {
            return $this->zmqsocketSendFailed($e->getCode(), $e);
        }
        return $this;
    }

    /** What a send that failed with $rc returns: false for EAGAIN, else it throws. */
    protected function zmqsocketSendFailed(int $rc, ?ZsError $e = null)
    {
        if ($rc === ZsError::ZS_ERR_TIMED_OUT || $rc === ZsError::ZS_ERR_WOULD_BLOCK) {
            return false;
        }
        if ($rc === ZsError::ZS_ERR_HOST_UNREACHABLE && !$this->zmqsocketShared->routerMandatory) {
            return $this; // libzmq's ROUTER drops it silently
        }
        throw Errno::exception(ZMQSocketException::class, 'Failed to send message', $e ?? ZsError::fromLastError($rc));
    }

    // ---------------------------------------------------------------------
    // Receiving
    // ---------------------------------------------------------------------

    /**
     * recv() with a mode other than 0 (and with 0 too when the extension
     * is loaded with its native path off).
     */
    protected function zmqsocketRecv($mode)
    {
        $s = $this->zmqsocketShared;
        $t = ((int) $mode & ZMQ::MODE_DONTWAIT) ? 0 : $s->rcvtimeo;
        try {
            return $s->socket->recv(SharedSocket::seconds($t));
        } catch (ZsError $e) {
            return $this->zmqsocketRecvFailed($e->getCode(), $e);
        }
    }

    /** Alias of recv(). */
    public function recvmsg($mode = 0)
    {
        return $this->recv($mode);
    }

    /** Receive every frame of a message; false when none came in time. */
    public function recvmulti($mode = 0)
    {
        $s = $this->zmqsocketShared;
        try {
            if ((int) $mode & ZMQ::MODE_DONTWAIT) {
                return $s->socket->recvMultiNonBlocking() ?? false;
            }
            return $s->socket->recvMulti(SharedSocket::seconds($s->rcvtimeo));
        } catch (ZsError $e) {
            return $this->zmqsocketRecvFailed($e->getCode(), $e);
        }
    }

    /** What a receive that failed with $rc returns: false for EAGAIN, else it throws. */
    protected function zmqsocketRecvFailed(int $rc, ?ZsError $e = null)
    {
        if ($rc === ZsError::ZS_ERR_TIMED_OUT || $rc === ZsError::ZS_ERR_WOULD_BLOCK) {
            return false;
        }
        throw Errno::exception(ZMQSocketException::class, 'Failed to receive message', $e ?? ZsError::fromLastError($rc));
    }

    // ---------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------

    /** Publish this socket's events ($events: ZMQ::EVENT_* ORed) for the socket that connects to $dsn. */
    public function monitor($dsn, $events = ZMQ::EVENT_ALL): ZMQSocket
    {
        $dsn = (string) $dsn;
        if (!str_starts_with($dsn, 'inproc://')) {
            throw new ZMQSocketException('Failed to add socket monitor: Protocol not supported', Errno::EPROTONOSUPPORT);
        }
        Monitor::add($dsn, $this->zmqsocketShared, (int) $events);
        return $this;
    }

    /** On a socket connected to a monitor endpoint: the next event, ["event", "value", "address"]. */
    public function recvevent($flags = 0): array
    {
        $monitor = $this->zmqsocketShared->monitor;
        $t = ((int) $flags & ZMQ::MODE_DONTWAIT) ? 0 : $this->zmqsocketShared->rcvtimeo;
        if ($monitor === null) {
            // A plain socket: php-zmq reads the two frames libzmq's monitor sends.
            $meta = $this->recv($flags);
            $address = $meta === false ? false : $this->recv($flags);
            if (!is_string($meta) || strlen($meta) !== 6 || !is_string($address)) {
                throw new ZMQSocketException('Invalid monitor message received: Resource temporarily unavailable', Errno::EAGAIN);
            }
            $u = unpack('vevent/Vvalue', $meta);
            return ['event' => $u['event'], 'value' => $u['value'], 'address' => $address];
        }
        try {
            $ev = $monitor->next($t);
        } catch (ZsError $e) {
            throw Errno::exception(ZMQSocketException::class, 'Invalid monitor message received', $e);
        }
        if ($ev === null) {
            throw new ZMQSocketException('Invalid monitor message received: Resource temporarily unavailable', Errno::EAGAIN);
        }
        return $ev;
    }

    // ---------------------------------------------------------------------
    // Endpoints
    // ---------------------------------------------------------------------

    public function bind($dsn, $force = false): ZMQSocket
    {
        $dsn = (string) $dsn;
        $s = $this->zmqsocketShared;
        if (!$force && isset($s->bind[$dsn])) {
            return $this;
        }
        try {
            $s->socket->bindEndpoint($dsn, $s->sndhwm, $s->rcvhwm);
        } catch (ZsError $e) {
            throw Errno::exception(ZMQSocketException::class, 'Failed to bind the ZMQ', $e);
        }
        $s->bind[$dsn] = true;
        return $this;
    }

    public function connect($dsn, $force = false): ZMQSocket
    {
        $dsn = (string) $dsn;
        $s = $this->zmqsocketShared;
        if (!$force && isset($s->connect[$dsn])) {
            return $this;
        }
        $monitor = Monitor::find($dsn);
        if ($monitor !== null) {
            $s->monitor = $monitor; // reads the monitored socket's events; nothing to connect
        } else {
            try {
                $s->socket->connectEndpoint($dsn, $s->sndhwm, $s->rcvhwm);
            } catch (ZsError $e) {
                if (!($force && $e->getCode() === ZsError::ZS_ERR_ALREADY_CONNECTED)) {
                    throw Errno::exception(ZMQSocketException::class, 'Failed to connect the ZMQ', $e);
                }
            }
        }
        $s->connect[$dsn] = true;
        return $this;
    }

    public function unbind($dsn): ZMQSocket
    {
        $dsn = (string) $dsn;
        try {
            $this->zmqsocketShared->socket->unbindEndpoint($dsn);
        } catch (ZsError $e) {
            throw Errno::exception(ZMQSocketException::class, 'Failed to unbind the ZMQ socket', $e);
        }
        unset($this->zmqsocketShared->bind[$dsn]);
        return $this;
    }

    public function disconnect($dsn): ZMQSocket
    {
        $dsn = (string) $dsn;
        $s = $this->zmqsocketShared;
        if ($s->monitor !== null && Monitor::find($dsn) === $s->monitor) {
            $s->monitor = null;
        } else {
            try {
                $s->socket->disconnectEndpoint($dsn);
            } catch (ZsError $e) {
                throw Errno::exception(ZMQSocketException::class, 'Failed to disconnect the ZMQ socket', $e);
            }
        }
        unset($s->connect[$dsn]);
        return $this;
    }

    /** ["connect" => [...], "bind" => [...]]: the endpoints as given to connect() and bind(). */
    public function getendpoints(): array
    {
        return ['connect' => array_keys($this->zmqsocketShared->connect), 'bind' => array_keys($this->zmqsocketShared->bind)];
    }

    // ---------------------------------------------------------------------
    // Identity
    // ---------------------------------------------------------------------

    public function getsockettype(): int
    {
        return $this->zmqsocketShared->type;
    }

    public function ispersistent(): bool
    {
        return $this->persistentId !== null;
    }

    public function getpersistentid(): ?string
    {
        return $this->persistentId;
    }

    // ---------------------------------------------------------------------
    // Options
    // ---------------------------------------------------------------------

    /** [php-zmq name, zmqsocket name] of an option number, from ZMQ's SOCKOPT_* constants. */
    private static function option(int $key): ?array
    {
        if (!self::$options) {
            $rename = ['IDENTITY' => 'ROUTING_ID', 'CONNECT_RID' => 'CONNECT_ROUTING_ID'];
            foreach ((new ReflectionClass(ZMQ::class))->getConstants() as $name => $value) {
                if (str_starts_with($name, 'SOCKOPT_') && !isset(self::$options[$value])) {
                    $short = substr($name, 8);
                    self::$options[$value] = ["ZMQ::$name", $rename[$short] ?? $short];
                }
            }
        }
        return self::$options[$key] ?? null;
    }

    public function setsockopt($key, $value): ZMQSocket
    {
        $key = (int) $key;
        $opt = self::option($key);
        if ($opt === null) {
            throw new ZMQSocketException("Unknown option key $key", ZMQ::ERR_INTERNAL);
        }
        [$php, $zs] = $opt;
        $s = $this->zmqsocketShared;
        $fail = static fn (ZsError $e) =>
            Errno::exception(ZMQSocketException::class, "Failed to set socket $php option", $e);
        switch ($key) {
            case ZMQ::SOCKOPT_TYPE:
            case ZMQ::SOCKOPT_RCVMORE:
            case ZMQ::SOCKOPT_FD:
            case ZMQ::SOCKOPT_EVENTS:
                throw new ZMQSocketException("Setting $php is not supported", ZMQ::ERR_INTERNAL);
            case ZMQ::SOCKOPT_SNDTIMEO:
            case ZMQ::SOCKOPT_RCVTIMEO:
                $ms = (int) $value;
                if ($ms < -1 || $ms > 2147483647) { // the library's timeouts are int32 ms
                    throw new ZMQSocketException("Failed to set socket $php option: Invalid argument", Errno::EINVAL);
                }
                $key === ZMQ::SOCKOPT_SNDTIMEO ? $s->sndtimeo = $ms : $s->rcvtimeo = $ms;
                return $this;
            case ZMQ::SOCKOPT_HWM:
                try {
                    $s->socket->setOption('SNDHWM', (int) $value);
                    $s->socket->setOption('RCVHWM', (int) $value);
                } catch (ZsError $e) {
                    throw $fail($e);
                }
                $s->sndhwm = $s->rcvhwm = (int) $value;
                return $this;
            case ZMQ::SOCKOPT_ROUTER_MANDATORY:
                if ($s->type !== ZMQ::SOCKET_ROUTER) {
                    throw new ZMQSocketException("$php is not valid for this socket type", Errno::EINVAL);
                }
                $s->routerMandatory = (int) $value !== 0;
                return $this;
            case ZMQ::SOCKOPT_ZAP_DOMAIN:
            case ZMQ::SOCKOPT_IPV6:
            case ZMQ::SOCKOPT_IPV4ONLY:
                // zmqsocket decides these itself (SPEC 8, 19: every socket is
                // dual-stack and has its ZAP domain): the value set is kept
                // and read back, and changes nothing
                $s->held[$key] = is_string($value) && $key === ZMQ::SOCKOPT_ZAP_DOMAIN ? $value : (int) $value;
                return $this;
            case ZMQ::SOCKOPT_SUBSCRIBE:
            case ZMQ::SOCKOPT_UNSUBSCRIBE:
                if ($s->type !== ZMQ::SOCKET_SUB) {
                    throw new ZMQSocketException("$php is not valid for this socket type", 0);
                }
                break;
            case ZMQ::SOCKOPT_IDENTITY:
                if (!in_array($s->type, [ZMQ::SOCKET_REQ, ZMQ::SOCKET_REP, ZMQ::SOCKET_DEALER, ZMQ::SOCKET_ROUTER], true)) {
                    throw new ZMQSocketException("$php is not valid for this socket type", 0);
                }
                break;
        }
        try {
            $this->setByName($zs, $value);
        } catch (ZsError $e) {
            if ($key === ZMQ::SOCKOPT_IDENTITY && $e->getCode() === ZsError::ZS_ERR_WRONG_STATE
                && strlen((string) $value) <= 255) {
                // libzmq takes an identity after a bind (for later
                // connections); zmqsocket only before the first (SPEC 4):
                // kept and read back, not applied
                $s->held[$key] = (string) $value;
                return $this;
            }
            throw $fail($e);
        }
        if ($key === ZMQ::SOCKOPT_SNDHWM) {
            $s->sndhwm = (int) $value;
        } elseif ($key === ZMQ::SOCKOPT_RCVHWM) {
            $s->rcvhwm = (int) $value;
        }
        return $this;
    }

    /** Set by name in the form the option takes, converting $value as php-zmq does (to int or string). */
    private function setByName(string $name, $value): void
    {
        $socket = $this->zmqsocketShared->socket;
        $asInt = is_int($value) || is_bool($value) || is_float($value) || (is_string($value) && is_numeric($value));
        try {
            $socket->setOption($name, $asInt ? (int) $value : (string) $value);
        } catch (ZsError $e) {
            $wrongForm = $e->getCode() === ZsError::ZS_ERR_INVALID_ARGUMENT
                && preg_match('/ is an? (integer|bytes) option /', $e->getMessage());
            if (!$wrongForm) {
                throw $e;
            }
            $socket->setOption($name, $asInt ? (string) $value : (int) $value);
        }
    }

    public function getsockopt($key)
    {
        $key = (int) $key;
        $opt = self::option($key);
        if ($opt === null) {
            throw new ZMQSocketException("Unknown option key $key", ZMQ::ERR_INTERNAL);
        }
        [$php, $zs] = $opt;
        $s = $this->zmqsocketShared;
        switch ($key) {
            case ZMQ::SOCKOPT_SNDTIMEO:
                return $s->sndtimeo;
            case ZMQ::SOCKOPT_RCVTIMEO:
                return $s->rcvtimeo;
            case ZMQ::SOCKOPT_IPV4ONLY:
                return $s->held[$key] ?? 0;
            case ZMQ::SOCKOPT_HWM:
            case ZMQ::SOCKOPT_ROUTER_MANDATORY:
            case ZMQ::SOCKOPT_CONFLATE:
                // write-only in php-zmq
                throw new ZMQSocketException("Unknown option key $key", ZMQ::ERR_INTERNAL);
            case ZMQ::SOCKOPT_TYPE:
                return $s->type;
            case ZMQ::SOCKOPT_ZAP_DOMAIN:
            case ZMQ::SOCKOPT_IPV6:
            case ZMQ::SOCKOPT_IDENTITY:
                if (isset($s->held[$key])) {
                    return $s->held[$key];
                }
                break;
        }
        try {
            $v = $s->socket->getOption($zs);
        } catch (ZsError $e) {
            throw Errno::exception(ZMQSocketException::class, "Failed to get the option $php value", $e);
        }
        if ($key === ZMQ::SOCKOPT_CURVE_PUBLICKEY || $key === ZMQ::SOCKOPT_CURVE_SECRETKEY
            || $key === ZMQ::SOCKOPT_CURVE_SERVERKEY) {
            return \ZmqSocket\Security::z85Decode($v); // php-zmq reads the 32 raw bytes
        }
        if ($key === ZMQ::SOCKOPT_FD) {
            // php-zmq gives a stream for stream_select() / ZMQPoll
            $stream = @fopen("php://fd/$v", 'r');
            if ($stream === false) {
                throw new ZMQSocketException("Failed to get the option $php value: Invalid argument", Errno::EINVAL);
            }
            return $stream;
        }
        return $v;
    }

    /** var_dump() shows no properties, as for php-zmq's objects. */
    public function __debugInfo(): array
    {
        return [];
    }
}
