package org.mgtm.check.pcap;

import java.io.IOException;

/** The file is not a capture this reader understands, or its structure is broken: nothing can be audited. */
public final class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public CaptureFormatException(String message) {
        super(message);
    }
}
