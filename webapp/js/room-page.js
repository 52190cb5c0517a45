// The room page: DOM wiring only. Protocol in signaling.js, WebRTC in peer.js (mesh) and sfu.js (Kurento), devices in media.js.
import { findRoom, fetchMe, signInUrl, iceServers as fetchIceServers } from './rooms-api.js';
import { Signaling } from './signaling.js';
import { PeerLink } from './peer.js';
import { SfuLink } from './sfu.js';
import { openLocalMedia, listDevices, setMuted, hasTrack, stopAll, openTrack, canChooseSpeaker } from './media.js';
import { showChat, clearChat, showPeople, showNotice as showChatNotice } from './meeting-panel.js';
import { ConnectionSampler, SpeakerPicker, quality } from './call-stats.js';
import { watchStage } from './stage.js';
import { takeHostSecret, addTileMenu, wireHostBar, renderHostControls, renderLobby, renderRecording } from './host-controls.js';

const STATS_EVERY_MS = 500;

const NAME_KEY = 'palaver.displayName';
const HTTPS_PORT = 8181;
// After a server restart, others come back one by one; who has not within this time is gone.
const RESTORE_WAIT_MS = 30000;
const JOIN_ERRORS = new Set(['room-full', 'invalid-name', 'room-not-found', 'passcode-required', 'passcode-invalid', 'too-many-attempts', 'server-busy', 'room-locked', 'lobby-full', 'sign-in-expired', 'sign-in-invalid']);
const SIGN_IN_ERRORS = new Set(['sign-in-expired', 'sign-in-invalid']);

const $ = (id) => document.getElementById(id);
const roomId = decodeURIComponent(location.pathname.replace(/^\/room\//, '').replace(/\/$/, ''));

const state = {
  stream: new MediaStream(),
  audioMuted: false,
  videoMuted: false,
  signaling: null,
  media: 'mesh', // the room's media mode, from joined: 'mesh' or 'kurento'
  links: new Map(), // participant id -> PeerLink (mesh) or receiving SfuLink (kurento)
  people: new Map(), // participant id -> what we know of them (name, mic, camera, hand)
  self: null, // own ParticipantInfo from joined, kept current (hand)
  layout: 'grid', // 'grid' or 'speaker' (one large tile and a strip)
  pinned: null, // participant id shown large in the speaker layout, whoever speaks
  speaker: null, // participant id of the active speaker, or null
  sinkId: '', // chosen speaker (audio output) device, '' for the default
  screen: null, // own shared screen: {stream, track} while sharing
  screens: new Set(), // ids of the others sharing a screen
  screenPublisher: null, // kurento: own SfuLink publishing the shared screen
  screenLinks: new Map(), // kurento: participant id -> SfuLink receiving their screen
  publisher: null, // kurento: own sending SfuLink
  mediaDown: false, // kurento: the media server is away (media-interrupted until sfu-restart)
  unconfirmed: new Set(), // after a restart: peers not yet back in the rebuilt room
  iceServers: [],
  iceRenewal: null, // timer asking for fresh TURN credentials before they expire
  hostSecret: undefined, // from the host link: joining with it makes this page a host
  locked: false, // the hosts locked the room
  lobby: false, // newcomers wait in the lobby
  recording: false, // a host is recording the room (Kurento rooms)
  waiting: new Map(), // hosts: lobby request id -> name
  noticeTimer: null,
  preview: Promise.resolve(), // the camera and microphone being opened: a join waits for them
  me: null, // from /api/me: whether sign-in is on, and who this browser is signed in as
  room: null, // the room as GET /api/rooms/{id} showed it before joining
};

function showError(text) {
  $('error').textContent = text || '';
  $('error').hidden = !text;
}

function show(section) {
  for (const id of ['loading', 'not-found', 'prejoin', 'call', 'left', 'removed', 'ended', 'lobby', 'denied']) $(id).hidden = id !== section;
}

/** A passing note, e.g. that a host muted you. */
function showNotice(text) {
  $('host-notice').textContent = text;
  $('host-notice').hidden = false;
  clearTimeout(state.noticeTimer);
  state.noticeTimer = setTimeout(() => { $('host-notice').hidden = true; }, 8000);
}

function renderHost() {
  renderHostControls(Boolean(state.self?.host), state.locked, state.lobby);
  renderRecording(state.recording, state.media);
  // A signed-in member may take over a room whose hosts have all left.
  const anyHost = Boolean(state.self?.host) || [...state.people.values()].some((p) => p.host);
  $('claim-host').hidden = !state.self?.verified || anyHost;
  renderLobby(Boolean(state.self?.host), state.waiting, (message) => state.signaling?.send(message));
}

function warnIfInsecure() {
  if (window.isSecureContext) return;
  const secure = `https://${location.hostname}:${HTTPS_PORT}${location.pathname}`;
  const error = $('error');
  error.textContent = 'Browsers allow camera and microphone only over HTTPS. Open this room at ';
  const link = document.createElement('a');
  link.href = secure;
  link.textContent = secure;
  error.append(link, '.');
  error.hidden = false;
}

// ---- pre-join -----------------------------------------------------------------------------

async function startPreview(choice) {
  stopAll(state.stream);
  const { stream, problem } = await openLocalMedia(choice);
  state.stream = stream;
  $('preview').srcObject = stream;
  $('media-problem').textContent = problem || '';
  setMuted(stream, 'audio', state.audioMuted);
  setMuted(stream, 'video', state.videoMuted);
  renderToggles();
}

/** Fills a device <select>, with `current` chosen; devices without a label get a numbered one. */
function fillSelect(select, devices, current, label) {
  select.replaceChildren(...devices.map((d, i) => {
    const option = document.createElement('option');
    option.value = d.deviceId;
    option.textContent = d.label || `${label} ${i + 1}`;
    option.selected = d.deviceId === current;
    return option;
  }));
}

function currentDevice(kind) {
  return state.stream.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId;
}

async function fillDevices() {
  const { cameras, mics } = await listDevices();
  fillSelect($('camera-select'), cameras, currentDevice('video'), 'Camera');
  fillSelect($('mic-select'), mics, currentDevice('audio'), 'Microphone');
  $('camera-select').disabled = cameras.length === 0;
  $('mic-select').disabled = mics.length === 0;
}

/** Whether one's own microphone and camera are off: muted, or no such device at all. */
function ownMediaOff() {
  return {
    audioOff: state.audioMuted || !hasTrack(state.stream, 'audio'),
    videoOff: state.videoMuted || !hasTrack(state.stream, 'video'),
  };
}

function renderToggles() {
  const { audioOff, videoOff } = ownMediaOff();
  document.querySelectorAll('[data-testid="toggle-mic"]').forEach((b) => {
    b.setAttribute('aria-pressed', String(audioOff));
    b.textContent = audioOff ? 'Mic off' : 'Mic on';
    b.disabled = !hasTrack(state.stream, 'audio');
  });
  document.querySelectorAll('[data-testid="toggle-camera"]').forEach((b) => {
    b.setAttribute('aria-pressed', String(videoOff));
    b.textContent = videoOff ? 'Camera off' : 'Camera on';
    b.disabled = !hasTrack(state.stream, 'video');
  });
  document.querySelector('[data-testid="self-tile"]').dataset.videoMuted = String(videoOff);
  return { audioOff, videoOff };
}

function toggle(kind) {
  if (kind === 'audio') state.audioMuted = !state.audioMuted;
  else state.videoMuted = !state.videoMuted;
  setMuted(state.stream, kind, kind === 'audio' ? state.audioMuted : state.videoMuted);
  sendMediaState();
}

function sendMediaState() {
  const { audioOff, videoOff } = renderToggles();
  if (state.signaling) state.signaling.send({ type: 'media-state', audioMuted: audioOff, videoMuted: videoOff });
  renderPeople();
}

function renderPeople() {
  if (!state.self) return;
  const { audioOff, videoOff } = ownMediaOff();
  showPeople([{ ...state.self, audioMuted: audioOff, videoMuted: videoOff, self: true }, ...state.people.values()]);
  const raised = Boolean(state.self.handRaised);
  document.querySelector('[data-testid="self-tile"]').dataset.handRaised = String(raised);
  const button = $('raise-hand');
  button.setAttribute('aria-pressed', String(raised));
  button.textContent = raised ? 'Lower hand' : 'Raise hand';
}

// ---- the call -----------------------------------------------------------------------------

function tileOf(id) {
  return document.querySelector(`[data-testid="participant-tile"][data-participant-id="${CSS.escape(id)}"]`);
}

function addParticipant(participant, offerer) {
  state.unconfirmed.delete(participant.id);
  if (state.links.has(participant.id)) {
    // Someone we still have a connection with, back after a server restart: keep it.
    updateParticipant(participant);
    return;
  }
  const tile = $('participant-template').content.firstElementChild.cloneNode(true);
  tile.dataset.participantId = participant.id;
  tile.querySelector('.participant-name').textContent = participant.name;
  tile.querySelector('[data-testid="pin"]').addEventListener('click', () => togglePin(participant.id));
  addTileMenu(tile, participant.id, (message) => state.signaling?.send(message));
  $('tiles').append(tile);
  updateParticipant(participant);
  const video = tile.querySelector('video');
  const send = (message) => state.signaling.send(message);
  const onStream = (remote) => {
    if (video.srcObject !== remote) video.srcObject = remote;
    if (state.sinkId && canChooseSpeaker) video.setSinkId(state.sinkId).catch(() => {});
    video.play().catch(() => {});
  };
  if (participant.screenStreamId) state.screens.add(participant.id);
  state.links.set(participant.id, state.media === 'kurento'
    ? new SfuLink({ streamId: participant.id, publishing: false, iceServers: state.iceServers, send, onStream })
    : new PeerLink({
      remoteId: participant.id, offerer, iceServers: state.iceServers, stream: state.stream, send, onStream,
      screen: state.screen?.confirmed ? state.screen.track : null,
      onScreenReady: () => { if (state.screens.has(participant.id)) showRemoteScreen(participant.id); },
    }));
  if (state.screens.has(participant.id)) showRemoteScreen(participant.id);
  layout();
}

function updateParticipant({ id, name, audioMuted, videoMuted, connection, handRaised, host, verified }) {
  const tile = tileOf(id);
  if (!tile) return;
  if (host !== undefined) tile.dataset.host = String(host);
  if (verified !== undefined) tile.dataset.verified = String(verified);
  if (audioMuted !== undefined) tile.dataset.audioMuted = String(audioMuted);
  if (videoMuted !== undefined) tile.dataset.videoMuted = String(videoMuted);
  if (connection !== undefined) tile.dataset.connection = connection;
  if (handRaised !== undefined) tile.dataset.handRaised = String(handRaised);
  const known = state.people.get(id) || { id };
  for (const [key, value] of Object.entries({ name, audioMuted, videoMuted, handRaised, host, verified })) {
    if (value !== undefined) known[key] = value;
  }
  state.people.set(id, known);
  renderPeople();
  if (host !== undefined) renderHost();
}

function removeParticipant(id) {
  removeScreen(id);
  state.unconfirmed.delete(id);
  state.people.delete(id);
  renderPeople();
  state.links.get(id)?.close();
  state.links.delete(id);
  tileOf(id)?.remove();
  layout();
  renderHost(); // the last host may have gone: a member may now claim the room
}

function removeEveryone() {
  for (const id of [...state.links.keys()]) removeParticipant(id);
  state.publisher?.close();
  state.publisher = null;
}

/** Kurento: (re)publish own stream; nothing to publish without a camera or microphone. */
function publish() {
  state.publisher?.close();
  state.publisher = null;
  if (state.stream.getTracks().length === 0) return;
  state.publisher = new SfuLink({
    streamId: state.signaling.selfId,
    publishing: true,
    iceServers: state.iceServers,
    localStream: state.stream,
    send: (message) => state.signaling.send(message),
  });
}

/** Kurento: the media server lost this room's connections; negotiate every one anew. */
function restartMedia() {
  publish();
  state.links.forEach((link) => link.restart());
  state.screenPublisher?.restart();
  state.screenLinks.forEach((link) => link.restart());
}

const SCREEN_SUFFIX = '~screen';

function sfuLinkFor(stream) {
  const self = state.signaling?.selfId;
  if (stream === self) return state.publisher;
  if (stream === self + SCREEN_SUFFIX) return state.screenPublisher;
  if (stream.endsWith(SCREEN_SUFFIX)) return state.screenLinks.get(stream.slice(0, -SCREEN_SUFFIX.length));
  return state.links.get(stream);
}

/** Kurento: receive someone's shared screen on a connection of its own. */
function subscribeScreen(id) {
  if (state.screenLinks.has(id)) return;
  state.screenLinks.set(id, new SfuLink({
    streamId: id + SCREEN_SUFFIX,
    publishing: false,
    iceServers: state.iceServers,
    send: (message) => state.signaling.send(message),
    onStream: (stream) => showScreen(id, stream),
  }));
}

function renderStatus() {
  const signalingState = state.signaling?.state || 'disconnected';
  const shown = signalingState === 'connected' && state.mediaDown ? 'reconnecting' : signalingState;
  const status = document.querySelector('[data-testid="connection-status"]');
  status.dataset.state = shown;
  status.textContent = { connected: 'Connected', reconnecting: 'Reconnecting…', disconnected: 'Disconnected' }[shown];
  status.title = state.mediaDown ? 'The media server is reconnecting' : '';
}

function layout() {
  const tiles = $('tiles');
  tiles.dataset.count = String(state.links.size + 1);
  tiles.dataset.layout = state.layout;
  if (state.pinned && !state.links.has(state.pinned)) state.pinned = null;
  // Large in the speaker layout: the pinned one, else who speaks, else the first other person.
  const featured = state.pinned || state.speaker || state.links.keys().next().value || null;
  document.querySelectorAll('[data-testid="participant-tile"]').forEach((tile) => {
    const id = tile.dataset.participantId;
    tile.dataset.pinned = String(id === state.pinned);
    tile.dataset.featured = String(state.layout === 'speaker' && id === featured);
    tile.querySelector('[data-testid="pin"]').setAttribute('aria-pressed', String(id === state.pinned));
  });
  const toggle = $('layout-toggle');
  toggle.setAttribute('aria-pressed', String(state.layout === 'speaker'));
  toggle.textContent = state.layout === 'speaker' ? 'Grid view' : 'Speaker view';
}

function togglePin(id) {
  state.pinned = state.pinned === id ? null : id;
  if (state.pinned) state.layout = 'speaker';
  layout();
}

// ---- screen sharing (mesh rooms): one screen per room at a time, decided by the server -------

function screenTileOf(id) {
  return document.querySelector(`[data-testid="screen-tile"][data-participant-id="${CSS.escape(id)}"]`);
}

/** A large tile for a shared screen: someone else's, or one's own (id = own id). */
function showScreen(id, stream) {
  let tile = screenTileOf(id);
  if (!tile) {
    tile = $('screen-template').content.firstElementChild.cloneNode(true);
    tile.dataset.participantId = id;
    const caption = tile.querySelector('.screen-name');
    if (id === state.signaling?.selfId) {
      caption.textContent = 'Your screen';
    } else {
      const name = document.createElement('bdi'); // a right-to-left name cannot reorder the words around it
      name.textContent = state.people.get(id)?.name || 'Someone';
      caption.replaceChildren(name, "'s screen");
    }
    $('tiles').prepend(tile);
  }
  const video = tile.querySelector('video');
  if (video.srcObject !== stream) video.srcObject = stream;
  video.play().catch(() => {});
  $('tiles').dataset.screen = 'true';
}

/**
 * Someone else shares. Mesh: their screen arrives on the screen transceiver of our connection to
 * them. Kurento: we subscribe to their screen stream.
 */
function showRemoteScreen(id) {
  if (state.media === 'kurento') {
    subscribeScreen(id);
    return;
  }
  const track = state.links.get(id)?.remoteScreenTrack;
  if (track) showScreen(id, new MediaStream([track]));
}

function removeScreen(id) {
  state.screens.delete(id);
  state.screenLinks.get(id)?.close();
  state.screenLinks.delete(id);
  screenTileOf(id)?.remove();
  $('tiles').dataset.screen = String(document.querySelector('[data-testid="screen-tile"]') !== null);
}

async function startScreenShare() {
  if (state.screen || !state.signaling) return;
  let stream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch (error) {
    if (error.name !== 'NotAllowedError') showError(`Could not share the screen: ${error.message}`);
    return; // NotAllowedError: the person cancelled the browser's picker
  }
  const track = stream.getVideoTracks()[0];
  state.screen = { stream, track, confirmed: false };
  // The browser's own "Stop sharing" bar ends the track.
  track.addEventListener('ended', stopScreenShare);
  state.signaling.send({ type: 'screen', sharing: true, streamId: stream.id });
  renderShareButton();
}

/** The server said yes: send the screen on every connection and show it here too. */
function screenShareConfirmed() {
  if (!state.screen || state.screen.confirmed) return;
  state.screen.confirmed = true;
  if (state.media === 'kurento') {
    state.screenPublisher = new SfuLink({
      streamId: state.signaling.selfId + SCREEN_SUFFIX,
      publishing: true,
      screen: true,
      iceServers: state.iceServers,
      localStream: state.screen.stream,
      send: (message) => state.signaling.send(message),
    });
  } else {
    state.links.forEach((link) => link.setScreen?.(state.screen.track));
  }
  showScreen(state.signaling.selfId, state.screen.stream);
}

function stopScreenShare() {
  const screen = state.screen;
  if (!screen) return;
  state.screen = null;
  screen.track.stop();
  state.links.forEach((link) => link.setScreen?.(null));
  state.screenPublisher?.close();
  state.screenPublisher = null;
  removeScreen(state.signaling?.selfId ?? '');
  if (screen.confirmed) state.signaling?.send({ type: 'screen', sharing: false });
  renderShareButton();
}

function renderShareButton() {
  const button = $('share-screen');
  const sharing = Boolean(state.screen);
  button.setAttribute('aria-pressed', String(sharing));
  button.textContent = sharing ? 'Stop sharing' : 'Share screen';
  button.disabled = !navigator.mediaDevices?.getDisplayMedia && !sharing;
  button.title = button.disabled ? 'This browser cannot share a screen' : '';
}

function onScreenMessage({ detail }) {
  if (detail.id === state.signaling.selfId) {
    if (detail.sharing) screenShareConfirmed();
    return;
  }
  if (detail.sharing) {
    state.screens.add(detail.id);
    showRemoteScreen(detail.id);
  } else {
    removeScreen(detail.id);
  }
}

// ---- devices during the call: new tracks replace old ones, no renegotiation ----------------

async function fillCallDevices() {
  const { cameras, mics, speakers } = await listDevices();
  fillSelect($('call-camera-select'), cameras, currentDevice('video'), 'Camera');
  fillSelect($('call-mic-select'), mics, currentDevice('audio'), 'Microphone');
  fillSelect($('call-speaker-select'), speakers, state.sinkId, 'Speaker');
  // Without a track of a kind there is no sender to replace: choose the device before joining.
  $('call-camera-select').disabled = !hasTrack(state.stream, 'video') || cameras.length < 2;
  $('call-mic-select').disabled = !hasTrack(state.stream, 'audio') || mics.length < 2;
  $('call-speaker-label').hidden = !canChooseSpeaker || speakers.length === 0;
}

/** Every connection that sends our media: mesh links, or the Kurento publisher. */
function sendingConnections() {
  const links = state.media === 'kurento' ? [state.publisher] : [...state.links.values()];
  return links.filter(Boolean).map((link) => link.connection).filter(Boolean);
}

async function switchDevice(kind, deviceId) {
  const old = state.stream.getTracks().find((t) => t.kind === kind);
  if (!old || old.getSettings().deviceId === deviceId) return;
  let track;
  try {
    track = await openTrack(kind, deviceId);
  } catch (error) {
    showError(`Could not switch the ${kind === 'video' ? 'camera' : 'microphone'}: ${error.message}`);
    fillCallDevices();
    return;
  }
  track.enabled = old.enabled; // a muted microphone stays muted
  for (const pc of sendingConnections()) {
    for (const sender of pc.getSenders()) {
      if (sender.track === old) await sender.replaceTrack(track).catch((e) => console.warn('replaceTrack failed', e));
    }
  }
  state.stream.removeTrack(old);
  state.stream.addTrack(track);
  old.stop();
  $('self-video').srcObject = state.stream;
}

async function switchSpeaker(deviceId) {
  state.sinkId = deviceId;
  const videos = document.querySelectorAll('[data-testid="participant-tile"] video');
  await Promise.all([...videos].map((v) => v.setSinkId(deviceId).catch(() => {})));
}

// ---- active speaker and connection quality, from getStats() -------------------------------

const sampler = new ConnectionSampler();
const picker = new SpeakerPicker();

async function sampleCall() {
  const levels = new Map();
  for (const [id, link] of state.links) {
    const pc = link.connection;
    const tile = tileOf(id);
    if (!pc || !tile || pc.connectionState === 'closed') continue;
    try {
      const sample = await sampler.sample(pc);
      if (tile.dataset.audioMuted !== 'true') levels.set(id, sample.audioLevel);
      const indicator = tile.querySelector('[data-testid="connection-quality"]');
      indicator.dataset.quality = quality(sample);
      indicator.title = `Round trip ${sample.rttMs ?? '–'} ms · video loss ${sample.lossPercent.toFixed(1)} %`
        + ` · ${sample.fps ?? '–'} frames/s`;
      indicator.dataset.rttMs = String(sample.rttMs ?? '');
      indicator.dataset.lossPercent = sample.lossPercent.toFixed(1);
      indicator.dataset.fps = String(sample.fps ?? '');
    } catch (error) {
      // a connection closing under us: next round
    }
  }
  const speaker = picker.pick(levels);
  if (speaker !== state.speaker) {
    state.speaker = speaker;
    document.querySelectorAll('[data-testid="participant-tile"]').forEach((tile) => {
      tile.dataset.speaking = String(tile.dataset.participantId === speaker);
    });
    layout();
  }
}

function startSampling() {
  const loop = async () => {
    if (state.signaling) await sampleCall();
    setTimeout(loop, STATS_EVERY_MS);
  };
  setTimeout(loop, STATS_EVERY_MS);
}

/**
 * ICE servers from the server: STUN for anyone, TURN (with expiring credentials) only for
 * participants, in `joined` and on request. New connections use them; existing ones from their
 * next ICE restart. Asks again at three quarters of the credentials' life.
 */
function applyIceServers(iceServers, ttlSeconds) {
  state.iceServers = iceServers;
  for (const link of [...state.links.values(), ...state.screenLinks.values(), state.publisher, state.screenPublisher]) {
    link?.setIceServers?.(iceServers);
  }
  clearTimeout(state.iceRenewal);
  state.iceRenewal = ttlSeconds ? setTimeout(() => state.signaling?.requestIceServers(), ttlSeconds * 750) : null;
}

function onJoined({ detail: joined }) {
  showError('');
  if (joined.iceServers) applyIceServers(joined.iceServers, joined.iceServersTtl);
  $('self-name').textContent = joined.self.name;
  document.querySelector('[data-testid="self-tile"]').dataset.verified = String(Boolean(joined.self.verified));
  if (!joined.resumed) clearChat();
  state.self = joined.self;
  state.locked = Boolean(joined.locked);
  state.lobby = Boolean(joined.lobby);
  if (joined.recording && !state.recording) showChatNotice('This meeting is being recorded.');
  state.recording = Boolean(joined.recording);
  state.waiting.clear(); // hosts get every waiting request again right after joined
  if (!$('lobby').hidden) show('call'); // let in from the lobby
  renderHost();
  (joined.chat || []).forEach((message) => showChat(message, joined.self.id));
  if (joined.media !== state.media) {
    // A room rebuilt after a server restart may come back in the other mode: start over in it.
    removeEveryone();
    state.media = joined.media;
    renderRecording(state.recording, state.media);
  }
  // Screens others share: a socket that was down missed their `screen` messages.
  joined.participants.forEach((p) => {
    if (p.screenStreamId) {
      state.screens.add(p.id);
      showRemoteScreen(p.id);
    } else if (state.screens.has(p.id)) {
      removeScreen(p.id);
    }
  });
  renderShareButton();
  if (state.media === 'kurento') {
    onJoinedKurento(joined);
    sendMediaState();
    return;
  }
  if (!joined.resumed) {
    // A fresh identity: every connection starts over, and those already here offer to us.
    removeEveryone();
    joined.participants.forEach((p) => addParticipant(p, false));
  } else if (joined.restored) {
    // The server restarted and rebuilt the room from resume tokens. Peer connections never
    // depended on it: keep them all, and forget only those who do not come back.
    joined.participants.forEach((p) => addParticipant(p, true));
    const present = new Set(joined.participants.map((p) => p.id));
    [...state.links.keys()].filter((id) => !present.has(id)).forEach((id) => state.unconfirmed.add(id));
    setTimeout(() => [...state.unconfirmed].forEach(removeParticipant), RESTORE_WAIT_MS);
  } else {
    // Same identity, connections kept. Catch up with what changed while the socket was down;
    // anyone new arrived after us, so we offer to them.
    const present = new Set(joined.participants.map((p) => p.id));
    [...state.links.keys()].filter((id) => !present.has(id)).forEach(removeParticipant);
    joined.participants.forEach((p) => {
      if (state.links.has(p.id)) updateParticipant(p);
      else addParticipant(p, true);
    });
  }
  sendMediaState();
}

function onJoinedKurento(joined) {
  const present = new Set(joined.participants.map((p) => p.id));
  [...state.links.keys()].filter((id) => !present.has(id)).forEach(removeParticipant);
  if (!joined.resumed || joined.restored || !state.publisher) {
    // New identity, or a rebuilt room whose pipeline is new: every connection we keep starts
    // over. Those made just below negotiate once, from the start.
    state.mediaDown = false;
    restartMedia();
  }
  // A plain resume keeps every media server connection: they never depended on this socket.
  joined.participants.forEach((p) => {
    if (state.links.has(p.id)) updateParticipant(p);
    else addParticipant(p, false);
  });
}

function linkFor(id) {
  return state.links.get(id);
}

function wireSignaling(signaling) {
  signaling.addEventListener('joined', onJoined);
  signaling.addEventListener('participant-joined', ({ detail }) => addParticipant(detail.participant, true));
  signaling.addEventListener('participant-left', ({ detail }) => removeParticipant(detail.id));
  signaling.addEventListener('participant-connection', ({ detail }) => updateParticipant({ id: detail.id, connection: detail.state }));
  signaling.addEventListener('media-state', ({ detail }) => updateParticipant(detail));
  signaling.addEventListener('chat', ({ detail }) => showChat(detail, signaling.selfId));
  signaling.addEventListener('ice-servers', ({ detail }) => applyIceServers(detail.iceServers, detail.ttl));
  signaling.addEventListener('screen', onScreenMessage);
  signaling.addEventListener('hand', ({ detail }) => {
    if (detail.id === signaling.selfId) {
      state.self.handRaised = detail.raised;
      renderPeople();
    } else {
      updateParticipant({ id: detail.id, handRaised: detail.raised });
    }
  });
  signaling.addEventListener('offer', ({ detail }) => linkFor(detail.from)?.acceptOffer(detail.sdp).catch(reportPeerError));
  signaling.addEventListener('answer', ({ detail }) => linkFor(detail.from)?.acceptAnswer(detail.sdp).catch(reportPeerError));
  signaling.addEventListener('candidate', ({ detail }) => linkFor(detail.from)?.addCandidate(detail.candidate));
  signaling.addEventListener('sfu-answer', ({ detail }) => sfuLinkFor(detail.stream)?.acceptAnswer(detail.sdp).catch(reportPeerError));
  signaling.addEventListener('sfu-candidate', ({ detail }) => sfuLinkFor(detail.stream)?.addCandidate(detail.candidate));
  signaling.addEventListener('media-interrupted', () => {
    state.mediaDown = true;
    renderStatus();
  });
  signaling.addEventListener('sfu-restart', () => {
    state.mediaDown = false;
    restartMedia();
    renderStatus();
  });
  signaling.addEventListener('muted-by-host', ({ detail }) => {
    state.audioMuted = true;
    setMuted(state.stream, 'audio', true);
    sendMediaState();
    showNotice(`${detail.name} muted your microphone. Unmute it when you want to speak.`);
  });
  signaling.addEventListener('camera-requested', ({ detail }) => showNotice(`${detail.name} asks you to turn your camera on.`));
  signaling.addEventListener('host', ({ detail }) => {
    if (detail.id === signaling.selfId) {
      state.self = { ...state.self, host: detail.host };
      renderHost();
      renderPeople();
      showNotice('You are a host now.');
    } else {
      updateParticipant({ id: detail.id, host: detail.host });
    }
  });
  signaling.addEventListener('recording', ({ detail }) => {
    state.recording = detail.recording;
    const who = detail.name || 'The server';
    showChatNotice(detail.recording ? `${who} started recording this meeting.` : `${who} stopped recording.`);
    renderHost();
  });
  signaling.addEventListener('room-state', ({ detail }) => {
    state.locked = detail.locked;
    state.lobby = detail.lobby;
    renderHost();
  });
  signaling.addEventListener('lobby-waiting', () => show('lobby'));
  signaling.addEventListener('lobby-request', ({ detail }) => {
    state.waiting.set(detail.id, { name: detail.name, verified: Boolean(detail.verified) });
    renderHost();
  });
  signaling.addEventListener('lobby-left', ({ detail }) => {
    state.waiting.delete(detail.id);
    renderHost();
  });
  signaling.addEventListener('lobby-denied', ({ detail }) => sentAway('denied', `${detail.name} did not let you into this meeting.`));
  signaling.addEventListener('removed', ({ detail }) => sentAway('removed', `${detail.name} removed you from this meeting.`));
  signaling.addEventListener('meeting-ended', ({ detail }) => sentAway('ended', `${detail.name} ended this meeting for everyone.`));
  signaling.addEventListener('state', renderStatus);
  signaling.addEventListener('fatal', ({ detail }) => showError(detail));
  signaling.addEventListener('error', ({ detail }) => {
    if (detail.error === 'screen-busy' && state.screen && !state.screen.confirmed) {
      const refused = state.screen;
      state.screen = null;
      refused.track.stop();
      renderShareButton();
    }
    if (JOIN_ERRORS.has(detail.error) && !signaling.selfId) {
      signaling.leave();
      state.signaling = null;
      show('prejoin');
      $('room-locked').hidden = detail.error !== 'room-locked';
      if (SIGN_IN_ERRORS.has(detail.error)) refreshSignIn();
    }
    showError(detail.message);
  });
}

function reportPeerError(error) {
  console.warn('peer connection problem', error);
}

async function join(event) {
  event.preventDefault();
  const member = state.me?.signedIn ? state.me : null;
  const name = member ? member.name : $('display-name').value.trim();
  if (!name) {
    showError('Please enter your name.');
    return;
  }
  if (!member) localStorage.setItem(NAME_KEY, name);
  showError('');
  // Joined before the camera and microphone were open, the call would start without them.
  await state.preview.catch(() => {});
  try {
    state.iceServers = await fetchIceServers();
  } catch (e) {
    showError(`Could not reach the server: ${e.message}`);
    return;
  }
  $('self-video').srcObject = state.stream;
  show('call');
  fillCallDevices();
  $('room-locked').hidden = true;
  const signaling = new Signaling(roomId, name, $('passcode').value || undefined, state.hostSecret, member?.pass);
  state.signaling = signaling;
  wireSignaling(signaling);
  signaling.connect();
}

/** A host removed this page, or ended the meeting: no call, no reconnect, just the notice. */
function sentAway(section, text) {
  clearTimeout(state.iceRenewal);
  stopScreenShare();
  state.signaling = null;
  removeEveryone();
  stopAll(state.stream);
  state.stream = new MediaStream();
  $(`${section}-text`).textContent = text;
  show(section);
}

function leave() {
  clearTimeout(state.iceRenewal);
  stopScreenShare();
  state.signaling?.leave();
  state.signaling = null;
  removeEveryone();
  stopAll(state.stream);
  state.stream = new MediaStream();
  show('left');
}

/**
 * Before joining: a signed-in member joins under the provider's name (not editable, with the
 * verified mark); with sign-in on, anyone else is offered to sign in, or joins as a guest.
 */
function renderSignIn() {
  const me = state.me || {};
  const member = Boolean(me.signedIn);
  $('member-line').hidden = !member;
  $('member-name').textContent = member ? me.name : '';
  const input = $('display-name');
  input.readOnly = member;
  input.required = !member;
  if (member) input.value = me.name;
  else if (input.dataset.memberName === input.value) input.value = localStorage.getItem(NAME_KEY) || '';
  input.dataset.memberName = member ? me.name : '';
  $('sign-in-offer').hidden = !me.signIn || member;
  $('room-sign-in').href = signInUrl(location.pathname);
  let offer = 'Have a company account?';
  if (me.expired) offer = 'Your sign-in has expired. Sign in again, or join as a guest.';
  else if (state.room?.membersOnly) offer = 'This meeting is for signed-in members: sign in, or join as a guest and wait for a host to let you in.';
  $('sign-in-offer-text').textContent = offer;
}

async function refreshSignIn() {
  try {
    state.me = await fetchMe();
  } catch {
    state.me = { signIn: false, signedIn: false }; // the page works as without sign-in; a join says what is wrong
  }
  renderSignIn();
}

async function main() {
  warnIfInsecure();
  state.hostSecret = takeHostSecret(roomId);
  let room;
  try {
    // Who this browser is signed in as is known before the join form shows: a form shown
    // earlier could be sent before its handler is wired.
    [room] = await Promise.all([findRoom(roomId), refreshSignIn()]);
  } catch (e) {
    showError(`Could not reach the server: ${e.message}`);
    return;
  }
  if (!room) {
    show('not-found');
    return;
  }
  show('prejoin');
  state.room = room;
  $('passcode').hidden = !room.passcodeRequired;
  $('display-name').value = localStorage.getItem(NAME_KEY) || '';
  renderSignIn();
  const signInOutcome = new URLSearchParams(location.search).get('sign-in');
  if (signInOutcome === 'unavailable') {
    showError("The company's sign-in service cannot be reached just now. Try again in a moment, or join as a guest.");
  } else if (signInOutcome === 'failed') {
    showError('Signing in did not complete. Try again, or join as a guest.');
  }
  $('claim-host').addEventListener('click', () => state.signaling?.send({ type: 'claim-host' }));
  $('join-form').addEventListener('submit', join);
  document.querySelectorAll('[data-testid="toggle-mic"]').forEach((b) => b.addEventListener('click', () => toggle('audio')));
  document.querySelectorAll('[data-testid="toggle-camera"]').forEach((b) => b.addEventListener('click', () => toggle('video')));
  $('leave').addEventListener('click', leave);
  $('lobby-leave').addEventListener('click', leave);
  wireHostBar((message) => state.signaling?.send(message), () => ({ locked: state.locked, lobby: state.lobby, recording: state.recording }));
  $('share-screen').addEventListener('click', () => (state.screen ? stopScreenShare() : startScreenShare()));
  $('layout-toggle').addEventListener('click', () => {
    state.layout = state.layout === 'speaker' ? 'grid' : 'speaker';
    if (state.layout === 'grid') state.pinned = null;
    layout();
  });
  startSampling();
  $('call-camera-select').addEventListener('change', (e) => switchDevice('video', e.target.value));
  $('call-mic-select').addEventListener('change', (e) => switchDevice('audio', e.target.value));
  $('call-speaker-select').addEventListener('change', (e) => switchSpeaker(e.target.value));
  $('raise-hand').addEventListener('click', () => {
    state.signaling?.send({ type: 'hand', raised: !state.self?.handRaised });
  });
  watchStage($('tiles'));
  // On a narrow screen the panel lies over the stage: it starts closed there.
  if (matchMedia('(max-width: 50rem)').matches) {
    $('side').hidden = true;
    $('toggle-panel').setAttribute('aria-pressed', 'false');
  }
  $('toggle-panel').addEventListener('click', () => {
    const side = $('side');
    side.hidden = !side.hidden;
    $('toggle-panel').setAttribute('aria-pressed', String(!side.hidden));
  });
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('chat-input').value.trim();
    if (!text || !state.signaling) return;
    state.signaling.send({ type: 'chat', text });
    $('chat-input').value = '';
  });
  $('rejoin').addEventListener('click', (e) => {
    e.preventDefault();
    location.reload();
  });
  const choose = () => { state.preview = startPreview({ cameraId: $('camera-select').value, micId: $('mic-select').value }); };
  $('camera-select').addEventListener('change', choose);
  $('mic-select').addEventListener('change', choose);
  // Closing the tab leaves at once, instead of after the reconnect grace.
  addEventListener('pagehide', () => state.signaling?.leave());
  state.preview = startPreview({});
  await state.preview;
  await fillDevices();
}

main();
