package org.mgtm.replication.engine;

import java.io.BufferedReader;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.protocols.raft.Role;
import org.mgtm.client.Member;


/**
 * One replica in its own JVM, driven by {@link RaftProcessCluster}. Arguments are {@code key=value}: the
 * {@code raft.*} keys of {@link RaftSettings} plus
 * <ul>
 *   <li>{@code node.load_rate}: writes per second the node submits while it is leader, one log entry per write
 *       (no group commit), like the load under which the engine defect was measured;</li>
 *   <li>{@code node.load_max_inflight}: cap on outstanding writes of that load (default 2000);</li>
 *   <li>{@code node.entry_size}: bytes per write (default 64);</li>
 *   <li>{@code node.bench_inflight}, {@code node.bench_ms}: throughput mode: as leader, keep that many appends
 *       outstanding for that long, print {@code BENCH}, then stay idle;</li>
 *   <li>{@code node.stat_ms}: period of the {@code STAT} lines (default 50).</li>
 * </ul>
 * Output, one event a line on stdout, times in epoch ms: {@code READY}, {@code ROLE}, {@code STAT},
 * {@code FIRSTCOMMIT} (first write acknowledged after becoming leader in a term), {@code BENCH}.
 * Reads stdin: {@code quit} closes cleanly; end of input (the parent died) halts at once, so no replica outlives
 * its test.
 */
public final class RaftTestNode {

    /** Deterministic test state: number of commands and a rolling hash of them. */
    static final class CounterApplier implements BatchStateMachine.Applier {
        long count;
        long digest = 1125899906842597L;

        @Override
        public byte[] apply(byte[] command) {
            count++;
            for (byte b : command)
                digest = 31 * digest + b;
            return ByteBuffer.allocate(8).putLong(count).array();
        }

        @Override
        public void writeSnapshot(DataOutput out) throws IOException {
            out.writeLong(count);
            out.writeLong(digest);
        }

        @Override
        public void readSnapshot(DataInput in) throws IOException {
            count = in.readLong();
            digest = in.readLong();
        }
    }

    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private static synchronized void emit(String line) {
        OUT.println(line);
    }

    /** The node's settings from its {@code raft.*} arguments (the cluster's knobs); an unknown one is an error. */
    static RaftSettings settings(Map<String, String> conf) {
        RaftSettings.Builder b = RaftSettings.builder();
        for (Map.Entry<String, String> e : conf.entrySet()) {
            String v = e.getValue().trim();
            switch (e.getKey()) {
                case "raft.id" -> b.raftId(v);
                case "raft.members" -> b.members(Member.parseList(v));
                case "raft.data_dir" -> b.dataDir(Path.of(v));
                case "raft.fsync" -> b.fsync(Boolean.parseBoolean(v));
                case "raft.max_log_size" -> b.maxLogSize(Long.parseLong(v));
                case "raft.resend_interval_ms" -> b.resendIntervalMs(Long.parseLong(v));
                case "raft.catchup" -> b.catchUp(Boolean.parseBoolean(v));
                case "raft.catchup_interval_ms" -> b.catchUpIntervalMs(Long.parseLong(v));
                case "raft.catchup_max_bytes" -> b.catchUpMaxBytes(Integer.parseInt(v));
                case "raft.fd_timeout_ms" -> b.fdTimeoutMs(Long.parseLong(v));
                case "raft.fd_interval_ms" -> b.fdIntervalMs(Long.parseLong(v));
                case "raft.verify_suspect_ms" -> b.verifySuspectMs(Long.parseLong(v));
                case "raft.fd_sock" -> b.fdSock(Boolean.parseBoolean(v));
                case "raft.fd_sock_offset" -> b.fdSockOffset(Integer.parseInt(v));
                case "raft.vote_timeout_ms" -> b.voteTimeoutMs(Long.parseLong(v));
                case "raft.join_timeout_ms" -> b.joinTimeoutMs(Long.parseLong(v));
                case "raft.secret" -> b.secret(v);
                default -> {
                    if (e.getKey().startsWith("raft.")) {
                        throw new IllegalArgumentException("unknown setting " + e.getKey());
                    }
                }
            }
        }
        return b.build();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> conf = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0)
                conf.put(a.substring(0, eq), a.substring(eq + 1));
        }
        RaftSettings settings = settings(conf);
        int loadRate = Integer.parseInt(conf.getOrDefault("node.load_rate", "0"));
        int loadMaxInFlight = Integer.parseInt(conf.getOrDefault("node.load_max_inflight", "2000"));
        int entrySize = Integer.parseInt(conf.getOrDefault("node.entry_size", "64"));
        int benchInFlight = Integer.parseInt(conf.getOrDefault("node.bench_inflight", "0"));
        long benchMs = Long.parseLong(conf.getOrDefault("node.bench_ms", "0"));
        long statMs = Long.parseLong(conf.getOrDefault("node.stat_ms", "50"));
        String id = settings.raftId();

        Thread stdinWatcher = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.trim().equals("quit"))
                        return;
                }
            } catch (IOException ignored) {
                // treated as end of input
            }
            Runtime.getRuntime().halt(0);       // parent gone: leave no orphan replica behind
        }, "stdin-watcher");

        CounterApplier applier = new CounterApplier();
        BatchStateMachine sm = new BatchStateMachine(applier);
        AtomicLong leaderTerm = new AtomicLong(-1);
        AtomicBoolean firstCommitPending = new AtomicBoolean(false);
        RaftMember.RoleListener roles = (role, term, leader) -> {
            emit("ROLE " + System.currentTimeMillis() + " id=" + id + " role=" + role + " term=" + term
                    + " leader=" + leader);
            if (role == Role.Leader) {
                leaderTerm.set(term);
                firstCommitPending.set(true);
            }
        };
        RaftMember member;
        try {
            member = RaftMember.start(settings, sm, roles);
        } catch (Exception e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(2);
            return;
        }
        emit("READY " + System.currentTimeMillis() + " id=" + id + " last=" + member.lastAppended()
                + " commit=" + member.commitIndex());
        stdinWatcher.setDaemon(true);

        ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "node-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> emit("STAT " + System.currentTimeMillis() + " id=" + id
                + " role=" + member.role() + " term=" + member.term() + " leader=" + member.leaderId()
                + " last=" + member.lastAppended() + " commit=" + member.commitIndex()
                + " applied=" + sm.appliedCommands() + " count=" + applier.count
                + " view=" + member.viewMembers().size() + catchUpStats(member)),
                0, statMs, TimeUnit.MILLISECONDS);

        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong seq = new AtomicLong();
        java.util.function.Supplier<byte[]> nextEntry = () -> {
            byte[] cmd = new byte[entrySize];
            ByteBuffer.wrap(cmd).putLong(seq.incrementAndGet());
            return BatchStateMachine.encode(java.util.List.of(cmd));
        };
        java.util.function.Consumer<CompletableFuture<byte[]>> track = f -> f.whenComplete((r, e) -> {
            inFlight.decrementAndGet();
            if (e == null && firstCommitPending.compareAndSet(true, false))
                emit("FIRSTCOMMIT " + System.currentTimeMillis() + " id=" + id + " term=" + leaderTerm.get());
        });

        if (loadRate > 0) {
            long start = System.nanoTime();
            AtomicLong submitted = new AtomicLong();
            timer.scheduleAtFixedRate(() -> {
                long due = (System.nanoTime() - start) / 1_000_000L * loadRate / 1000;
                if (!member.isLeader()) {
                    submitted.set(due);             // no backlog burst when leadership arrives
                    return;
                }
                while (submitted.get() < due && inFlight.get() < loadMaxInFlight) {
                    submitted.incrementAndGet();
                    inFlight.incrementAndGet();
                    track.accept(member.append(nextEntry.get()));
                }
                submitted.set(Math.max(submitted.get(), due - loadMaxInFlight)); // drop what the cap refused
            }, 5, 5, TimeUnit.MILLISECONDS);
        }

        if (benchInFlight > 0 && benchMs > 0) {
            Thread bench = new Thread(() -> runBench(member, id, benchInFlight, benchMs, nextEntry), "bench");
            bench.setDaemon(true);
            bench.start();
        }

        stdinWatcher.start();
        stdinWatcher.join();
        // "quit": clean shutdown
        timer.shutdownNow();
        member.close();
        emit("BYE " + System.currentTimeMillis() + " id=" + id);
        System.exit(0);
    }

    private static String catchUpStats(RaftMember m) {
        if (!(m.raft() instanceof CatchUpRaft cu))
            return "";
        return " cu_msgs=" + cu.numCatchUpMessages() + " cu_entries=" + cu.numCatchUpEntries()
                + " cu_snaps=" + cu.numCatchUpSnapshots() + " snaps=" + cu.numSnapshots();
    }

    /** As leader: keeps {@code inFlight} appends outstanding for {@code ms} and prints the rate. */
    private static void runBench(RaftMember member, String id, int inFlight, long ms,
                                 java.util.function.Supplier<byte[]> nextEntry) {
        try {
            while (!member.isLeader()) {
                if (member.leaderId() != null)
                    return;                          // someone else leads: nothing to measure here
                Thread.sleep(20);
            }
            Thread.sleep(500);                       // let the followers settle
            java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(inFlight);
            AtomicLong done = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long warmEnd = System.nanoTime() + 1_000_000_000L;   // 1 s warm-up, not counted
            long t0 = 0, d0 = 0;
            boolean warm = false;
            long end = warmEnd + ms * 1_000_000L;
            while (System.nanoTime() < end) {
                if (!warm && System.nanoTime() >= warmEnd) {
                    warm = true;
                    t0 = System.nanoTime();
                    d0 = done.get();
                }
                if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS))
                    continue;
                member.append(nextEntry.get()).whenComplete((r, e) -> {
                    if (e == null) done.incrementAndGet(); else failed.incrementAndGet();
                    slots.release();
                });
            }
            long elapsedNs = System.nanoTime() - t0;
            long n = done.get() - d0;
            emit(String.format("BENCH %d id=%s entries=%d ms=%d rate=%.0f failed=%d inflight=%d",
                    System.currentTimeMillis(), id, n, elapsedNs / 1_000_000L, n * 1e9 / elapsedNs,
                    failed.get(), inFlight));
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }
}
