// One RTCPeerConnection to one remote participant (mesh mode). No DOM here.
//
// Who offers: the participant who was in the room first (see docs/protocol.md), so offers never
// cross. Candidates that arrive before the remote description are queued, not dropped. Muting
// only disables tracks, so it never renegotiates. A failed ICE connection is repaired with an
// ICE restart by the offering side, without touching other connections.
//
// Screen sharing never renegotiates either: every connection has a third, video transceiver for
// a shared screen from the start (sendrecv on both sides, sending nothing until someone shares),
// so starting and stopping a share is a replaceTrack on either side.

import { CandidateQueue, setIceServers } from './candidates.js';

const RESTART_AFTER_DISCONNECT_MS = 4000;

export class PeerLink {
  #pc;
  #remoteId;
  #offerer;
  #signaling;
  #candidates = new CandidateQueue();
  #makingOffer = false;
  #offerAgain = false;
  #disconnectTimer = null;
  #closed = false;
  #screenTransceiver = null;
  #screenMid = null;
  #pendingScreen = null; // answering side: a screen to send once the screen transceiver exists
  #onScreenReady;

  /**
   * @param remoteId   the other participant's id
   * @param offerer    true when this side makes the offers
   * @param iceServers RTCIceServer list from /api/ice-servers
   * @param stream     local MediaStream (may have no tracks)
   * @param signaling  the Signaling its offers, answers and candidates go out on
   * @param onStream   function(MediaStream) when remote camera/microphone media arrives
   * @param screen     optional MediaStreamTrack: a screen already being shared, sent from the start
   * @param onScreenReady function() once the other's screen can be received (remoteScreenTrack)
   */
  constructor({ remoteId, offerer, iceServers, stream, signaling, onStream, screen, onScreenReady }) {
    this.#onScreenReady = onScreenReady || (() => {});
    this.#remoteId = remoteId;
    this.#offerer = offerer;
    this.#signaling = signaling;
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
    if (offerer) {
      // After audio and video, so it is always the third m-line.
      this.#screenTransceiver = pc.addTransceiver(screen || 'video', { direction: 'sendrecv' });
    } else {
      this.#pendingScreen = screen || null;
    }
    pc.ontrack = (event) => {
      if (event.transceiver === this.#screenTransceiver || this.#isScreenMid(event.transceiver.mid)) return;
      if (!remote.getTracks().includes(event.track)) remote.addTrack(event.track);
      onStream(remote);
    };
    pc.onicecandidate = (event) => {
      if (event.candidate) {
        this.#signaling.candidate(remoteId, event.candidate.toJSON());
      }
    };
    pc.onnegotiationneeded = () => {
      if (this.#offerer) this.#offer();
    };
    pc.oniceconnectionstatechange = () => this.#watchIce();
  }

  get remoteId() { return this.#remoteId; }
  get connection() { return this.#pc; }

  /** New ICE servers (renewed TURN credentials): used from the next gathering on, e.g. an ICE restart. */
  setIceServers(iceServers) {
    setIceServers(this.#pc, iceServers);
  }

  async acceptOffer(sdp) {
    const pc = this.#pc;
    // The offer's third m-line is the screen (known before ontrack fires for it).
    if (this.#screenMid === null) this.#screenMid = (sdp.match(/^a=mid:(\S+)/gm) || [])[2]?.slice(6) ?? null;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    if (!this.#screenTransceiver) {
      // Answer it sendrecv, so this side can share too.
      this.#screenTransceiver = pc.getTransceivers().find((t) => t.mid === this.#screenMid) || null;
      if (this.#screenTransceiver) {
        this.#screenTransceiver.direction = 'sendrecv';
        if (this.#pendingScreen) await this.#screenTransceiver.sender.replaceTrack(this.#pendingScreen);
        this.#onScreenReady();
      }
    }
    await this.#candidates.flush(this.#pc);
    await pc.setLocalDescription();
    this.#signaling.answer(this.#remoteId, pc.localDescription.sdp);
  }

  async acceptAnswer(sdp) {
    if (this.#pc.signalingState !== 'have-local-offer') return; // a stale answer
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
    await this.#candidates.flush(this.#pc);
    if (this.#offerAgain) {
      this.#offerAgain = false;
      this.#offer();
    }
  }

  addCandidate(candidate) {
    return this.#candidates.add(this.#pc, candidate);
  }

  /** The other person's shared screen, as it arrives (frames flow only while they share). */
  get remoteScreenTrack() {
    return this.#screenTransceiver?.receiver.track ?? null;
  }

  /** Starts (a track) or stops (null) sending a shared screen; never renegotiates. */
  async setScreen(track) {
    this.#pendingScreen = track;
    if (this.#screenTransceiver) await this.#screenTransceiver.sender.replaceTrack(track);
  }

  #isScreenMid(mid) {
    return this.#screenMid !== null && mid === this.#screenMid;
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
      this.#signaling.offer(this.#remoteId, pc.localDescription.sdp);
    } catch (error) {
      console.warn('could not make an offer', error);
    } finally {
      this.#makingOffer = false;
    }
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
