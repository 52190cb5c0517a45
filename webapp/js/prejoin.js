// Before joining (and the device menu in the call): device lists, own mic and camera toggles,
// the sign-in line, and the warning for a page not served over HTTPS. DOM only.

import { listDevices, hasTrack } from './media.js';

const $ = (id) => document.getElementById(id);

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

function currentDevice(stream, kind) {
  return stream.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId;
}

/** The camera and microphone choices before joining. */
export async function fillDevices(stream) {
  const { cameras, mics } = await listDevices();
  fillSelect($('camera-select'), cameras, currentDevice(stream, 'video'), 'Camera');
  fillSelect($('mic-select'), mics, currentDevice(stream, 'audio'), 'Microphone');
  $('camera-select').disabled = cameras.length === 0;
  $('mic-select').disabled = mics.length === 0;
}

/** The device menu during the call; `canChooseSpeaker`: the browser can pick the sound output. */
export async function fillCallDevices(stream, sinkId, canChooseSpeaker) {
  const { cameras, mics, speakers } = await listDevices();
  fillSelect($('call-camera-select'), cameras, currentDevice(stream, 'video'), 'Camera');
  fillSelect($('call-mic-select'), mics, currentDevice(stream, 'audio'), 'Microphone');
  fillSelect($('call-speaker-select'), speakers, sinkId, 'Speaker');
  // Without a track of a kind there is no sender to replace: choose the device before joining.
  $('call-camera-select').disabled = !hasTrack(stream, 'video') || cameras.length < 2;
  $('call-mic-select').disabled = !hasTrack(stream, 'audio') || mics.length < 2;
  $('call-speaker-label').hidden = !canChooseSpeaker || speakers.length === 0;
}

/** The mic and camera buttons (before and in the call) and the own tile, from OwnMedia; returns what is off. */
export function renderToggles(own) {
  const { audioOff, videoOff } = own.off();
  document.querySelectorAll('[data-testid="toggle-mic"]').forEach((b) => {
    b.setAttribute('aria-pressed', String(audioOff));
    b.textContent = audioOff ? 'Mic off' : 'Mic on';
    b.disabled = !own.has('audio');
  });
  document.querySelectorAll('[data-testid="toggle-camera"]').forEach((b) => {
    b.setAttribute('aria-pressed', String(videoOff));
    b.textContent = videoOff ? 'Camera off' : 'Camera on';
    b.disabled = !own.has('video');
  });
  document.querySelector('[data-testid="self-tile"]').dataset.videoMuted = String(videoOff);
  return { audioOff, videoOff };
}

/**
 * Before joining: a signed-in member joins under the provider's name (not editable, with the
 * verified mark); with sign-in on, anyone else is offered to sign in, or joins as a guest.
 * `me`: from /api/me; `room`: as GET /api/rooms/{id} showed it; `typedName`: the name this
 * browser used last; `signInHref`: where Sign in goes.
 */
export function renderSignIn(me = {}, room, typedName, signInHref) {
  const member = Boolean(me.signedIn);
  $('member-line').hidden = !member;
  $('member-name').textContent = member ? me.name : '';
  const input = $('display-name');
  input.readOnly = member;
  input.required = !member;
  if (member) input.value = me.name;
  else if (input.dataset.memberName === input.value) input.value = typedName;
  input.dataset.memberName = member ? me.name : '';
  $('sign-in-offer').hidden = !me.signIn || member;
  $('room-sign-in').href = signInHref;
  let offer = 'Have a company account?';
  if (me.expired) offer = 'Your sign-in has expired. Sign in again, or join as a guest.';
  else if (room?.membersOnly) offer = 'This meeting is for signed-in members: sign in, or join as a guest and wait for a host to let you in.';
  $('sign-in-offer-text').textContent = offer;
}

/** Browsers give camera and microphone to secure pages only: say where the HTTPS page is. */
export function warnIfInsecure(httpsPort) {
  if (window.isSecureContext) return;
  const secure = `https://${location.hostname}:${httpsPort}${location.pathname}`;
  const error = $('error');
  error.textContent = 'Browsers allow camera and microphone only over HTTPS. Open this room at ';
  const link = document.createElement('a');
  link.href = secure;
  link.textContent = secure;
  error.append(link, '.');
  error.hidden = false;
}
