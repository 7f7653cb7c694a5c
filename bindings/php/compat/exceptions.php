<?php

// php-zmq's exception classes, with its hierarchy: ZMQException extends
// Exception; the four per-class ones extend it and are final. Codes are
// errno values (ZMQ::ERR_*) or ZMQ::ERR_INTERNAL (-99). Loaded by
// bootstrap.php only when the zmq extension is not.

class ZMQException extends Exception
{
}

final class ZMQContextException extends ZMQException
{
}

final class ZMQSocketException extends ZMQException
{
}

final class ZMQPollException extends ZMQException
{
}

final class ZMQDeviceException extends ZMQException
{
}
