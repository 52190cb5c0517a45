package org.palaver.platform;

/** A request refused with an HTTP status of its own (403, 413, 415); mapped by {@link ErrorMapper}. */
public class Refused extends RuntimeException {

    private final int status;
    private final String code;

    public Refused(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
