<?php

use ZmqSocket\Compat\ContextState;

/**
 * php-zmq's ZMQContext. zmqsocket runs one libzmq context per process, so
 * every ZMQContext shares it; what php-zmq keeps per context (persistence,
 * CTXOPT_MAX_SOCKETS, the socket count) is kept here. Persistent contexts
 * (the default, as in php-zmq) are shared by io_threads; acquire() returns
 * the process-wide one.
 */
class ZMQContext
{
    private ContextState $state;

    public function __construct($io_threads = 1, $persistent = true)
    {
        $this->state = ContextState::get((int) $io_threads, (bool) $persistent);
        ContextState::attach($this, $this->state);
    }

    /** The process-wide shared context (persistent). */
    public static function acquire(): ZMQContext
    {
        $ctx = (new ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $ctx->state = ContextState::acquire();
        ContextState::attach($ctx, $ctx->state);
        return $ctx;
    }

    /** A new ZMQSocket of $type (or the persistent one $persistent_id names). */
    public function getsocket($type, $persistent_id = null, $on_new_socket = null): ZMQSocket
    {
        return new ZMQSocket($this, $type, $persistent_id, $on_new_socket);
    }

    public function ispersistent(): bool
    {
        return $this->state->persistent;
    }

    /** Open sockets made through this context (through any ZMQContext sharing it). */
    public function getsocketcount(): int
    {
        return $this->state->socketCount();
    }

    /**
     * Set ZMQ::CTXOPT_MAX_SOCKETS (kept and read back; zmqsocket's context
     * has libzmq's own limit). Other options: ZMQContextException.
     * Returns null, as php-zmq's does.
     */
    public function setOpt($option, $value): void
    {
        if ((int) $option !== ZMQ::CTXOPT_MAX_SOCKETS) {
            throw new ZMQContextException('Unknown option key', ZMQ::ERR_INTERNAL);
        }
        if ((int) $value < 1) {
            throw new ZMQContextException(
                'Failed to set the option ZMQ::CTXOPT_MAX_SOCKETS value: Invalid argument',
                22
            );
        }
        $this->state->maxSockets = (int) $value;
    }

    public function getOpt($option): int
    {
        if ((int) $option !== ZMQ::CTXOPT_MAX_SOCKETS) {
            throw new ZMQContextException('Unknown option key', ZMQ::ERR_INTERNAL);
        }
        return $this->state->maxSockets;
    }

    /** var_dump() shows no properties, as for php-zmq's objects. */
    public function __debugInfo(): array
    {
        return [];
    }
}
