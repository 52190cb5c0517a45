// The page's modules load in the browser only if every name one imports is exported by the
// other: a name removed or renamed on one side breaks the whole page. Checked here on the text,
// since most modules touch the DOM when imported and cannot be loaded in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = new URL('../../../webapp/js/', import.meta.url).pathname;
const IMPORT = /^import \{([^}]+)\} from '\.\/([\w-]+\.js)';$/gm;

function exported(file) {
  const text = readFileSync(join(DIR, file), 'utf8');
  return new Set([...text.matchAll(/^export (?:async )?(?:function|class|const|let) (\w+)/gm)].map((m) => m[1]));
}

test('every imported name is exported by its module', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.js'));
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(join(DIR, file), 'utf8');
    for (const [, names, from] of text.matchAll(IMPORT)) {
      assert.ok(files.includes(from), `${file} imports ${from}, which does not exist`);
      const available = exported(from);
      for (const name of names.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean)) {
        assert.ok(available.has(name), `${file} imports ${name} from ${from}, which does not export it`);
        checked += 1;
      }
    }
  }
  assert.ok(checked > 30, `only ${checked} imports found: is the pattern still right?`);
});
