/*
 * test_badinput.c: the bad-input matrix (issue 5, item 1).
 *
 * Every exported function is called with each kind of bad argument it can
 * be given: NULL for each pointer, the four classes of bad handle (0, never
 * issued, destroyed, UINT64_MAX), a length with NULL data, out-of-range
 * ports, HWMs, timeouts, lingers and sizes, empty / non-UTF-8 / whitespace
 * strings, counts of 0, and zs_message_free on NULL, zeroed and
 * already-freed messages. Each bad call must return its documented code
 * (false for the bool functions), set the thread's last error to that
 * code, and leave a non-empty message that names the function and the
 * argument (or the handle, the endpoint, the host id). Before each bad call
 * the last error is primed with a different failure, so a call that forgot
 * to set it is caught.
 *
 * The bad calls are made on live sockets (a PULL bound to an ephemeral
 * port, a PUSH connected to it, a fresh SUB) with a message waiting in the
 * PULL: afterwards that message is still there and comes first, nothing
 * the bad sends offered was sent, the ports, endpoints, host table, bind
 * interface and default timeout are unchanged, no socket was left behind,
 * and the sockets still move messages.
 *
 * Prints "# bad inputs tried: N" (the number of bad calls) before the
 * summary line.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "testutil.h"

#define HWM ZS_HWM_DEFAULT
#define NBAD_HANDLES 4
#define UNKNOWN_HOST_ID "no-such-host.badinput"

static int n_bad = 0;     /* bad calls made and judged */
static int side_ok = 1;   /* cleared by a call wrapper whose out-parameter rule broke */

/* The live sockets the bad calls are aimed at. */
static zs_socket pull = 0, push = 0, sub = 0;
static int32_t port = 0;      /* pull's port, push is connected to it */
static int32_t dead_port = 0; /* a port nobody listens on */

static zs_socket bad_handle[NBAD_HANDLES];
static const char *bad_handle_name[NBAD_HANDLES] = {
    "0", "never issued (0xDEADBEEF)", "destroyed", "UINT64_MAX"};

static const zs_frame fr_ok[2] = {{"a", 1}, {"bc", 2}};
static const zs_frame fr_null[2] = {{"a", 1}, {NULL, 3}};

enum { R_INT, R_BOOL };

/* ----------------------------------------------------------- the verdict */

/*
 * Give the last error a known state that no bad call below can leave: a
 * failure of another function with another code.
 */
static void prime(int32_t want)
{
    if (want == ZS_ERR_UNKNOWN_SOCKET_TYPE)
        (void)zs_peer_count(0); /* ZS_ERR_BAD_HANDLE, "zs_peer_count: ..." */
    else
        (void)zs_socket_type_from_name("badinput-prime"); /* -3 */
    side_ok = 1;
}

/*
 * Judge one bad call: `got` is what it returned (0/1 for a bool function),
 * `want` its documented code; the last error must carry `want`, be
 * non-empty, name `fn` (as "fn:") and contain `arg` (when not NULL).
 */
static void verdict(int64_t got, int kind, int32_t want, const char *fn,
                    const char *arg, const char *expr, const char *file,
                    int line)
{
    char what[256], fn_colon[64];
    const char *msg = zs_last_error();

    n_bad++;
    if (kind == R_BOOL) {
        snprintf(what, sizeof what, "returns false (wants code %d, %s)", (int)want,
                 zs_strerror(want));
        tu_check(got == 0, file, line, expr, what);
    } else {
        tu_check_eq(got, want, file, line, expr, zs_strerror(want));
    }
    snprintf(what, sizeof what, "last error code of %s", expr);
    tu_check_eq(zs_last_error_code(), want, file, line, what, zs_strerror(want));
    tu_check(msg != NULL && msg[0] != '\0', file, line, expr,
             "the last error message is not empty");
    if (msg == NULL)
        return;
    snprintf(fn_colon, sizeof fn_colon, "%s:", fn);
    snprintf(what, sizeof what, "the last error names the function (\"%s\")", fn_colon);
    tu_check(strstr(msg, fn_colon) != NULL, file, line, expr, what);
    if (arg != NULL) {
        snprintf(what, sizeof what, "the last error names the argument (\"%s\")", arg);
        tu_check(strstr(msg, arg) != NULL, file, line, expr, what);
    }
    tu_check(side_ok, file, line, expr,
             "out-parameter rule kept (*out untouched or zeroed as documented, no socket left behind)");
}

/* One bad call written out: BAD(code, "zs_fn", "arg needle", call). */
#define BAD(want, fn, arg, call)                                              \
    do {                                                                      \
        prime(want);                                                          \
        verdict((int64_t)(call), R_INT, (want), (fn), (arg), #call, __FILE__, \
                __LINE__);                                                    \
    } while (0)
/* The same for a function returning bool. */
#define BADB(want, fn, arg, call)                                      \
    do {                                                               \
        prime(want);                                                   \
        verdict((call) ? 1 : 0, R_BOOL, (want), (fn), (arg), #call,    \
                __FILE__, __LINE__);                                   \
    } while (0)

/* ------------------------------------------- out-parameter rule helpers */

static const zs_socket OUT_SENTINEL = 0x5A5A5A5AULL;

static void msg_garbage(zs_message *m)
{
    /* *out is "overwritten, never read": garbage must be fine */
    m->frames = (zs_frame *)(uintptr_t)0x1;
    m->count = 77;
    m->owner = (void *)(uintptr_t)0x2;
}

static void want_msg_zeroed(const zs_message *m)
{
    if (m->frames != NULL || m->count != 0 || m->owner != NULL)
        side_ok = 0;
}

static void want_stats_zeroed(const zs_drain_stats *st)
{
    static const zs_drain_stats zero;
    if (memcmp(st, &zero, sizeof zero) != 0)
        side_ok = 0;
}

/* Socket makers that must leave *out untouched and no socket behind. */
static int32_t new_x(int32_t type, int null_out)
{
    zs_socket out = OUT_SENTINEL;
    int32_t before = zs_socket_count(), r;
    r = zs_socket_new(type, null_out ? NULL : &out);
    if (out != OUT_SENTINEL || zs_socket_count() != before)
        side_ok = 0;
    return r;
}

static int32_t new_bound_x(int32_t type, int32_t p, int32_t sh, int32_t rh, int null_out)
{
    zs_socket out = OUT_SENTINEL;
    int32_t before = zs_socket_count(), r;
    r = zs_socket_new_bound(type, p, sh, rh, null_out ? NULL : &out);
    if (out != OUT_SENTINEL || zs_socket_count() != before)
        side_ok = 0;
    return r;
}

static int32_t new_conn_x(int32_t type, const char *id, int32_t p, int32_t sh, int32_t rh,
                          int null_out)
{
    zs_socket out = OUT_SENTINEL;
    int32_t before = zs_socket_count(), r;
    r = zs_socket_new_connected(type, id, p, sh, rh, null_out ? NULL : &out);
    if (out != OUT_SENTINEL || zs_socket_count() != before)
        side_ok = 0;
    return r;
}

typedef int32_t (*recv_fn)(zs_socket, int32_t, zs_message *);
typedef int32_t (*recv_nb_fn)(zs_socket, zs_message *);

static int32_t recv_x(recv_fn f, zs_socket s, int32_t t)
{
    zs_message m;
    int32_t r;
    msg_garbage(&m);
    r = f(s, t, &m);
    want_msg_zeroed(&m);
    if (r == ZS_OK)
        zs_message_free(&m);
    return r;
}

static int32_t recv_nb_x(recv_nb_fn f, zs_socket s)
{
    zs_message m;
    int32_t r;
    msg_garbage(&m);
    r = f(s, &m);
    want_msg_zeroed(&m);
    if (r == ZS_OK)
        zs_message_free(&m);
    return r;
}

static int32_t drain_x(zs_socket s, int64_t expected, uint32_t flags, int32_t t)
{
    zs_drain_stats st;
    int32_t r;
    memset(&st, 0xAB, sizeof st);
    r = zs_drain(s, expected, flags, t, &st);
    want_stats_zeroed(&st);
    return r;
}

static int32_t poll1(zs_socket s, int32_t t)
{
    zs_socket arr[1];
    bool rd[1];
    arr[0] = s;
    return zs_poll(arr, 1, t, rd);
}

/* ----------------------------------------------- bad handles, table-driven */

typedef struct {
    const char *fn;
    int kind;
    int64_t (*call)(zs_socket s);
} handle_row;

static int64_t h_destroy(zs_socket s) { return zs_socket_destroy(s); }
static int64_t h_type(zs_socket s) { return zs_socket_type(s); }
static int64_t h_linger(zs_socket s) { return zs_set_linger(s, 100); }
static int64_t h_maxmsg(zs_socket s) { return zs_set_max_message_size(s, 4096); }
static int64_t h_routing_id(zs_socket s) { return zs_set_routing_id(s, "id", 2); }
static int64_t h_subscribe(zs_socket s) { return zs_subscribe(s, "a", 1); }
static int64_t h_unsubscribe(zs_socket s) { return zs_unsubscribe(s, "a", 1); }
static int64_t h_bind(zs_socket s) { return zs_bind_to_port(s, 0, HWM, HWM); }
static int64_t h_unbind(zs_socket s) { return zs_unbind_from_port(s, port); }
static int64_t h_unbind_all(zs_socket s) { return zs_unbind_from_all_ports(s); }
static int64_t h_connect(zs_socket s) { return zs_connect_to_host(s, "127.0.0.1", dead_port, HWM, HWM); }
static int64_t h_disconnect(zs_socket s) { return zs_disconnect_from_host(s, "127.0.0.1", port); }
static int64_t h_disconnect_all(zs_socket s) { return zs_disconnect_from_all_hosts(s); }
static int64_t h_close(zs_socket s) { return zs_close(s); }
static int64_t h_send(zs_socket s) { return zs_send(s, "x", 1, 0); }
static int64_t h_send_multi(zs_socket s) { return zs_send_multi(s, fr_ok, 2, 0); }
static int64_t h_send_nb(zs_socket s) { return zs_send_nonblocking(s, "x", 1) ? 1 : 0; }
static int64_t h_send_multi_nb(zs_socket s) { return zs_send_multi_nonblocking(s, fr_ok, 2) ? 1 : 0; }
static int64_t h_recv(zs_socket s) { return recv_x(zs_recv, s, 0); }
static int64_t h_recv_multi(zs_socket s) { return recv_x(zs_recv_multi, s, 0); }
static int64_t h_recv_nb(zs_socket s) { return recv_nb_x(zs_recv_nonblocking, s); }
static int64_t h_recv_multi_nb(zs_socket s) { return recv_nb_x(zs_recv_multi_nonblocking, s); }
static int64_t recv_into_x(zs_socket s, int32_t t)
{
    char b[8];
    zs_message ov;
    memset(&ov, 0, sizeof ov);
    return zs_recv_into(s, t, b, sizeof b, &ov);
}
static int64_t h_recv_into(zs_socket s) { return recv_into_x(s, 0); }
static int64_t recv_packed_x(zs_socket s, int32_t t)
{
    char b[8];
    zs_recv_args a;
    memset(&a, 0, sizeof a);
    a.socket = s;
    a.timeout_ms = t;
    a.buf = b;
    a.cap = sizeof b;
    return zs_recv_packed(&a);
}
static int64_t h_recv_packed(zs_socket s) { return recv_packed_x(s, 0); }
static int64_t h_is_bound(zs_socket s) { return zs_is_bound_to_port(s, port) ? 1 : 0; }
static int64_t h_is_connected(zs_socket s) { return zs_is_connected_to_host(s, "127.0.0.1", port) ? 1 : 0; }
static int64_t h_bound_ports(zs_socket s)
{
    int32_t ports[4];
    return zs_bound_ports(s, ports, 4);
}
static int64_t h_endpoints(zs_socket s)
{
    char buf[128];
    return zs_endpoints(s, buf, sizeof buf);
}
static int64_t h_pump(zs_socket s) { return zs_pump(s, fr_ok, 2, 1, 0, 0); }
static int64_t h_drain(zs_socket s) { return drain_x(s, 1, 0, 0); }
static int64_t h_wait_connected(zs_socket s) { return zs_wait_connected(s, "127.0.0.1", port, 0); }
static int64_t h_peer_count(zs_socket s) { return zs_peer_count(s); }
static int64_t h_wait_peers(zs_socket s) { return zs_wait_peers(s, 1, 0); }
static int64_t h_poll(zs_socket s) { return poll1(s, 0); }
static int64_t h_poll_second(zs_socket s)
{
    zs_socket arr[2];
    bool rd[2];
    arr[0] = pull;
    arr[1] = s;
    return zs_poll(arr, 2, 0, rd);
}
#define KEY_A "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7" /* 40 Z85 characters */
static int64_t h_curve_server(zs_socket s) { return zs_set_curve_server(s, KEY_A); }
static int64_t h_curve_client(zs_socket s) { return zs_set_curve_client(s, KEY_A, KEY_A, KEY_A); }
static int64_t h_plain_server(zs_socket s) { return zs_set_plain_server(s); }
static int64_t h_plain_client(zs_socket s) { return zs_set_plain_client(s, "u", "p"); }
static int64_t h_next_event(zs_socket s)
{
    zs_event e;
    return zs_next_event(s, 0, &e);
}
static int64_t poll_events_x(zs_socket first, zs_socket second, int32_t t)
{
    zs_socket arr[2];
    int16_t want[2] = {ZS_POLLIN, ZS_POLLIN | ZS_POLLOUT}, ready[2];
    arr[0] = first;
    arr[1] = second;
    return zs_poll_events(arr, want, 2, t, ready);
}
static int64_t h_poll_events(zs_socket s) { return poll_events_x(s, pull, 0); }
static int64_t h_poll_events_second(zs_socket s) { return poll_events_x(pull, s, 0); }
static int64_t h_bind_ep(zs_socket s) { return zs_bind_endpoint(s, "tcp://127.0.0.1:0", HWM, HWM); }
static int64_t h_unbind_ep(zs_socket s) { return zs_unbind_endpoint(s, "tcp://127.0.0.1:1"); }
static int64_t h_connect_ep(zs_socket s)
{
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)dead_port);
    return zs_connect_endpoint(s, ep, HWM, HWM);
}
static int64_t h_disconnect_ep(zs_socket s) { return zs_disconnect_endpoint(s, "tcp://127.0.0.1:1"); }

static const handle_row handle_rows[] = {
    {"zs_socket_destroy", R_INT, h_destroy},
    {"zs_socket_type", R_INT, h_type},
    {"zs_set_linger", R_INT, h_linger},
    {"zs_set_max_message_size", R_INT, h_maxmsg},
    {"zs_set_routing_id", R_INT, h_routing_id},
    {"zs_subscribe", R_INT, h_subscribe},
    {"zs_unsubscribe", R_INT, h_unsubscribe},
    {"zs_bind_to_port", R_INT, h_bind},
    {"zs_unbind_from_port", R_INT, h_unbind},
    {"zs_unbind_from_all_ports", R_INT, h_unbind_all},
    {"zs_connect_to_host", R_INT, h_connect},
    {"zs_disconnect_from_host", R_INT, h_disconnect},
    {"zs_disconnect_from_all_hosts", R_INT, h_disconnect_all},
    {"zs_close", R_INT, h_close},
    {"zs_send", R_INT, h_send},
    {"zs_send_multi", R_INT, h_send_multi},
    {"zs_send_nonblocking", R_BOOL, h_send_nb},
    {"zs_send_multi_nonblocking", R_BOOL, h_send_multi_nb},
    {"zs_recv", R_INT, h_recv},
    {"zs_recv_multi", R_INT, h_recv_multi},
    {"zs_recv_nonblocking", R_INT, h_recv_nb},
    {"zs_recv_multi_nonblocking", R_INT, h_recv_multi_nb},
    {"zs_recv_into", R_INT, h_recv_into},
    {"zs_recv_packed", R_INT, h_recv_packed},
    {"zs_is_bound_to_port", R_BOOL, h_is_bound},
    {"zs_is_connected_to_host", R_BOOL, h_is_connected},
    {"zs_bound_ports", R_INT, h_bound_ports},
    {"zs_endpoints", R_INT, h_endpoints},
    {"zs_pump", R_INT, h_pump},
    {"zs_drain", R_INT, h_drain},
    {"zs_wait_connected", R_INT, h_wait_connected},
    {"zs_peer_count", R_INT, h_peer_count},
    {"zs_wait_peers", R_INT, h_wait_peers},
    {"zs_poll", R_INT, h_poll},
    {"zs_poll", R_INT, h_poll_second},
    {"zs_bind_endpoint", R_INT, h_bind_ep},
    {"zs_unbind_endpoint", R_INT, h_unbind_ep},
    {"zs_connect_endpoint", R_INT, h_connect_ep},
    {"zs_disconnect_endpoint", R_INT, h_disconnect_ep},
    {"zs_set_curve_server", R_INT, h_curve_server},
    {"zs_set_curve_client", R_INT, h_curve_client},
    {"zs_set_plain_server", R_INT, h_plain_server},
    {"zs_set_plain_client", R_INT, h_plain_client},
    {"zs_next_event", R_INT, h_next_event},
    {"zs_poll_events", R_INT, h_poll_events},
    {"zs_poll_events", R_INT, h_poll_events_second},
};

static void test_bad_handles(void)
{
    size_t i;
    int k, before = n_bad;
    char expr[160], needle[64];

    TEST("bad handles (0, never issued, destroyed, UINT64_MAX) in every function that takes one");
    for (i = 0; i < sizeof handle_rows / sizeof handle_rows[0]; i++) {
        for (k = 0; k < NBAD_HANDLES; k++) {
            int64_t got;
            snprintf(expr, sizeof expr, "%s(handle %s)", handle_rows[i].fn,
                     bad_handle_name[k]);
            /* the message names the handle: "socket 0: ...", "socket 4: ..." */
            snprintf(needle, sizeof needle, "socket %llu",
                     (unsigned long long)bad_handle[k]);
            prime(ZS_ERR_BAD_HANDLE);
            got = handle_rows[i].call(bad_handle[k]);
            verdict(got, handle_rows[i].kind, ZS_ERR_BAD_HANDLE, handle_rows[i].fn,
                    needle, expr, __FILE__, __LINE__);
        }
    }
    printf("#   %d bad calls\n", n_bad - before);
}

/* ------------------------------------------------------- proxies (SPEC 22) */

static void test_bad_proxy(void)
{
    zs_socket px = OUT_SENTINEL, gone = 0;
    zs_proxy_stats st;
    char svc[64], needle[64];
    const char *front = "tcp://127.0.0.1:0";
    int k, before = n_bad;

    TEST("proxies: NULL per pointer, bad types, directions, rules, cuts; bad and mixed-up handles");
    snprintf(svc, sizeof svc, "tcp://127.0.0.1:%d", (int)dead_port);
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_proxy_new", "99", zs_proxy_new(99, front, svc, &px));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_proxy_new", "-1", zs_proxy_new(-1, front, svc, &px));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_proxy_new", "client_type", zs_proxy_new(ZS_PUB, front, svc, &px));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_proxy_new", "client_type", zs_proxy_new(ZS_ROUTER, front, svc, &px));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_new", "front", zs_proxy_new(ZS_PUSH, NULL, svc, &px));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_new", "service", zs_proxy_new(ZS_PUSH, front, NULL, &px));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_new", "out", zs_proxy_new(ZS_PUSH, front, svc, NULL));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_new", "front", zs_proxy_new(ZS_PUSH, "", svc, &px));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_new", "service", zs_proxy_new(ZS_PUSH, front, "a b", &px));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_new", "front", zs_proxy_new(ZS_PUSH, "bogus://x", svc, &px));
    CHECK(px == OUT_SENTINEL, "*out untouched by the failed zs_proxy_new calls");
    CHECK_EQ_INT(zs_socket_count(), 3);

    CHECK(zs_proxy_new(ZS_PUSH, front, svc, &px) > 0, "a proxy for PUSH clients");
    CHECK(zs_proxy_new(ZS_REQ, front, svc, &gone) > 0, "a proxy for REQ clients");
    CHECK_EQ_INT(zs_socket_destroy(gone), ZS_OK);
    for (k = 0; k <= NBAD_HANDLES; k++) {
        zs_socket h = k < NBAD_HANDLES ? bad_handle[k] : gone;
        snprintf(needle, sizeof needle, "socket %llu", (unsigned long long)h);
        BAD(ZS_ERR_BAD_HANDLE, "zs_proxy_fault", needle, zs_proxy_fault(h, ZS_BOTH_WAYS, ""));
        BAD(ZS_ERR_BAD_HANDLE, "zs_proxy_cut", needle, zs_proxy_cut(h, 0));
        BAD(ZS_ERR_BAD_HANDLE, "zs_proxy_stats_get", needle, zs_proxy_stats_get(h, &st));
    }
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_fault", "direction 0", zs_proxy_fault(px, 0, ""));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_fault", "direction 4", zs_proxy_fault(px, 4, ""));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_fault", "direction -2147483648",
        zs_proxy_fault(px, INT32_MIN, ""));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_fault", "rules", zs_proxy_fault(px, ZS_BOTH_WAYS, NULL));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_fault", "UTF-8",
        zs_proxy_fault(px, ZS_TOWARDS_SERVICE, "\xff"));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_fault", "'drop 200%'",
        zs_proxy_fault(px, ZS_TOWARDS_SERVICE, "drop 200%"));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_fault", "'delay 5'",
        zs_proxy_fault(px, ZS_FROM_SERVICE, "seed 1; delay 5"));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_cut", "ms -1", zs_proxy_cut(px, -1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_cut", "ms -2147483648", zs_proxy_cut(px, INT32_MIN));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_proxy_stats_get", "out", zs_proxy_stats_get(px, NULL));
    /* a proxy's handle to socket functions, a socket's to proxy functions */
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_send", "is a proxy, not a socket", zs_send(px, "x", 1, 0));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_bind_to_port", "is a proxy", zs_bind_to_port(px, 0, HWM, HWM));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_socket_type", "is a proxy", zs_socket_type(px));
    BADB(ZS_ERR_NOT_SUPPORTED, "zs_is_bound_to_port", "is a proxy", zs_is_bound_to_port(px, 1));
    {
        int64_t iv = 0;
        char ob[16];
        zs_event ev;
        zs_socket one[1];
        int16_t want[1] = {ZS_POLLIN}, ready[1];
        one[0] = px;
        BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_option", "is a proxy", zs_set_option(px, "LINGER", 0));
        BAD(ZS_ERR_NOT_SUPPORTED, "zs_get_option", "is a proxy", zs_get_option(px, "TYPE", &iv));
        BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_option_bytes", "is a proxy",
            zs_set_option_bytes(px, "ROUTING_ID", "a", 1));
        BAD(ZS_ERR_NOT_SUPPORTED, "zs_get_option_bytes", "is a proxy",
            zs_get_option_bytes(px, "LAST_ENDPOINT", ob, sizeof ob));
        BAD(ZS_ERR_NOT_SUPPORTED, "zs_next_event", "is a proxy", zs_next_event(px, 0, &ev));
        BAD(ZS_ERR_NOT_SUPPORTED, "zs_poll_events", "is a proxy",
            zs_poll_events(one, want, 1, 0, ready));
        BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_plain_server", "is a proxy", zs_set_plain_server(px));
        BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_curve_server", "is a proxy",
            zs_set_curve_server(px, KEY_A));
    }
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_proxy_fault", "is a socket, not a proxy",
        zs_proxy_fault(pull, ZS_BOTH_WAYS, ""));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_proxy_cut", "not a proxy", zs_proxy_cut(push, 0));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_proxy_stats_get", "not a proxy", zs_proxy_stats_get(sub, &st));
    /* nothing was forwarded, dropped or changed by the bad calls */
    memset(&st, 0xA5, sizeof st);
    CHECK_EQ_INT(zs_proxy_stats_get(px, &st), ZS_OK);
    CHECK(st.forwarded[0] == 0 && st.forwarded[1] == 0 && st.dropped[0] == 0 &&
              st.dropped[1] == 0 && st.corrupted[0] == 0 && st.delayed[1] == 0,
          "the proxy's stats are all zero");
    CHECK_EQ_INT(zs_proxy_fault(px, ZS_BOTH_WAYS, " drop 10% ; delay 1ms..2ms; seed 7 "), ZS_OK);
    CHECK_EQ_INT(zs_proxy_cut(px, 0), ZS_OK);
    CHECK_EQ_INT(zs_socket_count(), 4);
    CHECK_EQ_INT(zs_socket_destroy(px), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(px), ZS_ERR_BAD_HANDLE);
    CHECK_EQ_INT(zs_socket_count(), 3);
    printf("#   %d bad calls\n", n_bad - before);
}

/* ------------------------------------------------ bad ports, table-driven */

typedef struct {
    const char *fn;
    int kind;
    int32_t lo; /* the lowest valid port: 0 for binds, 1 otherwise */
    int64_t (*call)(int32_t p);
} port_row;

static int64_t p_bind(int32_t p) { return zs_bind_to_port(pull, p, HWM, HWM); }
static int64_t p_new_bound(int32_t p) { return new_bound_x(ZS_PULL, p, HWM, HWM, 0); }
static int64_t p_unbind(int32_t p) { return zs_unbind_from_port(pull, p); }
static int64_t p_connect(int32_t p) { return zs_connect_to_host(push, "127.0.0.1", p, HWM, HWM); }
static int64_t p_new_conn(int32_t p) { return new_conn_x(ZS_PUSH, "127.0.0.1", p, HWM, HWM, 0); }
static int64_t p_disconnect(int32_t p) { return zs_disconnect_from_host(push, "127.0.0.1", p); }
static int64_t p_is_bound(int32_t p) { return zs_is_bound_to_port(pull, p) ? 1 : 0; }
static int64_t p_is_connected(int32_t p) { return zs_is_connected_to_host(push, "127.0.0.1", p) ? 1 : 0; }
static int64_t p_wait_connected(int32_t p) { return zs_wait_connected(push, "127.0.0.1", p, 0); }

static const port_row port_rows[] = {
    {"zs_bind_to_port", R_INT, 0, p_bind},
    {"zs_socket_new_bound", R_INT, 0, p_new_bound},
    {"zs_unbind_from_port", R_INT, 1, p_unbind},
    {"zs_connect_to_host", R_INT, 1, p_connect},
    {"zs_socket_new_connected", R_INT, 1, p_new_conn},
    {"zs_disconnect_from_host", R_INT, 1, p_disconnect},
    {"zs_is_bound_to_port", R_BOOL, 1, p_is_bound},
    {"zs_is_connected_to_host", R_BOOL, 1, p_is_connected},
    {"zs_wait_connected", R_INT, 1, p_wait_connected},
};

static void test_bad_ports(void)
{
    static const int32_t ports[] = {-1, 0, 65536, INT32_MIN, INT32_MAX};
    size_t i, k;
    int before = n_bad;
    char expr[160], needle[64];

    TEST("ports -1, 0 (where 0 is invalid), 65536, INT32_MIN, INT32_MAX");
    for (i = 0; i < sizeof port_rows / sizeof port_rows[0]; i++) {
        for (k = 0; k < sizeof ports / sizeof ports[0]; k++) {
            int64_t got;
            if (ports[k] >= port_rows[i].lo && ports[k] <= 65535)
                continue; /* valid for this function (bind to port 0) */
            snprintf(expr, sizeof expr, "%s(port %ld)", port_rows[i].fn, (long)ports[k]);
            snprintf(needle, sizeof needle, "port %ld", (long)ports[k]);
            prime(ZS_ERR_INVALID_ARGUMENT);
            got = port_rows[i].call(ports[k]);
            verdict(got, port_rows[i].kind, ZS_ERR_INVALID_ARGUMENT, port_rows[i].fn,
                    needle, expr, __FILE__, __LINE__);
        }
    }
    printf("#   %d bad calls\n", n_bad - before);
}

/* ------------------------------------------------- bad HWMs, table-driven */

typedef struct {
    const char *fn;
    int64_t (*call)(int32_t send_hwm, int32_t recv_hwm);
} hwm_row;

static int64_t w_bind(int32_t sh, int32_t rh) { return zs_bind_to_port(pull, 0, sh, rh); }
static int64_t w_new_bound(int32_t sh, int32_t rh) { return new_bound_x(ZS_PULL, 0, sh, rh, 0); }
static int64_t w_connect(int32_t sh, int32_t rh) { return zs_connect_to_host(push, "127.0.0.1", dead_port, sh, rh); }
static int64_t w_new_conn(int32_t sh, int32_t rh) { return new_conn_x(ZS_PUSH, "127.0.0.1", dead_port, sh, rh, 0); }
static int64_t w_bind_ep(int32_t sh, int32_t rh) { return zs_bind_endpoint(pull, "tcp://127.0.0.1:0", sh, rh); }
static int64_t w_connect_ep(int32_t sh, int32_t rh)
{
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)dead_port);
    return zs_connect_endpoint(push, ep, sh, rh);
}

static const hwm_row hwm_rows[] = {
    {"zs_bind_to_port", w_bind},
    {"zs_socket_new_bound", w_new_bound},
    {"zs_connect_to_host", w_connect},
    {"zs_socket_new_connected", w_new_conn},
    {"zs_bind_endpoint", w_bind_ep},
    {"zs_connect_endpoint", w_connect_ep},
};

static void test_bad_hwms(void)
{
    static const int32_t hwms[] = {-2, INT32_MIN};
    size_t i, k;
    int which, before = n_bad;
    char expr[160], needle[64];

    TEST("HWMs -2 and INT32_MIN, as send_hwm and as recv_hwm");
    for (i = 0; i < sizeof hwm_rows / sizeof hwm_rows[0]; i++) {
        for (k = 0; k < sizeof hwms / sizeof hwms[0]; k++) {
            for (which = 0; which < 2; which++) {
                int64_t got;
                const char *name = which == 0 ? "send_hwm" : "recv_hwm";
                snprintf(expr, sizeof expr, "%s(%s %ld)", hwm_rows[i].fn, name, (long)hwms[k]);
                snprintf(needle, sizeof needle, "%s %ld", name, (long)hwms[k]);
                prime(ZS_ERR_INVALID_ARGUMENT);
                got = which == 0 ? hwm_rows[i].call(hwms[k], HWM)
                                 : hwm_rows[i].call(HWM, hwms[k]);
                verdict(got, R_INT, ZS_ERR_INVALID_ARGUMENT, hwm_rows[i].fn, needle, expr,
                        __FILE__, __LINE__);
            }
        }
    }
    printf("#   %d bad calls\n", n_bad - before);
}

/* --------------------------------------------- bad timeouts, table-driven */

typedef struct {
    const char *fn;
    int64_t (*call)(int32_t t);
} timeout_row;

static int64_t t_send(int32_t t) { return zs_send(push, "x", 1, t); }
static int64_t t_send_multi(int32_t t) { return zs_send_multi(push, fr_ok, 2, t); }
static int64_t t_recv(int32_t t) { return recv_x(zs_recv, pull, t); }
static int64_t t_recv_multi(int32_t t) { return recv_x(zs_recv_multi, pull, t); }
static int64_t t_recv_into(int32_t t) { return recv_into_x(pull, t); }
static int64_t t_recv_packed(int32_t t) { return recv_packed_x(pull, t); }
static int64_t t_pump(int32_t t) { return zs_pump(push, fr_ok, 2, 1, 0, t); }
static int64_t t_drain(int32_t t) { return drain_x(pull, 1, 0, t); }
static int64_t t_wait_connected(int32_t t) { return zs_wait_connected(push, "127.0.0.1", port, t); }
static int64_t t_wait_peers(int32_t t) { return zs_wait_peers(pull, 1, t); }
static int64_t t_poll(int32_t t) { return poll1(pull, t); }
static int64_t t_next_event(int32_t t)
{
    zs_event e;
    return zs_next_event(pull, t, &e);
}
static int64_t t_poll_events(int32_t t) { return poll_events_x(pull, push, t); }
static int64_t t_default(int32_t t) { return zs_set_default_timeout(t); }

static const timeout_row timeout_rows[] = {
    {"zs_send", t_send},
    {"zs_send_multi", t_send_multi},
    {"zs_recv", t_recv},
    {"zs_recv_multi", t_recv_multi},
    {"zs_recv_into", t_recv_into},
    {"zs_recv_packed", t_recv_packed},
    {"zs_pump", t_pump},
    {"zs_drain", t_drain},
    {"zs_wait_connected", t_wait_connected},
    {"zs_wait_peers", t_wait_peers},
    {"zs_poll", t_poll},
    {"zs_next_event", t_next_event},
    {"zs_poll_events", t_poll_events},
};

static void test_bad_timeouts(void)
{
    static const int32_t timeouts[] = {-3, INT32_MIN};
    static const int32_t defaults[] = {-2, -3, INT32_MIN};
    size_t i, k;
    int before = n_bad;
    char expr[160], needle[64];

    TEST("timeouts -3 and INT32_MIN; default timeout -2, -3, INT32_MIN");
    for (i = 0; i < sizeof timeout_rows / sizeof timeout_rows[0]; i++) {
        for (k = 0; k < sizeof timeouts / sizeof timeouts[0]; k++) {
            int64_t got;
            snprintf(expr, sizeof expr, "%s(timeout_ms %ld)", timeout_rows[i].fn,
                     (long)timeouts[k]);
            snprintf(needle, sizeof needle, "timeout_ms %ld", (long)timeouts[k]);
            prime(ZS_ERR_INVALID_ARGUMENT);
            got = timeout_rows[i].call(timeouts[k]);
            verdict(got, R_INT, ZS_ERR_INVALID_ARGUMENT, timeout_rows[i].fn, needle, expr,
                    __FILE__, __LINE__);
        }
    }
    for (k = 0; k < sizeof defaults / sizeof defaults[0]; k++) {
        snprintf(expr, sizeof expr, "zs_set_default_timeout(%ld)", (long)defaults[k]);
        snprintf(needle, sizeof needle, "timeout_ms %ld", (long)defaults[k]);
        prime(ZS_ERR_INVALID_ARGUMENT);
        verdict(t_default(defaults[k]), R_INT, ZS_ERR_INVALID_ARGUMENT,
                "zs_set_default_timeout", needle, expr, __FILE__, __LINE__);
    }
    printf("#   %d bad calls\n", n_bad - before);
}

/* -------------------------------------------- bad strings, table-driven */

typedef struct {
    const char *fn;
    int kind;
    int64_t (*call)(const char *id);
} string_row;

/* host_id */
static int64_t s_host_set(const char *id) { return zs_host_set(id, "127.0.0.1"); }
static int64_t s_host_remove(const char *id) { return zs_host_remove(id); }
static int64_t s_host_address(const char *id)
{
    char buf[64];
    return zs_host_address(id, buf, sizeof buf);
}
static int64_t s_new_conn(const char *id) { return new_conn_x(ZS_PUSH, id, dead_port, HWM, HWM, 0); }
static int64_t s_connect(const char *id) { return zs_connect_to_host(push, id, dead_port, HWM, HWM); }
static int64_t s_disconnect(const char *id) { return zs_disconnect_from_host(push, id, port); }
static int64_t s_is_connected(const char *id) { return zs_is_connected_to_host(push, id, port) ? 1 : 0; }
static int64_t s_wait_connected(const char *id) { return zs_wait_connected(push, id, port, 0); }

static const string_row host_id_rows[] = {
    {"zs_host_set", R_INT, s_host_set},
    {"zs_host_remove", R_INT, s_host_remove},
    {"zs_host_address", R_INT, s_host_address},
    {"zs_socket_new_connected", R_INT, s_new_conn},
    {"zs_connect_to_host", R_INT, s_connect},
    {"zs_disconnect_from_host", R_INT, s_disconnect},
    {"zs_is_connected_to_host", R_BOOL, s_is_connected},
    {"zs_wait_connected", R_INT, s_wait_connected},
};

/* endpoint */
static int64_t e_bind(const char *ep) { return zs_bind_endpoint(pull, ep, HWM, HWM); }
static int64_t e_unbind(const char *ep) { return zs_unbind_endpoint(pull, ep); }
static int64_t e_connect(const char *ep) { return zs_connect_endpoint(push, ep, HWM, HWM); }
static int64_t e_disconnect(const char *ep) { return zs_disconnect_endpoint(push, ep); }

static const string_row endpoint_rows[] = {
    {"zs_bind_endpoint", R_INT, e_bind},
    {"zs_unbind_endpoint", R_INT, e_unbind},
    {"zs_connect_endpoint", R_INT, e_connect},
    {"zs_disconnect_endpoint", R_INT, e_disconnect},
};

static void string_matrix(const string_row *rows, size_t nrows, const char *const *values,
                          const char *const *value_names, size_t nvalues, const char *argname)
{
    size_t i, k;
    char expr[160];
    for (i = 0; i < nrows; i++) {
        for (k = 0; k < nvalues; k++) {
            int64_t got;
            snprintf(expr, sizeof expr, "%s(%s %s)", rows[i].fn, argname, value_names[k]);
            prime(ZS_ERR_INVALID_ARGUMENT);
            got = rows[i].call(values[k]);
            verdict(got, rows[i].kind, ZS_ERR_INVALID_ARGUMENT, rows[i].fn, argname, expr,
                    __FILE__, __LINE__);
        }
    }
}

static void test_bad_strings(void)
{
    static const char *const ids[] = {NULL, "", "\xff\xfe", " ", "  host ", "web\t1"};
    static const char *const id_names[] = {"NULL", "\"\"", "non-UTF-8 \\xff\\xfe",
                                           "\" \"", "\"  host \"", "\"web\\t1\""};
    static const char *const eps[] = {NULL, "", "\xff\xfe", " ", "tcp://127.0.0.1: 1"};
    static const char *const ep_names[] = {"NULL", "\"\"", "non-UTF-8 \\xff\\xfe", "\" \"",
                                           "\"tcp://127.0.0.1: 1\""};
    static const char *const addrs[] = {NULL, "", "\xff\xfe", " ", " 127.0.0.1", "127.0.0.1\n"};
    static const char *const ifaces[] = {NULL, "", "\xff\xfe", " ", "lo 0", "127.0.0.1 "};
    static const char *const paths[] = {NULL, "", "\xff\xfe"};
    size_t k;
    int before = n_bad;
    char buf[64];

    TEST("host ids: NULL, empty, non-UTF-8, whitespace, in every function that takes one");
    string_matrix(host_id_rows, sizeof host_id_rows / sizeof host_id_rows[0], ids, id_names,
                  sizeof ids / sizeof ids[0], "host_id");
    printf("#   %d bad calls\n", n_bad - before);

    before = n_bad;
    TEST("endpoints: NULL, empty, non-UTF-8, whitespace; malformed; unknown transport");
    string_matrix(endpoint_rows, sizeof endpoint_rows / sizeof endpoint_rows[0], eps, ep_names,
                  sizeof eps / sizeof eps[0], "endpoint");
    /* the header: "A malformed endpoint or unknown transport is ZS_ERR_INVALID_ARGUMENT" */
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_bind_endpoint", "nonsense",
        zs_bind_endpoint(pull, "nonsense", HWM, HWM));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_bind_endpoint", "foo://bar",
        zs_bind_endpoint(pull, "foo://bar", HWM, HWM));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_bind_endpoint", "tcp://",
        zs_bind_endpoint(pull, "tcp://", HWM, HWM));
    printf("#   %d bad calls\n", n_bad - before);

    before = n_bad;
    TEST("addresses, socket type names, paths, bind interfaces");
    for (k = 0; k < sizeof addrs / sizeof addrs[0]; k++)
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_host_set", "address",
            zs_host_set("badinput_h", addrs[k]));
    /* nothing of it reached the host table */
    BAD(ZS_ERR_UNKNOWN_HOST, "zs_host_address", "badinput_h",
        zs_host_address("badinput_h", buf, sizeof buf));

    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_socket_type_from_name", "name",
        zs_socket_type_from_name(NULL));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_socket_type_from_name", "name",
        zs_socket_type_from_name("\xff\xfe"));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_type_from_name", "name",
        zs_socket_type_from_name(""));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_type_from_name", "name",
        zs_socket_type_from_name(" push"));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_type_from_name", "NOPE",
        zs_socket_type_from_name("NOPE"));

    for (k = 0; k < sizeof paths / sizeof paths[0]; k++)
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_hosts_load", "path", zs_hosts_load(paths[k]));
    BAD(ZS_ERR_IO, "zs_hosts_load", "/nonexistent/badinput/hosts",
        zs_hosts_load("/nonexistent/badinput/hosts"));

    for (k = 0; k < sizeof ifaces / sizeof ifaces[0]; k++)
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_bind_interface", "iface",
            zs_set_bind_interface(ifaces[k]));
    printf("#   %d bad calls\n", n_bad - before);
}

/* A host file with a malformed second line loads nothing. */
static void test_bad_host_file(void)
{
    char path[] = "/tmp/zs_badinput_hostsXXXXXX";
    char needle[64], buf[64];
    int fd, before = n_bad;
    FILE *f;

    TEST("a host file with a malformed line: ZS_ERR_INVALID_ARGUMENT naming path:line, nothing loaded");
    fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if (fd < 0)
        return;
    f = fdopen(fd, "w");
    CHECK(f != NULL, "fdopen");
    if (f == NULL) {
        close(fd);
        unlink(path);
        return;
    }
    fputs("# a comment\nbadinput_f1 127.0.0.1\nbadinput_f2 127.0.0.1 extra\n", f);
    fclose(f);
    snprintf(needle, sizeof needle, "%s:3", path);
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_hosts_load", needle, zs_hosts_load(path));
    BAD(ZS_ERR_UNKNOWN_HOST, "zs_host_address", "badinput_f1",
        zs_host_address("badinput_f1", buf, sizeof buf));
    unlink(path);
    printf("#   %d bad calls\n", n_bad - before);
}

/* --------------------------- NULL pointers, lengths, counts, other values */

static void test_null_and_lengths(void)
{
    static char id256[256];
    zs_socket arr[1];
    bool rd[1];
    int before = n_bad;

    memset(id256, 'a', sizeof id256);
    arr[0] = pull;

    TEST("NULL out-pointers and bad socket types: *out untouched, no socket left behind");
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_socket_new", "out", new_x(ZS_PUSH, 1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_socket_new_bound", "out",
        new_bound_x(ZS_PULL, 0, HWM, HWM, 1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_socket_new_connected", "out",
        new_conn_x(ZS_PUSH, "127.0.0.1", dead_port, HWM, HWM, 1));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_new", "type 11", new_x(11, 0));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_new", "type 99", new_x(99, 0));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_new", "type -1", new_x(-1, 0));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_new", "type -2147483648", new_x(INT32_MIN, 0));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_new_bound", "type 99",
        new_bound_x(99, 0, HWM, HWM, 0));
    BAD(ZS_ERR_UNKNOWN_SOCKET_TYPE, "zs_socket_new_connected", "type 99",
        new_conn_x(99, "127.0.0.1", dead_port, HWM, HWM, 0));
    BAD(ZS_ERR_UNKNOWN_HOST, "zs_socket_new_connected", UNKNOWN_HOST_ID,
        new_conn_x(ZS_PUSH, UNKNOWN_HOST_ID, dead_port, HWM, HWM, 0));

    TEST("NULL *out of the receives: ZS_ERR_INVALID_ARGUMENT, the waiting message not taken");
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv", "out", zs_recv(pull, 0, NULL));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_multi", "out", zs_recv_multi(pull, 0, NULL));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_nonblocking", "out", zs_recv_nonblocking(pull, NULL));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_multi_nonblocking", "out",
        zs_recv_multi_nonblocking(pull, NULL));
    {
        char b8[8];
        zs_message ov;
        memset(&ov, 0, sizeof ov);
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_into", "overflow",
            zs_recv_into(pull, 0, b8, sizeof b8, NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_into", "buf",
            zs_recv_into(pull, 0, NULL, 8, &ov));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_into", "buf",
            zs_recv_into(pull, 0, b8, SIZE_MAX, &ov));
        CHECK(ov.frames == NULL && ov.count == 0 && ov.owner == NULL,
              "a refused zs_recv_into leaves *overflow alone");
        zs_recv_args a;
        memset(&a, 0, sizeof a);
        a.socket = pull;
        a.cap = 8;
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_packed", "args", zs_recv_packed(NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_packed", "args->buf", zs_recv_packed(&a));
        CHECK(a.overflow.frames == NULL && a.overflow.count == 0 && a.overflow.owner == NULL &&
                  a.socket == pull && a.cap == 8 && a.buf == NULL,
              "a refused zs_recv_packed leaves *args alone");
        a.buf = b8;
        a.cap = SIZE_MAX;
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_recv_packed", "args->buf", zs_recv_packed(&a));
        CHECK(a.overflow.frames == NULL && a.overflow.count == 0 && a.overflow.owner == NULL &&
                  a.buf == b8 && a.cap == SIZE_MAX,
              "a zs_recv_packed refused for its capacity leaves *args alone");
    }
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_drain", "out", zs_drain(pull, 1, 0, 0, NULL));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_drain", "expected -2", drain_x(pull, -2, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_drain", "expected -9223372036854775808",
        drain_x(pull, INT64_MIN, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_drain", "flags", drain_x(pull, 1, 4, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_drain", "flags", drain_x(pull, 1, 0xFFFFFFFFu, 0));

    TEST("a length with NULL data, lengths and counts out of range: nothing sent");
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_send", "data", zs_send(push, NULL, 5, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_send", "data", zs_send(push, "x", SIZE_MAX, 0));
    BADB(ZS_ERR_INVALID_ARGUMENT, "zs_send_nonblocking", "data",
         zs_send_nonblocking(push, NULL, 5));
    BADB(ZS_ERR_INVALID_ARGUMENT, "zs_send_nonblocking", "data",
         zs_send_nonblocking(push, "x", SIZE_MAX));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_send_multi", "frames", zs_send_multi(push, NULL, 1, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_send_multi", "count", zs_send_multi(push, fr_ok, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_send_multi", "frames[1].data",
        zs_send_multi(push, fr_null, 2, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_send_multi", "count",
        zs_send_multi(push, fr_ok, SIZE_MAX, 0));
    BADB(ZS_ERR_INVALID_ARGUMENT, "zs_send_multi_nonblocking", "frames",
         zs_send_multi_nonblocking(push, NULL, 1));
    BADB(ZS_ERR_INVALID_ARGUMENT, "zs_send_multi_nonblocking", "count",
         zs_send_multi_nonblocking(push, fr_ok, 0));
    BADB(ZS_ERR_INVALID_ARGUMENT, "zs_send_multi_nonblocking", "frames[1].data",
         zs_send_multi_nonblocking(push, fr_null, 2));
    BADB(ZS_ERR_INVALID_ARGUMENT, "zs_send_multi_nonblocking", "count",
         zs_send_multi_nonblocking(push, fr_ok, SIZE_MAX));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_pump", "frames", zs_pump(push, NULL, 1, 1, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_pump", "count", zs_pump(push, fr_ok, 0, 1, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_pump", "frames[1].data", zs_pump(push, fr_null, 2, 1, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_pump", "count", zs_pump(push, fr_ok, SIZE_MAX, 1, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_pump", "repeat -1", zs_pump(push, fr_ok, 2, -1, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_pump", "repeat -9223372036854775808",
        zs_pump(push, fr_ok, 2, INT64_MIN, 0, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_pump", "flags", zs_pump(push, fr_ok, 2, 1, 4, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_pump", "flags", zs_pump(push, fr_ok, 2, 1, 0xFFFFFFFFu, 0));

    TEST("routing ids and subscriptions: NULL with a length, lengths out of range");
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_routing_id", "id", zs_set_routing_id(sub, NULL, 3));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_routing_id", "id", zs_set_routing_id(sub, NULL, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_routing_id", "id", zs_set_routing_id(sub, "ab", 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_routing_id", "id",
        zs_set_routing_id(sub, id256, sizeof id256));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_routing_id", "id", zs_set_routing_id(sub, "\0ab", 3));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_subscribe", "prefix", zs_subscribe(sub, NULL, 3));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_unsubscribe", "prefix", zs_unsubscribe(sub, NULL, 3));

    TEST("buffers: NULL with a capacity");
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_host_address", "buf",
        zs_host_address("127.0.0.1", NULL, 16));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_bound_ports", "ports", zs_bound_ports(pull, NULL, 4));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_endpoints", "buf", zs_endpoints(pull, NULL, 16));

    TEST("poll: NULL arrays, count 0 and SIZE_MAX");
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll", "sockets", zs_poll(NULL, 1, 0, rd));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll", "readable", zs_poll(arr, 1, 0, NULL));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll", "count", zs_poll(arr, 0, 0, rd));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll", "count", zs_poll(arr, SIZE_MAX, 0, rd));

    TEST("poll_events: NULL arrays, count 0 and SIZE_MAX, bits outside ZS_POLLIN|ZS_POLLOUT");
    {
        int16_t want[1] = {ZS_POLLIN}, ready[1], bad_want[1] = {4};
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll_events", "sockets",
            zs_poll_events(NULL, want, 1, 0, ready));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll_events", "want",
            zs_poll_events(arr, NULL, 1, 0, ready));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll_events", "ready",
            zs_poll_events(arr, want, 1, 0, NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll_events", "count",
            zs_poll_events(arr, want, 0, 0, ready));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll_events", "count",
            zs_poll_events(arr, want, SIZE_MAX, 0, ready));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll_events", "want[0] is 4",
            zs_poll_events(arr, bad_want, 1, 0, ready));
        bad_want[0] = -1;
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_poll_events", "want[0] is -1",
            zs_poll_events(arr, bad_want, 1, 0, ready));
    }

    TEST("security: NULL keys and buffers, malformed keys, Z85 lengths, bad rules");
    {
        char k41[41], z[16];
        unsigned char raw[8] = {0};
        zs_socket fresh = 0;
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_curve_keypair", "public_z85", zs_curve_keypair(NULL, k41));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_curve_keypair", "secret_z85", zs_curve_keypair(k41, NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_curve_public", "secret_z85", zs_curve_public(NULL, k41));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_curve_public", "public_z85", zs_curve_public(KEY_A, NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_curve_public", "secret_z85", zs_curve_public("short", k41));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_z85_encode", "data", zs_z85_encode(NULL, 4, z, sizeof z));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_z85_encode", "len 3", zs_z85_encode(raw, 3, z, sizeof z));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_z85_encode", "buf", zs_z85_encode(raw, 4, NULL, 8));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_z85_decode", "text", zs_z85_decode(NULL, raw, sizeof raw));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_z85_decode", "not Z85", zs_z85_decode("abcd", raw, sizeof raw));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_z85_decode", "not Z85", zs_z85_decode("abc d", raw, sizeof raw));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_z85_decode", "buf", zs_z85_decode("HelloWorld", NULL, 8));
        CHECK_EQ_INT(zs_socket_new(ZS_PUSH, &fresh), ZS_OK);
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_curve_server", "secret_z85", zs_set_curve_server(fresh, NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_curve_server", "secret_z85", zs_set_curve_server(fresh, "short"));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_curve_client", "server_public_z85",
            zs_set_curve_client(fresh, NULL, KEY_A, KEY_A));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_curve_client", "public_z85",
            zs_set_curve_client(fresh, KEY_A, NULL, KEY_A));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_curve_client", "secret_z85",
            zs_set_curve_client(fresh, KEY_A, KEY_A, "x"));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_plain_client", "username",
            zs_set_plain_client(fresh, NULL, "p"));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_plain_client", "password",
            zs_set_plain_client(fresh, "u", NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_plain_client", "username",
            zs_set_plain_client(fresh, "", "p"));
        CHECK_EQ_INT(zs_socket_destroy(fresh), ZS_OK);
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_allow", "address", zs_auth_allow(NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_allow", "address", zs_auth_allow("10.0.0.0/33"));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_deny", "address", zs_auth_deny("localhost"));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_deny", "address", zs_auth_deny(NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_curve_allow", "client_public_z85",
            zs_auth_curve_allow(NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_curve_allow", "client_public_z85",
            zs_auth_curve_allow("short"));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_plain_user", "username", zs_auth_plain_user(NULL, "p"));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_plain_user", "password", zs_auth_plain_user("u", NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_auth_plain_user", "username", zs_auth_plain_user("", "p"));
    }

    TEST("events and message properties: NULL out, NULL or empty message, NULL name");
    {
        zs_message zeroed;
        char pb[16];
        memset(&zeroed, 0, sizeof zeroed);
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_next_event", "out", zs_next_event(pull, 0, NULL));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_message_property", "msg",
            zs_message_property(NULL, "Socket-Type", pb, sizeof pb));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_message_property", "msg holds no received message",
            zs_message_property(&zeroed, "Socket-Type", pb, sizeof pb));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_message_property", "name",
            zs_message_property(&zeroed, NULL, pb, sizeof pb));
    }

    TEST("linger, maximum message size, peer counts out of range");
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_linger", "linger_ms -2", zs_set_linger(pull, -2));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_linger", "linger_ms -2147483648",
        zs_set_linger(pull, INT32_MIN));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_max_message_size", "bytes -2",
        zs_set_max_message_size(pull, -2));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_max_message_size", "bytes -9223372036854775808",
        zs_set_max_message_size(pull, INT64_MIN));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_wait_peers", "n -1", zs_wait_peers(pull, -1, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_wait_peers", "n -2147483648",
        zs_wait_peers(pull, INT32_MIN, 0));
    printf("#   %d bad calls\n", n_bad - before);
}

/* ------------------------- calls the socket's type or state forbids now */

static void test_wrong_state(void)
{
    char ep[64], buf[64], needle[32];
    int before = n_bad;

    TEST("documented codes for what the type or state forbids; unknown hosts");
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_send", "PULL", zs_send(pull, "x", 1, 0));
    BADB(ZS_ERR_NOT_SUPPORTED, "zs_send_nonblocking", "PULL", zs_send_nonblocking(pull, "x", 1));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_subscribe", "PUSH", zs_subscribe(push, "a", 1));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_unsubscribe", "PUSH", zs_unsubscribe(push, "a", 1));
    BAD(ZS_ERR_WRONG_STATE, "zs_set_routing_id", "routing id", zs_set_routing_id(push, "ab", 2));
    BAD(ZS_ERR_WRONG_STATE, "zs_set_curve_server", "first bind or connect",
        zs_set_curve_server(pull, KEY_A));
    BAD(ZS_ERR_WRONG_STATE, "zs_set_curve_client", "first bind or connect",
        zs_set_curve_client(push, KEY_A, KEY_A, KEY_A));
    BAD(ZS_ERR_WRONG_STATE, "zs_set_plain_server", "first bind or connect",
        zs_set_plain_server(pull));
    BAD(ZS_ERR_WRONG_STATE, "zs_set_plain_client", "first bind or connect",
        zs_set_plain_client(push, "u", "p"));
    snprintf(needle, sizeof needle, ":%d", (int)port);
    BAD(ZS_ERR_ADDRESS_IN_USE, "zs_bind_to_port", needle, zs_bind_to_port(pull, port, HWM, HWM));
    BAD(ZS_ERR_NOT_BOUND, "zs_unbind_from_port", "port", zs_unbind_from_port(pull, dead_port));
    BAD(ZS_ERR_ALREADY_CONNECTED, "zs_connect_to_host", "127.0.0.1",
        zs_connect_to_host(push, "127.0.0.1", port, HWM, HWM));
    BAD(ZS_ERR_NOT_CONNECTED, "zs_disconnect_from_host", "127.0.0.1",
        zs_disconnect_from_host(push, "127.0.0.1", dead_port));
    BAD(ZS_ERR_NOT_CONNECTED, "zs_wait_connected", "127.0.0.1",
        zs_wait_connected(push, "127.0.0.1", dead_port, 0));
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)dead_port);
    BAD(ZS_ERR_NOT_BOUND, "zs_unbind_endpoint", ep, zs_unbind_endpoint(pull, ep));
    BAD(ZS_ERR_NOT_CONNECTED, "zs_disconnect_endpoint", ep, zs_disconnect_endpoint(push, ep));
    BAD(ZS_ERR_UNKNOWN_HOST, "zs_connect_to_host", UNKNOWN_HOST_ID,
        zs_connect_to_host(push, UNKNOWN_HOST_ID, port, HWM, HWM));
    BAD(ZS_ERR_UNKNOWN_HOST, "zs_host_address", UNKNOWN_HOST_ID,
        zs_host_address(UNKNOWN_HOST_ID, buf, sizeof buf));
    BAD(ZS_ERR_UNKNOWN_HOST, "zs_host_remove", UNKNOWN_HOST_ID, zs_host_remove(UNKNOWN_HOST_ID));
    printf("#   %d bad calls\n", n_bad - before);
}

/* ------------------------------------------- socket options (SPEC 18) */

/* zs_get_option with *out checked: written only on success. */
static int64_t get_opt_x(zs_socket s, const char *name, int use_null)
{
    int64_t v = 0x5A5A5A5A;
    int32_t rc = zs_get_option(s, name, use_null ? NULL : &v);
    if (rc != ZS_OK && v != 0x5A5A5A5A)
        side_ok = 0;
    return rc;
}

static void test_bad_options(void)
{
    static const char *const bad_names[] = {"", "NO_SUCH_OPTION", "ZMQ_", "LINGER ", "\xff\xfe"};
    static const char *const name_needles[] = {"name", "NO_SUCH_OPTION", "ZMQ_", "LINGER ", "UTF-8"};
    char buf[16], expr[160], needle[64];
    size_t i;
    int k, before = n_bad;

    TEST("socket options: bad handles, NULL and bad names, wrong forms, bad values and lengths");
    for (k = 0; k < NBAD_HANDLES; k++) {
        zs_socket h = bad_handle[k];
        snprintf(needle, sizeof needle, "socket %llu", (unsigned long long)h);
        snprintf(expr, sizeof expr, "options(handle %s)", bad_handle_name[k]);
        prime(ZS_ERR_BAD_HANDLE);
        verdict(zs_set_option(h, "LINGER", 10), R_INT, ZS_ERR_BAD_HANDLE, "zs_set_option",
                needle, expr, __FILE__, __LINE__);
        prime(ZS_ERR_BAD_HANDLE);
        verdict(get_opt_x(h, "LINGER", 0), R_INT, ZS_ERR_BAD_HANDLE, "zs_get_option", needle,
                expr, __FILE__, __LINE__);
        prime(ZS_ERR_BAD_HANDLE);
        verdict(zs_set_option_bytes(h, "SOCKS_PROXY", "x:1", 3), R_INT, ZS_ERR_BAD_HANDLE,
                "zs_set_option_bytes", needle, expr, __FILE__, __LINE__);
        prime(ZS_ERR_BAD_HANDLE);
        verdict(zs_get_option_bytes(h, "SOCKS_PROXY", buf, sizeof buf), R_INT,
                ZS_ERR_BAD_HANDLE, "zs_get_option_bytes", needle, expr, __FILE__, __LINE__);
    }
    /* NULL for each pointer */
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "name", zs_set_option(sub, NULL, 1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_get_option", "name", get_opt_x(sub, NULL, 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_get_option", "out", get_opt_x(sub, "LINGER", 1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option_bytes", "name",
        zs_set_option_bytes(sub, NULL, "x", 1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option_bytes", "value",
        zs_set_option_bytes(sub, "SOCKS_PROXY", NULL, 3));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_get_option_bytes", "name",
        zs_get_option_bytes(sub, NULL, buf, sizeof buf));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_get_option_bytes", "buf",
        zs_get_option_bytes(sub, "SOCKS_PROXY", NULL, 8));
    /* empty, unknown and non-UTF-8 names */
    for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", name_needles[i],
            zs_set_option(sub, bad_names[i], 1));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_get_option", name_needles[i],
            get_opt_x(sub, bad_names[i], 0));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option_bytes", name_needles[i],
            zs_set_option_bytes(sub, bad_names[i], "x", 1));
        BAD(ZS_ERR_INVALID_ARGUMENT, "zs_get_option_bytes", name_needles[i],
            zs_get_option_bytes(sub, bad_names[i], buf, sizeof buf));
    }
    /* the wrong form */
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "zs_set_option_bytes",
        zs_set_option(sub, "SOCKS_PROXY", 1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_get_option", "ROUTING_ID", get_opt_x(sub, "ROUTING_ID", 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option_bytes", "LINGER",
        zs_set_option_bytes(sub, "LINGER", "\1\0\0\0", 4));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_get_option_bytes", "LINGER",
        zs_get_option_bytes(sub, "LINGER", buf, sizeof buf));
    /* bad values and lengths: refused, nothing changed */
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "out of range",
        zs_set_option(sub, "RECONNECT_IVL", (int64_t)1 << 40));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "out of range",
        zs_set_option(sub, "RECONNECT_IVL", (int64_t)INT32_MIN - 1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "AFFINITY", zs_set_option(sub, "AFFINITY", -1));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "SNDHWM", zs_set_option(push, "SNDHWM", -2));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "LINGER", zs_set_option(push, "LINGER", -2));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "MAXMSGSIZE",
        zs_set_option(push, "MAXMSGSIZE", -2));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option", "IMMEDIATE", zs_set_option(push, "IMMEDIATE", 2));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option_bytes", "ROUTING_ID",
        zs_set_option_bytes(sub, "ROUTING_ID", "", 0));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option_bytes", "CURVE_SERVERKEY",
        zs_set_option_bytes(sub, "CURVE_SERVERKEY", "short", 5));
    BAD(ZS_ERR_INVALID_ARGUMENT, "zs_set_option_bytes", "NUL",
        zs_set_option_bytes(sub, "SOCKS_PROXY", "a\0b", 3));
    /* what the type, the library or the state forbids */
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_option", "PUSH", zs_set_option(push, "XPUB_VERBOSE", 1));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_option_bytes", "PUSH",
        zs_set_option_bytes(push, "SUBSCRIBE", "a", 1));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_option", "SNDTIMEO", zs_set_option(push, "SNDTIMEO", 10));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_get_option", "RCVTIMEO", get_opt_x(push, "RCVTIMEO", 0));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_option", "read-only", zs_set_option(pull, "TYPE", 1));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_set_option", "IPV6", zs_set_option(pull, "IPV6", 0));
    BAD(ZS_ERR_NOT_SUPPORTED, "zs_get_option_bytes", "write-only",
        zs_get_option_bytes(sub, "SUBSCRIBE", buf, sizeof buf));
    BAD(ZS_ERR_WRONG_STATE, "zs_set_option", "PLAIN_SERVER",
        zs_set_option(push, "PLAIN_SERVER", 1));
    BAD(ZS_ERR_WRONG_STATE, "zs_set_option_bytes", "ROUTING_ID",
        zs_set_option_bytes(push, "ROUTING_ID", "ab", 2));
    printf("#   %d bad calls\n", n_bad - before);

    TEST("socket options: the live sockets' options unchanged by the bad calls");
    {
        int64_t v = 0;
        CHECK_EQ_INT(zs_get_option(push, "SNDHWM", &v), ZS_OK);
        CHECK_EQ_INT(v, 100);
        CHECK_EQ_INT(zs_get_option(push, "LINGER", &v), ZS_OK);
        CHECK_EQ_INT(v, 1000);
        CHECK_EQ_INT(zs_get_option(push, "MAXMSGSIZE", &v), ZS_OK);
        CHECK_EQ_INT(v, -1);
        CHECK_EQ_INT(zs_get_option(sub, "RECONNECT_IVL", &v), ZS_OK);
        CHECK_EQ_INT(v, 100);
        CHECK_EQ_INT(zs_get_option(push, "MECHANISM", &v), ZS_OK);
        CHECK_EQ_INT(v, 0);
        CHECK_EQ_INT(zs_get_option_bytes(sub, "SOCKS_PROXY", buf, sizeof buf), 0);
        CHECK_EQ_INT(zs_get_option_bytes(sub, "ROUTING_ID", NULL, 0), 0);
    }
}

/* ------------------------ functions that cannot fail, given odd values */

static void test_cannot_fail(void)
{
    static const int32_t codes[] = {1, 2, -18, -98, -100, 12345, INT32_MIN, INT32_MAX};
    size_t k;
    int32_t code0;
    const char *msg0;
    char saved[256];
    int before = n_bad;

    TEST("zs_strerror of unknown codes; calls that succeed leave the last error alone");
    prime(0); /* last error: zs_socket_type_from_name's UNKNOWN_SOCKET_TYPE */
    code0 = zs_last_error_code();
    msg0 = zs_last_error();
    snprintf(saved, sizeof saved, "%s", msg0);
    for (k = 0; k < sizeof codes / sizeof codes[0]; k++) {
        const char *s = zs_strerror(codes[k]);
        n_bad++;
        CHECK(s != NULL && strcmp(s, "unknown error code") == 0,
              "zs_strerror of an unknown code is \"unknown error code\"");
    }
    for (k = 0; k <= 17; k++) {
        const char *s = zs_strerror(-(int32_t)k);
        CHECK(s != NULL && s[0] != '\0' && strcmp(s, "unknown error code") != 0,
              "zs_strerror of each known code has its own text");
    }
    CHECK(zs_strerror(ZS_ERR_INTERNAL) != NULL &&
              strcmp(zs_strerror(ZS_ERR_INTERNAL), "unknown error code") != 0,
          "zs_strerror(ZS_ERR_INTERNAL)");
    CHECK(zs_version() != NULL && strncmp(zs_version(), "zmqsocket ", 10) == 0, "zs_version");
    CHECK_EQ_INT(zs_socket_count(), 3);
    CHECK_EQ_INT(zs_last_error_code(), code0);
    CHECK(strcmp(zs_last_error(), saved) == 0,
          "zs_strerror, zs_version, zs_socket_count, zs_last_error* leave the last error as it was");
    printf("#   %d bad calls\n", n_bad - before);
}

/* ------------------------------------------------------- zs_message_free */

static void test_message_free(void)
{
    zs_message m = tu_msg0();
    int32_t code0;
    char saved[256];
    int before = n_bad;

    TEST("zs_message_free on NULL, a zeroed message, and the same message twice");
    prime(0);
    code0 = zs_last_error_code();
    snprintf(saved, sizeof saved, "%s", zs_last_error());

    zs_message_free(NULL);
    n_bad++;
    zs_message_free(&m);
    n_bad++;
    CHECK(m.frames == NULL && m.count == 0 && m.owner == NULL, "a zeroed message stays zeroed");

    CHECK_EQ_INT(zs_send(push, "to free", 7, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv(pull, 5000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "to free"), "received the message to free");
    zs_message_free(&m);
    CHECK(m.frames == NULL && m.count == 0 && m.owner == NULL, "free zeroes the struct");
    zs_message_free(&m); /* already freed: a no-op (valgrind sees no double free) */
    n_bad++;
    CHECK(m.frames == NULL && m.count == 0 && m.owner == NULL, "still zeroed after a second free");
    /* zs_message_free never fails, and the sends and receives above succeeded */
    CHECK_EQ_INT(zs_last_error_code(), code0);
    CHECK(strcmp(zs_last_error(), saved) == 0, "the last error is as it was");

    CHECK_EQ_INT(zs_recv_multi(pull, 0, &m), ZS_ERR_TIMED_OUT); /* a failure zeroes *out */
    CHECK(m.frames == NULL && m.count == 0 && m.owner == NULL, "a failed receive zeroes *out");
    zs_message_free(&m);
    n_bad++;
    CHECK(m.frames == NULL && m.count == 0 && m.owner == NULL,
          "freeing what a failed receive left is a no-op");
    printf("#   %d bad calls\n", n_bad - before);
}

/* ---------------------------------------------------------------- main */

/* The resolved endpoint of a fresh bind, without its port: "tcp://[::]". */
static void bind_prefix(char *out, size_t cap)
{
    zs_socket s = 0;
    char buf[128];
    char *colon;
    int32_t p = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &s);
    out[0] = '\0';
    if (p <= 0)
        return;
    if (zs_endpoints(s, buf, sizeof buf) > 0 && (colon = strrchr(buf, ':')) != NULL) {
        *colon = '\0';
        snprintf(out, cap, "%s", buf);
    }
    zs_unbind_from_port(s, p);
    zs_socket_destroy(s);
}

int main(void)
{
    char ep_pull[256], ep_push[256], ep_sub[64], buf[256], localhost[64], prefix0[128],
        prefix1[128];
    zs_socket dead = 0;
    int32_t ports[4];
    zs_message m = tu_msg0();
    static char big[4096];

    TEST_START(60);

    /* ---- the live sockets and what they look like before the bad calls */
    TEST("setup: a PULL on an ephemeral port, a PUSH connected to it, a SUB, a message waiting");
    dead_port = tu_dead_port();
    CHECK(dead_port > 0, "a port nobody listens on");
    bind_prefix(prefix0, sizeof prefix0);
    CHECK(prefix0[0] != '\0', "a bind's resolved endpoint");
    CHECK_EQ_INT(zs_socket_new(ZS_PUSH, &dead), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(dead), ZS_OK);
    bad_handle[0] = 0;
    bad_handle[1] = 0xDEADBEEFULL;
    bad_handle[2] = dead;
    bad_handle[3] = UINT64_MAX;

    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    CHECK(port > 0, "PULL bound to an ephemeral port");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "127.0.0.1", port, HWM, HWM, &push), ZS_OK);
    CHECK_EQ_INT(zs_socket_new(ZS_SUB, &sub), ZS_OK);
    CHECK_EQ_INT(zs_socket_count(), 3);
    CHECK_EQ_INT(zs_wait_peers(pull, 1, 5000), ZS_OK);
    CHECK_EQ_INT(zs_send(push, "first", 5, 2000), ZS_OK);
    CHECK_EQ_INT(poll1(pull, 5000), 1); /* "first" has arrived and waits in the PULL */
    CHECK(zs_endpoints(pull, ep_pull, sizeof ep_pull) > 0, "PULL's endpoints");
    CHECK(zs_endpoints(push, ep_push, sizeof ep_push) > 0, "PUSH's endpoints");
    CHECK_EQ_INT(zs_endpoints(sub, ep_sub, sizeof ep_sub), 0);
    CHECK(zs_host_address("localhost", localhost, sizeof localhost) > 0, "localhost's address");

    /* ---- the matrix */
    test_bad_handles();
    test_bad_ports();
    test_bad_hwms();
    test_bad_timeouts();
    test_bad_strings();
    test_bad_host_file();
    test_null_and_lengths();
    test_wrong_state();
    test_cannot_fail();
    test_bad_options();
    test_bad_proxy();

    /* ---- nothing lost or corrupted */
    TEST("after the bad calls: same sockets, ports, endpoints, hosts, settings; nothing lost or extra");
    CHECK_EQ_INT(zs_socket_count(), 3);
    CHECK_EQ_INT(zs_socket_type(pull), ZS_PULL);
    CHECK_EQ_INT(zs_socket_type(push), ZS_PUSH);
    CHECK_EQ_INT(zs_socket_type(sub), ZS_SUB);
    CHECK_EQ_INT(zs_bound_ports(pull, ports, 4), 1);
    CHECK_EQ_INT(ports[0], port);
    CHECK_EQ_INT(zs_bound_ports(push, ports, 4), 0);
    CHECK(zs_is_bound_to_port(pull, port), "PULL still bound to its port");
    CHECK(zs_is_connected_to_host(push, "127.0.0.1", port), "PUSH still connected");
    CHECK(zs_endpoints(pull, buf, sizeof buf) > 0 && strcmp(buf, ep_pull) == 0,
          "PULL's endpoints unchanged");
    CHECK(zs_endpoints(push, buf, sizeof buf) > 0 && strcmp(buf, ep_push) == 0,
          "PUSH's endpoints unchanged");
    CHECK_EQ_INT(zs_endpoints(sub, buf, sizeof buf), 0);
    CHECK(zs_host_address("localhost", buf, sizeof buf) > 0 && strcmp(buf, localhost) == 0,
          "the host table's localhost unchanged");
    bind_prefix(prefix1, sizeof prefix1);
    CHECK(strcmp(prefix0, prefix1) == 0, "the bind interface unchanged");
    /* the message that waited through every bad receive and drain is still first */
    CHECK_EQ_INT(zs_recv(pull, 5000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "first"), "the waiting message was not taken by a bad call");
    zs_message_free(&m);
    /* no bad send or pump slipped a message out: the next one is ours */
    CHECK_EQ_INT(zs_send(push, "second", 6, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv(pull, 5000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "second"), "nothing extra was sent by the bad sends and pumps");
    zs_message_free(&m);
    /* the default timeout still valid (a bad zs_set_default_timeout changed nothing) */
    memset(big, 'b', sizeof big);
    CHECK_EQ_INT(zs_send(push, big, sizeof big, ZS_TIMEOUT_DEFAULT), ZS_OK);
    CHECK_EQ_INT(zs_recv_multi(pull, ZS_TIMEOUT_DEFAULT, &m), ZS_OK);
    CHECK(m.count == 1 && m.frames != NULL && m.frames[0].len == sizeof big &&
              memcmp(m.frames[0].data, big, sizeof big) == 0,
          "a 4096-byte message moves (the bad maximum sizes changed nothing)");
    zs_message_free(&m);
    CHECK_EQ_INT(zs_recv_nonblocking(pull, &m), ZS_ERR_WOULD_BLOCK);
    /* the SUB was never attached: its routing id can still be set */
    CHECK_EQ_INT(zs_set_routing_id(sub, "ok", 2), ZS_OK);

    test_message_free();

    TEST("teardown: every socket destroys once; nothing left");
    CHECK_EQ_INT(zs_socket_destroy(sub), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(pull), ZS_OK);
    CHECK_EQ_INT(zs_socket_count(), 0);
    CHECK_EQ_INT(zs_destroy_all(), 0);

    printf("# bad inputs tried: %d\n", n_bad);
    return TEST_SUMMARY();
}
