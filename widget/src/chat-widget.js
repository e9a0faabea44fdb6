// 车险在线客服 chat widget. Embed with one tag:
//   <script src="https://BOT-SERVER/widget/chat-widget.js" defer></script>
// Optional attributes: data-server (the bot's base URL if not the script's own),
// data-title (panel title), data-open="true" (start with the panel open).
//
// The bot is Rasa's built-in socket.io channel (events user_uttered /
// bot_uttered, session_request / session_confirm); photos go to the bot's
// POST /webhooks/photos/upload with the same session id as `sender`.
import { io } from "socket.io-client";
import { History } from "./history.js";
import { LABELS } from "./labels.js";
import { ChatView } from "./view.js";

function ownScript() {
  return document.currentScript || document.querySelector('script[src*="chat-widget.js"]');
}

/** The bot's base URL, ending in "/": data-server, else the folder above /widget/. */
function serverBase(script) {
  const configured = script && script.dataset.server;
  const href = configured
    ? new URL(configured, window.location.href).href
    : new URL("../", script ? script.src : window.location.href).href;
  return href.endsWith("/") ? href : `${href}/`;
}

function addStylesheet(base) {
  const href = `${base}widget/chat-widget.css`;
  if (document.querySelector(`link[href="${CSS.escape(href)}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

class ChatWidget {
  constructor(script) {
    this.base = serverBase(script);
    this.history = new History(this.base);
    this.socket = null;
    this.sessionId = null; // set once the server confirmed it on this connection
    this.waiting = []; // callbacks that need the confirmed session id
    addStylesheet(this.base);
    this.view = new ChatView({
      title: (script && script.dataset.title) || LABELS.title,
      onSend: (text) => this.send(text, text),
      onQuickReply: (reply) => this.send(reply.payload, reply.title),
      onPhotos: (files) => this.uploadAll(files),
      onToggle: (open) => {
        this.history.open = open;
        if (open) this.connect();
      },
    });
    this.restore();
    const open = (script && script.dataset.open === "true") || this.history.open;
    if (open) this.view.toggle(true);
    else if (this.history.sessionId) this.connect(); // a conversation is going on: listen
  }

  restore() {
    const entries = this.history.entries;
    entries.forEach((entry, index) => {
      const last = index === entries.length - 1;
      this.view.show(entry, { interactive: last && entry.who === "bot" });
    });
  }

  connect() {
    if (this.socket) return;
    const url = new URL(this.base);
    this.view.setStatus(LABELS.connecting);
    // Long-polling only: the websocket upgrade fails against Rasa 3.6's Sanic 21.12
    // with python-engineio 4.5 ("Invalid frame header"), and a failed upgrade
    // leaves the client polling in a tight loop without ever hearing the bot.
    const socket = io(url.origin, { path: `${url.pathname}socket.io`, transports: ["polling"] });
    this.socket = socket;
    socket.on("connect", () => {
      // the stored id keeps the same conversation across reloads and reconnects
      socket.emit("session_request", { session_id: this.history.sessionId });
    });
    socket.on("session_confirm", (confirmed) => {
      const id = typeof confirmed === "object" && confirmed ? confirmed.session_id : confirmed;
      this.history.sessionId = id;
      this.sessionId = id;
      this.view.setStatus(null);
      for (const resolve of this.waiting.splice(0)) resolve(id);
    });
    socket.on("disconnect", () => {
      this.sessionId = null;
      this.view.setStatus(LABELS.offline);
    });
    socket.on("connect_error", () => this.view.setStatus(LABELS.offline));
    socket.on("bot_uttered", (message) => this.receive(message));
  }

  /** Resolves with the confirmed session id (at once when there is one). */
  whenReady() {
    this.connect();
    if (this.sessionId) return Promise.resolve(this.sessionId);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  addEntry(entry, options) {
    this.history.add(entry);
    this.view.show(entry, options);
  }

  /** Send `message` to the bot; the chat shows `shown` (a button's title, not its payload). */
  send(message, shown) {
    this.view.clearQuickReplies();
    this.addEntry({ who: "user", text: shown });
    this.view.setTyping(true);
    this.whenReady().then((id) => this.socket.emit("user_uttered", { message, session_id: id }));
  }

  receive(message) {
    if (!message || typeof message !== "object") return;
    const entry = { who: "bot" };
    if (typeof message.text === "string" && message.text) entry.text = message.text;
    const image = this.imageOf(message);
    if (image) entry.image = image;
    if (Array.isArray(message.quick_replies)) {
      entry.buttons = message.quick_replies
        .filter((reply) => reply && typeof reply.title === "string")
        .map((reply) => ({ title: reply.title, payload: String(reply.payload ?? reply.title) }));
    }
    if (!entry.text && !entry.image) return;
    this.view.setTyping(false);
    this.view.clearQuickReplies();
    this.addEntry(entry, { interactive: true });
    this.view.markUnread();
  }

  /** An image the bot sent (Rasa's `attachment`), only over http(s). */
  imageOf(message) {
    const attachment = message.attachment;
    const src =
      attachment && attachment.type === "image" && attachment.payload
        ? attachment.payload.src
        : message.image;
    if (typeof src !== "string") return null;
    try {
      const url = new URL(src, this.base);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  async uploadAll(files) {
    for (const file of files) await this.upload(file);
  }

  /** One photo to the current report; the bot's answer (or refusal) appears in the chat. */
  async upload(file) {
    this.view.clearQuickReplies();
    const name = file.name || "photo";
    this.addEntry({ who: "user", text: LABELS.photoSent(name) }, { preview: URL.createObjectURL(file) });
    this.view.setTyping(true, LABELS.uploading);
    let replies = [];
    let refusal = null;
    try {
      const form = new FormData();
      form.append("sender", await this.whenReady());
      form.append("photo", file, name);
      const response = await fetch(`${this.base}webhooks/photos/upload`, {
        method: "POST",
        body: form,
      });
      const body = await response.json().catch(() => null);
      if (response.ok && body && body.ok) {
        replies = (body.messages || []).filter((text) => typeof text === "string" && text);
      } else {
        refusal = (body && typeof body.message === "string" && body.message) || LABELS.uploadFailed;
      }
    } catch {
      refusal = LABELS.uploadFailed;
    }
    this.view.setTyping(false);
    for (const text of replies) this.addEntry({ who: "bot", text });
    if (refusal) this.addEntry({ who: "bot", text: refusal, error: true });
  }
}

if (!window.__chexianChatWidget) {
  const script = ownScript();
  const start = () => {
    window.__chexianChatWidget = window.__chexianChatWidget || new ChatWidget(script);
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
}
