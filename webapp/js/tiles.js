// The call's tiles: one per person (the page's own is in the markup), one per shared screen.
// DOM only; where they go on the stage is stage.js's business.

import { addTileMenu } from './host-controls.js';
import { quality } from './call-stats.js';

const $ = (id) => document.getElementById(id);

export function tileOf(id) {
  return document.querySelector(`[data-testid="participant-tile"][data-participant-id="${CSS.escape(id)}"]`);
}

function screenTileOf(id) {
  return document.querySelector(`[data-testid="screen-tile"][data-participant-id="${CSS.escape(id)}"]`);
}

/** A tile for someone; `onPin(id)` when its pin is pressed, `signaling()` for its host menu. */
export function addTile(participant, { onPin, signaling }) {
  const tile = $('participant-template').content.firstElementChild.cloneNode(true);
  tile.dataset.participantId = participant.id;
  tile.querySelector('[data-testid="pin"]').addEventListener('click', () => onPin(participant.id));
  addTileMenu(tile, participant.id, signaling);
  $('tiles').append(tile);
  renderTile(participant);
}

/** What is known of someone, on their tile; fields left undefined stay as they are. */
export function renderTile({ id, name, audioMuted, videoMuted, connection, handRaised, host, verified }) {
  const tile = tileOf(id);
  if (!tile) return;
  if (name !== undefined) tile.querySelector('.participant-name').textContent = name;
  if (host !== undefined) tile.dataset.host = String(host);
  if (verified !== undefined) tile.dataset.verified = String(verified);
  if (audioMuted !== undefined) tile.dataset.audioMuted = String(audioMuted);
  if (videoMuted !== undefined) tile.dataset.videoMuted = String(videoMuted);
  if (connection !== undefined) tile.dataset.connection = connection;
  if (handRaised !== undefined) tile.dataset.handRaised = String(handRaised);
}

/** Someone's media on their tile, played out on `sinkId` ('' for the default) where the browser can choose. */
export function showStream(id, stream, sinkId) {
  const tile = tileOf(id);
  const video = tile?.querySelector('video');
  if (!video) return;
  tile.dataset.video = stream ? 'shown' : 'none';
  if (video.srcObject !== stream) video.srcObject = stream;
  if (sinkId && video.setSinkId) video.setSinkId(sinkId).catch(() => {});
  video.play().catch(() => {});
}

/** Kurento rooms: the room's sound (everyone's voice but one's own) plays from one element. */
export function showRoomAudio(stream, sinkId) {
  const audio = $('room-audio');
  if (audio.srcObject !== stream) audio.srcObject = stream;
  if (sinkId && audio.setSinkId) audio.setSinkId(sinkId).catch(() => {});
  audio.play().catch(() => {});
}

export function removeTile(id) {
  tileOf(id)?.remove();
}

/** Plays every tile's sound on this output device. */
export async function setSinkId(sinkId) {
  const players = [...document.querySelectorAll('[data-testid="participant-tile"] video'), $('room-audio')];
  await Promise.all(players.map((v) => v.setSinkId(sinkId).catch(() => {})));
}

/**
 * Grid or speaker layout: marks the pinned tile and the featured one (large in the speaker
 * layout), and the layout button. `others`: ids of the others, in the order they came.
 */
export function arrangeTiles({ layout, pinned, speaker, others }) {
  $('tiles').dataset.layout = layout;
  // Large in the speaker layout: the pinned one, else who speaks, else the first other person.
  const featured = pinned || speaker || others[0] || null;
  document.querySelectorAll('[data-testid="participant-tile"]').forEach((tile) => {
    const id = tile.dataset.participantId;
    tile.dataset.pinned = String(id === pinned);
    tile.dataset.featured = String(layout === 'speaker' && id === featured);
    tile.querySelector('[data-testid="pin"]').setAttribute('aria-pressed', String(id === pinned));
  });
  const toggle = $('layout-toggle');
  toggle.setAttribute('aria-pressed', String(layout === 'speaker'));
  toggle.textContent = layout === 'speaker' ? 'Grid view' : 'Speaker view';
}

export function markSpeaker(speaker) {
  document.querySelectorAll('[data-testid="participant-tile"]').forEach((tile) => {
    tile.dataset.speaking = String(tile.dataset.participantId === speaker);
  });
}

/** A connection's quality dot, with its numbers as data attributes and tooltip. */
export function showQuality(id, sample) {
  const indicator = tileOf(id)?.querySelector('[data-testid="connection-quality"]');
  if (!indicator) return;
  indicator.dataset.quality = quality(sample);
  indicator.title = `Round trip ${sample.rttMs ?? '–'} ms · video loss ${sample.lossPercent.toFixed(1)} %`
    + ` · ${sample.fps ?? '–'} frames/s`;
  indicator.setAttribute('aria-label', `Connection ${indicator.dataset.quality}: ${indicator.title}`);
  indicator.dataset.rttMs = String(sample.rttMs ?? '');
  indicator.dataset.lossPercent = sample.lossPercent.toFixed(1);
  indicator.dataset.fps = String(sample.fps ?? '');
}

/**
 * Shows a shared screen (stream) or removes its tile (null). `whose`: the sharer's name, or
 * null for one's own screen.
 */
export function showScreen(id, stream, whose) {
  let tile = screenTileOf(id);
  if (!stream) {
    tile?.remove();
    return;
  }
  if (!tile) {
    tile = $('screen-template').content.firstElementChild.cloneNode(true);
    tile.dataset.participantId = id;
    const caption = tile.querySelector('.screen-name');
    if (whose === null) {
      caption.textContent = 'Your screen';
    } else {
      const name = document.createElement('bdi'); // a right-to-left name cannot reorder the words around it
      name.textContent = whose || 'Someone';
      caption.replaceChildren(name, "'s screen");
    }
    $('tiles').prepend(tile);
  }
  const video = tile.querySelector('video');
  if (video.srcObject !== stream) video.srcObject = stream;
  video.play().catch(() => {});
}
