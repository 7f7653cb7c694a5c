<?php

declare(strict_types=1);

// The php-zmq layer's suite: the layer's classes, never the extension's.
if (extension_loaded('zmq')) {
    fwrite(STDERR, "the zmq extension is loaded: run this suite with bindings/php/compat/php-nozmq\n");
    exit(1);
}
require __DIR__ . '/../../compat/bootstrap.php';
spl_autoload_register(static function (string $class): void {
    $prefix = 'ZmqSocket\\Tests\\Compat\\';
    if (strncmp($class, $prefix, strlen($prefix)) === 0) {
        $file = __DIR__ . '/' . substr($class, strlen($prefix)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
error_reporting(E_ALL);
// Keep every test port on loopback.
\ZmqSocket\Library::setBindInterface('127.0.0.1');
