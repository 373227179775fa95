// Runs the real addin/clients/google/Code.gs under Node with small stand-ins for the Apps
// Script services it uses. UrlFetchApp makes real HTTP requests (synchronous, as in Apps
// Script, by a child Node process); the others keep their state in the scenario.
//
//   node apps_script_harness.js < scenario.json > outcome.json
//
// scenario: {now: ms since 1970, spreadsheetId, activeSheet, properties: {...},
//            steps: [["onOpen"], ["install"], ["edit", sheet, a1], ["change"],
//                    ["run", functionName]]}
// outcome:  {results: [what each step returned], properties, toasts, menu, triggers, warnings,
//            requests: [{url, headers, body, status}]}
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { execFileSync } = require('node:child_process');

const CODE = path.join(__dirname, '..', '..', 'addin', 'clients', 'google', 'Code.gs');
const PROPERTY_VALUE_LIMIT = 9 * 1024; // Apps Script's limits on Script Properties
const PROPERTIES_LIMIT = 500 * 1024;

const scenario = JSON.parse(fs.readFileSync(0, 'utf8'));
const outcome = { results: [], toasts: [], menu: [], triggers: [], warnings: [], requests: [] };
const properties = Object.assign({}, scenario.properties || {});

// the one HTTP request of a fetch, made by a child process so that the call blocks
const FETCH = `
  const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  fetch(input.url, { method: 'POST', headers: input.headers, body: input.body, redirect: 'manual' })
    .then(async (r) => console.log(JSON.stringify({ status: r.status, text: await r.text() })))
    .catch((e) => console.log(JSON.stringify({ error: String(e.cause || e) })));
`;

const UrlFetchApp = {
  fetch(url, options) {
    const headers = Object.assign({ 'Content-Type': options.contentType }, options.headers);
    const answer = JSON.parse(
      execFileSync(process.execPath, ['-e', FETCH], {
        input: JSON.stringify({ url, headers, body: options.payload }),
        timeout: 20000,
      }).toString()
    );
    outcome.requests.push({ url, headers, body: options.payload, status: answer.status || null });
    if (answer.error) throw new Error('Exception: ' + answer.error); // as Apps Script does
    return { getResponseCode: () => answer.status, getContentText: () => answer.text };
  },
};

const Utilities = {
  Charset: { UTF_8: 'UTF-8', US_ASCII: 'US-ASCII' },
  getUuid: () => crypto.randomUUID(),
  // Apps Script gives Java's signed bytes (-128..127)
  computeHmacSha256Signature(value, key, charset) {
    const encoding = charset === 'UTF-8' ? 'utf8' : 'latin1';
    const mac = crypto.createHmac('sha256', Buffer.from(key, encoding));
    mac.update(Buffer.from(value, encoding));
    return Array.from(mac.digest(), (b) => (b > 127 ? b - 256 : b));
  },
};

const scriptProperties = {
  getProperty: (key) => (key in properties ? properties[key] : null),
  getProperties: () => Object.assign({}, properties),
  setProperty(key, value) {
    if (String(value).length > PROPERTY_VALUE_LIMIT) throw new Error('Argument too large: value');
    properties[key] = String(value);
    const size = Object.entries(properties).reduce((n, [k, v]) => n + k.length + v.length, 0);
    if (size > PROPERTIES_LIMIT) throw new Error('You have exceeded the property storage quota.');
    return scriptProperties;
  },
  deleteProperty(key) {
    delete properties[key];
    return scriptProperties;
  },
};
const PropertiesService = { getScriptProperties: () => scriptProperties };

const lock = { tryLock: () => true, waitLock: () => undefined, releaseLock: () => undefined };
const LockService = { getScriptLock: () => lock };

const spreadsheet = {
  getId: () => scenario.spreadsheetId,
  getActiveSheet: () => ({ getName: () => scenario.activeSheet || 'Planilha1' }),
  toast: (message, title) => outcome.toasts.push({ title, message }),
};
const menuBuilder = (name) => {
  const entry = { name, items: [] };
  const builder = {
    addItem: (caption, fn) => (entry.items.push([caption, fn]), builder),
    addSeparator: () => (entry.items.push(['-', null]), builder),
    addToUi: () => outcome.menu.push(entry),
  };
  return builder;
};
const SpreadsheetApp = {
  getActiveSpreadsheet: () => spreadsheet,
  getUi: () => ({ createMenu: menuBuilder }),
};

const triggers = [];
const ScriptApp = {
  getProjectTriggers: () => triggers.slice(),
  deleteTrigger: (t) => triggers.splice(triggers.indexOf(t), 1),
  newTrigger(handler) {
    const trigger = { handler };
    const builder = {
      forSpreadsheet: () => builder,
      onEdit: () => ((trigger.kind = 'edit'), builder),
      onChange: () => ((trigger.kind = 'change'), builder),
      timeBased: () => builder,
      everyMinutes: (n) => ((trigger.kind = `every ${n} min`), builder),
      create: () => (triggers.push(trigger), trigger),
    };
    return builder;
  },
};

// the scenario's clock: the script never sees this machine's
class FixedDate extends Date {
  constructor(...args) {
    super(...(args.length ? args : [scenario.now]));
  }
  static now() {
    return scenario.now;
  }
}

const context = vm.createContext({
  UrlFetchApp,
  Utilities,
  PropertiesService,
  LockService,
  SpreadsheetApp,
  ScriptApp,
  Date: FixedDate,
  JSON,
  Math,
  String,
  Object,
  console: { log: () => undefined, warn: (m) => outcome.warnings.push(String(m)) },
});
vm.runInContext(fs.readFileSync(CODE, 'utf8'), context, { filename: 'Code.gs' });

const range = (sheet, a1) => ({ getSheet: () => ({ getName: () => sheet }), getA1Notation: () => a1 });
for (const [step, ...args] of scenario.steps) {
  let result = null;
  if (step === 'onOpen') result = context.onOpen();
  else if (step === 'install') result = context.instalarGatilhos();
  else if (step === 'edit') result = context.aoEditar({ range: range(args[0], args[1]) });
  else if (step === 'change') result = context.aoMudar({ changeType: 'INSERT_ROW' });
  else if (step === 'run') result = context[args[0]]();
  else throw new Error('unknown step ' + step);
  outcome.results.push(result === undefined ? null : result);
}
outcome.properties = properties;
outcome.triggers = triggers.map((t) => [t.handler, t.kind]);
process.stdout.write(JSON.stringify(outcome));
