// The agent console. Every customer text goes into the page with textContent,
// never parsed as markup: whatever a customer types stays text.
"use strict";

const state = {csrf: null, selected: null, me: null};

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

async function api(path, options = {}) {
  const headers = {"Content-Type": "application/json"};
  if (options.method && options.method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  const answer = await fetch(path, {...options, headers, credentials: "same-origin"});
  if (answer.status === 401) {
    window.location.assign("/login");
    throw new Error("not logged in");
  }
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) throw new Error(body.error || `HTTP ${answer.status}`);
  return body;
}

function notice(message) {
  document.getElementById("notice").textContent = message || "";
}

function minutes(seconds) {
  return `${Math.max(0, Math.floor(seconds / 60))} 分钟`;
}

function ticketItem(ticket) {
  const item = el("li", null, ticket.priority === "urgent" ? "urgent" : "");
  if (state.selected === ticket.id) item.classList.add("selected");
  const who = ticket.customer_name ? `${ticket.customer_name}（已核实）` : "未核实客户";
  item.append(el("strong", `#${ticket.id} ${ticket.reason_label}`), el("br"), el("span", who));
  if (ticket.position) item.append(el("div", `第 ${ticket.position} 位 · 已等 ${minutes(ticket.waiting_seconds)}`));
  if (ticket.callback) item.append(el("div", `回电 ${ticket.callback.phone} · ${ticket.callback.preferred_time}`));
  item.addEventListener("click", () => select(ticket.id));
  return item;
}

function fill(listId, tickets) {
  const list = document.getElementById(listId);
  list.replaceChildren(...tickets.map(ticketItem));
}

async function refreshQueue() {
  const queue = await api("/api/queue");
  fill("waiting", queue.waiting);
  fill("mine", queue.mine);
  fill("callbacks", queue.callbacks);
  document.getElementById("online").textContent = `在线客服 ${queue.agents_online} 人`;
  await refreshAftersales();
}

// After-sales requests (保全): staff carry them out elsewhere, then mark them done here.
function aftersalesItem(request) {
  const item = el("li");
  item.append(
    el("strong", `${request.request_number} ${request.kind_label}`), el("br"),
    el("span", `${request.customer_name}（${request.plates.join("、")}）`),
  );
  if (request.detail) item.append(el("div", `新内容：${request.detail}`));
  const done = el("button", "已办结");
  done.type = "button";
  done.addEventListener("click", async () => {
    try {
      await api(`/api/aftersales/${request.id}/done`, {method: "POST"});
      await refreshAftersales();
    } catch (error) {
      notice(error.message);
    }
  });
  item.append(done);
  return item;
}

async function refreshAftersales() {
  const answer = await api("/api/aftersales");
  document.getElementById("aftersales").replaceChildren(...answer.open.map(aftersalesItem));
}

function factsBlock(title, lines) {
  const block = el("div");
  block.append(el("h3", title), el("p", lines.filter((line) => line).join("\n")));
  return block;
}

function showTicket(ticket) {
  document.getElementById("conversation").hidden = false;
  const head = document.getElementById("ticket-head");
  const status = {waiting: "排队中", accepted: `已接入（${ticket.agent}）`, closed: "已结束", callback: "待回电"};
  head.replaceChildren(el("h2", `#${ticket.id} ${ticket.reason_label} · ${status[ticket.status] || ticket.status}`));
  const customer = ticket.customer;
  document.getElementById("customer").replaceChildren(factsBlock("客户", customer ? [
    `${customer.name}（${customer.kind}，身份已核实）`, `手机 ${customer.phone}`, `车牌 ${customer.plates.join("、")}`,
  ] : ["身份未核实"]));
  const report = ticket.report;
  document.getElementById("report").replaceChildren(factsBlock("报案", report ? [
    `报案号 ${report.report_number} · ${report.status}`, `时间 ${report.accident_at}`, `地点 ${report.location}`,
    `${report.two_vehicle ? "双方事故" : "单方事故"} · ${report.anyone_injured ? "有人受伤" : "无人受伤"} · ${report.drivable ? "能行驶" : "不能行驶"}`,
    (report.own_loss === null ? "本车损失待定损" : `本车损失 ${report.own_loss} 元`) +
      (report.two_vehicle
        ? report.third_party_loss === null ? " · 对方损失待定损" : ` · 对方 ${report.third_party_loss} 元`
        : ""),
    `经过 ${report.description}`,
  ] : ["本次对话没有报案"]));
  const policy = ticket.policy;
  document.getElementById("policy").replaceChildren(factsBlock("保单", policy ? [
    `${policy.policy_number} · ${policy.plate}`, policy.period, policy.cover,
  ] : ["—"]));
  const photos = document.getElementById("photos");
  photos.replaceChildren(...(ticket.photos || []).map((photo) => {
    const image = el("img");
    image.src = photo.url;  // our own URL, from the server
    image.alt = photo.checklist_item || "照片";
    return image;
  }));
  const lines = (ticket.transcript || []).map((line) => {
    const item = el("li", null, line.who);
    const label = {customer: "客户", bot: "机器人", agent: line.agent || "客服"}[line.who];
    item.append(el("span", label, "who"), el("span", line.kind === "photo" ? "[发送了一张照片]" : line.text));
    return item;
  });
  const transcript = document.getElementById("transcript");
  const atBottom = transcript.scrollTop + transcript.clientHeight >= transcript.scrollHeight - 5;
  transcript.replaceChildren(...lines);
  if (atBottom) transcript.scrollTop = transcript.scrollHeight;
  notice(ticket.transcript_error);
  const mine = ticket.status === "accepted" && ticket.agent === state.me.display_name;
  document.getElementById("accept").hidden = ticket.status !== "waiting";
  for (const id of ["handback", "close"]) document.getElementById(id).hidden = !mine;
  document.querySelector("#reply-form button[type=submit]").disabled = !mine;
}

async function refreshTicket() {
  if (state.selected === null) return;
  showTicket(await api(`/api/tickets/${state.selected}`));
}

async function select(ticketId) {
  state.selected = ticketId;
  notice("");
  await refreshTicket();
  await refreshQueue();
}

async function act(action) {
  try {
    await api(`/api/tickets/${state.selected}/${action}`, {method: "POST"});
    await refreshTicket();
    await refreshQueue();
  } catch (error) {
    notice(error.message);
  }
}

async function start() {
  state.me = await api("/api/me");
  state.csrf = state.me.csrf_token;
  document.getElementById("agent-name").textContent = state.me.display_name;
  document.getElementById("logout").addEventListener("click", async () => {
    await api("/api/logout", {method: "POST"});
    window.location.assign("/login");
  });
  document.getElementById("accept").addEventListener("click", () => act("accept"));
  document.getElementById("handback").addEventListener("click", () => act("handback"));
  document.getElementById("close").addEventListener("click", () => act("close"));
  const form = document.getElementById("reply-form");
  form.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = form.text.value.trim();
    if (!text) return;
    try {
      await api(`/api/tickets/${state.selected}/reply`, {method: "POST", body: JSON.stringify({text})});
      form.text.value = "";
      await refreshTicket();
    } catch (error) {
      notice(error.message);
    }
  });
  const beat = () => api("/api/heartbeat", {method: "POST"}).catch(() => {});
  await beat();
  setInterval(beat, 10000);
  await refreshQueue();
  setInterval(() => refreshQueue().catch(() => {}), 2000);
  setInterval(() => refreshTicket().catch(() => {}), 2000);
}

start();
