// Stories as files: the page's own JSON (for a download, an upload and the server's save slots)
// and KoboldAI Lite's save files, read into the same fields.

import { NOTE_TEMPLATE, tag } from './prompt.js';

export const FORMAT = 'koboldj-story';

/** What a story file carries: the text and how it is prompted, not the sampler settings. */
const STORY_KEYS = ['mode', 'story', 'chat', 'turns', 'memory', 'authorsNote', 'authorsNoteDepth',
  'authorsNoteTemplate', 'charName', 'userName', 'useTemplate', 'instructStart', 'instructEnd',
  'instructSystem', 'stopSequences', 'bannedPhrases', 'grammar'];

/** Lite's opmode numbers: 1 story, 2 adventure (read as story), 3 chat, 4 instruct. */
const LITE_MODES = { 1: 'story', 2: 'story', 3: 'chat', 4: 'instruct' };
/** Lite's separator in lists kept as one string (stop sequences, group chat names). */
const LITE_LIST = '||$||';

export function storyFile(settings) {
  const file = { format: FORMAT, version: 1 };
  for (const key of STORY_KEYS) file[key] = settings[key];
  return file;
}

/** A short title for a save: the first words of the text. */
export function storyTitle(settings) {
  const text = settings.mode === 'story' ? settings.story
    : (settings.mode === 'chat' ? settings.chat : settings.turns).map(m => m.text).join(' ');
  const words = text.trim().replace(/\s+/g, ' ').slice(0, 40);
  return words || 'Untitled story';
}

/**
 * Reads a parsed file into settings: the page's own, or a KoboldAI Lite save. Throws an Error with
 * a sentence for a person when it is neither.
 */
export function readStoryFile(file, settings) {
  if (!file || typeof file !== 'object' || Array.isArray(file)) {
    throw new Error('This file holds no story: a story file is a JSON object.');
  }
  if (file.format === FORMAT) {
    for (const key of STORY_KEYS) if (key in file) settings[key] = file[key];
    settings.chat = messages(settings.chat, m => ({ name: String(m.name ?? ''), text: String(m.text ?? '') }));
    settings.turns = messages(settings.turns, m => ({ role: m.role === 'user' ? 'user' : 'assistant', text: String(m.text ?? '') }));
    return;
  }
  if ('gamestarted' in file || 'actions' in file || 'savedsettings' in file || 'prompt' in file) {
    readLite(file, settings);
    return;
  }
  throw new Error('This file is neither a koboldj story nor a KoboldAI Lite save.');
}

function messages(list, shape) {
  return Array.isArray(list) ? list.filter(m => m && typeof m === 'object').map(shape) : [];
}

function text(value) {
  return typeof value === 'string' ? value : '';
}

/**
 * A KoboldAI Lite save: prompt + actions is the whole text; chat and instruct turns are read back
 * out of it by their names or tags (Lite also writes {{[INPUT]}} / {{[OUTPUT]}} for the tags).
 */
function readLite(file, settings) {
  const saved = file.savedsettings && typeof file.savedsettings === 'object' ? file.savedsettings : {};
  const whole = text(file.prompt) + (Array.isArray(file.actions) ? file.actions.map(text).join('') : '');
  settings.story = whole;
  settings.memory = text(file.memory);
  settings.authorsNote = text(file.authorsnote);
  settings.authorsNoteTemplate = text(file.anotetemplate).includes('<|>') ? file.anotetemplate : NOTE_TEMPLATE;
  if (Number.isInteger(file.anotestrength)) settings.authorsNoteDepth = file.anotestrength;
  const stops = text(file.extrastopseq || saved.extrastopseq);
  if (stops) settings.stopSequences = stops.split(LITE_LIST).map(s => s.replace(/\n/g, '\\n')).join('\n');
  settings.mode = LITE_MODES[saved.opmode] || 'story';
  if (text(saved.chatname)) settings.userName = saved.chatname;
  if (text(saved.chatopponent)) settings.charName = saved.chatopponent.split(LITE_LIST)[0];
  if (text(saved.instruct_starttag)) settings.instructStart = saved.instruct_starttag;
  if (text(saved.instruct_endtag)) settings.instructEnd = saved.instruct_endtag;
  if (text(saved.instruct_sysprompt)) settings.instructSystem = saved.instruct_sysprompt;
  settings.chat = settings.mode === 'chat' ? chatTurns(whole, settings) : [];
  settings.turns = settings.mode === 'instruct' ? instructTurns(whole, settings) : [];
}

/** "Name: text" lines of the two speakers; a line of neither continues the message before it. */
function chatTurns(whole, settings) {
  const names = [settings.userName, settings.charName];
  const result = [];
  for (const line of whole.replace(/\{\{\[INPUT\]\}\}|\{\{\[OUTPUT\]\}\}/g, '\n').split('\n')) {
    const name = names.find(n => line.startsWith(n + ':'));
    if (name) result.push({ name, text: line.slice(name.length + 1).trim() });
    else if (result.length && line.trim()) result.at(-1).text += '\n' + line;
  }
  return result;
}

/** The text split at every start tag (an instruction follows) and end tag (a response follows). */
function instructTurns(whole, settings) {
  const start = tag(settings.instructStart).trim() || '\0';
  const end = tag(settings.instructEnd).trim() || '\0';
  const result = [];
  const marker = /\{\{\[INPUT\]\}\}|\{\{\[OUTPUT\]\}\}/g;
  const normalized = whole.replace(marker, m => (m.includes('INPUT') ? '\u0001' : '\u0002'))
    .split(start).join('\u0001').split(end).join('\u0002');
  for (const piece of normalized.split(/(?=[\u0001\u0002])/)) {
    const role = piece[0] === '\u0001' ? 'user' : piece[0] === '\u0002' ? 'assistant' : null;
    const body = (role ? piece.slice(1) : piece).trim();
    if (role && body) result.push({ role, text: body });
  }
  return result;
}
