<?php

declare(strict_types=1);

namespace ZmqSocket;

/**
 * Storyplayer's usingZmqContext(): make sockets already bound or connected.
 * $type is a name ("PUSH", "xreq"...) or a Socket::PUSH-style int.
 */
class Context
{
    /** A new socket of $type bound to $port (0 = ephemeral: read it with getBoundPorts()). */
    public function bindToPort(int $port, int|string $type, int $sendHwm = 100, int $recvHwm = 100): Socket
    {
        $ffi = Library::ffi();
        $out = $ffi->new('zs_socket');
        Library::check($ffi->zs_socket_new_bound(
            Socket::typeNumber($type),
            Library::i32($port, 'port'),
            Library::i32($sendHwm, 'send HWM'),
            Library::i32($recvHwm, 'receive HWM'),
            \FFI::addr($out)
        ));
        return Socket::wrap($out->cdata);
    }

    /** A new socket of $type connected to $hostId's $port (resolved through Hosts). */
    public function connectToHost(
        string $hostId,
        int $port,
        int|string $type,
        int $sendHwm = 100,
        int $recvHwm = 100
    ): Socket {
        $ffi = Library::ffi();
        $out = $ffi->new('zs_socket');
        Library::check($ffi->zs_socket_new_connected(
            Socket::typeNumber($type),
            Library::cstr($hostId, 'host id'),
            Library::i32($port, 'port'),
            Library::i32($sendHwm, 'send HWM'),
            Library::i32($recvHwm, 'receive HWM'),
            \FFI::addr($out)
        ));
        return Socket::wrap($out->cdata);
    }
}
