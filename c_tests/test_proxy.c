/*
 * test_proxy.c: SPEC section 22 from C. A REQ client reaches a REP
 * service through a proxy with delays both ways; counted drops; the stats;
 * and a forked child, where the parent's proxy is ZS_ERR_BAD_HANDLE while
 * the parent's proxy goes on working.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <sys/wait.h>

#include "testutil.h"

#define HWM ZS_HWM_DEFAULT

static zs_socket connect_to(int type, int32_t port)
{
    zs_socket s = 0;
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)port);
    CHECK_EQ_INT(zs_socket_new(type, &s), ZS_OK);
    CHECK_EQ_INT(zs_connect_endpoint(s, ep, HWM, HWM), ZS_OK);
    return s;
}

/* one REQ -> proxy -> REP round trip */
static void round_trip(zs_socket req, zs_socket rep, const char *text)
{
    zs_message m = tu_msg0();
    CHECK_EQ_INT(zs_send(req, text, strlen(text), 5000), ZS_OK);
    CHECK_EQ_INT(zs_recv(rep, 5000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, text), "the service got the request");
    zs_message_free(&m);
    CHECK_EQ_INT(zs_send(rep, "ok", 2, 5000), ZS_OK);
    CHECK_EQ_INT(zs_recv(req, 5000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "ok"), "the client got the reply");
    zs_message_free(&m);
}

int main(void)
{
    zs_socket rep = 0, proxy = 0, req = 0, pull = 0, lossy = 0, push = 0;
    zs_proxy_stats st;
    zs_message m = tu_msg0();
    char ep[64];
    int32_t port, front;
    int64_t t0;
    int i, got = 0, status = 0;
    pid_t pid;

    TEST_START(60);

    TEST("a REQ client and a REP service through a proxy, delayed both ways");
    port = zs_socket_new_bound(ZS_REP, 0, HWM, HWM, &rep);
    CHECK(port > 0, "REP bound");
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)port);
    front = zs_proxy_new(ZS_REQ, "tcp://127.0.0.1:0", ep, &proxy);
    CHECK(front > 0, "zs_proxy_new returns the front's port");
    req = connect_to(ZS_REQ, front);
    round_trip(req, rep, "plain");
    CHECK_EQ_INT(zs_proxy_fault(proxy, ZS_BOTH_WAYS, "delay 100ms"), ZS_OK);
    t0 = tu_now_ms();
    round_trip(req, rep, "slow");
    CHECK(tu_now_ms() - t0 >= 180, "two delays of 100 ms");
    CHECK_EQ_INT(zs_proxy_stats_get(proxy, &st), ZS_OK);
    CHECK(st.forwarded[0] == 2 && st.forwarded[1] == 2, "two each way");
    CHECK(st.delayed[0] == 1 && st.delayed[1] == 1, "one delayed each way");
    CHECK_EQ_INT(zs_socket_count(), 3);

    TEST("drop next 3; drop every 4: exactly the expected survivors, in order");
    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", (int)port);
    front = zs_proxy_new(ZS_PUSH, "tcp://127.0.0.1:0", ep, &lossy);
    CHECK(front > 0, "a proxy for PUSH clients");
    push = connect_to(ZS_PUSH, front);
    CHECK_EQ_INT(zs_proxy_fault(lossy, ZS_TOWARDS_SERVICE, "drop next 3; drop every 4"), ZS_OK);
    for (i = 0; i < 12; i++) {
        char c = (char)('a' + i);
        CHECK_EQ_INT(zs_send(push, &c, 1, 5000), ZS_OK);
    }
    /* dropped: a b c (next 3), d h l (every 4th) */
    {
        const char *want[] = {"e", "f", "g", "i", "j", "k"};
        for (i = 0; i < 6; i++) {
            CHECK_EQ_INT(zs_recv(pull, 5000, &m), ZS_OK);
            CHECK(tu_msg_is(&m, want[i]), "the survivors, in order");
            zs_message_free(&m);
            got++;
        }
    }
    CHECK_EQ_INT(got, 6);
    do {
        CHECK_EQ_INT(zs_proxy_stats_get(lossy, &st), ZS_OK);
    } while (st.dropped[0] < 6 && (tu_sleep_ms(5), 1));
    CHECK(st.dropped[0] == 6 && st.forwarded[0] == 6, "6 dropped, 6 forwarded");

    TEST("fork: the child has no proxy; the parent's goes on");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        int ok = zs_proxy_stats_get(proxy, &st) == ZS_ERR_BAD_HANDLE &&
                 strstr(zs_last_error(), "fork") != NULL &&
                 zs_proxy_fault(proxy, ZS_BOTH_WAYS, "") == ZS_ERR_BAD_HANDLE &&
                 zs_socket_destroy(proxy) == ZS_ERR_BAD_HANDLE &&
                 zs_socket_count() == 0;
        _exit(ok ? 0 : 1);
    }
    CHECK(pid > 0, "fork");
    CHECK(waitpid(pid, &status, 0) == pid, "the child ended");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "in the child the proxy is ZS_ERR_BAD_HANDLE (inherited), and nothing is counted");
    CHECK_EQ_INT(zs_proxy_fault(proxy, ZS_BOTH_WAYS, ""), ZS_OK);
    round_trip(req, rep, "after the fork");

    TEST("teardown: proxies destroy like sockets");
    CHECK_EQ_INT(zs_socket_destroy(proxy), ZS_OK);
    CHECK_EQ_INT(zs_proxy_stats_get(proxy, &st), ZS_ERR_BAD_HANDLE);
    CHECK_EQ_INT(zs_socket_count(), 5);
    CHECK_EQ_INT(zs_destroy_all(), 5);
    CHECK_EQ_INT(zs_socket_count(), 0);
    return TEST_SUMMARY();
}
