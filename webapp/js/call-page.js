// The room page once someone joins: draws what the call model (call.js) says, and wires the
// call's controls. Wiring only; room-page.js is the pre-join half and starts calls here.
import { Signaling } from './signaling.js';
import { PeerLink } from './peer.js';
import { SfuLink } from './sfu.js';
import { Call } from './call.js';
import { canChooseSpeaker } from './media.js';
import { showChat, clearChat, showPeople, showNotice as showChatNotice } from './meeting-panel.js';
import { watchCall, watchOwnVoice } from './call-stats.js';
import { watchStage } from './stage.js';
import { addTile, renderTile, showStream, showRoomAudio, removeTile, setSinkId, arrangeTiles, markSpeaker, showQuality, showScreen, tileOf } from './tiles.js';
import { fillCallDevices, renderToggles } from './prejoin.js';
import { wireHostBar, renderHost, renderRecording } from './host-controls.js';
import { show, showError, showNotice, renderStatus, renderShareButton, renderSelfAndPeople } from './call-view.js';

const $ = (id) => document.getElementById(id);

export class CallPage {
  signaling = null;
  call = null; // the call model from the join on: people, connections, screens, the room's state
  #own; // own camera and microphone (OwnMedia)
  #refused; // function(error): a join was refused; the page goes back to the join form
  #layout = 'grid'; // 'grid' or 'speaker' (one large tile and a strip)
  #pinned = null; // participant id shown large in the speaker layout, whoever speaks
  #speaker = null; // participant id of the active speaker, or null
  #sinkId = ''; // chosen speaker (audio output) device, '' for the default

  /** Wires the call's controls once, for every call this page makes. */
  constructor({ own, refused }) {
    this.#own = own;
    this.#refused = refused;
    this.#wireControls();
    this.#startSampling();
    watchStage($('tiles'));
  }

  /** Joins: `join` holds roomId, name, passcode, hostSecret, memberPass; `iceServers` until joined brings its own. */
  start({ roomId, name, passcode, hostSecret, memberPass }, iceServers) {
    $('self-video').srcObject = this.#own.stream;
    show('call');
    fillCallDevices(this.#own.stream, this.#sinkId, canChooseSpeaker);
    const signaling = new Signaling(roomId, name, passcode, hostSecret, memberPass);
    this.signaling = signaling;
    // The model listens first, so the page draws what it has already applied.
    this.call = new Call({
      signaling,
      iceServers,
      localStream: () => this.#own.stream,
      connections: {
        peer: (options) => new PeerLink(options),
        sfu: (options) => new SfuLink(options),
        stream: (tracks) => new MediaStream(tracks),
      },
    });
    this.#wireCall(this.call);
    this.#wireSignaling(signaling);
    signaling.connect();
  }

  /** Leaves for good (the Leave button, or waiting in the lobby no more). */
  leave() {
    const signaling = this.signaling;
    this.call?.close(); // says the screen share ended while the socket is still open
    signaling?.leave();
    this.#end();
    show('left');
  }

  /** The page is closing: leave at once, instead of after the reconnect grace. */
  closing() {
    this.signaling?.leave();
  }

  #end() {
    this.call?.close();
    this.call = null;
    this.signaling = null;
    this.#own.stop();
  }

  /** A host removed this page, or ended the meeting: no call, no reconnect, just the notice. */
  #sentAway(section, text) {
    this.#end();
    $(`${section}-text`).textContent = text;
    show(section);
  }

  #host() {
    renderHost(this.call, () => this.signaling);
  }

  #status() {
    renderStatus(this.signaling?.state || 'disconnected', Boolean(this.call?.mediaDown));
  }

  #renderPeople() {
    if (this.call?.self) renderSelfAndPeople(this.call.self, this.call.people.values(), this.#own.off(), showPeople);
  }

  #arrange() {
    const others = [...(this.call?.people.keys() ?? [])];
    if (this.#pinned && !others.includes(this.#pinned)) this.#pinned = null;
    this.call?.pin(this.#pinned);
    arrangeTiles({ layout: this.#layout, pinned: this.#pinned, speaker: this.#speaker, others });
  }

  #togglePin(id) {
    this.#pinned = this.#pinned === id ? null : id;
    if (this.#pinned) this.#layout = 'speaker';
    this.#arrange();
  }

  /** Own microphone ('audio') or camera ('video') on or off, before joining or in the call. */
  toggle(kind) {
    this.#own.toggle(kind);
    this.sendMediaState();
  }

  sendMediaState() {
    const { audioOff, videoOff } = renderToggles(this.#own);
    this.signaling?.mediaState(audioOff, videoOff);
    this.#renderPeople();
  }

  async #switchDevice(kind, deviceId) {
    try {
      await this.#own.switchDevice(kind, deviceId, () => this.call?.sendingConnections() ?? []);
      $('self-video').srcObject = this.#own.stream;
    } catch (error) {
      showError(`Could not switch the ${kind === 'video' ? 'camera' : 'microphone'}: ${error.message}`);
      fillCallDevices(this.#own.stream, this.#sinkId, canChooseSpeaker);
    }
  }

  async #startScreenShare() {
    const call = this.call;
    if (!call || call.ownScreen) return;
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      if (error.name !== 'NotAllowedError') showError(`Could not share the screen: ${error.message}`);
      return; // NotAllowedError: the person cancelled the browser's picker
    }
    if (this.call !== call) {
      stream.getTracks().forEach((t) => t.stop()); // the call ended while the picker was open
      return;
    }
    call.startScreen(stream);
  }

  /**
   * Connection quality from getStats() of every connection, and the active speaker: heard here in
   * mesh rooms; in Kurento rooms the sound comes mixed, so pages tell the server when their own
   * microphone hears speech and the server names the speaker.
   */
  #startSampling() {
    const kurento = () => this.call?.mode === 'kurento';
    watchCall({
      connections: () => {
        const call = this.signaling && this.call;
        if (!call) return [];
        if (kurento()) return call.slotted.map((id, slot) => [id, id && tileOf(id) && call.slotLinks[slot]?.connection]).filter(([id]) => id);
        return [...call.links].map(([id, link]) => [id, tileOf(id) && link.connection]);
      },
      muted: (id) => tileOf(id)?.dataset.audioMuted === 'true',
      onSample: showQuality,
      onSpeaker: (speaker) => { if (!kurento()) this.#showSpeaker(speaker); },
    });
    watchOwnVoice({
      connection: () => (kurento() ? this.call.publisher?.connection : null),
      onChange: (speaking) => this.call?.speaking(speaking),
    });
  }

  #showSpeaker(speaker) {
    if (speaker === this.#speaker) return;
    this.#speaker = speaker;
    markSpeaker(speaker);
    this.#arrange();
  }

  #wireCall(call) {
    const on = (type, handler) => call.addEventListener(type, ({ detail }) => handler(detail ?? {}));
    const changed = () => {
      this.#renderPeople();
      this.#host(); // the last host may have gone: a member may now claim the room
    };
    on('joined', ({ joined, wasRecording }) => {
      showError('');
      $('self-name').textContent = joined.self.name;
      document.querySelector('[data-testid="self-tile"]').dataset.verified = String(Boolean(joined.self.verified));
      if (!joined.resumed) clearChat();
      if (joined.recording && !wasRecording) showChatNotice('This meeting is being recorded.');
      if (!$('lobby').hidden) show('call'); // let in from the lobby
      (joined.chat || []).forEach((message) => showChat(message, joined.self.id));
      renderShareButton(Boolean(call.ownScreen));
      this.sendMediaState();
    });
    on('added', ({ participant }) => {
      addTile(participant, { onPin: (id) => this.#togglePin(id), signaling: () => this.signaling });
      changed();
      this.#arrange();
    });
    on('updated', ({ participant, changed: fields }) => {
      renderTile(participant);
      this.#renderPeople();
      // Host controls (and the lobby's buttons a host may be tabbing through) only when hosts change.
      if (fields.includes('host')) this.#host();
    });
    on('removed', ({ id }) => {
      removeTile(id);
      changed();
      this.#arrange();
    });
    on('stream', ({ id, stream }) => showStream(id, stream, canChooseSpeaker ? this.#sinkId : ''));
    on('mix', ({ stream }) => showRoomAudio(stream, canChooseSpeaker ? this.#sinkId : ''));
    on('speaker', ({ id }) => this.#showSpeaker(id === call.selfId ? null : id));
    on('screen', ({ id, stream }) => showScreen(id, stream, id === call.selfId ? null : call.people.get(id)?.name));
    on('self', changed);
    on('room', () => this.#host());
    on('recording', ({ recording, name }) => {
      const who = name || 'The server';
      showChatNotice(recording ? `${who} started recording this meeting.` : `${who} stopped recording.`);
    });
    on('mode', () => renderRecording(call.recording, call.mode));
    on('media-status', () => this.#status());
    on('own-screen', () => renderShareButton(Boolean(call.ownScreen)));
  }

  /** What the server says that is for the page alone: notices, chat, being sent away, errors. */
  #wireSignaling(signaling) {
    const on = (type, handler) => signaling.addEventListener(type, ({ detail }) => handler(detail));
    on('chat', (message) => showChat(message, signaling.selfId));
    on('muted-by-host', ({ name }) => {
      this.#own.setMuted('audio', true);
      this.sendMediaState();
      showNotice(`${name} muted your microphone. Unmute it when you want to speak.`);
    });
    on('camera-requested', ({ name }) => showNotice(`${name} asks you to turn your camera on.`));
    on('host', ({ id, host }) => { if (id === signaling.selfId && host) showNotice('You are a host now.'); });
    on('lobby-waiting', () => show('lobby'));
    on('lobby-denied', ({ name }) => this.#sentAway('denied', `${name} did not let you into this meeting.`));
    on('removed', ({ name }) => this.#sentAway('removed', `${name} removed you from this meeting.`));
    on('meeting-ended', ({ name }) => this.#sentAway('ended', `${name} ended this meeting for everyone.`));
    on('state', () => this.#status());
    on('fatal', showError);
    on('error', ({ error, message }) => {
      if (!signaling.selfId && this.#refused(error)) {
        // Not let in: back to the join form, with no call.
        signaling.leave();
        this.signaling = null;
        this.call = null;
      }
      showError(message);
    });
  }

  #wireControls() {
    const click = (id, handler) => $(id).addEventListener('click', handler);
    const change = (id, handler) => $(id).addEventListener('change', (e) => handler(e.target.value));
    click('claim-host', () => this.signaling?.claimHost());
    click('leave', () => this.leave());
    click('lobby-leave', () => this.leave());
    wireHostBar(() => this.signaling, () => this.call ?? {});
    click('share-screen', () => (this.call?.ownScreen ? this.call.stopScreen() : this.#startScreenShare()));
    click('layout-toggle', () => {
      this.#layout = this.#layout === 'speaker' ? 'grid' : 'speaker';
      if (this.#layout === 'grid') this.#pinned = null;
      this.#arrange();
    });
    change('call-camera-select', (id) => this.#switchDevice('video', id));
    change('call-mic-select', (id) => this.#switchDevice('audio', id));
    change('call-speaker-select', (id) => {
      this.#sinkId = id;
      setSinkId(id);
    });
    click('raise-hand', () => this.signaling?.raiseHand(!this.call?.self?.handRaised));
    // On a narrow screen the panel lies over the stage: it starts closed there.
    if (matchMedia('(max-width: 50rem)').matches) {
      $('side').hidden = true;
      $('toggle-panel').setAttribute('aria-pressed', 'false');
    }
    click('toggle-panel', () => {
      $('side').hidden = !$('side').hidden;
      $('toggle-panel').setAttribute('aria-pressed', String(!$('side').hidden));
    });
    $('chat-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $('chat-input').value.trim();
      if (!text || !this.signaling) return;
      this.signaling.chat(text);
      $('chat-input').value = '';
    });
    // In the call, M turns the microphone on or off and V the camera (not while typing).
    addEventListener('keydown', (event) => {
      if ($('call').hidden || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      if (event.target.closest?.('input, textarea, select, [contenteditable]')) return;
      const kind = { m: 'audio', v: 'video' }[event.key.toLowerCase()];
      if (!kind || !this.#own.has(kind)) return;
      event.preventDefault();
      this.toggle(kind);
    });
  }
}
