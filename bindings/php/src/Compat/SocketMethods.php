<?php

declare(strict_types=1);

namespace ZmqSocket\Compat;

/**
 * The parent of the php-zmq layer's ZMQSocket: send() and recv(), php-zmq's
 * per-message methods, through FFI. The zmqsocket_native extension defines
 * a class of this name with the same two methods as internal methods (see
 * bindings/php/ext/zmqsocket_native.c); then this file declares nothing.
 *
 * The fast path is a single string frame with mode 0 (and, for send, no
 * SNDMORE frames held); everything else is ZMQSocket's zmqsocketSend() and
 * zmqsocketRecv(), as in the extension's class.
 * (Declared only if the extension has not: a preload script that
 * includes every file of the package must not meet it twice.)
 *
 * @internal for the php-zmq layer (bindings/php/compat)
 */
if (!\class_exists(SocketMethods::class, false)) {
    abstract class SocketMethods
    {
        protected SharedSocket $zmqsocketShared;

        /** Send a frame; $this, or false when it could not be queued in time (EAGAIN). */
        public function send($message, $mode = 0)
        {
            $s = $this->zmqsocketShared;
            if ($mode === 0 && !$s->pending && \is_string($message)) {
                $rc = $s->ffi->zs_send($s->handle, $message, \strlen($message), $s->sndtimeo);
                return $rc >= 0 ? $this : $this->zmqsocketSendFailed($rc);
            }
            return $this->zmqsocketSend($message, $mode);
        }

        /** Receive a frame; false when none came in time (EAGAIN). */
        public function recv($mode = 0)
        {
            if ($mode !== 0) {
                return $this->zmqsocketRecv($mode);
            }
            $s = $this->zmqsocketShared;
            $t = $s->rcvtimeo;
            if ($t !== $s->rxTimeout) {
                $s->rx->timeout_ms = $t;
                $s->rxTimeout = $t;
            }
            $n = $s->ffi->zs_recv_packed($s->rxPtr);
            if ($n > 0) {
                return $n <= SharedSocket::RECV_BUF_SIZE ? \FFI::string($s->rxBuf, $n) : $s->takeOverflow($n);
            }
            return $n === 0 ? '' : $this->zmqsocketRecvFailed($n);
        }

        /** send() of anything but a single string frame with mode 0. */
        abstract protected function zmqsocketSend($message, $mode);

        /** recv() with a mode other than 0. */
        abstract protected function zmqsocketRecv($mode);

        /** What send() returns when zs_send returned $rc (< 0). */
        abstract protected function zmqsocketSendFailed(int $rc);

        /** What recv() returns when the receive returned $rc (< 0). */
        abstract protected function zmqsocketRecvFailed(int $rc);
    }
}
