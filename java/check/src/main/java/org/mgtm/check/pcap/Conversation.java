package org.mgtm.check.pcap;

import java.util.List;
import org.mgtm.protocol.WireMessage;

/**
 * The GTM messages of one captured connection, with requests paired to their answers.
 *
 * @param connection   the TCP connection
 * @param proxyFraming the client said isproxy=1 at startup (a gtm_proxy worker): conid headers
 * @param exchanges    every client message after the startup, in order, each with its answer if one
 *                     was captured and belongs to it
 * @param clientFrames messages decoded client to server (startup included)
 * @param serverFrames messages decoded server to client (startup acknowledgement included)
 * @param notes        what could not be decoded or paired, one line each
 */
public record Conversation(TcpConnection connection, boolean proxyFraming, List<Exchange> exchanges,
                           int clientFrames, int serverFrames, List<String> notes) {
    public Conversation {
        exchanges = List.copyOf(exchanges);
        notes = List.copyOf(notes);
    }

    /**
     * One client message and what came back.
     *
     * @param request      the message ('C' command, invalid command, 'F' or 'X')
     * @param sentAt       capture time of its last byte (nanoseconds since the epoch)
     * @param answer       its answer, or null: none is due, or none was captured
     * @param answeredAt   capture time of the answer's last byte, if any
     * @param answerDue    whether the server owed an answer (false for 'F', 'X', BACKEND_DISCONNECT, ...)
     */
    public record Exchange(WireMessage.Frontend request, long sentAt, WireMessage.Answer answer, long answeredAt,
                           boolean answerDue) {
    }
}
