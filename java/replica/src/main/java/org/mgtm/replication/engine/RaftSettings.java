package org.mgtm.replication.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.mgtm.client.Member;
import org.mgtm.net.TlsConfig;

/**
 * Settings of one replica of a raft group: who it is, who the static members are, where its log lives, and the
 * failure-detection and catch-up timings. Immutable; build with {@link #builder()}.
 *
 * <p>The defaults are the constants below, written once: {@code mgtm replica}'s options show them as their
 * defaults, and a builder starts from them. Operators set them by those options (docs/operations.md), never by
 * keys of their own.
 */
public final class RaftSettings {
    public static final boolean FSYNC = true;
    public static final long MAX_LOG_SIZE = 4L << 20;
    /** The engine's idle resend, which also carries the commit index to followers. */
    public static final long RESEND_INTERVAL_MS = 500;
    public static final long CATCH_UP_INTERVAL_MS = 50;
    public static final int CATCH_UP_MAX_BYTES = 1 << 20;
    /** FD_ALL3: a member silent this long is suspected. */
    public static final long FD_TIMEOUT_MS = 600;
    /** FD_ALL3 heartbeat interval. */
    public static final long FD_INTERVAL_MS = 100;
    /** VERIFY_SUSPECT2: time to confirm a suspicion. */
    public static final long VERIFY_SUSPECT_MS = 100;
    /** FD_SOCK2 listens at the raft port + this offset (and the next port). */
    public static final int FD_SOCK_OFFSET = 100;
    /** ELECTION vote round timeout. */
    public static final long VOTE_TIMEOUT_MS = 300;
    /** GMS join timeout. */
    public static final long JOIN_TIMEOUT_MS = 1000;

    private final String raftId;
    private final List<Member> members;
    private final Path dataDir;
    private final String clusterName;
    private final boolean fsync;
    private final long maxLogSize;
    private final long resendIntervalMs;
    private final boolean catchUp;
    private final long catchUpIntervalMs;
    private final int catchUpMaxBytes;
    private final long fdTimeoutMs;
    private final long fdIntervalMs;
    private final long verifySuspectMs;
    private final boolean fdSock;
    private final int fdSockOffset;
    private final long voteTimeoutMs;
    private final long joinTimeoutMs;
    private final String secret;
    private final TlsConfig tls;

    private RaftSettings(Builder b) {
        this.raftId = Objects.requireNonNull(b.raftId, "member id");
        this.members = List.copyOf(b.members);
        this.dataDir = Objects.requireNonNull(b.dataDir, "data dir");
        this.clusterName = b.clusterName;
        this.fsync = b.fsync;
        this.maxLogSize = b.maxLogSize;
        this.resendIntervalMs = b.resendIntervalMs;
        this.catchUp = b.catchUp;
        this.catchUpIntervalMs = b.catchUpIntervalMs;
        this.catchUpMaxBytes = b.catchUpMaxBytes;
        this.fdTimeoutMs = b.fdTimeoutMs;
        this.fdIntervalMs = b.fdIntervalMs;
        this.verifySuspectMs = b.verifySuspectMs;
        this.fdSock = b.fdSock;
        this.fdSockOffset = b.fdSockOffset;
        this.voteTimeoutMs = b.voteTimeoutMs;
        this.joinTimeoutMs = b.joinTimeoutMs;
        this.secret = b.secret == null || b.secret.isEmpty() ? null : b.secret;
        this.tls = b.tls;
        if (members.isEmpty())
            throw new IllegalArgumentException("the member list is empty");
        if (members.stream().map(Member::id).distinct().count() != members.size())
            throw new IllegalArgumentException("duplicate member ids in " + members);
        if (members.stream().noneMatch(m -> m.id().equals(raftId)))
            throw new IllegalArgumentException("member id " + raftId + " is not in the member list " + members);
        if (fdIntervalMs <= 0 || fdTimeoutMs < 2 * fdIntervalMs)
            throw new IllegalArgumentException("need fd_timeout_ms >= 2 * fd_interval_ms > 0");
        if (catchUpIntervalMs <= 0 || catchUpMaxBytes < 1024 || maxLogSize < 1024 || resendIntervalMs <= 0)
            throw new IllegalArgumentException("catch-up interval, sizes and resend interval must be positive");
    }

    public static Builder builder() { return new Builder(); }


    public String raftId() { return raftId; }
    public List<Member> members() { return members; }
    public Member self() { return members.stream().filter(m -> m.id().equals(raftId)).findFirst().orElseThrow(); }
    public List<String> memberIds() { return members.stream().map(Member::id).toList(); }
    public Path dataDir() { return dataDir; }
    public String clusterName() { return clusterName; }
    public boolean fsync() { return fsync; }
    public long maxLogSize() { return maxLogSize; }
    public long resendIntervalMs() { return resendIntervalMs; }
    public boolean catchUp() { return catchUp; }
    public long catchUpIntervalMs() { return catchUpIntervalMs; }
    public int catchUpMaxBytes() { return catchUpMaxBytes; }
    public long fdTimeoutMs() { return fdTimeoutMs; }
    public long fdIntervalMs() { return fdIntervalMs; }
    public long verifySuspectMs() { return verifySuspectMs; }
    public boolean fdSock() { return fdSock; }
    public int fdSockOffset() { return fdSockOffset; }
    public long voteTimeoutMs() { return voteTimeoutMs; }
    public long joinTimeoutMs() { return joinTimeoutMs; }
    /** The shared secret, or null when authentication is off. */
    public String secret() { return secret; }
    /** TLS of the replication channel (mutual, TLS 1.3), or null: plaintext. */
    public TlsConfig tls() { return tls; }

    @Override public String toString() {
        return "RaftSettings{id=" + raftId + ", members=" + members + ", dataDir=" + dataDir
                + ", fsync=" + fsync + ", catchUp=" + catchUp + ", fd=" + fdIntervalMs + "/" + fdTimeoutMs
                + ", verifySuspect=" + verifySuspectMs + ", fdSock=" + fdSock + ", auth=" + (secret != null) + ", tls=" + (tls != null) + "}";
    }

    public static final class Builder {
        private String raftId;
        private List<Member> members = List.of();
        private Path dataDir;
        private String clusterName = "mgtm";
        private boolean fsync = FSYNC;
        private long maxLogSize = MAX_LOG_SIZE;
        private long resendIntervalMs = RESEND_INTERVAL_MS;
        private boolean catchUp = true;
        private long catchUpIntervalMs = CATCH_UP_INTERVAL_MS;
        private int catchUpMaxBytes = CATCH_UP_MAX_BYTES;
        private long fdTimeoutMs = FD_TIMEOUT_MS;
        private long fdIntervalMs = FD_INTERVAL_MS;
        private long verifySuspectMs = VERIFY_SUSPECT_MS;
        private boolean fdSock = true;
        private int fdSockOffset = FD_SOCK_OFFSET;
        private long voteTimeoutMs = VOTE_TIMEOUT_MS;
        private long joinTimeoutMs = JOIN_TIMEOUT_MS;
        private String secret;
        private TlsConfig tls;

        private Builder() {}

        public Builder raftId(String v) { raftId = v; return this; }
        public Builder members(List<Member> v) { members = List.copyOf(v); return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder clusterName(String v) { clusterName = v; return this; }
        public Builder fsync(boolean v) { fsync = v; return this; }
        public Builder maxLogSize(long v) { maxLogSize = v; return this; }
        public Builder resendIntervalMs(long v) { resendIntervalMs = v; return this; }
        public Builder catchUp(boolean v) { catchUp = v; return this; }
        public Builder catchUpIntervalMs(long v) { catchUpIntervalMs = v; return this; }
        public Builder catchUpMaxBytes(int v) { catchUpMaxBytes = v; return this; }
        public Builder fdTimeoutMs(long v) { fdTimeoutMs = v; return this; }
        public Builder fdIntervalMs(long v) { fdIntervalMs = v; return this; }
        public Builder verifySuspectMs(long v) { verifySuspectMs = v; return this; }
        public Builder fdSock(boolean v) { fdSock = v; return this; }
        public Builder fdSockOffset(int v) { fdSockOffset = v; return this; }
        public Builder voteTimeoutMs(long v) { voteTimeoutMs = v; return this; }
        public Builder joinTimeoutMs(long v) { joinTimeoutMs = v; return this; }
        public Builder secret(String v) { secret = v; return this; }
        public Builder tls(TlsConfig v) { tls = v; return this; }
        public RaftSettings build() { return new RaftSettings(this); }
    }
}
