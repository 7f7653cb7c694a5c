<?php

declare(strict_types=1);

namespace ZmqSocket\Tests;

/**
 * Fork (SPEC section 17) with pcntl_fork: the child uses its own socket,
 * the parent's socket still works afterwards. The scenario runs in a
 * separate PHP process, so that a parent that dies (libzmq's mailbox
 * assertion, SIGABRT) is a failed test, not a dead suite, and so that the
 * child ends through PHP's ordinary exit (its shutdown functions run
 * Library::destroyAll() in the child).
 */
final class ForkTest extends ZmqTestCase
{
    private const SCRIPT = <<<'PHP'
        <?php
        declare(strict_types=1);
        require $argv[1];
        use ZmqSocket\Library;
        use ZmqSocket\Socket;
        use ZmqSocket\ZmqSocketException;

        pcntl_alarm(30); // a watchdog: SIGALRM ends a hung parent
        $pull = new Socket('PULL');
        $port = $pull->bindToPort(0);
        $mine = new Socket('PUSH');
        $mine->connectToHost('127.0.0.1', $port);
        $children = [];
        for ($i = 0; $i < 3; $i++) {
            $pid = pcntl_fork();
            if ($pid === -1) {
                fwrite(STDERR, "pcntl_fork failed\n");
                exit(3);
            }
            if ($pid === 0) {
                pcntl_alarm(30); // alarms are not inherited
                // The child: the parent's sockets are refused, and say why.
                try {
                    $pull->getType();
                    $inherited = 'accepted';
                } catch (ZmqSocketException $e) {
                    $inherited = $e->getCode() === ZmqSocketException::ZS_ERR_BAD_HANDLE
                        && str_contains($e->getMessage(), 'inherited across fork()') ? 'refused' : $e->getMessage();
                }
                $own = new Socket('PUSH');
                $own->connectToHost('127.0.0.1', $port);
                $own->send("child $i $inherited " . Library::socketCount(), 5);
                exit(0); // destroyAll() at shutdown flushes the message
            }
            $children[] = $pid;
        }
        foreach ($children as $pid) {
            pcntl_waitpid($pid, $status);
            if (!pcntl_wifexited($status) || pcntl_wexitstatus($status) !== 0) {
                fwrite(STDERR, "child $pid ended with status $status\n");
                exit(4);
            }
        }
        $got = [];
        for ($i = 0; $i < 3; $i++) {
            $got[] = $pull->recv(5);
        }
        sort($got);
        echo implode("\n", $got), "\n";
        // The parent's own sockets still work.
        $mine->send('parent', 5);
        echo $pull->recv(5), ' ', Library::socketCount(), "\n";
        PHP;

    public function testChildUsesItsOwnSocketAndTheParentGoesOn(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl is not available in this PHP');
        }
        $script = tempnam(sys_get_temp_dir(), 'zsfork');
        file_put_contents($script, self::SCRIPT);
        try {
            $cmd = [PHP_BINARY, '-d', 'ffi.enable=1', $script, __DIR__ . '/bootstrap.php'];
            $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
            $this->assertIsResource($proc);
            $out = stream_get_contents($pipes[1]);
            $err = stream_get_contents($pipes[2]);
            $rc = proc_close($proc);
        } finally {
            unlink($script);
        }
        $this->assertSame(0, $rc, "the parent died or failed: $err");
        $this->assertSame(
            "child 0 refused 1\nchild 1 refused 1\nchild 2 refused 1\nparent 2\n",
            $out,
            $err
        );
    }
}
