package org.mgtm.core;

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
        return sb.toString();
    }
}
