package org.mgtm.protocol.codec;

/**
 * An XC request or response body handed to {@link XcBodies} could not be decoded (unknown type,
 * truncated or trailing bytes, bad count). No stack trace: callers turn it into their own protocol
 * error and the trace would only show the decoder.
 */
public final class XcBodyException extends RuntimeException {

    public XcBodyException(String message) {
        super(message, null, false, false);
    }
}
