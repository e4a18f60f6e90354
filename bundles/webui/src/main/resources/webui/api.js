// Talks to the koboldj server: every call carries the session's key when one is set, and every
// failure becomes the server's own sentence (the JSON error shape's detail.msg), never a blank.

const KEY_STORE = 'koboldj.key';

/** An error whose message is meant for a person; status 401 means the key is missing or wrong. */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORE) || '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORE, key);
  else sessionStorage.removeItem(KEY_STORE);
}

function headers(body) {
  const h = {};
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const key = apiKey();
  if (key) h['Authorization'] = 'Bearer ' + key;
  return h;
}

/** The sentence a failed response carries, in KoboldCpp's or OpenAI's shape, or one of ours. */
async function failure(response) {
  let text = '';
  try {
    text = await response.text();
    const body = JSON.parse(text);
    const msg = body?.detail?.msg || body?.error?.message;
    if (msg) return new ApiError(msg, response.status);
  } catch (ignored) {
    // not JSON: fall through to a sentence of our own
  }
  return new ApiError(`The server answered HTTP ${response.status}${text ? ': ' + text.slice(0, 200) : '.'}`,
    response.status);
}

async function send(method, path, body, signal) {
  let response;
  try {
    response = await fetch(path, {
      method, headers: headers(body), signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError('The server cannot be reached (' + e.message + ').', 0);
  }
  if (!response.ok) throw await failure(response);
  return response;
}

export async function getJson(path) {
  return (await send('GET', path)).json();
}

export async function postJson(path, body) {
  return (await send('POST', path, body)).json();
}

/**
 * Streams a KoboldAI generation: calls onToken(text) for each piece as it arrives and resolves
 * with the finish reason of the last event. The server's SSE frames are "event: message" with
 * "data: {...}", separated by a blank line.
 */
export async function streamGenerate(body, onToken, signal) {
  const response = await send('POST', '/api/extra/generate/stream', body, signal);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let finish = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = frame.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
      if (!data) continue;
      const event = JSON.parse(data);
      if (event.token) onToken(event.token);
      if (event.finish_reason) {
        finish = event.finish_reason;
        if (finish === 'error') throw new ApiError(event.error?.message || event.detail?.msg
          || 'The generation failed on the server.', 500);
      }
    }
  }
  return finish;
}
