// The stage arithmetic: every tile inside the stage, none overlapping, as large as fits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrange, bestGrid, MAX_GRID } from '../../../webapp/js/layout.js';

// The stage inside 1280×720, 1920×1080 (side panel open and closed) and 390×844 windows.
const SIZES = [[944, 590], [1264, 590], [1584, 950], [1904, 950], [374, 640]];

function assertFits(boxes, width, height, scrolls = false) {
  const all = [...boxes.values()];
  for (const b of all) {
    assert.ok(b.width > 0 && b.height > 0, `empty box ${JSON.stringify(b)}`);
    assert.ok(b.x >= 0 && b.x + b.width <= width, `outside horizontally: ${JSON.stringify(b)} in ${width}`);
    if (!scrolls) assert.ok(b.y >= 0 && b.y + b.height <= height, `outside vertically: ${JSON.stringify(b)} in ${height}`);
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i];
      const b = all[j];
      const overlap = Math.min(a.x + a.width, b.x + b.width) > Math.max(a.x, b.x)
        && Math.min(a.y + a.height, b.y + b.height) > Math.max(a.y, b.y);
      assert.ok(!overlap, `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`);
    }
  }
}

const ids = (n) => Array.from({ length: n }, (_, i) => `p${i}`);

test('one to nine tiles fit any stage in a grid', () => {
  for (const [w, h] of SIZES) {
    for (let n = 1; n <= MAX_GRID; n++) assertFits(arrange(ids(n), null, w, h), w, h);
  }
});

test('the grid picks the column count that gives the largest tiles', () => {
  assert.deepEqual(bestGrid(4, 1600, 900, 0), { cols: 2, rows: 2, tileWidth: 800, tileHeight: 450 });
  assert.equal(bestGrid(2, 1600, 450, 0).cols, 2); // wide and short: side by side
  assert.equal(bestGrid(2, 400, 900, 0).cols, 1); // tall and narrow: stacked
  for (const [w, h] of SIZES) {
    for (let n = 1; n <= MAX_GRID; n++) {
      const chosen = bestGrid(n, w, h).tileWidth;
      for (let cols = 1; cols <= n; cols++) {
        const rows = Math.ceil(n / cols);
        const other = Math.floor(Math.min((w - 8 * (cols - 1)) / cols, ((h - 8 * (rows - 1)) / rows) * (16 / 9)));
        assert.ok(chosen >= other, `${n} tiles in ${w}x${h}: ${cols} columns would give ${other} > ${chosen}`);
      }
    }
  }
});

test('a tall stage stacks a few tiles in one column and makes them taller', () => {
  const boxes = [...arrange(ids(3), null, 374, 640).values()];
  assert.ok(boxes.every((b) => b.x === boxes[0].x), 'one column');
  assert.ok(boxes[0].height > boxes[0].width * (9 / 16), 'taller than 16:9');
});

test('more tiles than fit at the minimum size: rows that scroll, never overlapping', () => {
  const boxes = arrange(ids(30), null, 944, 400);
  assertFits(boxes, 944, 400, true);
  assert.ok([...boxes.values()].some((b) => b.y + b.height > 400), 'the stage scrolls');
  for (let n = 1; n <= 12; n++) assertFits(arrange(ids(n), null, 320, 200), 320, 200, true);
  assert.ok([...boxes.values()].every((b) => b.width >= 160));
});

test('one large tile and a strip that stays in view', () => {
  for (const [w, h] of SIZES) {
    for (let n = 2; n <= 12; n++) {
      const boxes = arrange(ids(n), 'p1', w, h);
      assertFits(boxes, w, h);
      const large = boxes.get('p1');
      for (const [id, b] of boxes) {
        if (id !== 'p1') assert.ok(b.width * b.height * 2 <= large.width * large.height, `${n} in ${w}x${h}: ${id} not clearly smaller`);
      }
    }
  }
});

test('too many for the strip: its first row stays in view, the rest scroll below', () => {
  const boxes = arrange(ids(40), 'p0', 374, 500);
  assertFits(boxes, 374, 500, true);
  assert.ok(boxes.get('p0').y + boxes.get('p0').height <= 500);
  assert.ok([...boxes.values()].filter((b) => b.y + b.height <= 500).length >= 2, 'large tile and a strip row in view');
});

test('a featured id that is gone, or alone, falls back to the grid', () => {
  assert.deepEqual(arrange(ids(3), 'gone', 944, 590), arrange(ids(3), null, 944, 590));
  assert.deepEqual(arrange(['p0'], 'p0', 944, 590), arrange(['p0'], null, 944, 590));
  assert.equal(arrange([], null, 944, 590).size, 0);
  assert.equal(arrange(ids(2), null, 0, 0).size, 0);
});
