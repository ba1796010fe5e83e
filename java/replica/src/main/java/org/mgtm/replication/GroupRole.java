package org.mgtm.replication;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.mgtm.core.CoreLimits;
import org.mgtm.protocol.subcluster.SubclusterNames;
import org.mgtm.protocol.subcluster.SubclusterRequest;

/**
 * What a replica group is (docs/subclusters.md): a plain GTM group, a GTM group in sub-cluster mode (its GXIDs
 * leased from a G-GTM), or the G-GTM itself. All three run on the same raft machinery and internal protocol;
 * the role picks the state machine, whether XC clients are served, and the leader's extra duties.
 *
 * @param type       which of the three
 * @param subcluster the sub-cluster mode's settings (null unless {@link Type#SUBCLUSTER})
 */
public record GroupRole(Type type, SubclusterSettings subcluster) {
    public enum Type { PLAIN, SUBCLUSTER, GGTM }

    public static final GroupRole PLAIN = new GroupRole(Type.PLAIN, null);
    public static final GroupRole GGTM = new GroupRole(Type.GGTM, null);

    public GroupRole {
        Objects.requireNonNull(type, "type");
        if ((type == Type.SUBCLUSTER) != (subcluster != null)) {
            throw new IllegalArgumentException("sub-cluster settings go with the sub-cluster role only");
        }
    }

    public static GroupRole subcluster(SubclusterSettings settings) {
        return new GroupRole(Type.SUBCLUSTER, settings);
    }

    /** The state machine of this role. */
    ReplicatedCore.Kind kind(CoreLimits limits) {
        return switch (type) {
            case PLAIN -> ReplicatedCore.gtm(limits);
            case SUBCLUSTER -> ReplicatedCore.subcluster(limits, subcluster.name());
            case GGTM -> ReplicatedCore.global(limits);
        };
    }

    /** The G-GTM serves no XC client: it has no transactions. */
    boolean servesXc() {
        return type != Type.GGTM;
    }

    /**
     * Sub-cluster mode's settings ({@code subcluster}, {@code ggtm}, ... in mgtm.conf).
     *
     * @param name              the sub-cluster's name
     * @param ggtm              the G-GTM members' internal-protocol addresses
     * @param ggtmSecret        the G-GTM's shared secret
     * @param rangeSize         GXIDs asked for per range
     * @param lowWater          the leader asks for the next range when fewer leased GXIDs than this are left
     * @param resolveAfterMillis a prepared cross-sub-cluster transaction left alone this long is resolved through
     *                          the G-GTM's decision (its coordinator is taken for gone)
     * @param startGxid         the group's start GXID (0: none): its first range starts at or above it
     * @param ggtmTls           TLS client context for the G-GTM's internal port (its internal_tls), or null: plaintext
     */
    public record SubclusterSettings(String name, List<InetSocketAddress> ggtm, String ggtmSecret, int rangeSize,
                                     int lowWater, long resolveAfterMillis, int startGxid, SslContext ggtmTls) {
        /** Plaintext to the G-GTM. */
        public SubclusterSettings(String name, List<InetSocketAddress> ggtm, String ggtmSecret, int rangeSize,
                                  int lowWater, long resolveAfterMillis, int startGxid) {
            this(name, ggtm, ggtmSecret, rangeSize, lowWater, resolveAfterMillis, startGxid, null);
        }

        public SubclusterSettings {
            SubclusterNames.check(name);
            ggtm = List.copyOf(ggtm);
            Objects.requireNonNull(ggtmSecret, "ggtmSecret");
            if (ggtm.isEmpty()) {
                throw new IllegalArgumentException("sub-cluster mode needs the G-GTM's addresses (setting ggtm)");
            }
            if (rangeSize < 1 || rangeSize > SubclusterRequest.MAX_RANGE_SIZE) {
                throw new IllegalArgumentException("range_size must be 1 .. " + SubclusterRequest.MAX_RANGE_SIZE);
            }
            if (lowWater < 1) {
                throw new IllegalArgumentException("range_low_water must be at least 1");
            }
            if (resolveAfterMillis < 1) {
                throw new IllegalArgumentException("resolve_after_ms must be positive");
            }
        }
    }
}
