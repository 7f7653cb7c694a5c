/*
 * A prototype of the proposed zs_recv_into, built on the existing API so
 * that it can be measured without changing the library (a native version
 * would also skip the Box allocation and the zs_message_free behind it, so
 * it can only be cheaper). Also: no-op functions of the same C signatures,
 * for PHP FFI's own per-call cost, and a C loop timing the library's calls
 * without FFI. Built and run by run.sh; see the report in run.sh.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "zmqsocket.h"

/*
 * Receive one frame, as zs_recv does, into the caller's buffer. Returns the
 * frame's length (>= 0) or a zs_result code (< 0). A frame of at most cap
 * bytes is copied to buf; a longer one is handed over in *overflow instead
 * (a single-frame message, to read and zs_message_free), so nothing is ever
 * truncated or lost. *overflow is written only then.
 */
int64_t zs_recv_into(zs_socket s, int32_t timeout_ms, void *buf, size_t cap, struct zs_message *overflow)
{
    struct zs_message m = {0};
    int32_t rc = zs_recv(s, timeout_ms, &m);
    if (rc < 0) {
        return rc;
    }
    size_t len = m.frames[0].len;
    if (len <= cap) {
        if (len > 0) {
            memcpy(buf, m.frames[0].data, len);
        }
        zs_message_free(&m);
    } else {
        *overflow = m;
    }
    return (int64_t)len;
}

/* The same C signatures doing nothing: what PHP FFI costs per call. */
int32_t proto_noop0(void) { return 0; }
int32_t proto_noop_recv(zs_socket s, int32_t t, struct zs_message *m) { return (int32_t)(s & 1) + t + (m != NULL); }
int32_t proto_noop_send(zs_socket s, const void *d, size_t n, int32_t t) { return (int32_t)(s & 1) + t + (d != NULL) + (int32_t)n; }
int64_t proto_noop_recv_into(zs_socket s, int32_t t, void *b, size_t c, struct zs_message *m)
{
    return (int64_t)(s & 1) + t + (b != NULL) + (int64_t)c + (m != NULL);
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/*
 * The library's own cost per call, from C: n messages of size bytes from
 * push to pull (connected over inproc with HWM 0), in batches of 1000.
 * out[0] = zs_send, out[1] = zs_recv + zs_message_free, out[2] = zs_recv_into
 * (ns per call). Returns 0, or the first failing code.
 */
int32_t proto_c_costs(zs_socket push, zs_socket pull, int64_t n, size_t size, double *out)
{
    static char payload[65536], buf[65536];
    double send_ns = 0, recv_ns = 0, into_ns = 0;
    struct zs_message m = {0}, overflow = {0};
    if (size > sizeof payload) {
        return ZS_ERR_INVALID_ARGUMENT;
    }
    memset(payload, 'x', size);
    for (int64_t done = 0; done < n; done += 1000) {
        for (int pass = 0; pass < 2; pass++) {
            double t0 = now_ns();
            for (int i = 0; i < 1000; i++) {
                int32_t rc = zs_send(push, payload, size, ZS_TIMEOUT_DEFAULT);
                if (rc < 0) {
                    return rc;
                }
            }
            double t1 = now_ns();
            for (int i = 0; i < 1000; i++) {
                if (pass == 0) {
                    int32_t rc = zs_recv(pull, ZS_TIMEOUT_DEFAULT, &m);
                    if (rc < 0) {
                        return rc;
                    }
                    zs_message_free(&m);
                } else {
                    int64_t rc = zs_recv_into(pull, ZS_TIMEOUT_DEFAULT, buf, sizeof buf, &overflow);
                    if (rc < 0) {
                        return (int32_t)rc;
                    }
                }
            }
            double t2 = now_ns();
            send_ns += t1 - t0;
            if (pass == 0) {
                recv_ns += t2 - t1;
            } else {
                into_ns += t2 - t1;
            }
        }
    }
    out[0] = send_ns / (double)(2 * n);
    out[1] = recv_ns / (double)n;
    out[2] = into_ns / (double)n;
    return 0;
}
