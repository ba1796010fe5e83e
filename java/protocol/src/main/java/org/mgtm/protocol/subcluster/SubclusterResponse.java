package org.mgtm.protocol.subcluster;

import org.mgtm.protocol.Response;

/** The answers to {@link SubclusterRequest}s that XC answers cannot express. */
public sealed interface SubclusterResponse extends Response.Extension {

    /** The G-GTM granted GXIDs {@code first .. last} (unsigned, normal, first <= last) for request {@code requestId}. */
    record RangeGrant(long requestId, int first, int last) implements SubclusterResponse {
        /** How many GXIDs the range holds. */
        public long size() {
            return Integer.toUnsignedLong(last) - Integer.toUnsignedLong(first) + 1;
        }
    }

    /** The decision that holds for a cross-sub-cluster transaction. */
    record Decision(int gxid, boolean commit) implements SubclusterResponse {
    }

    /** The transaction is registered in this sub-cluster. */
    record Registered(int gxid) implements SubclusterResponse {
    }

    /**
     * A sub-cluster request that cannot be served now.
     *
     * @param reason  {@link #TOO_OLD} or {@link #NO_LEASE}
     * @param horizon the sub-cluster's horizon: GXIDs that become active here must follow or equal it
     * @param message what happened, for people
     */
    record Refused(int reason, int horizon, String message) implements SubclusterResponse {
        /**
         * The GXID precedes the horizon: snapshots answered here already treat it as finished, so it may never
         * become active here. The transaction must end and start again above {@code horizon}.
         */
        public static final int TOO_OLD = 1;
        /**
         * The group holds no leased GXID above the one asked for; its leader is fetching a range above it from
         * the G-GTM. Try again shortly.
         */
        public static final int NO_LEASE = 2;

        public boolean retryable() {
            return reason == NO_LEASE;
        }
    }
}
