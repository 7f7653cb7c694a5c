<?php
// Loads include/zmqsocket_ffi.h as it is with FFI::cdef and makes one call
// through it: the FFI header must be usable by PHP without edits.
// Usage: php -d ffi.enable=1 scripts/check_ffi_header.php HEADER LIBRARY
[$_, $header, $lib] = $argv;
$ffi = FFI::cdef(file_get_contents($header), $lib);
$s = $ffi->new("zs_socket");
$port = $ffi->zs_socket_new_bound($ffi->ZS_PULL, 0, $ffi->ZS_HWM_DEFAULT, $ffi->ZS_HWM_DEFAULT, FFI::addr($s));
$ok = $port > 0 && $ffi->zs_is_bound_to_port($s->cdata, $port)
    && $ffi->zs_socket_destroy($s->cdata) === $ffi->ZS_OK
    && $ffi->zs_socket_destroy($s->cdata) === $ffi->ZS_ERR_BAD_HANDLE
    && str_starts_with($ffi->zs_version(), "zmqsocket ");
echo $ok ? "ffi header: loads in PHP FFI::cdef ({$ffi->zs_version()})\n"
         : "ffi header: PHP check failed: {$ffi->zs_last_error()}\n";
exit($ok ? 0 : 1);
