// The stage: positions the call's tiles with layout.js whenever the stage changes size or tiles
// come, go, or become the large one. The large tile is a shared screen if there is one, else the
// tile marked data-featured (speaker view).

import { arrange } from './layout.js';

function tilesOf(stage) {
  // Screens first, then one's own tile, then the others in the order they joined.
  const all = [...stage.children].filter((el) => el.classList.contains('tile'));
  return [...all.filter((t) => t.classList.contains('screen')), ...all.filter((t) => !t.classList.contains('screen'))];
}

function largeOf(tiles) {
  return tiles.find((t) => t.classList.contains('screen')) || tiles.find((t) => t.dataset.featured === 'true') || null;
}

function arrangeStage(stage) {
  const style = getComputedStyle(stage);
  const padX = parseFloat(style.paddingLeft) || 0;
  const padY = parseFloat(style.paddingTop) || 0;
  const width = stage.clientWidth - padX - (parseFloat(style.paddingRight) || 0);
  const height = stage.clientHeight - padY - (parseFloat(style.paddingBottom) || 0);
  const tiles = tilesOf(stage);
  const large = largeOf(tiles);
  const boxes = arrange(tiles.map((_, i) => i), large ? tiles.indexOf(large) : null, Math.floor(width), Math.floor(height));
  stage.dataset.large = String(Boolean(large));
  tiles.forEach((tile, i) => {
    const box = boxes.get(i);
    if (!box) return;
    tile.style.left = `${padX + box.x}px`;
    tile.style.top = `${padY + box.y}px`;
    tile.style.width = `${box.width}px`;
    tile.style.height = `${box.height}px`;
    tile.dataset.large = String(tile === large);
  });
}

/** Keeps the stage's tiles arranged from now on. */
export function watchStage(stage) {
  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      arrangeStage(stage);
    });
  };
  new ResizeObserver(schedule).observe(stage);
  new MutationObserver(schedule).observe(stage, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-featured'] });
  arrangeStage(stage);
}
