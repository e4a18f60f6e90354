// The page's behaviour: story and chat modes over POST /api/extra/generate/stream, with Stop,
// Retry, Undo/Redo, the live token count and the server's perf figures.
import { ApiError, apiKey, setApiKey, getJson, postJson, streamGenerate } from './api.js';
import { loadSettings, saveSettings, renderSamplers, samplerFields } from './settings.js';
import { History } from './history.js';
import { chatPrompt, chatStops, withAuthorsNote, cleanReply } from './prompt.js';

const $ = id => document.getElementById(id);
const settings = loadSettings();
const history = new History();
let shownSamplers = [];
let generating = null;   // { genkey, controller } while a generation streams
let retryPoint = null;   // the state a Retry generates from again

// ---- state and rendering -------------------------------------------------------------------

function snapshot() {
  return { story: settings.story, chat: settings.chat.map(m => ({ ...m })) };
}

function restore(state) {
  settings.story = state.story;
  settings.chat = state.chat.map(m => ({ ...m }));
  render();
}

function render() {
  $('story').value = settings.story;
  renderChat();
  persist();
}

function renderChat() {
  const log = $('chat-log');
  log.replaceChildren(...settings.chat.map(message => {
    const li = document.createElement('li');
    li.className = message.name === settings.userName ? 'user' : 'bot';
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = message.name + ':';
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    li.append(who, text);
    return li;
  }));
  log.scrollTop = log.scrollHeight;
}

function applyMode() {
  const chat = settings.mode === 'chat';
  document.body.classList.toggle('chat', chat);
  $('chat-log').hidden = !chat;
  $('mode-story').setAttribute('aria-pressed', String(!chat));
  $('mode-chat').setAttribute('aria-pressed', String(chat));
  $('input').placeholder = chat ? `Message ${settings.charName}; Enter sends, Shift+Enter starts a new line`
    : 'Add to the story (optional); Enter sends, Shift+Enter starts a new line';
}

function applyTheme() {
  if (settings.theme) document.documentElement.dataset.theme = settings.theme;
  else delete document.documentElement.dataset.theme;
}

function setBusy(busy) {
  $('send').disabled = busy;
  $('retry').disabled = busy;
  $('undo').disabled = busy;
  $('redo').disabled = busy;
  $('stop').disabled = !busy;
  $('story').readOnly = busy;
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

let persistTimer = 0;
function persist() {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(() => { saveSettings(settings); countTokens(); }, 300);
}

// ---- talking to the server -----------------------------------------------------------------

/** Runs call; when the server wants a key, asks for it and tries again. */
async function withKey(call) {
  for (;;) {
    try {
      return await call();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      setApiKey('');
      await askKey();
    }
  }
}

/**
 * Runs {@code call} again while the server answers 503: a model given at start may still be
 * loading when the page opens, and the page should come up with it rather than stay broken.
 */
async function whenReady(call) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const result = await call();
      showError('');
      return result;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 503 || Date.now() > deadline) throw e;
      showError(e.message + ' (waiting for the server)');
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
}

/** The key prompt showing now, shared by every call that met a 401 meanwhile. */
let keyPrompt = null;

/**
 * Asks for the key once, however many requests were refused at the same time: a second prompt
 * would clear what the user is typing into the first.
 */
function askKey() {
  if (keyPrompt) return keyPrompt;
  const dialog = $('key-dialog');
  keyPrompt = new Promise(resolve => {
    const done = () => {
      const key = $('key').value.trim();
      if (!key) { dialog.showModal(); return; }
      setApiKey(key);
      dialog.removeEventListener('close', done);
      keyPrompt = null;
      resolve();
    };
    dialog.addEventListener('close', done);
    $('key').value = '';
    if (!dialog.open) dialog.showModal();
  });
  return keyPrompt;
}

function currentPrompt() {
  return settings.mode === 'chat' ? chatPrompt(settings) : withAuthorsNote(settings.story, settings.authorsNote);
}

let countSeq = 0;
async function countTokens() {
  const seq = ++countSeq;
  const text = settings.memory + currentPrompt();
  try {
    const { value } = await withKey(() => postJson('/api/extra/tokencount', { prompt: text }));
    if (seq !== countSeq) return;
    const span = $('tokens');
    span.textContent = `${value} / ${settings.maxContext} tokens`;
    span.classList.toggle('over', value + settings.maxLength > settings.maxContext);
  } catch (e) {
    if (seq === countSeq) $('tokens').textContent = '– / ' + settings.maxContext + ' tokens';
  }
}

async function showPerf() {
  try {
    const perf = await withKey(() => getJson('/api/extra/perf'));
    const rate = perf.last_eval_speed ?? (perf.last_eval > 0 ? perf.last_token_count / perf.last_eval : 0);
    $('perf').textContent = `server: ${perf.last_token_count} tokens at ${rate.toFixed(1)} tokens/s, `
      + `${perf.total_gens} generations since start`;
  } catch (e) {
    $('perf').textContent = '';
  }
}

function newGenkey() {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return 'KJ' + random[0].toString(36) + random[1].toString(36);
}

/** Streams one generation into the story or into the last (character's) chat message. */
async function generate() {
  const chat = settings.mode === 'chat';
  if (chat) settings.chat.push({ name: settings.charName, text: '' });
  render();
  const genkey = newGenkey();
  const body = {
    prompt: chat ? chatPrompt(settings, true) : withAuthorsNote(settings.story, settings.authorsNote),
    memory: settings.memory,
    max_context_length: settings.maxContext,
    max_length: settings.maxLength,
    genkey,
    ...samplerFields(shownSamplers, settings),
  };
  if (chat) { body.stop_sequence = chatStops(settings); body.trim_stop = true; }
  generating = { genkey, controller: new AbortController() };
  setBusy(true);
  showError('');
  let pieces = 0;
  let first = 0;
  // tokens can come faster than the screen refreshes: the text grows at once, the page is drawn
  // once a frame, so a fast model never keeps the page from answering
  let frame = 0;
  const draw = () => {
    frame = 0;
    if (chat) {
      const log = $('chat-log');
      log.lastElementChild.querySelector('.text').textContent = settings.chat[settings.chat.length - 1].text;
      log.scrollTop = log.scrollHeight;
    } else {
      const story = $('story');
      story.value = settings.story;
      story.scrollTop = story.scrollHeight;
    }
    const seconds = (performance.now() - first) / 1000;
    if (pieces > 1 && seconds > 0) $('speed').textContent = `${((pieces - 1) / seconds).toFixed(1)} tokens/s streamed`;
  };
  const onToken = token => {
    pieces++;
    if (!first) first = performance.now();
    if (chat) settings.chat[settings.chat.length - 1].text += token;
    else settings.story += token;
    if (!frame) frame = requestAnimationFrame(draw);
  };
  try {
    await withKey(() => streamGenerate(body, onToken, generating.controller.signal));
  } catch (e) {
    if (e.name !== 'AbortError') showError(e.message || 'The generation failed.');
  } finally {
    cancelAnimationFrame(frame);
    if (chat) {
      const message = settings.chat[settings.chat.length - 1];
      message.text = cleanReply(message.text, settings);
    }
    generating = null;
    setBusy(false);
    render();
    countTokens(); // at once: the count on screen is the story's as it now stands
    showPerf();
  }
}

// ---- actions -------------------------------------------------------------------------------

async function send() {
  if (generating) return;
  const text = $('input').value;
  history.push(snapshot());
  if (settings.mode === 'chat') {
    if (text.trim()) settings.chat.push({ name: settings.userName, text: text.trim() });
  } else {
    settings.story += text;
  }
  $('input').value = '';
  retryPoint = snapshot();
  await generate();
}

async function retry() {
  if (generating || !retryPoint) return;
  history.push(snapshot());
  restore(retryPoint);
  await generate();
}

async function stop() {
  if (!generating) return;
  const { genkey, controller } = generating;
  try {
    // the server ends the stream itself and keeps what was generated so far
    await withKey(() => postJson('/api/extra/abort', { genkey }));
  } catch (e) {
    controller.abort(); // the server could not be told: at least stop reading
  }
}

function undo() {
  if (generating) return;
  const state = history.undo(snapshot());
  if (state) restore(state);
}

function redo() {
  if (generating) return;
  const state = history.redo(snapshot());
  if (state) restore(state);
}

// ---- wiring --------------------------------------------------------------------------------

function bindField(id, key, parse = v => v) {
  const element = $(id);
  element.value = settings[key];
  element.addEventListener('input', () => {
    const value = parse(element.value);
    if (value === null) return;
    settings[key] = value;
    if (key === 'charName' || key === 'userName') { applyMode(); renderChat(); }
    persist();
  });
}

function positiveInt(text) {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function bind() {
  bindField('memory', 'memory');
  bindField('authors-note', 'authorsNote');
  bindField('char-name', 'charName');
  bindField('user-name', 'userName');
  bindField('max-context', 'maxContext', positiveInt);
  bindField('max-length', 'maxLength', positiveInt);
  $('story').addEventListener('input', () => { settings.story = $('story').value; persist(); });
  $('send').addEventListener('click', send);
  $('stop').addEventListener('click', stop);
  $('retry').addEventListener('click', retry);
  $('undo').addEventListener('click', undo);
  $('redo').addEventListener('click', redo);
  $('mode-story').addEventListener('click', () => { settings.mode = 'story'; applyMode(); persist(); });
  $('mode-chat').addEventListener('click', () => { settings.mode = 'chat'; applyMode(); persist(); });
  $('theme').addEventListener('click', () => {
    const dark = getComputedStyle(document.documentElement).colorScheme.includes('dark');
    settings.theme = dark ? 'light' : 'dark';
    applyTheme();
    persist();
  });
  $('toggle-settings').addEventListener('click', () => {
    const open = document.body.classList.toggle('settings-open');
    $('toggle-settings').setAttribute('aria-expanded', String(open));
  });
  $('input').addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && generating) { e.preventDefault(); stop(); }
    else if (e.altKey && e.key.toLowerCase() === 'r') { e.preventDefault(); retry(); }
    else if (e.altKey && e.key.toLowerCase() === 'z') { e.preventDefault(); undo(); }
    else if (e.altKey && e.key.toLowerCase() === 'y') { e.preventDefault(); redo(); }
  });
}

/** Reads what the server offers; asks for the key first when it says it is protected. */
async function connect() {
  try {
    const version = await getJson('/api/extra/version');
    if (version.protected && !apiKey()) await askKey();
    const [listed, trueMax] = await Promise.all([
      whenReady(() => withKey(() => getJson('/api/extra/samplers'))),
      getJson('/api/extra/true_max_context_length').catch(() => null),
    ]);
    if (trueMax?.value) {
      $('max-context').max = trueMax.value;
      $('max-length').max = trueMax.value;
      if (settings.maxContext > trueMax.value) { settings.maxContext = trueMax.value; $('max-context').value = trueMax.value; }
    }
    shownSamplers = renderSamplers($('samplers'), listed.samplers, settings, persist);
    countTokens();
    showPerf();
  } catch (e) {
    showError(e.message || 'The server cannot be reached.');
    $('samplers').textContent = 'The samplers could not be read from the server.';
  }
}

applyTheme();
applyMode();
render();
bind();
setBusy(false);
connect();
