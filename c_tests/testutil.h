/*
 * testutil.h: the tiny harness of the zmqsocket C tests (C99, and clean
 * as C++17 too).
 *
 *   CHECK(cond, msg)     record a pass, or print "not ok - file:line: msg"
 *                        with the condition and zs_last_error()
 *   CHECK_EQ_INT(a, b)   the same for two integers, printing both values
 *   TEST(name)           print "# name" (a section heading)
 *   TEST_START(secs)     arm a watchdog: a program still running after
 *                        secs seconds prints "not ok - watchdog" and exits 2
 *   TEST_SUMMARY()       print the final "N passed, N failed" line and
 *                        give the exit code (1 if anything failed):
 *                        `return TEST_SUMMARY();`
 *
 * Checks are meant to be made from the main thread; threads hand their
 * results back in a struct.
 */
#ifndef ZS_TESTUTIL_H
#define ZS_TESTUTIL_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zmqsocket.h"

static int tu_passed = 0;
static int tu_failed = 0;

static inline void tu_fail_head(const char *file, int line)
{
    printf("not ok - %s:%d: ", file, line);
}

static inline void tu_fail_tail(void)
{
    printf("    last error: %d \"%s\"\n", (int)zs_last_error_code(),
           zs_last_error());
    fflush(stdout);
}

static inline int tu_check(int ok, const char *file, int line,
                           const char *expr, const char *msg)
{
    if (ok) {
        tu_passed++;
        return 1;
    }
    tu_failed++;
    tu_fail_head(file, line);
    printf("%s (%s)\n", msg, expr);
    tu_fail_tail();
    return 0;
}

static inline int tu_check_eq(long long a, long long b, const char *file,
                              int line, const char *ea, const char *eb)
{
    if (a == b) {
        tu_passed++;
        return 1;
    }
    tu_failed++;
    tu_fail_head(file, line);
    printf("%s == %s: got %lld, expected %lld", ea, eb, a, b);
    if (a < 0 && a >= -99)
        printf(" [got %s]", zs_strerror((int32_t)a));
    printf("\n");
    tu_fail_tail();
    return 0;
}

#define CHECK(cond, msg) tu_check((cond) ? 1 : 0, __FILE__, __LINE__, #cond, (msg))
#define CHECK_EQ_INT(a, b) \
    tu_check_eq((long long)(a), (long long)(b), __FILE__, __LINE__, #a, #b)

#define TEST(name) (printf("# %s\n", (name)), fflush(stdout))

static inline int tu_summary(void)
{
    printf("%d passed, %d failed\n", tu_passed, tu_failed);
    fflush(stdout);
    return tu_failed ? 1 : 0;
}
#define TEST_SUMMARY() tu_summary()

static inline void tu_watchdog(int sig)
{
    static const char m[] = "not ok - watchdog: the program ran too long\n";
    ssize_t r;
    (void)sig;
    r = write(1, m, sizeof m - 1);
    (void)r;
    _exit(2);
}

static inline void tu_start(unsigned secs)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGALRM, tu_watchdog);
    alarm(secs);
}
#define TEST_START(secs) tu_start(secs)

/* Monotonic clock in milliseconds. */
static inline int64_t tu_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void tu_sleep_ms(int ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* Frame i of msg holds exactly the string s (without its NUL). */
static inline int tu_frame_is(const zs_message *msg, size_t i, const char *s)
{
    size_t n = strlen(s);
    if (msg == NULL || i >= msg->count || msg->frames == NULL)
        return 0;
    if (msg->frames[i].len != n)
        return 0;
    return n == 0 || memcmp(msg->frames[i].data, s, n) == 0;
}

/* A message of one frame holding exactly s. */
static inline int tu_msg_is(const zs_message *msg, const char *s)
{
    return msg != NULL && msg->count == 1 && tu_frame_is(msg, 0, s);
}

/*
 * A TCP port nobody listens on: bind port 0, read it, unbind (which waits
 * until the port is free) and destroy the socket.
 */
static inline int32_t tu_dead_port(void)
{
    zs_socket s = 0;
    int32_t port = zs_socket_new_bound(ZS_PULL, 0, ZS_HWM_DEFAULT,
                                       ZS_HWM_DEFAULT, &s);
    if (port > 0) {
        zs_unbind_from_port(s, port);
        zs_socket_destroy(s);
    }
    return port;
}

/* A zeroed message. */
static inline zs_message tu_msg0(void)
{
    zs_message m;
    memset(&m, 0, sizeof m);
    return m;
}

#endif /* ZS_TESTUTIL_H */
