package org.palaver.signaling.control;

/** A message that could not be understood; {@code code} is documented in docs/protocol.md. */
public class ProtocolException extends Exception {

    private final String code;

    public ProtocolException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
