/// The review room's script (served as `/app.js`): it draws `/api/board`, follows `/api/events`, and takes decisions
/// with the keys `ReviewPage` lists. Plain JavaScript, no library: the page works offline.
enum ReviewScript {
    static let source = #"""
'use strict';
// The review room: draws /api/board, follows /api/events, takes decisions with the keys a reviewer expects.
// Everything from the board is put on the page as text (textContent), never as HTML.
const token = document.querySelector('meta[name="review-token"]').content;
const board = document.getElementById('board');
let data = null;
let filter = 'all';
let current = { shot: null, take: {} };
const history = [];

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.textContent = ''; }, 4000);
}

async function load() {
  const response = await fetch('/api/board', { cache: 'no-store' });
  if (!response.ok) { toast('could not read the board: ' + response.status); return; }
  data = await response.json();
  render();
}

function shots() { return data ? data.scenes.flatMap(s => s.shots) : []; }
function findShot(id) { return shots().find(s => s.id === id); }
function money(value) { return value == null ? '?' : '$' + Number(value).toFixed(4); }

function matches(take) {
  switch (filter) {
    case 'review': return take.state === 'completed' && !take.approved && !take.retake;
    case 'approved': return take.approved;
    case 'retake': return !!take.retake;
    case 'failed': return ['failed', 'expired', 'blocked', 'unknown_outcome', 'download_failed', 'cancelled'].includes(take.state);
    default: return true;
  }
}

function takeElement(shot, take, index) {
  const node = el('article', { class: 'take', 'data-job': take.job, 'data-state': take.state, 'aria-selected': 'false', tabindex: '-1' });
  node.append(el('div', { class: 'title' }, (index + 1) + '. ' + take.job));
  const badges = el('div', { class: 'badges' });
  badges.append(el('span', { class: 'badge state-' + take.state }, take.state.replace(/_/g, ' ')));
  if (take.picked) badges.append(el('span', { class: 'badge picked' }, 'picked'));
  if (take.approved) badges.append(el('span', { class: 'badge approved' }, 'approved'));
  if (take.retake) badges.append(el('span', { class: 'badge retake' }, 'retake ~' + take.retake.take + (take.retake.note ? ': ' + take.retake.note : '')));
  node.append(badges);
  for (const media of take.media) {
    let player;
    if (media.kind === 'image') player = el('img', { src: media.url, alt: take.job });
    else if (media.kind === 'audio') player = el('audio', { src: media.url, controls: '', preload: 'none' });
    else player = el('video', { src: media.url, controls: '', preload: 'metadata', playsinline: '' });
    node.append(player);
  }
  if (take.inputs.length) {
    const inputs = el('div', { class: 'inputs' });
    for (const input of take.inputs) {
      if (input.url && input.kind === 'image') inputs.append(el('img', { src: input.url, alt: input.field, title: input.field }));
      else if (input.job) inputs.append(el('span', {}, input.field + ': from ' + input.job + ' '));
      else inputs.append(el('span', {}, input.field + (input.link ? ': ' + input.link : '') + ' '));
    }
    node.append(inputs);
  }
  if (take.prompt) node.append(el('p', { class: 'prompt' }, take.prompt));
  for (const segment of take.segments) node.append(el('p', { class: 'prompt' }, segment.duration + ' s: ' + segment.prompt));
  node.append(el('div', { class: 'meta' }, [take.model, take.duration + ' s', 'cost ' + money(take.cost != null ? take.cost : take.estimated_cost),
    take.request_id || 'not submitted'].join(' · ')));
  if (take.error) node.append(el('div', { class: 'error' }, take.error.code + ': ' + take.error.message));
  if (take.waiting_on.length) node.append(el('div', { class: 'wait' }, (take.state === 'awaiting_approval' ? 'waits for an approval of ' : 'waits on ') + take.waiting_on.join(', ')));
  if (take.blocked_by) node.append(el('div', { class: 'wait' }, 'blocked: ' + take.blocked_by.job + ' is ' + take.blocked_by.state));
  for (const note of take.notes) node.append(el('div', { class: 'notes' }, '“' + note.text + '” — ' + (note.by || '')));
  const actions = el('div', { class: 'actions' });
  const button = (label, action) => { const b = el('button', { 'data-decision': action }, label); b.addEventListener('click', e => { e.stopPropagation(); select(shot.id, index); act(action); }); actions.append(b); };
  button('Pick', 'pick'); button('Approve', 'approve'); button('Retake', 'retake'); button('Note', 'note'); button('In context', 'context');
  node.append(actions);
  node.addEventListener('click', () => select(shot.id, index));
  return node;
}

// The board is brought up to date in place on every change: a take whose content is the same keeps its element,
// never leaving the page (a clip that plays goes on playing); a changed take's element is replaced.
function place(parent, node, index) {
  if (parent.children[index] !== node) parent.insertBefore(node, parent.children[index] || null);
}

function child(parent, selector, make) {
  return [...parent.children].find(node => node.matches(selector)) || make();
}

function render() {
  const counts = Object.entries(data.counts).map(([state, n]) => n + ' ' + state.replace(/_/g, ' ')).join(', ');
  document.getElementById('progress').textContent = data.total + ' jobs: ' + counts;
  document.getElementById('spend').textContent = 'spent ' + money(data.spent);
  const sections = [];
  data.scenes.forEach((scene, sceneIndex) => {
    const section = child(board, '[data-scene="' + CSS.escape(scene.id) + '"]', () => {
      const made = el('section', { class: 'scene', 'data-scene': scene.id });
      if (scene.id) made.append(el('h2', {}, scene.id));
      return made;
    });
    place(board, section, sceneIndex);
    sections.push(section);
    const offset = scene.id ? 1 : 0;
    const kept = [];
    scene.shots.forEach((shot, shotIndex) => {
      const node = child(section, '[data-shot="' + CSS.escape(shot.id) + '"]', () => {
        const made = el('section', { class: 'shot', 'data-shot': shot.id, 'aria-current': 'false' });
        made.append(el('h3', {}, shot.id), el('div', { class: 'takes' }));
        return made;
      });
      place(section, node, offset + shotIndex);
      kept.push(node);
      const takes = node.querySelector('.takes');
      shot.takes.forEach((take, index) => {
        const sign = JSON.stringify(take);
        let use = [...takes.children].find(t => t.dataset.job === take.job);
        if (!use || use.dataset.sign !== sign) {
          const made = takeElement(shot, take, index);
          made.dataset.sign = sign;
          if (use) use.replaceWith(made);
          use = made;
        }
        use.hidden = !matches(take);
        place(takes, use, index);
      });
      while (takes.children.length > shot.takes.length) takes.lastElementChild.remove();
      node.hidden = shot.takes.every(t => !matches(t));
      node.classList.toggle('multi', shot.takes.length > 1);
    });
    for (const node of [...section.querySelectorAll(':scope > .shot')]) if (!kept.includes(node)) node.remove();
  });
  for (const node of [...board.children]) if (!sections.includes(node)) node.remove();
  if (!current.shot || !findShot(current.shot)) { const first = visibleShots()[0]; if (first) arrive(first.id); }
  mark();
}

function visibleShots() {
  return shots().filter(shot => { const node = board.querySelector('[data-shot="' + CSS.escape(shot.id) + '"]'); return node && !node.hidden; });
}

// On arriving at a shot: its picked take, else its first.
function arrive(id) {
  const shot = findShot(id);
  if (!shot) return;
  current.shot = id;
  const picked = shot.takes.findIndex(t => t.picked);
  current.take[id] = picked >= 0 ? picked : 0;
}

function select(shotID, index) { current.shot = shotID; current.take[shotID] = index; mark(); }

function mark() {
  for (const node of board.querySelectorAll('.shot')) {
    const on = node.dataset.shot === current.shot;
    node.setAttribute('aria-current', on ? 'true' : 'false');
    [...node.querySelectorAll('.take')].forEach((take, index) => take.setAttribute('aria-selected', on && index === current.take[current.shot] ? 'true' : 'false'));
  }
  const node = currentTakeNode();
  if (node) node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

function currentTake() { const shot = findShot(current.shot); return shot ? shot.takes[current.take[current.shot] || 0] : null; }
function currentTakeNode() { const take = currentTake(); return take ? board.querySelector('[data-job="' + CSS.escape(take.job) + '"]') : null; }
function player() { const node = currentTakeNode(); return node ? node.querySelector('video, audio') : null; }

async function decide(action, job, note, quiet) {
  const response = await fetch('/api/decide', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Review-Token': token },
    body: JSON.stringify({ action, job, note: note || '' }),
  });
  const answer = await response.json().catch(() => ({ message: 'HTTP ' + response.status }));
  if (!quiet) toast(answer.message || answer.error || '');
  if (response.ok) await load();
  // Whether a decision was recorded (an approval already given records none, and leaves nothing to undo).
  return response.ok && answer.recorded === true;
}

// The retake a shot has asked for and no run has rendered yet (its note), if any.
function pendingRetake(shot) {
  return shot.takes.map(t => t.retake).find(r => r && !shot.takes.some(t => t.take === r.take)) || null;
}

async function act(action, argument) {
  const take = currentTake();
  if (!take) return;
  const shot = findShot(current.shot);
  if (action === 'pick') {
    const index = argument === undefined ? current.take[current.shot] : argument;
    const chosen = shot.takes[index];
    if (!chosen) return;
    const before = shot.takes.find(t => t.picked);
    if (await decide('pick', chosen.job)) history.push(before ? ['pick', before.job] : ['unpick', chosen.job]);
    select(shot.id, index);
  } else if (action === 'approve') {
    if (await decide('approve', take.job)) history.push(['unapprove', take.job]);
  } else if (action === 'retake' || action === 'note') {
    openNote(action, shot, take);
  } else if (action === 'context') {
    playInContext();
  }
}

function openNote(action, shot, take) {
  const dialog = document.getElementById('note-dialog');
  document.getElementById('note-label').textContent = action === 'retake' ? 'What should the retake of ' + shot.id + ' change?' : 'Note on ' + take.job;
  document.getElementById('note-text').value = '';
  dialog.dataset.action = action;
  dialog.dataset.job = action === 'retake' ? shot.id : take.job;
  const pending = action === 'retake' ? pendingRetake(shot) : null;
  dialog.dataset.before = pending ? pending.note : '';
  dialog.dataset.hadRetake = pending ? 'yes' : '';
  // Escape closes the dialog without a value: nothing is sent.
  dialog.returnValue = '';
  dialog.showModal();
  document.getElementById('note-text').focus();
}

document.getElementById('note-dialog').addEventListener('close', async event => {
  const dialog = event.target;
  if (dialog.returnValue !== 'ok') return;
  const note = document.getElementById('note-text').value;
  const recorded = await decide(dialog.dataset.action, dialog.dataset.job, note);
  if (recorded && dialog.dataset.action === 'retake') {
    // Undo gives back the earlier note of a retake asked before, else withdraws it.
    history.push(dialog.dataset.hadRetake ? ['retake', dialog.dataset.job, dialog.dataset.before] : ['unretake', dialog.dataset.job]);
  }
});

async function undo() {
  const last = history.pop();
  if (!last) { toast('nothing to undo'); return; }
  await decide(last[0], last[1], last[2] || '', true);
  toast('undone (notes are kept: they cannot be undone)');
}

// J plays backwards (a step back every frame's time; again: faster); K or space stops it.
let reverse = null;
function stopReverse() { if (reverse) { clearInterval(reverse.timer); reverse = null; } }
function playBackwards(media) {
  media.pause();
  const speed = reverse ? Math.min(4, reverse.speed * 2) : 1;
  stopReverse();
  reverse = { speed, timer: setInterval(() => {
    media.currentTime = Math.max(0, media.currentTime - frame * speed);
    if (media.currentTime <= 0) stopReverse();
  }, 1000 / 24) };
}

function moveShot(step) {
  const list = visibleShots();
  if (!list.length) return;
  const at = list.findIndex(s => s.id === current.shot);
  const next = list[Math.min(list.length - 1, Math.max(0, (at < 0 ? 0 : at) + step))];
  arrive(next.id);
  mark();
}

function moveTake(step) {
  const shot = findShot(current.shot);
  if (!shot) return;
  current.take[shot.id] = Math.min(shot.takes.length - 1, Math.max(0, (current.take[shot.id] || 0) + step));
  mark();
}

const frame = 1 / 24;
document.addEventListener('keydown', event => {
  if (event.target.closest('textarea, input, dialog') || event.ctrlKey || event.metaKey || event.altKey) return;
  const media = player();
  const key = event.key;
  if (key === 'ArrowDown') moveShot(1);
  else if (key === 'ArrowUp') moveShot(-1);
  else if (key === 'ArrowRight') moveTake(1);
  else if (key === 'ArrowLeft') moveTake(-1);
  else if (/^[1-9]$/.test(key)) act('pick', Number(key) - 1);
  else if (key === 'a' || key === 'A') act('approve');
  else if (key === 'r' || key === 'R') act('retake');
  else if (key === 'n' || key === 'N') act('note');
  else if (key === 'c' || key === 'C') act('context');
  else if (key === 'u' || key === 'U') undo();
  else if (key === '?') document.getElementById('help').hidden = !document.getElementById('help').hidden;
  else if (media && (key === ' ' || key === 'k' || key === 'K')) { const wasReverse = !!reverse; stopReverse(); if (key === ' ' && media.paused && !wasReverse) media.play(); else media.pause(); }
  else if (media && (key === 'l' || key === 'L')) { stopReverse(); media.playbackRate = media.paused ? 1 : Math.min(4, media.playbackRate * 2); media.play(); }
  else if (media && (key === 'j' || key === 'J')) { playBackwards(media); }
  else if (media && key === ',') { stopReverse(); media.pause(); media.currentTime = Math.max(0, media.currentTime - frame); }
  else if (media && key === '.') { stopReverse(); media.pause(); media.currentTime = media.currentTime + frame; }
  else return;
  event.preventDefault();
});

// In context: the previous shot's last seconds, the take, the next shot's first seconds.
function cutTake(shot) { return shot && (shot.takes.find(t => t.picked && t.media.length) || shot.takes.find(t => t.state === 'completed' && t.media.length)); }
function playInContext() {
  const list = shots();
  const at = list.findIndex(s => s.id === current.shot);
  const take = currentTake();
  if (!take || !take.media.length) { toast('this take has no clip yet'); return; }
  const before = cutTake(list[at - 1]), after = cutTake(list[at + 1]);
  const parts = [];
  if (before) parts.push({ url: before.media[0].url, from: Math.max(0, before.duration - 2), to: before.duration });
  parts.push({ url: take.media[0].url, from: 0, to: take.duration || 1e9 });
  if (after) parts.push({ url: after.media[0].url, from: 0, to: 2 });
  const box = document.getElementById('context');
  const video = document.getElementById('context-video');
  box.hidden = false;
  let index = -1;
  const next = () => {
    index += 1;
    if (index >= parts.length) { video.pause(); return; }
    video.src = parts[index].url;
    video.onloadedmetadata = () => { video.currentTime = parts[index].from; video.play(); };
  };
  video.ontimeupdate = () => { if (index < parts.length && video.currentTime >= parts[index].to) next(); };
  video.onended = next;
  next();
}
document.getElementById('context-close').addEventListener('click', () => { document.getElementById('context').hidden = true; document.getElementById('context-video').pause(); });

document.getElementById('help-button').addEventListener('click', () => { document.getElementById('help').hidden = !document.getElementById('help').hidden; });
for (const button of document.querySelectorAll('[data-filter]')) {
  button.addEventListener('click', () => {
    filter = button.dataset.filter;
    for (const other of document.querySelectorAll('[data-filter]')) other.setAttribute('aria-pressed', other === button ? 'true' : 'false');
    render();
  });
}

document.querySelector('[data-action="assemble"]').addEventListener('click', async () => {
  toast('assembling the cut...');
  const response = await fetch('/api/assemble', { method: 'POST', headers: { 'X-Review-Token': token } });
  const answer = await response.json().catch(() => ({ message: 'HTTP ' + response.status }));
  if (!response.ok) { toast(answer.message || 'the cut could not be made'); return; }
  const cut = document.getElementById('cut');
  cut.hidden = false;
  const video = document.getElementById('cut-video');
  video.src = answer.video + '?v=' + Date.now();
  const files = document.getElementById('cut-files');
  files.replaceChildren(...answer.files.map(file => { const a = el('a', { href: file.url, download: file.name }, file.name); return a; }).flatMap(a => [a, document.createTextNode(' ')]));
  toast(answer.message || 'the cut is ready');
  video.play().catch(() => {});
});

const events = new EventSource('/api/events');
events.onmessage = () => load();
load();
"""#
}
