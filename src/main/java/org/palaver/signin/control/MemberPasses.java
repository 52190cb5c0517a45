package org.palaver.signin.control;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.palaver.platform.Signer;
import org.palaver.signin.entity.Member;
import org.palaver.signin.entity.PassCheck;

/**
 * Member passes: what the server hands a browser once the identity provider signed its user in,
 * signed ({@link Signer}) under a key derived from the server secret. Any node of a cluster with
 * the same {@code palaver.secret} trusts it without a shared session, so the login round trip and
 * the meeting may land on different nodes. The payload's lines: version, subject, name, expiry
 * (epoch seconds, the ID token's own).
 */
public final class MemberPasses {

    private static final String VERSION = "m1";

    private final Signer signer;

    public MemberPasses(byte[] secret) {
        this.signer = Signer.derived(secret, "palaver member pass key");
    }

    public static MemberPasses of(String secret) {
        return new MemberPasses(secret.getBytes(StandardCharsets.UTF_8));
    }

    public static MemberPasses random() {
        return new MemberPasses(Signer.randomSecret());
    }

    public String issue(Member member) {
        if (member.subject().contains("\n") || member.name().contains("\n")) {
            throw new IllegalArgumentException("a member's subject and name are single lines");
        }
        return signer.sign(String.join("\n", VERSION, member.subject(), member.name(),
                Long.toString(member.expires().getEpochSecond())).getBytes(StandardCharsets.UTF_8));
    }

    /** {@link PassCheck#NONE} for no pass (null or blank); else valid, expired or invalid. */
    public PassCheck check(String pass, Instant now) {
        if (pass == null || pass.isBlank()) {
            return PassCheck.NONE;
        }
        Optional<byte[]> payload = pass.length() > 4096 ? Optional.empty() : signer.open(pass);
        if (payload.isEmpty()) {
            return PassCheck.invalid();
        }
        String[] fields = new String(payload.get(), StandardCharsets.UTF_8).split("\n", -1);
        if (fields.length != 4 || !VERSION.equals(fields[0])) {
            return PassCheck.invalid();
        }
        try {
            Member member = new Member(fields[1], fields[2], Instant.ofEpochSecond(Long.parseLong(fields[3])));
            return member.expiredAt(now) ? PassCheck.expired() : PassCheck.valid(member);
        } catch (IllegalArgumentException e) { // a bad number
            return PassCheck.invalid();
        }
    }
}
