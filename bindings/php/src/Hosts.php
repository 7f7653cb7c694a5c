<?php

declare(strict_types=1);

namespace ZmqSocket;

/** The process-wide host table (host id => address) connectToHost resolves through. */
final class Hosts
{
    /** Add or replace a host id ("web1") => address (IP literal or DNS name). */
    public static function setHost(string $hostId, string $address): void
    {
        Library::check(Library::ffi()->zs_host_set(
            Library::cstr($hostId, 'host id'),
            Library::cstr($address, 'address')
        ));
    }

    /** Remove a host id; ZS_ERR_UNKNOWN_HOST if it is not in the table. */
    public static function removeHost(string $hostId): void
    {
        Library::check(Library::ffi()->zs_host_remove(Library::cstr($hostId, 'host id')));
    }

    /**
     * Load a host file (`host_id address` per line, # comments), all or
     * nothing; returns the number of entries loaded.
     */
    public static function loadHosts(string $path): int
    {
        return Library::check(Library::ffi()->zs_hosts_load(Library::cstr($path, 'path')));
    }

    /** The address a host id resolves to (the table, else an IP literal). */
    public static function hostAddress(string $hostId): string
    {
        $ffi = Library::ffi();
        $id = Library::cstr($hostId, 'host id');
        return Library::readString(static fn (?\FFI\CData $buf, int $cap): int =>
            $ffi->zs_host_address($id, $buf, $cap));
    }
}
