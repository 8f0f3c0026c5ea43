"use strict";
const data = JSON.parse(document.getElementById("steps").textContent);
const steps = data.steps;
const valueLine = data.valueLine || "grad", messageLine = data.messageLine || "msg";  // forward mode: v̇
const svg = document.querySelector("#graph svg");
const whenFinal = {};  // node id -> the step index at which its grad is final
steps.forEach((s, k) => { whenFinal[s.node] = k; });
for (const a of svg.querySelectorAll("a")) a.removeAttributeNS("http://www.w3.org/1999/xlink", "title");  // no spoilers
const lines = (g, prefix) => Array.from(g.querySelectorAll("text")).filter(t => t.textContent.startsWith(prefix));
const original = new Map(), paint = new Map();
for (const t of svg.querySelectorAll("text")) original.set(t, t.textContent);
for (const e of svg.querySelectorAll("g.value text, g.value polygon, g.value path")) {
  paint.set(e, e.getAttribute("fill"));
}
let frame = 0, timer = null;

function show(k) {
  frame = Math.max(0, Math.min(steps.length - 1, k));
  const s = steps[frame];
  for (const g of svg.querySelectorAll("g.value")) {
    const known = whenFinal[g.id] !== undefined && whenFinal[g.id] <= frame;
    for (const t of lines(g, valueLine)) t.textContent = known ? original.get(t) : `${valueLine} ?`;
    for (const [e, colour] of paint) {
      if (!g.contains(e) || !colour || colour === "none") continue;
      e.setAttribute("fill", known ? colour : (e.tagName === "text" ? "#000000" : "#ffffff"));
    }
    g.classList.toggle("current", g.id === s.node);
    g.classList.toggle("sender", s.messages.some(msg => msg.child === g.id));
  }
  for (const g of svg.querySelectorAll("g.edge")) {
    const m = /^e(\d+)_/.exec(g.id);
    const sent = m && whenFinal["v" + m[1]] <= frame;
    for (const t of lines(g, messageLine)) t.textContent = sent ? original.get(t) : `${messageLine} ?`;
    g.classList.remove("incoming");
  }
  for (const msg of s.messages) {
    const e = document.getElementById(msg.edge);
    if (e) e.classList.add("incoming");
  }
  const here = document.getElementById(s.node);
  if (here) here.scrollIntoView({block: "center", inline: "center"});
  document.getElementById("frame").textContent = `step ${frame + 1} of ${steps.length}`;
  document.getElementById("node").textContent = `${s.name} (${s.kind})`;
  const eq = document.getElementById("equation");
  eq.textContent = s.equation;
  eq.dataset.grad = String(s.grad);
  eq.dataset.node = s.node;
  const list = document.getElementById("messages");
  list.replaceChildren(...s.messages.map(msg => {
    const li = document.createElement("li");
    li.textContent = msg.text;
    li.dataset.product = String(msg.product);
    return li;
  }));
  try { history.replaceState(null, "", `#step=${frame + 1}`); } catch (e) { /* some file:// pages refuse */ }
}

const box = document.getElementById("graph");
const READABLE_PX = 9;  // the smallest text the page opens with, in CSS px
const view = svg.viewBox.baseVal, natural = {width: svg.width.baseVal.value, height: svg.height.baseVal.value};
const smallest = Math.min(...Array.from(svg.querySelectorAll("text"), t => parseFloat(t.getAttribute("font-size")) || 14));

function zoom(fitted) {  // the picture's scale: the whole width, or the smallest text READABLE_PX (at most natural size)
  const toWidth = box.clientWidth / natural.width;
  const readable = READABLE_PX / (smallest * natural.width / view.width);
  return fitted ? toWidth : Math.min(1, Math.max(toWidth, readable));
}

function fit(on) {  // fit to the width (an overview), or readable (the graph scrolls)
  box.classList.toggle("fit", on);
  const z = zoom(on);
  svg.style.width = `${natural.width * z}px`;
  svg.style.height = `${natural.height * z}px`;
  document.getElementById("fit").textContent = on ? "Readable size" : "Fit to width";
  const here = document.getElementById(steps[frame].node);
  if (here) here.scrollIntoView({block: "center", inline: "center"});
}

function play() {
  if (timer) { clearInterval(timer); timer = null; document.getElementById("play").textContent = "Play"; return; }
  if (frame === steps.length - 1) show(0);
  document.getElementById("play").textContent = "Pause";
  timer = setInterval(() => { if (frame >= steps.length - 1) play(); else show(frame + 1); }, 1200);
}

document.getElementById("prev").addEventListener("click", () => show(frame - 1));
document.getElementById("next").addEventListener("click", () => show(frame + 1));
document.getElementById("play").addEventListener("click", play);
document.getElementById("fit").addEventListener("click", () => fit(!box.classList.contains("fit")));
document.addEventListener("keydown", e => {
  if (e.key === "ArrowRight") show(frame + 1);
  else if (e.key === "ArrowLeft") show(frame - 1);
  else if (e.key === " ") { e.preventDefault(); play(); }
  else if (e.key === "f") fit(!box.classList.contains("fit"));
});
const asked = /step=(\d+)/.exec(location.hash);
show(asked ? parseInt(asked[1], 10) - 1 : 0);
fit(false);  // readable: text at least READABLE_PX, the graph scrolls; f or the button shows it all
