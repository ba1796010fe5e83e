package org.mgtm.check;

import org.mgtm.protocol.Snapshot;

/**
 * The history file format, mgtm-history version 1: JSON Lines, one flat object per line (full
 * description in docs/history-format.md).
 *
 * <pre>
 * {"type":"header","format":"mgtm-history","version":1,"clock":"ns","started":"2025-01-01T00:00:00Z"}
 * {"t":1200,"p":0,"type":"invoke","f":"begin"}
 * {"t":9000,"p":0,"type":"ok","f":"begin","gxid":1000,"node":"mgtm1","term":3}
 * {"t":9100,"p":0,"type":"invoke","f":"snapshot","gxid":1000}
 * {"t":9900,"p":0,"type":"ok","f":"snapshot","gxid":1000,"xmin":998,"xmax":1001,"rgxmin":990,"xip":[998,1000]}
 * {"t":9950,"p":0,"type":"info","f":"commit","gxid":1000,"error":"connection lost"}
 * {"type":"leader","node":"mgtm1","term":3,"start":0,"end":50000}
 * </pre>
 *
 * Event lines: {@code t} (ns since the start, non-decreasing down the file), {@code p}
 * (process), {@code type} (invoke, ok, fail, info), {@code f} (begin, begin-multi, snapshot,
 * snapshot-multi, commit, commit-multi, rollback, rollback-multi, prepare, seq-create, seq-next,
 * bad-input), the operation's fields (see {@link Operation}: {@code gxid}, {@code gxids},
 * {@code status}, {@code vacuum}, {@code n}, {@code xmin}, {@code xmax}, {@code rgxmin},
 * {@code xip}, {@code key}, {@code inc}, {@code min}, {@code max},
 * {@code start}, {@code cycle}, {@code value}, {@code what}, {@code outcome}), and optionally
 * {@code node}, {@code term}, {@code error}. GXIDs are unsigned decimals. Unknown fields are
 * skipped so that later writers can add some; the {@code leader} lines may come anywhere.
 */
public final class HistoryFormat {
    public static final String FORMAT = "mgtm-history";
    public static final int VERSION = 1;

    private HistoryFormat() {
    }

    /** One decoded line: an event, a leadership interval, a sub-cluster line, or the header (all null). */
    record Line(Event event, LeaderInterval leader, SubclusterLine subcluster) {
        Line(Event event, LeaderInterval leader) {
            this(event, leader, null);
        }
    }

    public static String header(String started) {
        StringBuilder sb = new StringBuilder("{\"type\":\"header\",\"format\":\"").append(FORMAT)
                .append("\",\"version\":").append(VERSION).append(",\"clock\":\"ns\"");
        if (started != null) {
            sb.append(",\"started\":");
            string(sb, started);
        }
        return sb.append('}').toString();
    }

    public static String encode(Event e) {
        StringBuilder sb = new StringBuilder(96).append("{\"t\":").append(e.time());
        appendBody(sb, e);
        return sb.toString();
    }

    /** Everything of the line after the time stamp, so the recorder can stamp it under its lock. */
    static void appendBody(StringBuilder sb, Event e) {
        sb.append(",\"p\":").append(e.process()).append(",\"type\":\"").append(e.type().jsonName)
                .append("\",\"f\":\"").append(e.op().name()).append('"');
        boolean result = e.type() == Event.Type.OK;
        Operation op = e.op();
        if (op instanceof Operation.Begin b) {
            if (result) {
                gxid(sb, "gxid", b.gxid());
            }
            if (b.vacuum()) {
                sb.append(",\"vacuum\":true");
            }
        } else if (op instanceof Operation.BeginMulti m) {
            sb.append(",\"n\":").append(m.count());
            if (result) {
                gxid(sb, "gxid", m.firstGxid());
            }
        } else if (op instanceof Operation.SnapshotGet s) {
            gxid(sb, "gxid", s.gxid());
            if (result && s.snapshot() != null) {
                snapshot(sb, s.snapshot());
            }
        } else if (op instanceof Operation.SnapshotMulti s) {
            list(sb, "gxids", s.gxids(), true);
            if (result && s.statuses() != null) {
                list(sb, "status", s.statuses(), false);
            }
            if (result && s.snapshot() != null) {
                snapshot(sb, s.snapshot());
            }
        } else if (op instanceof Operation.End end) {
            gxid(sb, "gxid", end.gxid());
        } else if (op instanceof Operation.EndMulti end) {
            list(sb, "gxids", end.gxids(), true);
            if (result && end.statuses() != null) {
                list(sb, "status", end.statuses(), false);
            }
        } else if (op instanceof Operation.SeqCreate c) {
            sb.append(",\"key\":");
            string(sb, c.key());
            sb.append(",\"inc\":").append(c.increment()).append(",\"min\":").append(c.min())
                    .append(",\"max\":").append(c.max()).append(",\"start\":").append(c.start())
                    .append(",\"cycle\":").append(c.cycle());
        } else if (op instanceof Operation.SeqNext n) {
            sb.append(",\"key\":");
            string(sb, n.key());
            if (result) {
                sb.append(",\"value\":").append(n.value());
            }
        } else if (op instanceof Operation.Register r) {
            gxid(sb, "gxid", r.gxid());
        } else if (op instanceof Operation.Decide d) {
            gxid(sb, "gxid", d.gxid());
            sb.append(",\"commit\":").append(d.commit());
            if (result && d.decision() != null) {
                sb.append(",\"decision\":").append(d.decision());
            }
        } else if (op instanceof Operation.Forget f) {
            gxid(sb, "gxid", f.gxid());
        } else if (op instanceof Operation.BadInput b) {
            sb.append(",\"what\":");
            string(sb, b.what());
            if (result && b.outcome() != null) {
                sb.append(",\"outcome\":");
                string(sb, b.outcome());
            }
        }
        if (e.node() != null) {
            sb.append(",\"node\":");
            string(sb, e.node());
        }
        if (e.term() != Event.NO_TERM) {
            sb.append(",\"term\":").append(e.term());
        }
        if (e.error() != null) {
            sb.append(",\"error\":");
            string(sb, e.error());
        }
        sb.append('}');
    }

    public static String encode(LeaderInterval l) {
        StringBuilder sb = new StringBuilder("{\"type\":\"leader\",\"node\":");
        string(sb, l.node());
        sb.append(",\"term\":").append(l.term()).append(",\"start\":").append(l.start());
        if (l.end() != Long.MAX_VALUE) {
            sb.append(",\"end\":").append(l.end());
        }
        return sb.append('}').toString();
    }

    /** A sub-cluster line (process, member or range). */
    public static String encode(SubclusterLine l) {
        StringBuilder sb = new StringBuilder("{\"type\":");
        if (l instanceof SubclusterLine.Process p) {
            sb.append("\"process\",\"p\":").append(p.process());
        } else if (l instanceof SubclusterLine.Member m) {
            sb.append("\"member\",\"node\":");
            string(sb, m.node());
        } else if (l instanceof SubclusterLine.Range r) {
            sb.append("\"range\"");
            gxid(sb, "first", r.first());
            gxid(sb, "last", r.last());
        }
        sb.append(",\"sc\":");
        string(sb, l.subcluster());
        return sb.append('}').toString();
    }

    private static void snapshot(StringBuilder sb, Snapshot snap) {
        gxid(sb, "xmin", snap.xmin());
        gxid(sb, "xmax", snap.xmax());
        gxid(sb, "rgxmin", snap.recentGlobalXmin());
        sb.append(",\"xip\":[");
        for (int i = 0; i < snap.xcnt(); i++) {
            sb.append(i == 0 ? "" : ",").append(Integer.toUnsignedString(snap.xipAt(i)));
        }
        sb.append(']');
    }

    private static void list(StringBuilder sb, String name, java.util.List<Integer> values, boolean unsigned) {
        sb.append(",\"").append(name).append("\":[");
        for (int i = 0; i < values.size(); i++) {
            int v = values.get(i);
            sb.append(i == 0 ? "" : ",").append(unsigned ? Integer.toUnsignedString(v) : Integer.toString(v));
        }
        sb.append(']');
    }

    private static void gxid(StringBuilder sb, String name, int gxid) {
        sb.append(",\"").append(name).append("\":").append(Integer.toUnsignedString(gxid));
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Decodes one line; throws IllegalArgumentException with the reason if it is not valid. */
    static Line decode(String text) {
        JsonCursor c = new JsonCursor(text);
        long t = Long.MIN_VALUE;
        int p = Integer.MIN_VALUE;
        String type = null;
        String f = null;
        int gxid = 0;
        boolean vacuum = false;
        int n = 0;
        int xmin = 0;
        int xmax = 0;
        int rgxmin = 0;
        int[] xip = null;
        int[] gxids = null;
        int[] status = null;
        String key = null;
        long inc = 0;
        long min = 0;
        long max = 0;
        long start = Long.MIN_VALUE;
        long end = Long.MAX_VALUE;
        boolean cycle = false;
        long value = 0;
        String what = null;
        String outcome = null;
        String node = null;
        long term = Event.NO_TERM;
        String error = null;
        String format = null;
        long version = 0;
        String sc = null;
        boolean commit = false;
        Boolean decision = null;
        long first = -1;
        long last = -1;
        while (c.nextField()) {
            switch (c.key()) {
                case "t" -> t = c.readLong();
                case "p" -> p = c.readInt();
                case "type" -> type = c.readString();
                case "f" -> f = c.readString();
                case "gxid" -> gxid = c.readU32();
                case "vacuum" -> vacuum = c.readBoolean();
                case "n" -> n = c.readInt();
                case "xmin" -> xmin = c.readU32();
                case "xmax" -> xmax = c.readU32();
                case "rgxmin" -> rgxmin = c.readU32();
                case "xip" -> xip = c.readU32Array();
                case "gxids" -> gxids = c.readU32Array();
                case "status" -> status = c.readIntArray();
                case "key" -> key = c.readString();
                case "inc" -> inc = c.readLong();
                case "min" -> min = c.readLong();
                case "max" -> max = c.readLong();
                case "start" -> start = c.readLong();
                case "end" -> end = c.readLong();
                case "cycle" -> cycle = c.readBoolean();
                case "value" -> value = c.readLong();
                case "what" -> what = c.readString();
                case "outcome" -> outcome = c.isNull() ? null : c.readString();
                case "node" -> node = c.isNull() ? null : c.readString();
                case "term" -> term = c.readLong();
                case "error" -> error = c.isNull() ? null : c.readString();
                case "format" -> format = c.readString();
                case "version" -> version = c.readLong();
                case "sc" -> sc = c.readString();
                case "commit" -> commit = c.readBoolean();
                case "decision" -> decision = c.isNull() ? null : c.readBoolean();
                case "first" -> first = Integer.toUnsignedLong(c.readU32());
                case "last" -> last = Integer.toUnsignedLong(c.readU32());
                default -> c.skipValue();
            }
        }
        if (type == null) {
            throw new IllegalArgumentException("no \"type\"");
        }
        if (type.equals("header")) {
            if (!FORMAT.equals(format) || version < 1 || version > VERSION) {
                throw new IllegalArgumentException("not an " + FORMAT + " version " + VERSION + " header");
            }
            return new Line(null, null);
        }
        if (type.equals("leader")) {
            if (node == null || start == Long.MIN_VALUE) {
                throw new IllegalArgumentException("a leader line needs node and start");
            }
            return new Line(null, new LeaderInterval(node, term, start, end));
        }
        if (type.equals("process") || type.equals("member") || type.equals("range")) {
            return new Line(null, null, subclusterLine(type, need(sc, "sc"), p, node, first, last));
        }
        Event.Type et = Event.Type.of(type);
        if (t == Long.MIN_VALUE || p == Integer.MIN_VALUE || f == null) {
            throw new IllegalArgumentException("an event needs t, p and f");
        }
        boolean ok = et == Event.Type.OK;
        Operation op = switch (f) {
            case "begin" -> new Operation.Begin(gxid, vacuum);
            case "begin-multi" -> new Operation.BeginMulti(n, gxid);
            case "snapshot" -> {
                if (ok && xip == null) {
                    throw new IllegalArgumentException("an ok snapshot needs xmin, xmax, rgxmin and xip");
                }
                yield new Operation.SnapshotGet(gxid, ok ? new Snapshot(xmin, xmax, rgxmin, xip) : null);
            }
            case "snapshot-multi" -> {
                if (ok && (xip == null || status == null)) {
                    throw new IllegalArgumentException("an ok snapshot-multi needs status, xmin, xmax, rgxmin and xip");
                }
                yield new Operation.SnapshotMulti(list(need(gxids, "gxids")), ok ? list(status) : null,
                        ok ? new Snapshot(xmin, xmax, rgxmin, xip) : null);
            }
            case "commit-multi", "rollback-multi" -> {
                if (ok && status == null) {
                    throw new IllegalArgumentException("an ok " + f + " needs status");
                }
                yield new Operation.EndMulti(f.equals("commit-multi") ? Operation.EndKind.COMMIT
                        : Operation.EndKind.ROLLBACK, list(need(gxids, "gxids")), ok ? list(status) : null);
            }
            case "commit" -> Operation.commit(gxid);
            case "rollback" -> Operation.rollback(gxid);
            case "prepare" -> Operation.prepare(gxid);
            case "seq-create" -> new Operation.SeqCreate(need(key, "key"), inc, min, max,
                    start == Long.MIN_VALUE ? min : start, cycle);
            case "seq-next" -> new Operation.SeqNext(need(key, "key"), value);
            case "bad-input" -> new Operation.BadInput(need(what, "what"), outcome);
            case "register" -> new Operation.Register(gxid);
            case "decide" -> new Operation.Decide(gxid, commit, ok ? need(decision, "decision") : null);
            case "forget" -> new Operation.Forget(gxid);
            default -> throw new IllegalArgumentException("unknown operation \"" + f + "\"");
        };
        return new Line(new Event(t, p, et, op, error, node, term), null);
    }

    private static SubclusterLine subclusterLine(String type, String sc, int p, String node, long first, long last) {
        return switch (type) {
            case "process" -> {
                if (p == Integer.MIN_VALUE) {
                    throw new IllegalArgumentException("a process line needs p");
                }
                yield new SubclusterLine.Process(p, sc);
            }
            case "member" -> new SubclusterLine.Member(need(node, "node"), sc);
            default -> {
                if (first < 0 || last < 0) {
                    throw new IllegalArgumentException("a range line needs first and last");
                }
                yield new SubclusterLine.Range(sc, (int) first, (int) last);
            }
        };
    }

    private static java.util.List<Integer> list(int[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    private static <T> T need(T v, String name) {
        if (v == null) {
            throw new IllegalArgumentException("no \"" + name + "\"");
        }
        return v;
    }
}
