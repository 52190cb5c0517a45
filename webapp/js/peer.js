// One RTCPeerConnection to one remote participant (mesh mode). No DOM here.
//
// Who offers: the participant who was in the room first (see docs/protocol.md), so offers never
// cross. Candidates that arrive before the remote description are queued, not dropped. Muting
// only disables tracks, so it never renegotiates. A failed ICE connection is repaired with an
// ICE restart by the offering side, without touching other connections.

const RESTART_AFTER_DISCONNECT_MS = 4000;

export class PeerLink {
  #pc;
  #remoteId;
  #offerer;
  #send;
  #pendingCandidates = [];
  #makingOffer = false;
  #offerAgain = false;
  #disconnectTimer = null;
  #closed = false;

  /**
   * @param remoteId   the other participant's id
   * @param offerer    true when this side makes the offers
   * @param iceServers RTCIceServer list from /api/ice-servers
   * @param stream     local MediaStream (may have no tracks)
   * @param send       function(message) sending a signaling message
   * @param onStream   function(MediaStream) when remote media arrives
   */
  constructor({ remoteId, offerer, iceServers, stream, send, onStream }) {
    this.#remoteId = remoteId;
    this.#offerer = offerer;
    this.#send = send;
    const pc = new RTCPeerConnection({ iceServers });
    this.#pc = pc;
    const remote = new MediaStream();
    for (const kind of ['audio', 'video']) {
      const track = stream ? stream.getTracks().find((t) => t.kind === kind) : null;
      if (track) {
        pc.addTrack(track, stream);
      } else if (offerer) {
        // Offer to receive this kind even when we have nothing to send.
        pc.addTransceiver(kind, { direction: 'recvonly' });
      }
    }
    pc.ontrack = (event) => {
      if (!remote.getTracks().includes(event.track)) remote.addTrack(event.track);
      onStream(remote);
    };
    pc.onicecandidate = (event) => {
      if (event.candidate) {
        this.#send({ type: 'candidate', to: remoteId, candidate: event.candidate.toJSON() });
      }
    };
    pc.onnegotiationneeded = () => {
      if (this.#offerer) this.#offer();
    };
    pc.oniceconnectionstatechange = () => this.#watchIce();
  }

  get remoteId() { return this.#remoteId; }
  get connection() { return this.#pc; }

  async acceptOffer(sdp) {
    const pc = this.#pc;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await this.#flushCandidates();
    await pc.setLocalDescription();
    this.#send({ type: 'answer', to: this.#remoteId, sdp: pc.localDescription.sdp });
  }

  async acceptAnswer(sdp) {
    if (this.#pc.signalingState !== 'have-local-offer') return; // a stale answer
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
    await this.#flushCandidates();
    if (this.#offerAgain) {
      this.#offerAgain = false;
      this.#offer();
    }
  }

  async addCandidate(candidate) {
    if (!this.#pc.remoteDescription) {
      this.#pendingCandidates.push(candidate);
      return;
    }
    try {
      await this.#pc.addIceCandidate(candidate);
    } catch (error) {
      console.warn('ignored an ICE candidate', error);
    }
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#disconnectTimer);
    this.#pc.close();
  }

  async #offer(iceRestart = false) {
    const pc = this.#pc;
    if (this.#closed) return;
    if (this.#makingOffer || pc.signalingState !== 'stable') {
      this.#offerAgain = true;
      return;
    }
    this.#makingOffer = true;
    try {
      const offer = await pc.createOffer({ iceRestart });
      await pc.setLocalDescription(offer);
      this.#send({ type: 'offer', to: this.#remoteId, sdp: pc.localDescription.sdp });
    } catch (error) {
      console.warn('could not make an offer', error);
    } finally {
      this.#makingOffer = false;
    }
  }

  async #flushCandidates() {
    const queued = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const candidate of queued) await this.addCandidate(candidate);
  }

  #watchIce() {
    const state = this.#pc.iceConnectionState;
    clearTimeout(this.#disconnectTimer);
    if (!this.#offerer || this.#closed) return;
    if (state === 'failed') {
      this.#restart();
    } else if (state === 'disconnected') {
      // Often recovers by itself; restart only if it does not.
      this.#disconnectTimer = setTimeout(() => this.#restart(), RESTART_AFTER_DISCONNECT_MS);
    }
  }

  #restart() {
    if (this.#closed) return;
    this.#pc.restartIce();
    this.#offer(true);
  }
}
