// A wall's gong when its countdown runs out (countdown.js sends "ws-timer-done"). Browsers play sound only after
// someone clicked on the page: while the gong is on, a button "enable sound" asks for that click once.
export default {
  template: `<button v-if="enabled && !unlocked" type="button" class="q-btn q-btn--outline q-btn--rectangle
               q-btn--actionable q-focusable q-hoverable q-btn--no-uppercase ws-gong-unlock" @click="unlock">
               <span class="q-btn__content">{{ label }}</span></button>`,
  props: { enabled: Boolean, src: String, label: String },
  data() {
    return { unlocked: false, rung: 0 };
  },
  methods: {
    unlock() {
      this.audio = this.audio || new Audio(this.src);
      this.audio.muted = true;  // a silent play in the click unlocks it for later
      const done = () => { this.audio.pause(); this.audio.currentTime = 0; this.audio.muted = false; };
      const played = this.audio.play();
      if (played && played.then) played.then(done, done); else done();
      this.unlocked = true;
    },
    ring() {
      if (!this.enabled) return;
      this.rung += 1;
      document.body.dataset.gongRung = String(this.rung);  // what the browser test reads
      if (!this.audio) return;  // nobody enabled the sound on this wall
      this.audio.muted = false;
      this.audio.currentTime = 0;
      const played = this.audio.play();
      if (played && played.catch) played.catch(() => {});
    },
  },
  mounted() {
    this.onDone = () => this.ring();
    window.addEventListener("ws-timer-done", this.onDone);
  },
  unmounted() {
    window.removeEventListener("ws-timer-done", this.onDone);
  },
};
