<?php

declare(strict_types=1);

namespace ZmqSocket\Compat;

use ZmqSocket\Library;
use ZmqSocket\Socket;

/**
 * One zmqsocket socket as php-zmq's ZMQSocket objects see it: the state
 * php-zmq keeps per libzmq socket (not per PHP object), shared by every
 * ZMQSocket object that reaches the socket (a persistent id's, a clone's).
 * It owns the Socket: the socket is destroyed (with its linger) when the
 * last ZMQSocket object and registry entry holding it are gone.
 *
 * @internal for the php-zmq layer (bindings/php/compat)
 */
final class SharedSocket
{
    /** php-zmq's (libzmq's) default HWMs; zmqsocket's own default is 100. */
    public const DEFAULT_HWM = 1000;

    public readonly Socket $socket;
    public readonly int $handle;
    public readonly int $type;
    public readonly int $pid;
    /**
     * Single frames go through the zmqsocket_native extension (whose
     * SocketMethods reads this, $handle, $pending, $sndtimeo and $rcvtimeo
     * by name: keep them declared).
     */
    public readonly bool $native;
    public readonly \FFI $ffi;

    /** Endpoints as given to bind() and connect(), in order (php-zmq's getEndpoints()). */
    public array $bind = [];
    public array $connect = [];
    /** SOCKOPT_SNDTIMEO / RCVTIMEO in ms, the timeouts of later sends and receives (-1 = forever). */
    public int $sndtimeo = -1;
    public int $rcvtimeo = -1;
    public int $sndhwm = self::DEFAULT_HWM;
    public int $rcvhwm = self::DEFAULT_HWM;
    /** Frames sent with MODE_SNDMORE, sent with the next frame without it. */
    public array $pending = [];
    /**
     * SOCKOPT_ROUTER_MANDATORY as the user set it: zmqsocket's ROUTERs are
     * always mandatory, so with 0 (libzmq's default) a message to an
     * unknown peer is dropped here, as libzmq drops it.
     */
    public bool $routerMandatory = false;
    /** SOCKOPT_ZAP_DOMAIN, IPV6, IPV4ONLY as set: kept, not applied (see ZMQSocket::setsockopt). */
    public array $held = [];
    /** The socket whose events this one reads with recvEvent() (connected to its monitor endpoint). */
    public ?Monitor $monitor = null;

    /** @var ?\WeakMap<\ZMQSocket, SharedSocket> */
    private static ?\WeakMap $of = null;

    /** Record the socket a ZMQSocket object reaches (its constructor). */
    public static function attach(\ZMQSocket $object, self $s): void
    {
        self::$of ??= new \WeakMap();
        self::$of[$object] = $s;
    }

    /** The zmqsocket Socket of a ZMQSocket (for ZMQPoll and ZMQDevice). */
    public static function of(\ZMQSocket $object): Socket
    {
        return self::$of[$object]->socket;
    }

    /**
     * ZMQSocket::recv's FFI path, as Socket::recv's: one zs_recv_packed
     * call with one argument ($rxPtr), into $rxBuf; a longer frame comes
     * whole in $rx->overflow. $rxTimeout is the timeout $rx holds.
     */
    public const RECV_BUF_SIZE = 16384;
    public readonly \FFI\CData $rx;
    public readonly \FFI\CData $rxPtr;
    public readonly \FFI\CData $rxBuf;
    public int $rxTimeout = -1;

    public function __construct(int $type, public readonly ContextState $context)
    {
        $this->socket = new Socket($type);
        $this->socket->setOption('SNDHWM', self::DEFAULT_HWM);
        $this->socket->setOption('RCVHWM', self::DEFAULT_HWM);
        $this->handle = $this->socket->getHandle();
        $this->type = $type;
        $this->pid = getmypid();
        $this->native = Library::native();
        $this->ffi = Library::ffi();
        $this->rxBuf = $this->ffi->new('char[' . self::RECV_BUF_SIZE . ']');
        $this->rx = $this->ffi->new('struct zs_recv_args');
        $this->rx->socket = $this->handle;
        $this->rx->timeout_ms = $this->rxTimeout;
        $this->rx->buf = \FFI::addr($this->rxBuf[0]);
        $this->rx->cap = self::RECV_BUF_SIZE;
        $this->rxPtr = \FFI::addr($this->rx);
        $context->adopt($this);
    }

    /**
     * Never made from a string: an unserialized one would name a live
     * socket by its handle without owning it. (Serializing fails already:
     * FFI objects are not serializable.)
     */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('Unserialization of ' . self::class . ' is not allowed');
    }

    /** The frame zs_recv_packed handed over whole (longer than $rxBuf): its bytes, freed. */
    public function takeOverflow(int $n): string
    {
        $data = \FFI::string($this->rx->overflow->frames->data, $n);
        $this->ffi->zs_message_free(\FFI::addr($this->rx->overflow));
        return $data;
    }

    /** $ms (-1 = forever) as the Socket API's seconds. */
    public static function seconds(int $ms): float
    {
        return $ms < 0 ? -1.0 : $ms / 1000.0;
    }
}
