/*
 * test_options.c: socket options by name (SPEC section 18) through the C
 * API: the integer and bytes forms, snprintf sizing, the options the
 * library owns, and options taking effect on real loopback sockets.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>

#include "testutil.h"

#define HWM ZS_HWM_DEFAULT

static void test_forms(void)
{
    zs_socket s = 0;
    int64_t v = 0;
    char buf[64], small[5];
    int32_t n;

    TEST("integer and bytes forms, any case; snprintf sizing");
    CHECK_EQ_INT(zs_socket_new(ZS_DEALER, &s), ZS_OK);
    CHECK_EQ_INT(zs_set_option(s, "RECONNECT_IVL", 250), ZS_OK);
    CHECK_EQ_INT(zs_get_option(s, "reconnect_ivl", &v), ZS_OK);
    CHECK_EQ_INT(v, 250);
    CHECK_EQ_INT(zs_set_option(s, "HEARTBEAT_IVL", 1000), ZS_OK);
    CHECK_EQ_INT(zs_get_option(s, "Heartbeat_Ivl", &v), ZS_OK);
    CHECK_EQ_INT(v, 1000);
    CHECK_EQ_INT(zs_get_option(s, "TYPE", &v), ZS_OK);
    CHECK_EQ_INT(v, ZS_DEALER);
    CHECK_EQ_INT(zs_set_option_bytes(s, "ROUTING_ID", "client-7", 8), ZS_OK);
    CHECK_EQ_INT(zs_get_option_bytes(s, "ROUTING_ID", buf, sizeof buf), 8);
    CHECK(memcmp(buf, "client-7", 8) == 0, "the routing id reads back");
    CHECK_EQ_INT(zs_bind_endpoint(s, "tcp://127.0.0.1:0", HWM, HWM) > 0, 1);
    n = zs_get_option_bytes(s, "LAST_ENDPOINT", NULL, 0);
    CHECK(n > (int32_t)strlen("tcp://127.0.0.1:"), "the length is asked with NULL, 0");
    CHECK_EQ_INT(zs_get_option_bytes(s, "LAST_ENDPOINT", buf, sizeof buf), n);
    CHECK(strncmp(buf, "tcp://127.0.0.1:", 16) == 0 && strlen(buf) == (size_t)n,
          "a string comes NUL-terminated");
    CHECK_EQ_INT(zs_get_option_bytes(s, "LAST_ENDPOINT", small, sizeof small), n);
    CHECK(strcmp(small, "tcp:") == 0, "cut to fit, NUL within cap");
    CHECK_EQ_INT(zs_set_option(s, "SOCKS_PROXY", 1), ZS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_INT(zs_set_option(s, "NO_SUCH", 1), ZS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(zs_last_error(), "zs_set_option: ") == zs_last_error(),
          "the last error names the function");
    CHECK_EQ_INT(zs_set_option(s, "SNDTIMEO", 10), ZS_ERR_NOT_SUPPORTED);
    CHECK_EQ_INT(zs_set_option(s, "ROUTER_MANDATORY", 1), ZS_ERR_NOT_SUPPORTED);
    CHECK_EQ_INT(zs_set_option(s, "CURVE_SERVER", 1), ZS_ERR_WRONG_STATE);
    CHECK_EQ_INT(zs_socket_destroy(s), ZS_OK);
}

static void test_effects(void)
{
    zs_socket push = 0, pub = 0, sub = 0;
    zs_message m = tu_msg0();
    int32_t dead = tu_dead_port(), port, queued = 0;
    char ep[64];
    int64_t v = 0;

    TEST("SNDHWM by name limits the queue towards an absent peer; IMMEDIATE queues nothing");
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)dead);
    CHECK_EQ_INT(zs_socket_new(ZS_PUSH, &push), ZS_OK);
    CHECK_EQ_INT(zs_connect_endpoint(push, ep, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_set_option(push, "SNDHWM", 2), ZS_OK);
    while (queued < 10 && zs_send_nonblocking(push, "x", 1))
        queued++;
    CHECK_EQ_INT(queued, 2);
    CHECK_EQ_INT(zs_get_option(push, "SNDHWM", &v), ZS_OK);
    CHECK_EQ_INT(v, 2);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_OK);
    CHECK_EQ_INT(zs_socket_new(ZS_PUSH, &push), ZS_OK);
    CHECK_EQ_INT(zs_set_option(push, "IMMEDIATE", 1), ZS_OK);
    CHECK_EQ_INT(zs_connect_endpoint(push, ep, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_send(push, "x", 1, 200), ZS_ERR_TIMED_OUT);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_OK);

    TEST("SUBSCRIBE by name filters like zs_subscribe");
    port = zs_socket_new_bound(ZS_PUB, 0, HWM, HWM, &pub);
    CHECK(port > 0, "PUB bound");
    CHECK_EQ_INT(zs_socket_new(ZS_SUB, &sub), ZS_OK);
    CHECK_EQ_INT(zs_set_option_bytes(sub, "SUBSCRIBE", "news.", 5), ZS_OK);
    CHECK_EQ_INT(zs_connect_to_host(sub, "localhost", port, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_wait_connected(sub, "localhost", port, 5000), ZS_OK);
    CHECK_EQ_INT(zs_send(pub, "sport.1", 7, 1000), ZS_OK);
    CHECK_EQ_INT(zs_send(pub, "news.1", 6, 1000), ZS_OK);
    CHECK_EQ_INT(zs_recv(sub, 5000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "news.1"), "only the subscribed prefix arrives");
    zs_message_free(&m);
    CHECK_EQ_INT(zs_socket_destroy(sub), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(pub), ZS_OK);
}

int main(void)
{
    TEST_START(60);
    test_forms();
    test_effects();
    CHECK_EQ_INT(zs_socket_count(), 0);
    return TEST_SUMMARY();
}
