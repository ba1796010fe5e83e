/**
 * mgtm's internal protocol: how an mgtm_proxy or mgtm-ctl talks to mgtm replicas (sessions that
 * survive connections and leader changes, request numbers for exactly-once application, leader
 * redirection, authentication). Messages are {@link org.mgtm.protocol.internal.ClientMessage} and
 * {@link org.mgtm.protocol.internal.ServerMessage}; the layout and the rules are in
 * docs/decisions/0004-internal-protocol.md.
 *
 * <p>Codecs, one per side and direction: {@link org.mgtm.protocol.internal.InternalRequestDecoder}
 * and {@link org.mgtm.protocol.internal.InternalReplyEncoder} on a replica,
 * {@link org.mgtm.protocol.internal.InternalRequestEncoder} and
 * {@link org.mgtm.protocol.internal.InternalReplyDecoder} on a client.
 *
 * <p>Error policy: unlike the XC codecs there is no recoverable fault. Every fault throws
 * {@link org.mgtm.protocol.internal.InternalProtocolException} (a CorruptedFrameException) once; the
 * decoder then drops the channel's input, and the channel's handler logs the exception's message and
 * closes that connection. Nothing is shared between channels, so no other connection notices.
 */
package org.mgtm.protocol.internal;
