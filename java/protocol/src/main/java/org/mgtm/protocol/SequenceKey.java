package org.mgtm.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A global sequence's key: an exact byte string (backends send {@code db.schema.name}); compared
 * byte for byte, case-sensitive, with no terminator. Immutable.
 */
public final class SequenceKey implements Comparable<SequenceKey> {
    /** Longest key the XC client library accepts in an answer; longer keys are refused at creation. */
    public static final int MAX_LENGTH = 1024;

    private final byte[] bytes;
    private final int hash;

    private SequenceKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Wraps a copy of the given bytes. */
    public static SequenceKey of(byte[] bytes) {
        return new SequenceKey(bytes.clone());
    }

    /** Key from text, encoded as UTF-8 (what PostgreSQL sends for a UTF-8 database). */
    public static SequenceKey of(String text) {
        return new SequenceKey(text.getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the key's bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Writes nothing, returns the internal array for encoders that only read it. */
    public byte[] unsafeBytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceKey k && hash == k.hash && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(SequenceKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
