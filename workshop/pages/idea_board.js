// The idea list of a room, rendered in the browser.
//
// The server keeps the list as this element's "ideas" prop (sent in full only when
// the page loads or a question changes) and sends small changes: one Socket.IO
// broadcast per change to every page of the room ("ws_board"), or a method call for
// what concerns one phone only (its own idea, its own dots). Each change and each whole
// list carry the room's change number ("seq"): see workshop/rooms/board_channel.py for
// why and how a list overtaken by a change loses nothing. Participant text is
// only ever rendered as text ({{ }}), never as HTML.
const KEPT_CHANGES = 200; // changes kept to apply again over a whole list that arrives late
const ANNOUNCE_MS = 8000; // at most one announcement of new ideas per 8 s (tests/e2e/test_accessibility.py)

export default {
  template: `
    <div>
      <div v-if="shown.length === 0" :class="mode === 'wall' ? 'text-2xl ws-empty' : 'text-grey-8'">{{ labels.empty }}</div>
      <div v-if="mode !== 'wall'" class="sr-only" role="status" aria-live="polite" aria-atomic="true">{{ announcement }}</div>
      <div :class="listClass" role="list" :aria-label="labels.list">
        <q-card v-for="idea in shown" :key="idea.id" flat bordered role="listitem"
                :class="['w-full ws-idea-card', {'ws-own': idea.own, 'opacity-50': idea.hidden}]">
          <q-card-section class="q-pa-md column q-gutter-y-sm">
            <div class="row no-wrap items-start q-gutter-x-md">
              <div :class="['ws-idea col', mode === 'wall' ? 'ws-wall-idea' : 'text-base']">{{ idea.text }}</div>
              <q-badge v-if="talliesShown && idea.dots > 0" color="primary" class="text-base" aria-live="off"
                       :aria-label="format(labels.dots, idea.dots)">{{ idea.dots }}</q-badge>
            </div>
            <div v-if="idea.group || idea.marked || idea.own || idea.hidden || (idea.edited && mode === 'moderator') || mode === 'moderator'"
                 class="row items-center q-gutter-x-sm text-xs text-grey-9">
              <span v-if="idea.group" class="ws-group">{{ idea.group }}</span>
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
        </q-card>
      </div>
    </div>`,
  props: {
    ideas: Array,
    phase: String,
    mode: String,
    hideTallies: Boolean,
    breakout: Number,
    question: Number,
    labels: Object,
    myDots: Object,
    seq: Number,
    clusters: Array,
  },
  data() {
    return { list: [...(this.ideas || [])], mine: { ...(this.myDots || {}) }, actions: ["edit", "group", "mark", "merge", "hide"],
             announcement: "", news: 0, announced: 0, livePhase: this.phase, liveQuestion: this.question, liveClusters: this.clusters || [], base: this.seq || 0, kept: [] };
  },
  watch: {
    // the phase comes as the prop (page load, reconnect) or with the room's broadcast (a switch)
    phase(value) {
      this.livePhase = value;
    },
    question(value) {
      this.liveQuestion = value;
    },
    clusters(value) {
      this.liveClusters = value || [];
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
      const ideas = [...this.list];
      ideas.sort((a, b) => (this.ranked && b.dots !== a.dots ? b.dots - a.dots : b.id - a.id));
      return ideas;
    },
    listClass() {
      return this.mode === "wall"
        ? "ws-wall-grid"
        : "column q-gutter-y-sm";
    },
  },
  methods: {
    format(forms, n) {
      // [one, other]: the plural forms of the page's language (German and English: 1 and the rest)
      const template = Array.isArray(forms) ? forms[n === 1 ? 0 : 1] : forms;
      return (template || "").replace("{n}", n);
    },
    replace(ideas, mine, seq, question) {
      // the question comes along: a method call may run before the element's new props have arrived
      if (question !== undefined) this.liveQuestion = question;
      this.list = [...(ideas || [])];
      if (mine) this.mine = { ...mine };
      if (seq === undefined) return;
      // the list holds every change up to seq: changes after it that arrived first are applied again
      this.base = seq;
      this.kept = this.kept.filter((m) => m.seq > seq).sort((a, b) => a.seq - b.seq);
      this.kept.filter((m) => m.question === this.liveQuestion).forEach((m) => this.apply(m));
    },
    setMyDots(mine) {
      this.mine = { ...(mine || {}) };
    },
    add(idea) {
      if (!this.list.some((i) => i.id === idea.id)) this.list.push(idea);
    },
    change(idea) {
      const index = this.list.findIndex((i) => i.id === idea.id);
      if (index >= 0) this.list.splice(index, 1, { ...this.list[index], ...idea });
      else this.list.push(idea);
    },
    remove(id) {
      this.list = this.list.filter((i) => i.id !== id);
    },
    tallies(pairs) {
      const dots = new Map(pairs);
      this.list = this.list.map((i) => (dots.has(i.id) ? { ...i, dots: dots.get(i.id) } : i));
    },
    // Others' new ideas for screen readers: not each card (the list is no live region), but one short
    // polite sentence, at most every ANNOUNCE_MS — thirty posts at once must not drown the user's typing.
    announce() {
      if (this.mode === "wall") return;
      this.news += 1;
      if (this.announceTimer) return;
      const wait = Math.max(0, this.announced + ANNOUNCE_MS - Date.now());
      this.announceTimer = setTimeout(() => {
        this.announceTimer = null;
        const text = this.format(this.labels.news, this.news);
        this.announcement = text === this.announcement ? text + "\u00a0" : text; // a repeat is read again
        this.news = 0;
        this.announced = Date.now();
      }, wait);
    },
    onBroadcast(msg) {
      this.receive(msg);
    },
    receive(msg) {
      if (msg.breakout !== this.breakout) return;
      if (msg.seq !== undefined) {
        if (msg.seq <= this.base) return; // the list has it already
        this.kept.push(msg); // also another question's: the list of the new question may still be on its way
        if (this.kept.length > KEPT_CHANGES) this.kept.shift();
      }
      if (msg.question !== this.liveQuestion) return;
      if (msg.kind === "add" && !this.list.some((i) => i.id === msg.idea.id) && !msg.idea.own) this.announce();
      this.apply(msg);
    },
    apply(msg) {
      if (msg.kind === "add") this.add(msg.idea);
      else if (msg.kind === "change") this.change(msg.idea);
      else if (msg.kind === "remove") this.remove(msg.id);
      else if (msg.kind === "tallies") this.tallies(msg.tallies);
      else if (msg.kind === "clusters") this.liveClusters = msg.clusters || [];
      else if (msg.kind === "phase") {
        if (msg.tallies) this.tallies(msg.tallies); // hidden while voting: they come with the switch
        this.livePhase = msg.phase;
      }
    },
  },
  mounted() {
    // the page's socket is created after its components mount
    const attach = () => (window.socket ? window.socket.on("ws_board", this.onBroadcast) : (this.retry = setTimeout(attach, 50)));
    attach();
  },
  unmounted() {
    clearTimeout(this.retry);
    clearTimeout(this.announceTimer);
    window.socket?.off("ws_board", this.onBroadcast);
  },
};
