/*
 * zmqsocket demo, built and run by `make`.
 *
 * A PULL socket binds an ephemeral port; a PUSH socket connects to it
 * through a host id of the host table ("zmq_target"); the PUSH sends a
 * single-part message and a multi-part message with an empty frame; the
 * PULL receives them with timeouts. Every result is checked: the demo
 * exits 0 only if everything matched, and otherwise prints each failure
 * with the library's last error and exits 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zmqsocket.h"

#define TIMEOUT_MS 2000      /* generous: this is all on loopback        */
#define EMPTY_WAIT_MS 200    /* how long to wait on a socket with nothing */

static int failures = 0;

/* A library call failed: say which, with the thread's last error. */
static void fail_call(const char *what, int32_t rc)
{
    failures++;
    fprintf(stderr, "FAIL: %s returned %" PRId32 " (%s): %s\n",
            what, rc, zs_strerror(rc), zs_last_error());
}

/* A call succeeded but its result is not what it should be. */
static void fail_check(const char *what)
{
    failures++;
    fprintf(stderr, "FAIL: %s\n", what);
}

static int frame_is(const zs_frame *f, const void *data, size_t len)
{
    return f->len == len && (len == 0 || memcmp(f->data, data, len) == 0);
}

/* Print a frame as its length and its bytes, non-printable ones escaped. */
static void print_frame(size_t i, const zs_frame *f)
{
    const unsigned char *p = f->data;
    size_t j;

    printf("  frame %zu: %zu bytes \"", i, f->len);
    for (j = 0; j < f->len; j++) {
        if (p[j] >= 0x20 && p[j] < 0x7f && p[j] != '"' && p[j] != '\\')
            putchar(p[j]);
        else
            printf("\\x%02x", (unsigned)p[j]);
    }
    printf("\"\n");
}

/*
 * The socket's endpoint listing, in a malloc'd string (NULL on failure).
 * zs_endpoints follows snprintf: it returns the length it needs, so a
 * first call into a small buffer tells how much to allocate.
 */
static char *endpoints_of(zs_socket s)
{
    char probe[8];
    int32_t need = zs_endpoints(s, probe, sizeof probe);
    int32_t again;
    char *buf;

    if (need < 0) {
        fail_call("zs_endpoints", need);
        return NULL;
    }
    buf = malloc((size_t)need + 1);
    if (buf == NULL) {
        fail_check("malloc for the endpoint listing");
        return NULL;
    }
    again = zs_endpoints(s, buf, (size_t)need + 1);
    if (again != need || strlen(buf) != (size_t)need) {
        fail_check("zs_endpoints: second call did not fill the buffer it asked for");
        free(buf);
        return NULL;
    }
    return buf;
}

/* Print a listing with each line indented. */
static void print_lines(const char *title, const char *text)
{
    const char *line = text;

    printf("%s:\n", title);
    while (*line != '\0') {
        const char *nl = strchr(line, '\n');
        int len = nl ? (int)(nl - line) : (int)strlen(line);
        printf("  %.*s\n", len, line);
        line += len + (nl ? 1 : 0);
    }
}

int main(void)
{
    static const char single[] = "hello\0world";      /* 11 bytes, one NUL  */
    const size_t single_len = sizeof single - 1;
    const zs_frame multi[3] = {
        { "header", 6 },
        { NULL, 0 },                                    /* an empty frame    */
        { "body", 4 },
    };
    zs_socket pull = 0, push = 0;
    zs_message msg;
    char addr[64], expected[160];
    char *eps;
    int32_t rc, port, ports[4];
    size_t i;

    printf("%s\n", zs_version());

    /* The host table: the test environment's name for the machine. */
    rc = zs_host_set("zmq_target", "127.0.0.1");
    if (rc != ZS_OK) {
        fail_call("zs_host_set", rc);
        goto done;
    }
    rc = zs_host_address("zmq_target", addr, sizeof addr);
    if (rc < 0)
        fail_call("zs_host_address", rc);
    else if (rc != 9 || strcmp(addr, "127.0.0.1") != 0)
        fail_check("zs_host_address: zmq_target does not resolve to 127.0.0.1");
    else
        printf("host zmq_target is %s\n", addr);

    /* PULL on an ephemeral port: port 0 binds one and returns it. */
    rc = zs_socket_new(ZS_PULL, &pull);
    if (rc != ZS_OK) {
        fail_call("zs_socket_new(ZS_PULL)", rc);
        goto done;
    }
    port = zs_bind_to_port(pull, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT);
    if (port <= 0) {
        fail_call("zs_bind_to_port(pull, 0)", port);
        goto done;
    }
    printf("PULL socket %" PRIu64 " bound to port %" PRId32 "\n", pull, port);

    /* PUSH connected through the host id. */
    rc = zs_socket_new(ZS_PUSH, &push);
    if (rc != ZS_OK) {
        fail_call("zs_socket_new(ZS_PUSH)", rc);
        goto done;
    }
    rc = zs_connect_to_host(push, "zmq_target", port, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT);
    if (rc != ZS_OK) {
        fail_call("zs_connect_to_host(push, \"zmq_target\")", rc);
        goto done;
    }
    printf("PUSH socket %" PRIu64 " connected to zmq_target:%" PRId32 "\n", push, port);

    /* What the handle table says about them. */
    if (!zs_is_bound_to_port(pull, port))
        fail_check("zs_is_bound_to_port(pull, port) is false");
    rc = zs_bound_ports(pull, ports, sizeof ports / sizeof ports[0]);
    if (rc < 0)
        fail_call("zs_bound_ports", rc);
    else if (rc != 1 || ports[0] != port)
        fail_check("zs_bound_ports(pull) is not exactly the bound port");
    if (!zs_is_connected_to_host(push, "zmq_target", port))
        fail_check("zs_is_connected_to_host(push, \"zmq_target\", port) is false");

    eps = endpoints_of(pull);
    if (eps != NULL) {
        /* "bind tcp://[::]:PORT" or "bind tcp://0.0.0.0:PORT", one line */
        char tail[16];
        size_t n = strlen(eps);
        size_t tn = (size_t)snprintf(tail, sizeof tail, ":%" PRId32 "\n", port);

        print_lines("endpoints of PULL", eps);
        if (strncmp(eps, "bind tcp://", 11) != 0 || n < tn
            || strcmp(eps + n - tn, tail) != 0 || strchr(eps, '\n') != eps + n - 1)
            fail_check("zs_endpoints(pull) is not one \"bind tcp://...:PORT\" line");
        free(eps);
    }
    eps = endpoints_of(push);
    if (eps != NULL) {
        snprintf(expected, sizeof expected,
                 "connect zmq_target:%" PRId32 " tcp://127.0.0.1:%" PRId32 "\n", port, port);
        print_lines("endpoints of PUSH", eps);
        if (strcmp(eps, expected) != 0)
            fail_check("zs_endpoints(push) is not \"connect zmq_target:PORT tcp://127.0.0.1:PORT\"");
        free(eps);
    }

    /* Send: one single-part message, one of three frames. */
    rc = zs_send(push, single, single_len, TIMEOUT_MS);
    if (rc != ZS_OK)
        fail_call("zs_send", rc);
    else
        printf("sent a single-part message of %zu bytes\n", single_len);
    rc = zs_send_multi(push, multi, 3, TIMEOUT_MS);
    if (rc != ZS_OK)
        fail_call("zs_send_multi", rc);
    else
        printf("sent a multi-part message of 3 frames\n");

    /* Receive them, in order. */
    rc = zs_recv(pull, TIMEOUT_MS, &msg);
    if (rc != ZS_OK) {
        fail_call("zs_recv", rc);
    } else {
        printf("zs_recv: %zu frame(s)\n", msg.count);
        for (i = 0; i < msg.count; i++)
            print_frame(i, &msg.frames[i]);
        if (msg.count != 1 || !frame_is(&msg.frames[0], single, single_len))
            fail_check("zs_recv: not the single-part message that was sent");
        zs_message_free(&msg);
    }

    rc = zs_recv_multi(pull, TIMEOUT_MS, &msg);
    if (rc != ZS_OK) {
        fail_call("zs_recv_multi", rc);
    } else {
        printf("zs_recv_multi: %zu frame(s)\n", msg.count);
        for (i = 0; i < msg.count; i++)
            print_frame(i, &msg.frames[i]);
        if (msg.count != 3 || !frame_is(&msg.frames[0], "header", 6)
            || !frame_is(&msg.frames[1], "", 0) || !frame_is(&msg.frames[2], "body", 4))
            fail_check("zs_recv_multi: not the multi-part message that was sent");
        zs_message_free(&msg);
        zs_message_free(&msg);             /* freeing a freed message is fine */
    }

    /* Nothing more is coming: a timed receive says so. */
    rc = zs_recv(pull, EMPTY_WAIT_MS, &msg);
    if (rc == ZS_ERR_TIMED_OUT && msg.frames == NULL && msg.count == 0
        && zs_last_error_code() == ZS_ERR_TIMED_OUT) {
        printf("zs_recv with %d ms on an empty socket: %" PRId32 " (%s), as expected: %s\n",
               EMPTY_WAIT_MS, rc, zs_strerror(rc), zs_last_error());
    } else {
        fail_check("zs_recv on an empty socket did not time out as it should");
        if (rc == ZS_OK)
            zs_message_free(&msg);
    }

done:
    /* Tear down: destroy both sockets, then flush whatever is left. */
    if (push != 0 && (rc = zs_socket_destroy(push)) != ZS_OK)
        fail_call("zs_socket_destroy(push)", rc);
    if (pull != 0 && (rc = zs_socket_destroy(pull)) != ZS_OK)
        fail_call("zs_socket_destroy(pull)", rc);
    if (pull != 0) {
        rc = zs_socket_destroy(pull);
        if (rc != ZS_ERR_BAD_HANDLE)
            fail_check("destroying a socket twice did not give ZS_ERR_BAD_HANDLE");
        else
            printf("destroyed both sockets; destroying again: %" PRId32 " (%s), as expected\n",
                   rc, zs_strerror(rc));
    }
    rc = zs_destroy_all();
    if (rc < 0)
        fail_call("zs_destroy_all", rc);
    else
        printf("zs_destroy_all: %" PRId32 " socket(s) were still alive\n", rc);
    if (zs_socket_count() != 0)
        fail_check("zs_socket_count() is not 0 after zs_destroy_all()");

    if (failures != 0) {
        fprintf(stderr, "demo: FAILED (%d check(s)); last error: %s\n",
                failures, zs_last_error());
        return 1;
    }
    printf("demo: OK\n");
    return 0;
}
