// The script of live's page, served as a file of its own so the page's
// Content-Security-Policy allows no inline script.
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
$("topics").value = params.get("topics") || "";
$("token").value = params.get("token") || "";
let live;
function show(topic, value) {
  let el = document.getElementById("t:" + topic);
  if (!el) {
    el = document.createElement("div");
    el.id = "t:" + topic;
    el.className = "topic";
    el.innerHTML = "<h3></h3><pre></pre>";
    el.querySelector("h3").textContent = topic;
    $("values").appendChild(el);
  }
  el.querySelector("pre").textContent = JSON.stringify(value, null, 2);
}
function follow() {
  if (live) live.close();
  $("values").textContent = "";
  const topics = $("topics").value.split(",").map((s) => s.trim()).filter(Boolean);
  if (topics.length === 0) return;
  live = new MohallaLive(topics, {
    url: new URL("../live", location.href).pathname,
    token: $("token").value.trim(),
    onChange(topic, value, event) {
      show(topic, value);
      if (event) $("log").textContent = event.pos + "  " + event.name + "  " + JSON.stringify(event.data) + "\n" + $("log").textContent;
    },
    onError(problem) { $("status").textContent = problem.status + ": " + problem.detail; },
    onStatus(s) { $("status").textContent = s; },
  });
}
$("form").addEventListener("submit", (e) => { e.preventDefault(); follow(); });
follow();
