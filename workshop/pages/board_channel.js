// The browser side of the board channel (workshop/rooms/board_channel.py), shared by the idea list
// (idea_board.js) and the moderator's clustering board (cluster_board.js) as a Vue mixin.
//
// The server keeps the list as the element's "ideas" prop (sent in full only when the page loads or a
// question changes) and sends small changes: one Socket.IO broadcast per change to every page of the room
// ("ws_board"), or a method call for what concerns one page only (replace, setMyDots). Each change and each
// whole list carry the room's change number ("seq"): a change that overtakes the whole list it belongs in is
// kept and applied again over that list, so that neither the order of arrival nor a reconnect loses one.
// tests/rooms/board_contract.mjs checks this module in Node.
//
// NiceGUI serves this file as the import "board_channel" (it is listed in the dependencies of IdeaBoard,
// workshop/pages/boards.py, and so of its subclass ClusterBoard). What a board does beyond the list, it
// does in the hooks below, which the component overrides: replaced, shownAgain, arriving, confirmed,
// confirmedOrder, applied.
export const KEPT_CHANGES = 200; // changes kept to apply again over a whole list that arrives late
export const ANNOUNCE_MS = 8000; // at most one announcement of new ideas per 8 s (tests/e2e/test_accessibility.py)

// [one, other]: the plural forms of the page's language (German and English: 1 and the rest), or one text
export function plural(forms, n) {
  const template = Array.isArray(forms) ? forms[n === 1 ? 0 : 1] : forms;
  return (template || "").replace("{n}", n);
}

export const boardChannel = {
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
    return { list: [...(this.ideas || [])], mine: { ...(this.myDots || {}) }, announcement: "", news: 0, announced: 0,
             livePhase: this.phase, liveQuestion: this.question, liveClusters: this.clusters || [], base: this.seq || 0,
             kept: [] };
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
  methods: {
    format: plural,
    replace(ideas, mine, seq, question) {
      // the question comes along: a method call may run before the element's new props have arrived
      const another = question !== undefined && question !== this.liveQuestion;
      if (question !== undefined) this.liveQuestion = question;
      this.list = [...(ideas || [])];
      if (mine) this.mine = { ...mine };
      this.replaced(seq, another);
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
      this.shownAgain(idea);
      if (!this.list.some((i) => i.id === idea.id)) this.list.push(idea);
    },
    change(idea) {
      this.shownAgain(idea);
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
        this.say(this.format(this.labels.news, this.news));
        this.news = 0;
        this.announced = Date.now();
      }, wait);
    },
    say(text) {
      this.announcement = text === this.announcement ? text + "\u00a0" : text; // a repeat is read again
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
      if (msg.kind === "add" && !this.list.some((i) => i.id === msg.idea.id)) {
        if (!msg.idea.own) this.announce();
        this.arriving(msg.idea);
      }
      this.apply(msg);
    },
    apply(msg) {
      if (msg.kind === "add") this.add(msg.idea);
      else if (msg.kind === "change") this.change(this.confirmed(msg.idea));
      else if (msg.kind === "remove") this.remove(msg.id);
      else if (msg.kind === "tallies") this.tallies(msg.tallies);
      else if (msg.kind === "clusters") this.liveClusters = this.confirmedOrder(msg.clusters || []);
      else if (msg.kind === "phase") {
        if (msg.tallies) this.tallies(msg.tallies); // hidden while voting: they come with the switch
        this.livePhase = msg.phase;
      }
      this.applied(msg);
    },

    // --- hooks: what a board does beyond the list (the component overrides them) ---
    replaced(_seq, _anotherQuestion) {}, // a whole list has arrived (seq: its change number, if it has one)
    shownAgain(_idea) {}, // an idea is added or changed
    arriving(_idea) {}, // an idea new to the list arrives with the room's broadcast
    confirmed(idea) { // a change of an idea, as the board is to show it
      return idea;
    },
    confirmedOrder(clusters) { // the clusters, as the board is to show them
      return clusters;
    },
    applied(_msg) {}, // a change has been applied (also one of another kind than those above)
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
