// The side panel of the call: who is here (with mic, camera and hand state) and the chat.
// DOM only. Chat text is only ever set as text: links become <a> elements built here, never HTML.
// Names sit in <bdi> (a right-to-left name cannot reorder what follows it), and "(you)" is an
// element of its own, styled apart, so a name that ends in "(you)" does not look like oneself.

const $ = (id) => document.getElementById(id);
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;

/** Appends text to an element, with http(s) links as safe anchors. */
function appendLinkified(element, text) {
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // A trailing full stop or bracket is punctuation, not part of the link.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    element.append(text.slice(last, match.index));
    const link = document.createElement('a');
    link.href = url;
    link.textContent = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    element.append(link);
    last = match.index + url.length;
  }
  element.append(text.slice(last));
}

/** Shows one chat message (from the server: sender name and time are the server's). */
export function showChat(message, selfId) {
  const list = $('chat-messages');
  if (list.querySelector(`[data-chat-id="${CSS.escape(message.id)}"]`)) return; // history overlaps on resume
  const item = document.createElement('li');
  item.dataset.testid = 'chat-message';
  item.dataset.chatId = message.id;
  item.dataset.from = message.from;
  const author = document.createElement('span');
  author.className = 'chat-author';
  author.dataset.testid = 'chat-author';
  author.append(...nameWithMarker(message.name, message.from === selfId));
  const time = document.createElement('time');
  time.dateTime = message.at;
  time.textContent = new Date(message.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const text = document.createElement('p');
  text.className = 'chat-text';
  text.dir = 'auto';
  text.dataset.testid = 'chat-text';
  appendLinkified(text, message.text);
  item.append(author, ' ', time, text);
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(item);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

/** A line of the room's own in the chat (e.g. who started recording): no author, set apart. */
export function showNotice(text) {
  const list = $('chat-messages');
  const item = document.createElement('li');
  item.className = 'chat-notice';
  item.dataset.testid = 'chat-notice';
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const line = document.createElement('p');
  line.className = 'chat-text';
  line.dir = 'auto';
  line.textContent = text;
  item.append(time, line);
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(item);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

export function clearChat() {
  $('chat-messages').replaceChildren();
}

/**
 * Renders the participant list and the count in the header.
 * @param people array of {id, name, audioMuted, videoMuted, handRaised, host, self}
 */
export function showPeople(people) {
  const list = $('participant-list');
  list.replaceChildren(...people.map((p) => {
    const item = document.createElement('li');
    item.dataset.testid = 'participant-list-item';
    item.dataset.participantId = p.id;
    item.dataset.audioMuted = String(Boolean(p.audioMuted));
    item.dataset.videoMuted = String(Boolean(p.videoMuted));
    item.dataset.handRaised = String(Boolean(p.handRaised));
    item.dataset.host = String(Boolean(p.host));
    item.dataset.verified = String(Boolean(p.verified));
    const name = document.createElement('span');
    name.className = 'person-name';
    name.append(...nameWithMarker(p.name, p.self));
    const icons = document.createElement('span');
    icons.className = 'person-state';
    icons.append(
      badge('verified', 'Signed in with the company account', '✓'),
      badge('host', 'Host', 'host'),
      badge('hand', 'Hand raised', 'hand up'),
      badge('mic-off', 'Microphone off', 'mic off'),
      badge('cam-off', 'Camera off', 'cam off'),
    );
    item.append(name, icons);
    return item;
  }));
  $('participant-count').textContent = String(people.length);
}

/** A name as isolated text, and for oneself a separate "(you)" marker. */
function nameWithMarker(text, self) {
  const name = document.createElement('bdi');
  name.textContent = text;
  return self ? [name, ' ', youMarker()] : [name];
}

export function youMarker() {
  const you = document.createElement('span');
  you.className = 'you';
  you.dataset.testid = 'you-marker';
  you.textContent = '(you)';
  return you;
}

function badge(kind, title, text) {
  const span = document.createElement('span');
  span.className = `badge ${kind}`;
  span.title = title;
  span.textContent = text;
  return span;
}
