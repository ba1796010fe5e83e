package org.mgtm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mgtm.protocol.codec.CodecTestSupport.CHUNKS;
import static org.mgtm.protocol.codec.CodecTestSupport.LE;
import static org.mgtm.protocol.codec.CodecTestSupport.ascii;
import static org.mgtm.protocol.codec.CodecTestSupport.encodeRequest;
import static org.mgtm.protocol.codec.CodecTestSupport.encodeResponse;
import static org.mgtm.protocol.codec.CodecTestSupport.feed;
import static org.mgtm.protocol.codec.CodecTestSupport.hex;
import static org.mgtm.protocol.codec.MessageSamples.snapshot;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Request.BeginEntry;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.SequenceKey;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.WireMessage;

/**
 * The captured byte strings of the capture set (docs/captures.md) behind the protocol notes' examples, decoded to the
 * expected message and encoded back to exactly the same bytes.
 */
class SpecExamplesTest {

    private static final int NO = WireMessage.NO_CONID;
    private static final int GROUP = WireMessage.GROUP_CONID;
    private static final String SQ = ascii("postgres.public.sq");
    private static final SequenceKey KEY = SequenceKey.of("postgres.public.sq");

    private static void request(String hex, WireMessage.Frontend expected) {
        boolean proxy = expected instanceof WireMessage.Command c && c.conid() != NO;
        byte[] bytes = hex(hex);
        assertEquals(hex(bytes), hex(encodeRequest(expected)), "encoded " + expected);
        for (int chunk : CHUNKS) {
            XcRequestDecoder d = expected instanceof WireMessage.Startup
                    ? new XcRequestDecoder(LE, true) : XcRequestDecoder.afterStartup(LE, proxy);
            assertEquals(List.of(expected), feed(new EmbeddedChannel(d), bytes, chunk), "chunk " + chunk);
        }
    }

    private static void response(String hex, boolean proxy, WireMessage.Backend expected) {
        byte[] bytes = hex(hex);
        assertEquals(hex(bytes), hex(encodeResponse(expected)), "encoded " + expected);
        for (int chunk : CHUNKS) {
            assertEquals(List.of(expected), feed(new EmbeddedChannel(new XcResponseDecoder(LE, proxy)), bytes, chunk),
                    "chunk " + chunk);
        }
    }

    private static WireMessage.Answer plain(Response r) {
        return new WireMessage.Answer(NO, r);
    }

    @Test
    void startupAndAck() {
        request("41 00 00 00 0c 01 00 00 00 00 ff ff ff", new WireMessage.Startup(1, false));
        request("41 00 00 00 0c 01 00 00 00 01 ff ff ff", new WireMessage.Startup(1, true));
        response("52 00 00 00 04", false, WireMessage.StartupAck.INSTANCE);
        response("52 00 00 00 04", true, WireMessage.StartupAck.INSTANCE);
    }

    @Test
    void beginGetGxid() {
        request("43 00 00 00 0d 00 00 00 04 00 00 00 01 00",
                WireMessage.Command.plain(new Request.TxnBeginGetGxid(1, false)));
        response("53 00 00 00 0c 00 00 00 01 e8 03 00 00", false,
                plain(new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID, 1000)));
    }

    @Test
    void beginGetGxidMulti() {
        request("43 00 00 00 2a ff ff 00 00 00 05 00 00 00 04"
                        + " 00 00 00 01 00 00 00  00 00 00 01 00 00 02  00 00 00 01 00 00 03  00 00 00 01 00 00 04",
                new WireMessage.Command(GROUP, new Request.TxnBeginGetGxidMulti(List.of(
                        new BeginEntry(1, false, (short) 0), new BeginEntry(1, false, (short) 2),
                        new BeginEntry(1, false, (short) 3), new BeginEntry(1, false, (short) 4)))));
        response("53 00 00 00 12 00 00 00 02 ff ff 04 00 00 00 52 05 00 00", true,
                new WireMessage.Answer(GROUP, new Response.BeginGxidMulti(4, 0x552)));
    }

    @Test
    void commitAndRollback() {
        request("43 00 00 00 0d 00 00 00 07 01 e8 03 00 00",
                WireMessage.Command.plain(new Request.TxnCommit(TxnRef.gxid(1000))));
        response("53 00 00 00 10 00 00 00 04 e8 03 00 00 00 00 00 00", false,
                plain(new Response.Ended(ResultType.TXN_COMMIT, 1000, true, Response.STATUS_OK)));
        response("53 00 00 00 10 00 00 00 04 3f 42 0f 00 ff ff ff ff", false,
                plain(new Response.Ended(ResultType.TXN_COMMIT, 999_999, true, Response.STATUS_ERROR)));
        response("53 00 00 00 10 00 00 00 06 eb 03 00 00 00 00 00 00", false,
                plain(new Response.Ended(ResultType.TXN_ROLLBACK, 1003, true, Response.STATUS_OK)));
        // gtm_proxy's answer to a backend: 4-byte payload, no status word (protocol notes, "What gtm_proxy answers backends").
        response("53 00 00 00 0c 00 00 00 04 2e 04 00 00", false,
                plain(new Response.Ended(ResultType.TXN_COMMIT, 0x42e, false, Response.STATUS_OK)));
    }

    @Test
    void commitMulti() {
        request("43 00 00 00 13 ff ff 00 00 00 08 00 00 00 01 01 34 04 00 00",
                new WireMessage.Command(GROUP, new Request.TxnCommitMulti(List.of(TxnRef.gxid(0x434)))));
        response("53 00 00 00 12 00 00 00 05 ff ff 01 00 00 00 00 00 00 00", true,
                new WireMessage.Answer(GROUP, new Response.EndedMulti(ResultType.TXN_COMMIT_MULTI, List.of(0))));
    }

    @Test
    void snapshotGet() {
        request("43 00 00 00 0e 00 00 00 0c 01 01 e8 03 00 00",
                WireMessage.Command.plain(new Request.SnapshotGet(true, TxnRef.gxid(1000))));
        response("53 00 00 00 24 00 00 00 09 e8 03 00 00 01 00 00 00 00 00 00 00"
                        + " e8 03 00 00 e8 03 00 00 e8 03 00 00 00 00 00 00", false,
                plain(new Response.SnapshotResult(1000, 0, snapshot(1000, 1000, 1000))));
        response("53 00 00 00 28 00 00 00 09 ef 03 00 00 01 00 00 00 00 00 00 00"
                        + " ec 03 00 00 ef 03 00 00 ec 03 00 00 00 00 00 01 ec 03 00 00", false,
                plain(new Response.SnapshotResult(1007, 0, snapshot(1004, 1007, 1004, 1004))));
    }

    @Test
    void snapshotGetMulti() {
        request("43 00 00 00 18 ff ff 00 00 00 0d 00 00 00 02 01 50 05 00 00 01 51 05 00 00",
                new WireMessage.Command(GROUP, new Request.SnapshotGetMulti(
                        List.of(TxnRef.gxid(0x550), TxnRef.gxid(0x551)))));
        response("53 00 00 00 2a 00 00 00 0a ff ff 02 00 00 00 00 00 00 00 00 00 00 00"
                        + " 4c 05 00 00 4f 05 00 00 32 05 00 00 00 00 00 01 4c 05 00 00", true,
                new WireMessage.Answer(GROUP, new Response.SnapshotMultiResult(List.of(0, 0),
                        snapshot(0x54c, 0x54f, 0x532, 0x54c))));
    }

    @Test
    void sequences() {
        request("43 00 00 00 3f 00 00 00 0f 00 00 00 12" + SQ
                        + " 02 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff 7f"
                        + " 05 00 00 00 00 00 00 00  00",
                WireMessage.Command.plain(new Request.SequenceInit(KEY, 2, 1, Request.UNSET_SEQUENCE_VALUE, 5, false)));
        response("53 00 00 00 1e 00 00 00 0c 00 00 00 12" + SQ, false,
                plain(new Response.SequenceKeyResult(ResultType.SEQUENCE_INIT, KEY)));
        response("53 00 00 00 26 00 00 00 0e 00 00 00 12" + SQ + " 05 00 00 00 00 00 00 00", false,
                plain(new Response.SequenceValue(ResultType.SEQUENCE_GET_NEXT, KEY, 5)));
    }

    @Test
    void autovacuumBegin() {
        response("53 00 00 00 0c 00 00 00 17 18 04 00 00", false,
                plain(new Response.BeginGxid(ResultType.TXN_BEGIN_GETGXID_AUTOVACUUM, 0x418)));
    }

    @Test
    void flushDisconnectTerminate() {
        request("46 00 00 00 08 00 00 00 1b", WireMessage.Flush.INSTANCE);
        request("43 00 00 00 0a 00 00 00 00 00 1c", new WireMessage.Command(0, new Request.BackendDisconnect()));
        request("58 00 00 00 04", WireMessage.Terminate.INSTANCE);
        // Flush carries no proxy header even on a proxy connection.
        assertEquals(List.of(WireMessage.Flush.INSTANCE),
                XcCodecs.decode(XcRequestDecoder.afterStartup(LE, true), hex("46 00 00 00 08 00 00 00 1b")));
    }

    @Test
    void errors() {
        String text = ascii("Failed to get a snapshot");
        response("45 00 00 00 26 53" + ascii("ERROR") + "00 4d" + text + "00 00", false,
                plain(Response.Error.error("Failed to get a snapshot")));
        response("45 00 00 00 28 ff ff 53" + ascii("ERROR") + "00 4d" + text + "00 00", true,
                new WireMessage.Answer(GROUP, Response.Error.error("Failed to get a snapshot")));
    }
}
