<?php

declare(strict_types=1);

namespace ZmqSocket;

/**
 * CURVE keys and Z85 text (SPEC section 19). Keys are 40 characters of
 * Z85, as Socket::setCurveServer / setCurveClient and php-zmq's
 * SOCKOPT_CURVE_* options take them.
 */
final class Security
{
    /** A new CURVE keypair: [public, secret], each 40 Z85 characters. */
    public static function curveKeypair(): array
    {
        $ffi = Library::ffi();
        $public = $ffi->new('char[41]');
        $secret = $ffi->new('char[41]');
        Library::check($ffi->zs_curve_keypair($public, $secret));
        return [\FFI::string($public), \FFI::string($secret)];
    }

    /** The public key of a CURVE secret key; a malformed key is ZS_ERR_INVALID_ARGUMENT. */
    public static function curvePublic(string $secretKey): string
    {
        $ffi = Library::ffi();
        $public = $ffi->new('char[41]');
        Library::check($ffi->zs_curve_public(Library::cstr($secretKey, 'secret key'), $public));
        return \FFI::string($public);
    }

    /** Bytes (a multiple of 4 of them, else ZS_ERR_INVALID_ARGUMENT) as Z85 text. */
    public static function z85Encode(string $data): string
    {
        $ffi = Library::ffi();
        $len = strlen($data);
        return Library::readString(static fn (?\FFI\CData $buf, int $cap): int =>
            $ffi->zs_z85_encode($data, $len, $buf, $cap));
    }

    /** Z85 text (a multiple of 5 characters) as bytes; text that is not Z85 is ZS_ERR_INVALID_ARGUMENT. */
    public static function z85Decode(string $text): string
    {
        $ffi = Library::ffi();
        $t = Library::cstr($text, 'Z85 text');
        return Library::readString(static fn (?\FFI\CData $buf, int $cap): int =>
            $ffi->zs_z85_decode($t, $buf, $cap));
    }
}
