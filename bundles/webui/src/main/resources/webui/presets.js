// Sampler presets: a few built in, and a person's own kept in localStorage. A preset sets the
// sampler values it names and the sampler order; other values stay as they are.

import { DEFAULT_ORDER } from './settings.js';

const STORE = 'koboldj.presets';

export const BUILT_IN = {
  'Balanced': { samplers: { temperature: 0.7, top_k: 100, top_p: 0.92, min_p: 0, top_a: 0, typical: 1, tfs: 1, rep_pen: 1.07 } },
  'Creative': { samplers: { temperature: 1.1, top_k: 0, top_p: 1, min_p: 0.05, top_a: 0, typical: 1, tfs: 1, rep_pen: 1.05 } },
  'Precise': { samplers: { temperature: 0.3, top_k: 40, top_p: 0.9, min_p: 0, top_a: 0, typical: 1, tfs: 1, rep_pen: 1.1 } },
  'Greedy': { samplers: { temperature: 0, top_k: 1, top_p: 1, min_p: 0, top_a: 0, typical: 1, tfs: 1, rep_pen: 1 } },
};

export function ownPresets() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORE) || '{}');
    return stored && typeof stored === 'object' ? stored : {};
  } catch (ignored) {
    return {}; // a damaged entry loses the presets, not the page
  }
}

function storeOwn(presets) {
  try {
    localStorage.setItem(STORE, JSON.stringify(presets));
  } catch (ignored) {
    // storage full or disabled: the preset lasts for this visit only
  }
}

/** Keeps the current sampler values and order under name, replacing a preset of that name. */
export function saveOwn(name, settings) {
  const presets = ownPresets();
  presets[name] = { samplers: { ...settings.samplers }, samplerOrder: [...settings.samplerOrder] };
  storeOwn(presets);
}

export function deleteOwn(name) {
  const presets = ownPresets();
  delete presets[name];
  storeOwn(presets);
}

/** The preset by its name in the list ("built-in:Name" or "own:Name"), or null. */
export function findPreset(value) {
  const [kind, ...rest] = value.split(':');
  const name = rest.join(':');
  return (kind === 'built-in' ? BUILT_IN : ownPresets())[name] || null;
}

export function applyPreset(preset, settings) {
  Object.assign(settings.samplers, preset.samplers || {});
  settings.samplerOrder = [...(preset.samplerOrder || DEFAULT_ORDER)];
}
