package org.mgtm.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.mgtm.core.Command;

/** The log's command tags are stable ids: bytes written by one version read the same in the next. */
class CommandCodecTest {
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
}
