package org.palaver.platform;

/** A configured limit was reached; mapped to 429 (with Retry-After) or 503 by {@link ErrorMapper}. */
public class LimitExceeded extends RuntimeException {

    private final String code;
    private final int status;
    private final long retryAfterSeconds;

    public LimitExceeded(String code, String message, int status, long retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
