package org.mgtm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;
import org.mgtm.protocol.SequenceKey;

class ResponseTextTest {

    @Test
    void keysStayOneToken() {
        assertEquals("db.public.sq", ResponseText.key(SequenceKey.of("db.public.sq")));
        assertEquals("a\\x20b\\x0Ac\\x5Cd\\x7F", ResponseText.key(SequenceKey.of("a b\nc\\d\u007F")));
        assertEquals("seq-init key=my\\x20seq",
                ResponseText.render(new Response.SequenceKeyResult(ResultType.SEQUENCE_INIT, SequenceKey.of("my seq"))));
    }

    @Test
    void describeKeepsOneLinePerSequence() {
        GtmStateMachine m = new GtmStateMachine(CoreLimits.DEFAULT);
        m.apply(Command.Client.of(1, new Request.SequenceInit(SequenceKey.of("two\nlines"), 1, 1, 10, 1, false)));
        assertEquals("seq two\\x0Alines value=1 called=false start=1 inc=1 min=1 max=10 cycle=false",
                m.describe().split("\n")[2]);
        assertEquals(3, m.describe().split("\n").length);
    }
}
