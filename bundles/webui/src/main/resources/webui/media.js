// What the page does with the server's other capabilities: images (A1111's txt2img), replies read
// aloud (/api/extra/tts), dictation (MediaRecorder → /api/extra/transcribe) and web search
// results added to the prompt (/api/extra/websearch). The page shows each control only while the
// server has the capability (/api/extra/version).
import { getJson, postJson, postBlob } from './api.js';

/** The most of the latest text an image is made of when nothing is selected. */
const IMAGE_PROMPT_CHARS = 300;
/** How much of each page's text goes into the prompt; the search results must not crowd out the story. */
const RESULT_CHARS = 500;
/** A dictation stops by itself after this long: the server takes a few minutes of audio at most. */
const DICTATION_MS = 120_000;

/**
 * What an image is made of: the selected text, or else the text being typed, or else the latest
 * of the story (its last paragraph) or of the conversation (its last message).
 */
export function imagePrompt({ selection, input, mode, story, messages }) {
  if (selection.trim()) return selection.trim();
  if (input.trim()) return input.trim();
  const latest = mode === 'story'
    ? story.trim().split(/\n\s*\n/).at(-1) || ''
    : (messages.filter(m => m.text.trim()).at(-1)?.text || '');
  const text = latest.trim();
  if (text.length <= IMAGE_PROMPT_CHARS) return text;
  // the end of a long text, from a word's start
  const tail = text.slice(-IMAGE_PROMPT_CHARS);
  return tail.slice(tail.search(/\s/) + 1).trim();
}

/** Makes one image (POST /sdapi/v1/txt2img); resolves with its data: URL, seed and how long it took. */
export async function makeImage(prompt, settings) {
  const started = performance.now();
  const answer = await postJson('/sdapi/v1/txt2img', {
    prompt, negative_prompt: settings.imageNegative, width: settings.imageWidth, height: settings.imageHeight,
    steps: settings.imageSteps, seed: -1,
  });
  const image = answer.images?.[0];
  if (!image) throw new Error('The server answered without an image.');
  let seed = null;
  try {
    seed = JSON.parse(answer.info || '{}').seed ?? null;
  } catch (ignored) {
    // the seed is only shown, never needed
  }
  return { src: 'data:image/png;base64,' + image, seed, seconds: (performance.now() - started) / 1000 };
}

/** The voices the server speaks with (GET /api/extra/tts/voices). */
export async function voices() {
  return (await getJson('/api/extra/tts/voices')).voices || [];
}

/** The text read aloud (POST /api/extra/tts): a WAV file as a Blob. */
export function speech(text, voice) {
  return postBlob('/api/extra/tts', voice ? { input: text, voice } : { input: text });
}

/** Records from the microphone until stopped, then hands the recording over as a data: URL. */
export class Dictation {
  #recorder = null;
  #timer = 0;

  get recording() {
    return !!this.#recorder;
  }

  /** Starts recording; resolves once the microphone is open (the browser may ask first). */
  async start() {
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
      throw new Error('This browser cannot record from a microphone here (it needs https or localhost).');
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      throw new Error('The microphone could not be opened: ' + e.message);
    }
    const recorder = new MediaRecorder(stream);
    const chunks = [];
    recorder.addEventListener('dataavailable', e => { if (e.data.size) chunks.push(e.data); });
    recorder.done = new Promise(resolve => recorder.addEventListener('stop', () => {
      for (const track of stream.getTracks()) track.stop();
      resolve(new Blob(chunks, { type: recorder.mimeType || 'audio/webm' }));
    }));
    recorder.start();
    this.#recorder = recorder;
    this.#timer = setTimeout(() => this.#recorder === recorder && recorder.stop(), DICTATION_MS);
  }

  /** Stops recording; resolves with the recording as a data: URL (what /api/extra/transcribe reads). */
  async stop() {
    const recorder = this.#recorder;
    this.#recorder = null;
    clearTimeout(this.#timer);
    if (recorder.state !== 'inactive') recorder.stop();
    const blob = await recorder.done;
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve({ dataUrl: reader.result, bytes: blob.size });
      reader.onerror = () => reject(new Error('The recording could not be read.'));
      reader.readAsDataURL(blob);
    });
  }
}

/** What the server heard (POST /api/extra/transcribe with the recording as a data: URL). */
export async function transcribe(dataUrl) {
  return (await postJson('/api/extra/transcribe', { audio_data: dataUrl, suppress_non_speech: true })).text || '';
}

/**
 * What to search the web for: the person's latest words (the message just sent, or text added to
 * the story), else the story's last paragraph.
 */
export function searchQuery({ mode, added, story, messages }) {
  if (added.trim()) return added.trim().slice(0, 200);
  const last = mode === 'story' ? story.trim().split(/\n\s*\n/).at(-1) || ''
    : messages.filter(m => m.text.trim()).at(-1)?.text || '';
  return last.trim().slice(-200);
}

/** Searches the web (POST /api/extra/websearch): the top results, each {title, url, desc, content}. */
export async function search(query) {
  const results = await postJson('/api/extra/websearch', { q: query });
  return Array.isArray(results) ? results : [];
}

/** The results as a block of the context, sent after the memory so the story itself stays at the end. */
export function searchContext(query, results) {
  if (!results.length) return '';
  const lines = results.map((r, i) => {
    const text = (r.content || r.desc || '').replace(/\s+/g, ' ').trim().slice(0, RESULT_CHARS);
    return `${i + 1}. ${r.title} (${r.url}): ${text}`;
  });
  return `[Web search results for "${query}":\n${lines.join('\n')}]\n`;
}
