// The create-room page: DOM wiring only.
import { createRoom } from './rooms-api.js';

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

createButton.addEventListener('click', async () => {
  createButton.disabled = true;
  showError('');
  try {
    const passcode = document.getElementById('room-passcode').value;
    const room = await createRoom(passcode);
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
