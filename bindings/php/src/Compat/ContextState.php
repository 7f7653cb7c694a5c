<?php

declare(strict_types=1);

namespace ZmqSocket\Compat;

/**
 * What php-zmq keeps per context. zmqsocket has one libzmq context per
 * process, so a ZMQContext is only bookkeeping: whether it is persistent,
 * its options, and its sockets (getSocketCount()). Persistent contexts are
 * shared by io_threads within the process, ZMQContext::acquire() returns
 * the one process-wide context, as in php-zmq. A child process (fork)
 * starts with none: the parent's sockets are not its own.
 *
 * @internal for the php-zmq layer (bindings/php/compat)
 */
final class ContextState
{
    public const MAX_SOCKETS_DEFAULT = 1023;

    /** @var array<string, ContextState> persistent contexts by key */
    private static array $contexts = [];
    /** @var array<string, SharedSocket> persistent sockets by key */
    private static array $sockets = [];
    private static int $pid = 0;
    /** @var ?\WeakMap<\ZMQContext, ContextState> each ZMQContext's state */
    private static ?\WeakMap $of = null;

    public int $maxSockets = self::MAX_SOCKETS_DEFAULT;
    /** @var \WeakMap<SharedSocket, true> */
    private \WeakMap $live;

    private function __construct(public readonly bool $persistent, public readonly bool $shared)
    {
        $this->live = new \WeakMap();
    }

    /** The context new ZMQContext($ioThreads, $persistent) uses. */
    public static function get(int $ioThreads, bool $persistent): self
    {
        if (!$persistent) {
            return new self(false, false);
        }
        return self::persistent("ctx:$ioThreads", false);
    }

    /** ZMQContext::acquire()'s process-wide context. */
    public static function acquire(): self
    {
        return self::persistent('shared', true);
    }

    private static function persistent(string $key, bool $shared): self
    {
        self::forgetParent();
        return self::$contexts[$key] ??= new self(true, $shared);
    }

    /** Record $ctx's state (ZMQContext's constructor and acquire()). */
    public static function attach(\ZMQContext $ctx, self $state): void
    {
        self::$of ??= new \WeakMap();
        self::$of[$ctx] = $state;
    }

    /** The state of a ZMQContext (kept here, not as a method php-zmq's API lacks). */
    public static function of(\ZMQContext $ctx): self
    {
        return self::$of[$ctx];
    }

    /** A new socket of this context, or the persistent one $id names. */
    public function socket(int $type, ?string $id, bool &$isNew): SharedSocket
    {
        $isNew = false;
        $key = null;
        if ($this->persistent && $id !== null && $id !== '') {
            self::forgetParent();
            $key = ($this->shared ? 's' : 'p') . ":$type:$id";
            if (isset(self::$sockets[$key])) {
                return self::$sockets[$key];
            }
        }
        $isNew = true;
        return new SharedSocket($type, $this);
    }

    /** Keep a new persistent socket (after its on-new-socket callback succeeded). */
    public function store(SharedSocket $s, string $id): void
    {
        self::$sockets[($this->shared ? 's' : 'p') . ":{$s->type}:$id"] = $s;
    }

    /** @internal SharedSocket's constructor */
    public function adopt(SharedSocket $s): void
    {
        $this->live[$s] = true;
    }

    /** This context's sockets that are still open, in this process. */
    public function socketCount(): int
    {
        $n = 0;
        $pid = getmypid();
        foreach ($this->live as $s => $_) {
            if ($s->pid === $pid && !$s->socket->isDestroyed()) {
                $n++;
            }
        }
        return $n;
    }

    /** After a fork the parent's persistent sockets are not usable: forget them. */
    private static function forgetParent(): void
    {
        $pid = getmypid();
        if (self::$pid !== $pid) {
            self::$pid = $pid;
            self::$sockets = [];
        }
    }
}
