// The wall's layout and page-through (workshop/pages/idea_board.js: packPage, PageCursor), run by
// test_wall_paging.py in Node (tests/rooms/node.py: with the page's import map): pure functions, no browser.
import { pathToFileURL } from "node:url";

const { packPage, PageCursor, groupIdeas, compareIdeas } = await import(pathToFileURL(process.argv[2]).href);

// a deterministic "random" (the same run every time)
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const HEIGHT = 800;
const GAP = 10;

function blocks(sections, perSection) {
  return sized(Array.from({ length: sections }, () => perSection));
}

function sized(sizes) {
  let id = 1;
  return sizes.map((size, s) => ({
    key: `c${s}`, heading: 60, headingCont: 30,
    cards: Array.from({ length: size }, () => ({ id: id++, h: 50 + Math.floor(random() * 120) })),
  }));
}

// every column of a packed page stays within the height (but for one card taller than a column), cards keep
// their order, and each column starts with a heading
function checkPage(page, height, heights) {
  const problems = [];
  for (const column of page.columns) {
    let y = 0;
    column.forEach((segment, n) => {
      y += (n ? GAP : 0) + (segment.continued ? 30 : 60) + GAP;
      segment.ids.forEach((id, k) => (y += (k ? GAP : 0) + heights.get(id)));
    });
    const single = column.length === 1 && column[0].ids.length === 1;
    if (y > height && !single) problems.push(`column of ${y}px`);
  }
  return problems;
}

const results = {};
const idsOf = (bs) => bs.flatMap((b) => b.cards.map((c) => c.id));
const heightsOf = (bs) => new Map(bs.flatMap((b) => b.cards.map((c) => [c.id, c.h])));

// fitting: all on one page when there is room, in order; sections side by side when "separate"
{
  const bs = blocks(3, 4);
  const separate = packPage(bs, 6, HEIGHT, GAP, "separate");
  const flow = packPage(bs, 6, HEIGHT, GAP, "lead");
  results.fits = separate.complete && flow.complete;
  results.order = JSON.stringify(separate.placed) === JSON.stringify(bs.flatMap((b) => b.cards.map((c) => c.id)));
  results.separate_columns = separate.columns.map((c) => c.map((s) => s.key).join("+"));
  results.flow_columns = flow.columns.map((c) => c.map((s) => s.key).join("+"));
  results.too_few_columns = packPage(bs, 2, HEIGHT, GAP, "separate").complete;
  results.problems = [...checkPage(separate, HEIGHT, heightsOf(bs)), ...checkPage(flow, HEIGHT, heightsOf(bs))];
}

// a new card at the end of a section moves no card before it
{
  const bs = blocks(2, 6);
  const before = packPage(bs, 6, HEIGHT, GAP, "separate").columns;
  bs[0].cards.push({ id: 999, h: 90 });
  const after = packPage(bs, 6, HEIGHT, GAP, "separate").columns;
  const where = (columns) => new Map(columns.flatMap((c, n) => c.flatMap((s) => s.ids.map((id, k) => [id, `${n}:${s.key}:${k}`]))));
  const old = where(before);
  const now = where(after);
  results.moved = [...old.keys()].filter((id) => old.get(id) !== now.get(id)).length;
}

// clusters sharing columns ("lead"): the last one (the ideas in no cluster, where new ones come) grows at its
// end without moving a card; "whole" splits no cluster that fits in a column
{
  const bs = blocks(7, 4);
  const where = (columns) => new Map(columns.flatMap((c, n) => c.flatMap((s) => s.ids.map((id, k) => [id, `${n}:${s.key}:${k}`]))));
  let moved = 0;
  let before = where(packPage(bs, 5, HEIGHT, GAP, "lead").columns);
  for (let n = 0; n < 6; n++) {
    bs[6].cards.push({ id: 900 + n, h: 100 });
    const now = where(packPage(bs, 5, HEIGHT, GAP, "lead").columns);
    moved += [...before.keys()].filter((id) => before.get(id) !== now.get(id)).length;
    before = now;
  }
  results.moved_sharing = moved;
  const whole = packPage(blocks(7, 2), 5, HEIGHT, GAP, "whole");
  results.whole_split = whole.complete ? whole.columns.flat().filter((s) => s.continued).length : null;
}

// the page-through: 200 cards in 6 sections on 5 columns; one cycle shows each card, none twice
{
  const bs = sized([40, 35, 35, 30, 30, 30]);
  const all = bs.flatMap((b) => b.cards.map((c) => c.id));
  const cursor = new PageCursor();
  const shown = [];
  let pages = 0;
  let counts = new Set();
  const problems = [];
  do {
    const page = cursor.page(bs, null, 5, HEIGHT, GAP);
    problems.push(...checkPage(page, HEIGHT, heightsOf(bs)));
    counts.add(`${page.index}/${page.count}`);
    page.columns.forEach((c) => c.forEach((s) => shown.push(...s.ids)));
    cursor.turn();
    pages += 1;
  } while (shown.length < all.length && pages < 100);
  results.cycle = { cards: all.length, shown: shown.length, distinct: new Set(shown).size, pages, problems };
  results.counts = [...counts];
  // the next page starts the next cycle with the first cards again
  const again = cursor.page(bs, null, 5, HEIGHT, GAP);
  results.next_cycle = again.index === 1 && again.columns[0][0].ids[0] === all[0];
}

// while cards arrive (one per page, in sections before and after the page shown) and others are removed
// between pages: every card there when the cycle began is shown in it, and the cycle ends
{
  let bs = blocks(6, 20);
  let next = 5000;
  const cursor = new PageCursor();
  const present = new Set(bs.flatMap((b) => b.cards.map((c) => c.id)));
  const removed = new Set();
  const shown = new Set();
  const sizes = [];
  let pages = 0;
  let cycleDone = false;
  while (!cycleDone && pages < 100) {
    const page = cursor.page(bs, null, 4, HEIGHT, GAP);
    const ids = page.columns.flatMap((c) => c.flatMap((s) => s.ids));
    ids.forEach((id) => shown.add(id));
    sizes.push(ids.length);
    cursor.turn();
    pages += 1;
    bs = bs.map((x) => ({ ...x, cards: [...x.cards] }));
    bs[pages % bs.length].cards.push({ id: next++, h: 70 });
    const gone = bs[(pages + 2) % bs.length].cards.splice(3, 1)[0];
    if (gone) removed.add(gone.id);
    cycleDone = cursor.page(bs, null, 4, HEIGHT, GAP).index === 1; // the next page begins a new cycle
  }
  const missing = [...present].filter((id) => !removed.has(id) && !shown.has(id));
  results.changing = { pages, missing: missing.length, cycleDone, smallest: Math.min(...sizes.slice(0, -1)) };
  // the arrivals behind the pages come in the next cycle: by its end every card has been shown
  const next_cycle = new Set();
  do {
    const page = cursor.page(bs, null, 4, HEIGHT, GAP);
    page.columns.forEach((c) => c.forEach((s) => s.ids.forEach((id) => next_cycle.add(id))));
    cursor.turn();
  } while (cursor.page(bs, null, 4, HEIGHT, GAP).index !== 1);
  results.changing.all_by_next_cycle = idsOf(bs).every((id) => next_cycle.has(id) || shown.has(id));
}

// a pinned cluster is on every page of the cycle, the others page through the remaining columns
{
  const bs = blocks(6, 30);
  const cursor = new PageCursor();
  const shown = new Set();
  let pinnedOnEvery = true;
  let pages = 0;
  do {
    const page = cursor.page(bs, "c3", 6, HEIGHT, GAP);
    pinnedOnEvery = pinnedOnEvery && page.columns[0][0].key === "c3" && page.columns[0][0].pinned === true;
    page.columns.forEach((c) => c.forEach((s) => s.ids.forEach((id) => shown.add(id))));
    cursor.turn();
    pages += 1;
  } while (cursor.page(bs, "c3", 6, HEIGHT, GAP).index !== 1 && pages < 100);
  results.pinned = { pinnedOnEvery, pages, all: shown.size === 180 };
}

// sections: clusters in their order with only their ideas, then the ideas in none; ranked by dots, ties oldest first
{
  const ideas = [
    { id: 1, group: "B", dots: 1 }, { id: 2, group: null, dots: 0 }, { id: 3, group: "A", dots: 0 },
    { id: 4, group: "B", dots: 3 }, { id: 5, group: "gone", dots: 2 }, { id: 6, group: "B", dots: 1 },
  ];
  const clusters = [{ id: 10, title: "A" }, { id: 11, title: "B" }, { id: 12, title: "empty" }];
  results.sections = groupIdeas(ideas, clusters, compareIdeas(true, false)).map((s) => `${s.key}:${s.ideas.map((i) => i.id).join(",")}:${s.dots}`);
}
console.log(JSON.stringify(results));
