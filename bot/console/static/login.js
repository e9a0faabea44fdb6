// Login: JSON to /api/login; the session cookie is HttpOnly, set by the server.
"use strict";
document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const error = document.getElementById("login-error");
  error.textContent = "";
  const answer = await fetch("/api/login", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: form.username.value, password: form.password.value}),
  });
  if (answer.ok) {
    window.location.assign("/");
  } else {
    const body = await answer.json().catch(() => ({}));
    error.textContent = body.error || "登录失败，请重试";
  }
});
