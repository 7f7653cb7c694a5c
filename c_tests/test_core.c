/*
 * test_core.c: the core behaviours of SPEC sections 2-12 and 16, over real
 * TCP loopback sockets (ephemeral ports only).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "testutil.h"

#define HWM ZS_HWM_DEFAULT

static void test_unbind_rebind(void)
{
    int i, reb = 0, busy = 0;
    TEST("unbind, then another socket binds the same port at once (x20)");
    for (i = 0; i < 20; i++) {
        zs_socket a = 0, b = 0, c = 0, other = 0;
        zs_message m = tu_msg0();
        int32_t port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &a);
        /* a live session on the port makes the listener's close slower */
        zs_socket_new_connected(ZS_PUSH, "127.0.0.1", port, HWM, HWM, &c);
        zs_send(c, "x", 1, 1000);
        zs_recv(a, 1000, &m);
        zs_message_free(&m);
        if (i == 0) {
            CHECK_EQ_INT(zs_socket_new_bound(ZS_PULL, port, HWM, HWM, &other),
                         ZS_ERR_ADDRESS_IN_USE);
            CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_ADDRESS_IN_USE);
            CHECK(strstr(zs_last_error(), "zs_socket_new_bound") != NULL,
                  "the message names the function");
            CHECK_EQ_INT(zs_bind_to_port(a, port, HWM, HWM), ZS_ERR_ADDRESS_IN_USE);
        }
        if (zs_unbind_from_port(a, port) != ZS_OK)
            break;
        if (zs_socket_new_bound(ZS_PULL, port, HWM, HWM, &b) == port)
            reb++;
        else if (zs_last_error_code() == ZS_ERR_ADDRESS_IN_USE)
            busy++;
        zs_socket_destroy(a);
        zs_socket_destroy(b);
        zs_socket_destroy(c);
    }
    CHECK_EQ_INT(reb, 20);
    CHECK_EQ_INT(busy, 0);
}

static void test_close_destroy(void)
{
    zs_socket pull = 0, push = 0;
    int32_t port, port2;
    char buf[256];
    zs_message m = tu_msg0();

    TEST("close leaves the socket usable; destroy twice");
    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    CHECK(port > 0, "bound");
    CHECK_EQ_INT(zs_close(pull), ZS_OK);
    CHECK_EQ_INT(zs_endpoints(pull, buf, sizeof buf), 0);
    CHECK(!zs_is_bound_to_port(pull, port), "not bound after close");
    CHECK_EQ_INT(zs_close(pull), ZS_OK); /* nothing attached: still fine */
    port2 = zs_bind_to_port(pull, 0, HWM, HWM);
    CHECK(port2 > 0, "binds again after close");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "localhost", port2, HWM, HWM, &push), ZS_OK);
    CHECK_EQ_INT(zs_send(push, "after close", 11, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv(pull, 2000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "after close"), "traffic after close");
    zs_message_free(&m);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_ERR_BAD_HANDLE);
    CHECK(strstr(zs_last_error(), "zs_socket_destroy") != NULL, "names the function");
    CHECK_EQ_INT(zs_send(push, "x", 1, 0), ZS_ERR_BAD_HANDLE);
    CHECK_EQ_INT(zs_socket_type(push), ZS_ERR_BAD_HANDLE);
    CHECK_EQ_INT(zs_recv(push, 0, &m), ZS_ERR_BAD_HANDLE);
    CHECK(m.frames == NULL && m.count == 0 && m.owner == NULL, "*out zeroed on failure");
    CHECK_EQ_INT(zs_socket_destroy(0), ZS_ERR_BAD_HANDLE);
    CHECK_EQ_INT(zs_socket_destroy((zs_socket)1 << 52), ZS_ERR_BAD_HANDLE);
    CHECK_EQ_INT(zs_socket_destroy(UINT64_MAX), ZS_ERR_BAD_HANDLE);
    zs_socket_destroy(pull);
}

static void test_timeouts(void)
{
    zs_socket pull = 0, push = 0;
    int32_t port;
    int64_t t0, dt;
    zs_message m = tu_msg0();

    TEST("per-call timeouts");
    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    t0 = tu_now_ms();
    CHECK_EQ_INT(zs_recv(pull, 200, &m), ZS_ERR_TIMED_OUT);
    dt = tu_now_ms() - t0;
    CHECK(dt >= 150 && dt < 1000, "a 200 ms receive takes about 200 ms");
    CHECK(strstr(zs_last_error(), "zs_recv") != NULL, "names the function");
    t0 = tu_now_ms();
    CHECK_EQ_INT(zs_recv(pull, 0, &m), ZS_ERR_TIMED_OUT);
    CHECK(tu_now_ms() - t0 < 50, "a 0 ms receive returns at once");
    CHECK_EQ_INT(zs_recv_nonblocking(pull, &m), ZS_ERR_WOULD_BLOCK);
    CHECK_EQ_INT(zs_recv(pull, -3, &m), ZS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(zs_last_error(), "timeout_ms") != NULL, "names the argument");
    zs_socket_new_connected(ZS_PUSH, "127.0.0.1", port, HWM, HWM, &push);
    CHECK_EQ_INT(zs_send(push, "late", 4, 1000), ZS_OK);
    t0 = tu_now_ms();
    CHECK_EQ_INT(zs_recv(pull, 5000, &m), ZS_OK);
    CHECK(tu_now_ms() - t0 < 1000, "the next call is not affected by the earlier timeouts");
    CHECK(tu_msg_is(&m, "late"), "message");
    zs_message_free(&m);
    zs_socket_destroy(push);
    zs_socket_destroy(pull);
}

static void test_hwm_and_send_timeout(void)
{
    int32_t dead = tu_dead_port();
    int k;
    int32_t hwms[2] = {10, ZS_HWM_DEFAULT};
    int32_t want[2] = {10, 100};

    TEST("HWM set before connect: exactly HWM messages queue; then sends time out");
    CHECK(dead > 0, "a port nobody listens on");
    for (k = 0; k < 2; k++) {
        zs_socket push = 0;
        int n = 0;
        int64_t t0, dt;
        CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "127.0.0.1", dead, hwms[k], hwms[k], &push), ZS_OK);
        while (n < 100000 && zs_send_nonblocking(push, "m", 1))
            n++;
        CHECK_EQ_INT(n, want[k]);
        CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_WOULD_BLOCK);
        t0 = tu_now_ms();
        CHECK_EQ_INT(zs_send(push, "m", 1, 200), ZS_ERR_TIMED_OUT);
        dt = tu_now_ms() - t0;
        CHECK(dt >= 150 && dt < 1000, "a send with no peer times out after about 200 ms");
        zs_set_linger(push, 0);
        zs_socket_destroy(push);
    }
}

static void test_dual_stack(void)
{
    zs_socket pull = 0;
    const char *hosts[3] = {"::1", "127.0.0.1", "localhost"};
    int32_t port;
    int i;
    char buf[256];

    TEST("a bind on * is reached over ::1 and over 127.0.0.1");
    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    zs_endpoints(pull, buf, sizeof buf);
    CHECK(strstr(buf, "bind tcp://") == buf, "listed as bind");
    for (i = 0; i < 3; i++) {
        zs_socket push = 0;
        zs_message m = tu_msg0();
        CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, hosts[i], port, HWM, HWM, &push), ZS_OK);
        CHECK_EQ_INT(zs_send(push, hosts[i], strlen(hosts[i]), 2000), ZS_OK);
        CHECK_EQ_INT(zs_recv(pull, 3000, &m), ZS_OK);
        CHECK(tu_msg_is(&m, hosts[i]), hosts[i]);
        zs_message_free(&m);
        if (i == 0) {
            zs_endpoints(push, buf, sizeof buf);
            CHECK(strstr(buf, "tcp://[::1]:") != NULL, "IPv6 connects as tcp://[addr]:port");
        }
        zs_socket_destroy(push);
    }
    zs_socket_destroy(pull);
}

static void test_patterns(void)
{
    zs_socket rep = 0, req = 0, pull = 0, push = 0;
    int32_t port;
    zs_message m = tu_msg0();

    TEST("REQ sending twice; send on PULL; subscribe on PUSH");
    port = zs_socket_new_bound(ZS_REP, 0, HWM, HWM, &rep);
    zs_socket_new_connected(ZS_REQ, "127.0.0.1", port, HWM, HWM, &req);
    CHECK_EQ_INT(zs_send(req, "one", 3, 1000), ZS_OK);
    CHECK_EQ_INT(zs_send(req, "two", 3, 1000), ZS_ERR_WRONG_STATE);
    CHECK(strstr(zs_last_error(), "zs_send") != NULL, "names the function");
    CHECK_EQ_INT(zs_recv(rep, 2000, &m), ZS_OK);
    zs_message_free(&m);
    CHECK_EQ_INT(zs_send(rep, "reply", 5, 1000), ZS_OK);
    CHECK_EQ_INT(zs_recv(req, 2000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "reply"), "reply");
    zs_message_free(&m);
    zs_socket_new(ZS_PULL, &pull);
    zs_socket_new(ZS_PUSH, &push);
    CHECK_EQ_INT(zs_send(pull, "x", 1, 0), ZS_ERR_NOT_SUPPORTED);
    CHECK_EQ_INT(zs_recv(push, 0, &m), ZS_ERR_NOT_SUPPORTED);
    CHECK_EQ_INT(zs_subscribe(push, "a", 1), ZS_ERR_NOT_SUPPORTED);
    CHECK_EQ_INT(zs_socket_type(pull), ZS_PULL);
    zs_socket_destroy(req);
    zs_socket_destroy(rep);
    zs_socket_destroy(pull);
    zs_socket_destroy(push);
}

static void test_sub_filtering(void)
{
    zs_socket pub = 0, sub = 0;
    int32_t port;
    int i, got_a = 0, got_b = 0;
    zs_message m = tu_msg0();

    TEST("SUB prefix filtering");
    port = zs_socket_new_bound(ZS_PUB, 0, HWM, HWM, &pub);
    zs_socket_new(ZS_SUB, &sub);
    CHECK_EQ_INT(zs_subscribe(sub, "A", 1), ZS_OK);
    CHECK_EQ_INT(zs_connect_to_host(sub, "localhost", port, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_wait_connected(sub, "localhost", port, 3000), ZS_OK);
    for (i = 0; i < 10; i++) {
        zs_send(pub, "B-no", 4, 1000);
        zs_send(pub, "A-yes", 5, 1000);
    }
    while (zs_recv(sub, 300, &m) == ZS_OK) {
        if (tu_msg_is(&m, "A-yes"))
            got_a++;
        else
            got_b++;
        zs_message_free(&m);
    }
    CHECK_EQ_INT(got_a, 10);
    CHECK_EQ_INT(got_b, 0);
    CHECK_EQ_INT(zs_unsubscribe(sub, "A", 1), ZS_OK);
    tu_sleep_ms(100);
    zs_send(pub, "A-after", 7, 1000);
    CHECK_EQ_INT(zs_recv(sub, 300, &m), ZS_ERR_TIMED_OUT);
    zs_socket_destroy(sub);
    zs_socket_destroy(pub);
}

static void test_router_dealer(void)
{
    zs_socket router = 0, dealer = 0;
    int32_t port;
    zs_frame out[2];
    zs_message m = tu_msg0();

    TEST("ROUTER/DEALER routing ids");
    port = zs_socket_new_bound(ZS_ROUTER, 0, HWM, HWM, &router);
    zs_socket_new(ZS_DEALER, &dealer);
    CHECK_EQ_INT(zs_set_routing_id(dealer, "dealer-1", 8), ZS_OK);
    CHECK_EQ_INT(zs_connect_to_host(dealer, "127.0.0.1", port, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_set_routing_id(dealer, "late", 4), ZS_ERR_WRONG_STATE);
    CHECK_EQ_INT(zs_send(dealer, "hello", 5, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv_multi(router, 3000, &m), ZS_OK);
    CHECK(m.count == 2 && tu_frame_is(&m, 0, "dealer-1") && tu_frame_is(&m, 1, "hello"),
          "the ROUTER sees [routing id, payload]");
    zs_message_free(&m);
    out[0].data = "dealer-1";
    out[0].len = 8;
    out[1].data = "back";
    out[1].len = 4;
    CHECK_EQ_INT(zs_send_multi(router, out, 2, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv(dealer, 3000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "back"), "the DEALER gets the reply");
    zs_message_free(&m);
    out[0].data = "nobody";
    out[0].len = 6;
    CHECK_EQ_INT(zs_send_multi(router, out, 2, 200), ZS_ERR_HOST_UNREACHABLE);
    zs_socket_destroy(dealer);
    zs_socket_destroy(router);
}

static void test_big_and_limits(void)
{
    zs_socket pull = 0, push = 0;
    int32_t port;
    size_t n = 10u * 1024u * 1024u, i;
    unsigned char *big = malloc(n);
    zs_message m = tu_msg0();
    char small[101];

    TEST("a 10 MiB message arrives intact; the sender's maximum message size");
    for (i = 0; i < n; i++)
        big[i] = (unsigned char)(i * 7 + (i >> 13));
    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    zs_socket_new_connected(ZS_PUSH, "127.0.0.1", port, HWM, HWM, &push);
    CHECK_EQ_INT(zs_send(push, big, n, 5000), ZS_OK);
    CHECK_EQ_INT(zs_recv(pull, 10000, &m), ZS_OK);
    CHECK(m.count == 1 && m.frames[0].len == n && memcmp(m.frames[0].data, big, n) == 0,
          "10 MiB intact");
    zs_message_free(&m);
    memset(small, 'x', sizeof small);
    CHECK_EQ_INT(zs_set_max_message_size(push, 100), ZS_OK);
    CHECK_EQ_INT(zs_send(push, small, 100, 1000), ZS_OK);
    CHECK_EQ_INT(zs_send(push, small, 101, 1000), ZS_ERR_MESSAGE_TOO_LARGE);
    CHECK(strstr(zs_last_error(), "101") != NULL, "the message gives the size");
    CHECK_EQ_INT(zs_set_max_message_size(push, -2), ZS_ERR_INVALID_ARGUMENT);
    zs_socket_destroy(push);
    zs_socket_destroy(pull);
    free(big);
}

struct blocked {
    zs_socket s;
    int32_t timeout;
    int rc;
    int64_t returned_at;
};

static void *blocked_recv(void *arg)
{
    struct blocked *b = arg;
    zs_message m = tu_msg0();
    b->rc = zs_recv(b->s, b->timeout, &m);
    b->returned_at = tu_now_ms();
    zs_message_free(&m);
    return NULL;
}

static void test_threads(void)
{
    zs_socket idle = 0, pull = 0, push = 0;
    int32_t port;
    pthread_t th;
    struct blocked b;
    int64_t t0, t1;
    zs_message m = tu_msg0();

    TEST("a blocked receive does not delay another socket; destroy interrupts it");
    int32_t idle_port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &idle);
    char eps[128];
    b.s = idle;
    b.timeout = ZS_TIMEOUT_FOREVER;
    b.rc = 1;
    pthread_create(&th, NULL, blocked_recv, &b);
    tu_sleep_ms(100);
    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    zs_socket_new_connected(ZS_PUSH, "127.0.0.1", port, HWM, HWM, &push);
    t0 = tu_now_ms();
    CHECK_EQ_INT(zs_send(push, "free", 4, 1000), ZS_OK);
    CHECK_EQ_INT(zs_recv(pull, 1000, &m), ZS_OK);
    CHECK(tu_now_ms() - t0 < 500, "the other socket's round trip is not held up");
    CHECK(zs_socket_count() >= 3, "count");
    /* calls on the blocked socket itself get their turn between slices */
    t0 = tu_now_ms();
    CHECK(zs_is_bound_to_port(idle, idle_port), "a query on the blocked socket");
    CHECK(zs_endpoints(idle, eps, sizeof eps) > 0, "its endpoints");
    CHECK(tu_now_ms() - t0 < 300, "queries on a socket blocked in another thread are not held up");
    zs_message_free(&m);
    t0 = tu_now_ms();
    CHECK_EQ_INT(zs_socket_destroy(idle), ZS_OK);
    t1 = tu_now_ms();
    pthread_join(th, NULL);
    CHECK(t1 - t0 < 1000, "the destroy returns within a fraction of a second");
    CHECK(b.returned_at - t0 < 1000, "the blocked receive returns as soon");
    CHECK_EQ_INT(b.rc, ZS_ERR_BAD_HANDLE);
    zs_socket_destroy(push);
    zs_socket_destroy(pull);
}

static void test_messages_free(void)
{
    zs_message m = tu_msg0();
    zs_socket pull = 0, push = 0;
    int32_t port;

    TEST("zs_message_free on zeroed, NULL and twice");
    zs_message_free(&m);
    zs_message_free(NULL);
    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    zs_socket_new_connected(ZS_PUSH, "127.0.0.1", port, HWM, HWM, &push);
    zs_send(push, "x", 1, 1000);
    CHECK_EQ_INT(zs_recv(pull, 2000, &m), ZS_OK);
    zs_message_free(&m);
    CHECK(m.frames == NULL && m.count == 0 && m.owner == NULL, "zeroed by free");
    zs_message_free(&m);
    CHECK(1, "no crash");
    zs_socket_destroy(push);
    zs_socket_destroy(pull);
}

static void test_hosts(void)
{
    char buf[64], path[] = "/tmp/zs-hosts-XXXXXX";
    zs_socket s = 0;
    char before[256], after[256];
    FILE *f;
    int fd;

    TEST("host table");
    CHECK_EQ_INT(zs_host_set("web1", "10.1.2.3"), ZS_OK);
    CHECK_EQ_INT(zs_host_address("web1", NULL, 0), 8);
    CHECK_EQ_INT(zs_host_address("web1", buf, 4), 8);
    CHECK(strcmp(buf, "10.") == 0, "truncated and NUL-terminated");
    CHECK_EQ_INT(zs_host_address("web1", buf, sizeof buf), 8);
    CHECK(strcmp(buf, "10.1.2.3") == 0, "full");
    CHECK_EQ_INT(zs_host_remove("web1"), ZS_OK);
    CHECK_EQ_INT(zs_host_remove("web1"), ZS_ERR_UNKNOWN_HOST);
    CHECK_EQ_INT(zs_host_set("bad id", "1.2.3.4"), ZS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_INT(zs_host_set("", "1.2.3.4"), ZS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_INT(zs_host_set("x", ""), ZS_ERR_INVALID_ARGUMENT);
    fd = mkstemp(path);
    f = fdopen(fd, "w");
    fprintf(f, "# test hosts\n\nalpha 127.0.0.1\nbeta ::1   # trailing comment\n");
    fclose(f);
    CHECK_EQ_INT(zs_hosts_load(path), 2);
    CHECK_EQ_INT(zs_host_address("beta", buf, sizeof buf), 3);
    f = fopen(path, "w");
    fprintf(f, "gamma 127.0.0.2\ndelta\n");
    fclose(f);
    CHECK_EQ_INT(zs_hosts_load(path), ZS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(zs_last_error(), path) != NULL && strstr(zs_last_error(), ":2") != NULL,
          "the error names path:line");
    CHECK_EQ_INT(zs_host_address("gamma", buf, sizeof buf), ZS_ERR_UNKNOWN_HOST);
    remove(path);
    CHECK_EQ_INT(zs_hosts_load(path), ZS_ERR_IO);
    zs_socket_new(ZS_PUSH, &s);
    zs_endpoints(s, before, sizeof before);
    CHECK_EQ_INT(zs_connect_to_host(s, "no-such-host", 5555, HWM, HWM), ZS_ERR_UNKNOWN_HOST);
    zs_endpoints(s, after, sizeof after);
    CHECK(strcmp(before, after) == 0, "an unknown host changes nothing");
    zs_socket_destroy(s);
}

static void test_library(void)
{
    zs_socket s = 12345;
    int codes[] = {0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -99};
    size_t i;
    int before, n;

    TEST("library functions and the last error");
    CHECK(strncmp(zs_version(), "zmqsocket ", 10) == 0 && strstr(zs_version(), "libzmq") != NULL,
          "zs_version");
    CHECK_EQ_INT(zs_socket_type_from_name("push"), ZS_PUSH);
    CHECK_EQ_INT(zs_socket_type_from_name("XREQ"), ZS_DEALER);
    CHECK_EQ_INT(zs_socket_type_from_name("XREP"), ZS_ROUTER);
    CHECK_EQ_INT(zs_socket_type_from_name("nope"), ZS_ERR_UNKNOWN_SOCKET_TYPE);
    CHECK_EQ_INT(zs_socket_new(99, &s), ZS_ERR_UNKNOWN_SOCKET_TYPE);
    CHECK(s == 12345, "*out untouched on failure");
    CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_UNKNOWN_SOCKET_TYPE);
    CHECK_EQ_INT(zs_socket_type_from_name("PULL"), ZS_PULL);
    CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_UNKNOWN_SOCKET_TYPE); /* errno's rule */
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
        CHECK(zs_strerror(codes[i]) != NULL && zs_strerror(codes[i])[0] != 0, "zs_strerror");
    CHECK(zs_strerror(12345) != NULL, "unknown code");
    CHECK_EQ_INT(zs_set_default_timeout(-2), ZS_ERR_INVALID_ARGUMENT);
    before = zs_socket_count();
    zs_socket_new(ZS_PAIR, &s);
    CHECK_EQ_INT(zs_socket_count(), before + 1);
    zs_socket_destroy(s);
    CHECK_EQ_INT(zs_socket_count(), before);
    zs_socket_new(ZS_PAIR, &s);
    n = zs_destroy_all();
    CHECK_EQ_INT(n, before + 1);
    CHECK_EQ_INT(zs_socket_count(), 0);
    CHECK_EQ_INT(zs_socket_new(ZS_PAIR, &s), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(s), ZS_OK);
}

int main(void)
{
    TEST_START(60);
    test_unbind_rebind();
    test_close_destroy();
    test_timeouts();
    test_hwm_and_send_timeout();
    test_dual_stack();
    test_patterns();
    test_sub_filtering();
    test_router_dealer();
    test_big_and_limits();
    test_threads();
    test_messages_free();
    test_hosts();
    test_library();
    return TEST_SUMMARY();
}
