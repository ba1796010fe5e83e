package org.mgtm.protocol;

/**
 * How a request names a transaction: by GXID ({@code isgxid} byte non-zero, what backends always
 * send) or by the handle TXN_BEGIN returned.
 */
public record TxnRef(boolean isGxid, int id) {
    public static TxnRef gxid(int gxid) {
        return new TxnRef(true, gxid);
    }

    public static TxnRef handle(int handle) {
        return new TxnRef(false, handle);
    }

    @Override
    public String toString() {
        return (isGxid ? "gxid:" : "handle:") + Integer.toUnsignedString(id);
    }
}
