package org.mgtm.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.mgtm.protocol.Response;

/**
 * Per-session deduplication: the replies of recently applied requests, by request number, so a
 * request resubmitted after a failover is answered from the cache instead of being applied twice.
 *
 * <p>Invariants, per session:
 * <ul>
 *   <li>The cached request numbers are distinct, ascending and all above {@code floor}.</li>
 *   <li>A request number is either cached (applied; its reply is here), or at most {@code floor}
 *       (applied or acknowledged, and forgotten: "too old"), or above {@code floor} and not cached
 *       (never applied).</li>
 *   <li>At most {@code maxReplies} replies are cached; dropping the oldest raises {@code floor}.</li>
 * </ul>
 */
final class SessionTable {

    static final class Session {
        final long id;
        /** Every request number up to here that is not cached has been forgotten. */
        long floor;
        // Ring buffer of cached (request number, reply), ascending; capacity a power of two.
        private long[] nos = new long[8];
        private Response[] replies = new Response[8];
        private int head;
        private int size;

        Session(long id) {
            this.id = id;
        }

        int size() {
            return size;
        }

        private int at(int i) {
            return (head + i) & (nos.length - 1);
        }

        long requestNoAt(int i) {
            return nos[at(i)];
        }

        Response replyAt(int i) {
            return replies[at(i)];
        }

        /** The client has seen every reply up to {@code acked}: forget them. */
        void acknowledge(long acked) {
            if (acked > floor) {
                floor = acked;
            }
            while (size > 0 && nos[head] <= acked) {
                replies[head] = null;
                head = at(1);
                size--;
            }
        }

        /** The cached reply of request {@code no}, or null. */
        Response find(long no) {
            if (size == 0 || no < nos[head] || no > nos[at(size - 1)]) {
                return null;
            }
            int i = search(no);
            return i < size && nos[at(i)] == no ? replies[at(i)] : null;
        }

        /** The first logical index whose request number is at least {@code no}. */
        private int search(long no) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (nos[at(mid)] < no) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** Caches the reply of a request just applied ({@code no} above floor, not cached yet). */
        void remember(long no, Response reply, int maxReplies) {
            if (size == maxReplies) {
                if (no < nos[head]) {
                    // It would be the oldest entry and is dropped at once.
                    floor = Math.max(floor, no);
                    return;
                }
                floor = Math.max(floor, nos[head]);
                replies[head] = null;
                head = at(1);
                size--;
            }
            if (size == nos.length) {
                grow();
            }
            int pos = size == 0 || no > nos[at(size - 1)] ? size : search(no);
            for (int i = size; i > pos; i--) {
                nos[at(i)] = nos[at(i - 1)];
                replies[at(i)] = replies[at(i - 1)];
            }
            nos[at(pos)] = no;
            replies[at(pos)] = reply;
            size++;
        }

        private void grow() {
            long[] n = new long[nos.length * 2];
            Response[] r = new Response[nos.length * 2];
            for (int i = 0; i < size; i++) {
                n[i] = nos[at(i)];
                r[i] = replies[at(i)];
            }
            nos = n;
            replies = r;
            head = 0;
        }

        String describe() {
            long[] cached = new long[size];
            for (int i = 0; i < size; i++) {
                cached[i] = nos[at(i)];
            }
            return "session " + id + " floor=" + floor + " cached=" + Arrays.toString(cached).replace(",", "");
        }
    }

    /** What a request does to the state, once deduplication has let it through. */
    interface Execution {
        Response execute(long session, int backendId, org.mgtm.protocol.Request request);
    }

    /**
     * Applies a client request at most once per (session, request number): a repeat gets the cached reply,
     * a request whose reply was forgotten gets an error; a request number of 0 is not deduplicated.
     */
    Response applyOnce(Command.Client c, int maxReplies, Execution execution) {
        if (c.requestNo() <= 0) {
            if (c.ackedRequestNo() > 0) {
                Session s = get(c.session());
                if (s != null) {
                    s.acknowledge(c.ackedRequestNo());
                }
            }
            return execution.execute(c.session(), c.backendId(), c.request());
        }
        Session s = getOrCreate(c.session());
        s.acknowledge(c.ackedRequestNo());
        Response cached = s.find(c.requestNo());
        if (cached != null) {
            return cached;
        }
        if (c.requestNo() <= s.floor) {
            return Response.Error.error("request " + c.requestNo() + " of session " + c.session()
                    + " is too old to replay");
        }
        Response reply = execution.execute(c.session(), c.backendId(), c.request());
        s.remember(c.requestNo(), reply, maxReplies);
        return reply;
    }

    private final HashMap<Long, Session> sessions = new HashMap<>();
    /** The session used last: consecutive requests mostly come from the same proxy session. */
    private Session last;

    java.util.Set<Long> ids() {
        return sessions.keySet();
    }

    int count() {
        return sessions.size();
    }

    /** Whether the session has dedup state; unlike {@link #get} it touches nothing. */
    boolean contains(long id) {
        return sessions.containsKey(id);
    }

    /** The session's dedup state, or null if it has none. */
    Session get(long id) {
        if (last != null && last.id == id) {
            return last;
        }
        Session s = sessions.get(id);
        if (s != null) {
            last = s;
        }
        return s;
    }

    Session getOrCreate(long id) {
        Session s = get(id);
        if (s == null) {
            s = new Session(id);
            sessions.put(id, s);
            last = s;
        }
        return s;
    }

    void drop(long id) {
        sessions.remove(id);
        if (last != null && last.id == id) {
            last = null;
        }
    }

    void clear() {
        sessions.clear();
        last = null;
    }

    /** Every session, by id. */
    List<Session> sorted() {
        List<Session> all = new ArrayList<>(sessions.values());
        all.sort((a, b) -> Long.compare(a.id, b.id));
        return all;
    }

    /** Adds a session read from a state snapshot; entries must come ascending, above floor. */
    Session restore(long id, long floor) {
        if (sessions.containsKey(id)) {
            throw new IllegalArgumentException("duplicate session " + id);
        }
        Session s = new Session(id);
        s.floor = floor;
        sessions.put(id, s);
        return s;
    }

    static void restoreReply(Session s, long no, Response reply, int maxReplies) {
        if (no <= s.floor || (s.size > 0 && no <= s.requestNoAt(s.size - 1)) || s.size == maxReplies) {
            throw new IllegalArgumentException("bad cached reply " + no + " of session " + s.id);
        }
        s.remember(no, reply, maxReplies);
    }
}
