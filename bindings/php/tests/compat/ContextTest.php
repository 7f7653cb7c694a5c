<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

/** ZMQContext: persistence, acquire(), the socket count, options. */
final class ContextTest extends CompatTestCase
{
    public function testContextsArePersistentByDefault(): void
    {
        $this->assertTrue((new \ZMQContext())->isPersistent());
        $this->assertTrue((new \ZMQContext(2, true))->isPersistent());
        $this->assertFalse((new \ZMQContext(1, false))->isPersistent());
        $this->assertTrue(\ZMQContext::acquire()->isPersistent());
    }

    public function testPersistentContextsOfOneIoThreadCountShareTheirSockets(): void
    {
        $a = new \ZMQContext(3);
        $b = new \ZMQContext(3);
        $before = $a->getsocketcount();
        $s = $a->getSocket(\ZMQ::SOCKET_PUSH);
        $this->assertSame($before + 1, $b->getsocketcount(), 'one context');
        $this->assertSame(0, (new \ZMQContext(1, false))->getsocketcount(), 'a new non-persistent one is empty');
        unset($s);
        $this->assertSame($before, $a->getsocketcount(), 'a socket with no object left is closed');
    }

    public function testAcquireIsOneProcessWideContext(): void
    {
        $n = \ZMQContext::acquire()->getsocketcount();
        $s = new \ZMQSocket(\ZMQContext::acquire(), \ZMQ::SOCKET_REP);
        $this->assertSame($n + 1, \ZMQContext::acquire()->getsocketcount());
        $this->assertSame(\ZMQ::SOCKET_REP, $s->getsockettype());
    }

    /** php-zmq's test 051: persistent sockets stay counted after their objects go. */
    public function testPersistentSocketsStayCounted(): void
    {
        $ctx = new \ZMQContext(1, false);
        $s1 = new \ZMQSocket($ctx, \ZMQ::SOCKET_REP);
        $s2 = $ctx->getSocket(\ZMQ::SOCKET_REQ, 'count id');
        $this->assertSame(2, $ctx->getsocketcount());
        $this->assertFalse($s2->ispersistent(), 'a non-persistent context makes no persistent socket');
        unset($s1, $s2);
        $this->assertSame(0, $ctx->getsocketcount());

        $ctx = new \ZMQContext(7, true);
        $s1 = new \ZMQSocket($ctx, \ZMQ::SOCKET_REP);
        $s2 = $ctx->getSocket(\ZMQ::SOCKET_REQ, 'count id ' . uniqid());
        $this->assertSame(2, $ctx->getsocketcount());
        unset($s1, $s2);
        $this->assertSame(1, $ctx->getsocketcount());
    }

    public function testMaxSocketsOptionIsKept(): void
    {
        $ctx = new \ZMQContext(1, false);
        $this->assertSame(\ZMQ::CTXOPT_MAX_SOCKETS_DEFAULT, $ctx->getOpt(\ZMQ::CTXOPT_MAX_SOCKETS));
        $this->assertNull($ctx->setOpt(\ZMQ::CTXOPT_MAX_SOCKETS, 512));
        $this->assertSame(512, $ctx->getOpt(\ZMQ::CTXOPT_MAX_SOCKETS));
        self::assertThrowsCode(\ZMQContextException::class, 22, fn () => $ctx->setOpt(\ZMQ::CTXOPT_MAX_SOCKETS, 0));
        $this->assertSame(512, $ctx->getOpt(\ZMQ::CTXOPT_MAX_SOCKETS), 'a refused value changes nothing');
    }

    public function testUnknownContextOptionsThrow(): void
    {
        $ctx = new \ZMQContext(1, false);
        $e = self::assertThrowsCode(\ZMQContextException::class, \ZMQ::ERR_INTERNAL, fn () => $ctx->setOpt(99, 1));
        $this->assertSame('Unknown option key', $e->getMessage());
        self::assertThrowsCode(\ZMQContextException::class, \ZMQ::ERR_INTERNAL, fn () => $ctx->getOpt(99));
    }

    public function testVarDumpShowsNoInternals(): void
    {
        ob_start();
        var_dump(new \ZMQContext(1, false), self::socket(\ZMQ::SOCKET_PUB), new \ZMQPoll());
        $dump = ob_get_clean();
        $this->assertMatchesRegularExpression('~^object\(ZMQContext\)#\d+ \(0\) \{\n\}\nobject\(ZMQSocket\)#\d+ \(0\) \{\n\}\nobject\(ZMQPoll\)#\d+ \(0\) \{\n\}\n$~', $dump);
    }
}
