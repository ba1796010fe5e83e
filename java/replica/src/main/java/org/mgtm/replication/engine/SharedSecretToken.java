package org.mgtm.replication.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;
import org.jgroups.util.UUID;


/**
 * JGroups {@link AuthToken} for a shared secret. JGroups 5.4 ships no shared-secret token (SimpleToken and MD5Token
 * were removed in 5.0; what remains is FixedMembershipToken, RegexMembership, X509Token and Krb5Token), so this one
 * sends, instead of the secret, {@code HMAC-SHA256(secret, "mgtm-auth" | sender UUID | timestamp)} and the timestamp.
 * The receiver recomputes it for the message's source address and accepts it within {@link #MAX_SKEW_MS}.
 *
 * <p>AUTH only guards JOIN and MERGE requests (and, with {@code authenticate_coord}, their responses): a process
 * without the secret cannot become a member. It does not sign or encrypt the traffic itself: UNICAST3 still accepts
 * unicasts from non-members, so a rogue sender that speaks the JGroups wire format could inject raft messages. To
 * close that, add SYM_ENCRYPT (or TCP's TLS) with a key derived from the same secret.</p>
 *
 * <p>The receiving side deserialises the sender's token through the no-arg constructor (it carries only the
 * timestamp and the MAC) and calls {@link #authenticate} on its own, keyed instance.</p>
 */
public final class SharedSecretToken extends AuthToken {
    public static final long MAX_SKEW_MS = 5 * 60_000L;
    private static final int MAC_LEN = 32;
    private static final byte[] LABEL = "mgtm-auth".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;   // null on tokens received from the wire
    private long timestamp;
    private byte[] mac;

    /** For deserialisation only. */
    public SharedSecretToken() {
        this.key = null;
    }

    public SharedSecretToken(String secret) {
        if (secret == null || secret.isEmpty())
            throw new IllegalArgumentException("empty secret");
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Override
    public String getName() {
        return SharedSecretToken.class.getName();
    }

    @Override
    public int size() {
        return Long.BYTES + MAC_LEN;
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        if (key == null || !(token instanceof SharedSecretToken other))
            return false;
        if (other.key != null) {
            // A keyed instance never crossed the wire (received tokens are built by the no-arg constructor):
            // a message this process sent to itself, as the merge leader does with its own MERGE_REQ. Without
            // this, a group split by a partition or a false suspicion could never merge again.
            return MessageDigest.isEqual(key.getEncoded(), other.key.getEncoded());
        }
        if (other.mac == null)
            return false;
        long now = System.currentTimeMillis();
        if (Math.abs(now - other.timestamp) > MAX_SKEW_MS)
            return false;
        byte[] expected = computeMac(key, msg.getSrc(), other.timestamp);
        return expected != null && MessageDigest.isEqual(expected, other.mac);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        long ts = System.currentTimeMillis();
        Address self = auth != null ? auth.getAddress() : null;
        byte[] m = key != null ? computeMac(key, self, ts) : null;
        if (m == null)
            m = new byte[MAC_LEN];    // cannot sign: send a MAC that never verifies
        out.writeLong(ts);
        out.write(m);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        timestamp = in.readLong();
        mac = new byte[MAC_LEN];
        in.readFully(mac);
    }

    private static byte[] computeMac(SecretKeySpec key, Address addr, long ts) {
        if (!(addr instanceof UUID uuid))
            return null;
        try {
            Mac h = Mac.getInstance("HmacSHA256");
            h.init(key);
            h.update(LABEL);
            h.update(ByteBuffer.allocate(24).putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits()).putLong(ts).array());
            return h.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "SharedSecretToken";
    }
}
