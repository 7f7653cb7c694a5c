/*
 * Storyplayer's stories: single- and multi-part round trips through echo
 * peers made with the library itself (a REP thread, and a PULL->PUSH echo
 * thread), canSendNonBlocking (zs_send_nonblocking true/false),
 * isConnectedToHost / isBoundToPort, zs_endpoints and zs_bound_ports;
 * and zs_pump's shared frames and ZS_SCHED_BATCH.
 */
#define _GNU_SOURCE /* SCHED_BATCH */
#include <pthread.h>
#include <sched.h>

#include "testutil.h"

/* ---- echo peers ------------------------------------------------------- */

struct echo {
    zs_socket in;       /* REP, or PULL */
    zs_socket out;      /* 0 for REP (it replies on `in`), or PUSH */
    int echoed;         /* messages echoed */
    int32_t last_rc;    /* the call that ended the loop */
};

/* Echo every message (all frames) until "QUIT", an error or 3 s of quiet. */
static void *echo_main(void *arg)
{
    struct echo *e = (struct echo *)arg;
    zs_socket reply_on = e->out ? e->out : e->in;
    for (;;) {
        zs_message m = tu_msg0();
        int32_t rc = zs_recv_multi(e->in, 3000, &m);
        if (rc < 0) {
            e->last_rc = rc;
            return NULL;
        }
        if (tu_msg_is(&m, "QUIT")) {
            if (!e->out)
                zs_send(reply_on, "BYE", 3, 1000);
            zs_message_free(&m);
            e->last_rc = 0;
            return NULL;
        }
        rc = zs_send_multi(reply_on, m.frames, m.count, 1000);
        zs_message_free(&m);
        if (rc < 0) {
            e->last_rc = rc;
            return NULL;
        }
        e->echoed++;
    }
}

/* ---- the stories ------------------------------------------------------ */

static void test_rep_echo(void)
{
    zs_socket rep = 0, req = 0;
    struct echo e;
    pthread_t th;
    int32_t port, rc;
    zs_message m = tu_msg0();
    zs_frame frames[3];

    TEST("REQ/REP round trips through a REP echo thread");
    port = zs_socket_new_bound(ZS_REP, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &rep);
    CHECK(port > 0 && port <= 65535, "bind port 0 returns the ephemeral port");
    CHECK(rep != 0, "a bound socket has a handle");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_REQ, "localhost", port,
                                         ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &req),
                 ZS_OK);
    CHECK(req != 0 && req != rep, "a second socket has another handle");

    memset(&e, 0, sizeof e);
    e.in = rep;
    pthread_create(&th, NULL, echo_main, &e);

    /* single part */
    CHECK_EQ_INT(zs_send(req, "hello", 5, 2000), ZS_OK);
    rc = zs_recv(req, 2000, &m);
    CHECK_EQ_INT(rc, ZS_OK);
    CHECK(tu_msg_is(&m, "hello"), "the echo of a single-part message");
    zs_message_free(&m);

    /* multi part, with an empty frame in the middle and at the end */
    frames[0].data = "part one";
    frames[0].len = 8;
    frames[1].data = NULL;
    frames[1].len = 0;
    frames[2].data = "3";
    frames[2].len = 1;
    CHECK_EQ_INT(zs_send_multi(req, frames, 3, 2000), ZS_OK);
    rc = zs_recv_multi(req, 2000, &m);
    CHECK_EQ_INT(rc, ZS_OK);
    CHECK_EQ_INT(m.count, 3);
    CHECK(tu_frame_is(&m, 0, "part one"), "frame 0 of the echo");
    CHECK(m.count >= 2 && m.frames[1].len == 0, "frame 1 of the echo is empty");
    CHECK(tu_frame_is(&m, 2, "3"), "frame 2 of the echo");
    zs_message_free(&m);

    /* zs_recv takes one frame at a time of a multi-part message */
    frames[0].data = "a";
    frames[0].len = 1;
    frames[1].data = "bb";
    frames[1].len = 2;
    CHECK_EQ_INT(zs_send_multi(req, frames, 2, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv(req, 2000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "a"), "zs_recv gets the first frame alone");
    zs_message_free(&m);
    CHECK_EQ_INT(zs_recv(req, 2000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "bb"), "the next zs_recv gets the next frame");
    zs_message_free(&m);

    /* an empty single-part message */
    CHECK_EQ_INT(zs_send(req, NULL, 0, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv_multi(req, 2000, &m), ZS_OK);
    CHECK(m.count == 1 && m.frames[0].len == 0, "the echo of an empty message");
    zs_message_free(&m);

    CHECK_EQ_INT(zs_send(req, "QUIT", 4, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv(req, 2000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "BYE"), "the echo thread said BYE");
    zs_message_free(&m);
    pthread_join(th, NULL);
    CHECK_EQ_INT(e.echoed, 4);
    CHECK_EQ_INT(e.last_rc, ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(req), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(rep), ZS_OK);
}

static void test_pipeline_echo(void)
{
    zs_socket e_pull = 0, e_push = 0, push = 0, pull = 0;
    struct echo e;
    pthread_t th;
    int32_t in_port, out_port;
    int i, ok = 0;
    zs_message m = tu_msg0();
    zs_frame frames[4];
    char buf[32];

    TEST("PUSH -> PULL/PUSH echo thread -> PULL round trips");
    in_port = zs_socket_new_bound(ZS_PULL, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &e_pull);
    out_port = zs_socket_new_bound(ZS_PUSH, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &e_push);
    CHECK(in_port > 0 && out_port > 0 && in_port != out_port, "two ephemeral ports");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "127.0.0.1", in_port,
                                         ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &push), ZS_OK);
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PULL, "localhost", out_port,
                                         ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &pull), ZS_OK);
    memset(&e, 0, sizeof e);
    e.in = e_pull;
    e.out = e_push;
    pthread_create(&th, NULL, echo_main, &e);

    for (i = 0; i < 50; i++) {
        snprintf(buf, sizeof buf, "message %d", i);
        if (zs_send(push, buf, strlen(buf), 2000) != ZS_OK)
            break;
    }
    CHECK_EQ_INT(i, 50);
    for (i = 0; i < 50; i++) {
        snprintf(buf, sizeof buf, "message %d", i);
        if (zs_recv(pull, 2000, &m) != ZS_OK)
            break;
        ok += tu_msg_is(&m, buf);
        zs_message_free(&m);
    }
    CHECK_EQ_INT(ok, 50);

    frames[0].data = "";
    frames[0].len = 0;
    frames[1].data = "x\0y";
    frames[1].len = 3;
    frames[2].data = "multi";
    frames[2].len = 5;
    frames[3].data = NULL;
    frames[3].len = 0;
    CHECK_EQ_INT(zs_send_multi(push, frames, 4, 2000), ZS_OK);
    CHECK_EQ_INT(zs_recv_multi(pull, 2000, &m), ZS_OK);
    CHECK_EQ_INT(m.count, 4);
    if (m.count == 4) {
        CHECK(m.frames[0].len == 0, "frame 0 empty");
        CHECK(m.frames[1].len == 3 && memcmp(m.frames[1].data, "x\0y", 3) == 0,
              "frame 1 with a NUL byte inside");
        CHECK(tu_frame_is(&m, 2, "multi"), "frame 2");
        CHECK(m.frames[3].len == 0, "frame 3 empty");
    }
    zs_message_free(&m);

    CHECK(zs_send_nonblocking(push, "nb", 2), "a connected PUSH can send non-blocking");
    CHECK_EQ_INT(zs_recv(pull, 2000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "nb"), "the non-blocking message came back");
    zs_message_free(&m);
    frames[0].data = "nb1";
    frames[0].len = 3;
    frames[1].data = "nb2";
    frames[1].len = 3;
    CHECK(zs_send_multi_nonblocking(push, frames, 2), "multi-part non-blocking send");
    CHECK_EQ_INT(zs_recv_multi(pull, 2000, &m), ZS_OK);
    CHECK(m.count == 2 && tu_frame_is(&m, 0, "nb1") && tu_frame_is(&m, 1, "nb2"),
          "the multi-part non-blocking message came back");
    zs_message_free(&m);

    /* Storyplayer: the echo thread's receiving socket is bound to the port
       the sender is connected to */
    CHECK(zs_is_bound_to_port(e_pull, in_port), "isBoundToPort");
    CHECK(!zs_is_bound_to_port(e_pull, out_port), "not bound to the other port");
    CHECK(zs_is_connected_to_host(push, "127.0.0.1", in_port), "isConnectedToHost");
    CHECK(!zs_is_connected_to_host(push, "127.0.0.1", out_port),
          "not connected to a port it did not connect to");
    CHECK(!zs_is_connected_to_host(push, "localhost", in_port),
          "connected via 127.0.0.1, not via the id localhost");
    CHECK(zs_is_connected_to_host(pull, "localhost", out_port),
          "isConnectedToHost via localhost");

    CHECK_EQ_INT(zs_send(push, "QUIT", 4, 2000), ZS_OK);
    pthread_join(th, NULL);
    CHECK_EQ_INT(e.echoed, 53); /* 50 single, 1 multi, 2 non-blocking */
    CHECK_EQ_INT(e.last_rc, ZS_OK);
    zs_socket_destroy(push);
    zs_socket_destroy(pull);
    zs_socket_destroy(e_push);
    zs_socket_destroy(e_pull);
}

static void test_can_send_nonblocking(void)
{
    zs_socket push = 0, pull = 0;
    int32_t port;
    zs_message m = tu_msg0();

    TEST("canSendNonBlocking: false with no peer, true with one");
    CHECK_EQ_INT(zs_socket_new(ZS_PUSH, &push), ZS_OK);
    CHECK(!zs_send_nonblocking(push, "x", 1), "an unattached PUSH cannot send");
    CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_WOULD_BLOCK);

    port = zs_bind_to_port(push, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT);
    CHECK(port > 0, "bind port 0");
    CHECK(!zs_send_nonblocking(push, "x", 1), "a bound PUSH with no peer cannot send");
    CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_WOULD_BLOCK);

    CHECK_EQ_INT(zs_socket_new_connected(ZS_PULL, "localhost", port, ZS_HWM_DEFAULT,
                                         ZS_HWM_DEFAULT, &pull), ZS_OK);
    /* the peer's connection arrives asynchronously: try for up to 2 s */
    {
        int64_t t0 = tu_now_ms();
        int sent = 0;
        while (!sent && tu_now_ms() - t0 < 2000) {
            sent = zs_send_nonblocking(push, "y", 1);
            if (!sent)
                tu_sleep_ms(10);
        }
        CHECK(sent, "once a peer connected, the PUSH can send non-blocking");
    }
    CHECK_EQ_INT(zs_recv(pull, 2000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "y"), "the PULL got it");
    zs_message_free(&m);

    CHECK(!zs_send_nonblocking(pull, "z", 1), "a PULL cannot send at all");
    CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_NOT_SUPPORTED);
    zs_socket_destroy(pull);
    zs_socket_destroy(push);
    CHECK(!zs_send_nonblocking(push, "z", 1), "a destroyed socket cannot send");
    CHECK_EQ_INT(zs_last_error_code(), ZS_ERR_BAD_HANDLE);
}

/* zs_pump copies a long frame once and every repetition shares that copy:
 * the messages arrive whole after the caller overwrote and freed its
 * buffer, and the ones still queued when the sockets are destroyed are
 * released with them (under memcheck: no read of freed memory). */
static void test_pump_shares_long_frames(void)
{
    enum { BIG = 1000, REPEAT = 10, READ = 3 };
    zs_socket push = 0, pull = 0;
    int32_t port;
    int i, j, intact = 1;
    unsigned char *big = malloc(BIG);
    zs_frame fr[2];

    TEST("zs_pump: shared long frames arrive whole after the caller freed them; queued ones go with the socket");
    if (!CHECK(big != NULL, "malloc"))
        return;
    for (j = 0; j < BIG; j++)
        big[j] = (unsigned char)(j * 7 + 1);
    port = zs_socket_new_bound(ZS_PULL, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &pull);
    CHECK(port > 0, "bind port 0");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "localhost", port, ZS_HWM_DEFAULT,
                                         ZS_HWM_DEFAULT, &push), ZS_OK);
    fr[0].data = big;
    fr[0].len = BIG;
    fr[1].data = "tail";
    fr[1].len = 4;
    CHECK_EQ_INT(zs_pump(push, fr, 2, REPEAT, ZS_SEQUENCED, 5000), REPEAT);
    memset(big, 0xee, BIG);
    free(big);
    for (i = 0; i < READ; i++) {
        zs_message m = tu_msg0();
        CHECK_EQ_INT(zs_recv_multi(pull, 5000, &m), ZS_OK);
        if (!CHECK_EQ_INT(m.count, 3))
            continue;
        CHECK_EQ_INT(m.frames[0].len, 16);
        CHECK_EQ_INT(m.frames[1].len, BIG);
        for (j = 0; j < BIG && m.frames[1].len == BIG; j++)
            intact &= ((const unsigned char *)m.frames[1].data)[j] == (unsigned char)(j * 7 + 1);
        CHECK(m.frames[2].len == 4 && memcmp(m.frames[2].data, "tail", 4) == 0, "the short frame");
        zs_message_free(&m);
    }
    CHECK(intact, "every byte of the long frame, in every message read");
    /* REPEAT - READ messages are still queued somewhere between the two */
    CHECK_EQ_INT(zs_set_linger(push, 0), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(pull), ZS_OK);
}

/* ZS_SCHED_BATCH from C: the flag is accepted with ZS_SEQUENCED, every
   message arrives, and the calling thread is under SCHED_OTHER again after
   each call (during it, it runs under SCHED_BATCH: tests/contract_bulk.rs
   watches that from another thread). */
static void test_sched_batch(void)
{
    enum { N = 2000 };
    zs_socket pull = 0, push = 0;
    zs_drain_stats st;
    zs_frame fr;
    char body[100];
    int32_t port;

    TEST("zs_pump / zs_drain with ZS_SCHED_BATCH put the thread back to SCHED_OTHER");
    memset(body, 'b', sizeof body);
    fr.data = body;
    fr.len = sizeof body;
    port = zs_socket_new_bound(ZS_PULL, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &pull);
    CHECK(port > 0, "bind port 0");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "localhost", port, ZS_HWM_DEFAULT,
                                         ZS_HWM_DEFAULT, &push), ZS_OK);
    CHECK_EQ_INT(sched_getscheduler(0), SCHED_OTHER);
    CHECK_EQ_INT(zs_pump(push, &fr, 1, N, ZS_SEQUENCED | ZS_SCHED_BATCH, 5000), N);
    CHECK_EQ_INT(sched_getscheduler(0), SCHED_OTHER);
    CHECK_EQ_INT(zs_drain(pull, N, ZS_SEQUENCED | ZS_SCHED_BATCH, 5000, &st), ZS_OK);
    CHECK_EQ_INT(sched_getscheduler(0), SCHED_OTHER);
    CHECK_EQ_INT(st.messages, N);
    CHECK_EQ_INT(st.bytes, (uint64_t)N * sizeof body);
    CHECK_EQ_INT(st.gaps + st.duplicates + st.out_of_order, 0);
    CHECK_EQ_INT(zs_socket_destroy(push), ZS_OK);
    CHECK_EQ_INT(zs_socket_destroy(pull), ZS_OK);
}

/* The endpoint listing of s (up to 511 bytes); returns zs_endpoints' result. */
static int32_t endpoints(zs_socket s, char *buf, size_t cap)
{
    memset(buf, 0x55, cap);
    return zs_endpoints(s, buf, cap);
}

static void test_endpoints_and_ports(void)
{
    zs_socket a = 0, b = 0;
    int32_t p1, p2, p3, n, rc;
    int32_t ports[4];
    char buf[512], expect[512], small[10];
    const char *any;

    TEST("zs_endpoints and zs_bound_ports");
    CHECK_EQ_INT(zs_socket_new(ZS_PULL, &a), ZS_OK);
    CHECK_EQ_INT(endpoints(a, buf, sizeof buf), 0);
    CHECK_EQ_INT(buf[0], '\0');
    CHECK_EQ_INT(zs_endpoints(a, NULL, 0), 0);
    CHECK_EQ_INT(zs_bound_ports(a, NULL, 0), 0);
    CHECK(!zs_is_bound_to_port(a, 1), "nothing bound yet");

    p1 = zs_bind_to_port(a, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT);
    p2 = zs_bind_to_port(a, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT);
    CHECK(p1 > 0 && p2 > 0 && p1 != p2, "two binds, two ephemeral ports");
    CHECK(zs_is_bound_to_port(a, p1) && zs_is_bound_to_port(a, p2), "isBoundToPort both");

    /* a peer to connect to (so the connect points somewhere real) */
    p3 = zs_socket_new_bound(ZS_PUSH, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &b);
    CHECK(p3 > 0, "a third port");
    CHECK_EQ_INT(zs_connect_to_host(a, "localhost", p3, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT),
                 ZS_OK);
    CHECK_EQ_INT(zs_connect_to_host(a, "::1", p3, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT), ZS_OK);

    n = zs_bound_ports(a, ports, 4);
    CHECK_EQ_INT(n, 2);
    CHECK(ports[0] == (p1 < p2 ? p1 : p2) && ports[1] == (p1 < p2 ? p2 : p1),
          "bound ports ascending");
    ports[0] = ports[1] = -7;
    CHECK_EQ_INT(zs_bound_ports(a, ports, 1), 2);
    CHECK_EQ_INT(ports[0], p1 < p2 ? p1 : p2);
    CHECK_EQ_INT(ports[1], -7);
    CHECK_EQ_INT(zs_bound_ports(a, NULL, 0), 2);

    rc = endpoints(a, buf, sizeof buf);
    any = strncmp(buf, "bind tcp://0.0.0.0:", 19) == 0 ? "0.0.0.0" : "[::]";
    CHECK(rc > 0 && (size_t)rc == strlen(buf), "zs_endpoints returns the length written");
    /* binds first in order, each "bind tcp://[::]:P" (tcp://0.0.0.0:P on a
       machine without IPv6), then the connects in order */
    snprintf(expect, sizeof expect,
             "bind tcp://%s:%d\nbind tcp://%s:%d\n"
             "connect localhost:%d tcp://127.0.0.1:%d\n"
             "connect ::1:%d tcp://[::1]:%d\n",
             any, (int)p1, any, (int)p2, (int)p3, (int)p3, (int)p3, (int)p3);
    if (!CHECK(strcmp(buf, expect) == 0, "endpoint listing as SPEC 11 gives it"))
        printf("    got:\n%s    expected:\n%s", buf, expect);

    /* snprintf rules */
    memset(small, 0x55, sizeof small);
    CHECK_EQ_INT(zs_endpoints(a, small, sizeof small), rc);
    CHECK(small[9] == '\0' && memcmp(small, buf, 9) == 0,
          "a short buffer gets a NUL-terminated prefix");
    small[0] = 'x';
    CHECK_EQ_INT(zs_endpoints(a, small, 1), rc);
    CHECK_EQ_INT(small[0], '\0');
    CHECK_EQ_INT(zs_endpoints(a, NULL, 0), rc);

    /* unbinding and disconnecting take entries out of the listing */
    CHECK_EQ_INT(zs_unbind_from_port(a, p1), ZS_OK);
    CHECK(!zs_is_bound_to_port(a, p1), "p1 unbound");
    CHECK(zs_is_bound_to_port(a, p2), "p2 still bound");
    CHECK_EQ_INT(zs_bound_ports(a, ports, 4), 1);
    CHECK_EQ_INT(ports[0], p2);
    CHECK_EQ_INT(zs_disconnect_from_host(a, "localhost", p3), ZS_OK);
    CHECK(!zs_is_connected_to_host(a, "localhost", p3), "disconnected from localhost");
    CHECK(zs_is_connected_to_host(a, "::1", p3), "still connected via ::1");
    snprintf(expect, sizeof expect, "bind tcp://%s:%d\nconnect ::1:%d tcp://[::1]:%d\n",
             any, (int)p2, (int)p3, (int)p3);
    endpoints(a, buf, sizeof buf);
    if (!CHECK(strcmp(buf, expect) == 0, "listing after unbind and disconnect"))
        printf("    got:\n%s    expected:\n%s", buf, expect);

    CHECK_EQ_INT(zs_close(a), ZS_OK);
    CHECK_EQ_INT(endpoints(a, buf, sizeof buf), 0);
    CHECK_EQ_INT(zs_bound_ports(a, NULL, 0), 0);
    zs_socket_destroy(a);
    zs_socket_destroy(b);
}

int main(void)
{
    TEST_START(15);
    test_rep_echo();
    test_pipeline_echo();
    test_can_send_nonblocking();
    test_pump_shares_long_frames();
    test_sched_batch();
    test_endpoints_and_ports();
    return TEST_SUMMARY();
}
