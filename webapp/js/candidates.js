// Trickled ICE candidates that arrive before their connection has a remote description are
// kept, not dropped, and added once it has one. Shared by mesh (peer.js) and SFU (sfu.js) links.

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
