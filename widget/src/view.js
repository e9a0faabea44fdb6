// The widget's DOM. Every text from the bot or the customer goes in with
// textContent, never innerHTML: a message is shown, never interpreted.
import { LABELS } from "./labels.js";

const TYPING_TIMEOUT_MS = 30000; // the bot may stay silent (e.g. it only listens)

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A camera drawn as SVG: an emoji needs a font that not every device has.
function cameraIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const body = document.createElementNS(ns, "path");
  body.setAttribute("d", "M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z");
  const lens = document.createElementNS(ns, "circle");
  lens.setAttribute("cx", "12");
  lens.setAttribute("cy", "13");
  lens.setAttribute("r", "4");
  svg.append(body, lens);
  return svg;
}

function button(className, text, label) {
  const node = el("button", className, text);
  node.type = "button";
  if (label) {
    node.title = label;
    node.setAttribute("aria-label", label);
  }
  return node;
}

export class ChatView {
  /**
   * @param {{title: string, onSend: (text: string) => void,
   *   onQuickReply: (reply: {title: string, payload: string}) => void,
   *   onPhotos: (files: File[]) => void, onToggle: (open: boolean) => void}} handlers
   */
  constructor({ title, onSend, onQuickReply, onPhotos, onToggle }) {
    this.onQuickReply = onQuickReply;
    this.onToggle = onToggle;
    this.typingTimer = null;

    this.root = el("div", "cxw-root");
    this.launcher = button("cxw-launcher", LABELS.open);
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.addEventListener("click", () => this.toggle(true));

    this.panel = el("section", "cxw-panel");
    this.panel.setAttribute("role", "dialog");
    this.panel.setAttribute("aria-label", title);
    this.panel.hidden = true;

    const header = el("header", "cxw-header");
    const heading = el("div", "cxw-heading");
    heading.append(el("h2", "cxw-title", title), el("p", "cxw-subtitle", LABELS.subtitle));
    const close = button("cxw-close", "×", LABELS.close);
    close.addEventListener("click", () => this.toggle(false));
    header.append(heading, close);

    this.status = el("div", "cxw-status");
    this.status.hidden = true;
    this.log = el("div", "cxw-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.hint = el("p", "cxw-hint", LABELS.hint);
    this.typing = el("div", "cxw-msg cxw-msg-bot cxw-typing", LABELS.typing);
    this.typing.hidden = true;
    this.log.append(this.hint, this.typing);

    const form = el("form", "cxw-compose");
    this.fileInput = el("input", "cxw-file");
    this.fileInput.type = "file";
    this.fileInput.accept = "image/*";
    this.fileInput.setAttribute("capture", "environment"); // phones open the rear camera
    this.fileInput.hidden = true;
    this.fileInput.addEventListener("change", () => {
      const files = Array.from(this.fileInput.files || []);
      this.fileInput.value = ""; // the same photo may be chosen again later
      if (files.length) onPhotos(files);
    });
    const photo = button("cxw-photo", undefined, LABELS.photo);
    photo.append(cameraIcon());
    photo.addEventListener("click", () => this.fileInput.click());
    this.input = el("input", "cxw-input");
    this.input.type = "text";
    this.input.placeholder = LABELS.placeholder;
    this.input.maxLength = 500;
    this.input.autocomplete = "off";
    this.input.setAttribute("enterkeyhint", "send");
    this.input.setAttribute("aria-label", LABELS.placeholder);
    const send = el("button", "cxw-send", LABELS.send);
    send.type = "submit";
    form.append(photo, this.fileInput, this.input, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      onSend(text);
    });

    this.panel.append(header, this.status, this.log, form);
    this.root.append(this.launcher, this.panel);
    document.body.append(this.root);
  }

  /** Show or hide the panel; `onToggle` hears about it. */
  toggle(open) {
    if (open) this.launcher.classList.remove("cxw-unread");
    this.panel.hidden = !open;
    this.launcher.hidden = open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.root.classList.toggle("cxw-open", open);
    this.onToggle(open);
    if (open) {
      this.scrollToEnd();
      this.input.focus({ preventScroll: true });
    }
  }

  /** One chat bubble. `interactive` adds the entry's quick-reply buttons. */
  show(entry, { interactive = false, preview = null } = {}) {
    this.hint.hidden = true;
    const classes = ["cxw-msg", `cxw-msg-${entry.who === "user" ? "user" : "bot"}`];
    if (entry.error) classes.push("cxw-msg-error");
    const bubble = el("div", classes.join(" "));
    if (entry.text) bubble.append(el("p", "cxw-text", entry.text));
    const src = entry.image || preview;
    if (src) {
      const image = el("img", "cxw-image");
      image.alt = LABELS.image;
      image.src = src;
      if (preview) image.addEventListener("load", () => URL.revokeObjectURL(preview));
      bubble.append(image);
    }
    this.log.insertBefore(bubble, this.typing);
    if (interactive && entry.buttons && entry.buttons.length) {
      const replies = el("div", "cxw-quick");
      for (const reply of entry.buttons) {
        const choice = button("cxw-quick-reply", reply.title);
        choice.addEventListener("click", () => this.onQuickReply(reply));
        replies.append(choice);
      }
      this.log.insertBefore(replies, this.typing);
    }
    this.scrollToEnd();
  }

  /** A bot message arrived while the panel is closed (an agent may answer later). */
  markUnread() {
    if (this.panel.hidden) this.launcher.classList.add("cxw-unread");
  }

  /** Quick replies belong to the newest bot message only; anything new removes them. */
  clearQuickReplies() {
    for (const replies of this.log.querySelectorAll(".cxw-quick")) replies.remove();
  }

  setStatus(text) {
    this.status.hidden = !text;
    this.status.textContent = text || "";
  }

  setTyping(on, text = LABELS.typing) {
    clearTimeout(this.typingTimer);
    this.typing.textContent = text;
    this.typing.hidden = !on;
    if (on) {
      this.typingTimer = setTimeout(() => (this.typing.hidden = true), TYPING_TIMEOUT_MS);
      this.scrollToEnd();
    }
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
