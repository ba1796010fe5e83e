package org.mgtm.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.subcluster.SubclusterRequest;

/**
 * Runs the commands of the core test scripts against a {@link GtmStateMachine}. One command per
 * line: a name, then {@code key=value} arguments; every command renders its reply in one line
 * ({@link ResponseText}). See src/test/resources/core/README.md for the syntax.
 *
 * <p>After every command the runner writes a state snapshot, reads it back, checks that the copy
 * describes and digests identically, and continues with the copy: every script therefore also
 * tests that snapshots carry the whole state.
 */
final class ScriptRunner {
    private GtmStateMachine machine = new GtmStateMachine(CoreLimits.DEFAULT);
    /** Set by {@code ggtm}: the script drives a G-GTM state machine from then on. */
    private GlobalStateMachine global;

    GtmStateMachine machine() {
        return machine;
    }

    /** Runs one command line; returns its output lines joined by newlines. */
    String run(String line) {
        Args a = new Args(line);
        String out = execute(a);
        a.checkAllUsed();
        roundTrip();
        return out;
    }

    private String execute(Args a) {
        switch (a.name) {
            case "limits":
                machine = new GtmStateMachine(new CoreLimits(a.intArg("txns", 4096), a.intArg("nodes", 16),
                        a.intArg("replies", 65536)));
                return "ok";
            case "subcluster":
                machine = GtmStateMachine.forSubcluster(new CoreLimits(a.intArg("txns", 4096), 16, 65536),
                        a.required("name"));
                global = null;
                return "ok";
            case "ggtm":
                global = new GlobalStateMachine(CoreLimits.DEFAULT);
                return "ok";
            case "state":
                return active().describe().stripTrailing();
            case "end-session":
                return render(active().apply(new Command.EndSession(a.longArg("s", 1))));
            case "restart":
                return render(machine.apply(new Command.Restart(a.gxid("next"))));
            case "raise":
                return render(active().apply(new Command.RaiseNextGxid(a.gxid("next"))));
            case "new-term":
                return render(active().apply(new Command.NewTerm(a.longArg("term", 1))));
            case "range-granted":
                return render(machine.apply(new Command.RangeGranted(a.longArg("req"), a.gxid("first"), a.gxid("last"))));
            case "claim":
                return render(machine.apply(new Command.ClaimSubcluster(a.longArg("value"))));
            case "view":
                return view(machine.subcluster());
            case "sessions":
                return java.util.Arrays.toString(machine.knownSessions());
            default:
                int times = a.intArg("times", 1);
                long session = a.longArg("s", 1);
                int backend = a.intArg("b", Command.NO_BACKEND);
                long req = a.longArg("req", 0);
                long ack = a.longArg("ack", 0);
                boolean readPath = a.boolArg("read", false);
                Request request = request(a);
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < times; i++) {
                    lines.add(render(readPath ? readOnly(request)
                            : active().apply(new Command.Client(session, backend, req, ack, request))));
                }
                return String.join("\n", lines);
        }
    }

    /** {@link ReplicatedMachine#read}, checking that the state is exactly as before. */
    private Response readOnly(Request request) {
        ReplicatedMachine m = active();
        String before = m.describe();
        byte[] digest = m.digest();
        Response r = m.read(request);
        if (!before.equals(m.describe()) || !Arrays.equals(digest, m.digest())) {
            throw new AssertionError("read of " + request + " changed the state:\n" + before + "->\n"
                    + m.describe());
        }
        return r;
    }

    private static String render(Response r) {
        return ResponseText.render(r);
    }

    private ReplicatedMachine active() {
        return global != null ? global : machine;
    }

    private static String view(SubclusterView v) {
        if (v == null) {
            return "not a sub-cluster";
        }
        return "horizon=" + Gxids.toString(v.horizon()) + " remaining=" + v.remaining() + " demand="
                + Gxids.toString(v.demand()) + " remaining-above-demand=" + v.remainingFrom(v.demand())
                + " oldest-in-use=" + Gxids.toString(v.oldestInUse()) + " next-request=" + v.nextRequestId()
                + " skipped=" + v.skipped() + " cross=" + v.crossPrepared().stream().map(Gxids::toString).toList()
                .toString().replace(",", "");
    }

    private static Request request(Args a) {
        int iso = a.intArg("iso", 1);
        boolean ro = a.boolArg("ro", false);
        switch (a.name) {
            case "begin":
                return new Request.TxnBeginGetGxid(iso, ro);
            case "begin-handle":
                return new Request.TxnBegin(iso, ro);
            case "begin-vacuum":
                return new Request.TxnBeginGetGxidAutovacuum(iso, ro);
            case "begin-multi": {
                List<Request.BeginEntry> entries = new ArrayList<>();
                for (int conid : a.intList("conids")) {
                    entries.add(new Request.BeginEntry(iso, ro, (short) conid));
                }
                return new Request.TxnBeginGetGxidMulti(entries);
            }
            case "prepare":
                return new Request.TxnPrepare(a.ref(), a.intList("nodes"));
            case "commit":
                return new Request.TxnCommit(a.ref());
            case "rollback":
                return new Request.TxnRollback(a.ref());
            case "commit-multi":
                return new Request.TxnCommitMulti(a.refs());
            case "rollback-multi":
                return new Request.TxnRollbackMulti(a.refs());
            case "get-gxid":
                return new Request.TxnGetGxid(a.intArg("handle", 0));
            case "snapshot":
                return new Request.SnapshotGet(a.boolArg("grouped", true), a.ref());
            case "snapshot-multi":
                return new Request.SnapshotGetMulti(a.refs());
            case "snapshot-gxid":
                return new Request.SnapshotGxidGet(false, a.ref());
            case "status":
                return new Request.TxnGetStatus(a.ref());
            case "prepared-list":
                return new Request.TxnGetAllPrepared();
            case "disconnect":
                return new Request.BackendDisconnect();
            case "unregister":
                return new Request.UnregisterCoord(a.intArg("id", 1));
            case "seq-init":
                return new Request.SequenceInit(a.key("key"), a.seqValue("inc"), a.seqValue("min"), a.seqValue("max"),
                        a.seqValue("start"), a.boolArg("cycle", false));
            case "seq-alter":
                return new Request.SequenceAlter(a.key("key"), a.longArg("inc"), a.longArg("min"), a.longArg("max"),
                        a.longArg("start"), a.longArg("last", 0), a.boolArg("cycle", false), a.boolArg("restart", false));
            case "seq-next":
                return new Request.SequenceGetNext(a.key("key"));
            case "seq-current":
                return new Request.SequenceGetCurrent(a.key("key"));
            case "seq-last":
                return new Request.SequenceGetLast(a.key("key"));
            case "seq-setval":
                return new Request.SequenceSetVal(a.key("key"), a.longArg("value"), a.boolArg("called", true));
            case "seq-reset":
                return new Request.SequenceReset(a.key("key"));
            case "seq-close":
                return new Request.SequenceClose(a.key("key"));
            case "seq-rename":
                return new Request.SequenceRename(a.key("key"), a.key("to"));
            case "register":
                return new SubclusterRequest.Register(a.gxid("gxid"), a.required("home"), iso, ro);
            case "begin-above":
                return new SubclusterRequest.BeginAbove(a.gxid("floor"), iso, ro);
            case "prepare-cross":
                return new SubclusterRequest.PrepareCross(a.gxid("gxid"));
            case "range":
                return new SubclusterRequest.RangeRequest(a.required("name"), a.longArg("claim", 1), a.longArg("id"),
                        a.intArg("size", 100), a.intArg("oldest", 0), a.intArg("atleast", 0));
            case "decide":
                return new SubclusterRequest.Decide(a.gxid("gxid"), a.boolArg("commit", true));
            case "forget":
                return new SubclusterRequest.Forget(a.gxid("gxid"));
            default:
                throw new IllegalArgumentException("unknown command " + a.name);
        }
    }

    /** Snapshot, restore, compare, and go on with the restored copy. */
    private void roundTrip() {
        if (global != null) {
            roundTripGlobal();
            return;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            machine.writeSnapshot(new DataOutputStream(bytes), 42);
            GtmStateMachine.Restored r = GtmStateMachine.readSnapshot(
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), machine.limits());
            if (r.appliedIndex() != 42 || !r.state().describe().equals(machine.describe())
                    || !Arrays.equals(r.state().digest(), machine.digest())) {
                throw new AssertionError("snapshot round trip changed the state:\n" + machine.describe()
                        + "---- became\n" + r.state().describe());
            }
            machine = r.state();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void roundTripGlobal() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            global.writeSnapshot(new DataOutputStream(bytes), 42);
            GlobalStateMachine.Restored r = GlobalStateMachine.readSnapshot(
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), CoreLimits.DEFAULT);
            if (r.appliedIndex() != 42 || !r.state().describe().equals(global.describe())
                    || !Arrays.equals(r.state().digest(), global.digest())) {
                throw new AssertionError("G-GTM snapshot round trip changed the state:\n" + global.describe()
                        + "---- became\n" + r.state().describe());
            }
            global = r.state();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parsed {@code name key=value ...}; every argument must be used, so typos fail loudly. */
    private static final class Args {
        final String name;
        final Map<String, String> values = new LinkedHashMap<>();
        private final Set<String> used = new HashSet<>();

        Args(String line) {
            String[] parts = line.trim().split("\\s+");
            name = parts[0];
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("argument without '=': " + parts[i]);
                }
                if (values.put(parts[i].substring(0, eq), parts[i].substring(eq + 1)) != null) {
                    throw new IllegalArgumentException("argument given twice: " + parts[i]);
                }
            }
        }

        private String raw(String key) {
            used.add(key);
            return values.get(key);
        }

        void checkAllUsed() {
            for (String k : values.keySet()) {
                if (!used.contains(k)) {
                    throw new IllegalArgumentException("command " + name + " does not take " + k + "=");
                }
            }
        }

        String required(String key) {
            String v = raw(key);
            if (v == null) {
                throw new IllegalArgumentException("command " + name + " needs " + key + "=");
            }
            return v;
        }

        int intArg(String key, int dflt) {
            String v = raw(key);
            return v == null ? dflt : (int) parseLong(v);
        }

        long longArg(String key, long dflt) {
            String v = raw(key);
            return v == null ? dflt : parseLong(v);
        }

        long longArg(String key) {
            return parseLong(required(key));
        }

        boolean boolArg(String key, boolean dflt) {
            String v = raw(key);
            return v == null ? dflt : v.equals("1") || v.equals("true");
        }

        /** A sequence INIT value; omitted means "not given" (0x7FFF...FFFF). */
        long seqValue(String key) {
            String v = raw(key);
            return v == null ? Request.UNSET_SEQUENCE_VALUE : parseLong(v);
        }

        int gxid(String key) {
            return (int) parseLong(required(key));
        }

        /** key=text, or keylen=N for a key of N letters 'k' (likewise to= / tolen=). */
        SequenceKey key(String key) {
            String len = raw(key + "len");
            if (len != null) {
                return SequenceKey.of("k".repeat(Integer.parseInt(len)));
            }
            return SequenceKey.of(required(key));
        }

        List<Integer> intList(String key) {
            String v = raw(key);
            List<Integer> out = new ArrayList<>();
            if (v != null && !v.isEmpty()) {
                for (String p : v.split(",")) {
                    out.add((int) parseLong(p));
                }
            }
            return out;
        }

        /** gxid=N or handle=N. */
        TxnRef ref() {
            String g = raw("gxid");
            String h = raw("handle");
            if ((g == null) == (h == null)) {
                throw new IllegalArgumentException("command " + name + " needs exactly one of gxid= and handle=");
            }
            return g != null ? TxnRef.gxid((int) parseLong(g)) : TxnRef.handle((int) parseLong(h));
        }

        /** gxids=1,2 or handles=0,1 or refs=g1000,h3 (mixed). */
        List<TxnRef> refs() {
            List<TxnRef> out = new ArrayList<>();
            for (int g : intList("gxids")) {
                out.add(TxnRef.gxid(g));
            }
            for (int h : intList("handles")) {
                out.add(TxnRef.handle(h));
            }
            String mixed = raw("refs");
            if (mixed != null) {
                for (String p : mixed.split(",")) {
                    int id = (int) parseLong(p.substring(1));
                    out.add(p.charAt(0) == 'g' ? TxnRef.gxid(id) : TxnRef.handle(id));
                }
            }
            return out;
        }

        /** Decimal (signed) or 0x hex (unsigned, up to 64 bits). */
        static long parseLong(String v) {
            if (v.startsWith("0x") || v.startsWith("0X")) {
                return Long.parseUnsignedLong(v.substring(2), 16);
            }
            if (v.startsWith("-0x")) {
                return -Long.parseUnsignedLong(v.substring(3), 16);
            }
            return Long.parseLong(v);
        }
    }
}
