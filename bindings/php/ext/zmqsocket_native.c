/*
 * zmqsocket_native: an optional PHP extension that gives the PHP binding's
 * per-message path (Socket::send, Socket::recv) a native call instead of a
 * PHP FFI call. PHP FFI costs about 30 ns per call plus 13 to 17 ns per
 * argument before the library runs (libffi's call set-up, done again on
 * every call); a PHP internal function costs a few nanoseconds. Everything
 * else in the binding stays on FFI.
 *
 * It links nothing. zmqsocket_native_attach($library) finds the library
 * that PHP FFI already loaded, by the same path (dlopen with RTLD_NOLOAD:
 * a library that is not loaded yet is not loaded by this), and takes its
 * functions from it, so that both paths use one library and one handle
 * table. The binding calls it once, right after FFI::cdef. Once attached,
 * it stays with that library: attaching to another one is refused.
 *
 *   zmqsocket_native_attach(string $library): bool
 *       true once attached (again, to the same library: true); false if
 *       no loaded library is known by that name, it lacks the functions,
 *       or it is not the library attached before (the binding then stays
 *       on FFI).
 *   zmqsocket_native_send(int $socket, string $data, int $timeout_ms): int
 *       zs_send(socket, data, the length of data, timeout_ms): ZS_OK or a
 *       zs_result code (the thread's last error says why, as with FFI).
 *   zmqsocket_native_recv(int $socket, int $timeout_ms): string|int
 *       the next frame as a string, or the zs_result code. It calls
 *       zs_recv_packed, as the binding's FFI path does, so that both give
 *       the same results and the same last-error text: a frame of up to
 *       16 KiB is copied through a per-thread buffer, a longer one comes
 *       whole in the overflow message and is freed here.
 *
 * Before attach, send and recv throw Error; a timeout_ms outside int32
 * throws ValueError (the binding never passes one: its own conversion
 * refuses it first, with ZS_ERR_INVALID_ARGUMENT); a socket handle that is
 * no socket is the library's ZS_ERR_BAD_HANDLE, as through FFI. Built by
 * `make php-ext` against php-config's headers; loaded with
 * `php -d extension=/path/to/zmqsocket_native.so`.
 */
#define _GNU_SOURCE /* memrchr, used by PHP's headers */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <php.h>

#include "zmqsocket.h"

#define ZSN_VERSION "0.1.0"

/* The library attached to, and its functions with the header's types. */
static void *zsn_lib;
static __typeof__(&zs_send) zsn_send;
static __typeof__(&zs_recv_packed) zsn_recv_packed;
static __typeof__(&zs_message_free) zsn_free;

/* zmqsocket_native_recv's buffer, one per thread (as the binding keeps
 * one per Socket). */
#define ZSN_RECV_BUF 16384
static __thread char zsn_buf[ZSN_RECV_BUF];

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_zmqsocket_native_attach, 0, 1, _IS_BOOL, 0)
    ZEND_ARG_TYPE_INFO(0, library, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_zmqsocket_native_send, 0, 3, IS_LONG, 0)
    ZEND_ARG_TYPE_INFO(0, socket, IS_LONG, 0)
    ZEND_ARG_TYPE_INFO(0, data, IS_STRING, 0)
    ZEND_ARG_TYPE_INFO(0, timeout_ms, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_zmqsocket_native_recv, 0, 2,
                                        MAY_BE_STRING | MAY_BE_LONG)
    ZEND_ARG_TYPE_INFO(0, socket, IS_LONG, 0)
    ZEND_ARG_TYPE_INFO(0, timeout_ms, IS_LONG, 0)
ZEND_END_ARG_INFO()

PHP_FUNCTION(zmqsocket_native_attach)
{
    zend_string *library;
    void *lib, *send, *recv, *msg_free;

    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_STR(library)
    ZEND_PARSE_PARAMETERS_END();

    if (ZSTR_LEN(library) == 0 || strlen(ZSTR_VAL(library)) != ZSTR_LEN(library)) {
        RETURN_FALSE;
    }
    lib = dlopen(ZSTR_VAL(library), RTLD_NOW | RTLD_NOLOAD);
    if (lib == NULL) {
        RETURN_FALSE;
    }
    if (zsn_lib != NULL) {
        /* Attached already: the same library again, or refused. Either
         * way this call's extra reference goes. */
        dlclose(lib);
        RETURN_BOOL(lib == zsn_lib);
    }
    send = dlsym(lib, "zs_send");
    recv = dlsym(lib, "zs_recv_packed");
    msg_free = dlsym(lib, "zs_message_free");
    if (send == NULL || recv == NULL || msg_free == NULL) {
        dlclose(lib);
        RETURN_FALSE;
    }
    /* The reference dlopen took is kept: the library stays loaded for as
     * long as these pointers may be called, whatever FFI does. */
    zsn_lib = lib;
    zsn_send = (__typeof__(zsn_send))send;
    zsn_recv_packed = (__typeof__(zsn_recv_packed))recv;
    zsn_free = (__typeof__(zsn_free))msg_free;
    RETURN_TRUE;
}

/* The int32 timeout, or a ValueError naming the function. */
static int zsn_timeout(zend_long t, const char *fn, int32_t *out)
{
#if SIZEOF_ZEND_LONG > 4
    if (t < INT32_MIN || t > INT32_MAX) {
        zend_value_error("%s(): timeout_ms " ZEND_LONG_FMT " is outside int32", fn, t);
        return 0;
    }
#else
    (void)fn;
#endif
    *out = (int32_t)t;
    return 1;
}

PHP_FUNCTION(zmqsocket_native_send)
{
    zend_long socket, timeout;
    zend_string *data;
    int32_t t;

    ZEND_PARSE_PARAMETERS_START(3, 3)
        Z_PARAM_LONG(socket)
        Z_PARAM_STR(data)
        Z_PARAM_LONG(timeout)
    ZEND_PARSE_PARAMETERS_END();

    if (zsn_send == NULL) {
        zend_throw_error(NULL, "zmqsocket_native_send(): not attached (call zmqsocket_native_attach first)");
        RETURN_THROWS();
    }
    if (!zsn_timeout(timeout, "zmqsocket_native_send", &t)) {
        RETURN_THROWS();
    }
    RETURN_LONG(zsn_send((zs_socket)socket, ZSTR_VAL(data), ZSTR_LEN(data), t));
}

PHP_FUNCTION(zmqsocket_native_recv)
{
    zend_long socket, timeout;
    zs_recv_args args;
    int64_t n;
    int32_t t;

    ZEND_PARSE_PARAMETERS_START(2, 2)
        Z_PARAM_LONG(socket)
        Z_PARAM_LONG(timeout)
    ZEND_PARSE_PARAMETERS_END();

    if (zsn_recv_packed == NULL) {
        zend_throw_error(NULL, "zmqsocket_native_recv(): not attached (call zmqsocket_native_attach first)");
        RETURN_THROWS();
    }
    if (!zsn_timeout(timeout, "zmqsocket_native_recv", &t)) {
        RETURN_THROWS();
    }
    memset(&args, 0, sizeof args);
    args.socket = (zs_socket)socket;
    args.timeout_ms = t;
    args.buf = zsn_buf;
    args.cap = sizeof zsn_buf;
    n = zsn_recv_packed(&args);
    if (n < 0) {
        RETURN_LONG(n);
    }
    if (n <= (int64_t)sizeof zsn_buf) {
        RETURN_STRINGL(zsn_buf, (size_t)n);
    }
    /* Longer than the buffer: handed over whole in args.overflow. */
    if (args.overflow.count != 1 || args.overflow.frames[0].len != (size_t)n) {
        zsn_free(&args.overflow);
        zend_throw_error(NULL, "zmqsocket_native_recv(): zs_recv_packed returned %" PRId64
                         " but no frame of that length", n);
        RETURN_THROWS();
    }
    RETVAL_STRINGL((const char *)args.overflow.frames[0].data, (size_t)n);
    zsn_free(&args.overflow);
}

static const zend_function_entry zmqsocket_native_functions[] = {
    PHP_FE(zmqsocket_native_attach, arginfo_zmqsocket_native_attach)
    PHP_FE(zmqsocket_native_send, arginfo_zmqsocket_native_send)
    PHP_FE(zmqsocket_native_recv, arginfo_zmqsocket_native_recv)
    PHP_FE_END
};

zend_module_entry zmqsocket_native_module_entry = {
    STANDARD_MODULE_HEADER,
    "zmqsocket_native",
    zmqsocket_native_functions,
    NULL, /* MINIT */
    NULL, /* MSHUTDOWN */
    NULL, /* RINIT */
    NULL, /* RSHUTDOWN */
    NULL, /* MINFO */
    ZSN_VERSION,
    STANDARD_MODULE_PROPERTIES,
};

ZEND_GET_MODULE(zmqsocket_native)
