// The create-room page: DOM wiring only.
import { createRoom, fetchMe, signInUrl } from './rooms-api.js';

const createButton = document.getElementById('create');
const created = document.getElementById('created');
const link = document.getElementById('room-link');
const openRoom = document.getElementById('open-room');
const copyButton = document.getElementById('copy');
const copyState = document.getElementById('copy-state');
const error = document.getElementById('error');

function showError(text) {
  error.textContent = text;
  error.hidden = !text;
}

/** With sign-in on, only a signed-in person creates rooms: show the sign-in button, or who they are. */
function showSignIn(me, note) {
  const signedIn = Boolean(me?.signedIn);
  const needed = Boolean(me?.signIn) && !signedIn;
  document.getElementById('sign-in-box').hidden = !needed;
  document.getElementById('sign-in-text').textContent = note
    || (me?.expired ? 'Your sign-in has expired. Sign in again to create rooms.' : 'Sign in with your company account to create rooms.');
  document.getElementById('sign-in').href = signInUrl('/');
  createButton.hidden = needed;
  document.querySelector('.options').hidden = needed;
  document.getElementById('signed-in').hidden = !signedIn;
  document.getElementById('signed-in-as').textContent = signedIn ? me.name : '';
  document.getElementById('members-only-row').hidden = !signedIn;
}

async function loadMe() {
  try {
    showSignIn(await fetchMe());
  } catch (e) {
    showError(`Could not reach the server: ${e.message}`);
  }
  const outcome = new URLSearchParams(location.search).get('sign-in');
  if (outcome === 'failed') showError('Signing in did not complete. Please try again.');
  if (outcome === 'unavailable') showError("The company's sign-in service cannot be reached just now. Please try again in a moment.");
}

createButton.addEventListener('click', async () => {
  createButton.disabled = true;
  showError('');
  try {
    const passcode = document.getElementById('room-passcode').value;
    const membersOnly = document.getElementById('members-only').checked;
    const room = await createRoom({ passcode, membersOnly });
    document.getElementById('created-text').textContent = passcode
      ? 'Your room is ready. Share the link, and the passcode separately:'
      : 'Your room is ready. Anyone with this link can join:';
    link.textContent = room.url;
    link.href = room.url;
    const hostLink = document.getElementById('host-link');
    hostLink.textContent = room.hostUrl;
    hostLink.href = room.hostUrl;
    // The creator joins as host without copying anything: the secret rides in the fragment.
    openRoom.href = room.hostUrl;
    created.hidden = false;
    copyButton.focus();
  } catch (e) {
    showError(`Could not create a room: ${e.message}`);
    if (e.code === 'sign-in-required' || e.code === 'sign-in-expired' || e.code === 'sign-in-invalid') {
      showSignIn({ signIn: true, signedIn: false }, e.message);
    }
  } finally {
    createButton.disabled = false;
  }
});

copyButton.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(link.href);
    copyState.textContent = 'Link copied.';
  } catch {
    // Clipboard access needs a secure context and permission: fall back to selecting the text.
    const range = document.createRange();
    range.selectNodeContents(link);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    copyState.textContent = 'Press Ctrl+C to copy the selected link.';
  }
});

loadMe();
