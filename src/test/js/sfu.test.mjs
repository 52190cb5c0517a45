// A Kurento-mode link whose offer the media server never answers: made again on a new connection,
// each wait longer than the one before; an answer in time ends the waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SfuLink, ANSWER_WAITS_MS } from '../../../webapp/js/sfu.js';

// Just what SfuLink uses of a browser's connection.
class FakeConnection {
  static made = [];
  signalingState = 'stable';
  iceConnectionState = 'new';
  localDescription = null;
  remoteDescription = null;
  constructor() { FakeConnection.made.push(this); }
  addTransceiver() {}
  async createOffer() { return { type: 'offer', sdp: `offer ${FakeConnection.made.indexOf(this)}` }; }
  async setLocalDescription(offer) { this.localDescription = offer; this.signalingState = 'have-local-offer'; }
  async setRemoteDescription(answer) {
    if (answer.sdp === 'bad answer') throw new Error('rejected');
    this.remoteDescription = answer;
    this.signalingState = 'stable';
  }
  close() { this.signalingState = 'closed'; }
}

function setUp() {
  FakeConnection.made = [];
  globalThis.RTCPeerConnection = FakeConnection;
  globalThis.MediaStream = class { getTracks() { return []; } };
  const sent = [];
  const signaling = { subscribe: (stream, sdp) => sent.push({ stream, sdp }), sfuCandidate() {} };
  const link = new SfuLink({ streamId: '~slot0', publishing: false, iceServers: [], signaling, onStream() {}, kinds: ['video'] });
  return { link, sent };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const LAST_WAIT = ANSWER_WAITS_MS[ANSWER_WAITS_MS.length - 1];

/** Moves the mocked clock on by `ms` and lets the offers that makes run. */
async function after(t, ms) {
  t.mock.timers.tick(ms);
  await settle();
}

test('an unanswered offer is made again on a new connection, each wait longer, up to the last', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { link, sent } = setUp();
  await settle();
  assert.equal(sent.length, 1, 'the first offer is sent');

  await after(t, ANSWER_WAITS_MS[0] - 1);
  assert.equal(sent.length, 1, 'not before the first wait is over');
  await after(t, 1);
  assert.equal(sent.length, 2, 'after the first wait, a second offer');
  assert.equal(FakeConnection.made[0].signalingState, 'closed', 'on a new connection: the old one is closed');
  assert.equal(sent[1].sdp, 'offer 1');

  await after(t, ANSWER_WAITS_MS[0]);
  assert.equal(sent.length, 2, 'the second wait is longer than the first');
  await after(t, ANSWER_WAITS_MS[1] - ANSWER_WAITS_MS[0]);
  assert.equal(sent.length, 3);

  for (const wait of ANSWER_WAITS_MS.slice(2)) await after(t, wait);
  const before = sent.length;
  await after(t, LAST_WAIT - 1);
  assert.equal(sent.length, before, 'the waits stop growing at the last');
  await after(t, 1);
  assert.equal(sent.length, before + 1);
  link.close();
});

test('an answer ends the waiting, and a later unanswered offer waits the first time again', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { link, sent } = setUp();
  await settle();
  await after(t, ANSWER_WAITS_MS[0]);
  assert.equal(sent.length, 2);

  await link.acceptAnswer('answer');
  assert.equal(FakeConnection.made[1].signalingState, 'stable');
  await after(t, LAST_WAIT * 2);
  assert.equal(sent.length, 2, 'an answered connection is not offered again');

  link.restart(); // ICE failed, say: a new offer, which gets no answer
  await settle();
  assert.equal(sent.length, 3);
  await after(t, ANSWER_WAITS_MS[0]);
  assert.equal(sent.length, 4, 'after an answer the waits start over from the first');
  link.close();
});

test('an answer the connection rejects leaves the wait running: the offer is made again', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { link, sent } = setUp();
  await settle();
  await assert.rejects(link.acceptAnswer('bad answer'));
  await after(t, ANSWER_WAITS_MS[0]);
  assert.equal(sent.length, 2, 'offered again after the first wait');
  link.close();
});

test('a restart (ICE failed, the media server back) makes one new offer and starts the waits over', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { link, sent } = setUp();
  await settle();
  await after(t, ANSWER_WAITS_MS[0]);
  assert.equal(sent.length, 2, 'one offer made again: the next wait is the second');
  t.mock.timers.tick(ANSWER_WAITS_MS[0] - 1);
  link.restart();
  await settle();
  assert.equal(sent.length, 3);
  await after(t, 1);
  assert.equal(sent.length, 3, "the replaced connection's wait ended with it");
  await after(t, ANSWER_WAITS_MS[0] - 2); // 1 ms before the restart's first wait is over
  assert.equal(sent.length, 3);
  await after(t, 1);
  assert.equal(sent.length, 4, 'after a restart the first wait again, not the second');
  link.close();
});

test('a closed link offers nothing more', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { link, sent } = setUp();
  await settle();
  link.close();
  await after(t, LAST_WAIT * 2);
  assert.equal(sent.length, 1);
});
