// The idea list of a room, rendered in the browser.
//
// The list and its changes come through the board channel (board_channel.js: the element's "ideas" prop,
// one Socket.IO broadcast per change to every page of the room, each with the room's change number; see
// workshop/rooms/board_channel.py); what concerns one phone only comes as a method call (its own idea, its
// own dots, a note about its idea). Participant text is only ever rendered as text ({{ }}), never as HTML.
//
// Three modes: 'phone' (a flat list; in the discussion and after it, grouped by the
// moderation's clusters), 'moderator' (a flat list with curation), 'wall' (one column
// group per cluster, fitted to the screen: the largest type at which everything fits,
// down to a readable minimum; beyond that a steady page-through that shows every idea
// once per cycle — see packPage and PageCursor below).
import { boardChannel } from "board_channel";

const FRESH_MS = 6000; // how long a new card on the wall is marked as new
// the wall's type, in per cent of the screen's height: 18 px at the least on a 1080 px projector
const FONT_MAX_VH = 3.7;
const FONT_MIN_VH = 1.67;
const FONT_FLOOR = 14; // px, whatever the screen
const COLUMN_EM = 13; // a column is 13 em wide: long German compounds still fit on a line …
const NARROW_EM = 12.5; // … or a little narrower, when that gives each cluster a column of its own
const GAP_EM = 0.55;
const PACE_ROW_PX = 44; // the page-through row ("Seite 2 von 4" and its bar; style.css), kept free when paging
const SAFETY_PX = 6; // rounding of measured heights
const LEAD_CARDS = 3; // a cluster begins below another one only with at least its first three cards
const TOP_EM = 0.7; // room above the first cards, for the "new" label (style.css: .ws-wall-page)

// --- pure functions (tests/rooms/wall_paging.mjs runs them in Node) ---------------------------------

export function compareIdeas(ranked, newestFirst) {
  return (a, b) => (ranked && b.dots !== a.dots ? b.dots - a.dots : newestFirst ? b.id - a.id : a.id - b.id);
}

// ideas in sections: one per cluster in the clusters' order (only those with ideas), then those in none
export function groupIdeas(ideas, clusters, compare) {
  const byTitle = new Map((clusters || []).map((c) => [c.title, { key: `c${c.id}`, cluster: c, ideas: [], dots: 0 }]));
  const rest = { key: "none", cluster: null, ideas: [], dots: 0 };
  for (const idea of ideas) {
    const section = (idea.group && byTitle.get(idea.group)) || rest;
    section.ideas.push(idea);
    section.dots += idea.dots || 0;
  }
  const sections = [...byTitle.values(), rest].filter((s) => s.ideas.length);
  sections.forEach((s) => s.ideas.sort(compare));
  return sections;
}

// Fill columns of the given height with the sections' cards in their order, each column starting with the
// heading of the section it shows (a "continued" one when the section began in the column before). Cards
// keep their order: a new card at the end of a section moves nothing above it. How sections share columns:
// "separate": never (the clusters side by side); "whole": a section goes below the one before when all of it
// fits there (no cluster split needlessly); "lead": the same, but the last section (the ideas in no cluster,
// where new ones arrive) when its heading and first LEAD_CARDS cards fit, continuing in the next column if
// need be — so that it never moves away from where it began as it grows.
// blocks: [{key, heading, headingCont (px: a heading, a continued one), continued, cards: [{id, h}]}]; the
// items of a column stand `gap` apart.
// Returns {columns: [[{key, continued, ids}]], placed: [id], complete}.
export function packPage(blocks, columns, height, gap, mode) {
  const page = [];
  const placed = [];
  let column = null;
  let y = 0;
  const room = (h) => (column.length ? y + gap + h : h) <= height;
  const next = () => {
    if (page.length >= columns) return false;
    column = [];
    page.push(column);
    y = 0;
    return true;
  };
  for (const [index, block] of blocks.entries()) {
    if (!block.cards.length) continue;
    const full = block.heading ? block.heading + gap : 0; // a heading and the gap below it
    const short = block.headingCont ? block.headingCont + gap : full;
    const lead = mode === "lead" && index === blocks.length - 1 ? block.cards.slice(0, LEAD_CARDS) : block.cards;
    const begin = (block.continued ? short : full) + lead.reduce((sum, c) => sum + c.h, 0) + gap * (lead.length - 1);
    if (!column || (column.length && (mode === "separate" || !room(begin)))) {
      if (!next()) return { columns: page, placed, complete: false };
    }
    let segment = null;
    let parts = 0;
    for (const card of block.cards) {
      if (segment && !room(card.h)) {
        if (!next()) return { columns: page, placed, complete: false };
        segment = null;
      }
      if (!segment) { // a card taller than a column stands alone in one
        segment = { key: block.key, continued: !!block.continued || parts > 0, ids: [] };
        parts += 1;
        y += (column.length ? gap : 0) + (segment.continued ? short : full) + card.h;
        column.push(segment);
      } else y += gap + card.h;
      segment.ids.push(card.id);
      placed.push(card.id);
    }
  }
  return { columns: page, placed, complete: true };
}

// the blocks from the start'th card of their cards in a row on (a block cut there is a continued one)
export function cardsFrom(blocks, start) {
  const out = [];
  let n = 0;
  for (const block of blocks) {
    const skip = Math.max(0, start - n);
    if (skip < block.cards.length) out.push(skip ? { ...block, continued: true, cards: block.cards.slice(skip) } : block);
    n += block.cards.length;
  }
  return out;
}

// One run through the cards, always forward: a page begins at the first card after the page before that was
// not shown yet in this cycle, and shows as many as fit from there. A card that arrives (or moves up) behind
// the pages already shown comes in the next cycle, which begins with the first card again.
class Run {
  constructor() {
    this.seen = new Set();
    this.last = [];
  }

  start(ids) {
    const pos = Math.max(-1, ...this.last.map((id) => ids.indexOf(id))) + 1;
    for (let i = pos; i < ids.length; i++) if (!this.seen.has(ids[i])) return i;
    return null; // the cycle is through
  }

  shown(placed) {
    placed.forEach((id) => this.seen.add(id));
    this.last = placed;
  }

  copy() {
    const run = new Run();
    run.seen = new Set(this.seen);
    run.last = this.last;
    return run;
  }
}

const idsOf = (blocks) => blocks.flatMap((b) => b.cards.map((c) => c.id));

// Web addresses in an idea: links on a phone (opened in a new tab, no referrer), shortened on the wall, where
// nobody clicks and a long address would break a column. Only http(s) and www. addresses; the text stays text.
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}»“”'"]+$/;
const WALL_URL_CHARS = 32;
export const linkParts = (text, short) => {
  const parts = [];
  let at = 0;
  for (const m of (text || "").matchAll(URL_RE)) {
    const url = m[0].replace(TRAILING, "");
    if (m.index > at) parts.push({ text: text.slice(at, m.index) });
    const href = /^https?:/i.test(url) ? url : `https://${url}`;
    let shown = url;
    if (short) {
      shown = url.replace(/^https?:\/\//i, "").replace(/^www\./i, "").replace(/\/$/, "");
      if (shown.length > WALL_URL_CHARS) shown = `${shown.slice(0, WALL_URL_CHARS - 1)}…`;
    }
    parts.push({ text: shown, href: href });
    at = m.index + url.length;
  }
  if (at < (text || "").length) parts.push({ text: text.slice(at) });
  return parts;
};

// While voting, each phone lists the ideas in an order of its own (the first ones get no more dots for being
// first), the same on every look: a seed per room kept in the tab, mixed with each idea's id.
const orderSeed = (room) => {
  const key = `ws:order:${room}`;
  try {
    const kept = sessionStorage.getItem(key);
    if (kept) return Number(kept);
    const seed = Math.floor(Math.random() * 2 ** 31);
    sessionStorage.setItem(key, String(seed));
    return seed;
  } catch (e) {
    return Math.floor(Math.random() * 2 ** 31); // no storage: still shuffled, for this page's life
  }
};
const mixed = (seed, id) => {
  let h = (seed ^ Math.imul(id, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
};

// The page-through: a cycle shows every card that is there when it begins (and those arriving ahead of it),
// none skipped when others are removed or added meanwhile; its pages are numbered. A pinned cluster keeps its
// columns on every page (paging on its own if it is long); the others page through the rest.
export class PageCursor {
  constructor() {
    this.reset();
  }

  reset() {
    this.main = new Run();
    this.pinned = new Run();
    this.index = 1;
    this.current = { main: [], pinned: [] };
  }

  page(blocks, pinnedKey, columns, height, gap) {
    let pinned = blocks.find((b) => b.key === pinnedKey);
    let main = blocks.filter((b) => b !== pinned);
    if (!main.length) [main, pinned] = [pinned ? [pinned] : [], undefined];
    const ids = idsOf(main);
    let start = this.main.start(ids);
    if (start === null) {
      this.main = new Run();
      this.index = 1;
      start = 0;
    }
    const page = [];
    let free = columns;
    this.current = { main: [], pinned: [] };
    if (pinned) {
      const share = Math.min(packPage([pinned], columns, height, gap, "separate").columns.length, Math.max(1, Math.ceil(columns / 2)));
      let own = this.pinned.start(idsOf([pinned]));
      if (own === null) {
        this.pinned = new Run();
        own = 0;
      }
      const part = packPage(cardsFrom([pinned], own), share, height, gap, "separate");
      part.columns.forEach((c) => page.push(c.map((segment) => ({ ...segment, pinned: true }))));
      this.current.pinned = part.placed;
      free = columns - share;
    }
    const part = packPage(cardsFrom(main, start), free, height, gap, "lead");
    page.push(...part.columns);
    this.current.main = part.placed;
    // the pages still to come in this cycle
    const run = this.main.copy();
    run.shown(part.placed);
    let count = this.index;
    for (let next = run.start(ids); next !== null && count < this.index + 1000; next = run.start(ids)) {
      run.shown(packPage(cardsFrom(main, next), free, height, gap, "lead").placed);
      count += 1;
    }
    return { columns: page, index: this.index, count };
  }

  turn() {
    this.main.shown(this.current.main);
    this.pinned.shown(this.current.pinned);
    this.index += 1; // back to 1 by the next page() when the cycle is through
  }
}

// --- templates --------------------------------------------------------------------------------------

// a card of the phone's and the moderator's list
const CARD = `
        <q-card flat bordered role="listitem"
                :class="['w-full ws-idea-card', {'ws-own': idea.own, 'opacity-50': idea.hidden}]">
          <q-card-section class="q-pa-md column q-gutter-y-sm">
            <div class="row no-wrap items-start q-gutter-x-md">
              <div class="ws-idea col text-base"><template v-for="(part, k) in linked(idea.text)" :key="k"><a v-if="part.href"
                :href="part.href" target="_blank" rel="noopener noreferrer nofollow" class="ws-link">{{ part.text }}</a><template
                v-else>{{ part.text }}</template></template></div>
              <q-badge v-if="talliesShown && idea.dots > 0" color="primary" class="text-base" aria-live="off"
                       :aria-label="format(labels.dots, idea.dots)">{{ idea.dots }}</q-badge>
            </div>
            <div v-if="(idea.group && !grouped) || idea.marked || idea.merges || idea.own || idea.hidden || mode === 'moderator'"
                 class="row items-center q-gutter-x-sm text-xs text-grey-9">
              <span v-if="idea.group && !grouped" class="ws-group">{{ idea.group }}</span>
              <span v-if="idea.merges">{{ format(labels.merges, idea.merges + 1) }}</span>
              <q-icon v-if="idea.marked" name="star" color="orange-10" :aria-label="labels.keyPoint" role="img" />
              <span v-if="idea.edited && mode === 'moderator'">{{ labels.edited }}</span>
              <q-badge v-if="idea.own" outline color="primary" aria-live="off">{{ labels.own }}</q-badge>
              <q-badge v-if="idea.hidden" color="grey-8" aria-live="off">{{ labels.hidden }}</q-badge>
              <q-space v-if="mode === 'moderator'" />
              <q-btn v-if="mode === 'moderator'" flat round dense icon="more_vert" :aria-label="labels.curate">
                <q-menu>
                  <q-list dense style="min-width: 16rem">
                    <q-item v-for="action in actions" :key="action" clickable v-close-popup
                            @click="$emit('curate', {action: action, id: idea.id})">
                      <q-item-section>{{ labels[action] }}</q-item-section>
                    </q-item>
                  </q-list>
                </q-menu>
              </q-btn>
            </div>
            <div v-if="mode === 'phone' && livePhase === 'vote'" class="row items-center q-gutter-x-md">
              <q-btn round outline dense icon="remove" :disable="!(mine[idea.id] > 0)"
                     :aria-label="labels.unvote" @click="$emit('vote', {id: idea.id, delta: -1})" />
              <span class="text-base" style="min-width: 5rem; text-align: center">
                {{ mine[idea.id] ? format(labels.mine, mine[idea.id]) : '' }}</span>
              <q-btn round unelevated dense color="primary" icon="add" :aria-label="labels.vote"
                     @click="$emit('vote', {id: idea.id, delta: 1})" />
            </div>
          </q-card-section>
        </q-card>`;

// a card on the wall; the same markup is measured (hidden) and shown, so what fits is what shows.
// The "new" label and the glow take no room: a card that stops being new keeps its size.
const wallCard = (attributes) => `
          <div ${attributes} :class="['ws-wall-card', {'ws-fresh': fresh[idea.id]}]">
            <span v-if="fresh[idea.id]" class="ws-wall-new">{{ labels.fresh }}</span>
            <div class="ws-idea"><span class="ws-idea-text"><template v-for="(part, k) in linked(idea.text, true)"
                :key="k"><span v-if="part.href" class="ws-link">{{ part.text }}</span><template
                v-else>{{ part.text }}</template></template></span><span
                v-if="(talliesShown && idea.dots > 0) || idea.marked || idea.merges"
                class="ws-wall-card-meta"><span v-if="idea.merges">{{ format(labels.merges, idea.merges + 1) }}</span><q-icon
                v-if="idea.marked" name="star" class="ws-wall-star" :aria-label="labels.keyPoint" role="img" /><span
                v-if="talliesShown && idea.dots > 0" class="ws-wall-dots"
                :aria-label="format(labels.dots, idea.dots)">{{ idea.dots }}</span></span></div>
          </div>`;

// a cluster's heading: its title large, with the number of ideas and dots; where a cluster continues from
// the column before, one short line
const wallHeading = (tag, attributes) => `
          <${tag} ${attributes} class="ws-wall-heading">
            <span class="ws-wall-heading-title">{{ info(s.key).title }}</span>
            <span class="ws-wall-heading-meta"><template v-if="info(s.key).pinned"><q-icon name="push_pin"
              class="ws-wall-pin" /> {{ labels.pinned }} · </template>{{ format(labels.ideas, info(s.key).count) }}<template
              v-if="talliesShown"> · {{ format(labels.dots, info(s.key).dots) }}</template></span>
          </${tag}>`;
const wallHeadingCont = (tag, attributes) => `
          <${tag} ${attributes} class="ws-wall-heading ws-wall-heading-cont">
            <span class="ws-wall-heading-title">{{ info(s.key).title }}</span>
            <span class="ws-wall-heading-meta"> · {{ labels.continued }}</span>
          </${tag}>`;

const WALL = `
    <div class="ws-wall-board" :style="{fontSize: font + 'px'}">
      <div v-if="list.length === 0" class="text-2xl ws-empty">{{ labels.empty }}</div>
      <div v-if="pageCount > 1" class="ws-wall-pace">
        <span class="ws-wall-pace-text">{{ pageText }}</span>
        <div class="ws-wall-pace-bar"><div class="ws-wall-pace-fill" :key="turns"
             :style="{animationDuration: pace + 's'}"></div></div>
      </div>
      <div class="ws-wall-page" :style="{gap: gap + 'px'}">
        <div v-for="(column, c) in page" :key="c" class="ws-wall-column" :style="{width: colWidth + 'px', gap: gap + 'px'}">
          <section v-for="s in column" :key="s.key" :class="['ws-wall-section', colourClass(s.key)]"
                   :style="{gap: gap + 'px'}" :aria-labelledby="headings ? headingId(s, c) : null">
            ${wallHeading("h2", `v-if="headings && !s.continued" :id="headingId(s, c)"`)}
            ${wallHeadingCont("h2", `v-else-if="headings" :id="headingId(s, c)"`)}
            <div class="ws-wall-cards" role="list" :aria-label="sectionLabel(s.key)" :style="{gap: gap + 'px'}">
              <template v-for="idea in cardsOf(s.ids)" :key="idea.id">
                ${wallCard('role="listitem"')}
              </template>
            </div>
          </section>
        </div>
      </div>
      <div ref="measure" class="ws-wall-measure" aria-hidden="true">
        <div v-for="s in wallSections" :key="s.key" :class="['ws-wall-cards', colourClass(s.key)]">
          ${wallHeading("div", `v-if="headings" :data-heading="s.key"`)}
          ${wallHeadingCont("div", `v-if="headings" :data-heading-cont="s.key"`)}
          <template v-for="idea in s.ideas" :key="idea.id">
            ${wallCard(':data-card="idea.id"')}
          </template>
        </div>
      </div>
    </div>`;

const PHONE_AND_MODERATOR = `
    <div>
      <div v-if="mode === 'phone' && liveNotes.length" class="column q-gutter-y-sm q-mb-md">
        <div v-for="note in liveNotes" :key="note.id" class="ws-note row no-wrap items-start q-gutter-x-sm">
          <q-icon name="info" size="sm" class="ws-note-icon" />
          <div class="col">
            <div class="ws-idea ws-note-own">{{ labels.quoted.replace('{text}', note.text) }}</div>
            <div>{{ noteText(note) }}</div>
          </div>
          <q-btn flat round dense icon="close" class="ws-touch" :aria-label="labels.closeNote" @click="dismiss(note.id)" />
        </div>
      </div>
      <div v-if="shown.length === 0" class="text-grey-8">{{ labels.empty }}</div>
      <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">{{ announcement }}</div>
      <div v-if="grouped" class="column q-gutter-y-sm">
        <section v-for="s in phoneSections" :key="s.key" :class="['ws-phone-section', colourClass(s.key)]">
          <h3 class="ws-phone-section-heading">
            <button type="button" class="ws-section-toggle" :aria-expanded="opened[s.key] ? 'true' : 'false'"
                    :aria-controls="'ws-sec-' + breakout + '-' + s.key" @click="toggle(s.key)">
              <span class="col column items-start">
                <span class="ws-section-title">{{ info(s.key).title }}</span>
                <span class="ws-section-meta">{{ format(labels.ideas, s.ideas.length) }}
                  · {{ format(labels.dots, s.dots) }}<template v-if="s.ideas.some((i) => i.own)">
                  · {{ labels.own }}</template></span>
              </span>
              <q-icon :name="opened[s.key] ? 'expand_less' : 'expand_more'" size="md" />
            </button>
          </h3>
          <div v-show="opened[s.key]" :id="'ws-sec-' + breakout + '-' + s.key" class="column q-gutter-y-sm q-mt-xs"
               role="list" :aria-label="sectionLabel(s.key)">
            <template v-for="idea in s.ideas" :key="idea.id">${CARD}
            </template>
          </div>
        </section>
      </div>
      <div v-else class="column q-gutter-y-sm" role="list" :aria-label="labels.list">
        <template v-for="idea in shown" :key="idea.id">${CARD}
        </template>
      </div>
    </div>`;

export default {
  mixins: [boardChannel],
  template: `
    <div>
      <template v-if="mode === 'wall'">${WALL}</template>
      <template v-else>${PHONE_AND_MODERATOR}</template>
    </div>`,
  props: {
    notes: Array,
    pinned: Number,
    pace: Number,
  },
  data() {
    return { actions: ["edit", "group", "mark", "merge", "hide"], livePinned: this.pinned ?? null,
             liveNotes: [...(this.notes || [])], opened: {},
             // the wall's layout: type size, columns, the page shown and where the page-through is
             font: 24, gap: 12, colWidth: 320, page: [], pageIndex: 1, pageCount: 1, turns: 0, fresh: {} };
  },
  watch: {
    // (after the board channel's watchers, which take the new phase, question and clusters)
    phase() {
      this.restart();
    },
    // a phone whose room switched phase shows the new phase from the top (not half-way down the old list)
    livePhase(now, before) {
      if (this.mode === "phone" && before && now !== before) window.scrollTo({ top: 0, behavior: "smooth" });
    },
    clusters() {
      this.relayout = true;
      this.scheduleFit();
    },
    pinned(value) {
      this.livePinned = value ?? null;
      this.restart();
    },
  },
  computed: {
    talliesShown() {
      return this.mode === "moderator" || this.livePhase === "discuss" || this.livePhase === "closed" ||
        (this.livePhase === "vote" && !this.hideTallies);
    },
    ranked() {
      return this.livePhase === "discuss" || this.livePhase === "closed";
    },
    shown() {
      if (this.mode === "phone" && this.livePhase === "vote") {
        const seed = orderSeed(this.breakout);
        return [...this.list].sort((a, b) => mixed(seed, a.id) - mixed(seed, b.id) || a.id - b.id);
      }
      return [...this.list].sort(compareIdeas(this.ranked, true));
    },
    // phones: grouped by cluster in the discussion and after it, when the moderation made clusters
    grouped() {
      return this.mode === "phone" && this.ranked && this.list.some((i) => i.group && this.liveClusters.some((c) => c.title === i.group));
    },
    phoneSections() {
      return groupIdeas(this.list, this.liveClusters, compareIdeas(true, true));
    },
    // the wall: ranked after voting; before, in the order of arrival, so that a new card moves nothing
    wallSections() {
      if (this.mode !== "wall") return [];
      const sections = groupIdeas(this.list, this.liveClusters, compareIdeas(this.ranked, false));
      const pinned = sections.findIndex((s) => s.key === this.pinnedKey);
      if (pinned > 0) sections.unshift(...sections.splice(pinned, 1));
      return sections;
    },
    headings() {
      return this.wallSections.some((s) => s.cluster);
    },
    pinnedKey() {
      return this.livePinned ? `c${this.livePinned}` : null;
    },
    sectionInfo() {
      const info = new Map();
      const sections = this.mode === "wall" ? this.wallSections : this.phoneSections;
      for (const s of sections) {
        info.set(s.key, { title: s.cluster ? s.cluster.title : this.labels.unclustered, count: s.ideas.length, dots: s.dots,
                          colour: s.cluster ? s.cluster.colour : "none", pinned: s.key === this.pinnedKey });
      }
      return info;
    },
    byId() {
      return new Map(this.list.map((i) => [i.id, i]));
    },
    pageText() {
      return this.labels.page.replace("{page}", this.pageIndex).replace("{pages}", this.pageCount);
    },
  },
  methods: {
    linked(text, short = false) {
      return linkParts(text, short);
    },
    info(key) {
      return this.sectionInfo.get(key) || { title: "", count: 0, dots: 0, colour: "none", pinned: false };
    },
    colourClass(key) {
      return `ws-c-${this.info(key).colour}`;
    },
    sectionLabel(key) {
      return this.headings || this.grouped ? this.labels.sectionList.replace("{title}", this.info(key).title) : this.labels.list;
    },
    cardsOf(ids) {
      return ids.map((id) => this.byId.get(id)).filter(Boolean);
    },
    headingId(segment, column) {
      return `wh-${this.breakout}-${segment.key}-${column}`;
    },
    toggle(key) {
      this.opened = { ...this.opened, [key]: !this.opened[key] };
    },
    noteText(note) {
      return note.kind === "merged" ? this.labels.mergedNote.replace("{text}", note.into || "") : this.labels.hiddenNote;
    },
    dismiss(id) {
      this.liveNotes = this.liveNotes.filter((n) => n.id !== id);
    },
    setNote(note) {
      this.liveNotes = [...this.liveNotes.filter((n) => n.id !== note.id), note];
      if (this.mode === "phone") this.say(`${this.labels.quoted.replace("{text}", note.text)} ${this.noteText(note)}`);
    },
    setNotes(notes) {
      // this phone's notes as the server has them, sent just before its whole list (on the same channel)
      this.liveNotes = [...(notes || [])];
    },

    // --- the board channel's hooks (board_channel.js) ---
    replaced(_seq, anotherQuestion) {
      if (anotherQuestion) this.restart();
      this.scheduleFit();
    },
    shownAgain(idea) {
      if (idea.own) this.dismiss(idea.id); // back (an undone merge) or shown again
    },
    arriving(idea) {
      if (this.mode === "wall") this.markFresh(idea.id);
    },
    applied(msg) {
      if (msg.kind === "clusters") this.relayout = true;
      else if (msg.kind === "note") this.setNote(msg.note);
      else if (msg.kind === "pin") {
        this.livePinned = msg.cluster ?? null;
        this.restart();
      } else if (msg.kind === "phase") this.restart();
      this.scheduleFit(msg.kind === "tallies" ? 400 : 80); // tallies come up to five times a second while voting
    },

    // --- the wall: fit, then page through ---

    markFresh(id) {
      this.fresh = { ...this.fresh, [id]: true };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        const { [id]: _gone, ...rest } = this.fresh;
        this.fresh = rest;
      }, FRESH_MS);
      this.timers.add(timer);
    },
    restart() {
      // another order (phase, pin, question): a new cycle from its first page, a layout searched afresh
      this.cursor?.reset();
      this.relayout = true;
      this.scheduleFit();
    },
    scheduleFit(delay = 80) {
      if (this.mode !== "wall" || !this.cursor) return;
      clearTimeout(this.fitTimer);
      this.fitTimer = setTimeout(() => this.$nextTick(() => this.fit()), delay);
    },
    measure(font, width, height, mode) {
      // heights of every card and heading at this type size, in columns as wide as the screen allows
      const gap = Math.round(font * GAP_EM);
      const fitting = (em) => Math.max(1, Math.floor((width + gap) / (font * em + gap)));
      const columns = mode === "separate" ? Math.max(fitting(COLUMN_EM), Math.min(this.wallSections.length, fitting(NARROW_EM)))
        : fitting(COLUMN_EM);
      const colWidth = Math.floor((width - gap * (columns - 1)) / columns);
      const box = this.$refs.measure;
      box.style.fontSize = `${font}px`;
      box.style.width = `${colWidth}px`;
      const cards = new Map();
      box.querySelectorAll("[data-card]").forEach((e) => cards.set(Number(e.dataset.card), e.getBoundingClientRect().height));
      const headings = new Map();
      box.querySelectorAll("[data-heading]").forEach((e) => headings.set(e.dataset.heading, e.getBoundingClientRect().height));
      const short = new Map();
      box.querySelectorAll("[data-heading-cont]").forEach((e) => short.set(e.dataset.headingCont, e.getBoundingClientRect().height));
      const blocks = this.wallSections.map((s) => ({
        key: s.key, heading: headings.get(s.key) || 0, headingCont: short.get(s.key) || 0,
        cards: s.ideas.map((i) => ({ id: i.id, h: Math.ceil(cards.get(i.id) || font * 3) })),
      }));
      return { font, gap, columns, colWidth, height: height - SAFETY_PX - Math.ceil(font * TOP_EM), blocks };
    },
    fit() {
      const root = this.$el.querySelector?.(".ws-wall-board");
      if (!root || !this.$refs.measure) return;
      const width = root.clientWidth;
      const height = root.clientHeight;
      if (!width || !height) return;
      const vh = window.innerHeight / 100;
      const largest = Math.max(FONT_FLOOR, Math.round(FONT_MAX_VH * vh));
      const smallest = Math.max(FONT_FLOOR, Math.round(FONT_MIN_VH * vh));
      const sizes = [];
      for (let f = largest; f > smallest; f = Math.floor(f * 0.93)) sizes.push(f);
      sizes.push(smallest);
      // the largest type at which all fits on one page (fitting only gets easier as the type shrinks): first
      // with the clusters side by side, else with small clusters sharing columns; else page through. While
      // ideas come in, a growing cluster stays where it began ("lead"); after voting, none is split needlessly.
      const fits = (layout, mode) => packPage(layout.blocks, layout.columns, layout.height, layout.gap, mode).complete;
      const largestFitting = (mode) => {
        let [lo, hi, best] = [0, sizes.length - 1, null];
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const layout = this.measure(sizes[mid], width, height, mode);
          if (fits(layout, mode)) {
            best = { ...layout, mode };
            hi = mid - 1;
          } else lo = mid + 1;
        }
        return best;
      };
      // a change of the ideas keeps the layout while it still fits and no larger type would (a few measurements,
      // and nothing moves needlessly); another screen size, phase, question, pin or clusters: the whole search
      const last = this.layout;
      let best = null;
      let paged = false;
      if (last && !this.relayout && last.width === width && last.fullHeight === height) {
        const i = sizes.indexOf(last.font);
        if (last.paged) paged = !fits(this.measure(smallest, width, height, "lead"), "lead");
        else if (i >= 0 && !(i > 0 && fits(this.measure(sizes[i - 1], width, height, last.mode), last.mode))) {
          const same = this.measure(last.font, width, height, last.mode);
          if (fits(same, last.mode)) best = { ...same, mode: last.mode };
        }
      }
      if (!best && !paged) {
        best = largestFitting("separate") || largestFitting("lead");
        if (best && best.mode === "lead" && this.ranked) {
          const whole = this.measure(best.font, width, height, "whole");
          if (fits(whole, "whole")) best = { ...whole, mode: "whole" };
        }
      }
      this.relayout = false;
      const layout = best || this.measure(smallest, width, height - PACE_ROW_PX, "lead");
      this.layout = { ...layout, paged: !best, width, fullHeight: height };
      this.font = layout.font;
      this.gap = layout.gap;
      this.colWidth = layout.colWidth;
      this.showPage();
    },
    showPage() {
      const layout = this.layout;
      if (!layout) return;
      if (!layout.paged) {
        this.cursor.reset();
        this.page = packPage(layout.blocks, layout.columns, layout.height, layout.gap, layout.mode).columns;
        this.pageIndex = this.pageCount = 1;
        clearTimeout(this.turnTimer);
        this.turnTimer = null;
        return;
      }
      const shown = this.cursor.page(layout.blocks, this.pinnedKey, layout.columns, layout.height, layout.gap);
      this.page = shown.columns;
      this.pageIndex = shown.index;
      this.pageCount = shown.count;
      if (!this.turnTimer) this.turnTimer = setTimeout(() => this.turnPage(), this.pace * 1000);
    },
    turnPage() {
      this.turnTimer = null;
      this.cursor.turn();
      this.turns += 1; // restarts the pace bar
      this.showPage();
    },
  },
  mounted() {
    this.timers = new Set();
    if (this.mode === "wall") {
      this.cursor = new PageCursor();
      this.resizing = new ResizeObserver(() => this.scheduleFit());
      this.resizing.observe(this.$el);
      document.fonts?.ready.then(() => this.scheduleFit());
      this.scheduleFit();
    }
  },
  unmounted() {
    clearTimeout(this.fitTimer);
    clearTimeout(this.turnTimer);
    this.timers.forEach((t) => clearTimeout(t));
    this.resizing?.disconnect();
  },
};
