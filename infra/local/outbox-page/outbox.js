// The local outbox page: lists /_local/outbox newest first, filters by address, clears, refreshes itself.
// Served with `script-src 'self'`: no inline script, and messages are rendered as text nodes only.
const REFRESH_MS = 2000;
const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
// A code whole, or as a call's script reads it, digit by digit (`1, 2, 3, 4, 5, 6`; zh-CN with `，`).
const CODE_PATTERN = /\b\d{4,10}\b|\b\d(?:(?:, |，)\d){3,9}\b/g;

/** `?to=` read as a developer types it: a literal `+` stays a `+` (a phone number), not a space. */
function addressFromLocation() {
  for (const pair of location.search.slice(1).split('&')) {
    const [key, value = ''] = pair.split('=');
    if (key === 'to') {
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return '';
}

/** Appends `text` to `parent`, with each code in a <mark>. */
function appendWithCodes(parent, text) {
  let last = 0;
  for (const match of text.matchAll(CODE_PATTERN)) {
    parent.append(text.slice(last, match.index));
    const mark = document.createElement('mark');
    mark.textContent = match[0];
    parent.append(mark);
    last = match.index + match[0].length;
  }
  parent.append(text.slice(last));
}

/** The message text with its links clickable and its codes highlighted. */
function renderText(text) {
  const paragraph = document.createElement('p');
  paragraph.className = 'text';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    appendWithCodes(paragraph, text.slice(last, match.index));
    const link = document.createElement('a');
    link.href = match[0];
    link.textContent = match[0];
    link.rel = 'noreferrer';
    paragraph.append(link);
    last = match.index + match[0].length;
  }
  appendWithCodes(paragraph, text.slice(last));
  return paragraph;
}

function fact(list, name, value) {
  const row = document.createElement('div');
  const term = document.createElement('dt');
  term.textContent = name;
  const detail = document.createElement('dd');
  detail.append(value);
  row.append(term, detail);
  list.append(row);
}

/**
 * A mail's HTML part, framed as its recipient's client would show it (served by /_local/outbox/html with a
 * policy of its own: inline styles and https images, nothing that runs). Open for the newest message.
 */
function renderHtml(message, open) {
  const details = document.createElement('details');
  details.className = 'html';
  details.open = open;
  const summary = document.createElement('summary');
  summary.textContent = 'Mail as HTML';
  const frame = document.createElement('iframe');
  frame.src = `/_local/outbox/html?to=${encodeURIComponent(message.to)}&sentAt=${encodeURIComponent(message.sentAt)}`;
  frame.title = `Mail to ${message.to} as HTML`;
  frame.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
  frame.referrerPolicy = 'no-referrer';
  details.append(summary, frame);
  return details;
}

/** How the page names each channel; a call is kept as its script (what the voice reads). */
const CHANNEL_NAMES = { email: 'Email', sms: 'SMS', whatsapp: 'WhatsApp', voice: 'Voice call (script)' };

function renderMessage(message, index) {
  const item = document.createElement('li');
  const facts = document.createElement('dl');
  facts.className = 'meta';
  fact(facts, 'Channel', CHANNEL_NAMES[message.channel] ?? message.channel);
  fact(facts, 'To', message.to);
  const time = document.createElement('time');
  time.dateTime = message.sentAt;
  time.textContent = new Date(message.sentAt).toLocaleString();
  fact(facts, 'Time', time);
  fact(facts, 'Tenant', `${message.tenant} / ${message.purpose}`);
  item.append(facts);
  if (message.subject) {
    const subject = document.createElement('p');
    subject.className = 'subject';
    subject.textContent = message.subject;
    item.append(subject);
  }
  item.append(renderText(message.text));
  if (message.html) item.append(renderHtml(message, index === 0));
  return item;
}

const list = document.getElementById('messages');
const status = document.getElementById('status');
const input = document.getElementById('to');
let shown = '';

function say(text) {
  if (status.textContent !== text) status.textContent = text;
}

async function refresh() {
  const address = input.value.trim();
  const query = address ? `?to=${encodeURIComponent(address)}` : '';
  try {
    const response = await fetch(`/_local/outbox${query}`, { cache: 'no-store' });
    const body = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (body !== shown) {
      shown = body;
      const { messages } = JSON.parse(body);
      list.replaceChildren(...messages.map(renderMessage));
    }
    const count = list.children.length;
    const to = address ? ` to ${address}` : '';
    say(count === 0 ? `No messages${to}.` : `${count} message${count === 1 ? '' : 's'}${to}.`);
  } catch (error) {
    say(`Could not read the outbox (${error.message}); is the local runtime still running?`);
  }
}

document.getElementById('filter').addEventListener('submit', (event) => {
  event.preventDefault();
  const address = input.value.trim();
  history.replaceState(null, '', address ? `?to=${encodeURIComponent(address)}` : location.pathname);
  refresh();
});

document.getElementById('clear').addEventListener('click', async () => {
  await fetch('/_local/outbox', { method: 'DELETE' });
  await refresh();
  say('Outbox cleared.');
});

input.value = addressFromLocation();
refresh();
setInterval(refresh, REFRESH_MS);
