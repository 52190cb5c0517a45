// One's own camera and microphone: the stream, mute state, and switching a device during the
// call (the new track replaces the old one on every sending connection, no renegotiation).

import { openLocalMedia, setMuted, stopAll, openTrack, hasTrack } from './media.js';

export class OwnMedia {
  stream = new MediaStream();
  audioMuted = false;
  videoMuted = false;

  /** Opens the chosen (or default) devices instead of the current ones; returns what went wrong, if anything. */
  async open(choice) {
    stopAll(this.stream);
    const { stream, problem } = await openLocalMedia(choice);
    this.stream = stream;
    setMuted(stream, 'audio', this.audioMuted);
    setMuted(stream, 'video', this.videoMuted);
    return problem;
  }

  has(kind) {
    return hasTrack(this.stream, kind);
  }

  /** Whether the microphone and camera are off: muted, or no such device at all. */
  off() {
    return { audioOff: this.audioMuted || !this.has('audio'), videoOff: this.videoMuted || !this.has('video') };
  }

  setMuted(kind, muted) {
    if (kind === 'audio') this.audioMuted = muted;
    else this.videoMuted = muted;
    setMuted(this.stream, kind, muted);
  }

  toggle(kind) {
    this.setMuted(kind, !(kind === 'audio' ? this.audioMuted : this.videoMuted));
  }

  /**
   * Switches to another device of `kind` on the RTCPeerConnections `connections()` gives once it
   * is open (a connection made meanwhile gets the new track too); throws when it cannot be opened.
   */
  async switchDevice(kind, deviceId, connections) {
    const old = this.stream.getTracks().find((t) => t.kind === kind);
    if (!old || old.getSettings().deviceId === deviceId) return;
    const track = await openTrack(kind, deviceId);
    track.enabled = old.enabled; // a muted microphone stays muted
    for (const pc of connections()) {
      for (const sender of pc.getSenders()) {
        if (sender.track === old) await sender.replaceTrack(track).catch((e) => console.warn('replaceTrack failed', e));
      }
    }
    this.stream.removeTrack(old);
    this.stream.addTrack(track);
    old.stop();
  }

  /** Stops the camera and microphone for good (the page left the call). */
  stop() {
    stopAll(this.stream);
    this.stream = new MediaStream();
  }
}
