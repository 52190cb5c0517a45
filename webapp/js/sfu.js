// Kurento (SFU) mode: one connection to the media server per stream. No DOM here.
//
// The page publishes its own stream on one send-only connection and receives on receive-only
// connections of their own, because Kurento carries one stream per endpoint: the room's audio mix
// (`~mix`), a few video slots (`~slot0`...) the server points at the cameras to show, and a
// shared screen (`<id>~screen`). Each connection is named by the stream it carries.
// The browser always offers; the media server answers (sfu-answer) and trickles candidates
// (sfu-candidate). Candidates that arrive before the answer are queued, not dropped.

import { CandidateQueue, setIceServers } from './candidates.js';

const RESTART_AFTER_DISCONNECT_MS = 4000;
// An offer the media server has not answered in this time (it refused it with media-failed, or it
// was too busy to answer) is made again on a new connection, and each further wait is twice as
// long, up to the last: a struggling media server is not pressed. Far above a slow answer's time.
export const ANSWER_WAITS_MS = [30000, 60000, 120000];

export class SfuLink {
  #pc = null;
  #streamId;
  #publishing;
  #iceServers;
  #localStream;
  #signaling;
  #onStream;
  #candidates = new CandidateQueue();
  #disconnectTimer = null;
  #answerTimer = null;
  #unanswered = 0; // offers in a row that got no answer
  #closed = false;
  #screen;
  #kinds;

  /**
   * @param streamId    whose stream this connection carries (own id when publishing)
   * @param publishing  true: send own media; false: receive streamId's media
   * @param iceServers  RTCIceServer list from /api/ice-servers
   * @param localStream own MediaStream (publishing only)
   * @param signaling   the Signaling its offers and candidates go out on
   * @param onStream    function(MediaStream) when remote media arrives (receiving only)
   * @param screen      publishing a shared screen (stream `<own id>~screen`), not the camera
   * @param kinds       receiving: what the stream carries (['audio'] for the mix, ['video'] for a slot)
   */
  constructor({ streamId, publishing, iceServers, localStream, signaling, onStream, screen = false, kinds = ['audio', 'video'] }) {
    this.#screen = screen;
    this.#kinds = kinds;
    this.#streamId = streamId;
    this.#publishing = publishing;
    this.#iceServers = iceServers;
    this.#localStream = localStream;
    this.#signaling = signaling;
    this.#onStream = onStream;
    this.#negotiate();
  }

  get remoteId() { return this.#streamId; }
  get connection() { return this.#pc; }

  /** New ICE servers (renewed TURN credentials), for this connection and any it is replaced by. */
  setIceServers(iceServers) {
    this.#iceServers = iceServers;
    if (this.#pc) setIceServers(this.#pc, iceServers);
  }

  /** Starts over with a new connection: after the media server lost the old one, or ICE failed. */
  restart() {
    if (this.#closed) return;
    this.#unanswered = 0; // a new reason to start over (the media server is back, ICE failed): the first wait again
    this.#pc?.close();
    this.#negotiate();
  }

  async acceptAnswer(sdp) {
    const pc = this.#pc;
    if (pc.signalingState !== 'have-local-offer') return; // for a connection already replaced
    // Answered only once the answer is taken: one the connection rejects leaves the wait running,
    // and the offer is made again when it ends.
    // (The server sends no answer for an endpoint an offer made again replaced; only one already on
    // its way as the new offer left can land on the new connection. Its endpoint is let go of
    // then, so that connection's ICE fails, and #watchIce starts over.)
    await pc.setRemoteDescription({ type: 'answer', sdp });
    if (pc === this.#pc) {
      clearTimeout(this.#answerTimer);
      this.#unanswered = 0;
    }
    await this.#candidates.flush(pc);
  }

  addCandidate(candidate) {
    return this.#candidates.add(this.#pc, candidate);
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#disconnectTimer);
    clearTimeout(this.#answerTimer);
    this.#pc?.close();
  }

  #negotiate() {
    clearTimeout(this.#disconnectTimer);
    clearTimeout(this.#answerTimer);
    this.#candidates.clear();
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers });
    this.#pc = pc;
    if (this.#publishing) {
      for (const track of this.#localStream.getTracks()) {
        pc.addTransceiver(track, { direction: 'sendonly', streams: [this.#localStream] });
      }
    } else {
      const remote = new MediaStream();
      for (const kind of this.#kinds) pc.addTransceiver(kind, { direction: 'recvonly' });
      pc.ontrack = (event) => {
        if (!remote.getTracks().includes(event.track)) remote.addTrack(event.track);
        this.#onStream(remote);
      };
    }
    pc.onicecandidate = (event) => {
      if (event.candidate && pc === this.#pc) {
        this.#signaling.sfuCandidate(this.#streamId, event.candidate.toJSON());
      }
    };
    pc.oniceconnectionstatechange = () => this.#watchIce(pc);
    this.#offer(pc);
  }

  async #offer(pc) {
    try {
      await pc.setLocalDescription(await pc.createOffer());
      if (pc !== this.#pc || this.#closed) return;
      const sdp = pc.localDescription.sdp;
      if (this.#publishing) this.#signaling.publish(sdp, this.#screen);
      else this.#signaling.subscribe(this.#streamId, sdp);
      const wait = ANSWER_WAITS_MS[Math.min(this.#unanswered, ANSWER_WAITS_MS.length - 1)];
      this.#answerTimer = setTimeout(() => {
        if (pc !== this.#pc || this.#closed || pc.signalingState !== 'have-local-offer') return;
        this.#unanswered += 1;
        pc.close();
        this.#negotiate();
      }, wait);
    } catch (error) {
      console.warn('could not make an offer to the media server', error);
    }
  }

  #watchIce(pc) {
    if (pc !== this.#pc || this.#closed) return;
    clearTimeout(this.#disconnectTimer);
    const state = pc.iceConnectionState;
    if (state === 'failed') {
      this.restart();
    } else if (state === 'disconnected') {
      this.#disconnectTimer = setTimeout(() => this.restart(), RESTART_AFTER_DISCONNECT_MS);
    }
  }
}
