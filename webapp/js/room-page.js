// The room page: wiring only. This half finds the room, shows the pre-join card (camera preview,
// devices, name, sign-in, passcode) and joins; call-page.js draws the call, from the call model
// in call.js. Protocol in signaling.js, WebRTC in peer.js (mesh) and sfu.js (Kurento), own
// devices in own-media.js, tiles in tiles.js (placed by stage.js from layout.js).
import { findRoom, fetchMe, signInUrl, iceServers as fetchIceServers } from './rooms-api.js';
import { OwnMedia } from './own-media.js';
import { CallPage } from './call-page.js';
import { fillDevices, renderToggles, renderSignIn, warnIfInsecure } from './prejoin.js';
import { takeHostSecret } from './host-controls.js';
import { show, showError } from './call-view.js';

const NAME_KEY = 'palaver.displayName';
const HTTPS_PORT = 8181;
const JOIN_ERRORS = new Set(['room-full', 'invalid-name', 'room-not-found', 'passcode-required', 'passcode-invalid',
  'too-many-attempts', 'server-busy', 'room-locked', 'lobby-full', 'media-server-busy', 'sign-in-expired', 'sign-in-invalid']);
const SIGN_IN_ERRORS = new Set(['sign-in-expired', 'sign-in-invalid']);

const $ = (id) => document.getElementById(id);
const roomId = decodeURIComponent(location.pathname.replace(/^\/room\//, '').replace(/\/$/, ''));

const state = {
  own: new OwnMedia(), // own camera and microphone
  page: null, // the call half (CallPage)
  hostSecret: undefined, // from the host link: joining with it makes this page a host
  preview: Promise.resolve(), // the camera and microphone being opened: a join waits for them
  me: null, // from /api/me: whether sign-in is on, and who this browser is signed in as
  room: null, // the room as GET /api/rooms/{id} showed it before joining
};

async function startPreview(choice) {
  const problem = await state.own.open(choice);
  $('preview').srcObject = state.own.stream;
  $('media-problem').textContent = problem || '';
  renderToggles(state.own);
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
  let iceServers;
  try {
    iceServers = await fetchIceServers();
  } catch (e) {
    showError(`Could not reach the server: ${e.message}`);
    return;
  }
  $('room-locked').hidden = true;
  state.page.start({
    roomId, name, passcode: $('passcode').value || undefined, hostSecret: state.hostSecret, memberPass: member?.pass,
  }, iceServers);
}

/** A join the server refused (full, locked, wrong passcode, ...): back to the join form. */
function refused(error) {
  if (!JOIN_ERRORS.has(error)) return false;
  show('prejoin');
  $('room-locked').hidden = error !== 'room-locked';
  if (SIGN_IN_ERRORS.has(error)) refreshSignIn();
  return true;
}

async function refreshSignIn() {
  try {
    state.me = await fetchMe();
  } catch {
    state.me = { signIn: false, signedIn: false }; // the page works as without sign-in; a join says what is wrong
  }
  showSignIn();
}

function showSignIn() {
  renderSignIn(state.me || {}, state.room, localStorage.getItem(NAME_KEY) || '', signInUrl(location.pathname));
}

function wireControls() {
  $('join-form').addEventListener('submit', join);
  document.querySelectorAll('[data-testid="toggle-mic"]').forEach((b) => b.addEventListener('click', () => state.page.toggle('audio')));
  document.querySelectorAll('[data-testid="toggle-camera"]').forEach((b) => b.addEventListener('click', () => state.page.toggle('video')));
  $('rejoin').addEventListener('click', (e) => {
    e.preventDefault();
    location.reload();
  });
  const choose = () => { state.preview = startPreview({ cameraId: $('camera-select').value, micId: $('mic-select').value }); };
  $('camera-select').addEventListener('change', choose);
  $('mic-select').addEventListener('change', choose);
  addEventListener('pagehide', () => state.page.closing());
}

async function main() {
  warnIfInsecure(HTTPS_PORT);
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
  showSignIn();
  const signInOutcome = new URLSearchParams(location.search).get('sign-in');
  if (signInOutcome === 'unavailable') {
    showError("The company's sign-in service cannot be reached just now. Try again in a moment, or join as a guest.");
  } else if (signInOutcome === 'failed') {
    showError('Signing in did not complete. Try again, or join as a guest.');
  }
  state.page = new CallPage({ own: state.own, refused });
  wireControls();
  state.preview = startPreview({});
  await state.preview;
  await fillDevices(state.own.stream);
}

main();
