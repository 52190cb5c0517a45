package org.palaver.signin.entity;

import java.util.Optional;

/** What a member pass says: nothing (none sent), a valid member, or why it does not count. */
public record PassCheck(Optional<Member> member, String refusal, String message) {

    public static final PassCheck NONE = new PassCheck(Optional.empty(), null, null);

    public static PassCheck valid(Member member) {
        return new PassCheck(Optional.of(member), null, null);
    }

    public static PassCheck expired() {
        return new PassCheck(Optional.empty(), "sign-in-expired", "Your sign-in has expired; sign in again.");
    }

    public static PassCheck invalid() {
        return new PassCheck(Optional.empty(), "sign-in-invalid", "Your sign-in is not valid here; sign in again.");
    }

    /** A pass was sent but does not count. */
    public boolean refused() {
        return refusal != null;
    }
}
