package org.mgtm.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mgtm.client.InternalConnection;
import org.mgtm.client.LeaderClient;
import org.mgtm.client.LeaderClientSettings;
import org.mgtm.lab.LocalProcess;
import org.mgtm.net.Transport;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.InternalFormat;
import org.mgtm.testing.FreePorts;

/**
 * A replica group of child JVMs ({@code org.mgtm.Main replica}, the test class path) on 127.0.0.11,
 * .12, ... with ports chosen per run and data directories under {@code target/replica-it/}. Each
 * member's output goes to {@code <id>.log} there (log lines carry their time; a line marks each start).
 *
 * <p>Only processes this object started are ever signalled, through their own {@link Process}
 * handles; {@link #close()} (and a shutdown hook, should the test JVM be stopped) SIGKILLs every one
 * still alive.
 */
public final class ReplicaGroupProcess implements AutoCloseable {
    public static final String SECRET = "reptest-secret";
    public static final int START_GXID = 1000;
    private static final int FD_SOCK_OFFSET = 100;

    /** One member: its addresses, and its current process (a restart replaces it). */
    public final class Member {
        public final int index;
        public final String id;
        public final String host;
        public final Path dataDir;
        private volatile LocalProcess process;
        private final List<Long> leaderAtNanos = new CopyOnWriteArrayList<>();

        Member(int index) {
            this.index = index;
            this.id = "mgtm" + (index + 1);
            this.host = "127.0.0." + (11 + index);
            this.dataDir = baseDir.resolve(id);
        }

        public boolean alive() {
            LocalProcess p = process;
            return p != null && p.alive();
        }

        /** The current process's pid. */
        public long pid() {
            return process.pid();
        }

        public InetSocketAddress internalAddress() {
            return new InetSocketAddress(host, internalPort);
        }

        public InetSocketAddress xcAddress() {
            return new InetSocketAddress(host, xcPort);
        }

        /** When the current process printed "I'm running..." (System.nanoTime), or 0. */
        public long runningAtNanos() {
            LocalProcess p = process;
            return p == null ? 0 : p.runningAtNanos();
        }

        /** When it printed "I'm LEADER!!!!" (System.nanoTime), every time, over all its lives. */
        public List<Long> leaderAtNanos() {
            return leaderAtNanos;
        }

        public Path log() {
            return baseDir.resolve(id + ".log");
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private final Path baseDir;
    private final List<Member> members = new ArrayList<>();
    private final int raftPort;
    private final int xcPort;
    private final int internalPort;
    private final List<String> extraArgs;
    private final EventLoopGroup statusGroup = Transport.newGroup(1, "reptest-status");
    private final ObjectMapper json = new ObjectMapper();
    private final Thread killer = new Thread(this::killAll, "reptest-kill-replicas");
    /** TLS of the internal port as this object's clients use it (status, sessions), or null: plaintext. */
    private volatile SslContext clientTls;

    private ReplicaGroupProcess(String name, int size, List<String> extraArgs) throws IOException {
        this.baseDir = Path.of("target", "replica-it", name + "-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(baseDir);
        for (int i = 0; i < size; i++) {
            members.add(new Member(i));
        }
        this.extraArgs = List.copyOf(extraArgs);
        List<String> hosts = members.stream().map(m -> m.host).toList();
        this.raftPort = FreePorts.pick(hosts, FD_SOCK_OFFSET, FD_SOCK_OFFSET + 1);
        int xc;
        int internal;
        do {
            xc = FreePorts.pick(hosts);
            internal = FreePorts.pick(hosts);
        } while (xc == internal || Math.abs(xc - raftPort) <= FD_SOCK_OFFSET + 1
                || Math.abs(internal - raftPort) <= FD_SOCK_OFFSET + 1);
        this.xcPort = xc;
        this.internalPort = internal;
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts a group of {@code size} replicas, waits until each is running, one is leader and every member
     * is in its view ({@link #awaitFormed}).
     *
     * @param extraArgs more {@code mgtm replica} options for every member
     */
    public static ReplicaGroupProcess start(String name, int size, String... extraArgs) throws Exception {
        return start(name, size, null, extraArgs);
    }

    /** As above; {@code clientTls}: the replicas run {@code --internal-tls}, and this object's clients use it. */
    public static ReplicaGroupProcess start(String name, int size, SslContext clientTls, String... extraArgs)
            throws Exception {
        ReplicaGroupProcess group = new ReplicaGroupProcess(name, size, Arrays.asList(extraArgs));
        group.clientTls = clientTls;
        try {
            for (int i = 0; i < size; i++) {
                group.launch(i);
            }
            for (int i = 0; i < size; i++) {
                group.awaitRunning(i, 60_000);
            }
            group.awaitLeader(30_000);
            group.awaitFormed(60_000);
            return group;
        } catch (Exception | Error e) {
            group.close();
            throw e;
        }
    }

    public Member member(int i) {
        return members.get(i);
    }

    /** The index of the member with this id (mgtm1 = 0, ...). */
    public int indexOf(String id) {
        for (Member m : members) {
            if (m.id.equals(id)) {
                return m.index;
            }
        }
        throw new IllegalArgumentException("no member " + id);
    }

    public List<Member> members() {
        return members;
    }

    public Path baseDir() {
        return baseDir;
    }

    public int raftPort() {
        return raftPort;
    }

    /** The FD_SOCK2 ports a member listens on (raft port + offset, and the next one). */
    public List<Integer> fdSockPorts() {
        return List.of(raftPort + FD_SOCK_OFFSET, raftPort + FD_SOCK_OFFSET + 1);
    }

    public List<InetSocketAddress> internalAddresses() {
        return members.stream().map(Member::internalAddress).toList();
    }

    /** A session with the whole group. */
    public LeaderClient leaderClient(EventLoopGroup group, long deadlineMillis, String name) {
        return LeaderClient.start(group, LeaderClientSettings.of(internalAddresses(), SECRET)
                .withRequestDeadlineMillis(deadlineMillis).withClientName(name).withTls(clientTls));
    }

    private String membersSpec() {
        return members.stream().map(m -> m.id + "@" + m.host + ":" + raftPort).collect(Collectors.joining(","));
    }

    /** Starts member {@code i}'s process (again, after a kill or stop) with the one local launcher; does not wait. */
    public synchronized void launch(int i) throws IOException {
        Member m = members.get(i);
        if (m.alive()) {
            throw new IllegalStateException(m.id + " is running");
        }
        if (m.process == null) {
            List<String> args = new ArrayList<>(List.of("replica", "--member-id", m.id, "--members", membersSpec(),
                    "-p", Integer.toString(xcPort), "--internal-port", Integer.toString(internalPort),
                    "-D", m.dataDir.toString(), "--secret", SECRET, "--start-gxid", Integer.toString(START_GXID),
                    "--io-threads", "1"));
            args.addAll(extraArgs);
            m.process = LocalProcess.mgtm(m.id, m.host, m.log(), LocalProcess.ownClassPath(), args).onLine(line -> {
                if (line.contains("I'm LEADER!!!!")) {
                    m.leaderAtNanos.add(System.nanoTime());
                }
            });
        }
        m.process.launch();
    }

    /** Waits for the current process of member {@code i} to print "I'm running...". */
    public void awaitRunning(int i, long timeoutMillis) throws InterruptedException {
        Member m = members.get(i);
        try {
            m.process.awaitRunning(timeoutMillis);
        } catch (IOException e) {
            throw new AssertionError(e.getMessage() + "\n" + tail(m), e);
        }
    }

    /** Restarts a member that was killed or stopped, and waits until it is running. */
    public void restart(int i) throws IOException, InterruptedException {
        launch(i);
        awaitRunning(i, 60_000);
    }

    /** SIGKILL, as a crash; returns System.nanoTime() once the process is gone. */
    public long kill9(int i) throws InterruptedException {
        members.get(i).process.kill9();
        return System.nanoTime();
    }

    /** SIGTERM and wait for a clean exit; returns the exit code. */
    public int stop(int i) throws InterruptedException {
        return members.get(i).process.stop(30);
    }

    /** SIGSTOP: the process hangs with its sockets open. */
    public void suspend(int i) throws IOException, InterruptedException {
        members.get(i).process.pause();
    }

    /** SIGCONT after {@link #suspend}. */
    public void resume(int i) throws IOException, InterruptedException {
        members.get(i).process.resume();
    }

    /** Member {@code i}'s status document, or null when it does not answer within a second and a half. */
    public JsonNode status(int i) {
        Member m = members.get(i);
        if (!m.alive() || m.process.paused()) {
            return null;
        }
        ClientMessage.Hello hello = ClientMessage.Hello.withoutSession(ByteOrder.LITTLE_ENDIAN,
                SECRET.getBytes(StandardCharsets.UTF_8), "reptest-status");
        InternalConnection c = null;
        try {
            c = InternalConnection.connect(statusGroup, m.internalAddress(), InternalFormat.DEFAULT, hello, 1000,
                    clientTls).get(1500, TimeUnit.MILLISECONDS);
            c.handshake().get(1500, TimeUnit.MILLISECONDS);
            return json.readTree(c.status().get(1500, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        } finally {
            if (c != null) {
                c.closeAsync();
            }
        }
    }

    /**
     * The member that reports itself leader with the highest term at this instant, or -1: none does, or
     * its status did not come within a second and a half (a busy leader on a loaded machine, an election
     * in progress). Private so that a test cannot take a momentary -1 for a member index: tests wait with
     * {@link #awaitLeader}.
     */
    private int leaderNow() {
        int best = -1;
        long bestTerm = -1;
        for (Member m : members) {
            JsonNode s = status(m.index);
            if (s != null && "Leader".equals(s.path("role").asText()) && s.path("term").asLong() > bestTerm) {
                best = m.index;
                bestTerm = s.path("term").asLong();
            }
        }
        return best;
    }

    /** Waits for a leader other than {@code except} (-1: any); returns its index. */
    public int awaitLeader(long timeoutMillis, int... except) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            int l = leaderNow();
            if (l >= 0 && Arrays.stream(except).noneMatch(x -> x == l)) {
                return l;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no leader within " + timeoutMillis + " ms: " + statuses());
            }
            Thread.sleep(50);
        }
    }

    /**
     * Waits until member {@code i} (just restarted) is in the group again: the leader's view has it up and
     * its own view has the leader up. "I'm running..." is not enough: a member whose JOIN found no answer
     * in time starts a group of its own and is merged back only seconds later (MERGE3), and until then a
     * second failure leaves the others without a majority.
     */
    public void awaitInView(int i, long timeoutMillis) throws InterruptedException {
        awaitBack(i, false, timeoutMillis);
    }

    /** As {@link #awaitInView}, and until it has also caught up to the leader's commit index of then. */
    public void awaitRejoined(int i, long timeoutMillis) throws InterruptedException {
        awaitBack(i, true, timeoutMillis);
    }

    private void awaitBack(int i, boolean caughtUp, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String id = members.get(i).id;
        long target = -1;
        JsonNode own = null;
        JsonNode leader = null;
        while (true) {
            int l = leaderNow();
            leader = l >= 0 ? status(l) : null;
            own = status(i);
            if (l != i && leader != null && own != null && up(leader, id) && up(own, members.get(l).id)) {
                if (target < 0) {
                    target = leader.path("commitIndex").asLong();
                }
                if (!caughtUp || own.path("commitIndex").asLong() >= target) {
                    return;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(id + " not back in the group" + (caughtUp ? " and caught up" : "")
                        + " within " + timeoutMillis + " ms: its status " + own + ", the leader's " + leader
                        + "; see " + baseDir);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Waits until the leader's view has every member up and every member's view has the leader up. A
     * member whose JOIN was not answered in time (a busy machine) prints "I'm running..." in a group of
     * its own and is merged back only seconds later: a test that kills the leader before then finds no
     * majority left.
     */
    public void awaitFormed(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<JsonNode> seen = List.of();
        while (true) {
            int l = leaderNow();
            if (l >= 0) {
                String leaderId = members.get(l).id;
                seen = statuses();
                boolean formed = true;
                for (Member m : members) {
                    JsonNode s = seen.get(m.index);
                    formed &= s != null && up(s, leaderId)
                            && (m.index != l || members.stream().allMatch(o -> up(s, o.id)));
                }
                if (formed) {
                    return;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("the group did not form within " + timeoutMillis + " ms: " + seen
                        + "; see " + baseDir);
            }
            Thread.sleep(100);
        }
    }

    /** Whether a status document shows member {@code id} up (in its view). */
    private static boolean up(JsonNode status, String id) {
        for (JsonNode m : status.path("members")) {
            if (id.equals(m.path("id").asText())) {
                return "up".equals(m.path("state").asText());
            }
        }
        return false;
    }

    /** Every live member's status (null for one that does not answer), for failure messages. */
    public List<JsonNode> statuses() {
        List<JsonNode> all = new ArrayList<>();
        for (Member m : members) {
            all.add(status(m.index));
        }
        return all;
    }

    /**
     * Waits until the given members all answer with the same state digest and commit index (they
     * applied the same log); returns their statuses.
     */
    public List<JsonNode> awaitConverged(long timeoutMillis, int... indices) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<JsonNode> last;
        while (true) {
            last = new ArrayList<>();
            for (int i : indices) {
                last.add(status(i));
            }
            if (last.stream().allMatch(s -> s != null)
                    && last.stream().map(s -> s.path("stateDigest").asText()).distinct().count() == 1
                    && last.stream().map(s -> s.path("commitIndex").asLong()).distinct().count() == 1) {
                return last;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("members " + Arrays.toString(indices) + " did not converge within "
                        + timeoutMillis + " ms: " + last + "; see " + baseDir);
            }
            Thread.sleep(100);
        }
    }

    /** The last lines of a member's log. */
    public String tail(Member m) {
        try {
            List<String> lines = Files.readAllLines(m.log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void killAll() {
        for (Member m : members) {
            if (m.process != null) {
                try {
                    m.process.kill9();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        statusGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
