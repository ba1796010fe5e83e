package org.mgtm.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reading of the race reader (issue 9 item 6): in one SERIALIZABLE transaction through a
 * coordinator, the snapshot ({@code txid_current_snapshot()}), every pgbench_branches row with its
 * xmin and xmax, and sum(pgbench_history.delta), as {@code psql -X -q -At -F:} prints them: the
 * snapshot line {@code xmin:xmax:xip,...}, a line {@code bid:bbalance:xmin:xmax} per row, the sum.
 *
 * <p>A reading is consistent when it holds exactly one row per branch and sum(bbalance) equals
 * sum(delta): pgbench adds each delta to a branch and to the history in one transaction, and the
 * transfer client moves money between branches without changing the total. Otherwise it is
 * <em>doubled</em> (a branch seen twice: two versions of one row visible at once), <em>missing</em>
 * (a branch not seen at all, as when lazy vacuum on a datanode pruned a version the snapshot still
 * needs) or <em>other</em> (one row per branch, yet the sums differ).
 *
 * <p>Every doubled reading seen so far had one pattern: the older version's xmax (transaction b) is
 * listed in the snapshot's xip while the newer version's xmin (transaction c) is not. b had committed
 * on its datanode — its row locks released, so c could update b's version — but not yet on the GTM,
 * while c committed on the GTM first: XC commits on the datanodes before the GTM, and implicit 2PC
 * adds round trips inside that window. {@link #racePattern()} says whether a doubled reading shows it.
 */
record RaceSample(long atMicros, Kind kind, Snapshot snapshot, List<Row> rows, String historySum, String detail,
                  boolean racePattern, String output) {
    /** How a reading is classified. */
    enum Kind {
        CONSISTENT, DOUBLED, MISSING, OTHER,
        /** psql failed or printed something that is not a reading. */
        FAILED;

        boolean inconsistent() {
            return this == DOUBLED || this == MISSING || this == OTHER;
        }
    }

    /** txid_current_snapshot(): transaction ids with their epoch; compared with xmin/xmax by the low 32 bits. */
    record Snapshot(long xmin, long xmax, Set<Long> xip) {
        boolean lists(long xid) {
            return xip.contains(xid & 0xFFFF_FFFFL);
        }

        @Override
        public String toString() {
            return xmin + ":" + xmax + ":" + String.join(",", xip.stream().map(String::valueOf).toList());
        }
    }

    /** A pgbench_branches row version as the reader saw it. */
    record Row(int bid, long bbalance, long xmin, long xmax) {
        @Override
        public String toString() {
            return "bid " + bid + " bbalance " + bbalance + " xmin " + xmin + " xmax " + xmax;
        }
    }

    private static final Pattern SNAPSHOT = Pattern.compile("(\\d+):(\\d+):([\\d,]*)");
    private static final Pattern ROW = Pattern.compile("(\\d+):(-?\\d+):(\\d+):(\\d+)");
    private static final Pattern SUM = Pattern.compile("(-?\\d+)?");

    /** A reading whose psql failed: {@code why} says how. */
    static RaceSample failed(long atMicros, String why, String output) {
        return new RaceSample(atMicros, Kind.FAILED, null, List.of(), "", why, false, output);
    }

    /** Parses and classifies psql's output of one reading of a database with {@code branches} branches. */
    static RaceSample parse(long atMicros, String output, int branches) {
        // Blank lines are kept: sum(delta) of an empty history is NULL, which psql -At prints as one.
        List<String> lines = output.lines().map(String::strip).toList();
        if (lines.size() < 2) {
            return failed(atMicros, "not a reading: " + lines.size() + " lines", output);
        }
        Matcher s = SNAPSHOT.matcher(lines.get(0));
        String sum = lines.get(lines.size() - 1);
        if (!s.matches() || !SUM.matcher(sum).matches()) {
            return failed(atMicros, "not a reading: no snapshot first or no sum last", output);
        }
        Set<Long> xip = new TreeSet<>();
        for (String x : s.group(3).split(",")) {
            if (!x.isEmpty()) {
                xip.add(Long.parseLong(x) & 0xFFFF_FFFFL);
            }
        }
        Snapshot snapshot = new Snapshot(Long.parseLong(s.group(1)), Long.parseLong(s.group(2)), xip);
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size() - 1)) {
            Matcher r = ROW.matcher(line);
            if (!r.matches()) {
                return failed(atMicros, "not a branch row: " + line, output);
            }
            rows.add(new Row(Integer.parseInt(r.group(1)), Long.parseLong(r.group(2)), Long.parseLong(r.group(3)),
                    Long.parseLong(r.group(4))));
        }
        return classify(atMicros, snapshot, rows, sum, branches, output);
    }

    private static RaceSample classify(long atMicros, Snapshot snapshot, List<Row> rows, String sum, int branches,
                                       String output) {
        Map<Integer, List<Row>> byBranch = new TreeMap<>();
        for (Row r : rows) {
            byBranch.computeIfAbsent(r.bid(), k -> new ArrayList<>()).add(r);
        }
        long balance = rows.stream().mapToLong(Row::bbalance).sum();
        List<Integer> missing = new ArrayList<>();
        for (int bid = 1; bid <= branches; bid++) {
            if (!byBranch.containsKey(bid)) {
                missing.add(bid);
            }
        }
        StringBuilder detail = new StringBuilder("snapshot " + snapshot + "; sum(bbalance) " + balance
                + ", sum(delta) " + (sum.isEmpty() ? "NULL" : sum));
        boolean pattern = true;
        boolean doubled = false;
        for (Map.Entry<Integer, List<Row>> b : byBranch.entrySet()) {
            if (b.getValue().size() > 1) {
                doubled = true;
                boolean seen = showsRacePattern(b.getValue(), snapshot);
                pattern &= seen;
                detail.append("; branch ").append(b.getKey()).append(" seen ").append(b.getValue().size())
                        .append(" times: ").append(b.getValue()).append(seen ? " (older xmax in xip, newer xmin not)"
                                : " (not the b-in-xip, c-not pattern)");
            }
        }
        if (!missing.isEmpty()) {
            detail.append("; branches not seen: ").append(missing);
        }
        Kind kind = doubled ? Kind.DOUBLED : !missing.isEmpty() ? Kind.MISSING
                : balance == (sum.isEmpty() ? 0 : Long.parseLong(sum)) ? Kind.CONSISTENT : Kind.OTHER;
        return new RaceSample(atMicros, kind, snapshot, List.copyOf(rows), sum, detail.toString(),
                doubled && pattern, output);
    }

    /**
     * True when one version's xmax (b) is listed in the snapshot's xip and another version's xmin (c)
     * is not: the deleter of the older version counted as running, the creator of the newer one as
     * committed.
     */
    static boolean showsRacePattern(List<Row> versions, Snapshot snapshot) {
        for (Row older : versions) {
            for (Row newer : versions) {
                if (older != newer && older.xmax() != 0 && snapshot.lists(older.xmax())
                        && newer.xmin() != older.xmin() && !snapshot.lists(newer.xmin())) {
                    return true;
                }
            }
        }
        return false;
    }
}
