<?php

declare(strict_types=1);

// PSR-4 autoloading without composer: ZmqSocket\ => src/, ZmqSocket\Tests\ => tests/.
spl_autoload_register(static function (string $class): void {
    $map = [
        'ZmqSocket\\Tests\\' => __DIR__ . '/',
        'ZmqSocket\\' => __DIR__ . '/../src/',
    ];
    foreach ($map as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

error_reporting(E_ALL);

if (!extension_loaded('ffi')) {
    fwrite(STDERR, "the FFI extension is not loaded (run php -d ffi.enable=1)\n");
    exit(1);
}
if (!extension_loaded('zmq')) {
    fwrite(STDERR, "the zmq extension (php-zmq) is not loaded\n");
    exit(1);
}

// Keep every test port on loopback.
\ZmqSocket\Library::setBindInterface('127.0.0.1');
