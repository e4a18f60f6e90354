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

/** The request's headers; {@code key} is the one to send (the session's API key unless another is named). */
function headers(body, key = apiKey()) {
  const h = {};
  if (body !== undefined) h['Content-Type'] = 'application/json';
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

async function send(method, path, body, signal, key) {
  let response;
  try {
    response = await fetch(path, {
      method, headers: headers(body, key), signal,
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

/** A POST whose answer is a file (audio): resolves with its bytes as a Blob. */
export async function postBlob(path, body) {
  return (await send('POST', path, body)).blob();
}

/**
 * A call to the admin API, which wants the admin key (--adminpassword) rather than the API key
 * when the server has one; without an admin key the session's API key goes, as KoboldCpp allows.
 */
export async function adminJson(method, path, body, adminKey) {
  return (await send(method, path, body, undefined, adminKey || apiKey())).json();
}

/**
 * Reads a server-sent event stream, calling onData(parsed JSON) for each event's data; "[DONE]"
 * (OpenAI's last event) ends it. Frames are separated by a blank line.
 */
async function readEvents(response, onData) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = frame.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
      if (!data) continue;
      if (data === '[DONE]') return;
      onData(JSON.parse(data));
    }
  }
}

/**
 * Streams a KoboldAI generation (POST /api/extra/generate/stream): calls onToken(text) for each
 * piece as it arrives and resolves with the finish reason of the last event.
 */
export async function streamGenerate(body, onToken, signal) {
  const response = await send('POST', '/api/extra/generate/stream', body, signal);
  let finish = null;
  await readEvents(response, event => {
    if (event.token) onToken(event.token);
    if (event.finish_reason) {
      finish = event.finish_reason;
      if (finish === 'error') throw new ApiError(event.error?.message || event.detail?.msg
        || 'The generation failed on the server.', 500);
    }
  });
  return finish;
}

/**
 * Streams a chat through the model's own template (POST /v1/chat/completions with stream true),
 * calling onToken for each piece of the reply.
 */
export async function streamChat(body, onToken, signal) {
  const response = await send('POST', '/v1/chat/completions', { ...body, stream: true }, signal);
  let finish = null;
  await readEvents(response, event => {
    if (event.error) throw new ApiError(event.error.message || 'The generation failed on the server.', 500);
    const choice = event.choices?.[0];
    if (choice?.delta?.content) onToken(choice.delta.content);
    if (choice?.finish_reason) finish = choice.finish_reason;
  });
  return finish;
}
