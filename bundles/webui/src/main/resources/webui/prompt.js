// How the text becomes a prompt: the author's note near the end, and chat turns as KoboldCpp
// writes them ("Name: text" lines, the character's name last so the model answers as it).

/** Where the author's note goes: before the last paragraph, at most this many characters back. */
const NOTE_DEPTH = 400;

export function withAuthorsNote(text, note) {
  if (!note || !note.trim()) return text;
  let at = text.lastIndexOf('\n');
  if (at < 0 || text.length - at > NOTE_DEPTH) {
    at = Math.max(0, text.length - NOTE_DEPTH);
    const space = text.indexOf(' ', at);
    at = at === 0 || space < 0 ? at : space;
  }
  return text.slice(0, at) + `\n[Author's note: ${note.trim()}]\n` + text.slice(at).replace(/^\n/, '');
}

/**
 * The chat as a prompt. With open true the last message is the character's reply being written:
 * it ends the prompt as "Name:" so the model continues it.
 */
export function chatPrompt(settings, open = false) {
  const messages = open ? settings.chat.slice(0, -1) : settings.chat;
  const lines = messages.map(m => `${m.name}: ${m.text}`);
  const text = (lines.length ? lines.join('\n') + '\n' : '') + `${settings.charName}:`;
  return withAuthorsNote(text, settings.authorsNote);
}

/** A turn ends where the model starts to write the next speaker's line. */
export function chatStops(settings) {
  return [`\n${settings.userName}:`, `\n${settings.charName}:`];
}

/** The reply as shown and kept: no leading space, no stop sequence the server left in. */
export function cleanReply(text, settings) {
  let reply = text.replace(/^\s+/, '');
  for (const stop of chatStops(settings)) {
    const at = reply.indexOf(stop);
    if (at >= 0) reply = reply.slice(0, at);
  }
  return reply.trimEnd();
}
