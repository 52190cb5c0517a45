// Who is speaking and how good each connection is, from getStats() of every peer connection.
// No DOM here: the page passes the connections in and gets plain numbers out.

const SPEAKING_LEVEL = 0.02; // audioLevel (0..1) above which someone counts as speaking
const SPEAKER_HOLD_MS = 1500; // keep the highlight this long after they stop, so it does not flicker

/**
 * One sample of a connection: audio level of what arrives, round-trip time, video packet loss
 * since the previous sample and frame rate. Keeps the previous counters per connection.
 */
export class ConnectionSampler {
  #previous = new WeakMap();

  async sample(pc) {
    const stats = await pc.getStats();
    let audioLevel = 0;
    let rttMs = null;
    let received = 0;
    let lost = 0;
    let fps = null;
    stats.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio' && typeof r.audioLevel === 'number') {
        audioLevel = Math.max(audioLevel, r.audioLevel);
      } else if (r.type === 'inbound-rtp' && r.kind === 'video') {
        received += r.packetsReceived || 0;
        lost += Math.max(0, r.packetsLost || 0);
        if (typeof r.framesPerSecond === 'number') fps = r.framesPerSecond;
      } else if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded'
          && typeof r.currentRoundTripTime === 'number') {
        rttMs = Math.round(r.currentRoundTripTime * 1000);
      }
    });
    const before = this.#previous.get(pc) || { received: 0, lost: 0 };
    this.#previous.set(pc, { received, lost });
    const newReceived = received - before.received;
    const newLost = lost - before.lost;
    const lossPercent = newReceived + newLost > 0 ? (100 * newLost) / (newReceived + newLost) : 0;
    return { audioLevel, rttMs, lossPercent, fps };
  }
}

/** good / fair / poor, from round-trip time and packet loss. */
export function quality({ rttMs, lossPercent }) {
  if ((rttMs ?? 0) > 400 || lossPercent > 8) return 'poor';
  if ((rttMs ?? 0) > 150 || lossPercent > 2) return 'fair';
  return 'good';
}

/** Picks who speaks: the loudest above the threshold, held a while after they go quiet. */
export class SpeakerPicker {
  #current = null;
  #lastHeard = 0;

  /** @param levels Map of participant id -> audio level (muted participants left out) */
  pick(levels, now = Date.now()) {
    let loudest = null;
    let loudestLevel = SPEAKING_LEVEL;
    for (const [id, level] of levels) {
      if (level > loudestLevel) {
        loudest = id;
        loudestLevel = level;
      }
    }
    if (loudest) {
      this.#current = loudest;
      this.#lastHeard = now;
    } else if (this.#current && (now - this.#lastHeard > SPEAKER_HOLD_MS || !levels.has(this.#current))) {
      this.#current = null;
    }
    return this.#current;
  }
}

/**
 * Kurento rooms: whether this page's own microphone hears speech, from the audio level of what the
 * publishing connection (`connection()`, or null) sends; `onChange(speaking)` at each change,
 * held like the speaker highlight so a pause between words is not a change.
 */
export function watchOwnVoice({ connection, onChange, everyMs = 250 }) {
  const picker = new SpeakerPicker();
  let speaking = false;
  const loop = async () => {
    const pc = connection();
    let level = 0;
    if (pc && pc.connectionState !== 'closed') {
      try {
        (await pc.getStats()).forEach((r) => {
          if (r.type === 'media-source' && r.kind === 'audio' && typeof r.audioLevel === 'number') level = Math.max(level, r.audioLevel);
        });
      } catch (error) {
        // the connection closed under us: silence this round
      }
    }
    const now = picker.pick(new Map([['self', level]])) === 'self';
    if (now !== speaking) {
      speaking = now;
      onChange(speaking);
    }
    setTimeout(loop, everyMs);
  };
  setTimeout(loop, everyMs);
}

/**
 * Samples every connection of the call every `everyMs`: `connections()` gives [id, pc] pairs,
 * `muted(id)` whether someone's microphone is off (never the speaker then), `onSample(id,
 * sample)` gets each sample and `onSpeaker(id or null)` each change of active speaker.
 */
export function watchCall({ connections, muted, onSample, onSpeaker, everyMs = 500 }) {
  const sampler = new ConnectionSampler();
  const picker = new SpeakerPicker();
  let speaker = null;
  const round = async () => {
    const levels = new Map();
    for (const [id, pc] of connections()) {
      if (!pc || pc.connectionState === 'closed') continue;
      try {
        const sample = await sampler.sample(pc);
        if (!muted(id)) levels.set(id, sample.audioLevel);
        onSample(id, sample);
      } catch (error) {
        // a connection closing under us: next round
      }
    }
    const now = picker.pick(levels);
    if (now !== speaker) {
      speaker = now;
      onSpeaker(speaker);
    }
  };
  const loop = async () => {
    await round();
    setTimeout(loop, everyMs);
  };
  setTimeout(loop, everyMs);
}
