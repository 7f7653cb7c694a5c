<?php

/*
 * zmqsocket's php-zmq layer: php-zmq's classes (ZMQ, ZMQContext,
 * ZMQSocket, ZMQPoll, ZMQDevice and the ZMQ*Exception classes) over
 * libzmqsocket.so through FFI, for code written for the php-zmq
 * extension. Include this one file (or name it in auto_prepend_file);
 * Composer's autoloader includes it for the package's users.
 *
 * Nothing is defined when the zmq extension is loaded (its classes win),
 * nor a second time. The ZmqSocket\ classes of bindings/php/src are
 * autoloaded. The library is found as ZmqSocket\Library says
 * ($ZMQSOCKET_LIB, else the checkout's build, else libzmqsocket.so).
 */

if (!extension_loaded('zmq') && !class_exists('ZMQ', false)) {
    spl_autoload_register(static function (string $class): void {
        $prefix = 'ZmqSocket\\';
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = __DIR__ . '/../src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
        }
    });
    require __DIR__ . '/exceptions.php';
    require __DIR__ . '/ZMQ.php';
    require __DIR__ . '/ZMQContext.php';
    require __DIR__ . '/ZMQSocket.php';
    require __DIR__ . '/ZMQPoll.php';
    require __DIR__ . '/ZMQDevice.php';
}
