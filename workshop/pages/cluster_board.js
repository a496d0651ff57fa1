// The moderator's clustering board (workshop/pages/cluster_board.py): the question's ideas as cards in
// named, coloured clusters, one column each, and a column for the ideas in none.
//
// The list and its changes come through the board channel, as for idea_board.js (board_channel.js, served
// as the import "board_channel"; workshop/rooms/board_channel.py). Cards and columns are dragged with
// SortableJS (vendored from npm, served by the app as the import "sortablejs"); every drag has a keyboard
// and a button equivalent (WCAG 2.1 AA 2.1.1, 2.5.1). The board only emits what
// the moderator did ("file", "merge", "move_cluster", "cluster", "curate"); the page calls the services
// and the room's broadcast confirms. SortableJS only carries a card (it places it nowhere: the drop point
// decides); a column it moved is put back in the DOM where Vue has it and shown in its new place through
// the data, so that Vue and SortableJS never disagree.
// Participant text is only ever rendered as text ({{ }}), never as HTML.
import { boardChannel, plural } from "board_channel";

const MERGE_X = 0.8; // the middle of a card (this share of its width and MERGE_Y of its height): a drop there
const MERGE_Y = 0.5; // merges the dragged card into it; a drop elsewhere in a column files the card there
const KEY_MOVE_MS = 1200; // arrow keys on a closed select change it at once: the move waits for a pause
const PENDING_MS = 5000; // a move shown at once waits this long at most for its confirmation
const TRACKED = ["pointermove", "mousemove", "touchmove"];
const WIDE_FROM = 6; // more ideas than this without a cluster: their column is twice as wide (two rows of cards)

const WsCard = {
  template: `
    <div :class="['ws-card', {'ws-card-hidden': idea.hidden}]" role="listitem" tabindex="0" :data-id="idea.id"
         aria-keyshortcuts="Alt+ArrowLeft Alt+ArrowRight"
         @keydown.alt.left.prevent="$emit('step', -1)" @keydown.alt.right.prevent="$emit('step', 1)">
      <div class="ws-card-main">
        <div class="ws-idea ws-card-text">{{ idea.text }}</div>
        <div class="ws-card-flags">
          <span v-if="idea.merges > 0" class="ws-merges" :title="fill(labels.merged, idea.merges + 1)">
            <span aria-hidden="true">{{ idea.merges + 1 }}×</span><span class="sr-only">{{ fill(labels.merged, idea.merges + 1) }}</span></span>
          <q-badge v-if="idea.hidden" color="grey-9">{{ labels.hidden }}</q-badge>
          <span v-if="idea.edited" class="ws-card-edited">{{ labels.edited }}</span>
          <q-badge v-if="idea.dots > 0" color="primary" class="ws-dots" :aria-label="fill(labels.dots, idea.dots)"
                   :title="fill(labels.dots, idea.dots)">{{ idea.dots }}</q-badge>
        </div>
      </div>
      <div class="ws-card-actions">
        <span class="ws-move-box">
          <q-icon name="drive_file_move" class="ws-move-icon" />
          <select class="ws-move" :aria-label="labels.moveTo" :title="labels.moveTo"
                  @change="chosen" @keydown="keyed" @blur="commit">
            <option value="" :selected="column === null">{{ labels.unclustered }}</option>
            <option v-for="c in clusters" :key="c.id" :value="c.id" :selected="c.id === column">{{ c.title }}</option>
          </select>
        </span>
        <q-btn flat round dense size="sm" icon="edit" :aria-label="labels.edit" :title="labels.edit"
               @click="$emit('curate', 'edit')" />
        <q-btn flat round dense size="sm" :icon="idea.marked ? 'star' : 'star_outline'"
               :text-color="idea.marked ? 'orange-10' : 'grey-9'" :aria-pressed="idea.marked ? 'true' : 'false'"
               :aria-label="labels.keyPoint" :title="labels.keyPoint" @click="$emit('curate', 'mark')" />
        <q-btn flat round dense size="sm" :icon="idea.hidden ? 'visibility_off' : 'visibility'" text-color="grey-9"
               :aria-pressed="idea.hidden ? 'true' : 'false'" :aria-label="labels.hide" :title="labels.hide"
               @click="$emit('curate', 'hide')" />
        <q-btn flat round dense size="sm" icon="call_merge" text-color="grey-9" :aria-label="labels.merge"
               :title="labels.merge" @click="$emit('curate', 'merge')" />
      </div>
    </div>`,
  props: { idea: Object, column: Number, clusters: Array, labels: Object },
  emits: ["curate", "move", "step"],
  methods: {
    fill: plural,
    keyed(event) {
      if (event.key === "Enter") this.commit();
      else if (!event.altKey && /^(Arrow|Page|Home|End)/.test(event.key)) this.keyedAt = Date.now();
    },
    chosen(event) {
      const value = event.target.value;
      clearTimeout(this.timer);
      if (Date.now() - (this.keyedAt || 0) < 200) { // stepping through the options with arrow keys: wait
        this.pending = value;
        this.timer = setTimeout(this.commit, KEY_MOVE_MS);
        return;
      }
      this.$emit("move", value);
    },
    commit() {
      clearTimeout(this.timer);
      if (this.pending === undefined || this.pending === null) return;
      const value = this.pending;
      this.pending = null;
      this.$emit("move", value);
    },
  },
  unmounted() {
    clearTimeout(this.timer);
  },
};

export default {
  mixins: [boardChannel],
  components: { WsCard },
  template: `
    <div class="ws-cluster-board">
      <div class="ws-board-tools">
        <q-input v-model="search" dense outlined :label="labels.search" class="ws-board-search">
          <template v-slot:prepend><q-icon name="search" /></template>
        </q-input>
        <span class="text-sm" role="status">{{ searching ? format(labels.matches, matches) : "" }}</span>
        <q-toggle v-model="compact" :label="labels.compact" />
        <p class="ws-board-hint">{{ labels.hint }}</p>
      </div>
      <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">{{ announcement }}</div>
      <div :class="compact ? 'ws-compact' : 'ws-columns'" role="list" :aria-label="labels.list" data-columns>
        <section v-for="(col, n) in columns" :key="col.key" role="listitem"
                 :class="['ws-column', {'ws-column-wide': col.id === null && col.count > WIDE_FROM}]"
                 :data-cluster="col.id === null ? '' : col.id" :data-movable="col.id === null ? undefined : ''"
                 :data-fixed="col.id === null ? '' : undefined" :style="{'--ws-colour': col.hex}">
          <div class="ws-column-head">
            <q-btn v-if="col.id !== null" flat round dense size="sm" icon="drag_indicator" class="ws-column-handle"
                   text-color="grey-9" :aria-label="fill(labels.moveCluster, col.title)"
                   :title="fill(labels.moveCluster, col.title)" aria-keyshortcuts="ArrowLeft ArrowRight"
                   @keydown.left.prevent="shiftCluster(col.id, -1)" @keydown.right.prevent="shiftCluster(col.id, 1)" />
            <div class="ws-column-name">
              <div :id="'ws-col-' + col.key" role="heading" aria-level="3" class="ws-column-title">{{ col.title }}</div>
              <div class="ws-column-stats">{{ format(labels.ideas, col.count) }} · {{ format(labels.dots, col.dots) }}</div>
            </div>
            <q-btn v-if="col.id !== null" flat round dense size="sm" icon="more_vert" text-color="grey-9"
                   :aria-label="fill(labels.clusterMenu, col.title)" :title="fill(labels.clusterMenu, col.title)">
              <q-menu anchor="bottom right" self="top right">
                <q-list dense style="min-width: 15rem">
                  <q-item clickable v-close-popup @click="$emit('cluster', {action: 'rename', cluster: col.id})">
                    <q-item-section avatar><q-icon name="edit" /></q-item-section>
                    <q-item-section>{{ labels.rename }}</q-item-section>
                  </q-item>
                  <q-separator />
                  <q-item-label header class="text-grey-9">{{ labels.colour }}</q-item-label>
                  <q-item v-for="c in colours" :key="c.name" clickable v-close-popup
                          :aria-current="c.name === col.colour ? 'true' : undefined" @click="recolour(col, c.name)">
                    <q-item-section avatar><span class="ws-swatch" :style="{background: c.hex}"></span></q-item-section>
                    <q-item-section>{{ c.label }}</q-item-section>
                    <q-item-section v-if="c.name === col.colour" side><q-icon name="check" color="grey-10" /></q-item-section>
                  </q-item>
                  <q-separator />
                  <q-item clickable v-close-popup :disable="n <= 1" @click="shiftCluster(col.id, -1)">
                    <q-item-section avatar><q-icon name="arrow_back" /></q-item-section>
                    <q-item-section>{{ labels.moveLeft }}</q-item-section>
                  </q-item>
                  <q-item clickable v-close-popup :disable="n >= columns.length - 1" @click="shiftCluster(col.id, 1)">
                    <q-item-section avatar><q-icon name="arrow_forward" /></q-item-section>
                    <q-item-section>{{ labels.moveRight }}</q-item-section>
                  </q-item>
                  <q-item clickable v-close-popup @click="$emit('cluster', {action: 'dissolve', cluster: col.id})">
                    <q-item-section avatar><q-icon name="layers_clear" /></q-item-section>
                    <q-item-section>{{ labels.dissolve }}</q-item-section>
                  </q-item>
                </q-list>
              </q-menu>
            </q-btn>
          </div>
          <div class="ws-cards" role="list" :aria-labelledby="'ws-col-' + col.key" data-drop
               :data-cluster="col.id === null ? '' : col.id">
            <ws-card v-for="idea in col.ideas" :key="idea.id" :idea="idea" :column="col.id" :clusters="clusterList"
                     :labels="labels" @curate="(action) => $emit('curate', {action: action, id: idea.id})"
                     @move="(value) => moved(idea.id, value)" @step="(delta) => step(idea.id, delta)" />
          </div>
          <div v-if="col.ideas.length === 0 && !searching" class="ws-drop-hint" aria-hidden="true">{{ labels.dropHere }}</div>
        </section>
      </div>
    </div>`,
  props: {
    colours: Array,
  },
  emits: ["curate", "file", "merge", "move_cluster", "cluster"],
  data() {
    return { WIDE_FROM: WIDE_FROM, search: "", compact: false };
  },
  computed: {
    clusterList() {
      return [...this.liveClusters].sort((a, b) => a.position - b.position || a.id - b.id);
    },
    searching() {
      return this.search.trim() !== "";
    },
    columns() {
      const term = this.search.trim().toLocaleLowerCase();
      const hex = new Map((this.colours || []).map((c) => [c.name, c.hex]));
      const byTitle = new Map(this.clusterList.map((c) => [c.title, []]));
      const none = [];
      for (const idea of this.list) (byTitle.get(idea.group) || none).push(idea);
      const column = (cluster, ideas) => {
        ideas.sort((a, b) => b.dots - a.dots || b.id - a.id);
        return {
          key: cluster ? String(cluster.id) : "none", id: cluster ? cluster.id : null,
          title: cluster ? cluster.title : this.labels.unclustered, colour: cluster ? cluster.colour : null,
          hex: cluster ? hex.get(cluster.colour) : undefined, count: ideas.length,
          dots: ideas.reduce((sum, i) => sum + (i.hidden ? 0 : i.dots || 0), 0),
          ideas: term ? ideas.filter((i) => i.text.toLocaleLowerCase().includes(term)) : ideas,
        };
      };
      return [column(null, none), ...this.clusterList.map((c) => column(c, byTitle.get(c.title)))];
    },
    matches() {
      return this.columns.reduce((sum, c) => sum + c.ideas.length, 0);
    },
  },
  methods: {
    fill(template, title) {
      return (template || "").replace("{title}", title);
    },
    setClusters(clusters) {
      this.liveClusters = clusters || [];
    },
    replaced(seq) { // the board channel's hook (board_channel.js), as confirmed and confirmedOrder below
      if (seq !== undefined) this.pending = null;
    },

    // Moves shown at once wait for their confirmations: a card moved twice quickly (Alt+→ Alt+→) must not jump
    // back when the first move's confirmation arrives after the second move (nor lose the keyboard's focus).
    holdMove(key, value) {
      this.pending = this.pending || {};
      const count = this.pending[key] ? this.pending[key].count : 0;
      this.pending[key] = { count: count + 1, value: value, until: Date.now() + PENDING_MS };
    },
    awaited(key) {
      // the value this page moved it to, while more of its own moves are on their way; else null
      const p = this.pending && this.pending[key];
      if (!p) return null;
      p.count -= 1;
      if (p.count > 0 && Date.now() < p.until) return p;
      delete this.pending[key];
      return null;
    },
    confirmed(idea) {
      const p = this.awaited(idea.id);
      return p ? { ...idea, group: p.value } : idea;
    },
    confirmedOrder(clusters) {
      const p = this.awaited("order");
      if (!p) return clusters;
      const at = new Map(p.value.map((id, n) => [id, n]));
      return clusters.map((c) => (at.has(c.id) ? { ...c, position: at.get(c.id) } : c));
    },

    // --- what the moderator does: shown at once, confirmed (or put right) by the server ---
    columnOf(idea) {
      const cluster = idea.group ? this.liveClusters.find((c) => c.title === idea.group) : null;
      return cluster ? cluster.id : null;
    },
    file(id, clusterId) {
      const idea = this.list.find((i) => i.id === id);
      const cluster = clusterId === null ? null : this.liveClusters.find((c) => c.id === clusterId);
      if (!idea || (clusterId !== null && !cluster) || this.columnOf(idea) === clusterId) return false;
      this.change({ id: id, group: cluster ? cluster.title : null });
      this.holdMove(id, cluster ? cluster.title : null);
      this.$emit("file", { id: id, cluster: clusterId });
      return true;
    },
    moved(id, value) {
      if (this.file(id, value === "" ? null : Number(value))) this.focus(`[data-id="${id}"] select`);
    },
    step(id, delta) {
      const idea = this.list.find((i) => i.id === id);
      if (!idea) return;
      const ids = this.columns.map((c) => c.id);
      const to = ids.indexOf(this.columnOf(idea)) + delta;
      if (to >= 0 && to < ids.length && this.file(id, ids[to])) this.focus(`[data-id="${id}"]`);
    },
    recolour(col, colour) {
      if (colour !== col.colour) this.$emit("cluster", { action: "recolour", cluster: col.id, colour: colour });
    },
    moveCluster(id, position) {
      const order = [...this.clusterList];
      const from = order.findIndex((c) => c.id === id);
      const to = Math.max(0, Math.min(position, order.length - 1));
      if (from < 0 || from === to) return false;
      order.splice(to, 0, ...order.splice(from, 1));
      this.liveClusters = order.map((c, n) => ({ ...c, position: n }));
      this.holdMove("order", order.map((c) => c.id));
      this.$emit("move_cluster", { cluster: id, position: to });
      return true;
    },
    shiftCluster(id, delta) {
      const at = this.clusterList.findIndex((c) => c.id === id);
      if (this.moveCluster(id, at + delta)) this.focus(`section[data-cluster="${id}"] .ws-column-handle`);
    },
    focus(selector) {
      this.$nextTick(() => this.$el.querySelector(selector)?.focus());
    },

    // --- dragging (SortableJS) ---
    bindDrag() {
      if (!this.Sortable || this.gone) return;
      const lists = new Set(this.$el.querySelectorAll("[data-drop]"));
      this.sortables = (this.sortables || []).filter((s) => {
        if (lists.delete(s.el)) return true;
        s.destroy();
        return false;
      });
      lists.forEach((el) => this.sortables.push(this.Sortable.create(el, this.cardOptions())));
      const grid = this.$el.querySelector("[data-columns]");
      if (this.columnSortable && this.columnSortable.el !== grid) {
        this.columnSortable.destroy();
        this.columnSortable = null;
      }
      if (grid && !this.columnSortable) this.columnSortable = this.Sortable.create(grid, this.columnOptions());
    },
    dragOptions() {
      // the fallback (mouse and touch events) on every device: the pointer is followed the same way for both;
      // on touch a card is lifted after a short press, so that a swipe still scrolls
      return { forceFallback: true, fallbackOnBody: true, fallbackTolerance: 4, delay: 200, delayOnTouchOnly: true,
               touchStartThreshold: 6, animation: 120, ghostClass: "ws-drag-ghost", chosenClass: "ws-drag-chosen",
               fallbackClass: "ws-drag-fallback" };
    },
    cardOptions() {
      // SortableJS lifts and carries the card, but places it nowhere (put: false, sort: false): the other cards
      // stay still under the pointer while it looks for a card to merge with or a column; the drop decides
      return { ...this.dragOptions(), group: { name: "ws-cards", pull: true, put: false }, sort: false,
               draggable: "[data-id]", filter: "button, select, a, input, textarea", preventOnFilter: false,
               onStart: (evt) => this.dragStarted(evt), onEnd: (evt) => this.cardDropped(evt) };
    },
    columnOptions() {
      return { ...this.dragOptions(), draggable: "[data-movable]", handle: ".ws-column-handle",
               // the column of ideas in no cluster stays first
               onMove: (evt) => !(evt.related && evt.related.hasAttribute("data-fixed") && !evt.willInsertAfter),
               onStart: (evt) => this.dragStarted(evt), onEnd: (evt) => this.columnDropped(evt) };
    },
    dragStarted(evt) {
      this.origin = { item: evt.item, parent: evt.item.parentNode, next: evt.item.nextSibling };
      this.pointer = null;
      this.track = (e) => this.follow(e);
      TRACKED.forEach((type) => document.addEventListener(type, this.track, { capture: true, passive: true }));
    },
    follow(e) {
      const p = e.touches ? e.touches[0] : e;
      if (!p) return;
      this.pointer = { x: p.clientX, y: p.clientY };
      if (!this.origin || !this.origin.item.hasAttribute("data-id")) return; // a column: SortableJS shows where
      const card = this.cardAt(this.pointer);
      const zone = card ? null : this.columnAt(this.pointer);
      this.highlight(card, zone && zone.closest("section"));
    },
    stopFollowing() {
      if (this.track) TRACKED.forEach((type) => document.removeEventListener(type, this.track, { capture: true }));
      this.track = null;
      this.highlight(null, null);
    },
    highlight(card, column) {
      // what a drop here does: merge into this card, or file into this column
      for (const [key, element, name] of [["highlighted", card, "ws-merge-target"], ["dropColumn", column, "ws-drop-target"]]) {
        if (this[key] === element) continue;
        this[key]?.classList.remove(name);
        element?.classList.add(name);
        this[key] = element;
      }
    },
    cardAt(point) {
      // the card whose middle is under the pointer (the dragged card itself does not count)
      const hit = document.elementFromPoint(point.x, point.y);
      const card = hit && hit.closest("[data-id]");
      if (!card || !this.$el.contains(card) || (this.origin && card === this.origin.item)) return null;
      const r = card.getBoundingClientRect();
      const dx = (r.width * (1 - MERGE_X)) / 2, dy = (r.height * (1 - MERGE_Y)) / 2;
      return point.x > r.left + dx && point.x < r.right - dx && point.y > r.top + dy && point.y < r.bottom - dy
        ? card : null;
    },
    columnAt(point) {
      const hit = document.elementFromPoint(point.x, point.y);
      const zone = hit && hit.closest("[data-cluster]");
      return zone && this.$el.contains(zone) ? zone : null;
    },
    putBack() {
      const origin = this.origin;
      this.origin = null;
      if (!origin || !origin.parent) return;
      const next = origin.next && origin.next.parentNode === origin.parent ? origin.next : null;
      origin.parent.insertBefore(origin.item, next);
    },
    cardDropped(evt) {
      const point = this.pointer;
      const target = point ? this.cardAt(point) : null;
      const zone = point && !target ? this.columnAt(point) : null;
      this.stopFollowing();
      this.putBack();
      const id = Number(evt.item.dataset.id);
      if (target) this.$emit("merge", { id: id, into: Number(target.dataset.id) }); // the page asks first
      else if (zone) this.file(id, zone.dataset.cluster === "" ? null : Number(zone.dataset.cluster));
    },
    columnDropped(evt) {
      const moved = evt.newDraggableIndex !== evt.oldDraggableIndex && evt.newDraggableIndex !== undefined;
      this.stopFollowing();
      this.putBack();
      if (moved) this.moveCluster(Number(evt.item.dataset.cluster), evt.newDraggableIndex);
    },
  },
  async mounted() {
    try {
      this.Sortable = (await import("sortablejs")).default;
    } catch (error) {
      console.error("dragging is unavailable, the buttons still work:", error);
      return;
    }
    this.bindDrag();
  },
  updated() {
    this.bindDrag();
  },
  unmounted() {
    this.gone = true;
    this.stopFollowing();
    (this.sortables || []).forEach((s) => s.destroy());
    this.columnSortable?.destroy();
  },
};
