<?php

use ZmqSocket\Compat\Errno;
use ZmqSocket\Compat\SharedSocket;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException as ZsError;

/**
 * php-zmq's ZMQPoll: a set of ZMQSocket objects and PHP streams, polled
 * for ZMQ::POLL_IN / ZMQ::POLL_OUT. Items are keyed as php-zmq keys them
 * ("o:" and spl_object_hash for an object, "r:" and the resource id for a
 * stream). Streams are polled with stream_select() in turns with the
 * sockets (slices of at most 10 ms) when the set holds both.
 */
class ZMQPoll
{
    /** @var array<string, array{0: ZMQSocket|resource, 1: int}> */
    private array $items = [];
    private array $errors = [];

    /** Add $entry (a ZMQSocket or a stream) for $type events; returns its key. */
    public function add($entry, $type): string
    {
        if ($entry instanceof ZMQSocket) {
            $key = 'o:' . spl_object_hash($entry);
        } elseif (is_resource($entry)) {
            if (get_resource_type($entry) !== 'stream') {
                throw new ZMQPollException('The supplied resource is not a valid stream resource', ZMQ::ERR_INTERNAL);
            }
            $key = 'r:' . get_resource_id($entry);
        } else {
            throw new ZMQPollException('The first argument must be an instance of ZMQSocket or a resource', ZMQ::ERR_INTERNAL);
        }
        if (!isset($this->items[$key])) {
            $this->items[$key] = [$entry, (int) $type];
        }
        return $key;
    }

    /** Remove an item (the object, the stream, or its key); false if it is not in the set. */
    public function remove($remove): bool
    {
        if (!$this->items) {
            throw new ZMQPollException('No sockets assigned to the ZMQPoll', ZMQ::ERR_INTERNAL);
        }
        if (is_object($remove)) {
            if (!$remove instanceof ZMQSocket) {
                throw new ZMQPollException('The object must be an instanceof ZMQSocket', ZMQ::ERR_INTERNAL);
            }
            $key = 'o:' . spl_object_hash($remove);
        } elseif (is_resource($remove)) {
            $key = 'r:' . get_resource_id($remove);
        } else {
            $key = (string) $remove;
        }
        if (!isset($this->items[$key])) {
            return false;
        }
        unset($this->items[$key]);
        return true;
    }

    /**
     * Wait up to $timeout ms (-1: forever) for an item to be ready; fills
     * $readable and $writable with the ready items (when they are arrays)
     * and returns how many items are ready.
     */
    public function poll(&$readable, &$writable, $timeout = -1): int
    {
        if (!$this->items) {
            throw new ZMQPollException('No sockets assigned to the ZMQPoll', ZMQ::ERR_INTERNAL);
        }
        $this->errors = [];
        $wantRead = is_array($readable);
        $wantWrite = is_array($writable);
        if ($wantRead) {
            $readable = [];
        }
        if ($wantWrite) {
            $writable = [];
        }
        $sockets = [];
        $streams = [];
        foreach ($this->items as $key => [$entry, $events]) {
            if ($entry instanceof ZMQSocket) {
                $sockets[$key] = [SharedSocket::of($entry), $events & (ZMQ::POLL_IN | ZMQ::POLL_OUT)];
            } elseif (is_resource($entry)) {
                $streams[$key] = [$entry, $events];
            } else {
                $this->errors[] = $key; // closed since it was added: skipped, as php-zmq does
            }
        }
        $timeout = (int) $timeout;
        if (!$sockets && !$streams) {
            usleep(max(0, $timeout) * 1000); // nothing left that can be polled
            return 0;
        }
        $deadline = $timeout < 0 ? INF : microtime(true) + $timeout / 1000.0;
        try {
            do {
                $ready = [];
                $left = $deadline === INF ? -1.0 : max(0.0, $deadline - microtime(true));
                if ($streams) {
                    $ready = $this->selectStreams($streams, $sockets ? 0 : $left);
                    $slice = $ready ? 0.0 : ($left < 0 ? 0.01 : min($left, 0.01));
                } else {
                    $slice = $left;
                }
                if ($sockets) {
                    foreach (Socket::pollEvents($sockets, $slice) as $key => $r) {
                        if ($r) {
                            $ready[$key] = $r;
                        }
                    }
                }
            } while (!$ready && ($deadline === INF || microtime(true) < $deadline) && ($streams || $deadline !== INF));
        } catch (ZsError $e) {
            throw Errno::exception(ZMQPollException::class, 'Poll failed', $e);
        }
        $n = 0;
        foreach ($this->items as $key => [$entry, $events]) {
            if (!isset($ready[$key])) {
                continue;
            }
            $n++;
            if ($wantRead && ($ready[$key] & ZMQ::POLL_IN)) {
                $readable[] = $entry;
            }
            if ($wantWrite && ($ready[$key] & ZMQ::POLL_OUT)) {
                $writable[] = $entry;
            }
        }
        return $n;
    }

    /** stream_select() over the stream items: key => ready events. */
    private function selectStreams(array $streams, float $seconds): array
    {
        $r = $w = $e = [];
        foreach ($streams as $key => [$stream, $events]) {
            if ($events & ZMQ::POLL_IN) {
                $r[$key] = $stream;
            }
            if ($events & ZMQ::POLL_OUT) {
                $w[$key] = $stream;
            }
        }
        if (!$r && !$w) {
            return [];
        }
        $sec = $seconds < 0 ? null : (int) $seconds;
        $usec = $seconds < 0 ? null : (int) (($seconds - (int) $seconds) * 1e6);
        if (@stream_select($r, $w, $e, $sec, $usec) === false) {
            throw new ZMQPollException('Poll failed: Interrupted system call', 4);
        }
        $ready = [];
        foreach ($r as $key => $_) {
            $ready[$key] = ($ready[$key] ?? 0) | ZMQ::POLL_IN;
        }
        foreach ($w as $key => $_) {
            $ready[$key] = ($ready[$key] ?? 0) | ZMQ::POLL_OUT;
        }
        return $ready;
    }

    /** The keys of the items the last poll() could not poll (streams closed since they were added). */
    public function getlasterrors(): array
    {
        return $this->errors;
    }

    public function count(): int
    {
        return count($this->items);
    }

    public function clear(): ZMQPoll
    {
        $this->items = [];
        $this->errors = [];
        return $this;
    }

    /** The items, by key. */
    public function items(): array
    {
        $out = [];
        foreach ($this->items as $key => [$entry, $_]) {
            $out[$key] = $entry;
        }
        return $out;
    }

    /** var_dump() shows no properties, as for php-zmq's objects. */
    public function __debugInfo(): array
    {
        return [];
    }
}
