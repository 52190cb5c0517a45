// The REST API of the server, nothing else: no DOM here.

async function failure(response) {
  let message = `The server answered ${response.status}.`;
  try {
    const body = await response.json();
    if (body && body.message) message = body.message;
    if (body && body.error) return Object.assign(new Error(message), { code: body.error });
  } catch {
    // not JSON: keep the status text
  }
  return new Error(message);
}

/** Creates a room; `options`: {passcode, membersOnly}, both optional. Errors carry the server's `code`. */
export async function createRoom({ passcode, membersOnly } = {}) {
  const body = {};
  if (passcode) body.passcode = passcode;
  if (membersOnly) body.membersOnly = true;
  const response = await fetch('/api/rooms', Object.keys(body).length
    ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }
    : { method: 'POST' });
  if (response.status !== 201) throw await failure(response);
  return response.json();
}

/**
 * Who this browser is signed in as: {signIn, signedIn, expired, name, expires, pass}. `signIn` is
 * false when the server has no identity provider configured.
 */
export async function fetchMe() {
  const response = await fetch('/api/me', { cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** Where the sign-in button leads: the provider, then back to `path` on this site. */
export function signInUrl(path) {
  return `/oidc/login?return=${encodeURIComponent(path)}`;
}

/** The room, or null when there is no such room. */
export async function findRoom(id) {
  const response = await fetch(`/api/rooms/${encodeURIComponent(id)}`);
  if (response.status === 404) return null;
  if (!response.ok) throw await failure(response);
  return response.json();
}

export async function iceServers() {
  const response = await fetch('/api/ice-servers', { cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  return response.json();
}
