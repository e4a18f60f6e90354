// The web UI's controls for the server's other capabilities, in headless Chromium (Debian's,
// through playwright-core) against KOBOLDJ_URL: a server started from a .kcpps file with a text
// model, an image model, espeak-ng, a Whisper model and web search, with the admin API
// (--adminpassword KOBOLDJ_ADMIN_KEY) and a text-only .kcpps beside it. Chromium's fake microphone
// plays MICROPHONE. Screenshots go to SCREENSHOTS. Prints "N of N web UI media checks passed";
// exits 3 when the browser cannot start.
import { launch, runChecks } from './harness.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const URL = process.env.KOBOLDJ_URL.replace(/\/$/, '');
const ADMIN_KEY = process.env.KOBOLDJ_ADMIN_KEY;
const SHOTS = process.env.SCREENSHOTS;
mkdirSync(SHOTS, { recursive: true });

const checks = [];
const check = (name, run) => checks.push({ name, run });
const assert = (ok, message) => { if (!ok) throw new Error(message); };

// a microphone that plays a file, allowed without asking; replies may play without a click
const browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--use-file-for-fake-audio-capture=' + process.env.MICROPHONE, '--autoplay-policy=no-user-gesture-required']);

const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['microphone'] });
const page = await context.newPage();
const sent = {};   // request bodies by path, in order
let pageErrors = [];
page.on('request', request => {
  const path = new globalThis.URL(request.url()).pathname;
  if (request.method() === 'POST' && request.postData()) {
    try {
      (sent[path] ||= []).push(JSON.parse(request.postData()));
    } catch (ignored) {
      // not JSON: not one of the bodies checked here
    }
  }
});
page.on('pageerror', e => pageErrors.push(e.message));

const idle = () => page.waitForFunction(() => !document.getElementById('send').disabled
  && document.getElementById('stop').disabled, null, { timeout: 60000 });
async function setField(selector, value) {
  await page.fill(selector, String(value));
  await page.dispatchEvent(selector, 'change');
}
const shot = name => page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
const text = selector => page.textContent(selector);
const shown = selector => page.isVisible(selector);
/** The controls that belong to the image, speech, dictation and web search capabilities. */
const CAPABILITY_CONTROLS = ['#make-image', '#dictate', 'label:has(#speak-replies)', 'label:has(#websearch-on)',
  '#image-width', '#tts-voice'];

check('the controls of the loaded capabilities show, and the speed and the server\'s figures after a generation', async () => {
  await page.goto(URL + '/');
  await page.waitForSelector('#make-image', { state: 'visible', timeout: 20000 });
  for (const selector of CAPABILITY_CONTROLS) assert(await shown(selector), selector + ' shows');
  assert(await shown('#server-configs') && await shown('#admin-key'), 'the admin section asks for its key');
  await page.waitForFunction(() => document.getElementById('model-name').textContent === 'koboldcpp/stories260K');
  await page.waitForFunction(() => /admin key/.test(document.getElementById('config-note').textContent));
  await setField('#max-length', 200);
  await page.fill('#story', 'Once upon a time');
  await page.click('#send');
  await idle();
  await page.waitForFunction(() => /prompt \d+ tokens at [\d.]+ tokens\/s/.test(document.getElementById('perf').textContent));
  assert(/^[\d.]+ tokens\/s streamed$/.test(await text('#speed')), 'the streamed speed: ' + await text('#speed'));
  assert(/^server: \d+ tokens at [\d.]+ tokens\/s/.test(await text('#perf')), 'the server\'s speed: ' + await text('#perf'));
  assert(/^last context [1-9]\d* \/ 2048 tokens$/.test(await text('#context-used')), 'context used: ' + await text('#context-used'));
  console.log('shown: ' + await text('#speed') + ' | ' + await text('#perf') + ' | ' + await text('#context-used'));
  await shot('media-controls');
});

check('an image of the selected text appears under it', async () => {
  await setField('#image-width', 64);
  await setField('#image-height', 64);
  await setField('#image-steps', 1); // a job of seconds, even on a busy machine
  await page.fill('#story', 'A red cat sits on a mat. The sun is warm.');
  await page.evaluate(() => document.getElementById('story').setSelectionRange(0, 9));
  const answer = page.waitForResponse(r => r.url().endsWith('/sdapi/v1/txt2img'), { timeout: 120000 });
  await page.click('#make-image');
  assert((await answer).status() === 200, 'txt2img answered');
  const body = sent['/sdapi/v1/txt2img'].at(-1);
  assert(body.prompt === 'A red cat' && body.width === 64 && body.height === 64 && body.steps === 1,
    'the request: ' + JSON.stringify(body));
  await page.waitForFunction(() => document.querySelector('#images img')?.complete
    && document.querySelector('#images img').naturalWidth === 64, null, { timeout: 120000 });
  assert(await page.getAttribute('#images img', 'alt') === 'A red cat', 'the image says what it shows');
  assert((await page.getAttribute('#images img', 'src')).startsWith('data:image/png;base64,'), 'a PNG');
  // nothing selected: the story's latest paragraph
  await page.evaluate(() => document.getElementById('story').setSelectionRange(0, 0));
  await page.click('#make-image');
  await page.waitForFunction(() => document.querySelectorAll('#images img').length === 2, null, { timeout: 120000 });
  assert(sent['/sdapi/v1/txt2img'].at(-1).prompt === 'A red cat sits on a mat. The sun is warm.',
    'without a selection: ' + sent['/sdapi/v1/txt2img'].at(-1).prompt);
  await shot('media-image');
});

check('a reply is read aloud: the player gets a WAV it can play', async () => {
  await page.check('#speak-replies');
  await setField('#max-length', 40);
  await page.fill('#story', 'The dog ran to the park.');
  const answer = page.waitForResponse(r => r.url().endsWith('/api/extra/tts'), { timeout: 60000 });
  await page.click('#send');
  await idle();
  const response = await answer;
  assert(response.status() === 200 && response.headers()['content-type'] === 'audio/wav', 'a WAV: ' + response.status());
  const story = await page.inputValue('#story');
  assert(sent['/api/extra/tts'].at(-1).input === story.slice('The dog ran to the park.'.length).trim(),
    'the new text is read: ' + JSON.stringify(sent['/api/extra/tts'].at(-1)));
  const played = await page.waitForFunction(() => {
    const audio = document.getElementById('speech');
    return !audio.hidden && audio.readyState >= 1 && Number.isFinite(audio.duration) && audio.duration > 0
      && !audio.error && { duration: audio.duration, src: audio.src };
  }, null, { timeout: 10000 });
  const audio = await played.jsonValue();
  assert(audio.src.startsWith('blob:') && audio.duration > 0.3, 'playable: ' + JSON.stringify(audio));
  // the bytes of that answer, asked for again (the page's CSP keeps even the page from reading
  // its blob: URLs with fetch): a RIFF WAVE file, which the server streams sentence by sentence
  const wav = await (await page.request.post(URL + '/api/extra/tts', { data: sent['/api/extra/tts'].at(-1) })).body();
  assert(wav.subarray(0, 4).toString() === 'RIFF' && wav.subarray(8, 12).toString() === 'WAVE' && wav.length > 1000,
    'a WAV file: ' + JSON.stringify(wav.subarray(0, 12).toString()));
  console.log(`the reply read aloud lasts ${audio.duration.toFixed(2)} s`);
  await page.uncheck('#speak-replies');
  await shot('media-speech');
});

check('dictation records the microphone and sends it to be written down', async () => {
  await page.fill('#input', '');
  await page.click('#dictate');
  await page.waitForSelector('#dictate[aria-pressed="true"]');
  await page.waitForTimeout(2500); // the fake microphone plays the speech meanwhile
  const answer = page.waitForResponse(r => r.url().endsWith('/api/extra/transcribe'), { timeout: 60000 });
  await page.click('#dictate');
  const response = await answer;
  assert(response.status() === 200, 'transcribed: ' + response.status() + ' ' + await response.text());
  const audio = sent['/api/extra/transcribe'].at(-1).audio_data;
  assert(/^data:audio\/(webm|ogg)[^,]*;base64,/.test(audio) && audio.length > 4000, 'a recording as a data: URL: '
    + audio.slice(0, 60) + '… ' + audio.length);
  // the test's Whisper model has no weights: it proves the path, not the words
  const heard = (await response.json()).text.trim();
  await page.waitForFunction(() => /^(Heard: |Nothing was heard)/.test(document.getElementById('media-note').textContent));
  assert(await page.inputValue('#input') === heard, 'what was heard is in the input: ' + JSON.stringify(heard));
  assert(await page.getAttribute('#dictate', 'aria-pressed') === 'false' && !(await shown('#error')), 'ready again');
  console.log(`dictation: ${Math.round(audio.length * 3 / 4 / 1024)} KB recorded, heard ${JSON.stringify(heard)}`);
});

check('with web search on, the results go into the context', async () => {
  await page.click('#mode-chat');
  await setField('#max-length', 20);
  await page.check('#websearch-on');
  await page.fill('#input', 'velvet lighthouse');
  await page.press('#input', 'Enter');
  await idle();
  assert(sent['/api/extra/websearch'].at(-1).q === 'velvet lighthouse', 'the query: ' + JSON.stringify(sent['/api/extra/websearch']));
  const memory = sent['/api/extra/generate/stream'].at(-1).memory;
  assert(memory.startsWith('[Web search results for "velvet lighthouse":\n1. The Velvet Lighthouse (')
    && memory.includes('In 1932 the tower was painted a deep red'), 'the memory sent: ' + JSON.stringify(memory));
  assert((await text('#media-note')).startsWith('Added 3 web results for “velvet lighthouse”: The Velvet Lighthouse'),
    await text('#media-note'));
  await shot('media-websearch');
  await page.uncheck('#websearch-on');
  await page.fill('#input', 'Hello');
  await page.press('#input', 'Enter');
  await idle();
  assert(!sent['/api/extra/generate/stream'].at(-1).memory.includes('Web search'), 'off: no results');
  await page.click('#mode-story');
});

check('the admin key lists the configurations; a switch changes the model and takes the other capabilities away, without a reload', async () => {
  await page.evaluate(() => { window.stillTheSamePage = true; });
  await page.fill('#admin-key', 'wrong');
  await page.dispatchEvent('#admin-key', 'change');
  await page.waitForFunction(() => /admin key/.test(document.getElementById('config-note').textContent));
  await page.fill('#admin-key', ADMIN_KEY);
  await page.dispatchEvent('#admin-key', 'change');
  await page.waitForSelector('#config option[value="text-only.kcpps"]', { state: 'attached' });
  const options = await page.$$eval('#config option', list => list.map(o => o.value));
  assert(options.includes('everything.kcpps') && options.includes('unload_model'), 'the options: ' + options);
  await page.selectOption('#config', 'text-only.kcpps');
  await page.click('#config-switch');
  await page.waitForFunction(() => document.getElementById('config-note').textContent === 'Switched to text-only.kcpps.',
    null, { timeout: 120000 });
  await page.waitForFunction(() => document.getElementById('model-name').textContent === 'koboldcpp/copy', null, { timeout: 10000 });
  for (const selector of CAPABILITY_CONTROLS) {
    await page.waitForSelector(selector, { state: 'hidden', timeout: 30000 });
  }
  await page.waitForFunction(() => document.getElementById('max-context').max === '1024', null, { timeout: 30000 })
    .catch(async () => assert(false, 'the new context size: ' + await page.getAttribute('#max-context', 'max')));
  assert(await page.evaluate(() => window.stillTheSamePage === true), 'the page was not reloaded');
  await page.fill('#story', 'Once upon a time');
  await page.click('#send');
  await idle();
  assert((await page.inputValue('#story')).length > 'Once upon a time'.length && !(await shown('#error')), 'the new model writes');
  await shot('media-switched');
});

check('switching back brings the capabilities and their controls back', async () => {
  await page.selectOption('#config', 'everything.kcpps');
  await page.click('#config-switch');
  await page.waitForFunction(() => document.getElementById('model-name').textContent === 'koboldcpp/stories260K',
    null, { timeout: 120000 });
  for (const selector of CAPABILITY_CONTROLS) {
    await page.waitForSelector(selector, { state: 'visible', timeout: 60000 });
  }
  await page.waitForFunction(() => document.getElementById('max-context').max === '2048', null, { timeout: 30000 })
    .catch(async () => assert(false, 'the context size is back: ' + await page.getAttribute('#max-context', 'max')));
  assert(await page.evaluate(() => window.stillTheSamePage === true), 'the page was not reloaded');
  await shot('media-switched-back');
});

await runChecks({
  checks, browser, page: () => page, pageErrors: () => pageErrors, clearErrors: () => { pageErrors = []; },
  shots: SHOTS, label: 'web UI media checks', shotPrefix: 'failed-media-',
});
