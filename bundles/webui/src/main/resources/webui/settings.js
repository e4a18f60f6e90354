// The settings a person keeps between visits (localStorage), and the sampler controls, rendered
// from what GET /api/extra/samplers lists: a plugin's sampler gets controls without a UI change.

import { NOTE_TEMPLATE } from './prompt.js';

const STORE = 'koboldj.settings';

/** KoboldCpp's sampler_order numbers and what each one names, in its default order. */
export const SAMPLER_NAMES = {
  6: 'Repetition penalty', 0: 'Top-K', 1: 'Top-A', 3: 'Typical', 4: 'Top-P and Min-P', 2: 'TFS', 5: 'Temperature',
};
export const DEFAULT_ORDER = [6, 0, 1, 3, 4, 2, 5];

/** KoboldCpp's usual starting values; a parameter not listed here starts at its neutral value. */
const DEFAULTS = {
  temperature: 0.7, top_k: 100, top_p: 0.92, min_p: 0, top_a: 0, typical: 1, tfs: 1,
  rep_pen: 1.07, rep_pen_range: 360, rep_pen_slope: 0.7,
};

/** Ranges for the known parameters; others get a plain number field. */
const RANGES = {
  temperature: [0, 2, 0.01], top_k: [0, 200, 1], top_p: [0, 1, 0.01], min_p: [0, 1, 0.01],
  top_a: [0, 1, 0.01], typical: [0, 1, 0.01], tfs: [0, 1, 0.01], rep_pen: [1, 2, 0.01],
  rep_pen_range: [0, 4096, 1], rep_pen_slope: [0, 10, 0.1], presence_penalty: [-2, 2, 0.01],
  dry_multiplier: [0, 5, 0.01], xtc_probability: [0, 1, 0.01], xtc_threshold: [0, 0.5, 0.01],
  nsigma: [0, 5, 0.01], smoothing_factor: [0, 10, 0.01],
};

export function loadSettings() {
  const base = {
    mode: 'story', theme: '', maxContext: 2048, maxLength: 120, samplers: {},
    memory: '', authorsNote: '', authorsNoteDepth: 320, authorsNoteTemplate: NOTE_TEMPLATE,
    charName: 'KoboldAI', userName: 'User', story: '', chat: [], turns: [], useTemplate: false,
    // Alpaca's tags, KoboldCpp Lite's default instruct format
    instructStart: '\\n### Instruction:\\n', instructEnd: '\\n### Response:\\n', instructSystem: '',
    stopSequences: '', bannedPhrases: '', grammar: '', samplerOrder: [...DEFAULT_ORDER],
    // A1111's usual image size and steps; the server's capabilities the person switched on
    imageWidth: 512, imageHeight: 512, imageSteps: 20, imageNegative: '', ttsVoice: '', speakReplies: false,
    webSearch: false,
  };
  try {
    return Object.assign(base, JSON.parse(localStorage.getItem(STORE) || '{}'));
  } catch (ignored) {
    return base; // a damaged entry must not keep the page from loading
  }
}

export function saveSettings(settings) {
  try {
    localStorage.setItem(STORE, JSON.stringify(settings));
  } catch (ignored) {
    // storage full or disabled: the page keeps working for this visit
  }
}

function isNumeric(type) {
  return /^(number|float|double|integer|int|long)$/i.test(type || '');
}

/**
 * Renders one labelled control per parameter of every listed sampler into container; values come
 * from settings.samplers and are written back on change. Returns the parameters shown.
 */
export function renderSamplers(container, listed, settings, onChange) {
  container.replaceChildren();
  const shown = [];
  const seen = new Set();
  for (const sampler of listed || []) {
    for (const p of sampler.parameters || []) {
      if (seen.has(p.name) || !isEditable(p)) continue;
      seen.add(p.name);
      shown.push(p);
      if (!(p.name in settings.samplers)) settings.samplers[p.name] = p.name in DEFAULTS ? DEFAULTS[p.name] : p.neutral;
    }
  }
  // KoboldCpp's everyday samplers first, in their usual order; the rest as the server lists them
  const known = Object.keys(DEFAULTS);
  const rank = p => (known.includes(p.name) ? known.indexOf(p.name) : known.length);
  shown.sort((a, b) => rank(a) - rank(b));
  container.append(...shown.map(p => control(p, settings, onChange)));
  return shown;
}

/** Lists and maps (DRY's sequence breakers, logit bias): edited as the JSON the request carries. */
function isStructured(p) {
  return /^(array|list|object|map)$/i.test(p.type || '') || (p.neutral !== null && typeof p.neutral === 'object');
}

function isEditable(p) {
  const neutral = p.neutral;
  return isNumeric(p.type) || /^(bool|boolean|string)$/i.test(p.type || '') || isStructured(p)
    || typeof neutral === 'number' || typeof neutral === 'boolean' || typeof neutral === 'string';
}

/** A JSON field that keeps its last valid value and says, in words, why a typed one is refused. */
function jsonInput(input, p, settings, onChange) {
  const wantsList = Array.isArray(p.neutral) || /^(array|list)$/i.test(p.type || '');
  input.type = 'text';
  input.spellcheck = false;
  input.value = JSON.stringify(settings.samplers[p.name] ?? p.neutral);
  input.addEventListener('change', () => {
    let parsed;
    try {
      parsed = JSON.parse(input.value);
    } catch (e) {
      parsed = undefined;
    }
    const fits = parsed !== null && typeof parsed === 'object' && Array.isArray(parsed) === wantsList;
    input.setCustomValidity(fits ? '' : (wantsList ? 'A JSON list, e.g. ["\\n", ":"]' : 'A JSON object, e.g. {"1234": -100}'));
    input.setAttribute('aria-invalid', String(!fits));
    input.reportValidity();
    if (fits) { settings.samplers[p.name] = parsed; onChange(); }
  });
}

function control(p, settings, onChange) {
  const row = document.createElement('div');
  row.className = 'field';
  const id = 'sampler-' + p.name;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = p.name;
  if (p.description) label.title = p.description;
  const input = document.createElement('input');
  input.id = id;
  input.name = p.name;
  const value = settings.samplers[p.name];
  if (isStructured(p)) {
    jsonInput(input, p, settings, onChange);
  } else if (typeof p.neutral === 'boolean' || /^bool/i.test(p.type || '')) {
    input.type = 'checkbox';
    input.checked = !!value;
    input.addEventListener('change', () => { settings.samplers[p.name] = input.checked; onChange(); });
  } else if (isNumeric(p.type) || typeof p.neutral === 'number') {
    input.type = 'number';
    const [min, max, step] = RANGES[p.name] || [null, null, /int|long/i.test(p.type || '') ? 1 : 'any'];
    if (min !== null) { input.min = min; input.max = max; }
    input.step = step;
    input.value = value ?? '';
    input.addEventListener('change', () => {
      const n = Number(input.value);
      if (input.value !== '' && Number.isFinite(n)) { settings.samplers[p.name] = n; onChange(); }
    });
  } else {
    input.type = 'text';
    input.value = value ?? '';
    input.addEventListener('change', () => { settings.samplers[p.name] = input.value; onChange(); });
  }
  if (p.description) input.setAttribute('aria-description', p.description);
  row.append(label, input);
  return row;
}

/**
 * The sampler order as a list: each entry moves up or down with its buttons, which keep their
 * focus so a keyboard user can move an entry several places in a row.
 */
export function renderSamplerOrder(list, settings, onChange) {
  const known = Object.keys(SAMPLER_NAMES).map(Number);
  const order = (settings.samplerOrder || []).filter(n => known.includes(n));
  for (const n of DEFAULT_ORDER) if (!order.includes(n)) order.push(n);
  settings.samplerOrder = order;
  const move = (index, by, focus) => {
    const to = index + by;
    if (to < 0 || to >= order.length) return;
    [order[index], order[to]] = [order[to], order[index]];
    onChange();
    renderSamplerOrder(list, settings, onChange);
    list.children[to]?.querySelector(focus)?.focus();
  };
  list.replaceChildren(...order.map((n, index) => {
    const li = document.createElement('li');
    li.dataset.sampler = n;
    const name = document.createElement('span');
    name.textContent = SAMPLER_NAMES[n];
    const up = document.createElement('button');
    up.type = 'button';
    up.className = 'up';
    up.textContent = '↑';
    up.setAttribute('aria-label', `Move ${SAMPLER_NAMES[n]} earlier`);
    up.disabled = index === 0;
    up.addEventListener('click', () => move(index, -1, '.up'));
    const down = document.createElement('button');
    down.type = 'button';
    down.className = 'down';
    down.textContent = '↓';
    down.setAttribute('aria-label', `Move ${SAMPLER_NAMES[n]} later`);
    down.disabled = index === order.length - 1;
    down.addEventListener('click', () => move(index, 1, '.down'));
    li.append(name, up, down);
    return li;
  }));
}

/** The sampler fields of a generation request: every shown parameter that has a value. */
export function samplerFields(shown, settings) {
  const fields = {};
  for (const p of shown) {
    const v = settings.samplers[p.name];
    if (v === undefined || v === null || v === '') continue;
    // a parameter left neutral stays out of the request, unless it is one KoboldCpp users set by habit
    if (!(p.name in DEFAULTS) && JSON.stringify(v) === JSON.stringify(p.neutral)) continue;
    fields[p.name] = v;
  }
  return fields;
}
