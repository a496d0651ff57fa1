// Content that leaves by itself at a moment the server set (a notice "for 10 minutes"): the browser hides it
// then, without a message from the server; the server's clock reading corrects this machine's clock.
export default {
  template: `<div v-if="!over"><slot></slot></div>`,
  props: { until: Number, serverNow: Number },
  data() {
    return { over: false, offset: 0 };
  },
  watch: {
    until() { this.plan(); },
    serverNow() { this.sync(); this.plan(); },
  },
  methods: {
    sync() {
      // how far this machine's clock is off the server's, taken when the server's reading arrives
      this.offset = this.serverNow ? this.serverNow - Date.now() : 0;
    },
    plan() {
      clearTimeout(this.timer);
      this.over = false;
      if (!this.until) return;
      const left = this.until - (Date.now() + this.offset);
      if (left <= 0) this.over = true;
      else this.timer = setTimeout(() => this.plan(), Math.min(left, 2 ** 31 - 1));
    },
  },
  mounted() {
    this.sync();
    this.plan();
  },
  unmounted() {
    clearTimeout(this.timer);
  },
};
