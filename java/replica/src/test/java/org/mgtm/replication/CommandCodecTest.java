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

/** The log's command encoding: every command round-trips, and the tags are the stable ids written down. */
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
                new Command.RangeGranted(3, 1000, 10_999),
                new Command.ClaimSubcluster(0x0123_4567_89ab_cdefL));
        assertEquals(Command.class.getPermittedSubclasses().length,
                commands.stream().map(Object::getClass).distinct().count(), "one of each kind");
        for (Command c : commands) {
            assertEquals(c, CommandCodec.decode(CommandCodec.encode(c)));
        }
    }

    /** Stable ids: these bytes are in logs on disk. */
    @Test
    void subclusterTagsAreFixed() {
        assertArrayEquals(HexFormat.of().parseHex("05" + "0000000000000003" + "000003e8" + "00002aff"),
                CommandCodec.encode(new Command.RangeGranted(3, 1000, 11_007)));
        assertArrayEquals(HexFormat.of().parseHex("06" + "0123456789abcdef"),
                CommandCodec.encode(new Command.ClaimSubcluster(0x0123_4567_89ab_cdefL)));
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(HexFormat.of().parseHex("07")));
        assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(HexFormat.of().parseHex("050000")));
    }
}
