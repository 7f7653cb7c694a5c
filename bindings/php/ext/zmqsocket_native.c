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
 *       16 KiB is copied through a buffer (one per thread in a
 *       thread-safe PHP), a longer one comes whole in the overflow
 *       message and is freed here.
 *
 * It also defines the class ZmqSocket\Compat\SocketMethods, the parent
 * of the php-zmq layer's ZMQSocket (bindings/php/compat), whose send()
 * and recv() are internal methods here (see below).
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
#include <pthread.h>
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
static pthread_mutex_t zsn_attach_lock = PTHREAD_MUTEX_INITIALIZER;

/* The receive buffer: one per thread in a thread-safe PHP; one in all
 * otherwise, where PHP code runs on one thread (a __thread variable of a
 * dlopen()ed library costs a __tls_get_addr call per use). */
#define ZSN_RECV_BUF 16384
#ifdef ZTS
static __thread char zsn_buf[ZSN_RECV_BUF];
#else
static char zsn_buf[ZSN_RECV_BUF];
#endif

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
    bool attached;

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
    /* One attach at a time (threads of a thread-safe PHP): a thread that
     * gets true sees the pointers set. */
    pthread_mutex_lock(&zsn_attach_lock);
    if (zsn_lib != NULL) {
        /* Attached already: the same library again, or refused. Either
         * way this call's extra reference goes. */
        attached = lib == zsn_lib;
        pthread_mutex_unlock(&zsn_attach_lock);
        dlclose(lib);
        RETURN_BOOL(attached);
    }
    send = dlsym(lib, "zs_send");
    recv = dlsym(lib, "zs_recv_packed");
    msg_free = dlsym(lib, "zs_message_free");
    if (send == NULL || recv == NULL || msg_free == NULL) {
        pthread_mutex_unlock(&zsn_attach_lock);
        dlclose(lib);
        RETURN_FALSE;
    }
    /* The reference dlopen took is kept: the library stays loaded for as
     * long as these pointers may be called, whatever FFI does. */
    zsn_send = (__typeof__(zsn_send))send;
    zsn_recv_packed = (__typeof__(zsn_recv_packed))recv;
    zsn_free = (__typeof__(zsn_free))msg_free;
    zsn_lib = lib;
    pthread_mutex_unlock(&zsn_attach_lock);
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

/* zs_recv_packed on socket into return_value as a string: returns the
 * frame's length, or the zs_result code (< 0; return_value untouched). */
static int64_t zsn_recv_string(zs_socket socket, int32_t timeout_ms, const char *fn,
                               zval *return_value)
{
    zs_recv_args args;
    int64_t n;

    /* args.overflow is written by the call when the frame is too long for
     * the buffer; emptied here so that the check below never reads junk. */
    args.overflow.frames = NULL;
    args.overflow.count = 0;
    args.overflow.owner = NULL;
    args.socket = socket;
    args.timeout_ms = timeout_ms;
    args.buf = zsn_buf;
    args.cap = sizeof zsn_buf;
    n = zsn_recv_packed(&args);
    if (n < 0) {
        return n;
    }
    if (n <= (int64_t)sizeof zsn_buf) {
        RETVAL_STRINGL(zsn_buf, (size_t)n);
        return n;
    }
    /* Longer than the buffer: handed over whole in args.overflow. */
    if (args.overflow.count != 1 || args.overflow.frames[0].len != (size_t)n) {
        zsn_free(&args.overflow);
        zend_throw_error(NULL, "%s(): zs_recv_packed returned %" PRId64 " but no frame of that length",
                         fn, n);
        return n;
    }
    /* Freed even if the copy hits memory_limit (a bailout). */
    zend_try {
        RETVAL_STRINGL((const char *)args.overflow.frames[0].data, (size_t)n);
    } zend_catch {
        zsn_free(&args.overflow);
        zend_bailout();
    } zend_end_try();
    zsn_free(&args.overflow);
    return n;
}

PHP_FUNCTION(zmqsocket_native_recv)
{
    zend_long socket, timeout;
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
    n = zsn_recv_string((zs_socket)socket, t, "zmqsocket_native_recv", return_value);
    if (n < 0 && !EG(exception)) {
        RETURN_LONG(n);
    }
}

/*
 * ZmqSocket\Compat\SocketMethods: the parent of the php-zmq layer's
 * ZMQSocket, with send() and recv() as internal methods, so that php-zmq's
 * per-message loop costs one internal call per message, as it does on
 * php-zmq. Without this extension the layer's PHP class of the same name
 * (bindings/php/src/Compat/SocketMethods.php) is autoloaded instead.
 *
 * The fast path is a single string frame with mode 0 on a socket whose
 * SharedSocket ($this->zmqsocketShared) uses the native path and holds
 * no SNDMORE frames: zs_send / zs_recv_packed with SharedSocket's
 * sndtimeo / rcvtimeo. Everything else goes to the layer's PHP, by
 * calling protected methods of ZMQSocket: zmqsocketSend($message,
 * $mode), zmqsocketRecv($mode), and, for a failed fast call,
 * zmqsocketSendFailed($rc) / zmqsocketRecvFailed($rc), whose results
 * (false, $this) or exceptions are the method's. (The names are
 * zmqsocket's own so that a user's subclass of ZMQSocket does not meet
 * them by chance.)
 */

static zend_class_entry *zsn_methods_ce;
/* The slot of $zmqsocketShared in every object of the class. */
static uint32_t zsn_s_offset;

/* SharedSocket's properties the fast path reads, by slot: looked up once
 * per class entry (reset every request: a class entry lives one request
 * without opcache), per thread in a thread-safe PHP. */
#ifdef ZTS
static __thread
#else
static
#endif
struct {
    zend_class_entry *ce;
    uint32_t native, handle, pending, sndtimeo, rcvtimeo;
} zsn_shared;

static int zsn_offset(zend_class_entry *ce, const char *name, uint32_t *out)
{
    zend_property_info *info = zend_hash_str_find_ptr(&ce->properties_info, name, strlen(name));
    if (info == NULL || (info->flags & ZEND_ACC_STATIC)) {
        return 0;
    }
    *out = info->offset;
    return 1;
}

/* $this->zmqsocketShared, when it is a SharedSocket whose single frames
 * go through this extension; NULL otherwise (the caller then leaves it to
 * the layer). */
static zend_object *zsn_shared_of(zend_object *obj)
{
    zval *sv = OBJ_PROP(obj, zsn_s_offset);
    zend_object *s;
    zval *native;

    if (Z_TYPE_P(sv) != IS_OBJECT || zsn_send == NULL) {
        return NULL;
    }
    s = Z_OBJ_P(sv);
    if (s->ce != zsn_shared.ce) {
        zsn_shared.ce = NULL;
        if (!zsn_offset(s->ce, "native", &zsn_shared.native) ||
            !zsn_offset(s->ce, "handle", &zsn_shared.handle) ||
            !zsn_offset(s->ce, "pending", &zsn_shared.pending) ||
            !zsn_offset(s->ce, "sndtimeo", &zsn_shared.sndtimeo) ||
            !zsn_offset(s->ce, "rcvtimeo", &zsn_shared.rcvtimeo)) {
            return NULL;
        }
        zsn_shared.ce = s->ce;
    }
    native = OBJ_PROP(s, zsn_shared.native);
    if (Z_TYPE_P(native) != IS_TRUE || Z_TYPE_P(OBJ_PROP(s, zsn_shared.handle)) != IS_LONG) {
        return NULL;
    }
    return s;
}

/* An int32 timeout property of SharedSocket into *out; 0 when it is not
 * one (then the layer's PHP deals with it; nothing is thrown here). */
static int zsn_timeout_prop(zend_object *s, uint32_t offset, int32_t *out)
{
    zval *t = OBJ_PROP(s, offset);
    if (Z_TYPE_P(t) != IS_LONG || Z_LVAL_P(t) < INT32_MIN || Z_LVAL_P(t) > INT32_MAX) {
        return 0;
    }
    *out = (int32_t)Z_LVAL_P(t);
    return 1;
}

/* Call the layer's $obj->$name(...$argv) (a method of ZMQSocket, protected
 * or public) into return_value. */
static void zsn_call_layer(zend_object *obj, const char *name, zval *return_value,
                           uint32_t argc, zval *argv)
{
    zend_function *fn = zend_hash_str_find_ptr_lc(&obj->ce->function_table, name, strlen(name));
    if (fn == NULL || (fn->common.fn_flags & ZEND_ACC_STATIC)) {
        zend_throw_error(NULL, "%s has no method %s(): ZmqSocket\\Compat\\SocketMethods is "
                         "the parent of the php-zmq layer's ZMQSocket only",
                         ZSTR_VAL(obj->ce->name), name);
        return;
    }
    zend_call_known_instance_method(fn, obj, return_value, argc, argv);
    /* send() and recv() return by value, whatever a subclass's override of
     * the hook returns. */
    if (Z_ISREF_P(return_value)) {
        zend_unwrap_reference(return_value);
    }
}

/* mode: absent or int 0 */
static int zsn_mode_zero(zval *mode)
{
    return mode == NULL || (Z_TYPE_P(mode) == IS_LONG && Z_LVAL_P(mode) == 0);
}

ZEND_BEGIN_ARG_INFO_EX(arginfo_zsn_methods_send, 0, 0, 1)
    ZEND_ARG_INFO(0, message)
    ZEND_ARG_INFO_WITH_DEFAULT_VALUE(0, mode, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_zsn_methods_recv, 0, 0, 0)
    ZEND_ARG_INFO_WITH_DEFAULT_VALUE(0, mode, "0")
ZEND_END_ARG_INFO()

PHP_METHOD(SocketMethods, send)
{
    zval *message, *mode = NULL, args[2], rcz;
    zend_object *obj = Z_OBJ_P(ZEND_THIS), *s;
    int32_t t;
    int32_t rc;

    ZEND_PARSE_PARAMETERS_START(1, 2)
        Z_PARAM_ZVAL(message)
        Z_PARAM_OPTIONAL
        Z_PARAM_ZVAL(mode)
    ZEND_PARSE_PARAMETERS_END();

    if (Z_TYPE_P(message) == IS_STRING && zsn_mode_zero(mode) && (s = zsn_shared_of(obj)) != NULL) {
        zval *pending = OBJ_PROP(s, zsn_shared.pending);
        if (Z_TYPE_P(pending) == IS_ARRAY && zend_hash_num_elements(Z_ARRVAL_P(pending)) == 0 &&
            zsn_timeout_prop(s, zsn_shared.sndtimeo, &t)) {
            rc = zsn_send((zs_socket)Z_LVAL_P(OBJ_PROP(s, zsn_shared.handle)),
                          Z_STRVAL_P(message), Z_STRLEN_P(message), t);
            if (rc >= 0) {
                RETURN_OBJ_COPY(obj);
            }
            ZVAL_LONG(&rcz, rc);
            zsn_call_layer(obj, "zmqsocketSendFailed", return_value, 1, &rcz);
            return;
        }
    }
    ZVAL_COPY_VALUE(&args[0], message);
    if (mode == NULL) {
        ZVAL_LONG(&args[1], 0);
    } else {
        ZVAL_COPY_VALUE(&args[1], mode);
    }
    zsn_call_layer(obj, "zmqsocketSend", return_value, 2, args);
}

PHP_METHOD(SocketMethods, recv)
{
    zval *mode = NULL, arg, rcz;
    zend_object *obj = Z_OBJ_P(ZEND_THIS), *s;
    int64_t n;
    int32_t t;

    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_ZVAL(mode)
    ZEND_PARSE_PARAMETERS_END();

    if (zsn_mode_zero(mode) && (s = zsn_shared_of(obj)) != NULL &&
        zsn_timeout_prop(s, zsn_shared.rcvtimeo, &t)) {
        n = zsn_recv_string((zs_socket)Z_LVAL_P(OBJ_PROP(s, zsn_shared.handle)), t,
                            "ZMQSocket::recv", return_value);
        if (n >= 0 || EG(exception)) {
            return;
        }
        ZVAL_LONG(&rcz, n);
        zsn_call_layer(obj, "zmqsocketRecvFailed", return_value, 1, &rcz);
        return;
    }
    if (mode == NULL) {
        ZVAL_LONG(&arg, 0);
    } else {
        ZVAL_COPY_VALUE(&arg, mode);
    }
    zsn_call_layer(obj, "zmqsocketRecv", return_value, 1, &arg);
}

static const zend_function_entry zsn_methods_functions[] = {
    PHP_ME(SocketMethods, send, arginfo_zsn_methods_send, ZEND_ACC_PUBLIC)
    PHP_ME(SocketMethods, recv, arginfo_zsn_methods_recv, ZEND_ACC_PUBLIC)
    PHP_FE_END
};

static PHP_MINIT_FUNCTION(zmqsocket_native)
{
    zend_class_entry ce;
    zend_string *name, *class_name;
    zval undef;

    INIT_CLASS_ENTRY(ce, "ZmqSocket\\Compat\\SocketMethods", zsn_methods_functions);
    zsn_methods_ce = zend_register_internal_class_ex(&ce, NULL);
    zsn_methods_ce->ce_flags |= ZEND_ACC_ABSTRACT;
    /* protected SharedSocket $zmqsocketShared, as the PHP class declares it */
    name = zend_string_init_interned("zmqsocketShared", sizeof "zmqsocketShared" - 1, 1);
    class_name = zend_string_init_interned("ZmqSocket\\Compat\\SharedSocket",
                                     sizeof "ZmqSocket\\Compat\\SharedSocket" - 1, 1);
    ZVAL_UNDEF(&undef);
    zend_declare_typed_property(zsn_methods_ce, name, &undef, ZEND_ACC_PROTECTED, NULL,
                                (zend_type)ZEND_TYPE_INIT_CLASS(class_name, 0, 0));
    zsn_s_offset = ((zend_property_info *)zend_hash_find_ptr(&zsn_methods_ce->properties_info, name))->offset;
    zend_string_release(name);
    return SUCCESS;
}

static PHP_RINIT_FUNCTION(zmqsocket_native)
{
    zsn_shared.ce = NULL;
    return SUCCESS;
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
    PHP_MINIT(zmqsocket_native),
    NULL, /* MSHUTDOWN */
    PHP_RINIT(zmqsocket_native),
    NULL, /* RSHUTDOWN */
    NULL, /* MINFO */
    ZSN_VERSION,
    STANDARD_MODULE_PROPERTIES,
};

ZEND_GET_MODULE(zmqsocket_native)
