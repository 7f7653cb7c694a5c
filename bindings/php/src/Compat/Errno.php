<?php

declare(strict_types=1);

namespace ZmqSocket\Compat;

use ZmqSocket\ZmqSocketException;

/**
 * zmqsocket's result codes as the errno values and zmq_strerror() texts
 * that php-zmq puts in its exceptions ("Failed to bind the ZMQ: Address
 * already in use", code 98). The zmqsocket exception, with the library's
 * own last error, is kept as the php-zmq exception's previous one.
 *
 * @internal for the php-zmq layer (bindings/php/compat)
 */
final class Errno
{
    public const EINTR = 4;
    public const EAGAIN = 11;
    public const EINVAL = 22;
    public const ENOENT = 2;
    public const ENOTSUP = 95;
    public const EADDRINUSE = 98;
    public const EHOSTUNREACH = 113;
    public const EMSGSIZE = 90;
    public const ENOTSOCK = 88;
    public const EPROTONOSUPPORT = 93;
    public const EFSM = 156384763;
    public const ENOCOMPATPROTO = 156384764;
    public const ETERM = 156384765;
    public const INTERNAL = -99;

    private const TEXT = [
        self::EINTR => 'Interrupted system call',
        self::EAGAIN => 'Resource temporarily unavailable',
        self::EINVAL => 'Invalid argument',
        self::ENOENT => 'No such file or directory',
        self::ENOTSUP => 'Operation not supported',
        self::EADDRINUSE => 'Address already in use',
        self::EHOSTUNREACH => 'No route to host',
        self::EMSGSIZE => 'Message too long',
        self::ENOTSOCK => 'Socket operation on non-socket',
        self::EPROTONOSUPPORT => 'Protocol not supported',
        self::EFSM => 'Operation cannot be accomplished in current state',
        self::ENOCOMPATPROTO => 'The protocol is not compatible with the socket type',
        self::ETERM => 'Context was terminated',
        self::INTERNAL => 'Internal error',
    ];

    /** The errno php-zmq would report for a zmqsocket result code. */
    public static function of(int $zsCode): int
    {
        return match ($zsCode) {
            ZmqSocketException::ZS_ERR_TIMED_OUT, ZmqSocketException::ZS_ERR_WOULD_BLOCK => self::EAGAIN,
            ZmqSocketException::ZS_ERR_INVALID_ARGUMENT,
            ZmqSocketException::ZS_ERR_UNKNOWN_SOCKET_TYPE,
            ZmqSocketException::ZS_ERR_UNKNOWN_HOST,
            ZmqSocketException::ZS_ERR_ZMQ => self::EINVAL,
            ZmqSocketException::ZS_ERR_BAD_HANDLE => self::ENOTSOCK,
            ZmqSocketException::ZS_ERR_NOT_BOUND, ZmqSocketException::ZS_ERR_NOT_CONNECTED => self::ENOENT,
            ZmqSocketException::ZS_ERR_ALREADY_CONNECTED, ZmqSocketException::ZS_ERR_ADDRESS_IN_USE => self::EADDRINUSE,
            ZmqSocketException::ZS_ERR_NOT_SUPPORTED => self::ENOTSUP,
            ZmqSocketException::ZS_ERR_WRONG_STATE => self::EFSM,
            ZmqSocketException::ZS_ERR_HOST_UNREACHABLE => self::EHOSTUNREACH,
            ZmqSocketException::ZS_ERR_MESSAGE_TOO_LARGE => self::EMSGSIZE,
            ZmqSocketException::ZS_ERR_INTERRUPTED => self::EINTR,
            default => self::INTERNAL,
        };
    }

    /** zmq_strerror()'s text for an errno of(). */
    public static function text(int $errno): string
    {
        return self::TEXT[$errno] ?? 'Unknown error';
    }

    /**
     * php-zmq's exception for a failed call: "$what: <strerror>", the errno
     * as its code, the zmqsocket exception as its previous one.
     *
     * @template T of \ZMQException
     * @param class-string<T> $class
     * @return T
     */
    public static function exception(string $class, string $what, ZmqSocketException $e): \ZMQException
    {
        $errno = self::of($e->getCode());
        if ($errno === self::EINVAL) {
            $errno = self::refined($e->getMessage());
        }
        return new $class($what . ': ' . self::text($errno), $errno, $e);
    }

    /**
     * The errno of an invalid-argument error whose last error ends with
     * libzmq's own reason for a transport it lacks or one the socket type
     * cannot use (the library reports both as ZS_ERR_INVALID_ARGUMENT),
     * as php-zmq reports them; EINVAL otherwise.
     */
    private static function refined(string $lastError): int
    {
        foreach ([self::EPROTONOSUPPORT, self::ENOCOMPATPROTO] as $errno) {
            if (str_ends_with($lastError, ': ' . self::TEXT[$errno])) {
                return $errno;
            }
        }
        return self::EINVAL;
    }
}
