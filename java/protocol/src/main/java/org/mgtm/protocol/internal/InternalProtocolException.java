package org.mgtm.protocol.internal;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The internal byte stream broke the protocol: impossible length, unknown kind, a message out of
 * order or a malformed payload. The peer is our own software, so there is no error answer: the
 * decoder throws this once, drops every later byte of the channel, and the handler logs the message
 * (the reason) and closes that connection.
 */
public final class InternalProtocolException extends CorruptedFrameException {

    public InternalProtocolException(String message) {
        super(message);
    }

    /** Expected on bad input and possibly frequent; the reason says everything a trace would. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
