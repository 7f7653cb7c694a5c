<?php

use ZmqSocket\Compat\Errno;
use ZmqSocket\Compat\SharedSocket;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException as ZsError;

/**
 * php-zmq's ZMQDevice: run() forwards whole messages between the frontend
 * and the backend in this PHP process (a copy of each to the capture
 * socket, when there is one) until the idle or timer callback returns
 * false. The idle callback runs when nothing arrived for its timeout
 * (ms), the timer callback every timeout ms; each gets the user data.
 */
class ZMQDevice
{
    private ZMQSocket $front;
    private ZMQSocket $back;
    private ?ZMQSocket $capture;
    /** @var array{0: ?callable, 1: int, 2: mixed} callback, timeout ms, user data */
    private array $idle = [null, 0, null];
    private array $timer = [null, 0, null];

    public function __construct(ZMQSocket $frontend, ZMQSocket $backend, ?ZMQSocket $capture = null)
    {
        if (func_num_args() > 3) {
            throw new ArgumentCountError('ZMQDevice::__construct() expects at most 3 arguments, ' . func_num_args() . ' given');
        }
        $this->front = $frontend;
        $this->back = $backend;
        $this->capture = $capture;
    }

    public function setidlecallback($idle_callback, $timeout = 0, $user_data = null): ZMQDevice
    {
        if (func_num_args() === 2) {
            // php-zmq's old signature: (callback, user data)
            trigger_error('ZMQDevice::setidlecallback(): The signature for setIdleCallback has changed, please update your code', E_USER_DEPRECATED);
            $user_data = $timeout;
            $timeout = 0;
        }
        $this->idle = [self::callable($idle_callback, 'setIdleCallback'), (int) $timeout ?: $this->idle[1], $user_data];
        return $this;
    }

    public function setidletimeout($timeout): ZMQDevice
    {
        $this->idle[1] = (int) $timeout;
        return $this;
    }

    public function getidletimeout(): int
    {
        return $this->idle[1];
    }

    public function settimercallback($timer_callback, $timeout, $user_data = null): ZMQDevice
    {
        $this->timer = [self::callable($timer_callback, 'setTimerCallback'), (int) $timeout, $user_data];
        return $this;
    }

    public function settimertimeout($timeout): ZMQDevice
    {
        $this->timer[1] = (int) $timeout;
        return $this;
    }

    public function gettimertimeout(): int
    {
        return $this->timer[1];
    }

    private static function callable($cb, string $method): callable
    {
        if (!is_callable($cb)) {
            throw new TypeError("ZMQDevice::$method(): Argument #1 must be a valid callback");
        }
        return $cb;
    }

    /** Forward until a callback returns false; ZMQDeviceException when a socket fails. */
    public function run(): void
    {
        $front = SharedSocket::of($this->front);
        $back = SharedSocket::of($this->back);
        $capture = $this->capture === null ? null : SharedSocket::of($this->capture);
        $items = [[$front, ZMQ::POLL_IN], [$back, ZMQ::POLL_IN]];
        $now = ZMQ::clock();
        $last = $now;
        $timerAt = $now + $this->timer[1];
        $idleAt = $now + $this->idle[1];
        try {
            while (true) {
                $timeout = $this->timeout($timerAt, $idleAt);
                $ready = Socket::pollEvents($items, $timeout < 0 ? -1.0 : $timeout / 1000.0);
                $now = ZMQ::clock();
                $got = $ready[0] || $ready[1];
                if ($got) {
                    $last = $now;
                }
                if ($this->timer[0] !== null && $this->timer[1] > 0 && $timerAt <= $now) {
                    $go = ($this->timer[0])($this->timer[2]);
                    $timerAt = $now + $this->timer[1]; // the timeout the callback may have changed
                    if (!$go) {
                        return;
                    }
                }
                if (!$got) {
                    if ($this->idle[0] !== null && $this->idle[1] > 0
                        && $now - $last >= $this->idle[1] && $idleAt <= $now) {
                        $go = ($this->idle[0])($this->idle[2]);
                        $idleAt = $now + $this->idle[1];
                        if (!$go) {
                            return;
                        }
                    }
                    continue;
                }
                if ($ready[0]) {
                    self::forward($front, $back, $capture);
                }
                if ($ready[1]) {
                    self::forward($back, $front, $capture);
                }
            }
        } catch (ZsError $e) {
            throw Errno::exception(ZMQDeviceException::class, 'Failed to start the device', $e);
        }
    }

    /** ms until the next callback is due (-1: none is set). */
    private function timeout(int $timerAt, int $idleAt): int
    {
        $now = ZMQ::clock();
        $timeout = -1;
        if ($this->timer[0] !== null && $this->timer[1] > 0) {
            $timeout = max(1, $timerAt - $now);
        }
        if ($this->idle[0] !== null && $this->idle[1] > 0) {
            $t = max(1, $idleAt - $now);
            $timeout = $timeout < 0 ? $t : min($timeout, $t);
        }
        return $timeout;
    }

    private static function forward(Socket $from, Socket $to, ?Socket $capture): void
    {
        $frames = $from->recvMulti(-1.0);
        $capture?->sendMulti($frames, -1.0);
        $to->sendMulti($frames, -1.0);
    }

    /** var_dump() shows no properties, as for php-zmq's objects. */
    public function __debugInfo(): array
    {
        return [];
    }
}
