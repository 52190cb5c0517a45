// ICE helpers shared by mesh (peer.js) and SFU (sfu.js) links. Trickled ICE candidates that
// arrive before their connection has a remote description are kept, not dropped, and added once
// it has one.

export class CandidateQueue {
  #pending = [];

  /** Adds the candidate to `pc` now, or keeps it until `flush` when `pc` has no remote description yet. */
  async add(pc, candidate) {
    if (!pc.remoteDescription) {
      this.#pending.push(candidate);
      return;
    }
    try {
      await pc.addIceCandidate(candidate);
    } catch (error) {
      console.warn('ignored an ICE candidate', error);
    }
  }

  /** Adds what was kept, in order; call right after setting the remote description. */
  async flush(pc) {
    const queued = this.#pending;
    this.#pending = [];
    for (const candidate of queued) await this.add(pc, candidate);
  }

  /** Forgets what was kept (the connection it was for is gone). */
  clear() {
    this.#pending = [];
  }
}

/**
 * Gives a live connection new ICE servers (renewed TURN credentials). Browsers use them from the
 * next gathering on (an ICE restart); allocations already made keep working.
 */
export function setIceServers(pc, iceServers) {
  if (pc.signalingState === 'closed') return;
  try {
    pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
  } catch (error) {
    console.warn('could not renew the ICE servers of a connection', error);
  }
}
