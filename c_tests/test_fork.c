/*
 * test_fork.c: SPEC section 17, fork. A parent with a thread blocked in
 * zs_recv forks children in turn; each child is refused the inherited
 * handles, makes its own sockets and talks to the parent; the parent is
 * never disturbed. Then forks while other threads are inside host-table
 * and handle-table calls: no child deadlocks.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "testutil.h"

#define HWM ZS_HWM_DEFAULT
#define CHILDREN 10
#define BUSY_FORKS 50

/* Wait up to secs for pid; kill it if it is still running then. Returns
 * its exit status (0..255), or -1 if it was killed, died of a signal, or
 * could not be waited for. */
static int wait_child(pid_t pid, int secs)
{
    int64_t end = tu_now_ms() + (int64_t)secs * 1000;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r == -1 && errno != EINTR)
            return -1;
        if (tu_now_ms() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            printf("    child %d did not end within %d s\n", (int)pid, secs);
            return -1;
        }
        tu_sleep_ms(5);
    }
    if (!WIFEXITED(status)) {
        printf("    child %d died of signal %d\n", (int)pid,
               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        return -1;
    }
    return WEXITSTATUS(status);
}

static bool last_error_has(const char *s)
{
    return strstr(zs_last_error(), s) != NULL;
}

/* ------------------------------------------------------------------ */

struct blocked {
    zs_socket s;
    int32_t rc;
    bool got_wake;
};

static void *blocked_recv(void *arg)
{
    struct blocked *b = (struct blocked *)arg;
    zs_message m = tu_msg0();
    b->rc = zs_recv(b->s, ZS_TIMEOUT_FOREVER, &m);
    b->got_wake = tu_msg_is(&m, "wake");
    zs_message_free(&m);
    return NULL;
}

/* What a child is handed: the parent's sockets and where to report. */
struct inherited {
    zs_socket push;      /* PUSH connected to the parent's sink          */
    zs_socket quiet;     /* PULL the parent's thread is blocked on       */
    int32_t collector;   /* the parent's port that takes children's news */
};

/* One child: returns its exit status (the number of failed checks). */
static int child_main(int i, const struct inherited *in)
{
    zs_socket pull = 0, push = 0, report = 0;
    zs_message m = tu_msg0();
    char text[32], eps[256];
    int32_t port, rc;
    int64_t t0;

    tu_failed = 0;
    alarm(20); /* this child's own watchdog (alarms are not inherited) */

    /* Inherited handles are refused, and say why. */
    CHECK_EQ_INT(zs_send(in->push, "leak", 4, 0), ZS_ERR_BAD_HANDLE);
    CHECK(last_error_has("inherited across fork()"), "the last error says fork");
    CHECK(!zs_send_nonblocking(in->push, "leak", 4), "non-blocking send refused");
    CHECK_EQ_INT(zs_socket_destroy(in->quiet), ZS_ERR_BAD_HANDLE);
    CHECK_EQ_INT(zs_socket_type(in->quiet), ZS_ERR_BAD_HANDLE);
    CHECK(!zs_is_bound_to_port(in->quiet, 1), "no attachment of the parent's");
    CHECK_EQ_INT(zs_socket_count(), 0);

    /* Its own sockets: the host table and the bind interface are the
     * parent's as they were at the fork. */
    port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &pull);
    CHECK(port > 0, "the child binds a port");
    CHECK(zs_endpoints(pull, eps, sizeof eps) > 0 && strstr(eps, "127.0.0.1") != NULL,
          "the bind interface is inherited");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "forkhost", port, HWM, HWM, &push),
                 ZS_OK);
    snprintf(text, sizeof text, "ping %d", i);
    CHECK_EQ_INT(zs_send(push, text, strlen(text), 5000), ZS_OK);
    CHECK_EQ_INT(zs_recv(pull, 5000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, text), "the child's round trip");
    zs_message_free(&m);

    /* The default timeout is inherited (300 ms, not 5000). */
    if (i == 0) {
        t0 = tu_now_ms();
        rc = zs_recv(pull, ZS_TIMEOUT_DEFAULT, &m);
        CHECK_EQ_INT(rc, ZS_ERR_TIMED_OUT);
        CHECK(tu_now_ms() - t0 >= 250 && tu_now_ms() - t0 < 4000,
              "ZS_TIMEOUT_DEFAULT is the parent's 300 ms");
    }

    /* Tell the parent, through a socket of its own. */
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "127.0.0.1", in->collector, HWM,
                                         HWM, &report),
                 ZS_OK);
    snprintf(text, sizeof text, "child %d", i);
    CHECK_EQ_INT(zs_send(report, text, strlen(text), 5000), ZS_OK);

    CHECK_EQ_INT(zs_socket_count(), 3);
    CHECK_EQ_INT(zs_destroy_all(), 3); /* flushes the report */
    CHECK_EQ_INT(zs_socket_count(), 0);
    fflush(stdout);
    return tu_failed;
}

static void test_children(void)
{
    struct blocked b;
    struct inherited in;
    zs_socket sink = 0, waker = 0, collector = 0;
    zs_message m = tu_msg0();
    pthread_t th;
    int32_t quiet_port, sink_port, before;
    char text[32];
    int i;

    TEST("a parent with a thread blocked in zs_recv forks 10 children in turn");
    memset(&b, 0, sizeof b);
    CHECK_EQ_INT(zs_host_set("forkhost", "127.0.0.1"), ZS_OK);
    CHECK_EQ_INT(zs_set_default_timeout(300), ZS_OK);
    CHECK_EQ_INT(zs_set_bind_interface("127.0.0.1"), ZS_OK);

    quiet_port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &b.s);
    CHECK(quiet_port > 0, "quiet PULL bound");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "127.0.0.1", quiet_port, HWM, HWM,
                                         &waker),
                 ZS_OK);
    CHECK_EQ_INT(zs_wait_peers(b.s, 1, 5000), ZS_OK);
    sink_port = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &sink);
    CHECK(sink_port > 0, "sink PULL bound");
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "127.0.0.1", sink_port, HWM, HWM,
                                         &in.push),
                 ZS_OK);
    CHECK_EQ_INT(zs_wait_connected(in.push, "127.0.0.1", sink_port, 5000), ZS_OK);
    in.collector = zs_socket_new_bound(ZS_PULL, 0, HWM, HWM, &collector);
    CHECK(in.collector > 0, "collector PULL bound");
    in.quiet = b.s;
    before = zs_socket_count();
    CHECK_EQ_INT(before, 5);

    pthread_create(&th, NULL, blocked_recv, &b);
    tu_sleep_ms(50); /* let it block */

    for (i = 0; i < CHILDREN; i++) {
        pid_t pid;
        fflush(stdout);
        pid = fork();
        if (pid == 0)
            exit(child_main(i, &in) ? 1 : 0);
        CHECK(pid > 0, "fork");
        if (pid < 0)
            break;
        CHECK_EQ_INT(wait_child(pid, 30), 0);
        /* Exactly this child's message, and the parent still works. */
        CHECK_EQ_INT(zs_recv(collector, 5000, &m), ZS_OK);
        snprintf(text, sizeof text, "child %d", i);
        CHECK(tu_msg_is(&m, text), "the parent receives the child's message");
        zs_message_free(&m);
        CHECK_EQ_INT(zs_socket_count(), before);
    }

    /* Nothing the children tried on the inherited PUSH arrived. */
    CHECK_EQ_INT(zs_recv(collector, 100, &m), ZS_ERR_TIMED_OUT);
    CHECK_EQ_INT(zs_recv(sink, 100, &m), ZS_ERR_TIMED_OUT);
    /* The inherited PUSH is the parent's still: it delivers. */
    CHECK_EQ_INT(zs_send(in.push, "mine", 4, 5000), ZS_OK);
    CHECK_EQ_INT(zs_recv(sink, 5000, &m), ZS_OK);
    CHECK(tu_msg_is(&m, "mine"), "the parent's PUSH still delivers");
    zs_message_free(&m);

    /* The blocked thread was never disturbed: it takes the next message. */
    CHECK_EQ_INT(zs_send(waker, "wake", 4, 5000), ZS_OK);
    pthread_join(th, NULL);
    CHECK_EQ_INT(b.rc, ZS_OK);
    CHECK(b.got_wake, "the blocked thread received 'wake'");

    CHECK_EQ_INT(zs_socket_count(), before);
    CHECK_EQ_INT(zs_destroy_all(), before);
    CHECK_EQ_INT(zs_set_default_timeout(5000), ZS_OK);
    CHECK_EQ_INT(zs_set_bind_interface("*"), ZS_OK);
}

/* ------------------------------------------------------------------ */

static volatile sig_atomic_t busy_stop = 0;

/* Inside host-table calls, all the time. */
static void *host_churn(void *arg)
{
    char buf[64];
    (void)arg;
    while (!busy_stop) {
        zs_host_set("busy", "127.0.0.2");
        zs_host_address("busy", buf, sizeof buf);
        zs_host_remove("busy");
    }
    return NULL;
}

/* Inside handle-table calls, all the time: lookups and counts (the
 * table's read lock) and, now and then, a socket made and destroyed (its
 * write lock). Not a socket every turn: libzmq's reaper closes destroyed
 * sockets in the background, and under valgrind it falls so far behind
 * that the process runs out of descriptors. */
static void *socket_churn(void *arg)
{
    unsigned n = 0;
    (void)arg;
    while (!busy_stop) {
        zs_socket s = 0;
        if (++n % 64 == 0 && zs_socket_new(ZS_PUSH, &s) == ZS_OK)
            zs_socket_destroy(s);
        zs_socket_count();
        zs_socket_type((zs_socket)1 << 40); /* a handle never issued */
    }
    return NULL;
}

/* Inside the inproc registry's lock, all the time: binds and unbinds of
 * a name, and a connect that waits for a binder, dropped again. */
static void *inproc_churn(void *arg)
{
    zs_socket b = 0, c = 0;
    (void)arg;
    zs_socket_new(ZS_PULL, &b);
    zs_socket_new(ZS_PUSH, &c);
    while (!busy_stop) {
        zs_bind_endpoint(b, "inproc://churn", HWM, HWM);
        zs_unbind_endpoint(b, "inproc://churn");
        zs_connect_endpoint(c, "inproc://churn-waiting", HWM, HWM);
        zs_disconnect_endpoint(c, "inproc://churn-waiting");
    }
    zs_socket_destroy(b);
    zs_socket_destroy(c);
    return NULL;
}

/* Inside the bind interface's lock, all the time. */
static void *iface_churn(void *arg)
{
    (void)arg;
    while (!busy_stop)
        zs_set_bind_interface("127.0.0.1");
    return NULL;
}

/* A child forked in the middle of all that: every table call works. */
static int busy_child(void)
{
    char buf[64];
    zs_socket s = 0;
    tu_failed = 0;
    alarm(20);
    CHECK_EQ_INT(zs_host_address("forkhost", buf, sizeof buf), 9);
    CHECK_EQ_INT(zs_host_set("childhost", "127.0.0.1"), ZS_OK);
    CHECK_EQ_INT(zs_socket_new_connected(ZS_PUSH, "childhost", 1, HWM, HWM, &s), ZS_OK);
    CHECK_EQ_INT(zs_set_bind_interface("127.0.0.1"), ZS_OK);
    /* The parent's inproc names are not the child's: both are free. */
    CHECK_EQ_INT(zs_socket_new(ZS_PULL, &s), ZS_OK);
    CHECK_EQ_INT(zs_bind_endpoint(s, "inproc://churn", HWM, HWM), 0);
    CHECK_EQ_INT(zs_connect_endpoint(s, "inproc://churn-waiting", HWM, HWM), ZS_OK);
    CHECK_EQ_INT(zs_socket_count(), 2);
    CHECK_EQ_INT(zs_destroy_all(), 2);
    fflush(stdout);
    return tu_failed;
}

static void test_busy_forks(void)
{
    pthread_t hosts, sockets, names, iface;
    int i, ok = 0;

    TEST("forks while other threads are inside host- and handle-table calls");
    CHECK_EQ_INT(zs_host_set("forkhost", "127.0.0.1"), ZS_OK);
    busy_stop = 0;
    pthread_create(&hosts, NULL, host_churn, NULL);
    pthread_create(&sockets, NULL, socket_churn, NULL);
    pthread_create(&names, NULL, inproc_churn, NULL);
    pthread_create(&iface, NULL, iface_churn, NULL);
    for (i = 0; i < BUSY_FORKS; i++) {
        pid_t pid;
        tu_sleep_ms(5);
        fflush(stdout);
        pid = fork();
        if (pid == 0)
            _exit(busy_child() ? 1 : 0);
        if (pid > 0) {
            int st = wait_child(pid, 30);
            if (st == 0)
                ok++;
            else
                printf("    busy child %d: exit status %d\n", i, st);
        }
    }
    busy_stop = 1;
    pthread_join(hosts, NULL);
    pthread_join(sockets, NULL);
    pthread_join(names, NULL);
    pthread_join(iface, NULL);
    CHECK_EQ_INT(ok, BUSY_FORKS);
    CHECK_EQ_INT(zs_socket_count(), 0);
}

int main(void)
{
    TEST_START(240);
    test_children();
    test_busy_forks();
    return TEST_SUMMARY();
}
