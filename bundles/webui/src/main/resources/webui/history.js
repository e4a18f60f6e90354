// Undo and Redo over whole snapshots of the text: small (a story is a few KB) and never out of
// step with edits made by hand between generations.

const LIMIT = 100;

export class History {
  #undo = [];
  #redo = [];

  /** Records the state before a change; a new change forgets what could be redone. */
  push(state) {
    this.#undo.push(state);
    if (this.#undo.length > LIMIT) this.#undo.shift();
    this.#redo = [];
  }

  /** The state to go back to, given the current one (kept for Redo), or null. */
  undo(current) {
    if (!this.#undo.length) return null;
    this.#redo.push(current);
    return this.#undo.pop();
  }

  redo(current) {
    if (!this.#redo.length) return null;
    this.#undo.push(current);
    return this.#redo.pop();
  }
}
