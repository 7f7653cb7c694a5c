<?php

declare(strict_types=1);

namespace ZmqSocket\Compat;

use ZmqSocket\Event;

/**
 * ZMQSocket::monitor($dsn, $events): php-zmq publishes a socket's events
 * on an inproc endpoint that a PAIR socket connects to and reads with
 * recvEvent(). zmqsocket already logs every socket's events (zs_next_event),
 * so the layer only remembers which socket an endpoint names: a socket
 * that connects to it reads that socket's log, filtered by $events.
 *
 * @internal for the php-zmq layer (bindings/php/compat)
 */
final class Monitor
{
    /** @var array<string, Monitor> by endpoint */
    private static array $byEndpoint = [];

    /** @var \WeakReference<SharedSocket> weak: a monitor does not keep its socket open */
    private \WeakReference $watched;
    private bool $stopped = false;

    private function __construct(SharedSocket $watched, public readonly int $events)
    {
        $this->watched = \WeakReference::create($watched);
    }

    public static function add(string $dsn, SharedSocket $watched, int $events): void
    {
        self::$byEndpoint[$dsn] = new self($watched, $events);
    }

    /** The monitor an endpoint names, if it is one. */
    public static function find(string $dsn): ?self
    {
        return self::$byEndpoint[$dsn] ?? null;
    }

    /**
     * The next event that $events asks for, as php-zmq's recvEvent()
     * returns it (event, value, address), waiting up to $timeoutMs
     * (-1 = forever); null when none came in time.
     */
    public function next(int $timeoutMs): ?array
    {
        $watched = $this->watched->get();
        if ($watched === null || $watched->socket->isDestroyed()) {
            // The socket is gone: as libzmq, one MONITOR_STOPPED, then nothing.
            if ($this->stopped || !($this->events & Event::MONITOR_STOPPED)) {
                return null;
            }
            $this->stopped = true;
            return ['event' => Event::MONITOR_STOPPED, 'value' => 0, 'address' => ''];
        }
        $deadline = $timeoutMs < 0 ? INF : microtime(true) + $timeoutMs / 1000.0;
        do {
            $left = $deadline === INF ? -1.0 : max(0.0, $deadline - microtime(true));
            $ev = $watched->socket->nextEvent($left);
            if ($ev === null) {
                return null;
            }
            if ($ev->kind & $this->events) {
                return ['event' => $ev->kind, 'value' => $ev->value, 'address' => $ev->endpoint];
            }
        } while (true);
    }
}
