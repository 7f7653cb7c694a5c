<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

use ZmqSocket\Socket;
use ZmqSocket\ZmqSocketException;

/**
 * A signal whose pcntl handler runs while a call waits (SIGALRM with
 * pcntl_async_signals): the call throws ZS_ERR_INTERRUPTED and the handler
 * has run, on the path this pass uses (native extension or FFI alone);
 * the socket works on.
 */
final class SignalTest extends ZmqTestCase
{
    private int $ran = 0;

    protected function setUp(): void
    {
        if (!\function_exists('pcntl_async_signals')) {
            $this->markTestSkipped('no pcntl');
        }
        pcntl_async_signals(true);
        pcntl_signal(SIGALRM, function (): void {
            $this->ran++;
        });
    }

    protected function tearDown(): void
    {
        pcntl_alarm(0);
        pcntl_signal(SIGALRM, SIG_DFL);
        pcntl_async_signals(false);
        parent::tearDown();
    }

    public function testAWaitWithoutEndIsInterrupted(): void
    {
        [$pull, $port] = $this->bound('PULL');
        $calls = [
            'recv' => fn () => $pull->recv(-1),
            'recvMulti' => fn () => $pull->recvMulti(-1),
            'poll' => fn () => Socket::poll([$pull], -1),
        ];
        foreach ($calls as $name => $call) {
            $before = $this->ran;
            pcntl_alarm(1);
            $e = $this->assertZsError(ZmqSocketException::ZS_ERR_INTERRUPTED, $call);
            $this->assertStringContainsString('Interrupted system call', $e->getMessage(), $name);
            pcntl_signal_dispatch();
            $this->assertSame($before + 1, $this->ran, "$name: the handler ran");
        }
        $push = $this->connected('PUSH', $port);
        $push->send('after', 5.0);
        $this->assertSame('after', $pull->recv(5.0));
    }
}
