/**
 * Netty codecs for the Postgres-XC 0.9.2 GTM wire protocol, one per side and direction:
 * {@link org.mgtm.protocol.codec.XcRequestDecoder} and {@link org.mgtm.protocol.codec.XcResponseEncoder}
 * for a server (GTM or the backend-facing side of a proxy),
 * {@link org.mgtm.protocol.codec.XcRequestEncoder} and {@link org.mgtm.protocol.codec.XcResponseDecoder}
 * for a client (a proxy's GTM-facing side, test clients).
 *
 * <p>Error policy: a fault inside a sound frame is a message the server can answer
 * ({@code InvalidCommand}); a fault in the framing itself makes the rest of the stream meaningless,
 * so the decoder throws {@link org.mgtm.protocol.codec.XcProtocolException} once and then ignores the
 * channel's input until it is closed.
 */
package org.mgtm.protocol.codec;
