// The call model: who is in the call, the connections carrying their media, shared screens and
// the room's media mode. It applies the server's messages and tells the page what changed through
// events; it has no DOM, so `node --test` drives it with fake connections (src/test/js/call.test.mjs).
//
// Events (CustomEvent detail):
//   joined   {joined, wasRecording}  a joined message, after it was applied
//   added    {participant}     someone to show; `updated` follows whenever what is known of them changes
//   updated  {participant, changed}  everything known of them (name, audioMuted, videoMuted, handRaised,
//                              host, verified, connection), and which of those this update changed
//   removed  {id}
//   stream   {id, stream}      remote media for someone's tile (Kurento: video only, stream null when they have no slot)
//   mix      {stream}          Kurento: the room's sound, everyone's voice but one's own
//   speaker  {id}              Kurento: who speaks now, as the server heard from the pages (null: nobody)
//   screen   {id, stream}      a shared screen to show (own id for one's own), stream null when it ended
//   self     {self}            own participant info changed (hand, host)
//   mode     {mode}            the room's media mode changed ('mesh' or 'kurento')
//   media-status               the media server went away or came back (`mediaDown`)
//   own-screen                 own screen sharing started, was confirmed, refused or stopped
//   room                       locked, lobby, recording or the lobby's waiting list changed
//   recording {recording, name} a host started or stopped recording (name: who)

export const SCREEN_SUFFIX = '~screen';
export const MIX = '~mix';
export const SLOT = '~slot';
// After a server restart, others come back one by one; who has not within this time is gone.
export const RESTORE_WAIT_MS = 30000;

export class Call extends EventTarget {
  mode = 'mesh';
  self = null;
  people = new Map(); // id -> what is known of them
  links = new Map(); // mesh: id -> PeerLink
  screens = new Set(); // ids of the others sharing a screen
  screenLinks = new Map(); // kurento: id -> SfuLink receiving their screen
  publisher = null; // kurento: own sending SfuLink
  screenPublisher = null; // kurento: own SfuLink publishing the shared screen
  // Kurento, last-N: the server points a few video slots at the cameras to show, and mixes the sound.
  slotted = []; // slot -> participant id whose camera it carries, or null
  slotLinks = []; // slot -> receiving SfuLink, made when the slot is first used
  slotStreams = []; // slot -> its MediaStream once media arrived
  mixLink = null; // receiving SfuLink of the room's audio mix
  pinned = null; // participant id whose camera this page keeps in its slots (kurento), or null
  ownScreen = null; // own shared screen: {stream, track, confirmed}
  unconfirmed = new Set(); // after a restart: peers not yet back in the rebuilt room
  mediaDown = false; // kurento: the media server is away (media-interrupted until sfu-restart)
  iceServers = [];
  // The room as its hosts set it, and (for hosts) who waits in the lobby: request id -> {name, verified}.
  locked = false;
  lobby = false;
  recording = false;
  waiting = new Map();
  #signaling;
  #connections;
  #localStream;
  #timers;
  #iceRenewal = null;

  /**
   * @param signaling    a Signaling: its events, selfId and verbs
   * @param connections  {peer(options), sfu(options), stream(tracks)}: makes PeerLinks, SfuLinks and MediaStreams
   * @param localStream  function returning own MediaStream
   * @param iceServers   RTCIceServer list until joined brings one
   * @param timers       {setTimeout, clearTimeout}
   */
  constructor({ signaling, connections, localStream, iceServers = [], timers = globalThis }) {
    super();
    this.#signaling = signaling;
    this.#connections = connections;
    this.#localStream = localStream;
    this.iceServers = iceServers;
    this.#timers = timers;
    const on = (type, handler) => signaling.addEventListener(type, ({ detail }) => handler(detail));
    on('joined', (joined) => this.#onJoined(joined));
    on('participant-joined', ({ participant }) => this.add(participant, true));
    on('participant-left', ({ id }) => this.remove(id));
    on('participant-connection', ({ id, state }) => this.update({ id, connection: state }));
    on('media-state', (detail) => this.update(detail));
    on('hand', ({ id, raised }) => this.#changeSelfOr(id, { handRaised: raised }));
    on('host', ({ id, host }) => this.#changeSelfOr(id, { host }));
    on('screen', (detail) => this.#onScreen(detail));
    on('ice-servers', ({ iceServers, ttl }) => this.setIceServers(iceServers, ttl));
    on('offer', ({ from, sdp }) => this.links.get(from)?.acceptOffer(sdp).catch(reportPeerError));
    on('answer', ({ from, sdp }) => this.links.get(from)?.acceptAnswer(sdp).catch(reportPeerError));
    on('candidate', ({ from, candidate }) => this.links.get(from)?.addCandidate(candidate));
    on('sfu-answer', ({ stream, sdp }) => this.#sfuLinkFor(stream)?.acceptAnswer(sdp).catch(reportPeerError));
    on('sfu-candidate', ({ stream, candidate }) => this.#sfuLinkFor(stream)?.addCandidate(candidate));
    on('media-interrupted', () => this.#setMediaDown(true));
    on('slots', ({ slots }) => this.#onSlots(slots));
    on('speaker', ({ id }) => this.#emit('speaker', { id: id ?? null }));
    on('sfu-restart', () => {
      this.#setMediaDown(false);
      this.#restartMedia();
    });
    on('room-state', ({ locked, lobby }) => {
      this.locked = locked;
      this.lobby = lobby;
      this.#emit('room');
    });
    on('recording', ({ recording, name }) => {
      this.recording = recording;
      this.#emit('recording', { recording, name });
      this.#emit('room');
    });
    on('lobby-request', ({ id, name, verified }) => {
      this.waiting.set(id, { name, verified: Boolean(verified) });
      this.#emit('room');
    });
    on('lobby-left', ({ id }) => {
      this.waiting.delete(id);
      this.#emit('room');
    });
    on('error', ({ error }) => {
      if (error === 'screen-busy' && this.ownScreen && !this.ownScreen.confirmed) {
        // Someone else shares already: this page's share is refused.
        const refused = this.ownScreen;
        this.ownScreen = null;
        refused.track.stop();
        this.#emit('own-screen');
      }
    });
  }

  get selfId() { return this.#signaling.selfId; }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #onJoined(joined) {
    if (joined.iceServers) this.setIceServers(joined.iceServers, joined.iceServersTtl);
    this.self = joined.self;
    this.#emit('self', { self: this.self });
    if (joined.media !== this.mode) {
      // A room rebuilt after a server restart may come back in the other mode: start over in it.
      this.#removeEveryone();
      this.mode = joined.media;
      this.#emit('mode', { mode: this.mode });
    }
    // Screens others share: a socket that was down missed their `screen` messages.
    for (const p of joined.participants) {
      if (p.screenStreamId) {
        this.screens.add(p.id);
        this.#showRemoteScreen(p.id);
      } else if (this.screens.has(p.id)) {
        this.#removeScreen(p.id);
      }
    }
    this.reconcile(joined);
    const wasRecording = this.recording;
    this.locked = Boolean(joined.locked);
    this.lobby = Boolean(joined.lobby);
    this.recording = Boolean(joined.recording);
    this.waiting.clear(); // hosts get every waiting request again right after joined
    this.#emit('joined', { joined, wasRecording });
    this.#emit('room');
  }

  /**
   * Brings people and connections in line with a `joined` message, for a first join, a resume
   * after a dropped socket and a room the server rebuilt after a restart, in both media modes.
   */
  reconcile(joined) {
    const present = new Set(joined.participants.map((p) => p.id));
    const mesh = this.mode === 'mesh';
    if (mesh && !joined.resumed) {
      // A fresh identity: every connection starts over, and those already here offer to us.
      this.#removeEveryone();
    } else if (mesh && joined.restored) {
      // The server restarted and rebuilt the room from resume tokens. Peer connections never
      // depended on it: keep them all, and forget only those who do not come back.
      [...this.people.keys()].filter((id) => !present.has(id)).forEach((id) => this.unconfirmed.add(id));
      this.#timers.setTimeout(() => [...this.unconfirmed].forEach((id) => this.remove(id)), RESTORE_WAIT_MS);
    } else {
      // Catch up with who left while the socket was down.
      [...this.people.keys()].filter((id) => !present.has(id)).forEach((id) => this.remove(id));
    }
    if (!mesh && (!joined.resumed || joined.restored || !this.mixLink)) {
      // New identity, or a rebuilt room whose pipeline is new: every media server connection we
      // keep starts over (a plain resume keeps them: they never depended on the socket). Those
      // made just below negotiate once, from the start.
      this.#setMediaDown(false);
      this.#restartMedia();
      if (this.pinned && present.has(this.pinned)) this.#signaling.pin(this.pinned); // a new or rebuilt room knows no pin
    }
    // Anyone new arrived after us (mesh: we offer to them), except on a first join.
    for (const p of joined.participants) {
      this.unconfirmed.delete(p.id); // back: an earlier restore's wait must not drop them
      if (this.people.has(p.id)) this.update(p);
      else this.add(p, Boolean(joined.resumed));
    }
  }

  /** Someone to show and connect to; `offerer`: mesh, this page makes the offer. */
  add(participant, offerer) {
    const { id } = participant;
    this.unconfirmed.delete(id);
    if (this.people.has(id)) {
      // Someone we still have a connection with, back after a server restart: keep it.
      this.update(participant);
      return;
    }
    this.people.set(id, { ...participant });
    const signaling = this.#signaling;
    const onStream = (stream) => this.#emit('stream', { id, stream });
    if (participant.screenStreamId) this.screens.add(id);
    if (this.mode === 'mesh') {
      this.links.set(id, this.#connections.peer({
        remoteId: id, offerer, iceServers: this.iceServers, stream: this.#localStream(), signaling, onStream,
        screen: this.ownScreen?.confirmed ? this.ownScreen.track : null,
        onScreenReady: () => { if (this.screens.has(id)) this.#showRemoteScreen(id); },
      }));
    }
    // After the connection exists, so whoever draws counts them among the others (media comes later).
    this.#emit('added', { participant: this.people.get(id) });
    const slot = this.slotted.indexOf(id); // Kurento: a slot may have come before they did
    if (slot >= 0 && this.slotStreams[slot]) onStream(this.slotStreams[slot]);
    else if (this.mode === 'kurento') onStream(null); // no camera of theirs here until a slot carries it
    if (this.screens.has(id)) this.#showRemoteScreen(id);
  }

  /** What changed of someone; fields left undefined stay as they were. */
  update(change) {
    const known = this.people.get(change.id);
    if (!known) return;
    const changed = [];
    for (const key of ['name', 'audioMuted', 'videoMuted', 'handRaised', 'host', 'verified', 'connection']) {
      if (change[key] !== undefined && change[key] !== known[key]) {
        known[key] = change[key];
        changed.push(key);
      }
    }
    this.#emit('updated', { participant: known, changed });
  }

  remove(id) {
    if (this.pinned === id) this.pinned = null; // the server forgets the pin of someone gone too
    this.#removeScreen(id);
    this.unconfirmed.delete(id);
    const known = this.people.delete(id);
    this.links.get(id)?.close();
    const linked = this.links.delete(id);
    if (known || linked) this.#emit('removed', { id });
  }

  #changeSelfOr(id, change) {
    if (id === this.selfId) {
      this.self = { ...this.self, ...change };
      this.#emit('self', { self: this.self });
    } else {
      this.update({ id, ...change });
    }
  }

  #removeEveryone() {
    for (const id of [...this.people.keys()]) this.remove(id);
    this.publisher?.close();
    this.publisher = null;
    this.#closeSlots();
    this.mixLink?.close();
    this.mixLink = null;
  }

  /** Kurento: the server says whose camera each slot carries now; the first use of a slot opens its connection. */
  #onSlots(slots = []) {
    if (this.mode !== 'kurento' || !this.self) return;
    const before = this.slotted;
    this.slotted = slots.map((id) => id ?? null);
    // Those who lost their slot first, so a stream moving from one tile to another leaves the first.
    for (const id of before) {
      if (id && !this.slotted.includes(id)) this.#emit('stream', { id, stream: null });
    }
    this.slotted.forEach((id, slot) => {
      if (!id) return;
      if (!this.slotLinks[slot]) {
        this.slotLinks[slot] = this.#connections.sfu({
          streamId: SLOT + slot, publishing: false, kinds: ['video'], iceServers: this.iceServers,
          signaling: this.#signaling, onStream: (stream) => this.#slotStream(slot, stream),
        });
      } else if (before[slot] !== id && this.slotStreams[slot]) {
        this.#emit('stream', { id, stream: this.slotStreams[slot] });
      }
    });
  }

  #slotStream(slot, stream) {
    this.slotStreams[slot] = stream;
    const id = this.slotted[slot];
    if (id && this.people.has(id)) this.#emit('stream', { id, stream });
  }

  /** Kurento: every slot connection closes and nobody's camera shows until the server points slots again. */
  #closeSlots() {
    for (const id of this.slotted) if (id) this.#emit('stream', { id, stream: null });
    this.slotLinks.forEach((link) => link?.close());
    this.slotted = [];
    this.slotLinks = [];
    this.slotStreams = [];
  }

  /**
   * Pins `id`'s camera, or unpins with null. In Kurento rooms the server then keeps it in one of
   * this page's slots whoever speaks (it only sends the cameras a page shows).
   */
  pin(id) {
    if (id === this.pinned) return;
    this.pinned = id;
    if (this.mode === 'kurento') this.#signaling.pin(id);
  }

  /** Kurento: tells the server this page's microphone hears speech (it shows the latest speakers' cameras). */
  speaking(on) {
    if (this.mode === 'kurento') this.#signaling.speaking(on);
  }

  /** Ends the call here: every connection closes and the screen share stops. */
  close() {
    this.#timers.clearTimeout(this.#iceRenewal);
    this.stopScreen();
    this.#removeEveryone();
  }

  #setMediaDown(down) {
    if (this.mediaDown === down) return;
    this.mediaDown = down;
    this.#emit('media-status');
  }

  /** Kurento: (re)publishes own stream; nothing to publish without a camera or microphone. */
  #publish() {
    this.publisher?.close();
    this.publisher = null;
    const stream = this.#localStream();
    if (stream.getTracks().length === 0) return;
    this.publisher = this.#connections.sfu({
      streamId: this.selfId, publishing: true, iceServers: this.iceServers, localStream: stream, signaling: this.#signaling,
    });
  }

  /**
   * Kurento: the media server lost this room's connections, or this is a new identity; negotiate
   * anew. Slots start empty: the server points them again as cameras are published.
   */
  #restartMedia() {
    this.#publish();
    this.#closeSlots();
    if (this.mixLink) {
      this.mixLink.restart();
    } else {
      this.mixLink = this.#connections.sfu({
        streamId: MIX, publishing: false, kinds: ['audio'], iceServers: this.iceServers, signaling: this.#signaling,
        onStream: (stream) => this.#emit('mix', { stream }),
      });
    }
    this.screenPublisher?.restart();
    this.screenLinks.forEach((link) => link.restart());
  }

  #sfuLinkFor(stream) {
    const self = this.selfId;
    if (stream === self) return this.publisher;
    if (stream === self + SCREEN_SUFFIX) return this.screenPublisher;
    if (stream.endsWith(SCREEN_SUFFIX)) return this.screenLinks.get(stream.slice(0, -SCREEN_SUFFIX.length));
    if (stream === MIX) return this.mixLink;
    if (stream.startsWith(SLOT)) return this.slotLinks[Number(stream.slice(SLOT.length))];
    return null;
  }

  /** Every connection that sends own media: mesh links, or the Kurento publisher. */
  sendingConnections() {
    const links = this.mode === 'kurento' ? [this.publisher] : [...this.links.values()];
    return links.filter(Boolean).map((link) => link.connection).filter(Boolean);
  }

  /**
   * ICE servers from the server: STUN for anyone, TURN (with expiring credentials) only for
   * participants. New connections use them; existing ones from their next ICE restart. Asks
   * again at three quarters of the credentials' life.
   */
  setIceServers(iceServers, ttlSeconds) {
    this.iceServers = iceServers;
    for (const link of [...this.links.values(), ...this.screenLinks.values(), ...this.slotLinks, this.mixLink,
      this.publisher, this.screenPublisher]) {
      link?.setIceServers?.(iceServers);
    }
    this.#timers.clearTimeout(this.#iceRenewal);
    this.#iceRenewal = ttlSeconds ? this.#timers.setTimeout(() => this.#signaling.requestIceServers(), ttlSeconds * 750) : null;
  }

  // ---- screens: one per room at a time, decided by the server --------------------------------

  /** Starts sharing `stream` (from getDisplayMedia); the server confirms or refuses (screen-busy). */
  startScreen(stream) {
    if (this.ownScreen) return;
    const track = stream.getVideoTracks()[0];
    this.ownScreen = { stream, track, confirmed: false };
    // The browser's own "Stop sharing" bar ends the track.
    track.addEventListener('ended', () => this.stopScreen());
    this.#signaling.shareScreen(stream.id);
    this.#emit('own-screen');
  }

  stopScreen() {
    const screen = this.ownScreen;
    if (!screen) return;
    this.ownScreen = null;
    screen.track.stop();
    this.links.forEach((link) => link.setScreen?.(null));
    this.screenPublisher?.close();
    this.screenPublisher = null;
    this.#emit('screen', { id: this.selfId ?? '', stream: null });
    if (screen.confirmed) this.#signaling.stopScreen();
    this.#emit('own-screen');
  }

  #onScreen({ id, sharing }) {
    if (id === this.selfId) {
      if (sharing && !this.ownScreen) this.#signaling.stopScreen(); // stopped before the server said yes
      else if (sharing) this.#screenConfirmed();
      return;
    }
    if (sharing) {
      this.screens.add(id);
      this.#showRemoteScreen(id);
    } else {
      this.#removeScreen(id);
    }
  }

  /** The server said yes: send the screen on every connection and show it here too. */
  #screenConfirmed() {
    const screen = this.ownScreen;
    if (!screen || screen.confirmed) return;
    screen.confirmed = true;
    if (this.mode === 'kurento') {
      this.screenPublisher = this.#connections.sfu({
        streamId: this.selfId + SCREEN_SUFFIX, publishing: true, screen: true, iceServers: this.iceServers,
        localStream: screen.stream, signaling: this.#signaling,
      });
    } else {
      this.links.forEach((link) => link.setScreen?.(screen.track));
    }
    this.#emit('screen', { id: this.selfId, stream: screen.stream });
    this.#emit('own-screen');
  }

  /** Mesh: their screen arrives on the screen transceiver of our connection to them. Kurento: we subscribe to it. */
  #showRemoteScreen(id) {
    if (this.mode === 'kurento') {
      if (this.screenLinks.has(id)) return;
      this.screenLinks.set(id, this.#connections.sfu({
        streamId: id + SCREEN_SUFFIX, publishing: false, iceServers: this.iceServers,
        signaling: this.#signaling, onStream: (stream) => this.#emit('screen', { id, stream }),
      }));
      return;
    }
    const track = this.links.get(id)?.remoteScreenTrack;
    if (track) this.#emit('screen', { id, stream: this.#connections.stream([track]) });
  }

  #removeScreen(id) {
    this.screens.delete(id);
    this.screenLinks.get(id)?.close();
    this.screenLinks.delete(id);
    this.#emit('screen', { id, stream: null });
  }
}

function reportPeerError(error) {
  console.warn('peer connection problem', error);
}
