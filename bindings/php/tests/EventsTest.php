<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Event;
use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/** The event log (nextEvent) and message properties (SPEC section 20). */
final class EventsTest extends ZmqTestCase
{
    /** Read events of $s until one of $kind (10 s at most); returns every event read, that one last. */
    private function eventsUntil(Socket $s, int $kind): array
    {
        $deadline = microtime(true) + 10;
        $seen = [];
        while (microtime(true) < $deadline) {
            $e = $s->nextEvent(0.5);
            if ($e === null) {
                continue;
            }
            $seen[] = $e;
            if ($e->kind === $kind) {
                return $seen;
            }
        }
        $this->fail('no ' . Event::nameOf($kind) . ' event; saw: ' . implode(', ', array_map('strval', $seen)));
    }

    public function testTheLogShowsAPhpZmqPeerConnectingAndLeaving(): void
    {
        [$pull, $port] = $this->bound('PULL');
        // not through peer(), which keeps its sockets until tearDown: this
        // one is closed below
        $push = new \ZMQSocket(self::zmqContext(), \ZMQ::SOCKET_PUSH);
        $push->setSockOpt(\ZMQ::SOCKOPT_LINGER, 0);
        $push->connect("tcp://127.0.0.1:$port");
        $events = $this->eventsUntil($pull, Event::HANDSHAKE_SUCCEEDED);
        $names = array_map(fn (Event $e) => $e->name, $events);
        $this->assertSame('LISTENING', $names[0], implode(', ', $names));
        $this->assertSame("tcp://127.0.0.1:$port", $events[0]->endpoint);
        $this->assertContains('ACCEPTED', $names);
        $this->assertLessThan(array_search('HANDSHAKE_SUCCEEDED', $names, true), array_search('ACCEPTED', $names, true));
        for ($i = 1; $i < count($events); $i++) {
            $this->assertGreaterThanOrEqual($events[$i - 1]->timeUs, $events[$i]->timeUs);
        }
        $this->assertGreaterThan(0, $events[0]->timeUs);

        // closing it ends the connection (a disconnect would end it only
        // once the php-zmq socket is used again: libzmq's socket processes
        // the pipe's termination in calls on it)
        unset($push);
        $gone = $this->eventsUntil($pull, Event::DISCONNECTED);
        $this->assertSame(Event::DISCONNECTED, end($gone)->kind);
        $this->assertSame('DISCONNECTED', end($gone)->name);
    }

    public function testAConnectingSocketLogsItsConnect(): void
    {
        [$pull, $port] = $this->peerBound(\ZMQ::SOCKET_PULL);
        $push = $this->connected('PUSH', $port);
        $events = $this->eventsUntil($push, Event::HANDSHAKE_SUCCEEDED);
        $names = array_map(fn (Event $e) => $e->name, $events);
        $this->assertContains('CONNECTED', $names);
        $this->assertSame(1, $push->getPeerCount(), 'reading the log leaves the peer count alone');
    }

    public function testAnOverflowingLogSaysHowManyWereLost(): void
    {
        // a connect to a closed port retried every ms logs far faster than
        // this reads, one event every 0.1 s, so the log overflows
        $push = $this->socket('PUSH');
        $push->setOption('RECONNECT_IVL', 1);
        $push->connectEndpoint('tcp://127.0.0.1:' . $this->freePort());
        $deadline = microtime(true) + 30;
        $lost = null;
        while ($lost === null && microtime(true) < $deadline) {
            usleep(100000);
            $e = $push->nextEvent(0);
            if ($e !== null && $e->kind === Event::LOST) {
                $lost = $e;
            }
        }
        $this->assertNotNull($lost, 'no LOST event within 30 s');
        $this->assertSame('LOST', $lost->name);
        $this->assertGreaterThan(0, $lost->value);
        $this->assertSame('', $lost->endpoint);
        $this->assertNotNull($push->nextEvent(5), 'the latest events follow');
    }

    public function testNoEventIsNull(): void
    {
        $s = $this->socket('PULL');
        $this->assertNull($s->nextEvent(0), 'nothing before the first bind or connect');
        $this->assertNull($s->nextEvent(0.05));
        $this->assertSame('UNKNOWN(3)', Event::nameOf(3));
        $this->assertSame('LOST', Event::nameOf(Event::LOST));
        $e = new Event(Event::ACCEPTED, 7, 1, 'tcp://x:1');
        $this->assertSame('ACCEPTED 7 tcp://x:1', (string) $e);
    }

    public function testNextEventErrors(): void
    {
        $s = $this->socket('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $s->nextEvent(-3));
        $s->destroy();
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $s->nextEvent(0));
    }

    public function testPropertiesOfAPhpZmqPeersMessage(): void
    {
        [$router, $port] = $this->bound('ROUTER');
        $dealer = $this->peer(\ZMQ::SOCKET_DEALER);
        $dealer->setSockOpt(\ZMQ::SOCKOPT_IDENTITY, 'dealer-1');
        $dealer->connect("tcp://127.0.0.1:$port");
        $dealer->sendMulti(['a', "b\0"]);
        [$frames, $props] = $router->recvWithProperties(['Peer-Address', 'Socket-Type', 'Routing-Id', 'No-Such'], 5);
        $this->assertSame(['dealer-1', 'a', "b\0"], $frames);
        $this->assertSame(
            ['Peer-Address' => '127.0.0.1', 'Socket-Type' => 'DEALER', 'Routing-Id' => 'dealer-1', 'No-Such' => null],
            $props
        );
        [$frames, $props] = (function () use ($router, $dealer) {
            $dealer->send('no names');
            return $router->recvWithProperties([], 5);
        })();
        $this->assertSame(['dealer-1', 'no names'], $frames);
        $this->assertSame([], $props);
    }

    public function testAMessageOverInprocHasNoProperties(): void
    {
        $pull = $this->socket('PULL');
        $pull->bindEndpoint('inproc://events-test-props');
        $push = $this->socket('PUSH');
        $push->connectEndpoint('inproc://events-test-props');
        $push->send('x');
        $this->assertSame([['x'], ['Peer-Address' => null]], $pull->recvWithProperties(['Peer-Address'], 5));
    }

    public function testBadNamesLoseNoMessage(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $this->peerConnected(\ZMQ::SOCKET_PUSH, $port)->send('kept');
        $this->assertZsError(ZmqSocketException::ZS_ERR_INVALID_ARGUMENT, fn () => $pull->recvWithProperties(["User\0Id"], 5));
        try {
            $pull->recvWithProperties([42], 5);
            $this->fail('a non-string name must be a TypeError');
        } catch (\TypeError $e) {
            $this->assertStringContainsString('property name', $e->getMessage());
        }
        $this->assertSame([['kept'], []], $pull->recvWithProperties([], 5));
    }

    public function testRecvWithPropertiesErrors(): void
    {
        [$pull] = $this->bound('PULL');
        $this->assertZsError(ZmqSocketException::ZS_ERR_TIMED_OUT, fn () => $pull->recvWithProperties(['Peer-Address'], 0.05));
        $pull->destroy();
        $this->assertZsError(ZmqSocketException::ZS_ERR_BAD_HANDLE, fn () => $pull->recvWithProperties([], 0));
    }
}
