package org.palaver.admin.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminTokenTest {

    @Test
    void onlyTheExactBearerTokenIsAdmitted() {
        AdminToken token = new AdminToken(Optional.of("s3cret-token"));
        assertTrue(token.configured());
        assertTrue(token.admits("Bearer s3cret-token"));
        assertTrue(token.admits("bearer s3cret-token"), "the scheme is case-insensitive");
        assertFalse(token.admits("Bearer s3cret-toke"));
        assertFalse(token.admits("Bearer s3cret-token2"));
        assertFalse(token.admits("s3cret-token"), "no scheme");
        assertFalse(token.admits("Basic s3cret-token"));
        assertFalse(token.admits(null));
    }

    @Test
    void withoutATokenNothingIsAdmitted() {
        for (Optional<String> none : java.util.List.of(Optional.<String>empty(), Optional.of(""), Optional.of("   "))) {
            AdminToken token = new AdminToken(none);
            assertFalse(token.configured());
            assertFalse(token.admits("Bearer "));
            assertFalse(token.admits("Bearer null"));
        }
    }
}
