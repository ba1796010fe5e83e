package org.mgtm.core;

import java.util.List;

/** The text rendering behind {@link GtmStateMachine#describe()}: stable, one fact per line. */
final class StateText {
    private StateText() {
    }

    static String describe(GtmStateMachine m) {
        TransactionTable txns = m.transactions.txns;
        StringBuilder sb = new StringBuilder();
        sb.append("gxids next=").append(Gxids.toString(m.transactions.nextGxid))
                .append(" latest-completed=").append(Gxids.toString(m.transactions.latestCompleted)).append('\n');
        sb.append("counts open=").append(txns.count()).append(" prepared=").append(txns.preparedCount())
                .append(" sequences=").append(m.sequences.count()).append(" sessions=").append(m.sessions.count())
                .append(" last-handle=").append(txns.lastHandle())
                .append(" sequence-changes=").append(m.sequences.changes())
                .append(" prepared-changes=").append(m.transactions.preparedChanges).append('\n');
        for (int s = txns.head(); s != TransactionTable.NONE; s = txns.next(s)) {
            sb.append("txn handle=").append(s).append(" gxid=").append(Gxids.toString(txns.gxid(s)))
                    .append(" state=").append(TxnState.name(txns.state(s)))
                    .append(" owner=").append(txns.owner(s)).append(" backend=").append(txns.backend(s))
                    .append(" vacuum=").append(txns.vacuum(s))
                    .append(" xmin=").append(Gxids.toString(txns.xmin(s)))
                    .append(" iso=").append(txns.isolation(s)).append(" ro=").append(txns.readOnly(s));
            int[] nodes = txns.nodes(s);
            if (nodes != null) {
                sb.append(" nodes=[");
                for (int i = 0; i < nodes.length; i++) {
                    sb.append(i == 0 ? "" : " ").append(Integer.toUnsignedString(nodes[i]));
                }
                sb.append(']');
            }
            sb.append('\n');
        }
        for (Sequence q : m.sequences.sorted()) {
            sb.append(q.describe()).append('\n');
        }
        for (SessionTable.Session s : m.sessions.sorted()) {
            sb.append(s.describe()).append('\n');
        }
        Subcluster sc = m.transactions.subcluster;
        if (sc != null) {
            sb.append("subcluster ").append(sc.name).append(" claim=").append(sc.claim)
                    .append(" next-request=").append(sc.nextRequestId)
                    .append(" demand=").append(Gxids.toString(sc.demand))
                    .append(" last-leased=").append(Gxids.toString(sc.leases.lastLeased()))
                    .append(" skipped=").append(sc.leases.skipped()).append(" leases=[");
            List<int[]> ranges = sc.leases.ranges();
            for (int i = 0; i < ranges.size(); i++) {
                sb.append(i == 0 ? "" : " ").append(Gxids.toString(ranges.get(i)[0])).append('-')
                        .append(Gxids.toString(ranges.get(i)[1]));
            }
            sb.append("] cross=").append(sc.crossPrepared().stream().map(Gxids::toString).toList()
                    .toString().replace(",", "")).append('\n');
        }
        return sb.toString();
    }
}
