package org.mgtm.client;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mgtm.net.Transport;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.ErrorCode;
import org.mgtm.protocol.internal.ServerMessage;

/**
 * A session with a replicated mgtm group over the internal protocol (docs/decisions/0004): finds the
 * leader, numbers the session's requests, and after a lost connection or a NOT_LEADER resubmits every
 * unanswered request in order with its original number, so that the group applies each exactly once
 * and the caller sees only added latency. It is the upstream half of mgtm_proxy.
 *
 * <p>All state lives on one Netty event loop, and every connection of the session is pinned to that
 * loop, so nothing is locked and no thread waits per request. Futures complete on that loop: callers
 * must not block in their callbacks.
 *
 * <p>A future fails with a {@link GtmException} only when the session cannot deliver an answer:
 * {@link GtmException#isConnectionFailure()} after the request deadline (no leader answered; the
 * outcome is unknown) or when the client is closed; an {@link InternalConnection.Refused} when the group
 * refused the session (SESSION_EXPIRED: its transactions are gone; a wrong secret, version or byte
 * order). An XC 'E' answer is a normal reply, not an exception.
 */
public final class LeaderClient implements AutoCloseable {

    private static final long TICK_MILLIS = 50;

    private static final class Pending {
        final long no;
        final int backendId;
        final Request request;
        final CompletableFuture<Response> future;
        final long deadline;
        boolean sent;

        Pending(long no, int backendId, Request request, CompletableFuture<Response> future, long deadline) {
            this.no = no;
            this.backendId = backendId;
            this.request = request;
            this.future = future;
            this.deadline = deadline;
        }
    }

    private final LeaderClientSettings settings;
    private final EventLoop loop;
    private final EventLoopGroup ownedGroup;
    private final byte[] token;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledFuture<?> ticker;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    // Event-loop state. Insertion order is request-number order: numbers are handed out as entries are added.
    private final LinkedHashMap<Long, Pending> unanswered = new LinkedHashMap<>();
    private volatile long sessionId;
    /**
     * HELLO carries RESUME once a reply came: the group records a session only when one of its requests
     * applies, so resuming after a mere WELCOME would be refused as expired.
     */
    private boolean groupKnowsSession;
    private long nextRequestNo = 1;
    private InternalConnection connection;
    private boolean connecting;
    private boolean ready;
    private long attemptStarted;
    private long lastReceived;
    private long lastPing;
    private final LeaderSearch search;
    private ScheduledFuture<?> retry;
    private boolean closing;

    // Readable from any thread.
    private volatile String leaderId;
    private volatile InetSocketAddress leaderAddress;
    private volatile long sessionStarts;
    private volatile long resubmitted;
    private volatile long redirects;
    private volatile long attempts;
    private volatile long expiredSessions;

    private LeaderClient(LeaderClientSettings settings, EventLoop loop, EventLoopGroup ownedGroup) {
        this.settings = settings;
        this.loop = loop;
        this.ownedGroup = ownedGroup;
        this.token = settings.secret().getBytes(StandardCharsets.UTF_8);
        this.sessionId = newSessionId();
        // Sessions of many clients spread over the members rather than all asking the first one.
        this.search = new LeaderSearch(settings, random.nextInt(settings.members().size()));
        this.ticker = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        loop.execute(this::connect);
    }

    /** A session on one loop of a shared group; it starts connecting at once. */
    public static LeaderClient start(EventLoopGroup group, LeaderClientSettings settings) {
        return new LeaderClient(settings, group.next(), null);
    }

    /** A session with its own event-loop thread, stopped by {@link #close()}. */
    public static LeaderClient start(LeaderClientSettings settings) {
        EventLoopGroup group = Transport.newGroup(1, "mgtm-leader-client");
        return new LeaderClient(settings, group.next(), group);
    }

    /**
     * Sends one XC request of the session; completes with the group's reply once a leader has applied it
     * (exactly once, however often it had to be resubmitted).
     *
     * @param backendId the proxy backend slot the request is for, or -1
     */
    public CompletableFuture<Response> submit(int backendId, Request request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<Response> future = new CompletableFuture<>();
        onLoop(() -> {
            if (closing) {
                future.completeExceptionally(GtmException.lost("mgtm: the leader client is closed"));
                return;
            }
            Pending p = new Pending(nextRequestNo++, backendId, request, future,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.requestDeadlineMillis()));
            unanswered.put(p.no, p);
            if (ready) {
                send(p);
            }
        });
        return future;
    }

    /** The session id presented to the group (a new one after the group expired the old one). */
    public long sessionId() {
        return sessionId;
    }

    /** The member id of the leader this session is connected to, or null while it has none. */
    public String leaderId() {
        return leaderId;
    }

    /** The internal address of that leader, or null. */
    public InetSocketAddress leaderAddress() {
        return leaderAddress;
    }

    public boolean isConnected() {
        return leaderId != null;
    }

    /** Times the session was resumed on a new connection after its first start. */
    public long reconnects() {
        return Math.max(0, sessionStarts - 1);
    }

    /** Requests sent again on a new connection because their reply had not come. */
    public long resubmitted() {
        return resubmitted;
    }

    /** NOT_LEADER answers received. */
    public long redirects() {
        return redirects;
    }

    /** Connection attempts made (successful or not). */
    public long connectAttempts() {
        return attempts;
    }

    /** Sessions the group ended while this client was away (their pending requests failed). */
    public long expiredSessions() {
        return expiredSessions;
    }

    // ---- connection management (event loop) ----

    private void connect() {
        retry = null;
        if (closing || connecting || connection != null) {
            return;
        }
        InetSocketAddress target = search.next();
        connecting = true;
        attempts++;
        attemptStarted = System.nanoTime();
        ClientMessage.Hello hello = new ClientMessage.Hello(sessionId, groupKnowsSession,
                settings.format().xc().hostOrder(), token, settings.clientName());
        InetSocketAddress to = target;
        InternalConnection.connect(loop, target, settings.format(), hello, (int) settings.connectTimeoutMillis(),
                        settings.tls())
                .whenComplete((c, failure) -> onLoop(() -> connected(to, c, failure)));
    }

    private void connected(InetSocketAddress target, InternalConnection c, Throwable failure) {
        connecting = false;
        if (failure != null) {
            attemptFailed(null);
            return;
        }
        if (closing) {
            c.closeAsync();
            return;
        }
        connection = c;
        lastReceived = System.nanoTime();
        c.handshake().whenComplete((welcome, refused) -> onLoop(() -> {
            if (refused != null) {
                connectionFailed(c, refused);
            } else {
                welcomed(c, welcome);
            }
        }));
    }

    private void welcomed(InternalConnection c, ServerMessage.Welcome welcome) {
        if (connection != c) {
            return;
        }
        ready = true;
        search.welcomed(welcome.term());
        lastReceived = System.nanoTime();
        lastPing = lastReceived;
        leaderAddress = c.remoteAddress();
        leaderId = welcome.memberId();
        sessionStarts++;
        for (Pending p : new ArrayList<>(unanswered.values())) {
            if (connection != c) {
                break;
            }
            send(p);
        }
    }

    private void send(Pending p) {
        InternalConnection c = connection;
        if (p.sent) {
            resubmitted++;
        }
        p.sent = true;
        c.request(p.no, ackedRequestNo(), p.backendId, p.request)
                .whenComplete((reply, failure) -> onLoop(() -> replied(c, p, reply, failure)));
    }

    /** Every reply up to this number has been received (or given up on): the group may forget them. */
    private long ackedRequestNo() {
        return unanswered.isEmpty() ? nextRequestNo - 1 : unanswered.keySet().iterator().next() - 1;
    }

    private void replied(InternalConnection c, Pending p, Response reply, Throwable failure) {
        if (failure != null) {
            connectionFailed(c, failure);
            return;
        }
        if (c == connection) {
            lastReceived = System.nanoTime();
        }
        // The same number may belong to a later session's request after SESSION_EXPIRED: match the entry.
        if (unanswered.get(p.no) == p) {
            unanswered.remove(p.no);
            groupKnowsSession = true;
            p.future.complete(reply);
        }
    }

    /** The current connection ended or was refused; {@code cause} says how. */
    private void connectionFailed(InternalConnection c, Throwable cause) {
        connectionFailed(c, cause, false);
    }

    /** @param silent the peer stopped answering without closing: do not ask it again first */
    private void connectionFailed(InternalConnection c, Throwable cause, boolean silent) {
        if (connection != c) {
            return;
        }
        boolean wasReady = ready;
        connection = null;
        ready = false;
        leaderId = null;
        leaderAddress = null;
        c.closeAsync();
        Throwable t = Futures.cause(cause);
        if (t instanceof InternalConnection.Refused refused) {
            if (refused.reason() instanceof ServerMessage.NotLeader notLeader) {
                redirects++;
                search.redirected(c.remoteAddress(), notLeader);
            } else if (refused.reason() instanceof ServerMessage.Error error) {
                refusedWith(refused, error);
            }
        } else if (silent) {
            search.silent(c.remoteAddress());
        } else if (wasReady) {
            search.broken(c.remoteAddress());
        }
        attemptFailed(wasReady ? 0 : null);
    }

    private void refusedWith(InternalConnection.Refused refused, ServerMessage.Error error) {
        if (error.code() == ErrorCode.SESSION_EXPIRED) {
            // The group ended the session and its transactions: what was in flight cannot be answered.
            // A new session first, so whoever sees the failure sees the new session id.
            sessionId = newSessionId();
            groupKnowsSession = false;
            nextRequestNo = 1;
            expiredSessions++;
            failAll(refused);
        } else if (error.code() != ErrorCode.SERVER_ERROR) {
            // Wrong secret, version or byte order: no member will answer otherwise; say so now.
            failAll(refused);
        }
    }

    /** Schedules the next attempt: at once after losing a working connection, else with backoff. */
    private void attemptFailed(Integer resetTo) {
        long delay = search.delayAfterFailure(resetTo);
        if (closing) {
            return;
        }
        if (delay == 0) {
            loop.execute(this::connect);
        } else {
            retry = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        expireDeadlines(now);
        InternalConnection c = connection;
        if (c == null) {
            return;
        }
        if (!ready) {
            if (now - attemptStarted > TimeUnit.MILLISECONDS.toNanos(settings.handshakeTimeoutMillis())) {
                connectionFailed(c, GtmException.lost("no WELCOME from " + c.remoteAddress() + " in time"), true);
            }
            return;
        }
        if (now - lastReceived > TimeUnit.MILLISECONDS.toNanos(settings.silenceTimeoutMillis())) {
            connectionFailed(c, GtmException.lost(c.remoteAddress() + " went silent"), true);
            return;
        }
        if (now - lastPing >= TimeUnit.MILLISECONDS.toNanos(settings.pingIntervalMillis())) {
            lastPing = now;
            c.ping(now).whenComplete((term, failure) -> onLoop(() -> {
                if (failure != null) {
                    connectionFailed(c, failure);
                } else if (c == connection) {
                    lastReceived = System.nanoTime();
                }
            }));
        }
    }

    /** Deadlines follow submission order, so only the oldest requests need looking at. */
    private void expireDeadlines(long now) {
        List<Pending> expired = null;
        Iterator<Pending> it = unanswered.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (now - p.deadline < 0) {
                break;
            }
            it.remove();
            if (expired == null) {
                expired = new ArrayList<>();
            }
            expired.add(p);
        }
        if (expired != null) {
            // Completed after the walk: a caller's callback may submit more.
            for (Pending p : expired) {
                p.future.completeExceptionally(GtmException.lost("mgtm: no leader answered request " + p.no
                        + " within " + settings.requestDeadlineMillis() + " ms; " + GtmException.OUTCOME_UNKNOWN));
            }
        }
    }

    private void failAll(Throwable failure) {
        List<Pending> all = new ArrayList<>(unanswered.values());
        unanswered.clear();
        for (Pending p : all) {
            p.future.completeExceptionally(failure);
        }
    }

    private long newSessionId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    // ---- closing ----

    /**
     * Ends the session (END_SESSION: its open transactions end, prepared ones stay) and closes.
     * Requests still unanswered fail. Completes when done; never fails.
     */
    public CompletableFuture<Void> closeAsync() {
        onLoop(() -> {
            if (closing) {
                return;
            }
            closing = true;
            ticker.cancel(false);
            if (retry != null) {
                retry.cancel(false);
            }
            failAll(GtmException.lost("mgtm: the leader client was closed before the reply came"));
            InternalConnection c = connection;
            if (c != null && ready) {
                c.endSession().orTimeout(settings.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((ended, failure) -> onLoop(() -> finish(c)));
            } else {
                finish(c);
            }
        });
        return closed;
    }

    private void finish(InternalConnection c) {
        connection = null;
        ready = false;
        leaderId = null;
        leaderAddress = null;
        if (c != null) {
            c.closeAsync();
        }
        closed.complete(null);
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** {@link #closeAsync()} and wait for it (a few seconds at most); not on the client's own loop. */
    @Override
    public void close() {
        if (loop.inEventLoop()) {
            throw new IllegalStateException("close() would block the client's event loop: use closeAsync()");
        }
        try {
            closeAsync().get(settings.handshakeTimeoutMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // closing is best effort: the group expires the session anyway
        }
    }
}
