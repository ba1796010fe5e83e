package org.mgtm.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Response;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;

/** The per-client refusal log, the connection limit, and the cap on unanswered requests per connection. */
class ClientLimitsTest {
    /** A logger that keeps its warnings. */
    static final class Lines extends AbstractLogger {
        final List<String> warnings = new CopyOnWriteArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, org.slf4j.Marker marker, String pattern,
                                                   Object[] args, Throwable t) {
            if (level == Level.WARN) {
                warnings.add(org.slf4j.helpers.MessageFormatter.arrayFormat(pattern, args).getMessage());
            }
        }

        @Override public boolean isTraceEnabled() { return false; }
        @Override public boolean isTraceEnabled(org.slf4j.Marker m) { return false; }
        @Override public boolean isDebugEnabled() { return false; }
        @Override public boolean isDebugEnabled(org.slf4j.Marker m) { return false; }
        @Override public boolean isInfoEnabled() { return false; }
        @Override public boolean isInfoEnabled(org.slf4j.Marker m) { return false; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isWarnEnabled(org.slf4j.Marker m) { return true; }
        @Override public boolean isErrorEnabled() { return true; }
        @Override public boolean isErrorEnabled(org.slf4j.Marker m) { return true; }
    }

    @Test
    void aClientIsLoggedOncePerReasonHoweverOftenItIsRefused() {
        Lines lines = new Lines();
        RefusalLog refusals = new RefusalLog(lines, "XC connection");
        for (int port = 1000; port < 1500; port++) {
            refusals.refuse(new InetSocketAddress("127.0.0.99", port), "too many");
        }
        refusals.refuse(new InetSocketAddress("127.0.0.98", 1), "too many");
        refusals.refuse(new InetSocketAddress("127.0.0.99", 1), "wrong secret");
        assertEquals(3, lines.warnings.size(), lines.warnings.toString());
        assertTrue(lines.warnings.get(0).startsWith("refusing XC connection from 127.0.0.99: too many"));
        assertEquals(499, refusals.suppressed());
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndCountedBackWhenOthersClose() {
        Lines lines = new Lines();
        ConnectionGate gate = new ConnectionGate(2, new RefusalLog(lines, "connection"));
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        EmbeddedChannel c = new EmbeddedChannel();
        assertTrue(gate.admit(a));
        assertTrue(gate.admit(b));
        assertFalse(gate.admit(c));
        assertFalse(c.isOpen(), "the third connection was not closed");
        a.close();
        assertEquals(1, gate.open());
        assertTrue(gate.admit(new EmbeddedChannel()));
        assertEquals(1, lines.warnings.size());
    }

    @Test
    void aConnectionStopsReadingWhileTooManyOfItsRequestsAreUnanswered() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Connection conn = new Connection(ch, 1, Connection.XC);
        for (int i = 0; i < Connection.MAX_UNANSWERED; i++) {
            conn.submitted();
        }
        assertTrue(ch.config().isAutoRead());
        conn.submitted();
        assertFalse(ch.config().isAutoRead(), "still reading past the cap");
        for (int i = 0; i <= Connection.MAX_UNANSWERED / 2 + 1; i++) {
            conn.answer(i, Response.None.INSTANCE);
        }
        conn.markForFlush();
        conn.flushOutbox();
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "did not read again once answers went out");
    }
}
