package org.mgtm.protocol.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mgtm.protocol.MessageType;
import org.mgtm.protocol.Request;
import org.mgtm.protocol.Response;
import org.mgtm.protocol.ResultType;

/** The round trips are only as good as the samples: they must hold every XC request and answer type. */
class SamplesCoverageTest {

    @Test
    void everyCommandTypeIsSampled() {
        Set<MessageType> expected = EnumSet.allOf(MessageType.class);
        // Not 'C' message types: no request record exists for them.
        expected.removeAll(EnumSet.of(MessageType.INVALID, MessageType.REGISTER_COORD, MessageType.DATA_FLUSH));
        assertEquals(expected, Samples.xcRequests().stream().map(Request::type).collect(Collectors.toSet()));
    }

    @Test
    void everyResultTypeAndOutcomeIsSampled() {
        assertEquals(EnumSet.allOf(ResultType.class), Samples.xcResponses().stream()
                .filter(r -> r instanceof Response.Success)
                .map(r -> ((Response.Success) r).resultType()).collect(Collectors.toSet()));
        assertEquals(Set.of("Success", "Error", "None"), Samples.xcResponses().stream()
                .map(r -> r instanceof Response.Success ? "Success" : r.getClass().getSimpleName())
                .collect(Collectors.toSet()));
    }

    @Test
    void everyErrorCodeIsSampled() {
        assertEquals(EnumSet.allOf(ErrorCode.class), Samples.lastMessages().stream()
                .filter(m -> m instanceof ServerMessage.Error)
                .map(m -> ((ServerMessage.Error) m).code()).collect(Collectors.toSet()));
    }
}
