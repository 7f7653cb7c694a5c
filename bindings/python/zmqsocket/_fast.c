/*
 * zmqsocket._fast: the Python binding's per-message path (Socket.send,
 * Socket.recv) as CPython functions instead of ctypes calls. A ctypes
 * call converts each argument and sets up libffi on every call; a C
 * function taking its arguments as objects costs a few tens of
 * nanoseconds. Everything else in the binding stays on ctypes.
 *
 * It links nothing. attach(path) finds the library that ctypes already
 * loaded, by the same path (dlopen with RTLD_NOLOAD: a library that is
 * not loaded yet is not loaded by this), and takes its functions from it,
 * so that both paths use one library, one handle table and one context,
 * whatever file ZMQSOCKET_LIB names. Once attached, it stays with that
 * library: attaching to another one is refused.
 *
 *   attach(path: bytes) -> bool
 *       True once attached (again, to the same library: True); False if
 *       no loaded library is known by that path, it lacks the functions,
 *       or it is not the library attached before.
 *   set_error(factory) -> None
 *       factory(code) returns the exception for a failure the calling
 *       thread's last library call reported (the binding's _error).
 *   send(handle: int, data: bytes, timeout_ms: int) -> None
 *       zs_send; raises factory(code) when it fails.
 *   recv(handle: int, timeout_ms: int) -> bytes
 *       zs_recv_packed, as the binding's ctypes path calls it (so that
 *       both give the same results and the same last-error text), through
 *       a per-thread buffer of 16 KiB; a longer frame comes whole in the
 *       overflow message and is freed here.
 *
 * Both release the GIL while the library waits. The binding converts its
 * arguments first (bytes-likes to bytes, seconds to milliseconds, with
 * its own errors), so a wrong type here is a TypeError, an out-of-range
 * number OverflowError or ValueError; calling before attach is a
 * RuntimeError.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <stdint.h>

#include "zmqsocket.h"

/* The library attached to, and its functions with the header's types. */
static void *zf_lib;
static __typeof__(&zs_send) zf_send;
static __typeof__(&zs_recv_packed) zf_recv_packed;
static __typeof__(&zs_message_free) zf_free;
static PyObject *zf_error_factory;

#define ZF_RECV_BUF 16384
static __thread char zf_buf[ZF_RECV_BUF];

static PyObject *zf_attach(PyObject *self, PyObject *arg)
{
    (void)self;
    if (!PyBytes_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "attach: path must be bytes, not %s",
                     Py_TYPE(arg)->tp_name);
        return NULL;
    }
    void *lib = dlopen(PyBytes_AS_STRING(arg), RTLD_NOW | RTLD_NOLOAD);
    if (lib == NULL) {
        Py_RETURN_FALSE;
    }
    if (zf_lib != NULL) {
        /* dlopen counted one more reference: give it back */
        int same = lib == zf_lib;
        dlclose(lib);
        return PyBool_FromLong(same);
    }
    void *send = dlsym(lib, "zs_send");
    void *recv = dlsym(lib, "zs_recv_packed");
    void *msg_free = dlsym(lib, "zs_message_free");
    if (send == NULL || recv == NULL || msg_free == NULL) {
        dlclose(lib);
        Py_RETURN_FALSE;
    }
    /* kept open for the life of the process, as ctypes keeps it */
    zf_lib = lib;
    zf_send = (__typeof__(zf_send))send;
    zf_recv_packed = (__typeof__(zf_recv_packed))recv;
    zf_free = (__typeof__(zf_free))msg_free;
    Py_RETURN_TRUE;
}

static PyObject *zf_set_error(PyObject *self, PyObject *factory)
{
    (void)self;
    if (!PyCallable_Check(factory)) {
        PyErr_SetString(PyExc_TypeError, "set_error: factory must be callable");
        return NULL;
    }
    Py_INCREF(factory);
    Py_XSETREF(zf_error_factory, factory);
    Py_RETURN_NONE;
}

/* Raise the binding's exception for code (< 0); returns NULL. */
static PyObject *zf_raise(long long code)
{
    if (zf_error_factory == NULL) {
        PyErr_Format(PyExc_RuntimeError, "zmqsocket._fast: library call failed (%lld) "
                     "and set_error was not called", code);
        return NULL;
    }
    PyObject *exc = PyObject_CallFunction(zf_error_factory, "L", code);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    return NULL;
}

static int zf_args(const char *fn, PyObject *const *args, Py_ssize_t nargs, Py_ssize_t want,
                   zs_socket *handle, int32_t *timeout_ms)
{
    if (nargs != want) {
        PyErr_Format(PyExc_TypeError, "%s takes %zd arguments (%zd given)", fn, want, nargs);
        return -1;
    }
    if (zf_lib == NULL) {
        PyErr_Format(PyExc_RuntimeError, "%s: not attached to the library", fn);
        return -1;
    }
    unsigned long long h = PyLong_AsUnsignedLongLong(args[0]);
    if (h == (unsigned long long)-1 && PyErr_Occurred()) {
        return -1;
    }
    long t = PyLong_AsLong(args[want - 1]);
    if (t == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (t < INT32_MIN || t > INT32_MAX) {
        PyErr_Format(PyExc_ValueError, "%s: timeout_ms %ld does not fit in int32", fn, t);
        return -1;
    }
    *handle = (zs_socket)h;
    *timeout_ms = (int32_t)t;
    return 0;
}

static PyObject *zf_send_fn(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    zs_socket handle;
    int32_t timeout_ms;
    if (zf_args("send", args, nargs, 3, &handle, &timeout_ms) < 0) {
        return NULL;
    }
    PyObject *data = args[1];
    if (!PyBytes_Check(data)) {
        PyErr_Format(PyExc_TypeError, "send: data must be bytes, not %s", Py_TYPE(data)->tp_name);
        return NULL;
    }
    /* data stays alive (the caller holds it) while the GIL is released */
    const char *p = PyBytes_AS_STRING(data);
    size_t len = (size_t)PyBytes_GET_SIZE(data);
    int32_t rc;
    /* A signal cut the wait short: run Python's handlers now, as pyzmq
     * does; one that raised (KeyboardInterrupt) is the result, else the
     * wait starts again. */
    do {
        Py_BEGIN_ALLOW_THREADS
        rc = zf_send(handle, p, len, timeout_ms);
        Py_END_ALLOW_THREADS
    } while (rc == ZS_ERR_INTERRUPTED && PyErr_CheckSignals() == 0);
    if (rc == ZS_ERR_INTERRUPTED) {
        return NULL;
    }
    if (rc < 0) {
        return zf_raise(rc);
    }
    Py_RETURN_NONE;
}

static PyObject *zf_recv_fn(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    zs_socket handle;
    int32_t timeout_ms;
    if (zf_args("recv", args, nargs, 2, &handle, &timeout_ms) < 0) {
        return NULL;
    }
    struct zs_recv_args a = {handle, timeout_ms, zf_buf, sizeof zf_buf, {NULL, 0, NULL}};
    int64_t n;
    /* As in send. */
    do {
        Py_BEGIN_ALLOW_THREADS
        n = zf_recv_packed(&a);
        Py_END_ALLOW_THREADS
    } while (n == ZS_ERR_INTERRUPTED && PyErr_CheckSignals() == 0);
    if (n == ZS_ERR_INTERRUPTED) {
        return NULL;
    }
    if (n < 0) {
        return zf_raise(n);
    }
    if (n <= (int64_t)sizeof zf_buf) {
        return PyBytes_FromStringAndSize(zf_buf, (Py_ssize_t)n);
    }
    PyObject *out = PyBytes_FromStringAndSize((const char *)a.overflow.frames[0].data,
                                              (Py_ssize_t)a.overflow.frames[0].len);
    zf_free(&a.overflow);
    return out;
}

static PyMethodDef zf_methods[] = {
    {"attach", zf_attach, METH_O, "Attach to the loaded library at path (bytes)."},
    {"set_error", zf_set_error, METH_O, "Set the factory of exceptions: factory(code)."},
    {"send", (PyCFunction)(void (*)(void))zf_send_fn, METH_FASTCALL,
     "send(handle, data, timeout_ms): zs_send."},
    {"recv", (PyCFunction)(void (*)(void))zf_recv_fn, METH_FASTCALL,
     "recv(handle, timeout_ms) -> bytes: zs_recv_packed."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef zf_module = {
    PyModuleDef_HEAD_INIT, "zmqsocket._fast",
    "The compiled per-message path of the zmqsocket binding (see _fast.c).", -1, zf_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fast(void)
{
    return PyModule_Create(&zf_module);
}
