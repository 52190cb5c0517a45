// Camera and microphone: acquiring, choosing devices, muting. No DOM here.

const VIDEO = { width: { ideal: 1280 }, height: { ideal: 720 } };

/**
 * The best local media the browser allows: both devices, else one, else none. Never throws;
 * `problem` says what is missing and why, for the person to read.
 */
export async function openLocalMedia({ cameraId, micId } = {}) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return { stream: new MediaStream(), problem: 'This browser cannot use a camera or microphone here. You can still join and watch.' };
  }
  const audio = micId ? { deviceId: { exact: micId } } : true;
  const video = cameraId ? { ...VIDEO, deviceId: { exact: cameraId } } : VIDEO;
  const attempts = [{ audio, video }, { audio, video: false }, { audio: false, video }];
  let lastError = null;
  for (const constraints of attempts) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      const problem = constraints.video === false ? describe(lastError, 'camera')
        : constraints.audio === false ? describe(lastError, 'microphone') : null;
      return { stream, problem };
    } catch (error) {
      lastError = lastError || error;
    }
  }
  return { stream: new MediaStream(), problem: describe(lastError, 'camera and microphone') + ' You can still join and watch.' };
}

function describe(error, what) {
  if (!error) return `No ${what} is available.`;
  if (error.name === 'NotAllowedError') return `Access to the ${what} was denied.`;
  if (error.name === 'NotFoundError' || error.name === 'OverconstrainedError') return `No ${what} was found.`;
  if (error.name === 'NotReadableError') return `The ${what} is in use by another program.`;
  return `The ${what} could not be started.`;
}

export async function listDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return { cameras: [], mics: [], speakers: [] };
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: devices.filter((d) => d.kind === 'videoinput'),
    mics: devices.filter((d) => d.kind === 'audioinput'),
    speakers: devices.filter((d) => d.kind === 'audiooutput'),
  };
}

/** One new track of a kind ('audio' or 'video') from a chosen device; throws when it cannot start. */
export async function openTrack(kind, deviceId) {
  const constraints = kind === 'video'
    ? { video: { ...VIDEO, deviceId: { exact: deviceId } } }
    : { audio: { deviceId: { exact: deviceId } } };
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  return stream.getTracks()[0];
}

/** Whether this browser can choose where a <video>/<audio> element plays its sound. */
export const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** Enables or disables every track of a kind; returns true when that kind is now off. */
export function setMuted(stream, kind, muted) {
  const tracks = stream.getTracks().filter((t) => t.kind === kind);
  tracks.forEach((t) => { t.enabled = !muted; });
  return muted || tracks.length === 0;
}

export function hasTrack(stream, kind) {
  return stream.getTracks().some((t) => t.kind === kind);
}

export function stopAll(stream) {
  if (stream) stream.getTracks().forEach((t) => t.stop());
}
