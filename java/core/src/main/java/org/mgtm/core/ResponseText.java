package org.mgtm.core;

import java.util.List;
import java.util.Locale;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.SequenceKey;

/**
 * One stable line per {@link Response}, for test scripts, logs and tools. GXIDs are unsigned,
 * statuses signed; lists are space-separated in brackets. Examples:
 * <pre>
 * gxid 1000
 * gxids count=3 first=1000
 * committed gxid=1000 status=0
 * snapshot gxid=1007 status=0 xmin=1004 xmax=1007 rgxmin=1004 xip=[1004]
 * seq-get-next key=db.public.s1 value=5
 * error ERROR "Failed to get a snapshot"
 * </pre>
 */
public final class ResponseText {
    private ResponseText() {
    }

    public static String render(Response r) {
        if (r instanceof org.mgtm.protocol.subcluster.SubclusterResponse s) {
            return SubclusterText.render(s);
        }
        if (r instanceof Response.Error e) {
            return "error " + e.severity() + " \"" + e.message() + "\"";
        } else if (r instanceof Response.None) {
            return "none";
        } else if (r instanceof Response.BeginHandle b) {
            return "handle " + b.handle();
        } else if (r instanceof Response.BeginGxid b) {
            return (b.resultType() == ResultType.TXN_BEGIN_GETGXID_AUTOVACUUM ? "vacuum-gxid " : "gxid ")
                    + Gxids.toString(b.gxid());
        } else if (r instanceof Response.BeginGxidMulti b) {
            return "gxids count=" + b.count() + " first=" + Gxids.toString(b.firstGxid());
        } else if (r instanceof Response.Prepared p) {
            return "prepared gxid=" + Gxids.toString(p.gxid());
        } else if (r instanceof Response.Ended e) {
            return (e.resultType() == ResultType.TXN_COMMIT ? "committed" : "rolled-back") + " gxid="
                    + Gxids.toString(e.gxid()) + (e.hasStatus() ? " status=" + e.status() : "");
        } else if (r instanceof Response.EndedMulti e) {
            return (e.resultType() == ResultType.TXN_COMMIT_MULTI ? "committed-multi" : "rolled-back-multi")
                    + " statuses=" + list(e.statuses(), false);
        } else if (r instanceof Response.HandleGxid h) {
            return "handle-gxid handle=" + h.handle() + " gxid=" + Gxids.toString(h.gxid());
        } else if (r instanceof Response.SnapshotResult s) {
            return "snapshot gxid=" + Gxids.toString(s.gxid()) + " status=" + s.status() + " " + s.snapshot();
        } else if (r instanceof Response.SnapshotMultiResult s) {
            return "snapshot-multi statuses=" + list(s.statuses(), false) + " " + s.snapshot();
        } else if (r instanceof Response.SnapshotGxidResult s) {
            return "snapshot-gxid handle=" + s.handle() + " gxid=" + Gxids.toString(s.gxid()) + " status="
                    + s.status() + " " + s.snapshot();
        } else if (r instanceof Response.SequenceKeyResult s) {
            return name(s.resultType()) + " key=" + key(s.key());
        } else if (r instanceof Response.SequenceValue s) {
            return name(s.resultType()) + " key=" + key(s.key()) + " value=" + s.value();
        } else if (r instanceof Response.TxnStatus t) {
            return "status gxid=" + Gxids.toString(t.gxid()) + " state=" + t.state();
        } else if (r instanceof Response.AllPrepared a) {
            return "all-prepared " + list(a.gxids(), true);
        }
        return r.toString();
    }

    /**
     * A key as one token of text: UTF-8, with control characters, space and backslash written as
     * {@code \xNN}, so renderings stay one line per fact whatever bytes a key holds.
     */
    public static String key(SequenceKey key) {
        String text = key.toString();
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == '\\' || c == 0x7F) {
                if (sb == null) {
                    sb = new StringBuilder(text.substring(0, i));
                }
                sb.append(String.format("\\x%02X", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** SEQUENCE_GET_NEXT -> seq-get-next. */
    private static String name(ResultType t) {
        return "seq-" + t.name().substring("SEQUENCE_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String list(List<Integer> values, boolean unsigned) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            int v = values.get(i);
            sb.append(i == 0 ? "" : " ").append(unsigned ? Integer.toUnsignedString(v) : Integer.toString(v));
        }
        return sb.append(']').toString();
    }
}
