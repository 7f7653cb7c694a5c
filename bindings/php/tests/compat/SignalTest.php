<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

/**
 * A signal whose handler runs (pcntl_async_signals) while recv(), send()
 * or ZMQPoll::poll() waits: php-zmq throws the ZMQ*Exception with code
 * EINTR (4), "Interrupted system call", and its users' workers stop that
 * way on SIGTERM; the layer does the same, on each path. Compared with
 * the extension in separate processes when it is installed.
 */
final class SignalTest extends CompatTestCase
{
    /** Each blocking call interrupted by SIGALRM; prints what came of it. */
    private const CODE = <<<'PHP'
        pcntl_async_signals(true);
        $ran = 0;
        pcntl_signal(SIGALRM, function () use (&$ran) { $ran++; });
        $ctx = new ZMQContext(1, false);
        $pull = $ctx->getSocket(ZMQ::SOCKET_PULL);
        $pull->bind("tcp://127.0.0.1:*");
        $port = substr($pull->getSockOpt(ZMQ::SOCKOPT_LAST_ENDPOINT), strrpos($pull->getSockOpt(ZMQ::SOCKOPT_LAST_ENDPOINT), ":") + 1);
        $push = $ctx->getSocket(ZMQ::SOCKET_PUSH);
        $push->setSockOpt(ZMQ::SOCKOPT_LINGER, 0);
        $push->setSockOpt(ZMQ::SOCKOPT_SNDHWM, 1);
        $dead = $ctx->getSocket(ZMQ::SOCKET_PUSH);
        $dead->setSockOpt(ZMQ::SOCKOPT_LINGER, 0);
        $dead->setSockOpt(ZMQ::SOCKOPT_SNDHWM, 1);
        $dead->connect("tcp://127.0.0.1:1");
        while ($dead->send("fill", ZMQ::MODE_DONTWAIT) !== false) {
        }
        $poll = new ZMQPoll();
        $poll->add($pull, ZMQ::POLL_IN);
        $calls = [
            "recv" => fn () => $pull->recv(),
            "recv DONTWAIT" => fn () => $pull->recv(ZMQ::MODE_DONTWAIT),
            "send" => fn () => $dead->send("x"),
            "poll" => function () use ($poll) { $r = $w = []; return $poll->poll($r, $w, -1); },
        ];
        foreach ($calls as $name => $call) {
            pcntl_alarm(1);
            try {
                $r = $call();
                echo "$name: returned ", var_export($r === false ? false : gettype($r), true);
            } catch (ZMQException $e) {
                echo "$name: ", get_class($e), " ", $e->getCode(), " ", $e->getMessage();
            }
            pcntl_alarm(0);
            echo "\n";
        }
        pcntl_signal_dispatch();
        echo "handler ran $ran times\n";
        PHP;

    public function testASignalEndsABlockingCallWithEintr(): void
    {
        if (!\function_exists('pcntl_async_signals')) {
            $this->markTestSkipped('no pcntl');
        }
        $expected = "recv: ZMQSocketException 4 Failed to receive message: Interrupted system call\n"
            . "recv DONTWAIT: returned false\n"
            . "send: ZMQSocketException 4 Failed to send message: Interrupted system call\n"
            . "poll: ZMQPollException 4 Poll failed: Interrupted system call\n"
            . "handler ran 3 times\n";
        $runs = ['layer' => self::runPhp(self::CODE, false)];
        $native = self::runLayerNative(self::CODE);
        if ($native !== null) {
            $runs['layer + native extension'] = $native;
        }
        if (self::extensionAvailable()) {
            $runs['php-zmq'] = self::runPhp(self::CODE, true);
        }
        foreach ($runs as $who => [$out, $err, $status]) {
            if ($who === 'php-zmq') {
                // The same exceptions; the extension's handler runs or not
                // as it happens (in this PHP and libzmq 4.3.4: not, even
                // after pcntl_signal_dispatch()), so its count is not
                // compared.
                $out = preg_replace('~^handler ran \d+ times$~m', 'handler ran 3 times', $out);
            }
            $this->assertSame($expected, $out, "$who: $err");
            $this->assertSame(0, $status, "$who: $err");
        }
    }
}
