<?php

declare(strict_types=1);

namespace ZmqSocket\Tests\Compat;

use ZmqSocket\Library;

/**
 * The layer's API against the php-zmq extension's, read in a separate
 * process: every constant and its value, every class, method name,
 * parent and finality. And ZMQ's static helpers. The layer's ZMQSocket
 * has one parent php-zmq's lacks, ZmqSocket\Compat\SocketMethods (its
 * send() and recv(), internal methods with the zmqsocket_native
 * extension): its methods count as ZMQSocket's own, and ZMQSocket's
 * parent is its parent.
 */
final class ApiTest extends CompatTestCase
{
    private const CLASSES = ['ZMQ', 'ZMQContext', 'ZMQSocket', 'ZMQPoll', 'ZMQDevice', 'ZMQException',
        'ZMQContextException', 'ZMQSocketException', 'ZMQPollException', 'ZMQDeviceException'];

    private const DESCRIBE = <<<'PHP'
        $out = [];
        foreach (json_decode($argv[1] ?? '[]') ?: %s as $c) {
            $r = new ReflectionClass($c);
            $own = [$c];
            $parent = $r->getParentClass();
            if ($parent && $parent->getName() === 'ZmqSocket\\Compat\\SocketMethods') {
                $own[] = $parent->getName();
                $parent = $parent->getParentClass();
            }
            $methods = [];
            foreach ($r->getMethods(ReflectionMethod::IS_PUBLIC) as $m) {
                if (in_array($m->getDeclaringClass()->getName(), $own, true) && $m->getName() !== '__clone' && $m->getName() !== '__debugInfo') {
                    $methods[$m->getName()] = $m->isStatic();
                }
            }
            ksort($methods);
            $out[$c] = ['parent' => $parent ? $parent->getName() : null,
                'final' => $r->isFinal(), 'methods' => $methods,
                'constants' => $r->getConstants(),
                'constructor' => $r->getConstructor() ? $r->getConstructor()->isPublic() : null];
        }
        echo json_encode($out);
        PHP;

    private static function describe(bool $extension): array
    {
        $code = sprintf(self::DESCRIBE, var_export(self::CLASSES, true));
        [$out, $err, $status] = self::runPhp($code, $extension);
        self::assertSame(0, $status, $err);
        return json_decode($out, true, 512, JSON_THROW_ON_ERROR);
    }

    public function testTheLayerHasTheExtensionsClassesMethodsAndConstants(): void
    {
        if (!self::extensionAvailable()) {
            $this->markTestSkipped('the php-zmq extension is not installed');
        }
        $ext = self::describe(true);
        $layer = self::describe(false);
        foreach (self::CLASSES as $c) {
            $this->assertSame($ext[$c]['parent'], $layer[$c]['parent'], "$c's parent");
            $this->assertSame($ext[$c]['final'], $layer[$c]['final'], "$c final");
            $this->assertSame($ext[$c]['constructor'], $layer[$c]['constructor'], "$c's constructor is public");
            $this->assertSame($ext[$c]['methods'], $layer[$c]['methods'], "$c's methods (name, static)");
        }
        $e = $ext['ZMQ']['constants'];
        $l = $layer['ZMQ']['constants'];
        $this->assertGreaterThan(120, count($e));
        foreach (['LIBZMQ_VER', 'LIBZMQ_VERSION', 'LIBZMQ_VERSION_ID', 'LIBZMQ_VERSION_MAJOR',
            'LIBZMQ_VERSION_MINOR', 'LIBZMQ_VERSION_PATCH'] as $version) {
            $this->assertArrayHasKey($version, $l);
            unset($e[$version], $l[$version]); // each the libzmq it runs on
        }
        ksort($e);
        ksort($l);
        $this->assertSame($e, $l, 'every ZMQ constant, with php-zmq\'s value');
    }

    public function testTheVersionConstantsAreTheLibzmqZmqsocketRunsOn(): void
    {
        $this->assertSame(1, preg_match('/libzmq (\d+)\.(\d+)\.(\d+)/', Library::version(), $m), Library::version());
        $this->assertSame("$m[1].$m[2].$m[3]", \ZMQ::LIBZMQ_VERSION);
        $this->assertSame(\ZMQ::LIBZMQ_VERSION, \ZMQ::LIBZMQ_VER);
        $this->assertSame((int) $m[1], \ZMQ::LIBZMQ_VERSION_MAJOR);
        $this->assertSame((int) $m[2], \ZMQ::LIBZMQ_VERSION_MINOR);
        $this->assertSame((int) $m[3], \ZMQ::LIBZMQ_VERSION_PATCH);
        $this->assertSame($m[1] * 10000 + $m[2] * 100 + $m[3], \ZMQ::LIBZMQ_VERSION_ID);
    }

    public function testExceptionsHavePhpZmqsHierarchy(): void
    {
        foreach (['ZMQContextException', 'ZMQSocketException', 'ZMQPollException', 'ZMQDeviceException'] as $c) {
            $e = new $c('m', 5);
            $this->assertInstanceOf(\ZMQException::class, $e);
            $this->assertTrue((new \ReflectionClass($c))->isFinal());
        }
        $this->assertInstanceOf(\Exception::class, new \ZMQException());
    }

    public function testZmqCannotBeInstantiated(): void
    {
        $this->expectException(\Error::class);
        new \ZMQ(); // @phpstan-ignore-line
    }

    public function testClockIsMonotonicMilliseconds(): void
    {
        $a = \ZMQ::clock();
        usleep(20000);
        $b = \ZMQ::clock();
        $this->assertIsInt($a);
        $this->assertGreaterThanOrEqual(20, $b - $a);
    }

    public function testZ85RoundTripsAndRefusesBadLengths(): void
    {
        $this->assertSame('HelloWorld', \ZMQ::z85encode("\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B"));
        $this->assertSame("\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B", \ZMQ::z85decode('HelloWorld'));
        $data = random_bytes(32);
        $this->assertSame($data, \ZMQ::z85decode(\ZMQ::z85encode($data)));
        $this->assertNull(\ZMQ::z85encode('1234567'));
        $this->assertNull(\ZMQ::z85encode(''));
        $this->assertNull(\ZMQ::z85decode('1234567'));
        $this->assertNull(\ZMQ::z85decode(''));
        $this->assertNull(\ZMQ::z85decode("\x01\x02\x03\x04\x05"), 'not Z85 characters');
    }

    public function testCurveKeypairWorksForACurveConnection(): void
    {
        $server = \ZMQ::curvekeypair();
        $client = \ZMQ::curvekeypair();
        $this->assertSame(['public_key', 'secret_key'], array_keys($server));
        $this->assertSame(40, strlen($server['public_key']));
        $this->assertSame($server['public_key'], \ZmqSocket\Security::curvePublic($server['secret_key']));
        $rep = self::socket(\ZMQ::SOCKET_REP);
        $rep->setSockOpt(\ZMQ::SOCKOPT_CURVE_SERVER, 1);
        $rep->setSockOpt(\ZMQ::SOCKOPT_CURVE_SECRETKEY, $server['secret_key']);
        $ep = self::bindAny($rep);
        $req = self::socket(\ZMQ::SOCKET_REQ);
        $req->setSockOpt(\ZMQ::SOCKOPT_CURVE_SERVERKEY, $server['public_key']);
        $req->setSockOpt(\ZMQ::SOCKOPT_CURVE_PUBLICKEY, $client['public_key']);
        $req->setSockOpt(\ZMQ::SOCKOPT_CURVE_SECRETKEY, $client['secret_key']);
        $req->connect($ep);
        $req->send('sealed');
        $this->assertSame('sealed', $rep->recv());
        $this->assertSame(2, $rep->getSockOpt(\ZMQ::SOCKOPT_MECHANISM));
    }

    /** run-tests.sh runs this suite with and without the native extension: the layer uses it when loaded. */
    public function testTheNativePathIsUsedWhenLoaded(): void
    {
        $expect = getenv('ZS_EXPECT_NATIVE');
        if ($expect !== '0' && $expect !== '1') {
            $this->markTestSkipped('ZS_EXPECT_NATIVE is not set (run-tests.sh sets it)');
        }
        $s = self::socket(\ZMQ::SOCKET_PUSH);
        $this->assertSame($expect === '1', Library::native());
        $this->assertSame($expect === '1', (new \ReflectionProperty(\ZMQSocket::class, 'zmqsocketShared'))->getValue($s)->native);
    }
}
