// How the text becomes a prompt: the author's note at its depth, chat turns as KoboldCpp writes
// them ("Name: text" lines, the character's name last so the model answers as it), instruct turns
// between the instruct tags, and the same conversations as messages for the model's own template.

/** KoboldCpp's author's note template: <|> is where the note goes. */
export const NOTE_TEMPLATE = "[Author's note: <|>]";

/**
 * Puts the author's note depth characters before the end of text, moved back to the start of
 * that line (or word) so it never splits one; depth 0 puts it at the very end.
 */
export function withAuthorsNote(text, settings) {
  const note = settings.authorsNote;
  if (!note || !note.trim()) return text;
  const template = settings.authorsNoteTemplate && settings.authorsNoteTemplate.includes('<|>')
    ? settings.authorsNoteTemplate : NOTE_TEMPLATE;
  const line = template.replace('<|>', note.trim());
  const depth = Math.max(0, settings.authorsNoteDepth ?? 320);
  let at = Math.max(0, text.length - depth);
  if (at > 0 && depth > 0) {
    const newline = text.lastIndexOf('\n', at);
    const space = text.indexOf(' ', at);
    at = newline >= 0 && at - newline < 200 ? newline : space >= 0 ? space : at;
  }
  const before = text.slice(0, at).replace(/\n$/, '');
  const after = text.slice(at).replace(/^\n/, '');
  return (before ? before + '\n' : '') + line + '\n' + after;
}

/**
 * The chat as a prompt. With open true the last message is the character's reply being written:
 * it ends the prompt as "Name:" so the model continues it.
 */
export function chatPrompt(settings, open = false) {
  const messages = open ? settings.chat.slice(0, -1) : settings.chat;
  const lines = messages.map(m => `${m.name}: ${m.text}`);
  const text = (lines.length ? lines.join('\n') + '\n' : '') + `${settings.charName}:`;
  return withAuthorsNote(text, settings);
}

/** A turn ends where the model starts to write the next speaker's line. */
export function chatStops(settings) {
  return [`\n${settings.userName}:`, `\n${settings.charName}:`];
}

/** KoboldCpp's instruct tags unescaped: "\n" typed as two characters means a new line. */
export function tag(text) {
  return (text || '').replace(/\\n/g, '\n');
}

/**
 * The instruct conversation as KoboldCpp Lite writes it: the system prompt, each instruction after
 * the start tag, each response after the end tag; with open true the last turn is the response
 * being written, so the prompt ends with the end tag.
 */
export function instructPrompt(settings, open = false) {
  const turns = open ? settings.turns.slice(0, -1) : settings.turns;
  const start = tag(settings.instructStart);
  const end = tag(settings.instructEnd);
  const system = settings.instructSystem ? tag(settings.instructSystem) : '';
  const body = turns.map(t => (t.role === 'user' ? start : end) + t.text).join('');
  return withAuthorsNote(system + body + end, settings);
}

/** The model stops where it would write the next instruction or a second response. */
export function instructStops(settings) {
  return [tag(settings.instructStart).trim(), tag(settings.instructEnd).trim()].filter(s => s);
}

/**
 * The conversation as chat messages for the model's own template (/v1/chat/completions): memory,
 * author's note and the instruct system prompt become the system message.
 */
export function templateMessages(settings, open = false) {
  const chat = settings.mode === 'chat';
  const list = chat ? settings.chat : settings.turns;
  const turns = open ? list.slice(0, -1) : list;
  const system = [settings.memory, chat ? '' : tag(settings.instructSystem),
    settings.authorsNote?.trim() ? NOTE_TEMPLATE.replace('<|>', settings.authorsNote.trim()) : '']
    .filter(s => s && s.trim()).join('\n');
  const messages = system ? [{ role: 'system', content: system }] : [];
  for (const t of turns) {
    const user = chat ? t.name === settings.userName : t.role === 'user';
    messages.push({ role: user ? 'user' : 'assistant', content: t.text });
  }
  return messages;
}

/** The reply as shown and kept: no leading space, no stop sequence the server left in. */
export function cleanReply(text, stops) {
  let reply = text.replace(/^\s+/, '');
  for (const stop of stops) {
    const at = stop ? reply.indexOf(stop) : -1;
    if (at >= 0) reply = reply.slice(0, at);
  }
  return reply.trimEnd();
}

/** The stop sequences typed one per line, "\n" written as two characters for a new line. */
export function stopList(text) {
  return (text || '').split('\n').map(tag).filter(s => s.length);
}

/** Banned phrases, one per line, as typed. */
export function phraseList(text) {
  return (text || '').split('\n').map(s => s.trim()).filter(s => s.length);
}
