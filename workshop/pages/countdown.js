// A countdown that ticks in the browser: the server sends the end time once,
// with its own clock reading, so every screen shows the same remaining time.
const SOON_S = 60;

export default {
  // the last minute in amber, the end in white on red: seen from the back of the room and at a glance
  template: `<span v-if="endsAt" role="timer" class="ws-timer"
                   :class="{'ws-timer-soon': left > 0 && left <= SOON_S, 'ws-timer-done': left <= 0}">{{ text }}</span>`,
  props: { endsAt: Number, serverNow: Number, doneText: String },
  data() {
    return { now: Date.now(), offset: 0, SOON_S: SOON_S };
  },
  computed: {
    left() {
      return Math.max(0, Math.round((this.endsAt - (this.now + this.offset)) / 1000));
    },
    text() {
      if (this.left <= 0) return this.doneText;
      const m = Math.floor(this.left / 60), s = this.left % 60;
      return `${m}:${String(s).padStart(2, "0")}`;
    },
  },
  watch: {
    serverNow: { handler() { this.sync(); } },
  },
  methods: {
    tick() {
      // the moment it runs out (from one tick to the next), not a page loaded afterwards nor a timer stopped:
      // a wall's gong rings (gong.js)
      this.now = Date.now();
      const left = this.endsAt ? this.left : null;
      if (this.seen > 0 && left === 0) window.dispatchEvent(new CustomEvent("ws-timer-done"));
      this.seen = left;
    },
    sync() {
      this.offset = this.serverNow ? this.serverNow - Date.now() : 0;
      this.now = Date.now();
    },
  },
  mounted() {
    this.sync();
    this.timer = setInterval(() => this.tick(), 500);
  },
  unmounted() {
    clearInterval(this.timer);
  },
};
