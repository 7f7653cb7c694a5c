<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

/**
 * Round trips between a layer socket (here) and a php-zmq extension socket
 * in another process, each side binding in turn, single and multi-part.
 */
final class InteropTest extends CompatTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        if (!self::extensionAvailable()) {
            $this->markTestSkipped('the php-zmq extension is not installed');
        }
    }

    /** The extension binds a REP, prints its endpoint and answers $n requests reversed. */
    private const EXT_SERVER = <<<'PHP'
        $rep = (new ZMQContext())->getSocket(ZMQ::SOCKET_REP);
        $rep->setSockOpt(ZMQ::SOCKOPT_RCVTIMEO, 20000);
        $rep->bind('tcp://127.0.0.1:*');
        echo $rep->getSockOpt(ZMQ::SOCKOPT_LAST_ENDPOINT), "\n";
        for ($i = 0; $i < (int) $argv[1]; $i++) {
            $parts = $rep->recvmulti();
            if ($parts === false) { fwrite(STDERR, "timed out\n"); exit(1); }
            $rep->sendmulti(array_reverse(array_map('strrev', $parts)));
        }
        PHP;

    /** The extension connects a REQ to $argv[1], sends $argv[2..] as one message and prints the reply. */
    private const EXT_CLIENT = <<<'PHP'
        $req = (new ZMQContext())->getSocket(ZMQ::SOCKET_REQ);
        $req->setSockOpt(ZMQ::SOCKOPT_RCVTIMEO, 20000);
        $req->connect($argv[1]);
        $req->sendmulti(array_slice($argv, 2));
        $reply = $req->recvmulti();
        echo json_encode($reply);
        PHP;

    public function testLayerClientExtensionServer(): void
    {
        $proc = self::startExtension(self::EXT_SERVER, '3');
        $ep = trim((string) fgets($proc[1][1]));
        $this->assertMatchesRegularExpression('~^tcp://127\.0\.0\.1:\d+$~', $ep);
        $req = self::socket(\ZMQ::SOCKET_REQ, 20000);
        $req->connect($ep);
        $this->assertSame($req, $req->send('hello'));
        $this->assertSame('olleh', $req->recv());
        $req->sendmulti(['ab', '', "\0\xff"]);
        $this->assertSame(["\xff\0", '', 'ba'], $req->recvmulti());
        $req->send('x', \ZMQ::MODE_SNDMORE)->send('yz');
        $this->assertSame(['zy', 'x'], $req->recvmulti());
        [$out, $err, $status] = self::finish($proc);
        $this->assertSame(0, $status, $err);
    }

    public function testExtensionClientLayerServer(): void
    {
        $rep = self::socket(\ZMQ::SOCKET_REP, 20000);
        $ep = self::bindAny($rep);
        $proc = self::startExtension(self::EXT_CLIENT, $ep, 'one', 'two');
        $this->assertSame(['one', 'two'], $rep->recvmulti());
        $rep->sendmulti(['three', str_repeat('4', 100000)]);
        [$out, $err, $status] = self::finish($proc);
        $this->assertSame(0, $status, $err);
        $this->assertSame(['three', str_repeat('4', 100000)], json_decode($out, true));
    }

    public function testPubSubAcrossTheTwo(): void
    {
        $sub = self::socket(\ZMQ::SOCKET_SUB, 20000);
        $sub->setSockOpt(\ZMQ::SOCKOPT_SUBSCRIBE, 'news');
        $ep = self::bindAny($sub);
        $code = <<<'PHP'
            $pub = (new ZMQContext())->getSocket(ZMQ::SOCKET_PUB);
            $pub->connect($argv[1]);
            $pub->setSockOpt(ZMQ::SOCKOPT_SNDTIMEO, 1000);
            $until = microtime(true) + 20;
            // until the test has one (it makes the file $argv[2]), at most 20 s
            while (microtime(true) < $until) {
                $pub->send('weather: dropped');
                $pub->send('news: kept');
                usleep(5000);
                if (file_exists($argv[2])) { break; }
            }
            PHP;
        $stop = tempnam(sys_get_temp_dir(), 'zs-stop');
        unlink($stop);
        $proc = self::startExtension($code, $ep, $stop);
        $this->assertSame('news: kept', $sub->recv());
        touch($stop);
        [, $err, $status] = self::finish($proc);
        unlink($stop);
        $this->assertSame(0, $status, $err);
    }
}
