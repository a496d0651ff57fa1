// Node loads the board components as the browser does: as ES modules whose bare imports ("board_channel")
// the page's import map resolves. NiceGUI builds that map from the elements' dependencies= (each file under
// the name before its first dot); tests/rooms/node.py passes it in WS_IMPORT_MAP ({name: file URL}) and has
// Node preload this module (--import), which registers the resolve hook below.
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";

if (isMainThread) register(import.meta.url, { data: JSON.parse(process.env.WS_IMPORT_MAP || "{}") });

const PAGES = new URL("../../workshop/pages/", import.meta.url).href;
let imports = {};

export function initialize(data) {
  imports = data || {};
}

export async function resolve(specifier, context, next) {
  if (Object.hasOwn(imports, specifier)) return { url: imports[specifier], format: "module", shortCircuit: true };
  const resolved = await next(specifier, context);
  // the pages' .js files are ES modules (the repository's package.json does not say so: the browser needs not)
  return resolved.url.startsWith(PAGES) && resolved.url.endsWith(".js") ? { ...resolved, format: "module" } : resolved;
}
