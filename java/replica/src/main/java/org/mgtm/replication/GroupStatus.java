package org.mgtm.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.mgtm.client.InternalConnection;
import org.mgtm.client.Member;
import org.mgtm.protocol.internal.ClientMessage;
import org.mgtm.protocol.internal.InternalFormat;

/** Asks replicas for their status document over the internal protocol (mgtm-ctl, the demo, tests). */
public final class GroupStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GroupStatus() {
    }

    /**
     * The status document of the member at {@code address}, or {@code {"member": id, "role":
     * "unreachable", "error": ...}} when it does not answer within {@code timeoutMillis}.
     */
    public static JsonNode fetch(EventLoopGroup group, String memberId, InetSocketAddress address, String secret,
                                 long timeoutMillis) {
        return fetch(group, memberId, address, secret, timeoutMillis, null);
    }

    /** As above, over TLS when {@code tls} is not null. */
    public static JsonNode fetch(EventLoopGroup group, String memberId, InetSocketAddress address, String secret,
                                 long timeoutMillis, SslContext tls) {
        ClientMessage.Hello hello = ClientMessage.Hello.withoutSession(ByteOrder.LITTLE_ENDIAN,
                secret.getBytes(StandardCharsets.UTF_8), "mgtm-status");
        try (InternalConnection c = InternalConnection.connect(group, address, InternalFormat.DEFAULT, hello,
                (int) timeoutMillis, tls).get(timeoutMillis, TimeUnit.MILLISECONDS)) {
            c.handshake().get(timeoutMillis, TimeUnit.MILLISECONDS);
            return JSON.readTree(c.status().get(timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            ObjectNode down = JSON.createObjectNode();
            down.put("member", memberId);
            down.put("role", "unreachable");
            down.put("error", String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            return down;
        }
    }

    /** The id of the member that reports itself leader, or null. */
    public static String leader(EventLoopGroup group, java.util.List<Member> members, int internalPort,
                                String secret, long timeoutMillis) {
        for (Member m : members) {
            JsonNode doc = fetch(group, m.id(), new InetSocketAddress(m.host(), internalPort), secret, timeoutMillis);
            if ("Leader".equals(doc.path("role").asText())) {
                return m.id();
            }
        }
        return null;
    }
}
