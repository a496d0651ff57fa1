// Nothing typed on a phone is lost: the draft and the ideas sent but not yet confirmed.
//
// Both live in the browser's localStorage, so they survive a reload, a locked screen, a
// dropped mobile connection and a restarted server. When "Post" is tapped, the idea is
// put into the queue with the id the server gave this draft (``nextId``) before anything
// travels. A queued idea is (re)sent whenever the page is connected — on load, on
// reconnect, and every few seconds while unconfirmed — with that same id, so the server
// stores it once (unique client id) and confirms it with ``saved(id)``. Each queued idea
// shows its state honestly: waiting for the connection, sending, saved, refused.
// Participant text is only ever rendered as text ({{ }}).
export default {
  template: `
    <div class="column q-gutter-y-xs" role="status" aria-live="polite">
      <div v-for="entry in entries" :key="entry.id" :data-state="entry.state"
           class="row no-wrap items-center q-gutter-x-sm text-sm ws-outbox-entry">
        <q-spinner v-if="entry.state === 'sending'" size="1em" color="primary" />
        <q-icon v-else-if="entry.state === 'saved'" name="check_circle" color="positive" size="1.2em" />
        <q-icon v-else-if="entry.state === 'refused'" name="error" color="negative" size="1.2em" />
        <q-icon v-else name="cloud_off" color="warning" size="1.2em" />
        <span class="col ellipsis ws-idea">{{ entry.text }}</span>
        <span class="text-grey-9 text-right">{{ entry.message || labels[entry.state] }}</span>
      </div>
    </div>`,
  props: { storageKey: String, box: Number, button: Number, status: Number, nextId: String, question: Number,
           labels: Object },
  data() {
    return { entries: [] };
  },
  methods: {
    read(suffix, fallback) {
      try {
        const value = localStorage.getItem(`${this.storageKey}:${suffix}`);
        return value === null ? fallback : JSON.parse(value);
      } catch (e) {
        return fallback;
      }
    },
    write(suffix, value) {
      try {
        if (value === null) localStorage.removeItem(`${this.storageKey}:${suffix}`);
        else localStorage.setItem(`${this.storageKey}:${suffix}`, JSON.stringify(value));
      } catch (e) {
        // private mode or a full storage: the idea still goes out while connected
      }
    },
    persist() {
      const queued = this.entries.filter((e) => e.state === "waiting" || e.state === "sending");
      this.write("queue", queued.length ? queued.map(({ id, text, question }) => ({ id, text, question })) : null);
    },
    connected() {
      return Boolean(window.socket && window.socket.connected && window.did_handshake);
    },
    textarea() {
      const el = document.getElementById(`c${this.box}`);
      return el && el.tagName === "TEXTAREA" ? el : el?.querySelector("textarea");
    },
    onInput(event) {
      if (event.target === this.textarea()) this.write("draft", event.target.value || null);
    },
    onClick(event) {
      if (!event.target.closest || !event.target.closest(`#c${this.button}`)) return;
      const text = (this.textarea()?.value || "").trim();
      if (!text || !this.nextId || this.entries.some((e) => e.id === this.nextId)) return;
      // the server handles the tap itself when connected; the queue is the safety net
      const online = this.connected();
      this.entries.push({ id: this.nextId, text, question: this.question,
                          state: online ? "sending" : "waiting", tried: Date.now() });
      this.persist();
      this.write("draft", null);
      if (!online) this.queuedOffline();
    },
    // Offline the server cannot empty the box: the idea is in the queue (shown below, "will be sent"), so the box
    // empties here and the last "saved" goes, or people would type it again.
    queuedOffline() {
      const box = this.textarea();
      if (box) {
        box.value = "";
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }
      const status = document.getElementById(`c${this.status}`);
      if (status) status.textContent = "";
    },
    flush(force) {
      if (!this.connected()) {
        this.entries.forEach((e) => e.state === "sending" && (e.state = "waiting"));
        return;
      }
      const now = Date.now();
      for (const entry of this.entries) {
        if (entry.state !== "waiting" && !(entry.state === "sending" && (force || now - entry.tried > 4000))) continue;
        entry.state = "sending";
        entry.tried = now;
        this.$emit("resend", { id: entry.id, text: entry.text, question: entry.question });
      }
    },
    saved(id) {
      const entry = this.entries.find((e) => e.id === id);
      if (!entry) return;
      entry.state = "saved";
      this.persist();
      setTimeout(() => (this.entries = this.entries.filter((e) => e !== entry)), 4000);
    },
    refused(id, message) {
      const entry = this.entries.find((e) => e.id === id);
      if (!entry) return;
      entry.state = "refused";
      entry.message = message;
      this.persist();
      this.write("draft", entry.text); // the text is the phone's again: kept as the draft, back in the box
      if (!(this.textarea()?.value || "").trim()) this.$emit("draft", entry.text);
    },
    whenConnected() {
      if (!this.connected()) return;
      if (!this.restored) {
        this.restored = true;
        const draft = this.read("draft", null);
        if (draft && !(this.textarea()?.value || "").trim()) this.$emit("draft", draft);
      }
      this.flush(true);
    },
  },
  mounted() {
    this.entries = this.read("queue", []).map((e) => ({ ...e, state: "waiting", tried: 0 }));
    this.inputListener = (event) => this.onInput(event);
    this.clickListener = (event) => this.onClick(event);
    document.addEventListener("input", this.inputListener, true);
    document.addEventListener("click", this.clickListener, true);
    this.timer = setInterval(() => (this.restored ? this.flush(false) : this.whenConnected()), 1000);
    const attach = () => {
      if (!window.socket) return (this.retry = setTimeout(attach, 50));
      this.onConnect = () => setTimeout(() => this.whenConnected(), 100);
      this.onDisconnect = () => this.flush(false);
      window.socket.on("connect", this.onConnect);
      window.socket.on("disconnect", this.onDisconnect);
    };
    attach();
  },
  unmounted() {
    clearInterval(this.timer);
    clearTimeout(this.retry);
    document.removeEventListener("input", this.inputListener, true);
    document.removeEventListener("click", this.clickListener, true);
    window.socket?.off("connect", this.onConnect);
    window.socket?.off("disconnect", this.onDisconnect);
  },
};
