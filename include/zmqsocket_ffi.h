#define FFI_SCOPE "zmqsocket"
#define FFI_LIB "libzmqsocket.so"
/*
 * zmqsocket: a small, safe ZeroMQ API for test harnesses.
 * Generated from the Rust sources by cbindgen (build.rs); do not edit.
 *
 * Conventions, for every function below:
 * - Sockets are opaque integer handles (zs_socket): positive, below 2^53,
 *   never reused within a process; 0 is never a socket. A handle may be
 *   used from any thread; calls on one socket are serialised, and a call
 *   blocked waiting for a message lets other threads' calls on the same
 *   socket go first between its 50 ms slices (a query on a socket another
 *   thread is receiving on answers within about 50 ms); calls on
 *   different sockets never wait for each other. Destroying a socket
 *   interrupts a call blocked on it, which returns ZS_ERR_BAD_HANDLE.
 * - Functions that can fail return int32_t: >= 0 is success (ZS_OK, or a
 *   value the function documents, such as a port or a length), < 0 is a
 *   zs_result code. Functions returning bool return false on failure.
 *   Every failure sets the calling thread's last error (zs_last_error_code,
 *   zs_last_error); a successful call leaves it as it was.
 * - Arguments are validated first: NULL where not allowed, out-of-range
 *   ports (0..65535 for binds, 1..65535 otherwise), HWMs below -1,
 *   timeouts below -2 and lingers below -1 are ZS_ERR_INVALID_ARGUMENT,
 *   and change nothing. Strings are NUL-terminated UTF-8.
 * - Timeouts are per call, in ms: > 0 wait at most that long, 0 try once
 *   without waiting (failing with ZS_ERR_TIMED_OUT), ZS_TIMEOUT_FOREVER,
 *   ZS_TIMEOUT_DEFAULT (5000 ms unless zs_set_default_timeout changed it).
 *   A timeout never changes how later calls behave.
 * - Signals: a signal whose handler runs while a send, a receive, a poll,
 *   a wait or zs_next_event is waiting ends that call, as libzmq's own
 *   calls end (EINTR), with ZS_ERR_INTERRUPTED: nothing was sent or
 *   received, and calling again goes on waiting. (An interpreter such as
 *   Python's or PHP's runs its handlers only once the call has returned;
 *   signals set to be ignored interrupt nothing.) zs_pump and zs_drain,
 *   and the rest of a message once its first frame is queued, go on
 *   through signals; their waits then end at most one timeout after the
 *   first signal, however many more come. So does a wait on a socket
 *   never bound or connected (it has no monitor to wait on).
 * - HWMs are message counts: ZS_HWM_DEFAULT = 100, 0 = no limit. They are
 *   set before each bind and connect; since libzmq 4.2 a socket's HWMs
 *   apply to all its pipes, so the latest values set on a socket win for
 *   all its endpoints.
 * - Functions that write a string or array into a caller's buffer follow
 *   snprintf: at most cap bytes (or elements), NUL-terminated when
 *   cap > 0, and they return the full length needed.
 * - No function aborts, prints or exits, whatever it is given; a panic
 *   inside the library is caught and returned as ZS_ERR_INTERNAL.
 * - Fork-safe: a child process (fork(2), Python's multiprocessing,
 *   PHP's pcntl_fork) uses the library as if it had just loaded it; its
 *   first socket starts a fresh libzmq context. Handles made before the
 *   fork are ZS_ERR_BAD_HANDLE in the child ("inherited across fork()"),
 *   and zs_socket_count and zs_destroy_all see only the child's sockets;
 *   the host table, the default timeout and the bind interface are
 *   inherited as they were. The parent, and a thread of it blocked in a
 *   call, never notice. A fork waits for another thread's call that is
 *   updating a process-wide table (hosts, handles, inproc names, the bind
 *   interface): briefly, or up to 500 ms for an inproc connect that
 *   changes its socket's HWMs; never for a blocking call. Until the child exits
 *   or execs, it holds copies of the parent's descriptors: a port the
 *   parent had bound stays held (it cannot be bound again, and an unbind
 *   of it returns only after waiting 2 s for the port to be free), and a
 *   connection the parent closes is not seen closed by its peer.
 * - Peers must speak ZMTP 3 (libzmq >= 4.0, CZMQ, pyzmq, php-zmq, JeroMQ,
 *   NetMQ). Every socket has a ZAP domain set ("zmqsocket"). From the
 *   first zs_auth_* rule or PLAIN/CURVE server on, the library runs a ZAP
 *   handler in its context, which applies the rules to every ZMTP 3 peer
 *   (NULL, PLAIN and CURVE alike; with no rules everyone gets in); before
 *   that none runs and no handshake waits for one. While one runs,
 *   zs_destroy_all stops it before the context terminates (libzmq cannot
 *   answer ZAP then), after waiting, up to each socket's linger (and its
 *   HANDSHAKE_IVL), for the connects whose first attempt is still going
 *   and the connections still in their handshake; zs_socket_destroy waits
 *   the same way for its own socket's, up to 250 ms (libzmq does not
 *   finish a handshake that needs ZAP once the socket is closed). So a
 *   process that sends and exits at once delivers what it sent. A
 *   handshake that outlives the wait fails, and the messages queued for
 *   it are lost. The domain makes libzmq refuse ZMTP 1.0 and 2.0 peers
 *   (libzmq 2.x and 3.x), on every socket: libzmq cannot authenticate them
 *   (their handshake has no mechanism and skips ZAP), so letting them in
 *   would bypass the rules, and without it libzmq takes any byte stream
 *   whose first byte is not 0xff for a ZMTP 1.0 peer, so a port scanner's
 *   or an HTTP client's bytes would be delivered as messages.
 * - A bind on "*" (zs_bind_to_port's default) listens on every interface
 *   and is reachable from the network; zs_set_bind_interface or
 *   ZMQSOCKET_BIND_INTERFACE=127.0.0.1 keeps ports on loopback.
 */



typedef struct zs_frame zs_frame;
typedef struct zs_message zs_message;
typedef struct zs_recv_args zs_recv_args;
typedef struct zs_drain_stats zs_drain_stats;
typedef struct zs_event zs_event;
typedef struct zs_proxy_stats zs_proxy_stats;

/**
 * Result codes. Functions that can fail return `int32_t`: `>= 0` is
 * success, `< 0` is one of these.
 */
enum zs_result {
  /**
   * Success.
   */
  ZS_OK = 0,
  /**
   * NULL where not allowed, port out of range, bad length, HWM < -1,
   * timeout < -2, linger < -1, string not UTF-8.
   */
  ZS_ERR_INVALID_ARGUMENT = -1,
  /**
   * 0, a handle never issued, or one already destroyed.
   */
  ZS_ERR_BAD_HANDLE = -2,
  /**
   * Type number or name not in `zs_socket_type`.
   */
  ZS_ERR_UNKNOWN_SOCKET_TYPE = -3,
  /**
   * Host id not in the host table and not an IP literal.
   */
  ZS_ERR_UNKNOWN_HOST = -4,
  /**
   * Send or receive did not complete within the timeout.
   */
  ZS_ERR_TIMED_OUT = -5,
  /**
   * Non-blocking call could not complete now.
   */
  ZS_ERR_WOULD_BLOCK = -6,
  /**
   * Unbind from a port this socket is not bound to.
   */
  ZS_ERR_NOT_BOUND = -7,
  /**
   * Disconnect from a host/port this socket is not connected to.
   */
  ZS_ERR_NOT_CONNECTED = -8,
  /**
   * Connect to a host/port (or endpoint) this socket is already connected to.
   */
  ZS_ERR_ALREADY_CONNECTED = -9,
  /**
   * The port is taken (by this socket or anything else).
   */
  ZS_ERR_ADDRESS_IN_USE = -10,
  /**
   * The socket type cannot do this (send on PULL, subscribe on PUSH...).
   */
  ZS_ERR_NOT_SUPPORTED = -11,
  /**
   * The socket's pattern forbids it now (REQ sending twice, routing id
   * after the first bind or connect...).
   */
  ZS_ERR_WRONG_STATE = -12,
  /**
   * A ROUTER's message names no connected peer.
   */
  ZS_ERR_HOST_UNREACHABLE = -13,
  /**
   * A message to send is above the socket's maximum message size.
   */
  ZS_ERR_MESSAGE_TOO_LARGE = -14,
  /**
   * A file could not be read (host file).
   */
  ZS_ERR_IO = -15,
  /**
   * Any other libzmq error; the last error names it.
   */
  ZS_ERR_ZMQ = -16,
  /**
   * A signal arrived while the call was waiting (libzmq's EINTR):
   * nothing was sent or received; call again to go on waiting.
   */
  ZS_ERR_INTERRUPTED = -17,
  /**
   * A bug: a caught panic or broken invariant.
   */
  ZS_ERR_INTERNAL = -99,
};

#define PAIR (1 << 0)

#define PUB (1 << 1)

#define SUB (1 << 2)

#define REQ (1 << 3)

#define REP (1 << 4)

#define DEALER (1 << 5)

#define ROUTER (1 << 6)

#define PULL (1 << 7)

#define PUSH (1 << 8)

#define XPUB (1 << 9)

#define XSUB (1 << 10)

/**
 * Every type zmqsocket makes.
 */
#define ANY ((1 << 11) - 1)

/**
 * None of them (an option of a type zmqsocket does not make).
 */
#define NONE 0

/**
 * How many calls on a socket [`SocketState::tick`] lets pass between two
 * reads of its monitor's queue.
 */
#define CALLS_PER_MONITOR_READ 1024

/**
 * The seed a direction's PRNG starts from when the rules name none.
 */
#define DEFAULT_SEED 0

/**
 * Socket types, with libzmq's own numbers.
 */
enum zs_socket_type {
  /**
   * Exclusive pair.
   */
  ZS_PAIR = 0,
  /**
   * Publisher.
   */
  ZS_PUB = 1,
  /**
   * Subscriber.
   */
  ZS_SUB = 2,
  /**
   * Request (strict send/receive alternation).
   */
  ZS_REQ = 3,
  /**
   * Reply (strict receive/send alternation).
   */
  ZS_REP = 4,
  /**
   * Dealer (also known as XREQ).
   */
  ZS_DEALER = 5,
  /**
   * Router (also known as XREP); made with ZMQ_ROUTER_MANDATORY.
   */
  ZS_ROUTER = 6,
  /**
   * Pull (also known as UPSTREAM).
   */
  ZS_PULL = 7,
  /**
   * Push (also known as DOWNSTREAM).
   */
  ZS_PUSH = 8,
  /**
   * Extended publisher.
   */
  ZS_XPUB = 9,
  /**
   * Extended subscriber.
   */
  ZS_XSUB = 10,
};

/**
 * Special timeout values (milliseconds otherwise: `> 0` wait at most that
 * long, `0` try once without waiting).
 */
enum zs_timeout {
  /**
   * Wait as long as it takes.
   */
  ZS_TIMEOUT_FOREVER = -1,
  /**
   * Use the library default (5000 ms unless `zs_set_default_timeout`
   * changed it).
   */
  ZS_TIMEOUT_DEFAULT = -2,
};

/**
 * Special high-water-mark values (message counts otherwise: `0` no limit,
 * `> 0` that limit).
 */
enum zs_hwm {
  /**
   * 100 messages, as in Storyplayer.
   */
  ZS_HWM_DEFAULT = -1,
};

/**
 * Flags of `zs_pump` and `zs_drain`.
 */
enum zs_bulk_flags {
  /**
   * Pump: put a 16-byte sequence frame first (stream id, then sequence
   * number, both little-endian u64). Drain: read it and count gaps,
   * duplicates and late messages per stream.
   */
  ZS_SEQUENCED = 1,
  /**
   * Pump and drain: the calling thread runs under SCHED_BATCH for the
   * call (Linux; see zs_pump).
   */
  ZS_SCHED_BATCH = 2,
};

/**
 * What `zs_next_event` reports (`zs_event.kind`): libzmq's ZMQ_EVENT_*
 * numbers, and ZS_EVENT_LOST, which no libzmq event uses.
 */
enum zs_event_kind {
  /**
   * A connect completed at the TCP level; `value` is the descriptor.
   */
  ZS_EVENT_CONNECTED = 1,
  /**
   * A connect did not complete at once and goes on in the background.
   */
  ZS_EVENT_CONNECT_DELAYED = 2,
  /**
   * A connect is retried; `value` is the interval in ms.
   */
  ZS_EVENT_CONNECT_RETRIED = 4,
  /**
   * A bind listens; `value` is the listening descriptor.
   */
  ZS_EVENT_LISTENING = 8,
  /**
   * A bind failed. Never logged: the failed bind call says so itself
   * (libzmq's event would overwrite the errno the call reports).
   */
  ZS_EVENT_BIND_FAILED = 16,
  /**
   * A connection was accepted on a bind; `value` is the descriptor.
   */
  ZS_EVENT_ACCEPTED = 32,
  /**
   * An accept failed; `value` is errno.
   */
  ZS_EVENT_ACCEPT_FAILED = 64,
  /**
   * A descriptor was closed; `value` is the descriptor.
   */
  ZS_EVENT_CLOSED = 128,
  /**
   * A close failed; `value` is errno.
   */
  ZS_EVENT_CLOSE_FAILED = 256,
  /**
   * A session ended (the peer went, or the connection broke); `value`
   * is the descriptor.
   */
  ZS_EVENT_DISCONNECTED = 512,
  /**
   * The socket's monitor stopped.
   */
  ZS_EVENT_MONITOR_STOPPED = 1024,
  /**
   * A ZMTP handshake failed for no reason libzmq names.
   */
  ZS_EVENT_HANDSHAKE_FAILED_NO_DETAIL = 2048,
  /**
   * A ZMTP handshake (and its authentication) succeeded: a live
   * session.
   */
  ZS_EVENT_HANDSHAKE_SUCCEEDED = 4096,
  /**
   * A ZMTP handshake failed on a protocol error; `value` is libzmq's
   * ZMQ_PROTOCOL_ERROR_* code.
   */
  ZS_EVENT_HANDSHAKE_FAILED_PROTOCOL = 8192,
  /**
   * Authentication refused the peer; `value` is the ZAP status code
   * (400: refused, 500: the handler failed).
   */
  ZS_EVENT_HANDSHAKE_FAILED_AUTH = 16384,
  /**
   * Older unread events were dropped (the log keeps the latest 1024);
   * `value` is how many.
   */
  ZS_EVENT_LOST = 16777216,
};

/**
 * What `zs_poll_events` waits for and reports, per socket (bits).
 */
enum zs_poll_flags {
  /**
   * A message can be received now.
   */
  ZS_POLLIN = 1,
  /**
   * A message can be sent now without waiting.
   */
  ZS_POLLOUT = 2,
};

/**
 * The directions of a proxy's traffic, for `zs_proxy_fault`.
 */
enum zs_proxy_direction {
  /**
   * From the client (the front) towards the service.
   */
  ZS_TOWARDS_SERVICE = 1,
  /**
   * From the service back to the client.
   */
  ZS_FROM_SERVICE = 2,
  /**
   * Both.
   */
  ZS_BOTH_WAYS = 3,
};

/**
 * An opaque socket handle: a positive integer below 2^53, never reused
 * within a process. 0 is never a socket.
 */
typedef uint64_t zs_socket;

/**
 * One part of a message: `len` bytes at `data`. `data` may be NULL only
 * when `len` is 0.
 */
struct zs_frame {
  /**
   * The frame's bytes (not NUL-terminated; may contain NUL bytes).
   */
  const void *data;
  /**
   * The number of bytes at `data`.
   */
  size_t len;
};

/**
 * A received message, filled by the `zs_recv*` functions and owned by the
 * caller until `zs_message_free`. The frames point into the library's
 * buffers and stay valid until then.
 */
struct zs_message {
  /**
   * `count` frames; NULL when `count` is 0.
   */
  struct zs_frame *frames;
  /**
   * The number of frames.
   */
  size_t count;
  /**
   * The library's bookkeeping; do not touch.
   */
  void *owner;
};

/**
 * The arguments of `zs_recv_packed`: `zs_recv_into`'s, in one struct, so
 * that a binding whose every foreign argument costs (PHP FFI) makes the
 * call with one. The caller fills the first four fields
 * (and may keep the struct for the next call); the library writes only
 * `overflow`, and only for a frame longer than `cap`.
 */
struct zs_recv_args {
  /**
   * The socket to receive from.
   */
  zs_socket socket;
  /**
   * As zs_recv's `timeout_ms`.
   */
  int32_t timeout_ms;
  /**
   * The caller's buffer of `cap` bytes (NULL only when `cap` is 0).
   */
  void *buf;
  /**
   * The size of `buf`.
   */
  size_t cap;
  /**
   * A frame longer than `cap`, handed over whole (free it with
   * zs_message_free); left alone otherwise.
   */
  struct zs_message overflow;
};

/**
 * What `zs_drain` saw.
 */
struct zs_drain_stats {
  /**
   * Messages received.
   */
  uint64_t messages;
  /**
   * Frames received, sequence frames excluded.
   */
  uint64_t frames;
  /**
   * Payload bytes, sequence frames excluded.
   */
  uint64_t bytes;
  /**
   * Distinct sequenced streams seen.
   */
  uint64_t senders;
  /**
   * Sequenced messages missing (skipped, and not arrived late in this
   * call).
   */
  uint64_t gaps;
  /**
   * Sequenced messages seen twice.
   */
  uint64_t duplicates;
  /**
   * Sequenced messages that came late (after a later one of their
   * stream).
   */
  uint64_t out_of_order;
  /**
   * Nanoseconds from the first message received to the last.
   */
  uint64_t elapsed_ns;
};

/**
 * One connection event of a socket (`zs_next_event`).
 */
struct zs_event {
  /**
   * A `zs_event_kind`.
   */
  int32_t kind;
  /**
   * As libzmq gives it: a descriptor, errno, a retry interval, a status
   * code; for ZS_EVENT_LOST how many events were dropped.
   */
  int32_t value;
  /**
   * When the library read the event from libzmq: CLOCK_MONOTONIC, in
   * microseconds.
   */
  uint64_t time_us;
  /**
   * The endpoint the event is about, NUL-terminated, cut to fit ("" for
   * ZS_EVENT_LOST).
   */
  char endpoint[256];
};

/**
 * What a proxy did (`zs_proxy_stats_get`): index 0 counts messages
 * towards the service, index 1 messages back from it.
 */
struct zs_proxy_stats {
  /**
   * Messages sent on (each copy of a duplicated message counts).
   */
  uint64_t forwarded[2];
  /**
   * Messages dropped by a rule, or refused for good by the other side
   * (a reply to a client that has gone).
   */
  uint64_t dropped[2];
  /**
   * Messages sent twice by `duplicate`.
   */
  uint64_t duplicated[2];
  /**
   * Messages given a delay above zero by `delay`.
   */
  uint64_t delayed[2];
  /**
   * Messages with a byte flipped by `corrupt`.
   */
  uint64_t corrupted[2];
};

/* ---- 3. Results ---- */

/**
 * Static English text for a result code; never NULL. Unknown codes give
 * "unknown error code".
 */
const char *zs_strerror(int32_t code);

/**
 * The code of the calling thread's last failing call; 0 before any
 * failure. A successful call leaves it unchanged (errno's rule).
 */
int32_t zs_last_error_code(void);

/**
 * The text of the calling thread's last failing call, naming the
 * function, the argument or endpoint, and libzmq's reason (e.g.
 * "zs_bind_endpoint: tcp://127.0.0.1:5000: Address already in use"); "" before any
 * failure. Never NULL. Valid until the thread's next failing call.
 */
const char *zs_last_error(void);

/* ---- 5. The library ---- */

/**
 * The library's version: "zmqsocket X.Y.Z (libzmq A.B.C, CURVE)"; the
 * ", CURVE" says libzmq was built with CURVE (always, in this build).
 * Static text, never NULL.
 */
const char *zs_version(void);

/**
 * Set what ZS_TIMEOUT_DEFAULT means for later calls, in ms (`-1` =
 * forever, `0` = try once, `> 0` ms; the initial default is 5000 ms).
 * Returns ZS_OK, or ZS_ERR_INVALID_ARGUMENT for a value below -1.
 */
int32_t zs_set_default_timeout(int32_t timeout_ms);

/**
 * The number of sockets alive now (made and not yet destroyed);
 * proxies (zs_proxy_new) count too, as zs_destroy_all destroys them.
 */
int32_t zs_socket_count(void);

/**
 * Destroy every socket, then wait until their unsent messages have left
 * or their lingers have run out (1000 ms unless zs_set_linger changed
 * them), so that nothing that could have been delivered is lost. Returns
 * how many sockets (and proxies) were destroyed. New sockets can be made afterwards.
 * Calls blocked on the destroyed sockets in other threads return
 * ZS_ERR_BAD_HANDLE. Bindings call this when their host process shuts
 * down.
 */
int32_t zs_destroy_all(void);

/**
 * The socket type named `name`, case-insensitive: "PAIR", "PUB", "SUB",
 * "REQ", "REP", "DEALER" (or "XREQ"), "ROUTER" (or "XREP"), "PULL" (or
 * "UPSTREAM"), "PUSH" (or "DOWNSTREAM"), "XPUB", "XSUB". Returns the type
 * (>= 0), ZS_ERR_UNKNOWN_SOCKET_TYPE, or ZS_ERR_INVALID_ARGUMENT for NULL
 * or non-UTF-8.
 */
int32_t zs_socket_type_from_name(const char *name);

/* ---- 6. The host table ---- */

/**
 * Add or replace a host in the process-wide host table. `host_id` is a
 * non-empty UTF-8 string without whitespace ("web1", "zmq_target");
 * `address` is a non-empty IP literal or DNS name without whitespace
 * (resolved by libzmq at connect time; brackets around an IPv6 literal are
 * optional). "localhost" starts as 127.0.0.1 and can be replaced.
 * Returns ZS_OK or ZS_ERR_INVALID_ARGUMENT.
 */
int32_t zs_host_set(const char *host_id, const char *address);

/**
 * Remove a host from the host table. Returns ZS_OK, or
 * ZS_ERR_UNKNOWN_HOST if it is not there.
 */
int32_t zs_host_remove(const char *host_id);

/**
 * Load a host file into the host table: one `host_id address` per line,
 * blank lines and `#` comments ignored; later lines replace earlier ones.
 * All or nothing: a malformed line loads nothing, returns
 * ZS_ERR_INVALID_ARGUMENT and the last error names `path:line`. A file
 * that cannot be read is ZS_ERR_IO. Returns the number of entries loaded.
 *
 * If the environment variable ZMQSOCKET_HOSTS names a file, it is loaded
 * the first time the host table is used (by any host function or
 * connect); if that load fails, that call fails with its error and does
 * nothing else, and the file is not tried again.
 */
int32_t zs_hosts_load(const char *path);

/**
 * Write the address that `host_id` resolves to (the host table first,
 * then the id itself if it is an IPv4 or IPv6 literal) into `buf`, by
 * snprintf's rules: at most `cap` bytes, NUL-terminated when `cap > 0`;
 * returns the full length (without the NUL), so a caller can size the
 * buffer and call again. `buf` may be NULL when `cap` is 0.
 * ZS_ERR_UNKNOWN_HOST if the id resolves to nothing.
 */
int32_t zs_host_address(const char *host_id, char *buf, size_t cap);

/* ---- 7. Sockets ---- */

/**
 * Make a socket of `type` (a zs_socket_type) and write its handle to
 * `*out`. Every socket is dual-stack (ZMQ_IPV6), lingers 1000 ms, has
 * both HWMs at 100; ROUTERs have ZMQ_ROUTER_MANDATORY. `*out` is written
 * only on success. Returns ZS_OK, ZS_ERR_UNKNOWN_SOCKET_TYPE,
 * ZS_ERR_INVALID_ARGUMENT (NULL `out`) or ZS_ERR_ZMQ (e.g. too many
 * sockets).
 */
int32_t zs_socket_new(int32_t type, zs_socket *out);

/**
 * Make a socket of `type` bound to `port` (0 = an ephemeral port) as
 * zs_bind_to_port does, and write its handle to `*out`. Returns the bound
 * port. On failure no socket is left behind and `*out` is untouched.
 */
int32_t zs_socket_new_bound(int32_t type,
                            int32_t port,
                            int32_t send_hwm,
                            int32_t recv_hwm,
                            zs_socket *out);

/**
 * Make a socket of `type` connected to `host_id`'s `port` as
 * zs_connect_to_host does, and write its handle to `*out`. Returns ZS_OK.
 * On failure no socket is left behind and `*out` is untouched.
 */
int32_t zs_socket_new_connected(int32_t type,
                                const char *host_id,
                                int32_t port,
                                int32_t send_hwm,
                                int32_t recv_hwm,
                                zs_socket *out);

/**
 * Close the socket and retire its handle at once: later use of the
 * handle is ZS_ERR_BAD_HANDLE (handles are never reused). A call blocked
 * on this socket in another thread, even with ZS_TIMEOUT_FOREVER, is
 * interrupted and returns ZS_ERR_BAD_HANDLE; the destroy returns within a
 * fraction of a second. Unsent messages go on trying to leave in the
 * background for up to the socket's linger (1000 ms by default), and
 * libzmq releases its ports in the background too: to bind a port again
 * at once, zs_unbind_from_port (or zs_close) it before destroying.
 * While a ZAP handler runs (see the conventions above), a socket with a
 * connection still in its handshake is closed once the handshake ends, or
 * after 250 ms at most: libzmq would not finish it after the close.
 * Destroying twice gives ZS_ERR_BAD_HANDLE.
 */
int32_t zs_socket_destroy(zs_socket s);

/**
 * The socket's type (a zs_socket_type, >= 0), or ZS_ERR_BAD_HANDLE
 * (ZS_ERR_NOT_SUPPORTED for a proxy's handle).
 */
int32_t zs_socket_type(zs_socket s);

/**
 * Set how long, in ms, the socket's unsent messages may go on trying to
 * leave after it is destroyed (-1 = forever, 0 = drop them). The default
 * is 1000 ms, not libzmq's forever. ZS_ERR_INVALID_ARGUMENT below -1.
 */
int32_t zs_set_linger(zs_socket s, int32_t linger_ms);

/**
 * Set the socket's maximum message size in bytes (-1 = no limit, the
 * default). It applies to binds and connects made after it is set: a peer
 * that sends a larger message is disconnected by libzmq and the message
 * is never delivered. The socket also refuses to send a message whose
 * frames add up to more (ZS_ERR_MESSAGE_TOO_LARGE). libzmq applies its
 * limit to the ZMTP handshake too, so the limit it enforces on incoming
 * messages is never below 512 bytes (a smaller one would stop every
 * connection); the refusal to send uses the exact value.
 */
int32_t zs_set_max_message_size(zs_socket s, int64_t bytes);

/**
 * Set the socket's routing id (ZMQ_ROUTING_ID): 1 to 255 bytes, not
 * starting with a zero byte (reserved by libzmq). It must be set before
 * the socket's first bind or connect; after that it is
 * ZS_ERR_WRONG_STATE.
 */
int32_t zs_set_routing_id(zs_socket s, const void *id, size_t len);

/**
 * Subscribe a SUB or XSUB socket to messages starting with `prefix`
 * (`len` 0, `prefix` may then be NULL: every message). Other types give
 * ZS_ERR_NOT_SUPPORTED.
 */
int32_t zs_subscribe(zs_socket s, const void *prefix, size_t len);

/**
 * Cancel one earlier zs_subscribe with the same prefix (SUB and XSUB
 * only, else ZS_ERR_NOT_SUPPORTED).
 */
int32_t zs_unsubscribe(zs_socket s, const void *prefix, size_t len);

/* ---- 8. Attaching ---- */

/**
 * Bind `tcp://<bind interface>:port` (the interface is `*` by default:
 * every address, IPv4 and IPv6, reachable from the network; see
 * zs_set_bind_interface). Both HWMs are set before binding (-1 = 100,
 * 0 = no limit); since libzmq 4.2 a socket's HWMs apply to all its pipes,
 * so the latest values set on a socket win for all its endpoints. Port 0
 * binds an ephemeral port. Returns the bound port. A port this socket or
 * anything else already holds is ZS_ERR_ADDRESS_IN_USE.
 */
int32_t zs_bind_to_port(zs_socket s, int32_t port, int32_t send_hwm, int32_t recv_hwm);

/**
 * Unbind from `port` (1..65535) by the endpoint libzmq resolved at bind
 * time. When it returns, the port can be bound again at once (it waits,
 * at most 2 s, until libzmq has really closed the listener).
 * ZS_ERR_NOT_BOUND if this socket is not bound to it.
 */
int32_t zs_unbind_from_port(zs_socket s, int32_t port);

/**
 * Unbind from every port. ZS_OK with nothing bound.
 */
int32_t zs_unbind_from_all_ports(zs_socket s);

/**
 * Resolve `host_id` through the host table (an unknown id is
 * ZS_ERR_UNKNOWN_HOST and changes nothing), set both HWMs, then connect
 * `tcp://address:port` (`tcp://[address]:port` for IPv6). ZeroMQ connects
 * lazily: success means the connect was accepted, not that a peer is
 * there; messages sent meanwhile wait (up to the HWM) and leave once it
 * is. Connecting again to the same host id and port, or to the same
 * endpoint through another id, is ZS_ERR_ALREADY_CONNECTED; connecting
 * to an endpoint this socket is bound to under the same string is
 * ZS_ERR_ADDRESS_IN_USE (see zs_bind_endpoint).
 */
int32_t zs_connect_to_host(zs_socket s,
                           const char *host_id,
                           int32_t port,
                           int32_t send_hwm,
                           int32_t recv_hwm);

/**
 * Disconnect from `host_id`'s `port`, by the endpoint recorded at connect
 * time (even if the host table changed since). ZS_ERR_NOT_CONNECTED if
 * this socket is not connected there.
 */
int32_t zs_disconnect_from_host(zs_socket s, const char *host_id, int32_t port);

/**
 * Disconnect from every host. ZS_OK with nothing connected.
 */
int32_t zs_disconnect_from_all_hosts(zs_socket s);

/**
 * zs_unbind_from_all_ports, then zs_disconnect_from_all_hosts. The
 * socket stays usable (bind or connect it again); destroy it with
 * zs_socket_destroy.
 */
int32_t zs_close(zs_socket s);

/* ---- 9. Sending ---- */

/**
 * Send one single-part message of `len` bytes (`data` may be NULL when
 * `len` is 0). Waits at most `timeout_ms` for room to queue it (see
 * zs_timeout; 0 = try once); then ZS_ERR_TIMED_OUT. Other failures:
 * ZS_ERR_NOT_SUPPORTED (e.g. a PULL), ZS_ERR_WRONG_STATE (e.g. a REQ
 * sending twice), ZS_ERR_HOST_UNREACHABLE, ZS_ERR_MESSAGE_TOO_LARGE.
 */
int32_t zs_send(zs_socket s, const void *data, size_t len, int32_t timeout_ms);

/**
 * Send a multi-part message of `count` frames (at least 1; an empty
 * frame is allowed anywhere). The message is atomic: the peer gets all
 * its frames or none. Timeout and failures as zs_send. A ROUTER's first
 * frame is the peer's routing id.
 */
int32_t zs_send_multi(zs_socket s, const struct zs_frame *frames, size_t count, int32_t timeout_ms);

/**
 * Send a single-part message without waiting. Returns true when it was
 * queued, false otherwise; the reason (ZS_ERR_WOULD_BLOCK when there is
 * no room now, ZS_ERR_BAD_HANDLE...) is the thread's last error.
 */
bool zs_send_nonblocking(zs_socket s, const void *data, size_t len);

/**
 * Send a multi-part message without waiting; true when it was queued
 * (whole), false otherwise with the reason as the thread's last error.
 */
bool zs_send_multi_nonblocking(zs_socket s, const struct zs_frame *frames, size_t count);

/* ---- 10. Receiving ---- */

/**
 * Receive one frame (as libzmq and php-zmq do: the next call gets the
 * next frame of a multi-part message) into `*out`, a single-frame
 * message. Waits at most `timeout_ms`; then ZS_ERR_TIMED_OUT. `*out` is
 * overwritten, never read (free what it held first); on failure it is
 * set to {NULL, 0, NULL}. Free it with zs_message_free.
 */
int32_t zs_recv(zs_socket s, int32_t timeout_ms, struct zs_message *out);

/**
 * Receive one frame, as zs_recv does, straight into the caller's buffer
 * `buf` of `cap` bytes: one call instead of zs_recv, reading the frame and
 * zs_message_free, for bindings whose every foreign call is costly (PHP
 * FFI, ctypes). Returns the frame's length (>= 0) or a zs_result code.
 * A frame of at most `cap` bytes is copied to `buf`, and `*overflow` is
 * left alone. A longer frame is neither truncated nor lost: it is handed
 * over in `*overflow` as a single-frame message (read it, then
 * zs_message_free it), and the return value is its length, greater than
 * `cap`. `buf` may be NULL only when `cap` is 0; `overflow` must not be
 * NULL. On failure nothing is written to `buf` or `*overflow`.
 */
int64_t zs_recv_into(zs_socket s,
                     int32_t timeout_ms,
                     void *buf,
                     size_t cap,
                     struct zs_message *overflow);

/**
 * zs_recv_into with its arguments in one struct (see zs_recv_args): one
 * argument instead of five, for bindings that pay per argument. Returns
 * what zs_recv_into returns, and writes `args->overflow` as it writes
 * `*overflow`; nothing else in `*args` is written. `args` must not be
 * NULL; `args->buf` may be NULL only when `args->cap` is 0.
 */
int64_t zs_recv_packed(struct zs_recv_args *args);

/**
 * Receive every frame of the next message into `*out`. As zs_recv
 * otherwise.
 */
int32_t zs_recv_multi(zs_socket s, int32_t timeout_ms, struct zs_message *out);

/**
 * Receive one frame without waiting: ZS_ERR_WOULD_BLOCK when there is
 * nothing to take now. As zs_recv otherwise.
 */
int32_t zs_recv_nonblocking(zs_socket s, struct zs_message *out);

/**
 * Receive a whole message without waiting: ZS_ERR_WOULD_BLOCK when there
 * is nothing to take now. As zs_recv_multi otherwise.
 */
int32_t zs_recv_multi_nonblocking(zs_socket s, struct zs_message *out);

/**
 * Release the frames a received message holds and zero the struct. NULL
 * and an already-freed (zeroed) message are fine. Freeing a copy of a
 * message struct that was already freed through another copy is
 * undefined, as with free().
 */
void zs_message_free(struct zs_message *msg);

/* ---- 11. Asking ---- */

/**
 * True if this socket is bound to `port` and has not unbound since.
 * False otherwise, and also for a bad handle or port (the thread's last
 * error then says which).
 */
bool zs_is_bound_to_port(zs_socket s, int32_t port);

/**
 * True if this socket is connected (asked to connect: ZeroMQ connects
 * lazily) to `host_id`'s `port` and has not disconnected since. False
 * otherwise, and also for a bad argument (the thread's last error then
 * says which).
 */
bool zs_is_connected_to_host(zs_socket s, const char *host_id, int32_t port);

/**
 * Write up to `cap` of the ports this socket is bound to, ascending, into
 * `ports` and return how many there are (which may be more than `cap`).
 * `ports` may be NULL when `cap` is 0.
 */
int32_t zs_bound_ports(zs_socket s, int32_t *ports, size_t cap);

/**
 * Write the socket's attachments into `buf`, one line each ending in
 * "\n": "bind <endpoint>" for each bind (the endpoint libzmq resolved,
 * e.g. "tcp://[::]:5000"), then "connect <host_id>:<port> <endpoint>" for
 * each connect, each in the order they were made. snprintf's rules: at
 * most `cap` bytes, NUL-terminated when `cap > 0`; returns the full
 * length (without the NUL). "" when nothing is attached.
 */
int32_t zs_endpoints(zs_socket s, char *buf, size_t cap);

/* ---- 13. Bulk traffic ---- */

/**
 * Send the message of `count` frames `repeat` (>= 0) times, in a native
 * loop, and return how many were sent. `timeout_ms` applies to each
 * message: one that cannot be queued in time ends the pump early, which
 * returns the count sent so far and sets the thread's last error (a
 * negative code is returned only when nothing was sent). `flags` is 0 or
 * ZS_SEQUENCED: each message then gets an extra first frame of 16 bytes,
 * the socket's random 64-bit stream id and a sequence number counting
 * from 0 per socket across calls (both little-endian). Destroying the
 * socket from another thread ends a pump at once.
 *
 * With ZS_SCHED_BATCH in `flags` (Linux, sched(7)), the calling thread
 * runs under SCHED_BATCH for the call, if it runs under plain SCHED_OTHER
 * (not with SCHED_RESET_ON_FORK), and is put back to SCHED_OTHER before
 * the call returns, unless its policy was changed by someone else in the
 * meantime. Its nice value is kept; libzmq's I/O threads are not
 * touched. When libzmq's I/O thread wakes the loop's thread (a message
 * arrived, or the queue has room), a batch thread does not preempt it on
 * their shared core: the I/O thread goes on and moves more messages
 * before the loop runs again. That is for throughput on a busy machine
 * (figures: docs/performance.md), at the cost of a later wake-up and
 * four more system calls per call (one for a thread it leaves alone). A
 * thread under another policy is left alone, and a change the kernel
 * refuses (a seccomp filter, gVisor) is ignored: the call then runs as
 * it is. Without the flag, nothing is changed.
 */
int64_t zs_pump(zs_socket s,
                const struct zs_frame *frames,
                size_t count,
                int64_t repeat,
                uint32_t flags,
                int32_t timeout_ms);

/**
 * Receive until `expected` messages have arrived (-1: no limit) or none
 * arrives for `timeout_ms`, in a native loop. Returns ZS_OK when
 * `expected` was reached, ZS_ERR_TIMED_OUT otherwise, and fills `*out`
 * either way (on an argument error it is zeroed). With ZS_SEQUENCED it
 * reads each message's sequence frame (see zs_pump; a message whose first
 * frame is not 16 bytes followed by more counts as unsequenced) and
 * counts gaps, duplicates and late messages per stream; the socket
 * remembers each stream's progress across calls, a new stream starting at
 * 0. Destroying the socket from another thread ends a drain at once.
 * ZS_SCHED_BATCH in `flags` runs the calling thread under SCHED_BATCH
 * for the call, as for zs_pump.
 */
int32_t zs_drain(zs_socket s,
                 int64_t expected,
                 uint32_t flags,
                 int32_t timeout_ms,
                 struct zs_drain_stats *out);

/* ---- 14. Connection state and polling ---- */

/**
 * Wait until the ZMTP handshake with `host_id`'s `port` (connected with
 * zs_connect_to_host) has completed: ZS_OK at once if it already has,
 * ZS_ERR_TIMED_OUT if it does not within `timeout_ms`,
 * ZS_ERR_NOT_CONNECTED if the socket never asked to connect there. Use it
 * after subscribing and connecting a SUB so that nothing published
 * afterwards is missed (the slow joiner), or to know a peer is really
 * there. For SUB and XSUB it returns no sooner than 20 ms after the
 * handshake, the time the subscriptions need to reach the publisher and
 * be applied there; subscribe before waiting. Connection state
 * comes from libzmq's socket monitor, started at a socket's first bind or
 * connect; a send or receive pays for it only at every 1024th call on
 * the socket (see zs_next_event).
 */
int32_t zs_wait_connected(zs_socket s, const char *host_id, int32_t port, int32_t timeout_ms);

/**
 * The number of the socket's live ZMTP sessions, over all its endpoints
 * (bound and connected): sessions whose handshake completed and that have
 * not disconnected since. inproc connections are not ZMTP sessions and
 * are not counted.
 */
int32_t zs_peer_count(zs_socket s);

/**
 * Wait until zs_peer_count is at least `n` (>= 0): ZS_OK, or
 * ZS_ERR_TIMED_OUT when `timeout_ms` passes first.
 */
int32_t zs_wait_peers(zs_socket s, int32_t n, int32_t timeout_ms);

/**
 * Wait until at least one of `count` (>= 1) sockets has a message to
 * receive, or `timeout_ms` passes. Sets `readable[i]` (an array of
 * `count` bools) for each socket that has one, and returns how many do
 * (0 when the timeout passed). A handle may appear more than once. The
 * sockets are held for at most 50 ms at a time, so other threads' calls
 * on them are not shut out.
 */
int32_t zs_poll(const zs_socket *sockets, size_t count, int32_t timeout_ms, bool *readable);

/* ---- 15. Any endpoint, and where binds listen ---- */

/**
 * Bind any libzmq endpoint (`tcp://127.0.0.1:0`, `ipc:///tmp/x.sock`,
 * `inproc://name`), with both HWMs set first as zs_bind_to_port does.
 * Returns the TCP port (the ephemeral one for port 0), or 0 for other
 * transports. Tracked like zs_bind_to_port: listed by zs_endpoints (as
 * libzmq resolved it), counted by zs_bound_ports and zs_is_bound_to_port
 * when it is TCP, and removed by zs_unbind_from_all_ports and zs_close. A
 * malformed endpoint or unknown transport is ZS_ERR_INVALID_ARGUMENT; one
 * already taken is ZS_ERR_ADDRESS_IN_USE, and so is an endpoint this
 * socket is connected to under the same string (libzmq keys binds and
 * connects by that string, so a disconnect would end the bind too). A
 * destroyed socket's inproc names can be bound again at once.
 */
int32_t zs_bind_endpoint(zs_socket s, const char *endpoint, int32_t send_hwm, int32_t recv_hwm);

/**
 * Unbind an endpoint, given as it was bound (e.g. with port 0) or as libzmq
 * resolved it (`tcp://[::]:41234`, as zs_endpoints lists it). A TCP
 * unbind waits, as zs_unbind_from_port does, until the port is free.
 * ZS_ERR_NOT_BOUND if this socket is not bound to it.
 */
int32_t zs_unbind_endpoint(zs_socket s, const char *endpoint);

/**
 * Connect any libzmq endpoint, with both HWMs set first as
 * zs_connect_to_host does (lazily: success means the connect was
 * accepted). Listed by zs_endpoints as "connect <endpoint>", removed by
 * zs_disconnect_from_all_hosts and zs_close. The same endpoint twice (by
 * either form) is ZS_ERR_ALREADY_CONNECTED; an endpoint this socket is
 * bound to under the same string is ZS_ERR_ADDRESS_IN_USE.
 *
 * inproc: as in libzmq, a socket may connect to a name nobody has bound
 * yet; its connection waits, messages queue up to the HWM, and it is made
 * when the name is bound. One socket at a time may wait for a given name:
 * a second socket's connect to the same unbound name is
 * ZS_ERR_WRONG_STATE (bind first, or connect after the bind): a libzmq
 * defect forces this (docs/libzmq-defects.md). A connect that cannot
 * also get the socket that would later release it (out of descriptors)
 * is ZS_ERR_ZMQ.
 */
int32_t zs_connect_endpoint(zs_socket s, const char *endpoint, int32_t send_hwm, int32_t recv_hwm);

/**
 * Disconnect an endpoint, whether it was connected with
 * zs_connect_endpoint or zs_connect_to_host (by the endpoint zs_endpoints
 * lists). ZS_ERR_NOT_CONNECTED if this socket is not connected to it.
 */
int32_t zs_disconnect_endpoint(zs_socket s, const char *endpoint);

/**
 * Set where zs_bind_to_port listens from now on: "*" (the default, as in
 * Storyplayer: every interface, reachable from the network), an IP
 * address such as "127.0.0.1" or "::1", or an interface name such as
 * "lo". The environment variable ZMQSOCKET_BIND_INTERFACE sets the
 * starting value, so a harness on a shared machine can keep every port on
 * loopback without changing its code. Existing binds are not moved.
 */
int32_t zs_set_bind_interface(const char *iface);

/* ---- 18. Socket options ---- */

/**
 * Set an integer socket option by name: libzmq's option name without
 * `ZMQ_` (a leading `ZMQ_` is accepted too), in any case
 * (`"RECONNECT_IVL"`, `"heartbeat_ivl"`). Integer options are those
 * libzmq holds as int, int64 or uint64; binary and string options take
 * zs_set_option_bytes. Options apply as libzmq applies them: most to the
 * binds and connects made afterwards.
 *
 * Returns ZS_OK, or: ZS_ERR_INVALID_ARGUMENT for a NULL or empty `name`,
 * a name not in the list below, a bytes option, a value out of range for
 * the option's type (an int option takes `INT32_MIN..INT32_MAX`, never
 * truncated; a uint64 one takes `>= 0`) or a value libzmq refuses (the
 * last error says which and why); ZS_ERR_NOT_SUPPORTED for an option
 * this socket type does not take (the list names the types of those that
 * not every type takes), a read-only option, SNDTIMEO and RCVTIMEO
 * (timeouts are per call), options of GSSAPI and VMCI (not in this build
 * of libzmq) and BLOCKY (a context option); ZS_ERR_WRONG_STATE for a
 * security mechanism option (PLAIN_*, CURVE_*) after the socket's first
 * bind or connect (SPEC section 19); ZS_ERR_BAD_HANDLE.
 *
 * The options the library owns follow its own rules, so nothing set by
 * name breaks a guarantee:
 * - SNDHWM and RCVHWM follow the HWM rules (-1 = 100, 0 = no limit,
 *   below -1 ZS_ERR_INVALID_ARGUMENT) and apply at once to all the
 *   socket's connections; the HWMs a later bind or connect is given
 *   replace them, as they always do (SPEC section 4).
 * - LINGER is zs_set_linger, MAXMSGSIZE zs_set_max_message_size (reading
 *   gives the library's exact limit), ROUTING_ID zs_set_routing_id,
 *   SUBSCRIBE and UNSUBSCRIBE zs_subscribe and zs_unsubscribe (an XPUB
 *   takes them too, in XPUB_MANUAL mode, as libzmq does).
 * - ROUTER_MANDATORY stays 1 on a ROUTER (SPEC section 7): setting 1 is
 *   ZS_OK, setting 0 ZS_ERR_NOT_SUPPORTED; it reads as 1.
 * - IPV6, ZAP_DOMAIN and USE_FD are read-only: the library makes every
 *   socket dual-stack, gives every socket a ZAP domain so that ZMTP 1.0
 *   and 2.0 peers are refused, and makes each bind's listener itself.
 *
 * Write-only options (libzmq does not report them) can be set, not read.
 * The options, by name (type; r = can be read, w = can be set; the
 * socket types that take it when not all do):
 *
 * - AFFINITY (uint64, rw): bitmap of the I/O threads that serve the connections made afterwards
 * - ROUTING_ID (bytes, rw): as zs_set_routing_id: 1..255 bytes, before the first bind or connect
 * - SUBSCRIBE (bytes, w; SUB, XSUB, XPUB): as zs_subscribe; on an XPUB, a subscription of its own in XPUB_MANUAL mode
 * - UNSUBSCRIBE (bytes, w; SUB, XSUB, XPUB): as zs_unsubscribe; on an XPUB, in XPUB_MANUAL mode
 * - RATE (int, rw): multicast (PGM) data rate, kbit/s
 * - RECOVERY_IVL (int, rw): multicast (PGM) recovery interval, ms
 * - SNDBUF (int, rw): kernel send buffer of new connections, bytes (-1 = the OS default)
 * - RCVBUF (int, rw): kernel receive buffer of new connections, bytes (-1 = the OS default)
 * - RCVMORE (int, r): 1 if the frame zs_recv returned last has more frames after it
 * - FD (int, r): the descriptor that becomes readable when the socket's events change
 * - EVENTS (int, r): 1 if a message can be received now, | 2 if one can be sent
 * - TYPE (int, r): the socket's type (a zs_socket_type)
 * - LINGER (int, rw): as zs_set_linger: ms unsent messages may outlive the socket (-1 = forever)
 * - RECONNECT_IVL (int, rw): ms between attempts to connect or reconnect (-1 = never reconnect)
 * - BACKLOG (int, rw): connections a listener queues before accepting them
 * - RECONNECT_IVL_MAX (int, rw): ms the reconnect interval may double up to (0 = it does not double)
 * - MAXMSGSIZE (int64, rw): as zs_set_max_message_size: largest message, bytes (-1 = no limit)
 * - SNDHWM (int, rw): send HWM, as the send_hwm arguments (-1 = 100, 0 = no limit)
 * - RCVHWM (int, rw): receive HWM, as the recv_hwm arguments (-1 = 100, 0 = no limit)
 * - MULTICAST_HOPS (int, rw): multicast time-to-live, hops
 * - RCVTIMEO (int, refused): timeouts are per call here (the timeout_ms arguments)
 * - SNDTIMEO (int, refused): timeouts are per call here (the timeout_ms arguments)
 * - LAST_ENDPOINT (string, r): the endpoint of the last bind or connect, as libzmq resolved it
 * - ROUTER_MANDATORY (int, rw; ROUTER): always 1 here: a message to no connected peer is ZS_ERR_HOST_UNREACHABLE
 * - TCP_KEEPALIVE (int, rw): SO_KEEPALIVE of new TCP connections: 1 on, 0 off, -1 the OS default
 * - TCP_KEEPALIVE_CNT (int, rw): TCP_KEEPCNT: unanswered probes before the connection drops (-1 = OS default)
 * - TCP_KEEPALIVE_IDLE (int, rw): TCP_KEEPIDLE: idle seconds before the first probe (-1 = OS default)
 * - TCP_KEEPALIVE_INTVL (int, rw): TCP_KEEPINTVL: seconds between probes (-1 = OS default)
 * - TCP_ACCEPT_FILTER (string, w): an address (IPv4/IPv6, optionally /mask) a TCP listener accepts connections from; set more than once to add more, "" clears the list (bind afterwards)
 * - IMMEDIATE (int, rw): 1: queue messages only on completed connections (no peer: a send waits)
 * - XPUB_VERBOSE (int, w; XPUB): 1: pass on every subscription, duplicates too
 * - ROUTER_RAW (int, w; ROUTER): 1: raw TCP peers, no ZMTP (each message: peer id frame, data frame)
 * - IPV6 (int, r): 1: the library makes every socket dual-stack (SPEC section 8)
 * - MECHANISM (int, r): the security mechanism: 0 NULL, 1 PLAIN, 2 CURVE, 3 GSSAPI
 * - PLAIN_SERVER (int, rw): 1: be a PLAIN server
 * - PLAIN_USERNAME (string, rw): PLAIN client user name
 * - PLAIN_PASSWORD (string, rw): PLAIN client password
 * - CURVE_SERVER (int, rw): 1: be a CURVE server (with CURVE_SECRETKEY)
 * - CURVE_PUBLICKEY (Z85 key, rw): a CURVE client's own public key
 * - CURVE_SECRETKEY (Z85 key, rw): the socket's own CURVE secret key
 * - CURVE_SERVERKEY (Z85 key, rw): the CURVE server's public key, for a client
 * - PROBE_ROUTER (int, w; ROUTER, DEALER, REQ): 1: send an empty message to each new connection's peer
 * - REQ_CORRELATE (int, w; REQ): 1: tag each request and drop replies to earlier ones
 * - REQ_RELAXED (int, w; REQ): 1: a REQ may send again before the reply came (use with REQ_CORRELATE)
 * - CONFLATE (int, rw; PUSH, PULL, PUB, SUB, DEALER): 1: keep only the latest message of connections made afterwards (single-part only)
 * - ZAP_DOMAIN (string, r): set by the library on every socket: it refuses ZMTP 1.0 and 2.0 peers
 * - ROUTER_HANDOVER (int, w; ROUTER): 1: a new peer with a routing id in use takes it over
 * - TOS (int, rw): IP type-of-service byte of new connections' packets
 * - CONNECT_ROUTING_ID (bytes, w; ROUTER): the routing id this ROUTER gives the peer of its next connect (1..255 bytes)
 * - GSSAPI_SERVER (int, refused): not in this build of libzmq (no GSSAPI)
 * - GSSAPI_PRINCIPAL (string, refused): not in this build of libzmq (no GSSAPI)
 * - GSSAPI_SERVICE_PRINCIPAL (string, refused): not in this build of libzmq (no GSSAPI)
 * - GSSAPI_PLAINTEXT (int, refused): not in this build of libzmq (no GSSAPI)
 * - HANDSHAKE_IVL (int, rw): ms a ZMTP handshake may take before the connection drops (0 = no limit)
 * - SOCKS_PROXY (string, rw): host:port of a SOCKS5 proxy for TCP connects made afterwards ("" = none)
 * - XPUB_NODROP (int, w; PUB, XPUB): 1: a send to a subscriber at its HWM fails (ZS_ERR_TIMED_OUT) instead of dropping
 * - BLOCKY (int, refused): a context option, not a socket one (the library owns the context)
 * - XPUB_MANUAL (int, w; XPUB): 1: the XPUB's own SUBSCRIBE/UNSUBSCRIBE decide what each subscriber gets
 * - XPUB_WELCOME_MSG (bytes, w; XPUB): a message sent to each new subscriber (empty: none)
 * - STREAM_NOTIFY (int, w): STREAM sockets only, which zmqsocket does not make
 * - INVERT_MATCHING (int, rw; PUB, SUB, XPUB, XSUB): 1: deliver the messages that match no subscription
 * - HEARTBEAT_IVL (int, rw): ms between ZMTP PINGs on connections made afterwards (0 = none)
 * - HEARTBEAT_TTL (int, rw): ms the peer may wait for traffic before dropping us (0..6553500, in steps of 100)
 * - HEARTBEAT_TIMEOUT (int, rw): ms without traffic after a PING before the connection drops (0 = HEARTBEAT_IVL)
 * - XPUB_VERBOSER (int, w; XPUB): 1: pass on every subscription and unsubscription, duplicates too
 * - CONNECT_TIMEOUT (int, rw): ms a TCP connect may take before it is retried (0 = the OS's limit)
 * - TCP_MAXRT (int, rw): ms data may stay unacknowledged before the connection drops (0 = OS default)
 * - THREAD_SAFE (int, r): 1 for libzmq's thread-safe socket types (none of these)
 * - MULTICAST_MAXTPDU (int, rw): largest multicast transport data unit, bytes
 * - VMCI_BUFFER_SIZE (uint64, refused): not in this build of libzmq (no VMCI)
 * - VMCI_BUFFER_MIN_SIZE (uint64, refused): not in this build of libzmq (no VMCI)
 * - VMCI_BUFFER_MAX_SIZE (uint64, refused): not in this build of libzmq (no VMCI)
 * - VMCI_CONNECT_TIMEOUT (int, refused): not in this build of libzmq (no VMCI)
 * - USE_FD (int, r): -1: every bind makes its own listener (the library tracks and unbinds it)
 * - GSSAPI_PRINCIPAL_NAMETYPE (int, refused): not in this build of libzmq (no GSSAPI)
 * - GSSAPI_SERVICE_PRINCIPAL_NAMETYPE (int, refused): not in this build of libzmq (no GSSAPI)
 * - BINDTODEVICE (string, rw): network interface new connections and listeners use (SO_BINDTODEVICE; needs CAP_NET_RAW)
 */
int32_t zs_set_option(zs_socket s, const char *name, int64_t value);

/**
 * Read an integer socket option by name into `*out` (see zs_set_option
 * for the names and rules). `*out` is written only on success. Returns
 * ZS_OK, or: ZS_ERR_INVALID_ARGUMENT for a NULL `name` or `out`, an
 * empty or unknown name, or a bytes option; ZS_ERR_NOT_SUPPORTED for an
 * option this socket type does not take, a write-only option, SNDTIMEO
 * and RCVTIMEO, and the options this build of libzmq lacks;
 * ZS_ERR_BAD_HANDLE. SNDHWM, RCVHWM and MAXMSGSIZE read what the library
 * holds (the HWMs set last; the exact maximum message size, which libzmq
 * holds at 512 bytes or more).
 */
int32_t zs_get_option(zs_socket s, const char *name, int64_t *out);

/**
 * Set a binary or string socket option by name to the `len` bytes at
 * `value` (`value` may be NULL when `len` is 0; a string has no NUL in
 * it and needs none at its end). See zs_set_option for the names and
 * rules; a CURVE key is 40 characters of Z85 text or 32 raw bytes.
 * Returns ZS_OK, or: ZS_ERR_INVALID_ARGUMENT for a NULL or empty `name`,
 * an unknown name, an integer option, a NULL `value` with `len > 0`, a
 * string holding a NUL byte, or a value libzmq refuses;
 * ZS_ERR_NOT_SUPPORTED and ZS_ERR_WRONG_STATE as zs_set_option;
 * ZS_ERR_BAD_HANDLE.
 */
int32_t zs_set_option_bytes(zs_socket s, const char *name, const void *value, size_t len);

/**
 * Read a binary or string socket option by name into `buf` by
 * `snprintf`'s rules: at most `cap` bytes are written; a string (and a
 * CURVE key, read as 40 characters of Z85 text) gets a NUL within them
 * when `cap > 0`, binary data none. Returns the value's full length
 * (without the NUL), so a caller can size the buffer and call again;
 * `buf` may be NULL when `cap` is 0, to ask for the length. Errors as
 * zs_get_option, and ZS_ERR_INVALID_ARGUMENT for a NULL `buf` with
 * `cap > 0` or an integer option.
 */
int32_t zs_get_option_bytes(zs_socket s, const char *name, void *buf, size_t cap);

/* ---- 19. Security ---- */

/**
 * Make a new CURVE keypair: writes 40 characters of Z85 and a NUL (41
 * bytes) to each of `public_z85` and `secret_z85`. Returns ZS_OK.
 */
int32_t zs_curve_keypair(char *public_z85, char *secret_z85);

/**
 * Write the public key of the CURVE secret key `secret_z85` (40
 * characters of Z85) to `public_z85` (41 bytes, NUL-terminated). A
 * malformed key is ZS_ERR_INVALID_ARGUMENT.
 */
int32_t zs_curve_public(const char *secret_z85, char *public_z85);

/**
 * Encode `len` bytes (a multiple of 4) as Z85 text into `buf` (snprintf
 * rules: at most `cap` bytes with the NUL; `buf` may be NULL when `cap`
 * is 0). Returns the text's full length, `len / 4 * 5`.
 */
int32_t zs_z85_encode(const void *data, size_t len, char *buf, size_t cap);

/**
 * Decode Z85 `text` (its length a multiple of 5) into `buf`, writing at
 * most `cap` bytes (`buf` may be NULL when `cap` is 0). Returns how many
 * bytes it decodes to, `strlen(text) / 5 * 4`. Text that is not Z85 is
 * ZS_ERR_INVALID_ARGUMENT, and nothing is written.
 */
int32_t zs_z85_decode(const char *text, void *buf, size_t cap);

/**
 * Make the socket a CURVE server with secret key `secret_z85`: its peers
 * must be CURVE clients that know the matching public key, and get in as
 * zs_auth_curve_allow says. Before the socket's first bind or connect
 * only (ZS_ERR_WRONG_STATE after it); a malformed key is
 * ZS_ERR_INVALID_ARGUMENT.
 */
int32_t zs_set_curve_server(zs_socket s, const char *secret_z85);

/**
 * Make the socket a CURVE client of the server whose public key is
 * `server_public_z85`, with its own keypair. A server with another key
 * never completes the handshake: nothing is delivered either way. Before
 * the socket's first bind or connect only (ZS_ERR_WRONG_STATE after it);
 * a malformed key is ZS_ERR_INVALID_ARGUMENT.
 */
int32_t zs_set_curve_client(zs_socket s,
                            const char *server_public_z85,
                            const char *public_z85,
                            const char *secret_z85);

/**
 * Make the socket a PLAIN server: its peers must be PLAIN clients, and
 * get in as zs_auth_plain_user says. Before the socket's first bind or
 * connect only (ZS_ERR_WRONG_STATE after it).
 */
int32_t zs_set_plain_server(zs_socket s);

/**
 * Make the socket a PLAIN client with this user name (1..255 bytes) and
 * password (0..255 bytes), sent in clear text. Before the socket's first
 * bind or connect only (ZS_ERR_WRONG_STATE after it).
 */
int32_t zs_set_plain_client(zs_socket s, const char *username, const char *password);

/**
 * From now on only peers from `address` (an IPv4 or IPv6 address, or a
 * CIDR range such as "10.0.0.0/8") and other allowed addresses get in,
 * on every socket of the process, for connections made from now on. An
 * IPv4 peer of a dual-stack bind matches IPv4 rules.
 */
int32_t zs_auth_allow(const char *address);

/**
 * Refuse peers from `address` (an address or CIDR range), unless some
 * address is allowed: then only the allowed ones count. A refused peer
 * never delivers a message and never counts in zs_peer_count; its
 * socket's event log has ZS_EVENT_HANDSHAKE_FAILED_AUTH (value 400).
 */
int32_t zs_auth_deny(const char *address);

/**
 * Admit CURVE clients with this public key ("*": any valid key) to the
 * process's CURVE servers. Until the first key is allowed, a CURVE
 * server admits any client that completes the handshake, as libzmq
 * does; from then on, only allowed keys. A client's User-Id property
 * is its Z85 public key.
 */
int32_t zs_auth_curve_allow(const char *client_public_z85);

/**
 * Add (or replace) a user of the process's PLAIN servers. Until the first
 * user is added, a PLAIN server admits any user name and password, as
 * libzmq does; from then on, only users with their password. A client's
 * User-Id property is its user name.
 */
int32_t zs_auth_plain_user(const char *username, const char *password);

/**
 * Forget every authentication rule: everyone gets in again (for new
 * connections). Returns ZS_OK.
 */
int32_t zs_auth_reset(void);

/* ---- 20. Events and message properties ---- */

/**
 * Take the socket's oldest unread connection event into `*out`, waiting
 * up to `timeout_ms` for one. Returns ZS_OK, or ZS_ERR_TIMED_OUT when
 * none arrives in time (also for a timeout of 0). A socket logs every
 * libzmq monitor event but BIND_FAILED from its first bind or connect (before it there
 * are none); the log keeps the latest 1024 unread, and when older ones
 * were dropped the next event read is ZS_EVENT_LOST with how many.
 * Reading the log does not change what zs_peer_count and the waits
 * report. Events wait, unread, inside the library until a call on the
 * socket reads them: this one, zs_peer_count, the waits, a bind,
 * connect, unbind or disconnect, and every 1024th call of any kind on
 * the socket (sends and receives included), so that unread events of a
 * socket nobody asks about never pile up beyond the log.
 */
int32_t zs_next_event(zs_socket s, int32_t timeout_ms, struct zs_event *out);

/**
 * Read the metadata property `name` of a received message into `buf`
 * (snprintf rules: at most `cap` bytes with the NUL; `buf` may be NULL
 * when `cap` is 0) and return its full length. Names are libzmq's,
 * case-sensitive: "Peer-Address" (an IPv4 peer's is its IPv4 text, also
 * on a dual-stack socket), "Socket-Type", "Routing-Id", "User-Id" (set
 * by authentication: a PLAIN user name, a CURVE client's Z85 public
 * key), and the peer's ZMTP properties. A property the message does not
 * have (every property of a message received over inproc) is
 * ZS_ERR_INVALID_ARGUMENT, as are a NULL or freed `msg`.
 */
int32_t zs_message_property(const struct zs_message *msg, const char *name, char *buf, size_t cap);

/* ---- 21. Polling for both directions ---- */

/**
 * Wait until at least one of `count` (>= 1) sockets is ready for what
 * `want[i]` asks (ZS_POLLIN: a message to receive; ZS_POLLOUT: a message
 * can be sent now; both; or 0, nothing), or `timeout_ms` passes. Writes
 * `ready[i]` (what of `want[i]` holds; 0 otherwise) and returns how many
 * entries are ready (0 when the timeout passed). A handle may appear more
 * than once. Other bits in `want` are ZS_ERR_INVALID_ARGUMENT. The
 * sockets are held for at most 50 ms at a time, as in zs_poll.
 */
int32_t zs_poll_events(const zs_socket *sockets,
                       const int16_t *want,
                       size_t count,
                       int32_t timeout_ms,
                       int16_t *ready);

/* ---- 22. Proxy with fault injection ---- */

/**
 * Start a proxy between clients of `client_type` and a service, and
 * write its handle to `*out` (only on success). The proxy binds `front`
 * (any endpoint zs_bind_endpoint takes; TCP port 0 picks a free port),
 * connects to `service` (as zs_connect_endpoint does), and forwards whole
 * messages between them in a library thread. Returns the front's TCP
 * port, or 0 for other transports.
 *
 * `client_type` is the type of the sockets that connect to `front`:
 * ZS_PUSH (the proxy's front is a PULL, its service side a PUSH),
 * ZS_PULL (PUSH / PULL), ZS_REQ or ZS_DEALER (ROUTER / DEALER: the
 * service is a REP, ROUTER or DEALER), ZS_SUB (XPUB / XSUB: the service
 * is a PUB or XPUB; subscriptions pass through, and no rule applies to
 * them). The proxy's own sockets have HWMs of 1000, libzmq's default.
 *
 * With no rules the proxy loses nothing and keeps order; when the other
 * side has no room it stops reading, so HWMs push back on the sender. A
 * proxy's handle comes from the socket table and is never reused:
 * zs_socket_destroy and zs_destroy_all destroy it (dropping what it
 * holds: delayed, paused or held-back messages), zs_socket_count counts
 * it. Given to a socket function (zs_send, zs_bind_to_port...) it is
 * ZS_ERR_NOT_SUPPORTED. In a forked child an inherited proxy is
 * ZS_ERR_BAD_HANDLE (its thread is not there).
 *
 * Returns ZS_ERR_UNKNOWN_SOCKET_TYPE for a number that is no socket
 * type, ZS_ERR_NOT_SUPPORTED for another type, ZS_ERR_INVALID_ARGUMENT
 * for NULL, empty or malformed endpoints or NULL `out`, and the errors
 * of zs_bind_endpoint (e.g. ZS_ERR_ADDRESS_IN_USE, the last error then
 * saying "front") and zs_connect_endpoint ("service").
 */
int32_t zs_proxy_new(int32_t client_type, const char *front, const char *service, zs_socket *out);

/**
 * Replace the fault rules of `direction` (ZS_TOWARDS_SERVICE,
 * ZS_FROM_SERVICE or ZS_BOTH_WAYS; each direction keeps its own rules,
 * counters and PRNG). `rules` is `;`-separated, whitespace-tolerant,
 * case-insensitive; "" clears the direction's rules:
 *
 * - `drop P%`: drop each message with chance P (0 to 100, decimals
 *   allowed); `drop every N`: drop messages N, 2N... counted from now;
 *   `drop next N`: drop the next N messages.
 * - `delay D` or `delay D1..D2` (uniform in the range), with a unit:
 *   `us`, `ms` or `s` (up to 1 hour). Messages keep their order: one
 *   never leaves before an earlier one, so a short delay after a long
 *   one waits for it.
 * - `duplicate P%`: send the message twice in a row.
 * - `corrupt P%`: flip (XOR 0xFF) one byte, chosen at random, of the
 *   message's last frame; a message whose last frame is empty passes
 *   unchanged and is not counted as corrupted.
 * - `reorder P%`: hold the message back and send it right after the next
 *   one of its direction (one message is held at a time; a held one
 *   waits at most 500 ms for a next, then leaves).
 * - `pause`: hold everything (no message is read or sent in that
 *   direction, so HWMs push back on the sender) until the rules change;
 *   then the held messages go, in order, under the new rules.
 * - `seed N`: the PRNG's seed (default 0). Random rules give the same
 *   decisions for the same seed, rules and messages.
 *
 * Each rule at most once. Rules apply in the order drop, corrupt,
 * duplicate, delay, reorder. A message read after this returns is under
 * the new rules; messages already delayed keep their release times, and
 * one held back by `reorder` is released. Multi-part messages are always
 * handled whole.
 *
 * Returns ZS_OK; ZS_ERR_INVALID_ARGUMENT for a `direction` outside 1..3,
 * NULL or non-UTF-8 `rules`, or a malformed or repeated rule (the last
 * error names it; the rules in force stay); ZS_ERR_BAD_HANDLE;
 * ZS_ERR_NOT_SUPPORTED for a socket's handle.
 */
int32_t zs_proxy_fault(zs_socket proxy, int32_t direction, const char *rules);

/**
 * Cut the network between the proxy's sides: every connection of its
 * front and its service side ends now (the front is unbound, the service
 * disconnected), and new ones are refused for `ms` milliseconds (>= 0);
 * then the proxy binds the same front endpoint (the same port) and
 * connects again, and clients reconnect as libzmq does. A cut during a
 * cut ends at the later of the two ends. If the front's port was taken
 * meanwhile, the bind is tried again every 100 ms. Messages the proxy
 * holds stay queued; those in libzmq's queues of the ended connections
 * are lost, as in a real cut. libzmq keeps inproc connections to an
 * unbound endpoint, so an inproc front's clients stay connected. Returns
 * once the connections are cut: ZS_OK, ZS_ERR_INVALID_ARGUMENT for
 * `ms` < 0, ZS_ERR_BAD_HANDLE, ZS_ERR_NOT_SUPPORTED for a socket's
 * handle.
 */
int32_t zs_proxy_cut(zs_socket proxy, int32_t ms);

/**
 * Write the proxy's counts since it started to `*out`: index 0 of each
 * array counts messages towards the service, index 1 messages back from
 * it. `forwarded` counts messages sent on (each copy of a duplicate;
 * subscriptions of a SUB client too), `dropped` those dropped by a rule
 * or refused for good by the other side (e.g. a reply to a client that
 * has gone), `duplicated`, `delayed` (given a delay above 0) and
 * `corrupted` those the rules changed. Returns ZS_OK,
 * ZS_ERR_INVALID_ARGUMENT for NULL `out`, ZS_ERR_BAD_HANDLE,
 * ZS_ERR_NOT_SUPPORTED for a socket's handle.
 */
int32_t zs_proxy_stats_get(zs_socket proxy, struct zs_proxy_stats *out);
