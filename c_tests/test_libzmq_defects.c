/*
 * test_libzmq_defects.c: the libzmq 4.3.4 defects zmqsocket works around,
 * each driven the way that used to corrupt memory. `make test` also runs
 * this under valgrind memcheck, which turns a use-after-free that happens
 * not to crash into a failure.
 *
 * - An inproc connect waiting for a binder, dropped (disconnect, close,
 *   destroy, disconnect-all) before the name is bound: libzmq freed the
 *   waiting pipe but kept it listed, and the next bind of the name used it.
 * - One socket at a time may wait for an unbound inproc name: the second
 *   is ZS_ERR_WRONG_STATE; the first one's queued message arrives once the
 *   name is bound.
 * - A socket connecting to its own bind under the same endpoint string
 *   (libzmq would end the bind on disconnect): ZS_ERR_ADDRESS_IN_USE.
 * - A destroyed socket's inproc name can be bound again at once.
 * - HWM changes on a socket whose TCP sessions come and go (libzmq sent
 *   HWM updates to freed peer pipes).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>

#include "testutil.h"

#define HWM ZS_HWM_DEFAULT
#define WAIT 5000

static zs_socket new_socket(int32_t t)
{
    zs_socket s = 0;
    CHECK_EQ_INT(zs_socket_new(t, &s), ZS_OK);
    return s;
}

static int last_error_has(const char *needle)
{
    return strstr(zs_last_error(), needle) != NULL;
}

/* A PUSH connected to `name`, sending `text`, arrives at `pull`. */
static void check_delivery(zs_socket pull, const char *name, const char *text)
{
    zs_socket push = new_socket(ZS_PUSH);
    CHECK_EQ_INT(zs_connect_endpoint(push, name, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_send(push, text, strlen(text), WAIT), ZS_OK);
    zs_message m = tu_msg0();
    CHECK_EQ_INT(zs_recv(pull, WAIT, &m), ZS_OK);
    CHECK(tu_msg_is(&m, text), "the message arrives intact");
    zs_message_free(&m);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_OK);
}

static void dropped_waiting_connect(int how)
{
    static const char *const names[] = {"zs_disconnect_endpoint", "zs_close",
                                        "zs_socket_destroy",
                                        "zs_disconnect_from_all_hosts"};
    char name[64], other[64];
    snprintf(name, sizeof name, "inproc://defects-drop-%d", how);
    snprintf(other, sizeof other, "inproc://defects-drop-%d-b", how);
    printf("#   dropped by %s\n", names[how]);

    zs_socket waiter = new_socket(ZS_PUSH);
    CHECK_EQ_INT(zs_connect_endpoint(waiter, name, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_send_nonblocking(waiter, "lost", 4), true);
    switch (how) {
    case 0: CHECK_EQ_INT(zs_disconnect_endpoint(waiter, name), ZS_OK); break;
    case 1: CHECK_EQ_INT(zs_close(waiter), ZS_OK); break;
    case 2: CHECK_EQ_INT(zs_socket_destroy(waiter), ZS_OK); waiter = 0; break;
    default: CHECK_EQ_INT(zs_disconnect_from_all_hosts(waiter), ZS_OK); break;
    }

    /* The name binds, the binder changes its HWMs (libzmq walks every pipe
     * of the socket) and serves a new peer; the dropped connect's message
     * is not delivered. */
    zs_socket pull = new_socket(ZS_PULL);
    CHECK_EQ_INT(zs_bind_endpoint(pull, name, HWM, HWM), 0);
    CHECK_EQ_INT(zs_bind_endpoint(pull, other, 7, 9), 0);
    check_delivery(pull, name, "after");
    check_delivery(pull, other, "other");
    zs_message m = tu_msg0();
    CHECK_EQ_INT(zs_recv(pull, 0, &m), ZS_ERR_TIMED_OUT);
    zs_message_free(&m);

    /* The dropping socket can wait for a name again. */
    if (waiter != 0) {
        CHECK_EQ_INT(zs_connect_endpoint(waiter, "inproc://defects-again", HWM, HWM),
                     ZS_OK);
        CHECK_EQ_INT(zs_socket_destroy(waiter), ZS_OK);
    }
    CHECK_EQ_INT(zs_socket_destroy(pull), ZS_OK);
}

static void one_waiter_per_name(void)
{
    const char *name = "inproc://defects-one-waiter";
    zs_socket first = new_socket(ZS_PUSH);
    zs_socket second = new_socket(ZS_PUSH);
    CHECK_EQ_INT(zs_connect_endpoint(first, name, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_send_nonblocking(first, "queued", 6), true);

    CHECK_EQ_INT(zs_connect_endpoint(second, name, HWM, HWM), ZS_ERR_WRONG_STATE);
    CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_WRONG_STATE);
    CHECK(last_error_has("zs_connect_endpoint"), "the message names the function");
    CHECK(last_error_has(name), "the message names the endpoint");
    CHECK(last_error_has("bind it first"), "the message says what to do");
    char buf[256];
    zs_endpoints(second, buf, sizeof buf);
    CHECK(strcmp(buf, "") == 0, "the refused connect is not listed");

    /* Connecting the same socket again is the usual error. */
    CHECK_EQ_INT(zs_connect_endpoint(first, name, HWM, HWM), ZS_ERR_ALREADY_CONNECTED);

    zs_socket pull = new_socket(ZS_PULL);
    CHECK_EQ_INT(zs_bind_endpoint(pull, name, HWM, HWM), 0);
    zs_message m = tu_msg0();
    CHECK_EQ_INT(zs_recv(pull, WAIT, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "queued"), "the waiting connect's message arrives after the bind");
    zs_message_free(&m);

    /* Once bound, any number of sockets connect. */
    CHECK_EQ_INT(zs_connect_endpoint(second, name, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_send(second, "second", 6, WAIT), ZS_OK);
    CHECK_EQ_INT(zs_recv(pull, WAIT, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "second"), "the second socket delivers");
    zs_message_free(&m);

    /* A waiter that is dropped frees the name for another waiter. */
    const char *name2 = "inproc://defects-one-waiter-2";
    CHECK_EQ_INT(zs_connect_endpoint(first, name2, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_connect_endpoint(second, name2, HWM, HWM), ZS_ERR_WRONG_STATE);
    CHECK_EQ_INT(zs_disconnect_endpoint(first, name2), ZS_OK);
    CHECK_EQ_INT(zs_connect_endpoint(second, name2, HWM, HWM), ZS_OK);

    CHECK_EQ_INT(zs_socket_destroy(first), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(second), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(pull), ZS_OK);
}

static void no_connect_to_own_bind(void)
{
    char ep[64], listing[512], after[512];
    zs_socket s = new_socket(ZS_PULL);
    int32_t port = zs_bind_endpoint(s, "tcp://127.0.0.1:0", HWM, HWM);
    CHECK(port > 0, "bound to an ephemeral port");
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)port);
    zs_endpoints(s, listing, sizeof listing);

    CHECK_EQ_INT(zs_connect_endpoint(s, ep, HWM, HWM), ZS_ERR_ADDRESS_IN_USE);
    CHECK(last_error_has("zs_connect_endpoint") && last_error_has(ep),
          "the message names the function and the endpoint");
    CHECK_EQ_INT(zs_connect_to_host(s, "127.0.0.1", port, HWM, HWM), ZS_ERR_ADDRESS_IN_USE);
    CHECK(last_error_has("zs_connect_to_host"), "the message names the function");

    const char *name = "inproc://defects-self";
    CHECK_EQ_INT(zs_bind_endpoint(s, name, HWM, HWM), 0);
    CHECK_EQ_INT(zs_connect_endpoint(s, name, HWM, HWM), ZS_ERR_ADDRESS_IN_USE);

    const char *name2 = "inproc://defects-self-2";
    CHECK_EQ_INT(zs_connect_endpoint(s, name2, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_bind_endpoint(s, name2, HWM, HWM), ZS_ERR_ADDRESS_IN_USE);
    CHECK(last_error_has("zs_bind_endpoint") && last_error_has(name2),
          "the message names the function and the endpoint");
    CHECK_EQ_INT(zs_disconnect_endpoint(s, name2), ZS_OK);

    /* The same address written another way is the same endpoint to the
     * kernel: refused before binding, and the connect keeps working. */
    {
        zs_socket c = new_socket(ZS_PUSH);
        zs_socket probe = new_socket(ZS_PULL);
        int32_t p6 = zs_bind_endpoint(probe, "tcp://[::1]:0", HWM, HWM);
        if (p6 > 0) {
            char e1[64], e2[64];
            CHECK_EQ_INT(zs_unbind_endpoint(probe, "tcp://[::1]:0"), ZS_OK);
            snprintf(e1, sizeof e1, "tcp://[::1]:%d", (int)p6);
            snprintf(e2, sizeof e2, "tcp://[0:0::1]:%d", (int)p6);
            CHECK_EQ_INT(zs_connect_endpoint(c, e1, HWM, HWM), ZS_OK);
            CHECK_EQ_INT(zs_bind_endpoint(c, e2, HWM, HWM), ZS_ERR_ADDRESS_IN_USE);
            CHECK_EQ_INT(zs_bind_endpoint(probe, e1, HWM, HWM), p6);
            CHECK_EQ_INT(zs_send(c, "v6", 2, WAIT), ZS_OK);
            zs_message m6 = tu_msg0();
            CHECK_EQ_INT(zs_recv(probe, WAIT, &m6), ZS_OK);
            CHECK(tu_msg_is(&m6, "v6"), "the connect still delivers after the refused bind");
            zs_message_free(&m6);

            /* A wildcard bind that libzmq resolves to the string of a
             * connect (tcp://ANY:P as tcp://[::]:P): undone, and the connect,
             * which libzmq's unbind ends too, is made again. */
            zs_socket w = new_socket(ZS_PUSH);
            zs_socket peer = new_socket(ZS_PULL);
            int32_t pw = tu_dead_port();
            char any6[64], star[64], lo6[64], before_w[256], after_w[256];
            snprintf(any6, sizeof any6, "tcp://[::]:%d", (int)pw);
            snprintf(star, sizeof star, "tcp://*:%d", (int)pw);
            snprintf(lo6, sizeof lo6, "tcp://[::1]:%d", (int)pw);
            CHECK_EQ_INT(zs_connect_endpoint(w, any6, HWM, HWM), ZS_OK);
            zs_endpoints(w, before_w, sizeof before_w);
            CHECK_EQ_INT(zs_bind_endpoint(w, star, 7, 7), ZS_ERR_ADDRESS_IN_USE);
            CHECK(last_error_has(any6), "the message names the resolved endpoint");
            zs_endpoints(w, after_w, sizeof after_w);
            CHECK(strcmp(before_w, after_w) == 0, "the connect is still listed, no bind");
            CHECK_EQ_INT(zs_bind_endpoint(peer, lo6, HWM, HWM), pw);
            CHECK_EQ_INT(zs_send(w, "again", 5, WAIT), ZS_OK);
            zs_message mw = tu_msg0();
            CHECK_EQ_INT(zs_recv(peer, WAIT, &mw), ZS_OK);
            CHECK(tu_msg_is(&mw, "again"), "the connect made again delivers");
            zs_message_free(&mw);
            CHECK_EQ_INT(zs_wait_peers(w, 1, WAIT), ZS_OK);
            CHECK_EQ_INT(zs_peer_count(w), 1);
            CHECK_EQ_INT(zs_socket_destroy(w), ZS_OK);
            CHECK_EQ_INT(zs_socket_destroy(peer), ZS_OK);
        } else {
            printf("#   (no IPv6 loopback here: the [::1] case is skipped)\n");
        }
        CHECK_EQ_INT(zs_socket_destroy(c), ZS_OK);
        CHECK_EQ_INT(zs_socket_destroy(probe), ZS_OK);
    }

    /* Nothing changed: the binds are listed as before and still serve. */
    CHECK_EQ_INT(zs_unbind_endpoint(s, name), ZS_OK);
    zs_endpoints(s, after, sizeof after);
    CHECK(strcmp(listing, after) == 0, "zs_endpoints is unchanged");
    zs_socket push = new_socket(ZS_PUSH);
    CHECK_EQ_INT(zs_connect_endpoint(push, ep, HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_send(push, "tcp", 3, WAIT), ZS_OK);
    zs_message m = tu_msg0();
    CHECK_EQ_INT(zs_recv(s, WAIT, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "tcp"), "the TCP bind still serves");
    zs_message_free(&m);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(s), ZS_OK);
}

static void destroyed_binder_name_is_free(void)
{
    const char *name = "inproc://defects-rebind";
    for (int i = 0; i < 20; i++) {
        zs_socket a = new_socket(ZS_PULL);
        CHECK_EQ_INT(zs_bind_endpoint(a, name, HWM, HWM), 0);
        CHECK_EQ_INT(zs_socket_destroy(a), ZS_OK);
    }
    zs_socket b = new_socket(ZS_PULL);
    CHECK_EQ_INT(zs_bind_endpoint(b, name, HWM, HWM), 0);
    check_delivery(b, name, "rebound");
    CHECK_EQ_INT(zs_socket_destroy(b), ZS_OK);
}

static void hwm_changes_while_sessions_come_and_go(void)
{
    zs_socket pull = new_socket(ZS_PULL);
    int32_t port = zs_bind_endpoint(pull, "tcp://127.0.0.1:0", HWM, HWM);
    CHECK(port > 0, "bound");
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)port);
    int ok = 1;
    for (int i = 0; i < 40; i++) {
        zs_socket push = new_socket(ZS_PUSH);
        ok &= zs_connect_endpoint(push, ep, HWM, HWM) == ZS_OK;
        ok &= zs_send(push, "x", 1, WAIT) == ZS_OK;
        zs_message m = tu_msg0();
        ok &= zs_recv(pull, WAIT, &m) == ZS_OK;
        zs_message_free(&m);
        ok &= zs_socket_destroy(push) == ZS_OK;
        /* A new endpoint with other HWMs: libzmq updates every pipe. */
        char name[64];
        snprintf(name, sizeof name, "inproc://defects-hwm-%d", i);
        ok &= zs_bind_endpoint(pull, name, 10 + i % 2, 10 + i % 3) == 0;
    }
    CHECK(ok, "40 sessions came and went while the HWMs changed");
    CHECK_EQ_INT(zs_socket_destroy(pull), ZS_OK);
}

int main(void)
{
    TEST_START(120);
    TEST("an inproc connect waiting for a binder, dropped, then the name bound");
    for (int how = 0; how < 4; how++)
        dropped_waiting_connect(how);
    TEST("one socket at a time waits for an unbound inproc name");
    one_waiter_per_name();
    TEST("no connect to the socket's own bind under the same endpoint");
    no_connect_to_own_bind();
    TEST("a destroyed socket's inproc name can be bound at once");
    destroyed_binder_name_is_free();
    TEST("HWM changes while sessions come and go");
    hwm_changes_while_sessions_come_and_go();
    CHECK_EQ_INT(zs_destroy_all(), 0);
    return TEST_SUMMARY();
}
