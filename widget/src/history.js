// What survives a page reload: the socket.io session id (so the bot keeps the
// conversation) and the messages already shown, in the page's localStorage.

const MAX_ENTRIES = 200;

export class History {
  /** @param {string} server the bot's base URL: one conversation per bot per site */
  constructor(server) {
    this.prefix = `chexian-widget:${server}:`;
    this.entries = this.read("history", []);
    if (!Array.isArray(this.entries)) this.entries = [];
  }

  get sessionId() {
    return this.read("session", null);
  }

  set sessionId(id) {
    const previous = this.sessionId;
    if (previous && id !== previous) {
      // the server started a new conversation: the old messages no longer apply
      this.entries = [];
      this.write("history", this.entries);
    }
    this.write("session", id);
  }

  get open() {
    return this.read("open", false) === true;
  }

  set open(value) {
    this.write("open", Boolean(value));
  }

  /** @param {{who: "bot"|"user", text?: string, image?: string, buttons?: object[], error?: boolean}} entry */
  add(entry) {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.write("history", this.entries);
  }

  read(key, fallback) {
    try {
      const raw = window.localStorage.getItem(this.prefix + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch {
      return fallback; // storage disabled or a damaged value: start afresh
    }
  }

  write(key, value) {
    try {
      window.localStorage.setItem(this.prefix + key, JSON.stringify(value));
    } catch {
      // private mode or full storage: the chat still works, it is just not kept
    }
  }
}
