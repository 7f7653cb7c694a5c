<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

/** ZMQPoll: the set, polling sockets and streams for both directions, its errors. */
final class PollTest extends CompatTestCase
{
    public function testTheSetIsKeyedAsInPhpZmq(): void
    {
        $poll = new \ZMQPoll();
        $a = self::socket(\ZMQ::SOCKET_PULL);
        $b = self::socket(\ZMQ::SOCKET_PUSH);
        $stream = fopen('php://memory', 'r');
        $ka = $poll->add($a, \ZMQ::POLL_IN);
        $this->assertSame('o:' . spl_object_hash($a), $ka);
        $this->assertSame($ka, $poll->add($a, \ZMQ::POLL_OUT), 'added once');
        $kb = $poll->add($b, \ZMQ::POLL_OUT);
        $ks = $poll->add($stream, \ZMQ::POLL_IN);
        $this->assertSame('r:' . get_resource_id($stream), $ks);
        $this->assertSame(3, $poll->count());
        $this->assertSame([$ka => $a, $kb => $b, $ks => $stream], $poll->items());
        $this->assertTrue($poll->remove($ka));
        $this->assertFalse($poll->remove($ka));
        $this->assertTrue($poll->remove($stream));
        $this->assertFalse($poll->remove('no such key'));
        $this->assertTrue($poll->remove($kb));
        $this->assertSame(0, $poll->count());
        $this->assertSame($poll, $poll->add($a, \ZMQ::POLL_IN) !== '' ? $poll->clear() : null);
        $this->assertSame([], $poll->items());
        $this->assertSame([], $poll->getlasterrors());
    }

    public function testItsErrorsArePollExceptions(): void
    {
        $poll = new \ZMQPoll();
        $r = $w = [];
        $e = self::assertThrowsCode(\ZMQPollException::class, \ZMQ::ERR_INTERNAL, fn () => $poll->poll($r, $w));
        $this->assertSame('No sockets assigned to the ZMQPoll', $e->getMessage());
        self::assertThrowsCode(\ZMQPollException::class, \ZMQ::ERR_INTERNAL, fn () => $poll->remove('x'));
        self::assertThrowsCode(\ZMQPollException::class, \ZMQ::ERR_INTERNAL, fn () => $poll->add(new \stdClass(), 1));
        self::assertThrowsCode(\ZMQPollException::class, \ZMQ::ERR_INTERNAL, fn () => $poll->add('a string', 1));
        $poll->add(self::socket(\ZMQ::SOCKET_PULL), \ZMQ::POLL_IN);
        self::assertThrowsCode(\ZMQPollException::class, \ZMQ::ERR_INTERNAL, fn () => $poll->remove(new \stdClass()));
        $this->assertSame(1, $poll->count());
    }

    public function testPollFillsReadableAndWritable(): void
    {
        [$pull, $push] = self::pair(\ZMQ::SOCKET_PULL, \ZMQ::SOCKET_PUSH);
        $poll = new \ZMQPoll();
        $poll->add($pull, \ZMQ::POLL_IN);
        $poll->add($push, \ZMQ::POLL_OUT);
        $r = ['stale'];
        $w = ['stale'];
        $this->assertSame(1, $poll->poll($r, $w, 5000), 'the PUSH can send');
        $this->assertSame([], $r);
        $this->assertSame([$push], $w);
        $push->send('wake');
        $r = $w = [];
        $deadline = microtime(true) + 10;
        while ($poll->poll($r, $w, 5000) < 2 && microtime(true) < $deadline) {
        }
        $this->assertSame([$pull], $r);
        $this->assertSame([$push], $w);
        $w = null; // not asked for
        $this->assertSame(2, $poll->poll($r, $w, 0));
        $this->assertNull($w);
        $this->assertSame('wake', $pull->recv());
    }

    public function testATimeoutReturnsZero(): void
    {
        $poll = new \ZMQPoll();
        $poll->add(self::socket(\ZMQ::SOCKET_PULL), \ZMQ::POLL_IN);
        $r = $w = [];
        $t = microtime(true);
        $this->assertSame(0, $poll->poll($r, $w, 100));
        $this->assertGreaterThanOrEqual(0.09, microtime(true) - $t);
        $this->assertSame(0, $poll->poll($r, $w, 0));
        $this->assertSame([], $r);
    }

    public function testStreamsAndSocketsTogether(): void
    {
        [$pull, $push] = self::pair(\ZMQ::SOCKET_PULL, \ZMQ::SOCKET_PUSH);
        [$left, $right] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $poll = new \ZMQPoll();
        $poll->add($pull, \ZMQ::POLL_IN);
        $poll->add($right, \ZMQ::POLL_IN);
        $r = $w = [];
        $this->assertSame(0, $poll->poll($r, $w, 50));
        fwrite($left, 'x');
        $this->assertSame(1, $poll->poll($r, $w, 5000));
        $this->assertSame([$right], $r);
        fread($right, 1);
        $push->send('m');
        $deadline = microtime(true) + 10;
        while ($poll->poll($r, $w, 5000) < 1 && microtime(true) < $deadline) {
        }
        $this->assertSame([$pull], $r);
    }

    public function testAClosedStreamIsSkippedAndReported(): void
    {
        [$left, $right] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $poll = new \ZMQPoll();
        $key = $poll->add($right, \ZMQ::POLL_IN);
        $pull = self::socket(\ZMQ::SOCKET_PULL);
        $poll->add($pull, \ZMQ::POLL_IN);
        fclose($right);
        $r = $w = [];
        $this->assertSame(0, $poll->poll($r, $w, 20));
        $this->assertSame([$key], $poll->getlasterrors());
        $poll->remove($key);
        $this->assertSame(0, $poll->poll($r, $w, 0));
        $this->assertSame([], $poll->getlasterrors());
        fclose($left);
    }
}
