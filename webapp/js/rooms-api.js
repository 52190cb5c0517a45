// The REST API of the server, nothing else: no DOM here.

async function failure(response) {
  let message = `The server answered ${response.status}.`;
  try {
    const body = await response.json();
    if (body && body.message) message = body.message;
  } catch {
    // not JSON: keep the status text
  }
  return new Error(message);
}

export async function createRoom(passcode) {
  const response = await fetch('/api/rooms', passcode
    ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ passcode }) }
    : { method: 'POST' });
  if (response.status !== 201) throw await failure(response);
  return response.json();
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
