package org.palaver.signin.entity;

import java.time.Instant;

/**
 * A person the company's identity provider signed in: {@code subject} is the provider's stable id
 * for them, {@code name} the display name from their ID token, {@code expires} when their ID token
 * (and so this sign-in) runs out.
 */
public record Member(String subject, String name, Instant expires) {

    public boolean expiredAt(Instant now) {
        return !expires.isAfter(now);
    }
}
