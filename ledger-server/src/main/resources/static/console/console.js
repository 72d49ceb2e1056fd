// The operator console: plain JavaScript over the service's HTTP API, no framework and no build step.
// The keys typed at login live in sessionStorage (this tab only) and go out as "Authorization: Bearer" on the
// API calls of this page. Everything shown is built with textContent, never innerHTML, so a code, a metadata
// value or a dead letter's payload cannot inject markup.
'use strict';

const STATUS_REFRESH_MS = 5000;
const LIST_LIMIT = 20;
const KEYS = { operator: 'ledger.console.operatorKey', ledger: 'ledger.console.ledgerKey' };
let statusTimer = null;

// ---- small DOM helpers -------------------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

/** An element with attributes and children (strings become text nodes). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(container, ...nodes) {
  container.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined));
}

function table(headers, rows) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c ?? '—'))))));
}

function dl(pairs) {
  return el('dl', {}, pairs.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value ?? '—')]));
}

function badge(status) {
  const s = String(status ?? 'UNKNOWN');
  const kind = s === 'UP' || s === 'RETRIED' || s === 'COMMITTED' ? 'ok'
    : s === 'NOT_RUNNING' ? 'idle' : s === 'UNRESOLVED' ? 'warn' : 'bad';
  return el('span', { className: 'badge ' + kind }, s);
}

function time(iso) {
  return iso ? new Date(iso).toISOString().replace('T', ' ').replace('Z', ' UTC') : '—';
}

function ms(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return value < 1 ? value.toFixed(3) + ' ms' : value < 1000 ? value.toFixed(1) + ' ms' : (value / 1000).toFixed(2) + ' s';
}

// ---- the API ------------------------------------------------------------------------------------------------------

const keys = {
  get operator() { return sessionStorage.getItem(KEYS.operator) || ''; },
  get ledger() { return sessionStorage.getItem(KEYS.ledger) || ''; },
};

/** A failed call: the HTTP status and the problem's code and detail (application/problem+json). */
class ApiProblem extends Error {
  constructor(status, code, detail) {
    super((code ? code + ': ' : '') + (detail || 'HTTP ' + status));
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, key) {
  if (!key) throw new ApiProblem(0, 'NO_KEY', 'log in with a key that may call ' + path);
  let response;
  try {
    response = await fetch(path, { method, headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' } });
  } catch (e) {
    throw new ApiProblem(0, 'UNREACHABLE', 'the service did not answer: ' + e.message);
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (ignored) { body = null; }
  if (!response.ok) {
    throw new ApiProblem(response.status, body && body.code, body && (body.detail || body.title));
  }
  return body;
}

const ledgerGet = (path) => api('GET', path, keys.ledger);
/** Status takes the operator key, else the ledger key (a ledger admin key sees its ledger's part). */
const statusKey = () => keys.operator || keys.ledger;

// ---- login --------------------------------------------------------------------------------------------------------

async function login(event) {
  event.preventDefault();
  const operator = $('operator-key').value.trim();
  const ledger = $('ledger-key').value.trim();
  $('login-error').textContent = '';
  if (!operator && !ledger) {
    $('login-error').textContent = 'Enter an operator key, a ledger key, or both.';
    return;
  }
  // Check each key once, where it applies, before keeping it.
  try {
    if (operator) await api('GET', '/v1/admin/ledgers', operator);
    if (ledger) await api('GET', '/v1/accounts?limit=1', ledger);
  } catch (problem) {
    $('login-error').textContent = 'Login refused: ' + problem.message;
    return;
  }
  if (operator) sessionStorage.setItem(KEYS.operator, operator); else sessionStorage.removeItem(KEYS.operator);
  if (ledger) sessionStorage.setItem(KEYS.ledger, ledger); else sessionStorage.removeItem(KEYS.ledger);
  $('operator-key').value = '';
  $('ledger-key').value = '';
  enter();
}

function logout() {
  sessionStorage.removeItem(KEYS.operator);
  sessionStorage.removeItem(KEYS.ledger);
  clearInterval(statusTimer);
  statusTimer = null;
  $('console').hidden = true;
  $('session').hidden = true;
  $('login-panel').hidden = false;
  for (const id of ['status', 'dead-letters', 'account-results', 'account-detail', 'journey', 'trace']) show($(id));
}

function enter() {
  $('login-panel').hidden = true;
  $('console').hidden = false;
  $('session').hidden = false;
  $('session-keys').textContent = 'Logged in with ' + [keys.operator && 'the operator key', keys.ledger && 'a ledger key']
    .filter(Boolean).join(' and ');
  refreshStatus();
  clearInterval(statusTimer);
  statusTimer = setInterval(refreshStatus, STATUS_REFRESH_MS);
  loadDeadLetters();
}

// ---- status -------------------------------------------------------------------------------------------------------

async function refreshStatus() {
  if (!statusKey()) {
    $('status-error').textContent = 'The status needs the operator key or a ledger admin key.';
    return;
  }
  try {
    const s = await api('GET', '/v1/admin/status', statusKey());
    $('status-error').textContent = '';
    $('status-updated').textContent = 'at ' + time(s.at) + ', every ' + STATUS_REFRESH_MS / 1000 + ' s';
    renderStatus(s);
  } catch (problem) {
    $('status-error').textContent = 'Status not available: ' + problem.message;
  }
}

function renderStatus(s) {
  const p = s.projections;
  const r = s.reconciliation;
  const tiles = el('div', { className: 'tiles' },
    tile('Health', badge(s.health), s.scope === 'LEDGER' ? 'ledger ' + s.ledgerId : 'whole instance'),
    tile('Queue depth', s.engine.queueDepth, 'of ' + s.engine.queueSubmissionsMax + ' submissions'),
    tile('Event-log backlog', s.eventLog.relayRunning ? s.eventLog.backlogChanges : 'relay not running here',
      s.eventLog.relayRunning ? 'changes, oldest ' + (s.eventLog.backlogAgeSeconds ?? 0).toFixed(1) + ' s ago' : ''),
    tile('Consumer lag', p.projectorRunning ? p.lagRecords : 'projector not running here', p.projectorRunning ? 'records' : ''),
    tile('Dead letters', s.deadLetters.unresolved ?? '—', s.deadLetters.unresolved === null ? s.deadLetters.detail : 'unresolved'),
    tile('Reconciliation', badge(r.status), r.running
      ? r.mismatches + ' mismatches; last clean ' + (r.lastCleanAgeSeconds < 0 ? 'never' : r.lastCleanAgeSeconds.toFixed(0) + ' s ago')
      : 'not running here'),
    tile('Stuck sagas', s.sagas.stuck ?? '—', s.sagas.stuck === null
      ? 'transfers between ledgers cross ledgers: operator key only' : 'transfers between ledgers past their deadline'));
  const roles = table(['role', 'status', ''], s.roles.map((role) => [role.role, badge(role.status), role.detail]));
  const models = table(['read model', 'last sequence applied'], p.readModels.map((m) => [m.readModel, m.lastSeq]));
  const progress = p.ledger
    ? el('p', {}, 'Your ledger: journal at sequence ' + p.ledger.lastSeq + ', read models at ' + p.ledger.projectedSeq
      + ' (' + (p.ledger.lastSeq - p.ledger.projectedSeq) + ' behind).')
    : null;
  const findings = [...r.journalDifferences.map((d) => 'journal: ' + d), ...r.readModelDifferences.map((d) => 'read model: ' + d)];
  const batches = table(['ended', 'submissions', 'commands', 'duration', 'outcome'],
    s.engine.recentBatches.map((b) => [time(b.at), b.submissions, b.commands, ms(b.durationMs), badge(b.outcome)]));
  show($('status'), tiles,
    el('div', { className: 'columns' },
      el('div', {}, el('h3', {}, 'Roles'), roles, el('h3', {}, 'Read models'), models, progress,
        el('h3', {}, 'Reconciliation findings'),
        findings.length ? el('ul', { id: 'findings' }, findings.map((f) => el('li', {}, f))) : el('p', { className: 'muted' },
          r.running ? 'None' + (r.lastPassAt ? ' (last pass ' + time(r.lastPassAt) + ')' : ' yet') : 'Reconciliation does not run here.')),
      el('div', {}, el('h3', {}, 'Recent batches (newest first, this instance)'),
        s.engine.recentBatches.length ? batches : el('p', { className: 'muted' }, 'No batch since this instance started.'))));
}

function tile(title, value, note) {
  return el('div', { className: 'tile' }, el('div', { className: 'tile-title' }, title),
    el('div', { className: 'tile-value' }, value), el('div', { className: 'muted' }, note));
}

// ---- dead letters -------------------------------------------------------------------------------------------------

async function loadDeadLetters() {
  if (!keys.operator) {
    show($('dead-letters'), el('p', { className: 'muted' }, 'Dead letters cross ledgers: log in with the operator key to see them.'));
    return;
  }
  try {
    const page = await api('GET', '/v1/admin/dead-letters?limit=' + LIST_LIMIT, keys.operator);
    if (!page.items.length) {
      show($('dead-letters'), el('p', { className: 'muted' }, 'No dead letters.'));
      return;
    }
    show($('dead-letters'), table(['created', 'topic / partition / offset', 'key', 'reason', 'status', ''],
      page.items.map((d) => [time(d.createdAt), d.topic + ' / ' + d.partition + ' / ' + d.offset, d.key, d.reason,
        el('span', { className: 'dead-letter-status', 'data-id': d.id }, badge(d.status)),
        d.status === 'RETRIED' ? time(d.retriedAt)
          : el('button', { type: 'button', className: 'retry', 'data-id': d.id, onclick: () => retry(d.id) }, 'Retry')])));
  } catch (problem) {
    show($('dead-letters'), el('p', { className: 'error' }, 'Dead letters not available: ' + problem.message));
  }
}

async function retry(id) {
  try {
    const result = await api('POST', '/v1/admin/dead-letters/' + encodeURIComponent(id) + '/retry', keys.operator);
    $('dead-letters-message').textContent = 'Retry of ' + id + ': ' + result.outcome + (result.reason ? ' (' + result.reason + ')' : '');
  } catch (problem) {
    $('dead-letters-message').textContent = 'Retry of ' + id + ' failed: ' + problem.message;
  }
  await loadDeadLetters();
  refreshStatus();
}

// ---- account explorer ---------------------------------------------------------------------------------------------

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function findAccount(event) {
  event.preventDefault();
  const query = $('account-query').value.trim();
  $('account-error').textContent = '';
  show($('account-results'));
  show($('account-detail'));
  try {
    if (UUID_PATTERN.test(query)) {
      await openAccount(query);
      return;
    }
    const path = '/v1/accounts?limit=' + LIST_LIMIT + (query ? '&code=' + encodeURIComponent(query) : '');
    const page = await ledgerGet(path);
    if (page.items.length === 1 && query) {
      await openAccount(page.items[0].id);
      return;
    }
    show($('account-results'), page.items.length ? table(['code', 'asset', 'balance', 'id'], page.items.map((a) => [a.code,
      a.asset, a.balance.posted, el('a', { href: '#', onclick: (e) => { e.preventDefault(); openAccount(a.id); } }, a.id)]))
      : el('p', { className: 'muted' }, 'No account ' + (query ? 'with the code ' + query : 'in this ledger') + '.'));
  } catch (problem) {
    $('account-error').textContent = problem.message;
  }
}

async function openAccount(id) {
  const base = '/v1/accounts/' + encodeURIComponent(id);
  let account;
  try {
    account = await ledgerGet(base);
  } catch (problem) {
    $('account-error').textContent = 'Account ' + id + ': ' + problem.message;
    return;
  }
  // The parts load side by side; one that fails says so in its place and the others still show.
  const [grants, statement, explanation, transfers] = await Promise.allSettled([
    ledgerGet(base + '/grants?limit=' + LIST_LIMIT), ledgerGet(base + '/statement?limit=' + LIST_LIMIT),
    ledgerGet(base + '/explain?limit=' + LIST_LIMIT), ledgerGet(base + '/transfers?limit=' + LIST_LIMIT)]);
  const b = account.balance;
  show($('account-detail'),
    el('h3', {}, 'Account ' + (account.code || '') + ' ', el('span', { className: 'muted' }, account.id)),
    dl([['asset', account.asset], ['status', account.status], ['normal side', account.normalSide],
      ['balance (posted)', el('strong', { id: 'account-balance' }, String(b.posted))], ['pending', b.pending],
      ['available', b.available], ['version', account.version]]),
    el('h4', {}, 'Grants'), settled(grants, (page) => page.items.length
      ? table(['grant', 'amount', 'remaining', 'status', 'expires'], page.items.map((g) => [g.id, g.amount, g.remaining, g.status, time(g.expiresAt)]))
      : el('p', { className: 'muted' }, 'No grants.')),
    el('h4', {}, 'Transfers'), settled(transfers, (page) => page.items.length
      ? table(['seq', 'type', 'amount', 'status', 'transfer', ''], page.items.map((t) => [t.seq, t.type, t.amount + ' ' + t.asset,
        t.status, t.id, el('button', { type: 'button', className: 'journey-link', onclick: () => openJourney(t.id) }, 'Journey')]))
      : el('p', { className: 'muted' }, 'No transfers.')),
    el('h4', {}, 'Statement'), settled(statement, (page) => page.lines.length
      ? table(['version', 'seq', 'type', 'side', 'amount', 'balance', 'at'], page.lines.map((l) => [l.version, l.seq, l.type, l.side,
        l.amount, l.balance, time(l.createdAt)]))
      : el('p', { className: 'muted' }, 'No postings.')),
    el('h4', {}, 'Explanation of the balance'), settled(explanation, (x) => el('div', {},
      el('p', {}, 'Opening ' + x.openingBalance.posted + ', closing ' + x.closingBalance.posted + '.'),
      x.changes.length ? el('ol', { className: 'explanation' }, x.changes.map((c) => el('li', {},
        el('span', { className: 'muted' }, time(c.at) + ' · ' + c.kind + ' · ' + (c.amount > 0 ? '+' : '') + c.amount + ' → ' + c.balance + ' · '),
        c.description)))
        : el('p', { className: 'muted' }, 'Nothing happened to this account yet.'))));
}

function settled(result, render) {
  return result.status === 'fulfilled' ? render(result.value)
    : el('p', { className: 'error' }, 'Not available: ' + result.reason.message);
}

// ---- transfer journey and trace -----------------------------------------------------------------------------------

function openJourney(id) {
  $('journey-id').value = id;
  $('journey-panel').scrollIntoView();
  return loadJourney(id);
}

async function loadJourney(id) {
  show($('trace'));
  show($('journey'), el('p', { className: 'muted' }, 'Loading the journey of ' + id + '…'));
  let journey;
  try {
    journey = await ledgerGet('/v1/transfers/' + encodeURIComponent(id) + '/journey');
  } catch (problem) {
    show($('journey'), el('p', { id: 'journey-unavailable', className: 'error' },
      'Journey not available' + (problem.status ? ' (HTTP ' + problem.status + ')' : '') + ': ' + problem.message));
    return;
  }
  renderJourney(journey);
  if (journey.traceId) await loadTrace(journey.traceId);
  else show($('trace'), el('p', { className: 'muted' }, 'This transfer carries no trace id.'));
}

/** The journey as a timeline: each step with its time, the time since the previous step and since receipt. */
function renderJourney(j) {
  const steps = [];
  if (j.received) steps.push({ name: 'received', at: j.received.at, note: 'by the API' });
  if (j.committed) steps.push({ name: 'committed', at: j.committed.at,
    note: 'sequence ' + j.committed.sequence + ', in a batch of ' + j.committed.batchSize });
  for (const p of j.published || []) steps.push({ name: 'published', at: p.at,
    note: 'account ' + p.accountId + ' → ' + p.topic + ' / ' + p.partition + ' @ ' + p.offset });
  for (const a of j.applied || []) steps.push({ name: a.applied ? 'applied' : 'not applied yet', at: a.at, note: 'read model ' + a.readModel });
  const start = j.received && j.received.at ? Date.parse(j.received.at) : null;
  const timed = steps.filter((s) => s.at).sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  const untimed = steps.filter((s) => !s.at);
  let previous = null;
  const items = timed.map((s) => {
    const t = Date.parse(s.at);
    const sincePrevious = previous === null ? null : t - previous;
    previous = t;
    return el('li', { className: 'step' }, el('strong', {}, s.name), ' ', el('span', { className: 'muted' }, time(s.at)),
      sincePrevious === null ? '' : el('span', { className: 'delta' }, ' +' + ms(sincePrevious)),
      start === null ? '' : el('span', { className: 'muted' }, ' (' + ms(t - start) + ' after receipt)'),
      el('div', { className: 'muted' }, s.note));
  });
  for (const s of untimed) items.push(el('li', { className: 'step pending' }, el('strong', {}, s.name), el('div', { className: 'muted' }, s.note)));
  show($('journey'),
    dl([['transfer', j.transferId], ['kind', j.kind], ['ledger', j.ledgerId], ['trace', j.traceId || '—']]),
    el('ol', { id: 'journey-steps', className: 'timeline' }, items));
}

async function loadTrace(traceId) {
  if (!keys.operator) {
    show($('trace'), el('p', { className: 'muted' }, 'Trace ' + traceId + ': log in with the operator key to see its spans.'));
    return;
  }
  try {
    const trace = await api('GET', '/v1/admin/traces/' + encodeURIComponent(traceId), keys.operator);
    renderTrace(trace);
  } catch (problem) {
    show($('trace'), el('p', { id: 'trace-unavailable', className: 'muted' },
      'Trace ' + traceId + ' not available' + (problem.status ? ' (HTTP ' + problem.status + ')' : '') + ': ' + problem.message));
  }
}

/** The spans as a waterfall: indented under their parent, a bar from their start for their duration. */
function renderTrace(trace) {
  const spans = trace.spans || [];
  if (!spans.length) {
    show($('trace'), el('p', { className: 'muted' }, 'The trace has no spans.'));
    return;
  }
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const depth = (s, seen = new Set()) => {
    const parent = byId.get(s.parentSpanId);
    if (!parent || seen.has(s.spanId)) return 0;
    seen.add(s.spanId);
    return 1 + depth(parent, seen);
  };
  const start = Math.min(...spans.map((s) => Date.parse(s.start)));
  const end = Math.max(...spans.map((s) => Date.parse(s.end || s.start)));
  const total = Math.max(end - start, 1);
  const rows = [...spans].sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).map((s) => {
    const offset = (Date.parse(s.start) - start) / total * 100;
    const width = Math.max((s.durationMs ?? 0) / total * 100, 0.5);
    const attributes = Object.entries(s.attributes || {}).map(([k, v]) => k + '=' + v).join(', ');
    return el('div', { className: 'span-row', title: attributes },
      el('div', { className: 'span-name', style: 'padding-left:' + depth(s) * 16 + 'px' }, s.name),
      el('div', { className: 'span-track' }, el('div', { className: 'span-bar', style: 'left:' + offset + '%;width:' + width + '%' })),
      el('div', { className: 'span-duration' }, ms(s.durationMs)));
  });
  show($('trace'), el('h3', {}, 'Trace ' + trace.traceId), el('div', { id: 'waterfall', className: 'waterfall' }, rows));
}

// ---- start --------------------------------------------------------------------------------------------------------

$('login-form').addEventListener('submit', login);
$('logout').addEventListener('click', logout);
$('dead-letters-refresh').addEventListener('click', loadDeadLetters);
$('account-form').addEventListener('submit', findAccount);
$('journey-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const id = $('journey-id').value.trim();
  if (id) loadJourney(id);
});
if (keys.operator || keys.ledger) enter();
