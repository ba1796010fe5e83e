package org.mgtm.protocol;

/**
 * One framed message of the XC GTM protocol as the codecs see it. Frontend messages travel from a
 * client (backend or proxy worker) to a GTM; backend messages travel back. {@link #NO_CONID} in a
 * conid field means the connection uses plain framing (no 2-byte proxy header).
 */
public sealed interface WireMessage {

    /** Marks plain framing: the frame has no proxy header at all. */
    int NO_CONID = Integer.MIN_VALUE;

    /** The conid gtm_proxy uses for grouped (MULTI) requests. */
    short GROUP_CONID = -1;

    /** Client to server. */
    sealed interface Frontend extends WireMessage {
    }

    /** Server to client. */
    sealed interface Backend extends WireMessage {
    }

    /** 'A': coordinator id and whether the peer is a gtm_proxy worker (proxy framing from then on). */
    record Startup(int coordinatorId, boolean isProxy) implements Frontend {
    }

    /** 'C': a request, with the proxy header's conid or {@link #NO_CONID}. */
    record Command(int conid, Request request) implements Frontend {
        public static Command plain(Request request) {
            return new Command(NO_CONID, request);
        }
    }

    /**
     * A 'C' frame whose frame was sound but whose payload was not (unknown type, truncated body,
     * trailing bytes on a strict message, bad count): answer {@code error} and keep the connection.
     */
    record InvalidCommand(int conid, int messageType, String error) implements Frontend {
    }

    /** 'F' (MSG_DATA_FLUSH): no answer. */
    record Flush() implements Frontend {
        public static final Flush INSTANCE = new Flush();
    }

    /** 'X': the client leaves. */
    record Terminate() implements Frontend {
        public static final Terminate INSTANCE = new Terminate();
    }

    /** 'R': the startup acknowledgement, always exactly {@code 52 00 00 00 04}. */
    record StartupAck() implements Backend {
        public static final StartupAck INSTANCE = new StartupAck();
    }

    /** 'S' or 'E' for one request; conid is echoed on proxy connections, {@link #NO_CONID} otherwise. */
    record Answer(int conid, Response response) implements Backend {
        public Answer {
            if (response instanceof Response.None) {
                throw new IllegalArgumentException("a None response is not sent");
            }
        }
    }
}
