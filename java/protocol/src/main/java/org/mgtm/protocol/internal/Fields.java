package org.mgtm.protocol.internal;

import java.nio.charset.StandardCharsets;

/** Checks shared by the message records and the codecs. */
final class Fields {

    /** Longest string a BE16 length prefix can describe. */
    static final int MAX_STR16 = 0xFFFF;

    private Fields() {
    }

    /** The UTF-8 bytes of {@code s}, refused when null or longer than {@code max} bytes. */
    static byte[] utf8(String s, int max, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is required (use \"\" for none)");
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > max) {
            throw new IllegalArgumentException(what + " is " + b.length + " bytes, at most " + max + " allowed");
        }
        return b;
    }

    /** A Raft term: never negative. */
    static long term(long term) {
        if (term < 0) {
            throw new IllegalArgumentException("negative term " + term);
        }
        return term;
    }
}
