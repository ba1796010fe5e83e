package org.mgtm.check.pcap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mgtm.check.Event;
import org.mgtm.check.GxidArithmetic;
import org.mgtm.check.History;
import org.mgtm.check.Operation;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.WireMessage;

/**
 * Turns decoded conversations into a checker history (docs/history-format.md), so that the
 * checker's invariants run on captured traffic unchanged.
 *
 * <p>Processes: a plain connection is one session. On a gtm_proxy worker's connection each conid
 * is a session of its own (a backend slot; a BACKEND_DISCONNECT ends it, and a later request on
 * that conid starts a new one), and conid -1 carries the grouped MULTI requests. A process has one
 * operation in flight, but a proxy sends a round's grouped requests before reading their answers:
 * each session is therefore a small pool of processes, a request taking the first one that is free
 * when it is sent. Invoke time is when the request's last byte was captured, completion when the
 * answer's last byte was (both relative to the capture's first frame).
 *
 * <p>Ends the wire shows only implicitly: a BACKEND_DISCONNECT makes the GTM drop the transactions
 * begun through that backend's MULTI entries (protocol notes, "Connection loss and BACKEND_DISCONNECT"; conid -1, or any BACKEND_DISCONNECT on a
 * plain connection, means all of the connection's). Each such transaction gets a rollback invoke of
 * unknown outcome at that time, on a process of its own, unless its prepare had been acknowledged
 * (a prepared transaction survives its session, invariant 4). A connection that closes needs
 * nothing: its sessions are never heard from again, so the checker no longer takes them as alive.
 */
final class HistoryTranslator {
    private record Pending(long time, int phase, long order, Event event) {
    }

    private static final class Proc {
        final int id;
        long lastDone = Long.MIN_VALUE;
        boolean doneAfterInvoke = true;
        boolean unavailable;

        Proc(int id) {
            this.id = id;
        }

        boolean freeAt(long t) {
            return !unavailable && (lastDone < t || lastDone == t && doneAfterInvoke);
        }
    }

    /** The GTM connection and the backend id a transaction was begun with (-1 unless a MULTI entry). */
    private record Owner(Conversation conversation, int backendId) {
    }

    private final long origin;
    private final List<Pending> events = new ArrayList<>();
    private final Map<Integer, String> labels = new LinkedHashMap<>();
    // By identity: a conversation record's own hashCode would hash all its exchanges.
    private final Map<Conversation, Map<Integer, List<Proc>>> sessions = new IdentityHashMap<>();
    private final Map<Conversation, Map<Integer, Integer>> generation = new IdentityHashMap<>();
    private final Map<Integer, Owner> open = new LinkedHashMap<>();
    private final Set<Integer> preparedAcked = new HashSet<>();
    private final SequenceDefinitions sequences = new SequenceDefinitions();
    private final TreeMap<String, Long> notAudited = new TreeMap<>();
    private long audited;
    private long gxidsGranted;
    private long snapshotsAnswered;
    private long disconnectEnds;
    private int nextProcess;

    /** @param origin capture time (ns since the epoch) that becomes time 0 of the history */
    HistoryTranslator(long origin) {
        this.origin = origin;
    }

    /** Translates every exchange of these conversations, in the order their requests were captured. */
    History translate(List<Conversation> conversations) {
        record Item(Conversation c, Conversation.Exchange x, long order) {
        }
        List<Item> items = new ArrayList<>();
        long order = 0;
        for (Conversation c : conversations) {
            for (Conversation.Exchange x : c.exchanges()) {
                items.add(new Item(c, x, order++));
            }
        }
        items.sort(Comparator.comparingLong((Item i) -> i.x().sentAt()).thenComparingLong(Item::order));
        for (Item i : items) {
            exchange(i.c(), i.x());
        }
        events.sort(Comparator.comparingLong(Pending::time).thenComparingInt(Pending::phase)
                .thenComparingLong(Pending::order));
        return new History(events.stream().map(Pending::event).toList(), List.of());
    }

    private void exchange(Conversation c, Conversation.Exchange x) {
        if (!(x.request() instanceof WireMessage.Command cmd)) {
            if (x.request() instanceof WireMessage.InvalidCommand) {
                notAudited.merge("invalid commands", 1L, Long::sum);
            }
            return;
        }
        Request r = cmd.request();
        long sent = x.sentAt() - origin;
        if (r instanceof Request.BackendDisconnect) {
            disconnect(c, c.proxyFraming() ? cmd.conid() : -1, sent);
            return;
        }
        Operation op = RequestTranslation.invoke(r, sequences);
        if (op == null) {
            notAudited.merge(r.type().toString(), 1L, Long::sum);
            if (x.answer() != null) {
                sequences.answered(r, RequestTranslation.succeeded(x.answer().response()));
            }
            return;
        }
        audited++;
        Proc p = acquire(c, cmd.conid(), sent);
        emit(sent, 1, new Event(sent, p.id, Event.Type.INVOKE, op));
        if (op instanceof Operation.End end && end.kind() != Operation.EndKind.PREPARE) {
            open.remove(end.gxid());
        } else if (op instanceof Operation.EndMulti end) {
            end.gxids().forEach(open::remove);
        }
        if (x.answer() == null) {
            p.unavailable = true; // in flight until the capture ends: unknown outcome
            sequences.answered(r, false);
            return;
        }
        long done = x.answeredAt() - origin;
        RequestTranslation.Outcome out = RequestTranslation.complete(r, op, x.answer().response());
        emit(done, done > sent ? 0 : 2, new Event(done, p.id, out.type(), out.op(), out.error(), null,
                Event.NO_TERM));
        p.lastDone = done;
        p.doneAfterInvoke = done > sent;
        p.unavailable = out.type() == Event.Type.INFO;
        sequences.answered(r, out.type() == Event.Type.OK);
        if (out.type() == Event.Type.OK) {
            granted(c, r, out.op());
        }
    }

    /** What an ok answer teaches: who owns the granted transactions, which are prepared. */
    private void granted(Conversation c, Request r, Operation result) {
        if (result instanceof Operation.Begin b) {
            gxidsGranted++;
            open.put(b.gxid(), new Owner(c, -1));
        } else if (result instanceof Operation.BeginMulti m && r instanceof Request.TxnBeginGetGxidMulti multi) {
            gxidsGranted += m.count();
            for (int k = 0; k < m.count() && k < multi.entries().size(); k++) {
                open.put(GxidArithmetic.groupMember(m.firstGxid(), k), new Owner(c, multi.entries().get(k).conid()));
            }
        } else if (result instanceof Operation.End end && end.kind() == Operation.EndKind.PREPARE) {
            preparedAcked.add(end.gxid());
        } else if (result instanceof Operation.SnapshotGet || result instanceof Operation.SnapshotMulti) {
            snapshotsAnswered++;
        }
    }

    /** BACKEND_DISCONNECT(conid) on connection c: the GTM drops that backend's transactions (protocol notes, "Connection loss and BACKEND_DISCONNECT"). */
    private void disconnect(Conversation c, int conid, long time) {
        for (Iterator<Map.Entry<Integer, Owner>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Owner> e = it.next();
            Owner o = e.getValue();
            if (o.conversation() != c || (conid != -1 && o.backendId() != conid)) {
                continue;
            }
            it.remove();
            if (preparedAcked.contains(e.getKey())) {
                continue;
            }
            int id = nextProcess++;
            labels.put(id, label(c, conid) + ": BACKEND_DISCONNECT may have ended GXID " + GxidArithmetic.toString(e.getKey()));
            emit(time, 1, new Event(time, id, Event.Type.INVOKE, Operation.rollback(e.getKey())));
            disconnectEnds++;
        }
        // The slot's next occupant is another backend: a new session.
        Map<Integer, List<Proc>> pools = sessions.get(c);
        if (pools != null && pools.remove(conid) != null) {
            generation.computeIfAbsent(c, k -> new HashMap<>()).merge(conid, 1, Integer::sum);
        }
    }

    /** A process of connection c's session {@code conid} that is free at time t (a new one if none is). */
    private Proc acquire(Conversation c, int conid, long t) {
        List<Proc> pool = sessions.computeIfAbsent(c, k -> new HashMap<>()).computeIfAbsent(conid,
                k -> new ArrayList<>());
        for (Proc p : pool) {
            if (p.freeAt(t)) {
                return p;
            }
        }
        Proc p = new Proc(nextProcess++);
        int gen = generation.getOrDefault(c, Map.of()).getOrDefault(conid, 0);
        labels.put(p.id, label(c, conid) + (gen > 0 ? " session " + (gen + 1) : "")
                + (pool.isEmpty() ? "" : " #" + (pool.size() + 1)));
        pool.add(p);
        return p;
    }

    private static String label(Conversation c, int conid) {
        String s = c.connection().toString();
        return c.proxyFraming() && conid != WireMessage.NO_CONID ? s + " conid " + conid : s;
    }

    private void emit(long time, int phase, Event e) {
        events.add(new Pending(time, phase, events.size(), e));
    }

    /** What each process of the history stands for: its connection, conid and session. */
    Map<Integer, String> labels() {
        return labels;
    }

    long audited() {
        return audited;
    }

    /** Requests that have no place in the history, by kind. */
    Map<String, Long> notAudited() {
        return notAudited;
    }

    long gxidsGranted() {
        return gxidsGranted;
    }

    long snapshotsAnswered() {
        return snapshotsAnswered;
    }

    /** Rollbacks of unknown outcome recorded for transactions a BACKEND_DISCONNECT may have ended. */
    long disconnectEnds() {
        return disconnectEnds;
    }
}
