<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

/**
 * pcntl_fork, as php-zmq's users fork: a child makes its own sockets
 * (persistent ids included) and talks to its parent; the parent's
 * sockets go on working; a socket inherited across the fork is an error
 * in the child, not a hang or a crash.
 */
final class ForkTest extends CompatTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl is not loaded');
        }
    }

    /** Run $child in a forked child; returns its exit status. */
    private static function inChild(callable $child): int
    {
        $pid = pcntl_fork();
        self::assertNotSame(-1, $pid);
        if ($pid === 0) {
            $code = 99;
            try {
                $code = $child();
            } catch (\Throwable $e) {
                fwrite(STDERR, "child: $e\n");
            }
            exit($code);
        }
        self::assertSame($pid, pcntl_waitpid($pid, $status));
        return pcntl_wexitstatus($status);
    }

    public function testAChildMakesItsOwnPersistentSocketsAndTheParentsGoOn(): void
    {
        $id = uniqid('forked ');
        $parent = (new \ZMQContext())->getSocket(\ZMQ::SOCKET_PULL, $id);
        $parent->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, 20000);
        $ep = self::bindAny($parent);
        $status = self::inChild(function () use ($id, $ep): int {
            $mine = (new \ZMQContext())->getSocket(\ZMQ::SOCKET_PULL, $id);
            if ($mine->getEndpoints()['bind'] !== []) {
                return 1; // the parent's socket, not a fresh one
            }
            $push = (new \ZMQContext())->getSocket(\ZMQ::SOCKET_PUSH);
            $push->setSockOpt(\ZMQ::SOCKOPT_SNDTIMEO, 20000);
            $push->connect($ep);
            return $push->send('from the child') === false ? 2 : 0;
        });
        $this->assertSame(0, $status);
        $t = microtime(true);
        $got = $parent->recv();
        $this->assertSame('from the child', $got, sprintf('recv after %.2f s: %s', microtime(true) - $t,
            \ZmqSocket\Library::lastError()));
        $again = (new \ZMQContext())->getSocket(\ZMQ::SOCKET_PULL, $id);
        $this->assertSame(['tcp://127.0.0.1:*'], $again->getEndpoints()['bind'], 'still the parent\'s own');
    }

    public function testAnInheritedSocketIsAnErrorInTheChild(): void
    {
        [$pull, $push] = self::pair(\ZMQ::SOCKET_PULL, \ZMQ::SOCKET_PUSH);
        $status = self::inChild(function () use ($push): int {
            try {
                $push->send('inherited');
                return 1;
            } catch (\ZMQSocketException $e) {
                return $e->getCode() === 88 ? 0 : 2;
            }
        });
        $this->assertSame(0, $status);
        $push->send('parent');
        $this->assertSame('parent', $pull->recv(), 'the child neither sent nor closed it');
    }
}
