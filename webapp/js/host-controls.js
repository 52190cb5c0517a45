// Host controls on the room page: the menu on each remote tile, the host bar and the host link's
// secret. DOM only; messages go out through the Signaling's verbs (`signaling()` gives the current
// one, or null). The server checks every
// host action: these controls are only shown to hosts, never trusted.

const SECRET_KEY = (roomId) => `palaver.host.${roomId}`;

/**
 * The host secret for this room: taken from the host link's fragment (#host=...), which is then
 * removed from the address bar so that a copied address never carries it; kept for this tab so a
 * reload stays host.
 */
export function takeHostSecret(roomId) {
  const match = /(?:^#|&)host=([A-Za-z0-9_-]{1,64})/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(SECRET_KEY(roomId), match[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(SECRET_KEY(roomId)) || undefined;
}

/** Adds the host menu to a remote participant's tile (hidden until this page is a host). */
export function addTileMenu(tile, participantId, signaling) {
  const menu = document.createElement('details');
  menu.className = 'participant-menu';
  menu.dataset.testid = 'participant-menu';
  const summary = document.createElement('summary');
  summary.textContent = 'Host';
  summary.title = 'Host controls for this person';
  const items = document.createElement('div');
  items.className = 'participant-menu-items';
  const action = (testid, text, say) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.testid = testid;
    button.textContent = text;
    button.addEventListener('click', () => {
      menu.open = false;
      const s = signaling();
      if (s) say(s, participantId);
    });
    return button;
  };
  items.append(
    action('mute-participant', 'Mute microphone', (s, id) => s.muteParticipant(id)),
    action('ask-camera', 'Ask to turn camera on', (s, id) => s.askCamera(id)),
    action('make-host', 'Make host', (s, id) => s.makeHost(id)),
    action('remove-participant', 'Remove from meeting', (s, id) => s.removeParticipant(id)),
  );
  menu.append(summary, items);
  tile.append(menu);
}

/** Wires the host bar's buttons; `current()` gives {locked, lobby, recording}, so each button asks for the other state. */
export function wireHostBar(signaling, current) {
  const on = (id, say) => document.getElementById(id).addEventListener('click', () => {
    const s = signaling();
    if (s) say(s);
  });
  on('record', (s) => s.record(!current().recording));
  on('lock-room', (s) => s.lockRoom(!current().locked));
  on('lobby-toggle', (s) => s.setLobby(!current().lobby));
  on('mute-all', (s) => s.muteAll());
  on('end-meeting', (s) => {
    if (confirm('End the meeting for everyone?')) s.endMeeting();
  });
}

/**
 * The recording indicator for everyone; for hosts the Record button, which mesh rooms cannot use
 * (their media never passes the server).
 */
export function renderRecording(recording, media) {
  document.getElementById('recording-indicator').hidden = !recording;
  const button = document.getElementById('record');
  button.setAttribute('aria-pressed', String(recording));
  button.textContent = recording ? 'Stop recording' : 'Record';
  const mesh = media !== 'kurento';
  button.disabled = mesh && !recording;
  button.title = mesh ? 'Recording needs the media server: in this room video goes directly between browsers, so the server has nothing to record.'
    : (recording ? 'Stop recording this meeting' : 'Record this meeting on the media server');
}

/** Shows the host controls to hosts only, and the room's lock state to everyone. */
export function renderHostControls(isHost, locked, lobby) {
  document.getElementById('call').dataset.host = String(isHost);
  document.getElementById('host-bar').hidden = !isHost;
  const lock = document.getElementById('lock-room');
  lock.setAttribute('aria-pressed', String(locked));
  lock.textContent = locked ? 'Unlock room' : 'Lock room';
  const lobbyToggle = document.getElementById('lobby-toggle');
  lobbyToggle.setAttribute('aria-pressed', String(lobby));
  lobbyToggle.textContent = lobby ? 'Lobby on' : 'Lobby off';
  document.getElementById('locked-badge').hidden = !locked;
  document.querySelector('[data-testid="self-tile"]').dataset.host = String(isHost);
}

/**
 * The people waiting in the lobby, for hosts: one `lobby-request` each (with `data-name`) and its
 * `admit` and `deny` buttons. `waiting` maps request id to name.
 */
export function renderLobby(isHost, waiting, signaling) {
  const panel = document.getElementById('lobby-panel');
  panel.hidden = !isHost || waiting.size === 0;
  document.getElementById('lobby-requests').replaceChildren(...[...waiting].map(([id, { name, verified }]) => {
    const item = document.createElement('li');
    item.dataset.testid = 'lobby-request';
    item.dataset.name = name;
    item.dataset.verified = String(Boolean(verified));
    const who = document.createElement('bdi');
    who.textContent = name;
    if (verified) who.title = 'Signed in with the company account';
    if (verified) who.append(' ✓');
    const button = (testid, text, say) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.testid = testid;
      b.textContent = text;
      b.addEventListener('click', () => {
        const s = signaling();
        if (s) say(s, id);
      });
      return b;
    };
    item.append(who, button('admit', 'Let in', (s, request) => s.admit(request)), button('deny', 'Deny', (s, request) => s.deny(request)));
    return item;
  }));
}

/**
 * Everything host-related as the call model has it: the host bar and lock state, the Record
 * button, Become host (a signed-in member, in a room whose hosts have all left) and the lobby.
 */
export function renderHost(call, signaling) {
  const self = call?.self;
  const isHost = Boolean(self?.host);
  renderHostControls(isHost, Boolean(call?.locked), Boolean(call?.lobby));
  renderRecording(Boolean(call?.recording), call?.mode ?? 'mesh');
  const anyHost = isHost || [...(call?.people.values() ?? [])].some((p) => p.host);
  document.getElementById('claim-host').hidden = !self?.verified || anyHost;
  renderLobby(isHost, call?.waiting ?? new Map(), signaling);
}
