package org.mgtm.replication;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of one replica of a raft group: who it is, who the static members are, where its log lives, and the
 * failure-detection and catch-up timings. Immutable; build with {@link #builder()} or {@link #fromMap(Map)}.
 *
 * <p>Keys understood by {@link #fromMap(Map)} (the {@code mgtm.conf} names, all optional except the first three):
 * <pre>
 * raft.id            = mgtm1
 * raft.members       = mgtm1@127.0.0.11:7800,mgtm2@127.0.0.12:7800,mgtm3@127.0.0.13:7800
 * raft.data_dir      = /var/lib/mgtm
 * raft.cluster       = mgtm
 * raft.fsync         = true
 * raft.max_log_size  = 4194304          (bytes appended between snapshots)
 * raft.resend_interval_ms   = 500       (engine's idle resend / heartbeat of commit index)
 * raft.catchup              = true      (CatchUpRaft; false: SafeFollowerRaft without the catch-up fix)
 * raft.catchup_interval_ms  = 50
 * raft.catchup_max_bytes    = 1048576
 * raft.fd_timeout_ms        = 600       (FD_ALL3)
 * raft.fd_interval_ms       = 100       (FD_ALL3)
 * raft.verify_suspect_ms    = 100       (VERIFY_SUSPECT2)
 * raft.fd_sock              = true      (FD_SOCK2: immediate detection of a crashed process)
 * raft.fd_sock_offset       = 100       (FD_SOCK2 port = raft port + offset)
 * raft.vote_timeout_ms      = 300       (ELECTION)
 * raft.join_timeout_ms      = 1000      (GMS)
 * raft.secret               =           (shared secret: enables AUTH with SharedSecretToken)
 * </pre>
 */
public final class RaftSettings {

    /** One static member of the group: its raft id and the TCP address of its replication port. */
    public record Member(String id, String host, int port) {
        public Member {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(host, "host");
            if (id.isBlank() || id.contains(",") || id.contains("@"))
                throw new IllegalArgumentException("bad member id: '" + id + "'");
            if (port <= 0 || port > 65535)
                throw new IllegalArgumentException("bad port for " + id + ": " + port);
        }

        /** Parses {@code id@host:port}. */
        public static Member parse(String spec) {
            String s = spec.trim();
            int at = s.indexOf('@');
            int colon = s.lastIndexOf(':');
            if (at <= 0 || colon < at)
                throw new IllegalArgumentException("member must be id@host:port, got '" + spec + "'");
            return new Member(s.substring(0, at), s.substring(at + 1, colon),
                    Integer.parseInt(s.substring(colon + 1)));
        }

        @Override public String toString() { return id + "@" + host + ":" + port; }
    }

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

    private RaftSettings(Builder b) {
        this.raftId = Objects.requireNonNull(b.raftId, "raft.id");
        this.members = List.copyOf(b.members);
        this.dataDir = Objects.requireNonNull(b.dataDir, "raft.data_dir");
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
        if (members.isEmpty())
            throw new IllegalArgumentException("raft.members is empty");
        if (members.stream().map(Member::id).distinct().count() != members.size())
            throw new IllegalArgumentException("duplicate member ids in " + members);
        if (members.stream().noneMatch(m -> m.id().equals(raftId)))
            throw new IllegalArgumentException("raft.id " + raftId + " is not in raft.members " + members);
        if (fdIntervalMs <= 0 || fdTimeoutMs < 2 * fdIntervalMs)
            throw new IllegalArgumentException("need raft.fd_timeout_ms >= 2 * raft.fd_interval_ms > 0");
        if (catchUpIntervalMs <= 0 || catchUpMaxBytes < 1024 || maxLogSize < 1024 || resendIntervalMs <= 0)
            throw new IllegalArgumentException("catch-up interval, sizes and resend interval must be positive");
    }

    public static Builder builder() { return new Builder(); }

    /** Reads the {@code raft.*} keys (see the class comment); unknown keys are ignored. */
    public static RaftSettings fromMap(Map<String, String> conf) {
        Builder b = builder();
        String v;
        if ((v = conf.get("raft.id")) != null) b.raftId(v.trim());
        if ((v = conf.get("raft.members")) != null) {
            List<Member> ms = new ArrayList<>();
            for (String part : v.split(","))
                if (!part.isBlank()) ms.add(Member.parse(part));
            b.members(ms);
        }
        if ((v = conf.get("raft.data_dir")) != null) b.dataDir(Path.of(v.trim()));
        if ((v = conf.get("raft.cluster")) != null) b.clusterName(v.trim());
        if ((v = conf.get("raft.fsync")) != null) b.fsync(parseBool("raft.fsync", v));
        if ((v = conf.get("raft.max_log_size")) != null) b.maxLogSize(Long.parseLong(v.trim()));
        if ((v = conf.get("raft.resend_interval_ms")) != null) b.resendIntervalMs(Long.parseLong(v.trim()));
        if ((v = conf.get("raft.catchup")) != null) b.catchUp(parseBool("raft.catchup", v));
        if ((v = conf.get("raft.catchup_interval_ms")) != null) b.catchUpIntervalMs(Long.parseLong(v.trim()));
        if ((v = conf.get("raft.catchup_max_bytes")) != null) b.catchUpMaxBytes(Integer.parseInt(v.trim()));
        if ((v = conf.get("raft.fd_timeout_ms")) != null) b.fdTimeoutMs(Long.parseLong(v.trim()));
        if ((v = conf.get("raft.fd_interval_ms")) != null) b.fdIntervalMs(Long.parseLong(v.trim()));
        if ((v = conf.get("raft.verify_suspect_ms")) != null) b.verifySuspectMs(Long.parseLong(v.trim()));
        if ((v = conf.get("raft.fd_sock")) != null) b.fdSock(parseBool("raft.fd_sock", v));
        if ((v = conf.get("raft.fd_sock_offset")) != null) b.fdSockOffset(Integer.parseInt(v.trim()));
        if ((v = conf.get("raft.vote_timeout_ms")) != null) b.voteTimeoutMs(Long.parseLong(v.trim()));
        if ((v = conf.get("raft.join_timeout_ms")) != null) b.joinTimeoutMs(Long.parseLong(v.trim()));
        if ((v = conf.get("raft.secret")) != null) b.secret(v.trim());
        return b.build();
    }

    private static boolean parseBool(String key, String v) {
        return switch (v.trim().toLowerCase()) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException(key + ": not a boolean: " + v);
        };
    }

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

    @Override public String toString() {
        return "RaftSettings{id=" + raftId + ", members=" + members + ", dataDir=" + dataDir
                + ", fsync=" + fsync + ", catchUp=" + catchUp + ", fd=" + fdIntervalMs + "/" + fdTimeoutMs
                + ", verifySuspect=" + verifySuspectMs + ", fdSock=" + fdSock + ", auth=" + (secret != null) + "}";
    }

    public static final class Builder {
        private String raftId;
        private List<Member> members = List.of();
        private Path dataDir;
        private String clusterName = "mgtm";
        private boolean fsync = true;
        private long maxLogSize = 4L << 20;
        private long resendIntervalMs = 500;
        private boolean catchUp = true;
        private long catchUpIntervalMs = 50;
        private int catchUpMaxBytes = 1 << 20;
        private long fdTimeoutMs = 600;
        private long fdIntervalMs = 100;
        private long verifySuspectMs = 100;
        private boolean fdSock = true;
        private int fdSockOffset = 100;
        private long voteTimeoutMs = 300;
        private long joinTimeoutMs = 1000;
        private String secret;

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
        public RaftSettings build() { return new RaftSettings(this); }
    }
}
