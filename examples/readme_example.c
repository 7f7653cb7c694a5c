/* The example in README.md: a PUSH/PULL round trip on an ephemeral port. */
#include <stdio.h>
#include <string.h>
#include "zmqsocket.h"

int main(void)
{
    zs_socket pull, push;
    zs_message msg;
    int ok = 0;

    int32_t port = zs_socket_new_bound(ZS_PULL, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &pull);
    if (port < 0
        || zs_socket_new_connected(ZS_PUSH, "localhost", port, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT, &push) < 0
        || zs_send(push, "hello", 5, 1000) < 0
        || zs_recv(pull, 1000, &msg) < 0) {
        fprintf(stderr, "failed: %s\n", zs_last_error());
    } else {
        ok = msg.count == 1 && msg.frames[0].len == 5 && memcmp(msg.frames[0].data, "hello", 5) == 0;
        printf("port %d: %s\n", (int)port, ok ? "received \"hello\"" : "received something else");
        zs_message_free(&msg);
    }
    zs_destroy_all(); /* destroys both sockets, lets queued messages leave */
    return ok ? 0 : 1;
}
