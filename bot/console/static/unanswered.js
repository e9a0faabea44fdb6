// Unanswered questions for staff. Every customer text goes into the page with
// textContent, never parsed as markup: whatever a customer typed stays text.
"use strict";

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function guessLine(guess) {
  const confidence = guess.confidence === null ? "" : `，置信度 ${guess.confidence.toFixed(2)}`;
  const line = el("div", `${guess.guess}（${guess.count} 次${confidence}）`, "guess");
  if (guess.answer) line.append(el("div", `答：${guess.answer}…`, "answer"));
  return line;
}

function groupRow(group) {
  const row = el("tr");
  const question = el("td", null, "question");
  question.append(el("div", group.text, "text"));
  if (group.unanswered) question.append(el("span", `未能回答 ${group.unanswered}`, "tag unanswered"));
  if (group.low_confidence) question.append(el("span", `把握不大 ${group.low_confidence}`, "tag low"));
  const guesses = el("td");
  guesses.append(...group.guesses.map(guessLine));
  const wordings = el("td");
  wordings.append(...group.wordings.map((wording) => el("div", wording, "wording")));
  row.append(question, el("td", group.count, "count"), el("td", group.first_at), el("td", group.last_at), guesses, wordings);
  return row;
}

async function refresh() {
  const days = document.getElementById("days").value;
  document.getElementById("export").href = `/api/unanswered.csv?days=${encodeURIComponent(days)}`;
  const answer = await fetch(`/api/unanswered?days=${encodeURIComponent(days)}`, {credentials: "same-origin"});
  if (answer.status === 401) {
    window.location.assign("/login");
    return;
  }
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    document.getElementById("notice").textContent = body.error || `HTTP ${answer.status}`;
    return;
  }
  document.getElementById("notice").textContent = "";
  document.getElementById("summary").textContent = `共 ${body.total} 条，${body.groups.length} 组`;
  document.querySelector("#questions tbody").replaceChildren(...body.groups.map(groupRow));
}

document.getElementById("days").addEventListener("change", () => refresh());
refresh();
