// The signaling WebSocket and its protocol (docs/protocol.md): join, resume after a drop with
// backoff, keep-alive, and a send queue that survives reconnects. No DOM here.

const PING_EVERY_MS = 5000;
const DEAD_AFTER_MS = 12000;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];
const REPLACED = 4001;
const DISMISSED = 4005; // removed by a host, turned away from the lobby, or the meeting ended

export class Signaling extends EventTarget {
  #roomId;
  #name;
  #passcode;
  #host;
  #member;
  #socket = null;
  #token = null;
  #lastChatId = null; // the last chat message this page has, so a resume brings only newer ones
  #selfId = null;
  #state = 'disconnected';
  #attempt = 0;
  #joinedOnce = false;
  #outgoing = [];
  #lastHeard = 0;
  #keepAlive = null;
  #retry = null;
  #ended = false;

  /** `host`: the secret of the room's host link, or undefined; `member`: the member pass from /api/me, or undefined. */
  constructor(roomId, name, passcode, host, member) {
    super();
    this.#roomId = roomId;
    this.#name = name;
    this.#passcode = passcode;
    this.#host = host;
    this.#member = member;
  }

  get selfId() { return this.#selfId; }
  get state() { return this.#state; }

  connect() {
    this.#ended = false;
    this.#open();
  }

  /** Sends now, or as soon as the socket is back and resumed. Pages use the verbs below. */
  send(message) {
    if (this.#state === 'connected') {
      this.#socket.send(JSON.stringify(message));
    } else {
      this.#outgoing.push(message);
    }
  }

  /** Leaves the room for good (page closed or leave button). */
  leave() {
    this.#ended = true;
    clearTimeout(this.#retry);
    clearInterval(this.#keepAlive);
    if (this.#socket && this.#socket.readyState === WebSocket.OPEN) {
      this.#socket.send(JSON.stringify({ type: 'leave' }));
      this.#socket.close(1000, 'left');
    }
    this.#setState('disconnected');
  }

  #open() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/signal/${encodeURIComponent(this.#roomId)}`);
    this.#socket = socket;
    socket.onopen = () => {
      this.#lastHeard = Date.now();
      socket.send(JSON.stringify(this.#token ? this.#resumeMessage() : this.#joinMessage()));
      clearInterval(this.#keepAlive);
      this.#keepAlive = setInterval(() => this.#checkAlive(socket), PING_EVERY_MS);
    };
    socket.onmessage = (event) => {
      this.#lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.#receive(message);
    };
    socket.onclose = (event) => {
      if (socket !== this.#socket) return;
      clearInterval(this.#keepAlive);
      if (this.#ended) return;
      if (event.code === DISMISSED) {
        // The message that said why came first; in any case there is nothing to come back to.
        this.#ended = true;
        this.#setState('disconnected');
        return;
      }
      if (event.code === REPLACED) {
        this.#ended = true;
        this.#setState('disconnected');
        this.dispatchEvent(new CustomEvent('fatal', { detail: 'This call continues in another window.' }));
        return;
      }
      this.#setState(this.#joinedOnce ? 'reconnecting' : 'disconnected');
      const delay = BACKOFF_MS[Math.min(this.#attempt, BACKOFF_MS.length - 1)];
      this.#attempt += 1;
      this.#retry = setTimeout(() => this.#open(), delay);
    };
  }

  /** Asks for fresh ICE servers (TURN credentials expire); answered by an `ice-servers` event. */
  requestIceServers() {
    this.send({ type: 'ice-servers' });
  }

  // ---- what a page says: every message it sends is made here (docs/protocol.md) -------------

  chat(text) { this.send({ type: 'chat', text }); }

  raiseHand(raised) { this.send({ type: 'hand', raised }); }
  /** Kurento rooms: this page's microphone started or stopped hearing speech. Stale once the socket drops: not queued. */
  speaking(speaking) { if (this.state === 'connected') this.send({ type: 'speaking', speaking }); }

  /** Kurento rooms: keep `participant`'s camera in this page's slots whoever speaks; none unpins. */
  pin(participant) { this.send(participant ? { type: 'pin', participant } : { type: 'pin' }); }

  mediaState(audioMuted, videoMuted) { this.send({ type: 'media-state', audioMuted, videoMuted }); }

  /** Asks to share a screen (the server confirms with `screen`, or refuses: screen-busy). */
  shareScreen(streamId) { this.send({ type: 'screen', sharing: true, streamId }); }

  stopScreen() { this.send({ type: 'screen', sharing: false }); }

  claimHost() { this.send({ type: 'claim-host' }); }

  // Mesh: offers, answers and candidates for one other participant.
  offer(to, sdp) { this.send({ type: 'offer', to, sdp }); }

  answer(to, sdp) { this.send({ type: 'answer', to, sdp }); }

  candidate(to, candidate) { this.send({ type: 'candidate', to, candidate }); }

  // Kurento: one connection per stream, offered by the page.
  publish(sdp, screen) { this.send(screen ? { type: 'publish', sdp, screen: true } : { type: 'publish', sdp }); }

  subscribe(stream, sdp) { this.send({ type: 'subscribe', stream, sdp }); }

  sfuCandidate(stream, candidate) { this.send({ type: 'sfu-candidate', stream, candidate }); }

  // Hosts (the server checks every one).
  muteParticipant(participant) { this.send({ type: 'mute-participant', participant }); }

  askCamera(participant) { this.send({ type: 'ask-camera', participant }); }

  makeHost(participant) { this.send({ type: 'make-host', participant }); }

  removeParticipant(participant) { this.send({ type: 'remove-participant', participant }); }

  muteAll() { this.send({ type: 'mute-all' }); }

  record(recording) { this.send({ type: 'record', recording }); }

  lockRoom(locked) { this.send({ type: 'lock-room', locked }); }

  setLobby(enabled) { this.send({ type: 'lobby', enabled }); }

  admit(id) { this.send({ type: 'admit', id }); }

  deny(id) { this.send({ type: 'deny', id }); }

  endMeeting() { this.send({ type: 'end-meeting' }); }

  #resumeMessage() {
    return this.#lastChatId ? { type: 'resume', token: this.#token, chatSince: this.#lastChatId } : { type: 'resume', token: this.#token };
  }

  #joinMessage() {
    const message = { type: 'join', name: this.#name };
    if (this.#passcode) message.passcode = this.#passcode;
    if (this.#host) message.host = this.#host;
    if (this.#member) message.member = this.#member;
    return message;
  }

  #checkAlive(socket) {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.#lastHeard > DEAD_AFTER_MS) {
      socket.close(4000, 'no answer'); // onclose reconnects
      return;
    }
    socket.send(JSON.stringify({ type: 'ping' }));
  }

  #receive(message) {
    if (message.type === 'joined') {
      if (!message.resumed) this.#lastChatId = null;
      this.#lastChatId = message.chat?.at(-1)?.id ?? this.#lastChatId;
      this.#token = message.resumeToken;
      this.#selfId = message.self.id;
      this.#attempt = 0;
      this.#joinedOnce = true;
      this.#setState('connected');
      this.dispatchEvent(new CustomEvent('joined', { detail: message }));
      const queued = this.#outgoing;
      this.#outgoing = [];
      queued.forEach((m) => this.send(m));
      return;
    }
    if (message.type === 'error' && message.error === 'removed') {
      // Away when a host removed us: do not join again as someone new.
      this.#ended = true;
      clearTimeout(this.#retry);
      clearInterval(this.#keepAlive);
      this.#socket.close(1000, 'removed');
      this.#setState('disconnected');
      this.dispatchEvent(new CustomEvent('removed', { detail: { name: 'A host' } }));
      return;
    }
    if (message.type === 'error' && message.error === 'resume-failed') {
      // Our place is gone (server restarted or grace over): join again as someone new.
      this.#token = null;
      this.#outgoing = [];
      this.#socket.send(JSON.stringify(this.#joinMessage()));
      return;
    }
    if (message.type === 'error' && message.error === 'too-many-rooms' && this.#token) {
      // After a server restart the server cannot rebuild our room just now: try again later.
      this.#socket.close(4000, 'try again');
      return;
    }
    if (message.type === 'host' && message.resumeToken) this.#token = message.resumeToken; // made a host
    if (message.type === 'removed' || message.type === 'meeting-ended' || message.type === 'lobby-denied') {
      // Sent away for good: the server closes the socket (4005), and there is nothing to come back to.
      this.#ended = true;
      clearTimeout(this.#retry);
      clearInterval(this.#keepAlive);
      this.#setState('disconnected');
    }
    if (message.type === 'chat') this.#lastChatId = message.id;
    if (message.type === 'pong') return;
    this.dispatchEvent(new CustomEvent(message.type, { detail: message }));
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
