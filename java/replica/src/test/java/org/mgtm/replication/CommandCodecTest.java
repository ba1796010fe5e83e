package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mgtm.core.Command;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.TxnRef;
import org.mgtm.protocol.subcluster.SubclusterRequest;

/**
 * The log's command encoding: every command round-trips, and the tags are stable ids (bytes written by one
 * version read the same in the next): 1 client, 2 end session, 3 restart, 4 raise, 5 new term,
 * 6 range granted, 7 claim sub-cluster.
 */
class CommandCodecTest {
    @Test
    void everyCommandRoundTrips() {
        List<Command> commands = List.of(
                new Command.Client(7, 3, 9, 8, new Request.TxnCommit(TxnRef.gxid(1000))),
                new Command.Client(7, -1, 10, 9, new SubclusterRequest.Register(5000, "B", 1, false)),
                new Command.Client(7, -1, 11, 10, new SubclusterRequest.RangeRequest("A", 42, 3, 10_000, 1000, 0)),
                new Command.EndSession(7),
                new Command.Restart(1000),
                new Command.RaiseNextGxid(2000),
                new Command.NewTerm(12),
                new Command.RangeGranted(3, 1000, 10_999),
                new Command.ClaimSubcluster(0x0123_4567_89ab_cdefL));
        assertEquals(Command.class.getPermittedSubclasses().length,
                commands.stream().map(Object::getClass).distinct().count(), "one of each kind");
        for (Command c : commands) {
            assertEquals(c, CommandCodec.decode(CommandCodec.encode(c)));
        }
    }

    @Test
    void newTermHasTagFiveAndItsTerm() {
        byte[] bytes = CommandCodec.encode(new Command.NewTerm(7));
        assertArrayEquals(HexFormat.of().parseHex("050000000000000007"), bytes);
        assertEquals(new Command.NewTerm(7), CommandCodec.decode(bytes));
    }

    @Test
    void theOtherTagsStayWhereTheyWere() {
        assertArrayEquals(HexFormat.of().parseHex("020000000000000009"), CommandCodec.encode(new Command.EndSession(9)));
        assertArrayEquals(HexFormat.of().parseHex("03000003e8"), CommandCodec.encode(new Command.Restart(1000)));
        assertArrayEquals(HexFormat.of().parseHex("04000003e8"), CommandCodec.encode(new Command.RaiseNextGxid(1000)));
    }

    @Test
    void aTruncatedOrLongerNewTermIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(HexFormat.of().parseHex("0500")));
        assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decode(HexFormat.of().parseHex("05000000000000000700")));
    }

    /** Stable ids: these bytes are in logs on disk. 5 is NEW_TERM, so the sub-cluster commands are 6 and 7. */
    @Test
    void subclusterTagsAreFixed() {
        assertArrayEquals(HexFormat.of().parseHex("06" + "0000000000000003" + "000003e8" + "00002aff"),
                CommandCodec.encode(new Command.RangeGranted(3, 1000, 11_007)));
        assertArrayEquals(HexFormat.of().parseHex("07" + "0123456789abcdef"),
                CommandCodec.encode(new Command.ClaimSubcluster(0x0123_4567_89ab_cdefL)));
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(HexFormat.of().parseHex("08")));
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(HexFormat.of().parseHex("060000")));
        assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decode(HexFormat.of().parseHex("07" + "0123456789abcdef" + "00")));
    }
}
