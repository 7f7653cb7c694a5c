<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

/** ZMQDevice: forwarding both ways with a capture, its callbacks, its errors. */
final class DeviceTest extends CompatTestCase
{
    public function testForwardsBothWaysAndCapturesEveryMessage(): void
    {
        $front = self::socket(\ZMQ::SOCKET_ROUTER);
        $back = self::socket(\ZMQ::SOCKET_DEALER);
        $capture = self::socket(\ZMQ::SOCKET_PUSH);
        $client = self::socket(\ZMQ::SOCKET_REQ);
        $worker = self::socket(\ZMQ::SOCKET_REP);
        $tap = self::socket(\ZMQ::SOCKET_PULL);
        $client->connect(self::bindAny($front));
        $worker->connect(self::bindAny($back));
        $capture->connect(self::bindAny($tap));
        $device = new \ZMQDevice($front, $back, $capture);
        $step = 0;
        // the timer drives both ends from inside run(): one process
        $device->settimercallback(function ($data) use (&$step, $client, $worker) {
            $this->assertSame('user data', $data);
            switch ($step++) {
                case 0:
                    $client->send('request');
                    return true;
                case 1:
                    $req = $worker->recv(\ZMQ::MODE_DONTWAIT);
                    if ($req === false) {
                        $step--;
                        return true;
                    }
                    $this->assertSame('request', $req);
                    $worker->sendmulti(['re', 'ply']);
                    return true;
                default:
                    return $client->recvmulti(\ZMQ::MODE_DONTWAIT) === false ? true : false;
            }
        }, 10, 'user data');
        $this->assertSame(10, $device->gettimertimeout());
        $device->run();
        $this->assertGreaterThanOrEqual(3, $step);
        $copy1 = $tap->recvmulti();
        $this->assertSame('request', end($copy1), 'the request, with its envelope');
        $copy2 = $tap->recvmulti();
        $this->assertSame(['re', 'ply'], array_slice($copy2, -2));
    }

    public function testIdleCallbackRunsWhenNothingArrives(): void
    {
        $device = new \ZMQDevice(self::socket(\ZMQ::SOCKET_PULL), self::socket(\ZMQ::SOCKET_PUSH));
        $calls = 0;
        $t = microtime(true);
        $this->assertSame($device, $device->setidlecallback(function () use (&$calls) {
            return ++$calls < 3;
        }, 30, null));
        $this->assertSame(30, $device->getidletimeout());
        $device->run();
        $this->assertSame(3, $calls);
        $this->assertGreaterThanOrEqual(0.08, microtime(true) - $t);
        $device->setidletimeout(20)->settimertimeout(15);
        $this->assertSame(20, $device->getidletimeout());
        $this->assertSame(15, $device->gettimertimeout());
    }

    public function testTheTimerRunsAtItsIntervalEvenWhenBusy(): void
    {
        $device = new \ZMQDevice(self::socket(\ZMQ::SOCKET_PULL), self::socket(\ZMQ::SOCKET_PUSH));
        $times = [];
        $device->settimercallback(function () use (&$times, $device) {
            $times[] = \ZMQ::clock();
            $device->settimertimeout(40); // applies from this call on, as in php-zmq
            return count($times) < 3;
        }, 20);
        $device->run();
        $this->assertCount(3, $times);
        $this->assertGreaterThanOrEqual(39, $times[2] - $times[1]);
    }

    public function testASocketFailureIsADeviceException(): void
    {
        $front = self::socket(\ZMQ::SOCKET_PULL);
        $back = self::socket(\ZMQ::SOCKET_PUSH);
        $device = new \ZMQDevice($front, $back);
        $device->setidlecallback(function () use ($front) {
            \ZmqSocket\Compat\SharedSocket::of($front)->destroy(); // pulled from under the device
            return true;
        }, 10, null);
        $e = self::assertThrowsCode(\ZMQDeviceException::class, 88, fn () => $device->run());
        $this->assertStringStartsWith('Failed to start the device: ', $e->getMessage());
        $this->expectException(\TypeError::class);
        $device->settimercallback('no_such_function', 10);
    }

    public function testTheOldIdleSignatureIsDeprecatedAndStillWorks(): void
    {
        $device = new \ZMQDevice(self::socket(\ZMQ::SOCKET_PULL), self::socket(\ZMQ::SOCKET_PUSH));
        $device->setidletimeout(15);
        $seen = [];
        set_error_handler(function (int $no, string $msg) use (&$seen) {
            $seen[] = [$no, $msg];
            return true;
        });
        try {
            $device->setidlecallback(function ($data) {
                $this->assertSame('old data', $data);
                return false;
            }, 'old data');
        } finally {
            restore_error_handler();
        }
        $this->assertSame([[E_USER_DEPRECATED, 'ZMQDevice::setidlecallback(): The signature for setIdleCallback has changed, please update your code']], $seen);
        $this->assertSame(15, $device->getidletimeout(), 'the timeout set before is kept');
        $device->run();
        $this->expectException(\ArgumentCountError::class);
        new \ZMQDevice(self::socket(\ZMQ::SOCKET_PULL), self::socket(\ZMQ::SOCKET_PUSH), null, 'extra');
    }
}
