// Where each tile of the call goes: pure arithmetic on the stage's size, no DOM, so it is unit
// tested with `node --test`. stage.js applies the boxes.
//
// Grid: every tile the same 16:9 size, the column count chosen so tiles are as large as the stage
// allows (the tile-view arithmetic of the well-known meeting tools). Past MAX_GRID tiles, or when
// tiles would get smaller than MIN_TILE_WIDTH, tiles keep that minimum and the stage scrolls.
// Featured (a shared screen, or speaker view): one large tile on top and the others in a strip
// below it that always stays within the stage.

export const ASPECT = 16 / 9;
export const GAP = 8;
export const MAX_GRID = 9; // the most tiles every stage down to a phone's shows at once
export const MIN_TILE_WIDTH = 160;
const MIN_STRIP_TILE_WIDTH = 96;

/**
 * The best grid for `count` tiles in a `width` × `height` stage: {cols, rows, tileWidth, tileHeight}.
 * Tries every column count and keeps the one giving the widest tile (height-bound or width-bound).
 */
export function bestGrid(count, width, height, gap = GAP) {
  let best = { cols: 1, rows: Math.max(count, 1), tileWidth: 0, tileHeight: 0 };
  for (let cols = 1; cols <= Math.max(count, 1); cols++) {
    const rows = Math.ceil(count / cols);
    const byWidth = (width - gap * (cols - 1)) / cols;
    const byHeight = ((height - gap * (rows - 1)) / rows) * ASPECT;
    const tileWidth = Math.floor(Math.min(byWidth, byHeight));
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth, tileHeight: Math.floor(tileWidth / ASPECT) };
  }
  return best;
}

/** Rows of `count` tiles of a fixed width, as many to a row as fit in `width`. */
function fixedGrid(count, width, tileWidth) {
  const cols = Math.min(count, Math.max(1, Math.floor((width + GAP) / (tileWidth + GAP))));
  return { cols, rows: Math.ceil(count / cols), tileWidth, tileHeight: Math.floor(tileWidth / ASPECT) };
}

/** Boxes {x, y, width, height} for `count` tiles in rows, each row centred, the block centred vertically. */
function place(count, grid, width, height, top = 0, gap = GAP) {
  const { cols, tileWidth, tileHeight } = grid;
  const rows = Math.ceil(count / cols);
  const blockHeight = rows * tileHeight + (rows - 1) * gap;
  const y0 = top + Math.max(0, Math.floor((height - blockHeight) / 2));
  const boxes = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / cols);
    const inRow = Math.min(cols, count - row * cols);
    const rowWidth = inRow * tileWidth + (inRow - 1) * gap;
    const x0 = Math.max(0, Math.floor((width - rowWidth) / 2));
    boxes.push({
      x: x0 + (i % cols) * (tileWidth + gap),
      y: y0 + row * (tileHeight + gap),
      width: tileWidth,
      height: tileHeight,
    });
  }
  return boxes;
}

/** The grid, or when its tiles would get smaller than the minimum, rows of minimum-size tiles that scroll. */
function gridBoxes(count, width, height, top = 0) {
  let grid = bestGrid(count, width, height);
  const smallest = Math.min(MIN_TILE_WIDTH, width);
  if (grid.tileWidth < smallest) {
    return place(count, fixedGrid(count, width, smallest), width, 0, top); // from the top: the stage scrolls
  }
  if (height > width) {
    // A tall stage (a phone held upright): tiles grow taller, up to 3:4, instead of leaving bands.
    const tallest = Math.floor((height - GAP * (grid.rows - 1)) / grid.rows);
    grid = { ...grid, tileHeight: Math.max(grid.tileHeight, Math.min(tallest, Math.floor((grid.tileWidth * 4) / 3))) };
  }
  return place(count, grid, width, height, top);
}

/**
 * Where every tile goes. `tiles`: ids in display order; `featured`: the id shown large, or null
 * for the plain grid. Returns Map id -> {x, y, width, height}, in the stage's content box.
 */
export function arrange(tiles, featured, width, height) {
  const boxes = new Map();
  if (width <= 0 || height <= 0 || tiles.length === 0) return boxes;
  const others = tiles.filter((id) => id !== featured);
  if (featured == null || !tiles.includes(featured) || others.length === 0) {
    gridBoxes(tiles.length, width, height).forEach((box, i) => boxes.set(tiles[i], box));
    return boxes;
  }
  // The strip: a band at the bottom, a fifth of a wide stage or a third of a tall one, growing
  // (up to a third or a half) for minimum-size tiles; past that its first rows stay in view and
  // the rest scroll below.
  const portrait = height > width;
  const n = others.length;
  let strip = bestGrid(n, width, Math.floor(height * (portrait ? 0.34 : 0.22)));
  // A strip tile stays clearly smaller than the large one, however few there are.
  const widest = Math.floor(width * (portrait ? 0.45 : 0.22));
  const smallest = Math.min(MIN_STRIP_TILE_WIDTH, width);
  const fixed = strip.tileWidth > widest ? widest : strip.tileWidth < smallest ? smallest : null;
  if (fixed !== null) strip = fixedGrid(n, width, fixed);
  const rowsInView = Math.max(1, Math.min(strip.rows,
    Math.floor((Math.floor(height * (portrait ? 0.5 : 0.34)) + GAP) / (strip.tileHeight + GAP))));
  const stripHeight = rowsInView * (strip.tileHeight + GAP) - GAP;
  const stripBoxes = place(n, strip, width, rowsInView === strip.rows ? stripHeight : 0, height - stripHeight);
  const mainHeight = height - stripHeight - GAP;
  const main = bestGrid(1, width, mainHeight);
  boxes.set(featured, place(1, main, width, mainHeight, 0)[0]);
  others.forEach((id, i) => boxes.set(id, stripBoxes[i]));
  return boxes;
}
