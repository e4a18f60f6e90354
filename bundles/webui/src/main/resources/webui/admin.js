// Switching the server's configuration through KoboldCpp's admin API: the .kcpps files (and model
// files) of its admin folder, and a reload that answers once the new text model serves.
import { adminJson } from './api.js';

/** The names the server offers (GET /api/admin/list_options). */
export async function configurations(adminKey) {
  const names = await adminJson('GET', '/api/admin/list_options', undefined, adminKey);
  return Array.isArray(names) ? names : [];
}

/** Switches to {@code name} (POST /api/admin/reload_config); resolves when the server has. */
export async function switchTo(name, adminKey) {
  const answer = await adminJson('POST', '/api/admin/reload_config', { filename: name }, adminKey);
  if (answer.success === false) throw new Error(`The server did not switch to ${name}.`);
}
