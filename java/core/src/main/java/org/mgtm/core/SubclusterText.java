package org.mgtm.core;

import org.mgtm.protocol.subcluster.SubclusterResponse;

/** One stable line per sub-cluster answer ({@link ResponseText} for the XC ones). */
final class SubclusterText {
    private SubclusterText() {
    }

    static String render(SubclusterResponse r) {
        if (r instanceof SubclusterResponse.RangeGrant g) {
            return "range request=" + g.requestId() + " " + Gxids.toString(g.first()) + "-" + Gxids.toString(g.last());
        } else if (r instanceof SubclusterResponse.Decision d) {
            return "decision gxid=" + Gxids.toString(d.gxid()) + " " + (d.commit() ? "commit" : "abort");
        } else if (r instanceof SubclusterResponse.Registered g) {
            return "registered gxid=" + Gxids.toString(g.gxid());
        } else if (r instanceof SubclusterResponse.Refused f) {
            return "refused " + (f.reason() == SubclusterResponse.Refused.TOO_OLD ? "too-old" : "no-lease")
                    + " horizon=" + Gxids.toString(f.horizon()) + " \"" + f.message() + "\"";
        }
        throw new IllegalArgumentException("no text for " + r);
    }
}
