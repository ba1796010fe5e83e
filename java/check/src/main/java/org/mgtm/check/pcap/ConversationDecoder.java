package org.mgtm.check.pcap;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.mgtm.protocol.MessageType;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.WireFormat;
import org.mgtm.protocol.WireMessage;
import org.mgtm.protocol.codec.XcRequestDecoder;
import org.mgtm.protocol.codec.XcResponseDecoder;

/**
 * Decodes both directions of a captured connection with the project's own codecs (the request
 * decoder a GTM uses on client bytes, the answer decoder a client uses on server bytes) and pairs
 * each request with its answer. The framing comes from the startup: isproxy=1 is a gtm_proxy
 * worker, whose commands and answers carry a conid. A GTM answers a connection's requests in the
 * order they came (protocol notes, "Proxy connections"), except the ones it never answers (flush, terminate,
 * BACKEND_DISCONNECT, UNREGISTER_COORD); so answer i belongs to the i-th request that is owed one.
 * An answer whose result type or conid does not fit its request means the pairing is lost: the
 * requests from there on are left without answers, which the history reads as unknown outcomes.
 */
public final class ConversationDecoder {
    private record Timed<T>(T message, long time) {
    }

    private final WireFormat format;

    public ConversationDecoder(WireFormat format) {
        this.format = format;
    }

    public Conversation decode(TcpConnection c) {
        List<String> notes = new ArrayList<>();
        TcpStream up = c.toServer();
        TcpStream down = c.toClient();
        for (TcpStream s : List.of(up, down)) {
            if (s.bytesAfterHole() > 0) {
                notes.add((s == up ? "client" : "server") + " stream: " + s.bytesAfterHole() + " bytes after byte "
                        + s.holeAt() + " were captured but the bytes before them were not; they are ignored");
            }
        }
        XcRequestDecoder requestDecoder = new XcRequestDecoder(format, true);
        List<Timed<WireMessage.Frontend>> requests = feed(requestDecoder, up, "client", notes);
        boolean proxy = requestDecoder.proxyFraming();
        List<Timed<WireMessage.Backend>> answers = feed(new XcResponseDecoder(format, proxy), down, "server", notes);
        List<Conversation.Exchange> exchanges = pair(requests, answers, proxy, notes);
        return new Conversation(c, proxy, exchanges, requests.size(), answers.size(), notes);
    }

    /** Feeds the stream chunk by chunk: a message is stamped with the time of the chunk that completed it. */
    @SuppressWarnings("unchecked")
    private static <T> List<Timed<T>> feed(ChannelHandler decoder, TcpStream stream, String side, List<String> notes) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<Timed<T>> out = new ArrayList<>();
        byte[] bytes = stream.bytes();
        int from = 0;
        for (TcpStream.Chunk chunk : stream.chunks()) {
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, chunk.end() - from));
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                notes.add(side + " stream cannot be decoded from about byte " + from + ": " + cause.getMessage()
                        + "; the rest of it is ignored");
                drain(channel, out, chunk.timeNanos());
                channel.finishAndReleaseAll();
                return out;
            }
            drain(channel, out, chunk.timeNanos());
            from = chunk.end();
        }
        channel.finishAndReleaseAll();
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> void drain(EmbeddedChannel channel, List<Timed<T>> out, long time) {
        Object m;
        while ((m = channel.readInbound()) != null) {
            out.add(new Timed<>((T) m, time));
        }
    }

    private static List<Conversation.Exchange> pair(List<Timed<WireMessage.Frontend>> requests,
                                                    List<Timed<WireMessage.Backend>> answers, boolean proxy,
                                                    List<String> notes) {
        Deque<Timed<WireMessage.Backend>> queue = new ArrayDeque<>(answers);
        List<Conversation.Exchange> out = new ArrayList<>();
        boolean inStep = true;
        int start = 0;
        if (!requests.isEmpty() && requests.get(0).message() instanceof WireMessage.Startup) {
            start = 1;
            Timed<WireMessage.Backend> ack = queue.peekFirst();
            if (ack != null && ack.message() instanceof WireMessage.StartupAck) {
                queue.pollFirst();
            } else if (ack != null) {
                notes.add("the server's first message is not the startup acknowledgement: answers are not paired");
                inStep = false;
            }
        }
        for (int i = start; i < requests.size(); i++) {
            Timed<WireMessage.Frontend> r = requests.get(i);
            Due due = due(r.message());
            if (due == Due.NEVER) {
                out.add(new Conversation.Exchange(r.message(), r.time(), null, 0, false));
                continue;
            }
            Timed<WireMessage.Backend> next = inStep ? queue.peekFirst() : null;
            if (due == Due.MAYBE && (next == null || !fits(r.message(), next.message(), proxy))) {
                out.add(new Conversation.Exchange(r.message(), r.time(), null, 0, false));
                continue;
            }
            if (next != null && !fits(r.message(), next.message(), proxy)) {
                notes.add("answer " + describe(next.message()) + " does not fit request " + describe(r.message())
                        + ": requests from here on are taken as unanswered");
                inStep = false;
                next = null;
            }
            if (next != null) {
                queue.pollFirst();
                WireMessage.Answer a = (WireMessage.Answer) next.message();
                out.add(new Conversation.Exchange(r.message(), r.time(), a, Math.max(next.time(), r.time()), true));
            } else {
                out.add(new Conversation.Exchange(r.message(), r.time(), null, 0, true));
            }
        }
        if (inStep && !queue.isEmpty()) {
            notes.add(queue.size() + " answers without a captured request");
        }
        return out;
    }

    private enum Due { ALWAYS, MAYBE, NEVER }

    /** Whether the server owes this message an answer. */
    private static Due due(WireMessage.Frontend m) {
        if (m instanceof WireMessage.InvalidCommand) {
            return Due.ALWAYS; // an error answer (or a close, for an unknown type on an XC GTM)
        }
        if (!(m instanceof WireMessage.Command c)) {
            return Due.NEVER; // 'F', 'X'
        }
        return switch (c.request().type()) {
            case BACKEND_DISCONNECT, UNREGISTER_COORD, DATA_FLUSH -> Due.NEVER;
            // The XC GTM reads these and sends nothing; mgtm answers the last two.
            case SEQUENCE_GET_LAST, TXN_GET_STATUS, TXN_GET_ALL_PREPARED -> Due.MAYBE;
            default -> Due.ALWAYS;
        };
    }

    /** Whether the answer can be the one for this request: its result type, and on proxy links its conid. */
    private static boolean fits(WireMessage.Frontend request, WireMessage.Backend answer, boolean proxy) {
        if (!(answer instanceof WireMessage.Answer a)) {
            return false;
        }
        int conid = request instanceof WireMessage.Command c ? c.conid()
                : request instanceof WireMessage.InvalidCommand ic ? ic.conid() : WireMessage.NO_CONID;
        if (proxy && a.conid() != conid) {
            return false;
        }
        if (a.response() instanceof Response.Error) {
            return true;
        }
        if (!(request instanceof WireMessage.Command c) || !(a.response() instanceof Response.Success s)) {
            return false;
        }
        return s.resultType() == expected(c.request().type());
    }

    /** The result type that answers a message type: the enums name them alike. */
    static ResultType expected(MessageType type) {
        try {
            return ResultType.valueOf(type.name());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String describe(WireMessage m) {
        if (m instanceof WireMessage.Command c) {
            Request r = c.request();
            return r.type() + (c.conid() == WireMessage.NO_CONID ? "" : " (conid " + c.conid() + ")");
        }
        if (m instanceof WireMessage.Answer a) {
            String what = a.response() instanceof Response.Success s ? s.resultType().toString()
                    : "error " + a.response();
            return what + (a.conid() == WireMessage.NO_CONID ? "" : " (conid " + a.conid() + ")");
        }
        return m.getClass().getSimpleName();
    }
}
