package org.mgtm.replication;

import org.mgtm.core.CoreLimits;
import org.mgtm.net.ClientAllowlist;
import org.mgtm.net.TlsConfig;
import org.mgtm.protocol.WireFormat;
import org.mgtm.replication.engine.RaftSettings;

/**
 * One replica's settings beyond the raft group's.
 *
 * @param raft               the raft group: this member, the static members, log directory, timings, secret
 * @param clientPort         the XC-facing port (backends, gtm_proxy workers), on this member's host
 * @param internalPort       the internal-protocol port (mgtm_proxy, mgtm-ctl), on this member's host
 * @param startGxid          the lowest GXID to hand out (like gtm -x); 0 = none; never moves the counter back
 * @param wireFormat         XC host byte order and frame limit
 * @param limits             state machine limits (the same on every replica)
 * @param ioThreads          network threads
 * @param maxConnections     client connections at once
 * @param allowlist          client addresses admitted on the client ports
 * @param sessionTimeoutMillis a session with no connection for this long is expired through the log
 * @param appendTimeoutMillis  a request not committed (a read: not confirmed) by then is answered with an error
 * @param maxInFlight        batches outstanding at once (a log append, or a leadership check for reads)
 * @param metricsPort        Prometheus metrics over HTTP on this member's host; 0 = none
 * @param internalTls        TLS of the internal port (mutual, the group CA), or null: plaintext
 * @param maxSessions        client sessions of the internal protocol the group holds at most; a new one beyond is
 *                           refused at its handshake
 */
public record ReplicaConfig(RaftSettings raft, int clientPort, int internalPort, int startGxid, WireFormat wireFormat,
                            CoreLimits limits, int ioThreads, int maxConnections, ClientAllowlist allowlist,
                            long sessionTimeoutMillis, long appendTimeoutMillis, int maxInFlight, int metricsPort,
                            TlsConfig internalTls, int maxSessions) {
    public static final int DEFAULT_MAX_SESSIONS = 1024;

    /** Without a metrics endpoint and without TLS on the internal port. */
    public ReplicaConfig(RaftSettings raft, int clientPort, int internalPort, int startGxid, WireFormat wireFormat,
                         CoreLimits limits, int ioThreads, int maxConnections, ClientAllowlist allowlist,
                         long sessionTimeoutMillis, long appendTimeoutMillis, int maxInFlight) {
        this(raft, clientPort, internalPort, startGxid, wireFormat, limits, ioThreads, maxConnections, allowlist,
                sessionTimeoutMillis, appendTimeoutMillis, maxInFlight, 0, null, DEFAULT_MAX_SESSIONS);
    }

    public String host() {
        return raft.self().host();
    }
}
