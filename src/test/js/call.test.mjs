// The call model, driven by the server's messages with fake connections: first join, resume,
// restore after a server restart, mode switch, screens, and messages duplicated or out of order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Call, RESTORE_WAIT_MS } from '../../../webapp/js/call.js';
import { Signaling } from '../../../webapp/js/signaling.js';

// The real Signaling's verbs and events, with no socket: what it would send is kept.
class FakeSignaling extends Signaling {
  #self = null;
  sent = [];
  constructor() { super('room', 'Me'); }
  get selfId() { return this.#self; }
  get state() { return 'connected'; }
  send(message) { this.sent.push(message); }
  deliver(type, detail) {
    if (type === 'joined') this.#self = detail.self.id;
    this.dispatchEvent(new CustomEvent(type, { detail: { type, ...detail } }));
  }
}

class FakeLink {
  closed = false;
  restarts = 0;
  screen;
  answers = [];
  candidates = [];
  iceServers;
  remoteScreenTrack = null;
  connection = { getSenders: () => [] };
  constructor(kind, options) { this.kind = kind; this.options = options; }
  async acceptOffer(sdp) { this.offers = (this.offers || 0) + 1; return sdp; }
  async acceptAnswer(sdp) { if (this.closed) throw new Error('closed'); this.answers.push(sdp); }
  addCandidate(c) { this.candidates.push(c); }
  close() { this.closed = true; }
  restart() { this.restarts += 1; }
  setScreen(track) { this.screen = track; }
  setIceServers(list) { this.iceServers = list; }
}

function track(kind) {
  const t = new EventTarget();
  t.kind = kind;
  t.stopped = false;
  t.stop = () => { t.stopped = true; };
  return t;
}

function setUp({ devices = true } = {}) {
  const signaling = new FakeSignaling();
  const made = [];
  const timers = { pending: [], setTimeout(fn, ms) { this.pending.push({ fn, ms }); return this.pending.length; }, clearTimeout() {} };
  const local = { getTracks: () => (devices ? [track('audio'), track('video')] : []) };
  const call = new Call({
    signaling,
    localStream: () => local,
    timers,
    connections: {
      peer: (o) => { const l = new FakeLink('peer', o); made.push(l); return l; },
      sfu: (o) => { const l = new FakeLink('sfu', o); made.push(l); return l; },
      stream: (tracks) => ({ tracks }),
    },
  });
  const events = [];
  for (const type of ['joined', 'added', 'updated', 'removed', 'stream', 'screen', 'self', 'mode', 'media-status', 'own-screen', 'room', 'recording']) {
    call.addEventListener(type, (e) => events.push({ type, ...(e.detail || {}) }));
  }
  return { signaling, call, made, timers, events };
}

const person = (id, extra = {}) => ({ id, name: id.toUpperCase(), audioMuted: false, videoMuted: false, handRaised: false, host: false, ...extra });
const joined = (participants, extra = {}) => ({ self: person('me'), resumeToken: 't', media: 'mesh', participants, ...extra });
const types = (events, type) => events.filter((e) => e.type === type);

test('a first join connects to everyone there, who offer to us', () => {
  const { signaling, call, made, events } = setUp();
  signaling.deliver('joined', joined([person('a'), person('b')]));
  assert.deepEqual([...call.links.keys()], ['a', 'b']);
  assert.ok(made.every((l) => l.kind === 'peer' && l.options.offerer === false));
  assert.deepEqual(types(events, 'added').map((e) => e.participant.id), ['a', 'b']);
  assert.equal(types(events, 'joined').length, 1);
  assert.ok(events.findIndex((e) => e.type === 'joined') > events.findLastIndex((e) => e.type === 'added'), 'joined comes after what it changed');
});

test('a resume keeps connections, drops who left meanwhile and offers to who came', () => {
  const { signaling, call, events } = setUp();
  signaling.deliver('joined', joined([person('a'), person('b')]));
  const a = call.links.get('a');
  const b = call.links.get('b');
  signaling.deliver('joined', joined([person('a', { audioMuted: true }), person('c')], { resumed: true }));
  assert.equal(call.links.get('a'), a, 'same connection to a');
  assert.equal(a.closed, false);
  assert.equal(b.closed, true);
  assert.deepEqual(types(events, 'removed').map((e) => e.id), ['b']);
  assert.equal(call.links.get('c').options.offerer, true);
  assert.equal(call.people.get('a').audioMuted, true, 'what changed while away is applied');
});

test('after a server restart, connections stay and who does not come back is forgotten later', () => {
  const { signaling, call, timers } = setUp();
  signaling.deliver('joined', joined([person('a'), person('b'), person('c')]));
  const links = new Map(call.links);
  signaling.deliver('joined', joined([person('a')], { resumed: true, restored: true }));
  assert.deepEqual([...call.links.keys()].sort(), ['a', 'b', 'c'], 'nobody dropped at once');
  assert.deepEqual([...call.unconfirmed].sort(), ['b', 'c']);
  signaling.deliver('participant-joined', { participant: person('b') }); // b's page resumed too
  assert.equal(call.links.get('b'), links.get('b'), 'b keeps its connection');
  assert.equal(timers.pending.at(-1).ms, RESTORE_WAIT_MS);
  timers.pending.at(-1).fn();
  assert.deepEqual([...call.links.keys()].sort(), ['a', 'b']);
  assert.equal(links.get('c').closed, true);
  assert.ok([...links.values()].filter((l) => l !== links.get('c')).every((l) => !l.closed));
});

test('Kurento: a plain resume keeps every media server connection; a rebuilt room renegotiates them all', () => {
  const { signaling, call, made, events } = setUp();
  signaling.deliver('joined', joined([person('a')], { media: 'kurento' }));
  assert.equal(call.mode, 'kurento');
  assert.equal(types(events, 'mode').length, 1);
  const publisher = call.publisher;
  assert.ok(publisher && publisher.options.publishing && publisher.options.streamId === 'me');
  const mix = call.mixLink;
  assert.deepEqual([mix.options.streamId, mix.options.kinds], ['~mix', ['audio']]);
  signaling.deliver('slots', { slots: ['a'] });
  const slot = call.slotLinks[0];
  assert.deepEqual([slot.options.streamId, slot.options.kinds], ['~slot0', ['video']]);
  signaling.deliver('joined', joined([person('a')], { media: 'kurento', resumed: true }));
  assert.equal(call.publisher, publisher, 'a plain resume keeps the publisher');
  assert.equal(call.slotLinks[0], slot, 'and the slots');
  assert.equal(mix.restarts, 0);
  signaling.deliver('joined', joined([person('a'), person('b')], { media: 'kurento', resumed: true, restored: true }));
  assert.notEqual(call.publisher, publisher, 'a rebuilt room: published anew');
  assert.equal(publisher.closed, true);
  assert.equal(mix.restarts, 1, 'the mix negotiates anew');
  assert.equal(slot.closed, true, 'slots start over empty: the server points them again');
  assert.deepEqual(call.slotted, []);
  assert.equal(made.filter((l) => l.options.publishing).length, 2);
  assert.equal(call.links.size, 0, 'no connection per person in a Kurento room');
});

test('Kurento: slots carry the cameras the server names; whoever has none shows no video', () => {
  const { signaling, call, made, events } = setUp();
  signaling.deliver('joined', joined([person('a'), person('b'), person('c')], { media: 'kurento' }));
  assert.deepEqual(types(events, 'stream').map((e) => [e.id, e.stream]), [['a', null], ['b', null], ['c', null]]);
  events.length = 0;
  signaling.deliver('slots', { slots: ['a', 'b'] });
  assert.equal(made.filter((l) => l.options.streamId?.startsWith('~slot')).length, 2);
  call.slotLinks[0].options.onStream({ name: 'slot0' });
  call.slotLinks[1].options.onStream({ name: 'slot1' });
  assert.deepEqual(types(events, 'stream').map((e) => [e.id, e.stream.name]), [['a', 'slot0'], ['b', 'slot1']]);
  events.length = 0;
  // c starts speaking: the server moves slot 1 from b to c, on the same connection.
  signaling.deliver('slots', { slots: ['a', 'c'] });
  assert.deepEqual(types(events, 'stream').map((e) => [e.id, e.stream?.name ?? null]), [['b', null], ['c', 'slot1']]);
  assert.equal(made.filter((l) => l.options.streamId?.startsWith('~slot')).length, 2, 'no new connection for a switch');
  signaling.deliver('sfu-answer', { stream: '~slot1', sdp: 'slot answer' });
  signaling.deliver('sfu-answer', { stream: '~mix', sdp: 'mix answer' });
  return new Promise((r) => setImmediate(r)).then(() => {
    assert.deepEqual(call.slotLinks[1].answers, ['slot answer']);
    assert.deepEqual(call.mixLink.answers, ['mix answer']);
  });
});

test('Kurento: a page without camera or microphone keeps its slots and mix on a plain resume', () => {
  const { signaling, call } = setUp({ devices: false });
  signaling.deliver('joined', joined([person('a')], { media: 'kurento' }));
  assert.equal(call.publisher, null, 'nothing to publish');
  signaling.deliver('slots', { slots: ['a'] });
  const slot = call.slotLinks[0];
  const mix = call.mixLink;
  signaling.deliver('joined', joined([person('a')], { media: 'kurento', resumed: true }));
  assert.equal(call.slotLinks[0], slot);
  assert.equal(slot.closed, false);
  assert.deepEqual(call.slotted, ['a']);
  assert.equal(mix.restarts, 0);
});

test('Kurento: a slot named before its person arrived shows them once they do', () => {
  const { signaling, call, events } = setUp();
  signaling.deliver('joined', joined([], { media: 'kurento' }));
  signaling.deliver('slots', { slots: ['late'] });
  call.slotLinks[0].options.onStream({ name: 'slot0' });
  assert.equal(types(events, 'stream').length, 0, 'nobody to show it on yet');
  signaling.deliver('participant-joined', { participant: person('late') });
  assert.deepEqual(types(events, 'stream').map((e) => [e.id, e.stream?.name]), [['late', 'slot0']]);
});

test('Kurento: the media server back after a restart empties the slots until the server points them again', () => {
  const { signaling, call, events } = setUp();
  signaling.deliver('joined', joined([person('a')], { media: 'kurento' }));
  signaling.deliver('slots', { slots: ['a'] });
  const slot = call.slotLinks[0];
  events.length = 0;
  signaling.deliver('media-interrupted', {});
  signaling.deliver('sfu-restart', {});
  assert.equal(slot.closed, true);
  assert.deepEqual(types(events, 'stream').map((e) => [e.id, e.stream]), [['a', null]]);
  signaling.deliver('slots', { slots: ['a'] });
  assert.notEqual(call.slotLinks[0], slot);
});

test('speaking is told to the server in Kurento rooms only, and the server\'s speaker reaches the page', () => {
  const { signaling, call } = setUp();
  signaling.deliver('joined', joined([person('a')]));
  call.speaking(true);
  assert.equal(signaling.sent.filter((m) => m.type === 'speaking').length, 0, 'mesh: pages hear each other');
  signaling.deliver('joined', joined([person('a')], { media: 'kurento', resumed: true, restored: true }));
  call.speaking(true);
  call.speaking(false);
  assert.deepEqual(signaling.sent.filter((m) => m.type === 'speaking'), [{ type: 'speaking', speaking: true }, { type: 'speaking', speaking: false }]);
  const heard = [];
  call.addEventListener('speaker', (e) => heard.push(e.detail.id));
  signaling.deliver('speaker', { id: 'a' });
  signaling.deliver('speaker', {});
  assert.deepEqual(heard, ['a', null]);
});

test('Kurento: a pinned camera is told to the server once, again to a rebuilt room, and forgotten with its person', () => {
  const { signaling, call } = setUp();
  const pins = () => signaling.sent.filter((m) => m.type === 'pin');
  signaling.deliver('joined', joined([person('a'), person('b')]));
  call.pin('a');
  assert.deepEqual(pins(), [], 'mesh: every camera comes anyway');
  call.pin(null);
  signaling.deliver('joined', joined([person('a'), person('b')], { media: 'kurento', resumed: true, restored: true }));
  call.pin('a');
  call.pin('a');
  assert.deepEqual(pins(), [{ type: 'pin', participant: 'a' }], 'told once');
  signaling.deliver('joined', joined([person('a'), person('b')], { media: 'kurento', resumed: true }));
  assert.equal(pins().length, 1, 'a plain resume: the server still knows');
  signaling.deliver('joined', joined([person('a'), person('b')], { media: 'kurento', resumed: true, restored: true }));
  assert.deepEqual(pins().at(-1), { type: 'pin', participant: 'a' }, 'a rebuilt room is told again');
  assert.equal(pins().length, 2);
  signaling.deliver('participant-left', { id: 'a' });
  assert.equal(call.pinned, null, 'gone: unpinned here as on the server');
  call.pin('b');
  call.pin(null);
  assert.deepEqual(pins().slice(2), [{ type: 'pin', participant: 'b' }, { type: 'pin' }]);
});

test('a room rebuilt in the other mode starts over in it', () => {
  const { signaling, call, events } = setUp();
  signaling.deliver('joined', joined([person('a')]));
  const mesh = call.links.get('a');
  signaling.deliver('joined', joined([person('a')], { media: 'kurento', resumed: true, restored: true }));
  assert.equal(mesh.closed, true);
  assert.equal(call.links.size, 0);
  assert.ok(call.people.has('a'));
  assert.ok(call.mixLink, 'the room\'s sound comes from the media server now');
  assert.deepEqual(types(events, 'mode').map((e) => e.mode), ['kurento']);
});

test('someone leaving mid-negotiation: their late answer and candidates go nowhere', async () => {
  const { signaling, call } = setUp();
  signaling.deliver('joined', joined([person('a')], { media: 'kurento', participants: [person('a', { screenStreamId: 's' })] }));
  const a = call.screenLinks.get('a');
  signaling.deliver('participant-left', { id: 'a' });
  signaling.deliver('sfu-answer', { stream: 'a~screen', sdp: 'late' });
  signaling.deliver('sfu-candidate', { stream: 'a~screen', candidate: { candidate: 'x' } });
  signaling.deliver('sfu-answer', { stream: 'a', sdp: 'late' });
  signaling.deliver('answer', { from: 'a', sdp: 'late' });
  await new Promise((r) => setImmediate(r));
  assert.equal(a.closed, true);
  assert.deepEqual(a.answers, []);
  assert.deepEqual(a.candidates, []);
});

test('answers and candidates reach the connection their stream names', async () => {
  const { signaling, call } = setUp();
  signaling.deliver('joined', joined([person('a', { screenStreamId: 's1' })], { media: 'kurento' }));
  signaling.deliver('slots', { slots: ['a'] });
  signaling.deliver('sfu-answer', { stream: 'me', sdp: 'own' });
  signaling.deliver('sfu-answer', { stream: '~slot0', sdp: 'camera' });
  signaling.deliver('sfu-answer', { stream: 'a~screen', sdp: 'screen' });
  signaling.deliver('sfu-candidate', { stream: '~mix', candidate: { candidate: 'm' } });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(call.publisher.answers, ['own']);
  assert.deepEqual(call.slotLinks[0].answers, ['camera']);
  assert.deepEqual(call.screenLinks.get('a').answers, ['screen']);
  assert.deepEqual(call.mixLink.candidates, [{ candidate: 'm' }]);
});

test('duplicate and out-of-order messages change nothing twice', () => {
  const { signaling, call, events } = setUp();
  signaling.deliver('joined', joined([]));
  signaling.deliver('participant-left', { id: 'ghost' }); // left before we ever heard of them
  signaling.deliver('media-state', { id: 'ghost', audioMuted: true });
  signaling.deliver('participant-joined', { participant: person('a') });
  signaling.deliver('participant-joined', { participant: person('a') });
  assert.equal(types(events, 'added').length, 1);
  assert.equal(types(events, 'removed').length, 0);
  assert.equal(call.people.has('ghost'), false);
  signaling.deliver('participant-left', { id: 'a' });
  signaling.deliver('participant-left', { id: 'a' });
  assert.equal(types(events, 'removed').length, 1);
});

test('own screen: asked, confirmed, sent on every connection, stopped', () => {
  const { signaling, call, events } = setUp();
  signaling.deliver('joined', joined([person('a'), person('b')]));
  const screenTrack = track('video');
  call.startScreen({ id: 'display', getVideoTracks: () => [screenTrack] });
  assert.deepEqual(signaling.sent.at(-1), { type: 'screen', sharing: true, streamId: 'display' });
  assert.equal(call.links.get('a').screen, undefined, 'not sent before the server says yes');
  signaling.deliver('screen', { id: 'me', sharing: true });
  assert.ok([...call.links.values()].every((l) => l.screen === screenTrack));
  assert.equal(types(events, 'screen').at(-1).id, 'me');
  screenTrack.dispatchEvent(new Event('ended')); // the browser's own "Stop sharing"
  assert.equal(call.ownScreen, null);
  assert.ok([...call.links.values()].every((l) => l.screen === null));
  assert.deepEqual(signaling.sent.at(-1), { type: 'screen', sharing: false });
  assert.equal(types(events, 'screen').at(-1).stream, null);
});

test('own screen refused while someone else shares', () => {
  const { signaling, call } = setUp();
  signaling.deliver('joined', joined([person('a')]));
  const screenTrack = track('video');
  call.startScreen({ id: 'display', getVideoTracks: () => [screenTrack] });
  signaling.deliver('error', { error: 'screen-busy', message: 'busy' });
  assert.equal(call.ownScreen, null);
  assert.equal(screenTrack.stopped, true);
});

test('Kurento: someone else\'s screen gets a connection of its own, closed when it ends', () => {
  const { signaling, call, events } = setUp();
  signaling.deliver('joined', joined([person('a')], { media: 'kurento' }));
  signaling.deliver('screen', { id: 'a', sharing: true, streamId: 's' });
  const link = call.screenLinks.get('a');
  assert.equal(link.options.streamId, 'a~screen');
  link.options.onStream({ kind: 'remote' });
  assert.equal(types(events, 'screen').at(-1).id, 'a');
  signaling.deliver('screen', { id: 'a', sharing: false });
  assert.equal(link.closed, true);
  assert.equal(call.screenLinks.size, 0);
  assert.equal(types(events, 'screen').at(-1).stream, null);
});

test('hand and host of one\'s own change self; of others, them', () => {
  const { signaling, call } = setUp();
  signaling.deliver('joined', joined([person('a')]));
  signaling.deliver('hand', { id: 'me', raised: true });
  signaling.deliver('host', { id: 'a', host: true });
  assert.equal(call.self.handRaised, true);
  assert.equal(call.people.get('a').host, true);
  assert.equal(call.people.get('a').handRaised, false);
});

test('fresh ICE servers reach every connection, and are asked for again before they expire', () => {
  const { signaling, call, timers } = setUp();
  signaling.deliver('joined', joined([person('a')], { media: 'kurento' }));
  signaling.deliver('slots', { slots: ['a'] });
  signaling.deliver('ice-servers', { iceServers: [{ urls: 'turn:x' }], ttl: 100 });
  assert.deepEqual(call.slotLinks[0].iceServers, [{ urls: 'turn:x' }]);
  assert.deepEqual(call.mixLink.iceServers, [{ urls: 'turn:x' }]);
  assert.deepEqual(call.publisher.iceServers, [{ urls: 'turn:x' }]);
  assert.equal(timers.pending.at(-1).ms, 75000);
  timers.pending.at(-1).fn();
  assert.deepEqual(signaling.sent.at(-1), { type: 'ice-servers' });
});

test('the room\'s state: lock, lobby, recording and who waits, from joined and after', () => {
  const { signaling, call, events } = setUp();
  signaling.deliver('joined', joined([], { locked: true, lobby: true, recording: true }));
  assert.deepEqual([call.locked, call.lobby, call.recording], [true, true, true]);
  assert.equal(types(events, 'joined')[0].wasRecording, false, 'the page says "being recorded" once');
  signaling.deliver('lobby-request', { id: 'r1', name: 'Guest', verified: false });
  signaling.deliver('lobby-request', { id: 'r2', name: 'Member', verified: true });
  signaling.deliver('lobby-left', { id: 'r1' });
  assert.deepEqual([...call.waiting], [['r2', { name: 'Member', verified: true }]]);
  signaling.deliver('room-state', { locked: false, lobby: false });
  signaling.deliver('recording', { recording: false, name: 'Hanna' });
  assert.deepEqual([call.locked, call.lobby, call.recording], [false, false, false]);
  assert.deepEqual(types(events, 'recording').at(-1), { type: 'recording', recording: false, name: 'Hanna' });
  signaling.deliver('joined', joined([], { resumed: true, recording: true }));
  assert.equal(types(events, 'joined')[1].wasRecording, false);
  assert.equal(call.waiting.size, 0, 'hosts get every waiting request again after joined');
  assert.ok(types(events, 'room').length >= 6);
});

test('whoever draws a newcomer finds their connection already there', () => {
  const { signaling, call } = setUp();
  signaling.deliver('joined', joined([]));
  const seen = [];
  call.addEventListener('added', ({ detail }) => seen.push(call.links.has(detail.participant.id)));
  signaling.deliver('participant-joined', { participant: person('a') });
  assert.deepEqual(seen, [true]);
});

test('two restores in a row: someone back in the second is not dropped by the first one\'s wait', () => {
  const { signaling, call, timers } = setUp();
  signaling.deliver('joined', joined([person('a'), person('x')]));
  signaling.deliver('joined', joined([person('a')], { resumed: true, restored: true }));
  assert.ok(call.unconfirmed.has('x'));
  signaling.deliver('joined', joined([person('a'), person('x')], { resumed: true, restored: true }));
  timers.pending.forEach((t) => t.fn());
  assert.ok(call.links.has('x'), 'x came back in the second restore');
  assert.equal(call.links.get('x').closed, false);
});

test('an update says which fields it changed', () => {
  const { signaling, events } = setUp();
  signaling.deliver('joined', joined([person('a')]));
  signaling.deliver('media-state', { id: 'a', audioMuted: true, videoMuted: false });
  signaling.deliver('host', { id: 'a', host: true });
  const updates = types(events, 'updated');
  assert.deepEqual(updates.at(-2).changed, ['audioMuted']);
  assert.deepEqual(updates.at(-1).changed, ['host']);
});

test('a share stopped before the server said yes is withdrawn when the yes comes', () => {
  const { signaling, call } = setUp();
  signaling.deliver('joined', joined([person('a')]));
  const screenTrack = track('video');
  call.startScreen({ id: 'display', getVideoTracks: () => [screenTrack] });
  call.stopScreen();
  assert.deepEqual(signaling.sent.at(-1), { type: 'screen', sharing: true, streamId: 'display' }, 'nothing to withdraw yet');
  signaling.deliver('screen', { id: 'me', sharing: true });
  assert.deepEqual(signaling.sent.at(-1), { type: 'screen', sharing: false });
  assert.notEqual(call.links.get('a').screen, screenTrack, 'the stopped screen is never sent');
});
