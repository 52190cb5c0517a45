// The room page's sections, banners and call status. DOM only.

const $ = (id) => document.getElementById(id);
const SECTIONS = ['loading', 'not-found', 'prejoin', 'call', 'left', 'removed', 'ended', 'lobby', 'denied'];
let noticeTimer = null;

/** Shows one section of the page (prejoin, call, lobby, ...) and hides the others. */
export function show(section) {
  for (const id of SECTIONS) $(id).hidden = id !== section;
}

/** The error banner; empty text hides it. */
export function showError(text) {
  $('error').textContent = text || '';
  $('error').hidden = !text;
}

/** A passing note, e.g. that a host muted you. */
export function showNotice(text) {
  $('host-notice').textContent = text;
  $('host-notice').hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { $('host-notice').hidden = true; }, 8000);
}

/** Connected, reconnecting or disconnected: the socket's state, and reconnecting while the media server is away. */
export function renderStatus(signalingState, mediaDown) {
  const shown = signalingState === 'connected' && mediaDown ? 'reconnecting' : signalingState;
  const status = document.querySelector('[data-testid="connection-status"]');
  status.dataset.state = shown;
  status.textContent = { connected: 'Connected', reconnecting: 'Reconnecting…', disconnected: 'Disconnected' }[shown];
  status.title = mediaDown ? 'The media server is reconnecting' : '';
}

export function renderShareButton(sharing) {
  const button = $('share-screen');
  button.setAttribute('aria-pressed', String(sharing));
  button.textContent = sharing ? 'Stop sharing' : 'Share screen';
  button.disabled = !navigator.mediaDevices?.getDisplayMedia && !sharing;
  button.title = button.disabled ? 'This browser cannot share a screen' : '';
}

/** The people list (self first, with own mic and camera state) and one's own raised hand. */
export function renderSelfAndPeople(self, people, { audioOff, videoOff }, showPeople) {
  showPeople([{ ...self, audioMuted: audioOff, videoMuted: videoOff, self: true }, ...people]);
  const raised = Boolean(self.handRaised);
  document.querySelector('[data-testid="self-tile"]').dataset.handRaised = String(raised);
  const button = $('raise-hand');
  button.setAttribute('aria-pressed', String(raised));
  button.textContent = raised ? 'Lower hand' : 'Raise hand';
}
