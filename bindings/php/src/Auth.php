<?php

declare(strict_types=1);

namespace ZmqSocket;

/**
 * The process-wide authentication rules (as CZMQ's zauth), applied by the
 * library's ZAP handler to every socket's new connections. With no rules
 * everyone gets in; when any address is allowed only allowed addresses get
 * in, otherwise denied ones are refused. A refused peer never delivers a
 * message nor counts as a peer; its socket's event log has
 * Event::HANDSHAKE_FAILED_AUTH. The rules outlive every socket: reset()
 * them when a test is done.
 */
final class Auth
{
    /** Let in only peers from allowed addresses (IPv4/IPv6 address or CIDR, "10.0.0.0/8"). */
    public static function allow(string $address): void
    {
        Library::check(Library::ffi()->zs_auth_allow(Library::cstr($address, 'address')));
    }

    /** Refuse peers from $address (address or CIDR), unless some address is allowed. */
    public static function deny(string $address): void
    {
        Library::check(Library::ffi()->zs_auth_deny(Library::cstr($address, 'address')));
    }

    /**
     * Admit CURVE clients with this public key (Z85; "*": any valid key).
     * Until the first key, CURVE servers admit any client that completes
     * the handshake; from then on only allowed keys.
     */
    public static function curveAllow(string $publicKey): void
    {
        Library::check(Library::ffi()->zs_auth_curve_allow(Library::cstr($publicKey, 'public key')));
    }

    /**
     * Add or replace a PLAIN user. Until the first user, PLAIN servers
     * admit anyone; from then on only these users with their passwords.
     */
    public static function plainUser(string $username, string $password): void
    {
        Library::check(Library::ffi()->zs_auth_plain_user(
            Library::cstr($username, 'username'),
            Library::cstr($password, 'password')
        ));
    }

    /** Forget every rule: everyone gets in again (for new connections). */
    public static function reset(): void
    {
        Library::check(Library::ffi()->zs_auth_reset());
    }
}
