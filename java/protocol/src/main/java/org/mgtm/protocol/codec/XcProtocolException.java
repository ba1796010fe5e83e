package org.mgtm.protocol.codec;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The byte stream of a connection can no longer be framed (bad frame type, impossible length, missing
 * startup, unparseable answer). Once a decoder has thrown this it swallows all further input of the
 * channel; the owning handler is expected to close the connection.
 */
public final class XcProtocolException extends CorruptedFrameException {

    public XcProtocolException(String message) {
        super(message);
    }
}
