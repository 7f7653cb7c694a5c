<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

use ZmqSocket\Compat\SharedSocket;

/** ZMQSocket: sending and receiving, modes, timeouts, endpoints, errors. */
final class SocketTest extends CompatTestCase
{
    public function testSendAndRecvRoundTripAndReturnTheSocket(): void
    {
        [$rep, $req] = self::pair(\ZMQ::SOCKET_REP, \ZMQ::SOCKET_REQ);
        $this->assertSame($req, $req->send("bin\0ary"));
        $this->assertSame("bin\0ary", $rep->recv());
        $this->assertSame($rep, $rep->sendmsg(''));
        $this->assertSame('', $req->recvmsg());
        $req->send(42); // php-zmq takes any scalar as a string
        $this->assertSame('42', $rep->recv());
        foreach ([16384, 16385, 300000] as $size) { // the receive buffer's edge, and beyond it
            $big = random_bytes($size);
            $rep->send($big);
            $this->assertSame($big, $req->recv());
            $req->send('ok');
            $this->assertSame('ok', $rep->recv());
        }
    }

    public function testDontwaitReturnsFalseAtOnce(): void
    {
        [$pull, $push] = self::pair(\ZMQ::SOCKET_PULL, \ZMQ::SOCKET_PUSH);
        $t = microtime(true);
        $this->assertFalse($pull->recv(\ZMQ::MODE_DONTWAIT));
        $this->assertFalse($pull->recv(\ZMQ::MODE_NOBLOCK));
        $this->assertFalse($pull->recvmulti(\ZMQ::MODE_DONTWAIT));
        $this->assertLessThan(1.0, microtime(true) - $t);
        $lonely = self::socket(\ZMQ::SOCKET_PUSH); // no peer: nothing can be queued
        $this->assertFalse($lonely->send('x', \ZMQ::MODE_DONTWAIT));
        $this->assertFalse($lonely->sendmulti(['a', 'b'], \ZMQ::MODE_DONTWAIT));
        $push->send('there');
        $deadline = microtime(true) + 10;
        while (($got = $pull->recv(\ZMQ::MODE_DONTWAIT)) === false && microtime(true) < $deadline) {
            usleep(1000);
        }
        $this->assertSame('there', $got);
    }

    public function testRcvtimeoAndSndtimeoAreTheTimeoutsOfLaterCalls(): void
    {
        $pull = self::socket(\ZMQ::SOCKET_PULL, 150);
        self::bindAny($pull);
        $this->assertSame(150, $pull->getSockOpt(\ZMQ::SOCKOPT_RCVTIMEO));
        $t = microtime(true);
        $this->assertFalse($pull->recv());
        $this->assertGreaterThanOrEqual(0.14, microtime(true) - $t);
        $this->assertFalse($pull->recvmulti());

        $push = self::socket(\ZMQ::SOCKET_PUSH);
        $this->assertSame(-1, $push->getSockOpt(\ZMQ::SOCKOPT_SNDTIMEO), 'forever by default, as in libzmq');
        $push->setSockOpt(\ZMQ::SOCKOPT_SNDTIMEO, 120);
        $t = microtime(true);
        $this->assertFalse($push->send('nobody'));
        $this->assertGreaterThanOrEqual(0.11, microtime(true) - $t);
        self::assertThrowsCode(\ZMQSocketException::class, 22, fn () => $push->setSockOpt(\ZMQ::SOCKOPT_SNDTIMEO, -5));
        self::assertThrowsCode(\ZMQSocketException::class, 22,
            fn () => $push->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 2147483648)); // beyond int32 ms
        $this->assertSame(120, $push->getSockOpt(\ZMQ::SOCKOPT_SNDTIMEO));
    }

    public function testSndmoreFramesGoAsOneMessage(): void
    {
        [$pull, $push] = self::pair(\ZMQ::SOCKET_PULL, \ZMQ::SOCKET_PUSH);
        $this->assertSame($push, $push->send('a', \ZMQ::MODE_SNDMORE));
        $push->send('b', \ZMQ::MODE_SNDMORE);
        $push->send('c');
        $this->assertSame(['a', 'b', 'c'], $pull->recvmulti());
        $push->send('head', \ZMQ::MODE_SNDMORE)->sendmulti(['x', 'y']);
        $this->assertSame('head', $pull->recv());
        $this->assertSame(1, $pull->getSockOpt(\ZMQ::SOCKOPT_RCVMORE));
        $this->assertSame('x', $pull->recv());
        $this->assertSame('y', $pull->recv());
        $this->assertSame(0, $pull->getSockOpt(\ZMQ::SOCKOPT_RCVMORE));
        $this->assertFalse($push->sendmulti([]), 'php-zmq sends nothing and returns false');
        $push->sendmulti([1, '', 'z']);
        $this->assertSame(['1', '', 'z'], $pull->recvmulti());
    }

    public function testAFailedFinalSendDropsTheHeldFrames(): void
    {
        $lonely = self::socket(\ZMQ::SOCKET_PUSH);
        $lonely->send('held', \ZMQ::MODE_SNDMORE);
        $this->assertFalse($lonely->send('last', \ZMQ::MODE_DONTWAIT));
        $pull = self::socket(\ZMQ::SOCKET_PULL);
        $lonely->connect(self::bindAny($pull));
        $lonely->send('fresh');
        $this->assertSame(['fresh'], $pull->recvmulti());
    }

    public function testErrorsAreSocketExceptionsWithErrnoCodes(): void
    {
        [$rep, $req] = self::pair(\ZMQ::SOCKET_REP, \ZMQ::SOCKET_REQ);
        $req->send('one');
        $e = self::assertThrowsCode(\ZMQSocketException::class, \ZMQ::ERR_EFSM, fn () => $req->send('two'));
        $this->assertSame('Failed to send message: Operation cannot be accomplished in current state', $e->getMessage());
        $this->assertInstanceOf(\ZmqSocket\ZmqSocketException::class, $e->getPrevious(), 'zmqsocket\'s own error behind it');
        self::assertThrowsCode(\ZMQSocketException::class, \ZMQ::ERR_EFSM, fn () => $rep->send('unasked'));

        $taken = self::socket(\ZMQ::SOCKET_PULL);
        $ep = self::bindAny($taken);
        $e = self::assertThrowsCode(\ZMQSocketException::class, 98, fn () => self::socket(\ZMQ::SOCKET_PULL)->bind($ep));
        $this->assertSame('Failed to bind the ZMQ: Address already in use', $e->getMessage());
        self::assertThrowsCode(\ZMQSocketException::class, 22, fn () => $taken->bind('nonsense'));
        self::assertThrowsCode(\ZMQSocketException::class, 22, fn () => $taken->connect('tcp://'));
        $e = self::assertThrowsCode(\ZMQSocketException::class, 2, fn () => $taken->unbind('tcp://127.0.0.1:1'));
        $this->assertStringStartsWith('Failed to unbind the ZMQ socket: ', $e->getMessage());
        self::assertThrowsCode(\ZMQSocketException::class, 2, fn () => $taken->disconnect('tcp://127.0.0.1:1'));
        $e = self::assertThrowsCode(\ZMQSocketException::class, 22, fn () => new \ZMQSocket(self::context(), 99));
        $this->assertSame('Error creating socket: Invalid argument', $e->getMessage());
        self::assertThrowsCode(\ZMQSocketException::class, \ZMQ::ERR_INTERNAL, fn () => new \ZMQSocket(self::context(), 'PUSH'));
        self::assertThrowsCode(\ZMQSocketException::class, \ZMQ::ERR_INTERNAL,
            fn () => new \ZMQSocket(self::context(), \ZMQ::SOCKET_PUSH, 'id', 'no_such_function'));
        $this->assertSame(['connect' => [], 'bind' => ['tcp://127.0.0.1:*']], $taken->getendpoints(), 'failures changed nothing');
    }

    public function testEndpointsAreListedAsGivenAndForceMattersOnlyForRepeats(): void
    {
        $pull = self::socket(\ZMQ::SOCKET_PULL);
        $ep = self::bindAny($pull);
        $pull->bind('tcp://127.0.0.1:*'); // the same string again, unforced: nothing happens
        $this->assertSame(['tcp://127.0.0.1:*'], $pull->getendpoints()['bind']);
        $push = self::socket(\ZMQ::SOCKET_PUSH);
        $this->assertSame($push, $push->connect($ep));
        $push->connect($ep);
        $push->connect($ep, true); // zmqsocket keeps the one connection
        $push->connect('inproc://elsewhere');
        $this->assertSame(['connect' => [$ep, 'inproc://elsewhere'], 'bind' => []], $push->getendpoints());
        $push->send('through');
        $this->assertSame('through', $pull->recv());
        $this->assertSame($push, $push->disconnect($ep));
        $this->assertSame(['inproc://elsewhere'], $push->getendpoints()['connect']);
        $this->assertSame($pull, $pull->unbind($pull->getendpoints()['bind'][0]));
        $this->assertSame([], $pull->getendpoints()['bind']);
    }

    public function testRouterDropsMessagesToUnknownPeersUnlessMandatory(): void
    {
        [$router, $dealer] = self::pair(\ZMQ::SOCKET_ROUTER, \ZMQ::SOCKET_DEALER);
        $this->assertSame($router, $router->sendmulti(['nobody', 'lost']), 'libzmq drops it');
        $dealer->send('hello');
        [$id, $body] = $router->recvmulti();
        $this->assertSame('hello', $body);
        $router->setSockOpt(\ZMQ::SOCKOPT_ROUTER_MANDATORY, 1);
        self::assertThrowsCode(\ZMQSocketException::class, 113, fn () => $router->sendmulti(['nobody', 'x']));
        $router->sendmulti([$id, 'reply']);
        $this->assertSame('reply', $dealer->recv());
        self::assertThrowsCode(\ZMQSocketException::class, 22,
            fn () => $dealer->setSockOpt(\ZMQ::SOCKOPT_ROUTER_MANDATORY, 1));
    }

    public function testOneSocketReachedFromSeveralObjectsSharesItsState(): void
    {
        $ctx = new \ZMQContext();
        $id = uniqid('shared ');
        $a = $ctx->getSocket(\ZMQ::SOCKET_PULL, $id);
        $b = new \ZMQSocket(new \ZMQContext(), \ZMQ::SOCKET_PULL, $id);
        $c = clone $a;
        $ep = self::bindAny($a);
        $a->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 3000);
        foreach ([$b, $c] as $other) {
            $this->assertSame(['connect' => [], 'bind' => ['tcp://127.0.0.1:*']], $other->getendpoints());
            $this->assertSame(3000, $other->getSockOpt(\ZMQ::SOCKOPT_RCVTIMEO));
            $this->assertSame($ep, $other->getSockOpt(\ZMQ::SOCKOPT_LAST_ENDPOINT));
        }
        $push = self::socket(\ZMQ::SOCKET_PUSH);
        $push->connect($ep);
        $push->send('1')->send('2');
        $this->assertSame('1', $b->recv());
        $this->assertSame('2', $c->recv());
        unset($a, $b, $c);
        $again = $ctx->getSocket(\ZMQ::SOCKET_PULL, $id);
        $push->send('3');
        $this->assertSame('3', $again->recv(), 'a persistent socket outlives its objects');
        $this->assertTrue($again->ispersistent());
        $this->assertSame($id, $again->getpersistentid());
        $this->assertNull(self::socket(\ZMQ::SOCKET_PULL)->getpersistentid());
        $other = $ctx->getSocket(\ZMQ::SOCKET_PUSH, $id);
        $this->assertSame([], $other->getendpoints()['bind'], 'the id is per socket type, as in php-zmq');
    }

    public function testTheNewSocketCallbackRunsOnceAndAFailureStoresNothing(): void
    {
        $calls = [];
        $cb = function (\ZMQSocket $s, ?string $pid) use (&$calls) {
            $calls[] = $pid;
            $s->bind('inproc://' . uniqid('cb-'));
        };
        $id = uniqid('cb ');
        $a = new \ZMQSocket(new \ZMQContext(), \ZMQ::SOCKET_REP, $id, $cb);
        $b = (new \ZMQContext())->getSocket(\ZMQ::SOCKET_REP, $id, $cb);
        $this->assertSame([$id], $calls);
        $this->assertSame($a->getendpoints(), $b->getendpoints());
        self::socket(\ZMQ::SOCKET_REP)->getsockettype();
        (new \ZMQContext(1, false))->getSocket(\ZMQ::SOCKET_REP, null, $cb);
        $this->assertSame([$id, null], $calls, 'non-persistent: called with null');

        $failing = uniqid('fail ');
        $thrower = function () {
            throw new \RuntimeException('no');
        };
        for ($i = 0; $i < 2; $i++) {
            try {
                (new \ZMQContext())->getSocket(\ZMQ::SOCKET_PUSH, $failing, $thrower);
                $this->fail('the callback threw');
            } catch (\RuntimeException $e) {
                $this->assertSame('no', $e->getMessage());
            }
        }
        $ok = (new \ZMQContext())->getSocket(\ZMQ::SOCKET_PUSH, $failing, $cb);
        $this->assertSame([$id, null, $failing], $calls, 'a failed callback stored no socket');
        $this->assertCount(1, $ok->getendpoints()['bind']);
    }

    public function testMonitorPublishesEventsToTheSocketThatConnects(): void
    {
        $client = self::socket(\ZMQ::SOCKET_DEALER);
        $dsn = 'inproc://' . uniqid('monitor-');
        $this->assertSame($client, $client->monitor($dsn, \ZMQ::EVENT_CONNECTED | \ZMQ::EVENT_DISCONNECTED));
        $monitor = self::socket(\ZMQ::SOCKET_PAIR);
        $monitor->connect($dsn);
        $server = self::socket(\ZMQ::SOCKET_DEALER);
        $ep = self::bindAny($server);
        $client->connect($ep);
        $event = $monitor->recvevent();
        $this->assertSame(['event', 'value', 'address'], array_keys($event));
        $this->assertSame(\ZMQ::EVENT_CONNECTED, $event['event'], 'CONNECT_DELAYED is filtered out');
        $this->assertSame($ep, $event['address']);
        $monitor->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 100);
        $e = self::assertThrowsCode(\ZMQSocketException::class, 11, fn () => $monitor->recvevent());
        $this->assertStringStartsWith('Invalid monitor message received', $e->getMessage());
        self::assertThrowsCode(\ZMQSocketException::class, 11, fn () => $monitor->recvevent(\ZMQ::MODE_DONTWAIT));
        self::assertThrowsCode(\ZMQSocketException::class, 93, fn () => $client->monitor('tcp://127.0.0.1:1'));
        unset($server);
        $monitor->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 10000);
        $this->assertSame(\ZMQ::EVENT_DISCONNECTED, $monitor->recvevent()['event']);
    }

    public function testAMonitorDoesNotKeepItsSocketOpen(): void
    {
        $ctx = new \ZMQContext(1, false);
        $watched = $ctx->getSocket(\ZMQ::SOCKET_PULL);
        $dsn = 'inproc://' . uniqid('monitor-');
        $watched->monitor($dsn);
        self::bindAny($watched);
        $reader = self::socket(\ZMQ::SOCKET_PAIR);
        $reader->connect($dsn);
        $this->assertSame(\ZMQ::EVENT_LISTENING, $reader->recvevent()['event']);
        $this->assertSame(1, $ctx->getsocketcount());
        unset($watched);
        $this->assertSame(0, $ctx->getsocketcount(), 'closed with its last object');
        $this->assertSame(['event' => \ZMQ::EVENT_MONITOR_STOPPED, 'value' => 0, 'address' => ''], $reader->recvevent());
        $reader->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 50);
        self::assertThrowsCode(\ZMQSocketException::class, 11, fn () => $reader->recvevent());
    }

    public function testRecvEventOnAPlainSocketReadsLibzmqsMonitorFrames(): void
    {
        [$pull, $push] = self::pair(\ZMQ::SOCKET_PULL, \ZMQ::SOCKET_PUSH);
        $push->sendmulti([pack('vV', \ZMQ::EVENT_ACCEPTED, 7), 'tcp://1.2.3.4:5']);
        $this->assertSame(['event' => 32, 'value' => 7, 'address' => 'tcp://1.2.3.4:5'], $pull->recvevent());
        $push->sendmulti(['bad', 'frame']);
        self::assertThrowsCode(\ZMQSocketException::class, 11, fn () => $pull->recvevent());
    }

    public function testHwmsAreLibzmqsDefaultAndApplyToLaterAttaches(): void
    {
        $push = self::socket(\ZMQ::SOCKET_PUSH);
        $this->assertSame(1000, $push->getSockOpt(\ZMQ::SOCKOPT_SNDHWM));
        $push->setSockOpt(\ZMQ::SOCKOPT_HWM, 3);
        $this->assertSame(3, $push->getSockOpt(\ZMQ::SOCKOPT_SNDHWM));
        $this->assertSame(3, $push->getSockOpt(\ZMQ::SOCKOPT_RCVHWM));
        self::assertThrowsCode(\ZMQSocketException::class, \ZMQ::ERR_INTERNAL, fn () => $push->getSockOpt(\ZMQ::SOCKOPT_HWM));
        $push->setSockOpt(\ZMQ::SOCKOPT_SNDHWM, 2);
        $pull = self::socket(\ZMQ::SOCKET_PULL);
        $pull->setSockOpt(\ZMQ::SOCKOPT_RCVHWM, 1);
        $ep = self::bindAny($pull);
        $push->connect($ep);
        $this->assertSame(2, $push->getSockOpt(\ZMQ::SOCKOPT_SNDHWM), 'the HWM the connect was given');
        self::assertThrowsCode(\ZMQSocketException::class, 22, fn () => $push->setSockOpt(\ZMQ::SOCKOPT_HWM, -7));
    }

    /**
     * A transport libzmq lacks is EPROTONOSUPPORT, one the socket type
     * cannot use ENOCOMPATPROTO, a malformed endpoint EINVAL, as on
     * php-zmq (the library reports all three as ZS_ERR_INVALID_ARGUMENT);
     * the same codes and messages as the extension when it is installed.
     */
    public function testEndpointErrorsHavePhpZmqsErrnos(): void
    {
        $code = <<<'PHP'
            $s = (new ZMQContext(1, false))->getSocket(ZMQ::SOCKET_PUSH);
            foreach (["connect foo://bar", "bind foo://bar", "connect tcp://", "bind udp://127.0.0.1:5"] as $call) {
                [$method, $ep] = explode(" ", $call);
                try {
                    $s->$method($ep);
                    echo "$call: ok\n";
                } catch (ZMQSocketException $e) {
                    echo "$call: ", $e->getCode(), " ", $e->getMessage(), "\n";
                }
            }
            PHP;
        $expected = "connect foo://bar: 93 Failed to connect the ZMQ: Protocol not supported\n"
            . "bind foo://bar: 93 Failed to bind the ZMQ: Protocol not supported\n"
            . "connect tcp://: 22 Failed to connect the ZMQ: Invalid argument\n"
            . "bind udp://127.0.0.1:5: 156384764 Failed to bind the ZMQ: The protocol is not compatible with the socket type\n";
        $runs = ['layer' => self::runPhp($code, false)];
        if (self::extensionAvailable()) {
            $runs['php-zmq'] = self::runPhp($code, true);
        }
        foreach ($runs as $who => [$out, $err, $status]) {
            $this->assertSame($expected, $out, "$who: $err");
            $this->assertSame(0, $status, "$who: $err");
        }
    }
}
