<?php

declare(strict_types=1);

namespace ZmqSocket;

/**
 * Every zmqsocket failure. getCode() is the zs result code (< 0), one of the
 * constants below (the values of include/zmqsocket_ffi.h); getMessage() is
 * the library's zs_last_error() text, naming the function, the argument or
 * endpoint, and libzmq's reason.
 */
class ZmqSocketException extends \RuntimeException
{
    public const ZS_OK = 0;
    public const ZS_ERR_INVALID_ARGUMENT = -1;
    public const ZS_ERR_BAD_HANDLE = -2;
    public const ZS_ERR_UNKNOWN_SOCKET_TYPE = -3;
    public const ZS_ERR_UNKNOWN_HOST = -4;
    public const ZS_ERR_TIMED_OUT = -5;
    public const ZS_ERR_WOULD_BLOCK = -6;
    public const ZS_ERR_NOT_BOUND = -7;
    public const ZS_ERR_NOT_CONNECTED = -8;
    public const ZS_ERR_ALREADY_CONNECTED = -9;
    public const ZS_ERR_ADDRESS_IN_USE = -10;
    public const ZS_ERR_NOT_SUPPORTED = -11;
    public const ZS_ERR_WRONG_STATE = -12;
    public const ZS_ERR_HOST_UNREACHABLE = -13;
    public const ZS_ERR_MESSAGE_TOO_LARGE = -14;
    public const ZS_ERR_IO = -15;
    public const ZS_ERR_ZMQ = -16;
    public const ZS_ERR_INTERRUPTED = -17;
    public const ZS_ERR_INTERNAL = -99;

    public function __construct(string $message, int $code, ?\Throwable $previous = null)
    {
        parent::__construct($message, $code, $previous);
    }

    /** The code's name, e.g. "ZS_ERR_TIMED_OUT". */
    public function getName(): string
    {
        return self::nameOf($this->getCode());
    }

    /** The name of a zs result code, e.g. -5 => "ZS_ERR_TIMED_OUT". */
    public static function nameOf(int $code): string
    {
        foreach ((new \ReflectionClass(self::class))->getConstants() as $name => $value) {
            if ($value === $code) {
                return $name;
            }
        }
        return sprintf('ZS_ERR_UNKNOWN(%d)', $code);
    }

    /** The exception for a failure the calling thread's last call reported. */
    public static function fromLastError(int $code): self
    {
        $text = Library::lastError();
        if ($text === '') {
            $text = Library::strerror($code);
        }
        return new self($text, $code);
    }

    /** An argument refused before it reached the library. */
    public static function invalidArgument(string $message): self
    {
        return new self($message, self::ZS_ERR_INVALID_ARGUMENT);
    }
}
