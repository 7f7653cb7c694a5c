<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

/**
 * The php-zmq calls Storyplayer's ZeroMQ module makes (its ZmqSocket
 * actions and expectations), in its order: make sockets from a context,
 * set HWMs, bind ports, connect to hosts with force, send and sendmulti
 * with SNDTIMEO, the non-blocking forms, getEndpoints, and unbind and
 * disconnect by the endpoints getEndpoints returns.
 */
final class StoryplayerTest extends CompatTestCase
{
    private static function socketFor(\ZMQContext $ctx, int $type, int $sendHwm = 100, int $recvHwm = 100): \ZMQSocket
    {
        $socket = new \ZMQSocket($ctx, $type);
        $socket->setSockOpt(\ZMQ::SOCKOPT_LINGER, 0);
        $socket->setSockOpt(\ZMQ::SOCKOPT_SNDHWM, $sendHwm);
        $socket->setSockOpt(\ZMQ::SOCKOPT_RCVHWM, $recvHwm);
        return $socket;
    }

    private static function portOf(\ZMQSocket $s): int
    {
        $ep = $s->getSockOpt(\ZMQ::SOCKOPT_LAST_ENDPOINT);
        return (int) substr($ep, strrpos($ep, ':') + 1);
    }

    public function testTheModulesCallsInItsOrder(): void
    {
        $ctx = new \ZMQContext();
        // bindToPort
        $in = self::socketFor($ctx, \ZMQ::SOCKET_PULL);
        $in->bind('tcp://127.0.0.1:*');
        $port = self::portOf($in);
        $out = self::socketFor($ctx, \ZMQ::SOCKET_PUSH);
        // connectToHost: Storyplayer always forces
        $out->connect("tcp://127.0.0.1:$port", true);
        $out->connect("tcp://127.0.0.1:$port", true);
        $this->assertSame(['connect' => ["tcp://127.0.0.1:$port"], 'bind' => []], $out->getEndpoints());
        $this->assertSame(['connect' => [], 'bind' => ['tcp://127.0.0.1:*']], $in->getEndpoints());

        // send / sendMulti with a timeout
        $out->setSockOpt(\ZMQ::SOCKOPT_SNDTIMEO, 5000);
        $this->assertNotFalse($out->send('command'));
        $this->assertNotFalse($out->sendmulti(['multi', 'part']));
        $in->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 5000);
        $this->assertSame('command', $in->recv());
        $this->assertSame(['multi', 'part'], $in->recvmulti());

        // sendNonBlocking / recvNonBlocking, and the expectation canSendNonBlocking
        $this->assertNotFalse($out->send('quick', \ZMQ::MODE_NOBLOCK));
        $deadline = microtime(true) + 10;
        while (($got = $in->recv(\ZMQ::MODE_NOBLOCK)) === false && microtime(true) < $deadline) {
            usleep(1000);
        }
        $this->assertSame('quick', $got);
        $this->assertFalse($in->recv(\ZMQ::MODE_NOBLOCK), 'nothing more');

        // a send that times out: the peer's queue is full (HWMs of 1)
        $slowIn = self::socketFor($ctx, \ZMQ::SOCKET_PULL, 1, 1);
        $slowIn->bind('tcp://127.0.0.1:*');
        $slowOut = self::socketFor($ctx, \ZMQ::SOCKET_PUSH, 1, 1);
        $slowOut->connect('tcp://127.0.0.1:' . self::portOf($slowIn), true);
        $slowOut->setSockOpt(\ZMQ::SOCKOPT_SNDTIMEO, 100);
        $sent = 0;
        while ($slowOut->send(str_repeat('x', 100000)) !== false && $sent < 10000) {
            $sent++;
        }
        $this->assertLessThan(10000, $sent, 'the queue filled up and send returned false');
        $this->assertFalse($slowOut->send('more', \ZMQ::MODE_NOBLOCK), 'canSendNonBlocking: no');

        // unbindFromAllPorts / disconnectFromAllHosts, by getEndpoints
        foreach ($out->getEndpoints()['connect'] as $ep) {
            $out->disconnect($ep);
        }
        foreach ($in->getEndpoints()['bind'] as $ep) {
            $in->unbind($ep);
        }
        $this->assertSame(['connect' => [], 'bind' => []], $out->getEndpoints());
        $this->assertSame(['connect' => [], 'bind' => []], $in->getEndpoints());
        $again = self::socketFor($ctx, \ZMQ::SOCKET_PULL);
        $again->bind("tcp://127.0.0.1:$port"); // the port is free again
        $this->assertSame($port, self::portOf($again));
    }

    public function testUnbindByTheResolvedEndpointToo(): void
    {
        $s = self::socketFor(new \ZMQContext(), \ZMQ::SOCKET_PULL);
        $s->bind('tcp://127.0.0.1:*');
        $resolved = $s->getSockOpt(\ZMQ::SOCKOPT_LAST_ENDPOINT);
        $s->unbind($resolved);
        $this->assertSame(['tcp://127.0.0.1:*'], $s->getEndpoints()['bind'], 'php-zmq forgets only the string given');
        self::assertThrowsCode(\ZMQSocketException::class, 2, fn () => $s->unbind($resolved));
    }
}
