// The page's behaviour: story, chat and instruct modes over POST /api/extra/generate/stream (or
// the model's chat template over /v1/chat/completions), with Stop, Retry, Undo/Redo, editing,
// the live token count and what will be trimmed, save slots and files, and the server's other
// capabilities while it has them: images, speech, dictation, web search, configuration switches.
import { ApiError, apiKey, setApiKey, getJson, postJson, streamGenerate, streamChat } from './api.js';
import { loadSettings, saveSettings, renderSamplers, renderSamplerOrder, samplerFields } from './settings.js';
import { History } from './history.js';
import {
  chatPrompt, chatStops, instructPrompt, instructStops, templateMessages, withAuthorsNote,
  cleanReply, stopList, phraseList,
} from './prompt.js';
import { BUILT_IN, ownPresets, saveOwn, deleteOwn, findPreset, applyPreset } from './presets.js';
import { FORMAT, storyFile, storyTitle, readStoryFile } from './storage.js';
import {
  imagePrompt, makeImage, voices, speech, Dictation, transcribe, searchQuery, search, searchContext,
} from './media.js';
import { configurations, switchTo } from './admin.js';

const $ = id => document.getElementById(id);
const settings = loadSettings();
const history = new History();
let shownSamplers = [];
let generating = null;   // { genkey, controller } while a generation streams
let retryPoint = null;   // the state a Retry generates from again
let features = {};       // the last /api/extra/version answer
let trimmedChars = 0;    // how much of the prompt's start will not fit the context

// ---- state and rendering -------------------------------------------------------------------

function snapshot() {
  return {
    story: settings.story,
    chat: settings.chat.map(m => ({ ...m })),
    turns: settings.turns.map(t => ({ ...t })),
  };
}

function restore(state) {
  settings.story = state.story;
  settings.chat = state.chat.map(m => ({ ...m }));
  settings.turns = (state.turns || []).map(t => ({ ...t }));
  render();
}

function render() {
  $('story').value = settings.story;
  renderLog();
  persist();
}

const talking = () => settings.mode !== 'story';

/** The messages of the mode shown: chat lines or instruct turns. */
function messages() {
  return settings.mode === 'chat' ? settings.chat : settings.turns;
}

function speaker(message) {
  if (settings.mode === 'chat') return message.name;
  return message.role === 'user' ? 'You' : 'Assistant';
}

function isUser(message) {
  return settings.mode === 'chat' ? message.name === settings.userName : message.role === 'user';
}

function renderLog() {
  const log = $('chat-log');
  if (!talking()) { log.replaceChildren(); return; }
  let offset = 0; // where each message ends in the prompt, to mark what will be trimmed
  log.replaceChildren(...messages().map((message, index) => {
    const li = document.createElement('li');
    li.className = isUser(message) ? 'user' : 'bot';
    offset += speaker(message).length + message.text.length + 2;
    if (offset <= trimmedChars) li.classList.add('trimmed');
    else if (offset - message.text.length < trimmedChars) li.classList.add('part-trimmed');
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = speaker(message) + ':';
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    const edit = document.createElement('button');
    edit.type = 'button';
    edit.className = 'edit';
    edit.textContent = 'Edit';
    edit.setAttribute('aria-label', `Edit message ${index + 1} (${speaker(message)})`);
    edit.disabled = !!generating;
    edit.addEventListener('click', () => startEdit(li, index));
    li.append(who, text, edit);
    return li;
  }));
  log.scrollTop = log.scrollHeight;
}

/** Turns a message into a text box; saving puts the change into the undo history. */
function startEdit(li, index) {
  if (generating) return;
  const message = messages()[index];
  const box = document.createElement('textarea');
  box.className = 'edit-box';
  box.value = message.text;
  box.rows = Math.min(10, message.text.split('\n').length + 1);
  box.setAttribute('aria-label', `Text of message ${index + 1}`);
  const save = document.createElement('button');
  save.type = 'button';
  save.className = 'save-edit primary';
  save.textContent = 'Save';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'cancel-edit';
  cancel.textContent = 'Cancel';
  const done = keep => {
    if (keep && box.value !== message.text) {
      history.push(snapshot());
      messages()[index].text = box.value;
      retryPoint = null; // the old retry point would bring the edit back out
    }
    render();
  };
  save.addEventListener('click', () => done(true));
  cancel.addEventListener('click', () => done(false));
  box.addEventListener('keydown', e => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); done(false); }
    if (e.key === 'Enter' && e.ctrlKey) { e.preventDefault(); done(true); }
  });
  li.querySelector('.text').replaceWith(box);
  li.querySelector('.edit').replaceWith(save, cancel);
  box.focus();
}

function applyMode() {
  const mode = settings.mode;
  document.body.dataset.mode = mode;
  $('chat-log').hidden = mode === 'story';
  for (const name of ['story', 'chat', 'instruct']) {
    $('mode-' + name).setAttribute('aria-pressed', String(mode === name));
  }
  $('input').placeholder = mode === 'chat' ? `Message ${settings.charName}; Enter sends, Shift+Enter starts a new line`
    : mode === 'instruct' ? 'Your instruction; Enter sends, Shift+Enter starts a new line'
      : 'Add to the story (optional); Enter sends, Shift+Enter starts a new line';
  renderLog();
}

function applyTheme() {
  if (settings.theme) document.documentElement.dataset.theme = settings.theme;
  else delete document.documentElement.dataset.theme;
}

function setBusy(busy) {
  for (const id of ['send', 'retry', 'undo', 'redo', 'slot-load', 'import']) $(id).disabled = busy;
  $('stop').disabled = !busy;
  $('story').readOnly = busy;
  for (const button of document.querySelectorAll('#chat-log .edit')) button.disabled = busy;
}

/** Where the shown error came from: a later success of the same kind clears it. */
let errorSource = '';
function showError(message, source = 'action') {
  $('error').textContent = message;
  $('error').hidden = !message;
  errorSource = message ? source : '';
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

/** The prompt as it stands (the raw text of the messages when the template writes the prompt). */
function currentPrompt() {
  if (settings.mode === 'story') return withAuthorsNote(settings.story, settings);
  if (settings.useTemplate) {
    return templateMessages(settings).filter(m => m.role !== 'system').map(m => m.content).join('\n');
  }
  return settings.mode === 'chat' ? chatPrompt(settings) : instructPrompt(settings);
}

let countSeq = 0;
/**
 * Counts the context against the maximum; what does not fit beside memory and the amount to
 * generate is cut from the start by the server, so that part is found (its tokens turned back
 * into text) and marked.
 */
async function countTokens() {
  const seq = ++countSeq;
  const prompt = currentPrompt();
  try {
    const memory = settings.memory && !(talking() && settings.useTemplate)
      ? await withKey(() => postJson('/api/extra/tokencount', { prompt: settings.memory })) : { value: 0 };
    const counted = await withKey(() => postJson('/api/extra/tokencount', { prompt }));
    const used = counted.value + memory.value;
    const over = used + settings.maxLength - settings.maxContext;
    let trimmed = '';
    if (over > 0 && Array.isArray(counted.ids) && counted.ids.length) {
      const ids = counted.ids.slice(0, Math.min(over, counted.ids.length));
      trimmed = (await withKey(() => postJson('/api/extra/detokenize', { ids }))).result || '';
    }
    if (seq !== countSeq) return;
    const span = $('tokens');
    span.textContent = `${used} / ${settings.maxContext} tokens`;
    span.classList.toggle('over', over > 0);
    showTrimmed(over, trimmed);
  } catch (e) {
    if (seq === countSeq) { $('tokens').textContent = '– / ' + settings.maxContext + ' tokens'; showTrimmed(0, ''); }
  }
}

function showTrimmed(tokens, text) {
  const changed = trimmedChars !== text.length;
  trimmedChars = text.length;
  $('trim-note').hidden = tokens <= 0;
  if (tokens > 0) {
    const tail = text.replace(/\s+/g, ' ').trim().slice(-60);
    $('trim-text').textContent = `The first ${tokens} tokens do not fit the context beside the amount to generate `
      + `and are left out, up to “…${tail}”.`;
  }
  $('trim-show').hidden = settings.mode !== 'story';
  if (changed && !document.querySelector('#chat-log .edit-box')) renderLog();
}

/** The server's figures of the last generation (GET /api/extra/perf). */
async function showPerf() {
  try {
    const perf = await withKey(() => getJson('/api/extra/perf'));
    const rate = perf.last_eval_speed ?? (perf.last_eval > 0 ? perf.last_token_count / perf.last_eval : 0);
    const prompt = perf.last_process_speed ?? (perf.last_process > 0 ? perf.last_input_count / perf.last_process : 0);
    $('perf').textContent = `server: ${perf.last_token_count} tokens at ${rate.toFixed(1)} tokens/s, `
      + `prompt ${perf.last_input_count ?? 0} tokens at ${prompt.toFixed(1)} tokens/s, `
      + `${perf.total_gens} generations since start` + (perf.queue ? `, ${perf.queue} waiting` : '');
    const used = (perf.last_input_count ?? 0) + (perf.last_token_count ?? 0);
    $('context-used').textContent = `last context ${used} / ${settings.maxContext} tokens`;
  } catch (e) {
    $('perf').textContent = '';
    $('context-used').textContent = '';
  }
}

function newGenkey() {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return 'KJ' + random[0].toString(36) + random[1].toString(36);
}

/** The fields every request carries: samplers, their order, stops, banned phrases, grammar. */
function commonFields(modeStops) {
  const fields = { ...samplerFields(shownSamplers, settings), sampler_order: settings.samplerOrder };
  const stops = [...modeStops, ...stopList(settings.stopSequences)];
  if (stops.length) fields.stop_sequence = stops;
  const banned = phraseList(settings.bannedPhrases);
  if (banned.length) fields.banned_tokens = banned;
  if (settings.grammar.trim()) fields.grammar = settings.grammar;
  return fields;
}

/** The memory with what is added to it for this generation only (web search results). */
function memoryWith(added) {
  if (!added) return settings.memory;
  const memory = settings.memory;
  return memory + (memory && !memory.endsWith('\n') ? '\n' : '') + added;
}

/**
 * The stream to read for this mode: the KoboldAI route, or the template's chat route;
 * {@code added} goes into the context after the memory.
 */
function request(genkey, added) {
  const mode = settings.mode;
  const modeStops = mode === 'chat' ? chatStops(settings) : mode === 'instruct' ? instructStops(settings) : [];
  if (mode !== 'story' && settings.useTemplate) {
    const { stop_sequence: stop, ...fields } = commonFields([]);
    const messages = templateMessages({ ...settings, memory: memoryWith(added) }, true);
    const body = { messages, max_tokens: settings.maxLength, ...fields };
    if (stop) body.stop = stop;
    return { stops: stop || [], run: (onToken, signal) => streamChat(body, onToken, signal) };
  }
  const body = {
    prompt: mode === 'chat' ? chatPrompt(settings, true) : mode === 'instruct' ? instructPrompt(settings, true)
      : withAuthorsNote(settings.story, settings),
    memory: memoryWith(added),
    max_context_length: settings.maxContext,
    max_length: settings.maxLength,
    genkey,
    ...commonFields(modeStops),
  };
  if (mode !== 'story') body.trim_stop = true;
  return { stops: body.stop_sequence || [], run: (onToken, signal) => streamGenerate(body, onToken, signal) };
}

/**
 * The web search results for this generation, when the person switched them on and the server
 * searches: a failed search is shown and the generation goes on without results.
 */
async function searchResults(added) {
  if (!settings.webSearch || !features.websearch) return '';
  const query = searchQuery({ mode: settings.mode, added, story: settings.story, messages: messages() });
  if (!query) return '';
  showMedia(`Searching the web for “${query}”…`);
  try {
    const results = await withKey(() => search(query));
    showMedia(results.length ? `Added ${results.length} web results for “${query}”: `
      + results.map(r => r.title).join('; ') : `The web search for “${query}” found nothing.`);
    return searchContext(query, results);
  } catch (e) {
    showMedia(`The web search failed: ${e.message}`);
    return '';
  }
}

/**
 * Streams one generation into the story or into a new reply at the end of the conversation;
 * {@code added} is what the person just typed, for the web search.
 */
async function generate(added = '') {
  const mode = settings.mode;
  generating = { controller: new AbortController() }; // busy from here: a search may come first
  setBusy(true);
  showError('');
  const context = await searchResults(added);
  if (generating.controller.signal.aborted) { generating = null; setBusy(false); return; } // stopped while searching
  if (mode === 'chat') settings.chat.push({ name: settings.charName, text: '' });
  if (mode === 'instruct') settings.turns.push({ role: 'assistant', text: '' });
  const storyBefore = settings.story.length;
  render();
  const genkey = newGenkey();
  const { stops, run } = request(genkey, context);
  Object.assign(generating, { genkey, template: mode !== 'story' && settings.useTemplate });
  let pieces = 0;
  let first = 0;
  const reply = () => messages().at(-1);
  // tokens can come faster than the screen refreshes: the text grows at once, the page is drawn
  // once a frame, so a fast model never keeps the page from answering
  let frame = 0;
  const draw = () => {
    frame = 0;
    if (mode !== 'story') {
      const log = $('chat-log');
      log.lastElementChild.querySelector('.text').textContent = reply().text;
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
    if (mode !== 'story') reply().text += token;
    else settings.story += token;
    if (!frame) frame = requestAnimationFrame(draw);
  };
  let failed = false;
  try {
    await withKey(() => run(onToken, generating.controller.signal));
  } catch (e) {
    failed = true;
    if (e.name !== 'AbortError') showError(e.message || 'The generation failed.');
  } finally {
    cancelAnimationFrame(frame);
    if (mode !== 'story') reply().text = cleanReply(reply().text, stops);
    generating = null;
    setBusy(false);
    render();
    countTokens(); // at once: the count on screen is the text's as it now stands
    showPerf();
  }
  if (!failed && settings.speakReplies && features.tts) {
    speak(mode === 'story' ? settings.story.slice(storyBefore) : reply().text);
  }
}

// ---- actions -------------------------------------------------------------------------------

async function send() {
  if (generating) return;
  const text = $('input').value;
  history.push(snapshot());
  if (settings.mode === 'chat') {
    if (text.trim()) settings.chat.push({ name: settings.userName, text: text.trim() });
  } else if (settings.mode === 'instruct') {
    if (text.trim()) settings.turns.push({ role: 'user', text: text.trim() });
  } else {
    settings.story += text;
  }
  $('input').value = '';
  retryPoint = snapshot();
  await generate(text);
}

async function retry() {
  if (generating || !retryPoint) return;
  history.push(snapshot());
  restore(retryPoint);
  await generate();
}

async function stop() {
  if (!generating) return;
  const { genkey, controller, template } = generating;
  if (!genkey) { controller.abort(); return; } // still searching: nothing runs on the server yet
  try {
    // the server ends the stream itself and keeps what was generated so far; the chat route
    // takes no genkey, so its generation is stopped as the one running
    await withKey(() => postJson('/api/extra/abort', template ? {} : { genkey }));
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

// ---- save slots and files ------------------------------------------------------------------

function showSaved(message) {
  $('saved').textContent = message;
}

/** Puts a loaded story in place: the change can be undone, and every field shows it. */
function loadStory(file) {
  const before = snapshot();
  readStoryFile(file, settings);
  history.push(before);
  retryPoint = null;
  refreshFields();
  applyMode();
  render();
}

async function listSlots() {
  const titles = await withKey(() => postJson('/api/extra/data/list', {}));
  const select = $('slot');
  const chosen = select.value;
  select.replaceChildren(...titles.map((title, slot) => {
    const option = document.createElement('option');
    option.value = slot;
    option.textContent = `${slot + 1}: ${title || '(empty)'}`;
    return option;
  }));
  if (chosen) select.value = chosen;
}

async function saveSlot() {
  const slot = Number($('slot').value);
  try {
    const answer = await withKey(() => postJson('/api/extra/data/save', {
      slot, title: storyTitle(settings), format: FORMAT, data: JSON.stringify(storyFile(settings)),
    }));
    if (answer.success === false) throw new Error(answer.error || 'The server did not save the story.');
    await listSlots();
    showSaved(`Saved to slot ${slot + 1}.`);
  } catch (e) {
    showError(e.message);
  }
}

async function loadSlot() {
  const slot = Number($('slot').value);
  try {
    const answer = await withKey(() => postJson('/api/extra/data/load', { slot }));
    if (!answer.success || !answer.data) { showSaved(`Slot ${slot + 1} is empty.`); return; }
    let file;
    try {
      file = JSON.parse(answer.data.data);
    } catch (ignored) {
      throw new Error(`Slot ${slot + 1} holds a save in a form this page cannot read (${answer.data.format || 'unnamed'}).`);
    }
    loadStory(file);
    showSaved(`Loaded slot ${slot + 1}: ${answer.data.title}.`);
  } catch (e) {
    showError(e.message);
  }
}

function exportFile() {
  const blob = new Blob([JSON.stringify(storyFile(settings), null, 1)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = storyTitle(settings).replace(/[^\w -]+/g, '').trim().slice(0, 40) + '.json';
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function importFile() {
  const file = $('import').files[0];
  $('import').value = '';
  if (!file) return;
  try {
    let parsed;
    try {
      parsed = JSON.parse(await file.text());
    } catch (e) {
      throw new Error(`${file.name} is not a JSON file.`);
    }
    loadStory(parsed);
    showSaved(`Opened ${file.name}.`);
  } catch (e) {
    showError(e.message);
  }
}

// ---- images, speech, dictation ------------------------------------------------------------

function showMedia(message) {
  $('media-note').textContent = message;
}

/** Makes an image of the selection (or the latest text) and shows it under the text. */
async function imageOfText() {
  const story = $('story');
  const selection = settings.mode === 'story' ? story.value.slice(story.selectionStart, story.selectionEnd)
    : String(window.getSelection() || '');
  const prompt = imagePrompt({ selection, input: $('input').value, mode: settings.mode, story: settings.story,
    messages: messages() });
  if (!prompt) { showMedia('Write or select some text to make an image of.'); return; }
  const button = $('make-image');
  button.disabled = true;
  showMedia(`Making an image of “${prompt.slice(0, 80)}”…`);
  try {
    const image = await withKey(() => makeImage(prompt, settings));
    const item = document.createElement('li');
    const img = document.createElement('img');
    img.src = image.src;
    img.alt = prompt;
    const caption = document.createElement('span');
    caption.textContent = `${prompt.slice(0, 120)} (${settings.imageWidth}×${settings.imageHeight}, `
      + `${settings.imageSteps} step${settings.imageSteps === 1 ? '' : 's'}, seed ${image.seed ?? '?'}, ${image.seconds.toFixed(1)} s)`;
    item.append(img, caption);
    $('images').append(item);
    $('images').hidden = false;
    img.scrollIntoView({ block: 'nearest' });
    showMedia(`Image made in ${image.seconds.toFixed(1)} s.`);
  } catch (e) {
    showMedia('');
    showError(e.message);
  } finally {
    button.disabled = false;
  }
}

/** Reads {@code text} aloud with the chosen voice, in the page's audio player. */
async function speak(text) {
  if (!text.trim()) return;
  try {
    const wav = await withKey(() => speech(text.trim(), settings.ttsVoice));
    const audio = $('speech');
    if (audio.src) URL.revokeObjectURL(audio.src);
    audio.src = URL.createObjectURL(wav);
    audio.hidden = false;
    audio.play().catch(() => {}); // a browser may want a click first: the player is there for it
  } catch (e) {
    showError(e.message);
  }
}

async function listVoices() {
  const select = $('tts-voice');
  try {
    const names = await withKey(voices);
    select.replaceChildren(new Option('Server default', ''), ...names.map(name => new Option(name, name)));
    select.value = names.includes(settings.ttsVoice) ? settings.ttsVoice : '';
  } catch (e) {
    select.replaceChildren(new Option('Server default', ''));
  }
}

const dictation = new Dictation();

/** First press: records from the microphone; second press: sends it to be written down into the input. */
async function dictate() {
  const button = $('dictate');
  try {
    if (!dictation.recording) {
      await dictation.start();
      button.setAttribute('aria-pressed', 'true');
      button.textContent = 'Stop dictation';
      showMedia('Listening… press Stop dictation when done.');
      return;
    }
    dictationReady();
    button.disabled = true;
    const { dataUrl, bytes } = await dictation.stop();
    showMedia(`Writing down ${Math.round(bytes / 1024)} KB of speech…`);
    const text = (await withKey(() => transcribe(dataUrl))).trim();
    if (text) {
      const input = $('input');
      input.value += (input.value && !/\s$/.test(input.value) ? ' ' : '') + text;
      input.focus();
    }
    showMedia(text ? `Heard: “${text}”` : 'Nothing was heard in the recording.');
  } catch (e) {
    showMedia('');
    showError(e.message);
    dictationReady();
  } finally {
    button.disabled = false;
  }
}

function dictationReady() {
  $('dictate').setAttribute('aria-pressed', 'false');
  $('dictate').textContent = 'Dictate';
}

// ---- switching the server's configuration -------------------------------------------------

const ADMIN_KEY_STORE = 'koboldj.adminKey';
const adminKey = () => sessionStorage.getItem(ADMIN_KEY_STORE) || '';

async function listConfigurations() {
  const note = $('config-note');
  try {
    const names = await configurations(adminKey());
    const select = $('config');
    const chosen = select.value;
    select.replaceChildren(...names.map(name => new Option(name === 'unload_model' ? 'Unload the text model' : name, name)));
    if (names.includes(chosen)) select.value = chosen;
    note.textContent = names.length ? '' : 'The admin folder holds no configurations.';
  } catch (e) {
    note.textContent = e.status === 401 ? 'Enter the admin key to see the configurations.' : e.message;
  }
}

/** Switches to the chosen configuration; the page follows the server without reloading. */
async function switchConfiguration() {
  const name = $('config').value;
  if (!name) return;
  const button = $('config-switch');
  button.disabled = true;
  $('config-note').textContent = `Switching to ${name}…`;
  try {
    await switchTo(name, adminKey());
    $('config-note').textContent = `Switched to ${name}.`;
    await refreshVersion();
    await readServer();
  } catch (e) {
    $('config-note').textContent = e.message;
  } finally {
    button.disabled = false;
  }
  followServer(); // its other capabilities come and go over the next seconds
}

/** Reads the version often for a while, as a switch loads and unloads the server's capabilities. */
let following = 0;
function followServer() {
  clearInterval(following);
  let reads = 0;
  following = setInterval(async () => {
    if (++reads >= 30) clearInterval(following);
    await refreshVersion();
    readServer();
  }, 1000);
}

/** The model and its context as the server has them now. */
async function readServer() {
  try {
    const model = await withKey(() => getJson('/api/v1/model'));
    $('model-name').textContent = model.result || '';
  } catch (e) {
    $('model-name').textContent = e.status === 503 ? 'no text model' : '';
  }
  const trueMax = await getJson('/api/extra/true_max_context_length').catch(() => null);
  if (trueMax?.value) {
    $('max-context').max = trueMax.value;
    $('max-length').max = trueMax.value;
    if (settings.maxContext > trueMax.value) {
      settings.maxContext = trueMax.value;
      $('max-context').value = trueMax.value;
      countTokens();
    }
  }
}

// ---- what the server offers ----------------------------------------------------------------

/** Reads /api/extra/version: controls of a capability show while the server has it. */
async function refreshVersion() {
  try {
    const version = await getJson('/api/extra/version');
    const before = features;
    features = version;
    for (const element of document.querySelectorAll('[data-feature]')) {
      element.hidden = !version[element.dataset.feature];
    }
    $('admin-key-field').hidden = version.admin !== 2; // 2: the admin API has a password of its own
    if (version.savedata && !before.savedata) listSlots().catch(e => showError(e.message));
    if (version.tts && !before.tts) listVoices();
    if (version.admin && !before.admin) listConfigurations();
    if (dictation.recording && !version.transcribe) { // the recording cannot be written down now
      dictation.stop().catch(() => {});
      dictationReady();
    }
    if (before.llm !== undefined && version.llm !== before.llm) readServer();
    if (errorSource === 'version') showError('');
    return version;
  } catch (e) {
    showError(e.message, 'version');
    return null;
  }
}

// ---- wiring --------------------------------------------------------------------------------

/** Every field bound to a setting, to show a loaded story's values. */
const boundFields = [];

function refreshFields() {
  for (const { element, key } of boundFields) {
    if (element.type === 'checkbox') element.checked = !!settings[key];
    else element.value = settings[key];
  }
}

function bindField(id, key, parse = v => v) {
  const element = $(id);
  boundFields.push({ element, key });
  const checkbox = element.type === 'checkbox';
  if (checkbox) element.checked = !!settings[key];
  else element.value = settings[key];
  element.addEventListener(checkbox ? 'change' : 'input', () => {
    const value = checkbox ? element.checked : parse(element.value);
    if (value === null) return;
    settings[key] = value;
    if (key === 'charName' || key === 'userName') applyMode();
    persist();
  });
}

function positiveInt(text) {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function wholeNumber(text) {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function renderPresets() {
  const select = $('preset');
  const group = (label, kind, names) => {
    const element = document.createElement('optgroup');
    element.label = label;
    element.append(...names.map(name => new Option(name, `${kind}:${name}`)));
    return element;
  };
  const own = Object.keys(ownPresets());
  select.replaceChildren(new Option('Choose a preset…', ''), group('Built in', 'built-in', Object.keys(BUILT_IN)),
    ...(own.length ? [group('Yours', 'own', own)] : []));
}

function drawSamplers() {
  const container = $('samplers');
  if (container.listed) shownSamplers = renderSamplers(container, container.listed, settings, persist);
  renderSamplerOrder($('sampler-order'), settings, persist);
}

function bindPresets() {
  renderPresets();
  $('preset').addEventListener('change', () => {
    const preset = findPreset($('preset').value);
    if (!preset) return;
    applyPreset(preset, settings);
    drawSamplers();
    persist();
  });
  $('preset-save').addEventListener('click', () => {
    const name = (window.prompt('Name of the preset (the current sampler values and order):') || '').trim();
    if (!name) return;
    saveOwn(name, settings);
    renderPresets();
    $('preset').value = 'own:' + name;
  });
  $('preset-delete').addEventListener('click', () => {
    const value = $('preset').value;
    if (!value.startsWith('own:')) { showSaved('Only your own presets can be deleted.'); return; }
    deleteOwn(value.slice(4));
    renderPresets();
  });
}

function setMode(mode) {
  settings.mode = mode;
  retryPoint = null;
  applyMode();
  persist();
}

/** Records a hand edit of the story in the undo history once it is done (the box left). */
function bindStoryEdits() {
  const story = $('story');
  let before = null;
  story.addEventListener('focus', () => { before = snapshot(); });
  story.addEventListener('input', () => { settings.story = story.value; persist(); });
  story.addEventListener('change', () => {
    if (before && before.story !== settings.story) history.push(before);
    before = snapshot();
  });
}

function bind() {
  bindField('memory', 'memory');
  bindField('authors-note', 'authorsNote');
  bindField('note-depth', 'authorsNoteDepth', wholeNumber);
  bindField('note-template', 'authorsNoteTemplate');
  bindField('char-name', 'charName');
  bindField('user-name', 'userName');
  bindField('instruct-system', 'instructSystem');
  bindField('instruct-start', 'instructStart');
  bindField('instruct-end', 'instructEnd');
  bindField('use-template', 'useTemplate');
  bindField('max-context', 'maxContext', positiveInt);
  bindField('max-length', 'maxLength', positiveInt);
  bindField('stop-sequences', 'stopSequences');
  bindField('banned-phrases', 'bannedPhrases');
  bindField('grammar', 'grammar');
  bindField('image-width', 'imageWidth', positiveInt);
  bindField('image-height', 'imageHeight', positiveInt);
  bindField('image-steps', 'imageSteps', positiveInt);
  bindField('image-negative', 'imageNegative');
  bindField('tts-voice', 'ttsVoice');
  bindField('speak-replies', 'speakReplies');
  bindField('websearch-on', 'webSearch');
  bindStoryEdits();
  bindPresets();
  $('send').addEventListener('click', send);
  $('stop').addEventListener('click', stop);
  $('retry').addEventListener('click', retry);
  $('undo').addEventListener('click', undo);
  $('redo').addEventListener('click', redo);
  for (const mode of ['story', 'chat', 'instruct']) $('mode-' + mode).addEventListener('click', () => setMode(mode));
  $('export').addEventListener('click', exportFile);
  $('import').addEventListener('change', importFile);
  $('slot-save').addEventListener('click', saveSlot);
  $('slot-load').addEventListener('click', loadSlot);
  $('make-image').addEventListener('click', imageOfText);
  $('dictate').addEventListener('click', dictate);
  $('config-list').addEventListener('click', listConfigurations);
  $('config-switch').addEventListener('click', switchConfiguration);
  $('admin-key').value = adminKey();
  $('admin-key').addEventListener('change', () => {
    const key = $('admin-key').value.trim();
    if (key) sessionStorage.setItem(ADMIN_KEY_STORE, key);
    else sessionStorage.removeItem(ADMIN_KEY_STORE);
    listConfigurations();
  });
  $('trim-show').addEventListener('click', () => {
    const story = $('story');
    story.focus();
    story.setSelectionRange(0, trimmedChars);
    story.scrollTop = 0;
  });
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
  // Alt, not Ctrl: Ctrl+R and Ctrl+Z stay the browser's reload and the text box's own undo
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && generating) { e.preventDefault(); stop(); }
    else if (e.altKey && e.key.toLowerCase() === 'r') { e.preventDefault(); retry(); }
    else if (e.altKey && e.key.toLowerCase() === 'z') { e.preventDefault(); undo(); }
    else if (e.altKey && e.key.toLowerCase() === 'y') { e.preventDefault(); redo(); }
  });
  // what the server offers changes as bundles come and go: look again now and then, and whenever
  // the person comes back to the page
  setInterval(refreshVersion, 15_000);
  window.addEventListener('focus', refreshVersion);
}

/** Reads what the server offers; asks for the key first when it says it is protected. */
async function connect() {
  try {
    const version = await refreshVersion();
    if (version?.protected && !apiKey()) await askKey();
    const [listed] = await Promise.all([
      whenReady(() => withKey(() => getJson('/api/extra/samplers'))),
      readServer(),
    ]);
    $('samplers').listed = listed.samplers; // kept to draw the controls again when a preset changes values
    drawSamplers();
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
renderSamplerOrder($('sampler-order'), settings, persist);
setBusy(false);
connect();
