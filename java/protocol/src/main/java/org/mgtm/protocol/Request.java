package org.mgtm.protocol;

import java.util.List;

/**
 * The payload of a 'C' command message, decoded: one record per {@link MessageType}. Records hold
 * values only; byte order and framing are the codecs' business. GXIDs and handles are unsigned
 * 32-bit values held in ints; sequence values are int64.
 */
public sealed interface Request {

    /** The message type this request travels as. */
    MessageType type();

    /**
     * A request that exists only between mgtm processes (the sub-cluster requests of
     * {@code org.mgtm.protocol.subcluster}): it travels in the internal protocol and the replicated log,
     * never on the XC wire, so it has no XC message type ({@link MessageType#INVALID}, which no XC frame
     * carries; the XC decoders refuse the code extensions travel as).
     */
    non-sealed interface Extension extends Request {
        @Override
        default MessageType type() {
            return MessageType.INVALID;
        }
    }

    /** Requests that name no transaction: begin a new one, with or without a GXID. */
    record TxnBegin(int isolation, boolean readOnly) implements Request {
        public MessageType type() {
            return MessageType.TXN_BEGIN;
        }
    }

    record TxnBeginGetGxid(int isolation, boolean readOnly) implements Request {
        public MessageType type() {
            return MessageType.TXN_BEGIN_GETGXID;
        }
    }

    record TxnBeginGetGxidAutovacuum(int isolation, boolean readOnly) implements Request {
        public MessageType type() {
            return MessageType.TXN_BEGIN_GETGXID_AUTOVACUUM;
        }
    }

    /** One entry of a grouped begin: the proxy's backend slot (conid) becomes the backend id. */
    record BeginEntry(int isolation, boolean readOnly, short conid) {
    }

    record TxnBeginGetGxidMulti(List<BeginEntry> entries) implements Request {
        public TxnBeginGetGxidMulti {
            entries = List.copyOf(entries);
        }

        public MessageType type() {
            return MessageType.TXN_BEGIN_GETGXID_MULTI;
        }
    }

    record TxnPrepare(TxnRef txn, List<Integer> nodes) implements Request {
        public TxnPrepare {
            nodes = List.copyOf(nodes);
        }

        public MessageType type() {
            return MessageType.TXN_PREPARE;
        }
    }

    record TxnCommit(TxnRef txn) implements Request {
        public MessageType type() {
            return MessageType.TXN_COMMIT;
        }
    }

    record TxnRollback(TxnRef txn) implements Request {
        public MessageType type() {
            return MessageType.TXN_ROLLBACK;
        }
    }

    record TxnCommitMulti(List<TxnRef> txns) implements Request {
        public TxnCommitMulti {
            txns = List.copyOf(txns);
        }

        public MessageType type() {
            return MessageType.TXN_COMMIT_MULTI;
        }
    }

    record TxnRollbackMulti(List<TxnRef> txns) implements Request {
        public TxnRollbackMulti {
            txns = List.copyOf(txns);
        }

        public MessageType type() {
            return MessageType.TXN_ROLLBACK_MULTI;
        }
    }

    record TxnGetGxid(int handle) implements Request {
        public MessageType type() {
            return MessageType.TXN_GET_GXID;
        }
    }

    record SnapshotGet(boolean canBeGrouped, TxnRef txn) implements Request {
        public MessageType type() {
            return MessageType.SNAPSHOT_GET;
        }
    }

    record SnapshotGetMulti(List<TxnRef> txns) implements Request {
        public SnapshotGetMulti {
            txns = List.copyOf(txns);
        }

        public MessageType type() {
            return MessageType.SNAPSHOT_GET_MULTI;
        }
    }

    record SnapshotGxidGet(boolean canBeGrouped, TxnRef txn) implements Request {
        public MessageType type() {
            return MessageType.SNAPSHOT_GXID_GET;
        }
    }

    /** Status of one transaction (mgtm answers it; the XC GTM never did). Payload: isgxid, id. */
    record TxnGetStatus(TxnRef txn) implements Request {
        public MessageType type() {
            return MessageType.TXN_GET_STATUS;
        }
    }

    /** The GXIDs of every prepared transaction (mgtm answers it; the XC GTM never did). No payload. */
    record TxnGetAllPrepared() implements Request {
        public MessageType type() {
            return MessageType.TXN_GET_ALL_PREPARED;
        }
    }

    /** The value {@code 0x7FFF_FFFF_FFFF_FFFF} in INIT means "not given, use the default". */
    long UNSET_SEQUENCE_VALUE = Long.MAX_VALUE;

    record SequenceInit(SequenceKey key, long increment, long minValue, long maxValue, long startValue,
                        boolean cycle) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_INIT;
        }
    }

    record SequenceAlter(SequenceKey key, long increment, long minValue, long maxValue, long startValue,
                         long lastValue, boolean cycle, boolean isRestart) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_ALTER;
        }
    }

    record SequenceGetCurrent(SequenceKey key) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_GET_CURRENT;
        }
    }

    record SequenceGetNext(SequenceKey key) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_GET_NEXT;
        }
    }

    record SequenceGetLast(SequenceKey key) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_GET_LAST;
        }
    }

    record SequenceSetVal(SequenceKey key, long value, boolean isCalled) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_SET_VAL;
        }
    }

    record SequenceReset(SequenceKey key) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_RESET;
        }
    }

    record SequenceClose(SequenceKey key) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_CLOSE;
        }
    }

    record SequenceRename(SequenceKey oldKey, SequenceKey newKey) implements Request {
        public MessageType type() {
            return MessageType.SEQUENCE_RENAME;
        }
    }

    /** A proxy backend went away: end its transactions (the slot is the frame's conid). No answer. */
    record BackendDisconnect() implements Request {
        public MessageType type() {
            return MessageType.BACKEND_DISCONNECT;
        }
    }

    /** A no-op kept for completeness; never answered unless malformed. */
    record UnregisterCoord(int coordinatorId) implements Request {
        public MessageType type() {
            return MessageType.UNREGISTER_COORD;
        }
    }
}
