package org.palaver.protocol;

/** An RTCIceCandidateInit as the browser produces it; an empty {@code candidate} ends gathering. */
public record IceCandidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {
    public IceCandidate {
        if (candidate == null) {
            throw new IllegalArgumentException("missing field 'candidate.candidate'");
        }
    }
}
